"""uv.lock: registry packages with their exact files, other sources unverifiable, the project itself skipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.version import Version

from interlock.lockfiles import ArtifactFile, LockfileError, LockfileFormat, PinStatus, read_lockfile
from tests.lockfile_helpers import FILES, INDEX, digest, line_of, write

UV_LOCK = f"""
version = 1
revision = 2
requires-python = ">=3.11"
resolution-markers = [
    "python_full_version >= '3.12'",
    "python_full_version < '3.12'",
]

[manifest]
members = ["app", "app-plugin"]

[[package]]
name = "anyio"
version = "4.3.0"
source = {{ registry = "{INDEX}" }}
dependencies = [
    {{ name = "idna" }},
]
sdist = {{ url = "{FILES}/anyio-4.3.0.tar.gz", hash = "sha256:{digest("anyio-sdist")}", size = 159642, upload-time = "2024-02-19T08:36:28.641Z" }}
wheels = [
    {{ url = "{FILES}/anyio-4.3.0-py3-none-any.whl", hash = "sha256:{digest("anyio-wheel")}", size = 85584 }},
]

[[package]]
name = "app"
version = "0.1.0"
source = {{ editable = "." }}
dependencies = [
    {{ name = "anyio" }},
]

[[package]]
name = "app-plugin"
version = "0.1.0"
source = {{ editable = "packages/plugin" }}

[[package]]
name = "docs"
version = "0.0.0"
source = {{ virtual = "docs" }}

[[package]]
name = "Idna"
version = "3.6"
source = {{ registry = "{INDEX}" }}
wheels = [
    {{ url = "{FILES}/idna-3.6-py3-none-any.whl", hash = "sha256:{digest("idna-wheel")}", size = 61567 }},
]

[[package]]
name = "numpy"
version = "1.26.4"
source = {{ registry = "{INDEX}" }}
resolution-markers = [
    "python_full_version < '3.12'",
]
wheels = [
    {{ url = "{FILES}/numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl", hash = "sha256:{digest("numpy-1")}", size = 18 }},
]

[[package]]
name = "numpy"
version = "2.0.1"
source = {{ registry = "{INDEX}" }}
resolution-markers = [
    "python_full_version >= '3.12'",
]
wheels = [
    {{ url = "{FILES}/numpy-2.0.1-cp312-cp312-manylinux_2_17_x86_64.whl", hash = "sha256:{digest("numpy-2")}", size = 19 }},
]

[[package]]
name = "tool"
version = "1.2.0"
source = {{ git = "http://127.0.0.1:9999/team/tool.git?rev=v1.2#0123456789abcdef0123456789abcdef01234567" }}

[[package]]
name = "direct"
version = "1.0"
source = {{ url = "{FILES}/direct-1.0-py3-none-any.whl" }}
wheels = [
    {{ hash = "sha256:{digest("direct")}" }},
]

[[package]]
name = "vendored"
version = "2.0"
source = {{ path = "wheels/vendored-2.0-py3-none-any.whl" }}
wheels = [
    {{ filename = "vendored-2.0-py3-none-any.whl", hash = "sha256:{digest("vendored")}" }},
]

[[package]]
name = "sibling"
version = "0.3"
source = {{ directory = "../sibling" }}

[[package]]
name = "sibling-editable"
version = "0.4"
source = {{ editable = "../sibling-editable" }}
"""  # noqa: E501 - lines of a lockfile or module as written


def test_registry_packages_are_pinned_with_their_exact_files(tmp_path: Path) -> None:
    path = write(tmp_path, "uv.lock", UV_LOCK)
    lock = read_lockfile(path)
    assert lock.format is LockfileFormat.UV_LOCK
    anyio = lock.packages[0]
    assert anyio.name == "anyio"
    assert anyio.status is PinStatus.PINNED
    assert anyio.version == Version("4.3.0")
    assert anyio.requirement == "anyio==4.3.0"
    assert anyio.line == line_of(path, 'name = "anyio"') - 1
    assert anyio.index_urls == (INDEX,)
    assert anyio.files == (
        ArtifactFile(
            "anyio-4.3.0.tar.gz", f"{FILES}/anyio-4.3.0.tar.gz", frozenset({f"sha256:{digest('anyio-sdist')}"}), 159642
        ),
        ArtifactFile(
            "anyio-4.3.0-py3-none-any.whl",
            f"{FILES}/anyio-4.3.0-py3-none-any.whl",
            frozenset({f"sha256:{digest('anyio-wheel')}"}),
            85584,
        ),
    )
    assert anyio.sha256s == {digest("anyio-sdist"), digest("anyio-wheel")}
    assert anyio.marker is None
    assert lock.index_urls == (INDEX,)
    assert lock.problems == ()


def test_the_project_and_workspace_members_are_local_not_dependencies(tmp_path: Path) -> None:
    lock = read_lockfile(write(tmp_path, "uv.lock", UV_LOCK))
    assert lock.local_projects == ("app", "app-plugin", "docs")
    assert not {"app", "app-plugin", "docs"} & {p.name for p in lock.packages}


def test_forked_resolutions_keep_their_markers(tmp_path: Path) -> None:
    lock = read_lockfile(write(tmp_path, "uv.lock", UV_LOCK))
    numpys = [p for p in lock.packages if p.name == "numpy"]
    assert [(str(p.version), p.marker) for p in numpys] == [
        ("1.26.4", Marker("python_full_version < '3.12'")),
        ("2.0.1", Marker("python_full_version >= '3.12'")),
    ]
    assert by_name_unique(lock, "idna").name == "idna"  # canonicalised from "Idna"


def by_name_unique(lock, name):  # type: ignore[no-untyped-def]
    (found,) = [p for p in lock.packages if p.name == name]
    return found


def test_other_sources_are_unverifiable_with_what_they_point_at(tmp_path: Path) -> None:
    path = write(tmp_path, "uv.lock", UV_LOCK)
    lock = read_lockfile(path)
    others = {p.name: p for p in lock.packages if p.status is PinStatus.UNVERIFIABLE}
    assert set(others) == {"tool", "direct", "vendored", "sibling", "sibling-editable"}
    assert others["tool"].reason == "VCS reference (no index release behind it)"
    assert others["tool"].url.startswith("http://127.0.0.1:9999/team/tool.git")
    assert others["tool"].version == Version("1.2.0")
    direct = others["direct"]
    assert direct.reason == "direct URL (not from an index)"
    assert direct.files == (
        ArtifactFile(
            "direct-1.0-py3-none-any.whl",
            f"{FILES}/direct-1.0-py3-none-any.whl",
            frozenset({f"sha256:{digest('direct')}"}),
        ),
    )
    vendored = others["vendored"]
    assert vendored.reason == "local path (no index release behind it)"
    assert vendored.files[0].filename == "vendored-2.0-py3-none-any.whl"
    assert vendored.files[0].sha256 == digest("vendored")
    assert others["sibling"].reason == "local directory (no index release behind it)"
    assert others["sibling-editable"].reason == "editable install of a local directory"
    assert all(p.index_urls == () for p in others.values())


def test_a_lone_project_without_manifest_is_skipped(tmp_path: Path) -> None:
    text = f"""
    version = 1
    requires-python = ">=3.11"

    [[package]]
    name = "solo"
    version = "0.1.0"
    source = {{ virtual = "." }}

    [[package]]
    name = "six"
    version = "1.16.0"
    source = {{ registry = "{INDEX}" }}
    wheels = [{{ url = "{FILES}/six-1.16.0-py2.py3-none-any.whl", hash = "sha256:{digest("six")}" }}]
    """
    lock = read_lockfile(write(tmp_path, "uv.lock", text))
    assert lock.local_projects == ("solo",)
    assert [p.label for p in lock.packages] == ["six==1.16.0"]


def _broken(tmp_path: Path, body: str) -> LockfileError:
    path = write(tmp_path, "uv.lock", f'version = 1\nrequires-python = ">=3.11"\n\n{body}')
    with pytest.raises(LockfileError) as caught:
        read_lockfile(path)
    assert caught.value.path == path
    assert "\n" not in str(caught.value)
    return caught.value


def test_a_version_of_the_wrong_type_names_its_line(tmp_path: Path) -> None:
    error = _broken(
        tmp_path,
        f'[[package]]\nname = "six"\nversion = "1.16.0"\nsource = {{ registry = "{INDEX}" }}\n\n'
        f'[[package]]\nname = "idna"\nsource = {{ registry = "{INDEX}" }}\nversion = 3\n',
    )
    assert (error.line, error.message) == (12, "package 'idna': 'version' must be a string, not an integer")


def test_toml_syntax_errors_carry_their_line(tmp_path: Path) -> None:
    error = _broken(tmp_path, '[[package]]\nname = "six"\nversion = "1.16.0\nsource = {}\n')
    assert error.line == 6
    assert error.message.startswith("invalid TOML: ")
    assert "(column" in error.message


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('[[package]]\nname = "six"\nversion = "1.16.0"\n', 4, "package 'six': 'source' is missing"),
        ('[[package]]\nversion = "1.0"\nsource = { registry = "x" }\n', 4, "package #1: 'name' is missing"),
        (
            '[[package]]\nname = "bad name!"\nversion = "1"\nsource = { registry = "x" }\n',
            5,
            "package #1: invalid project name 'bad name!'",
        ),
        (
            '[[package]]\nname = "six"\nversion = "not a version"\nsource = { registry = "x" }\n',
            6,
            "package 'six': invalid version 'not a version'",
        ),
        (
            '[[package]]\nname = "six"\nsource = { registry = "x" }\n',
            4,
            "package 'six': a package from a registry must have a version",
        ),
        (
            '[[package]]\nname = "six"\nversion = "1"\nsource = { registry = "x", git = "y" }\n',
            7,
            "package 'six': 'source' must have exactly one of",
        ),
        (
            '[[package]]\nname = "six"\nversion = "1"\nsource = { registry = "x" }\n'
            'wheels = [{ url = "x/six-1-py3-none-any.whl", hash = "sha256:zz" }]\n',
            4,
            "package 'six', file: malformed hash 'sha256:zz'",
        ),
        (
            '[[package]]\nname = "six"\nversion = "1"\nsource = { registry = "x" }\nwheels = "six.whl"\n',
            8,
            "package 'six': 'wheels' must be an array, not a string",
        ),
        (
            '[[package]]\nname = "six"\nversion = "1"\nsource = { registry = "x" }\n'
            'resolution-markers = ["python_version >< 3"]\n',
            8,
            "package 'six': invalid marker",
        ),
        ('package = "nope"\n', 4, "uv.lock: 'package' must be an array, not a string"),
    ],
)
def test_malformed_entries_name_the_package_and_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    error = _broken(tmp_path, body)
    assert error.line == line
    assert error.message.startswith(message)


def test_unsupported_lock_versions_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "uv.lock", '# future\nversion = 2\n[[package]]\nname = "x"\n')
    with pytest.raises(LockfileError) as caught:
        read_lockfile(path)
    assert str(caught.value) == f"{path}:2: uv.lock: lock version 2 is not supported (this reads version 1)"


def test_a_lock_without_version_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "uv.lock", '[[package]]\nname = "x"\n')
    with pytest.raises(LockfileError, match=re.escape("uv.lock: 'version' is missing")):
        read_lockfile(path)
