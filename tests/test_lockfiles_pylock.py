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
            'name = "Bad_Name"\ndirectory = { path = "." }\n',
            "invalid pylock: packages[1].name: Name 'Bad_Name' is not normalized",
        ),
        (
            'name = "bad"\nversion = "1.0"\n',
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
