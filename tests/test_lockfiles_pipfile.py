"""Pipfile.lock: default and develop sections, hashes, markers, sources, and direct entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.version import Version

from interlock.lockfiles import LockfileError, LockfileFormat, PinStatus, read_lockfile
from tests.lockfile_helpers import EXTRA_INDEX, INDEX, digest, line_of, write

LOCK = {
    "_meta": {
        "hash": {"sha256": digest("pipfile")},
        "pipfile-spec": 6,
        "requires": {"python_version": "3.11"},
        "sources": [
            {"name": "local", "url": INDEX, "verify_ssl": True},
            {"name": "mirror", "url": EXTRA_INDEX, "verify_ssl": False},
        ],
    },
    "default": {
        "requests": {
            "extras": ["socks"],
            "hashes": [f"sha256:{digest('requests-1')}", f"sha256:{digest('requests-2')}"],
            "index": "local",
            "markers": "python_version >= '3.7'",
            "version": "==2.31.0",
        },
        "gitdep": {"git": "http://127.0.0.1:9999/team/gitdep.git", "ref": "0123456789abcdef0123456789abcdef01234567"},
        "mine": {"editable": True, "path": "."},
        "wheel-url": {"file": "http://127.0.0.1:8080/files/wheel_url-1.0-py3-none-any.whl"},
        "anything": {"version": "*"},
    },
    "develop": {
        "pytest": {"hashes": [f"sha256:{digest('pytest')}"], "version": "==8.1.1"},
        "requests": {"hashes": [f"sha256:{digest('requests-1')}"], "version": "==2.31.0", "index": "mirror"},
    },
}


def _write(tmp_path: Path, document: object, name: str = "Pipfile.lock") -> Path:
    return write(tmp_path, name, json.dumps(document, indent=4, sort_keys=True) + "\n")


def test_pinned_entries_with_hashes_markers_extras_and_index(tmp_path: Path) -> None:
    path = _write(tmp_path, LOCK)
    lock = read_lockfile(path)
    assert lock.format is LockfileFormat.PIPFILE_LOCK
    default = {p.name: p for p in lock.packages if "default" in p.groups}
    requests = default["requests"]
    assert requests.status is PinStatus.PINNED
    assert requests.version == Version("2.31.0")
    assert requests.requirement == "requests==2.31.0"
    assert requests.extras == {"socks"}
    assert requests.marker == Marker("python_version >= '3.7'")
    assert requests.sha256s == {digest("requests-1"), digest("requests-2")}
    assert requests.files == ()  # Pipfile.lock lists hashes, not files
    assert requests.index_urls == (INDEX,)
    assert requests.line == line_of(path, '"requests": {')
    develop = {p.name: p for p in lock.packages if "develop" in p.groups}
    assert develop["requests"].index_urls == (EXTRA_INDEX,)
    assert develop["requests"].line > requests.line  # found in its own section
    assert develop["pytest"].index_urls == (INDEX, EXTRA_INDEX)  # no index named: any source
    assert lock.index_urls == (INDEX, EXTRA_INDEX)


def test_direct_entries_are_unverifiable_and_stars_unpinned(tmp_path: Path) -> None:
    lock = read_lockfile(_write(tmp_path, LOCK))
    default = {p.name: p for p in lock.packages if "default" in p.groups}
    assert default["gitdep"].status is PinStatus.UNVERIFIABLE
    assert default["gitdep"].reason == "VCS reference (no index release behind it)"
    assert default["gitdep"].url == "http://127.0.0.1:9999/team/gitdep.git"
    assert default["mine"].reason == "editable install"
    assert default["wheel-url"].reason == "direct URL (not from an index)"
    assert default["anything"].status is PinStatus.UNPINNED
    assert default["anything"].reason == "no version pinned"


def test_a_source_without_tls_checks_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, LOCK)
    lock = read_lockfile(path)
    sources_line = line_of(path, '"sources"')
    assert [str(p) for p in lock.problems] == [
        f"{path}:{sources_line}: source {EXTRA_INDEX} has verify_ssl false: TLS certificates are not checked"
    ]


def test_json_syntax_errors_carry_their_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Pipfile.lock",
        '{\n    "_meta": {},\n    "default": {\n        "six": {"version": "==1.16.0",}\n    }\n}\n',
    )
    with pytest.raises(LockfileError) as caught:
        read_lockfile(path)
    assert str(caught.value) == f"{path}:4: invalid JSON: Expecting property name enclosed in double quotes (column 39)"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"version": 3}, "default package 'six': 'version' must be a string, not an integer"),
        (
            {"version": "==1.0", "hashes": "sha256:abc"},
            "default package 'six': 'hashes' must be an array, not a string",
        ),
        (
            {"version": "==1.0", "hashes": ["sha256:abc"]},
            "default package 'six': malformed hash 'sha256:abc' (expected algorithm:hexdigest)",
        ),
        ({"version": "==not a version"}, "default package 'six': invalid version 'not a version'"),
        ({"version": "==1.0", "markers": "python_version >< '3'"}, "default package 'six': invalid marker"),
        ("==1.0", "default package 'six': must be an object, not str"),
    ],
)
def test_malformed_entries_name_the_package_and_line(tmp_path: Path, entry: object, message: str) -> None:
    path = _write(tmp_path, {"_meta": {"sources": []}, "default": {"six": entry}, "develop": {}})
    with pytest.raises(LockfileError) as caught:
        read_lockfile(path)
    assert caught.value.line == line_of(path, '"six"')
    assert caught.value.message.startswith(message)


def test_an_index_the_lock_does_not_define_is_noted_and_every_source_used(tmp_path: Path) -> None:
    sources = [{"name": "company", "url": INDEX, "verify_ssl": True}]
    path = _write(tmp_path, {"_meta": {"sources": sources}, "default": {"six": {"version": "==1.0", "index": "gone"}}})
    lockfile = read_lockfile(path)
    [six] = lockfile.packages
    assert six.status is PinStatus.PINNED and six.index_urls == (INDEX,)
    [problem] = lockfile.problems
    assert problem.line == line_of(path, '"six"')
    assert problem.message == (
        "default package 'six': 'index' names 'gone', which _meta.sources does not define; looked up in every source"
    )


def test_a_document_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "Pipfile.lock", "[1, 2, 3]\n")
    with pytest.raises(LockfileError, match=r"Pipfile.lock:1: a Pipfile.lock must be a JSON object"):
        read_lockfile(path)


def test_hostile_json_is_refused_cleanly(tmp_path: Path) -> None:
    deep = write(tmp_path, "Pipfile.lock", "[" * 200_000 + "]" * 200_000)
    with pytest.raises(LockfileError, match="invalid JSON: nested too deeply"):
        read_lockfile(deep)
    digits = write(tmp_path, "big/Pipfile.lock", '{"_meta": ' + "9" * 50_000 + "}")
    with pytest.raises(LockfileError, match="invalid JSON: Exceeds the limit"):
        read_lockfile(digits)
