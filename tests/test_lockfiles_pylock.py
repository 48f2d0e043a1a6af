"""PEP 751 pylock.toml: index packages with their files; vcs, directory, archive and local files unverifiable."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.version import Version

from interlock.lockfiles import ArtifactFile, LockfileError, LockfileFormat, PinStatus, read_lockfile
from tests.lockfile_helpers import FILES, INDEX, by_name, digest, line_of, write

PYLOCK = f"""
lock-version = "1.0"
environments = ["sys_platform == 'linux'"]
requires-python = ">=3.11"
created-by = "a-locker"

[[packages]]
name = "attrs"
version = "23.2.0"
index = "{INDEX}"
marker = "python_version >= '3.11'"

[packages.sdist]
name = "attrs-23.2.0.tar.gz"
url = "{FILES}/attrs-23.2.0.tar.gz"
size = 780820
hashes = {{sha256 = "{digest("attrs-sdist")}"}}

[[packages.wheels]]
url = "{FILES}/attrs-23.2.0-py3-none-any.whl"
size = 60752
hashes = {{sha256 = "{digest("attrs-wheel")}", blake2b = "{"ab" * 32}"}}

[[packages]]
name = "cattrs"
index = "{INDEX}"
wheels = [
    {{ url = "{FILES}/cattrs-23.2.3-py3-none-any.whl", hashes = {{sha256 = "{digest("cattrs")}"}} }},
]

[[packages]]
name = "tool"
version = "1.2"
vcs = {{ type = "git", url = "http://127.0.0.1:9999/team/tool.git", commit-id = "0123456789abcdef0123456789abcdef01234567" }}

[[packages]]
name = "mine"
directory = {{ path = "../mine", editable = true }}

[[packages]]
name = "zipped"
archive = {{ url = "{FILES}/zipped-0.5.zip", hashes = {{sha256 = "{digest("zipped")}"}} }}

[[packages]]
name = "vendored"
version = "2.0"
wheels = [
    {{ path = "wheels/vendored-2.0-py3-none-any.whl", hashes = {{sha256 = "{digest("vendored")}"}} }},
]
"""  # noqa: E501 - lines of a lockfile or module as written


def test_index_packages_are_pinned_with_sdist_and_wheels(tmp_path: Path) -> None:
    path = write(tmp_path, "pylock.toml", PYLOCK)
    lock = read_lockfile(path)
    assert lock.format is LockfileFormat.PYLOCK
    packages = by_name(lock)
    attrs = packages["attrs"]
    assert attrs.status is PinStatus.PINNED
    assert attrs.version == Version("23.2.0")
    assert attrs.marker == Marker("python_version >= '3.11'")
    assert attrs.index_urls == (INDEX,)
    assert attrs.line == line_of(path, 'name = "attrs"') - 1
    assert attrs.files == (
        ArtifactFile(
            "attrs-23.2.0.tar.gz",
            f"{FILES}/attrs-23.2.0.tar.gz",
            frozenset({f"sha256:{digest('attrs-sdist')}"}),
            780820,
        ),
        ArtifactFile(
            "attrs-23.2.0-py3-none-any.whl",
            f"{FILES}/attrs-23.2.0-py3-none-any.whl",
            frozenset({f"sha256:{digest('attrs-wheel')}", f"blake2b:{'ab' * 32}"}),
            60752,
        ),
    )
    assert lock.index_urls == (INDEX,)
    assert lock.problems == ()  # blake2b beside a sha256 is fine


def test_a_version_missing_from_the_lock_comes_from_the_file_name(tmp_path: Path) -> None:
    packages = by_name(read_lockfile(write(tmp_path, "pylock.toml", PYLOCK)))
    assert packages["cattrs"].status is PinStatus.PINNED
    assert packages["cattrs"].version == Version("23.2.3")
    assert packages["cattrs"].requirement == "cattrs==23.2.3"


def test_direct_sources_and_local_files_are_unverifiable(tmp_path: Path) -> None:
    path = write(tmp_path, "pylock.dev.toml", PYLOCK)
    packages = by_name(read_lockfile(path))
    assert packages["tool"].status is PinStatus.UNVERIFIABLE
    assert (
        packages["tool"].reason
        == "VCS reference (git commit 0123456789abcdef0123456789abcdef01234567; no index release behind it)"
    )
    assert packages["mine"].reason == "editable install of a local directory"
    assert packages["mine"].version is None
    zipped = packages["zipped"]
    assert zipped.reason == "direct URL (not from an index)"
    assert zipped.files == (
        ArtifactFile("zipped-0.5.zip", f"{FILES}/zipped-0.5.zip", frozenset({f"sha256:{digest('zipped')}"})),
    )
    vendored = packages["vendored"]
    assert vendored.reason == "local files (no index release behind them)"
    assert vendored.files[0].url == (tmp_path / "wheels" / "vendored-2.0-py3-none-any.whl").as_uri()


def _error(tmp_path: Path, text: str) -> LockfileError:
    path = write(tmp_path, "pylock.toml", text)
    with pytest.raises(LockfileError) as caught:
        read_lockfile(path)
    assert caught.value.path == path
    return caught.value


HEADER = 'lock-version = "1.0"\ncreated-by = "a-locker"\n\n'
GOOD = (
    f'[[packages]]\nname = "ok"\nversion = "1.0"\nindex = "{INDEX}"\n'
    f'wheels = [{{ url = "{FILES}/ok-1.0-py3-none-any.whl", hashes = {{sha256 = "{digest("ok")}"}} }}]\n\n'
)


@pytest.mark.parametrize(
    ("package", "message"),
    [
        (
            'name = "bad"\nversion = 3\ndirectory = { path = "." }\n',
            "invalid pylock: packages[1].version: Unexpected type int (expected str)",
        ),
        (
            'name = "bad"\nversion = "2.0"\n'
            f'wheels = [{{ url = "{FILES}/bad-1.0-py3-none-any.whl", hashes = {{sha256 = "{digest("bad")}"}} }}]\n',
            "invalid pylock: packages[1].wheels[0]: Version in 'bad-1.0-py3-none-any.whl' is not consistent with "
            "package version '2.0'",
        ),
        (
            'name = "bad name"\ndirectory = { path = "." }\n',
            "invalid pylock: packages[1].name: Name 'bad name' is not normalized",
        ),
        (
            'name = "bad"\nversion = "1.0"\nvcs = { type = "git", path = ".", commit-id = "0a" }\n'
            'archive = { path = "x.zip", hashes = { sha256 = "0a" } }\n',
            "invalid pylock: packages[1]: Exactly one of vcs, directory, archive must be set if sdist and wheels are "
            "not set",
        ),
        (
            'name = "bad"\nversion = "1.0"\n'
            f'wheels = [{{ url = "{FILES}/bad-1.0-py3-none-any.whl", hashes = {{sha256 = "nothex"}} }}]\n',
            "package 'bad': malformed hash 'sha256:nothex' (expected algorithm:hexdigest)",
        ),
    ],
)
def test_invalid_packages_name_the_entry_and_its_line(tmp_path: Path, package: str, message: str) -> None:
    error = _error(tmp_path, HEADER + GOOD + "[[packages]]\n" + package)
    assert error.line == 10
    assert error.message == message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('created-by = "x"\npackages = []\n', None, "invalid pylock: lock-version: Missing required value"),
        (
            'lock-version = "2.0"\ncreated-by = "x"\npackages = []\n',
            None,
            "invalid pylock: pylock version 2.0 is not supported",
        ),
        (
            'lock-version = "1.0"\ncreated-by = "x"\npackages = "none"\n',
            None,
            "invalid pylock: packages: Unexpected type str (expected Sequence)",
        ),
        (
            'lock-version = "1.0"\ncreated-by = "x"\n[[packages]]\nname = "x"\nname = "y"\n',
            5,
            "invalid TOML: Cannot overwrite a value (column 11)",
        ),
    ],
)
def test_invalid_documents(tmp_path: Path, text: str, line: int | None, message: str) -> None:
    error = _error(tmp_path, text)
    assert (error.line, error.message) == (line, message)


# As pipenv writes a pylock.toml from its Pipfile.lock: names as Pipfile.lock keys them, one
# made-up wheel entry per hash, and entries it has no hashes for with neither files nor a source.
PIPENV_PYLOCK = f"""
lock-version = '1.0'
environments = []
extras = []
dependency-groups = ['dev']
default-groups = ['default']
created-by = 'pipenv'
requires-python = '>=3.11'

[[packages]]
name = 'jaraco.classes'
version = '3.4.0'
index = '{INDEX}/'

[[packages.wheels]]
name = 'jaraco.classes-3.4.0-py3-none-any.whl'
url = '{INDEX}/jaraco.classes/jaraco.classes-3.4.0-py3-none-any.whl'
hashes = {{sha256 = '{digest("jaraco-wheel")}'}}

[[packages.wheels]]
name = 'jaraco.classes-3.4.0-py3-none-any.whl'
url = '{INDEX}/jaraco.classes/jaraco.classes-3.4.0-py3-none-any.whl'
hashes = {{sha256 = '{digest("jaraco-sdist")}'}}

[[packages]]
name = 'six'
version = '1.16.0'
index = '{INDEX}/'

[[packages]]
name = 'team_tool'
marker = "'dev' in dependency_groups"
index = '{INDEX}/'

[tool.pipenv]
generated_from = 'Pipfile.lock'
"""


def test_a_pylock_as_pipenv_writes_it_is_read_with_warnings(tmp_path: Path) -> None:
    path = write(tmp_path, "pylock.toml", PIPENV_PYLOCK)

    def header(name: str) -> int:  # the [[packages]] line above the package's name
        return line_of(path, f"name = {name}") - 1

    lockfile = read_lockfile(path)
    packages = by_name(lockfile)
    assert list(packages) == ["jaraco-classes", "six", "team-tool"]
    jaraco = packages["jaraco-classes"]
    assert (jaraco.status, jaraco.version, jaraco.line) == (
        PinStatus.PINNED,
        Version("3.4.0"),
        header("'jaraco.classes'"),
    )
    assert jaraco.sha256s == {digest("jaraco-wheel"), digest("jaraco-sdist")}
    assert jaraco.index_urls == (f"{INDEX}/",)
    six = packages["six"]
    assert (six.status, six.version, six.sha256s, six.line) == (
        PinStatus.PINNED,
        Version("1.16.0"),
        frozenset(),
        header("'six'"),
    )
    tool = packages["team-tool"]
    assert tool.status is PinStatus.UNPINNED and tool.version is None
    assert tool.reason == "the lock gives it no version, no files and no source"
    assert tool.marker == Marker("'dev' in dependency_groups")
    assert [(problem.line, problem.message) for problem in lockfile.problems] == [
        (
            header("'jaraco.classes'"),
            "package name 'jaraco.classes' is not normalised (PEP 751 asks for 'jaraco-classes'); read as that",
        ),
        (
            header("'team_tool'"),
            "package name 'team_tool' is not normalised (PEP 751 asks for 'team-tool'); read as that",
        ),
        (
            header("'six'"),
            "package 'six' lists no files and no source; judged as the index's six==1.16.0, "
            "with no hash to check it against",
        ),
    ]


def test_unnormalised_extras_and_a_missing_created_by_are_noted(tmp_path: Path) -> None:
    path = write(tmp_path, "pylock.toml", 'lock-version = "1.0"\nextras = ["Dev_Tools"]\n\n' + GOOD)
    lockfile = read_lockfile(path)
    assert [p.name for p in lockfile.packages] == ["ok"]
    assert [str(problem) for problem in lockfile.problems] == [
        f"{path}: no created-by: the tool that wrote this lock is not named",
        f"{path}: extra 'Dev_Tools' is not normalised (PEP 751 asks for 'dev-tools'); read as that",
    ]


def test_an_error_after_a_bare_package_names_the_right_entry(tmp_path: Path) -> None:
    bare = '[[packages]]\nname = "bare"\nversion = "2.0"\n\n'
    broken = '[[packages]]\nname = "bad"\nversion = 3\ndirectory = { path = "." }\n'
    error = _error(tmp_path, HEADER + bare + GOOD + broken)
    assert error.line == line_of(error.path, 'name = "bad"') - 1
    assert error.message == "invalid pylock: packages[2].version: Unexpected type int (expected str)"
