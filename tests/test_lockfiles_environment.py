"""Installed distributions of this interpreter and of another one, read without running their code."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import packaging
import pytest
from packaging.version import Version

from interlock.lockfiles import (
    LockfileError,
    LockfileFormat,
    PinStatus,
    _environment_probe,
    environment,
    read_environment,
)
from tests.lockfile_helpers import FILES, digest


def _summary(lock) -> set[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    return {(p.name, str(p.version), p.status.value, str(p.source)) for p in lock.packages}


def test_the_current_environment_lists_packaging() -> None:
    lock = read_environment()
    assert lock.format is LockfileFormat.ENVIRONMENT
    assert lock.path == Path(sys.executable)
    found = [p for p in lock.packages if p.name == "packaging"]
    assert len(found) == 1
    assert found[0].version == Version(packaging.__version__)
    assert found[0].status is PinStatus.PINNED
    assert found[0].requirement == f"packaging=={packaging.__version__}"
    assert found[0].source.name.startswith("packaging-") and found[0].source.name.endswith(".dist-info")


def test_another_interpreter_reports_the_same_set() -> None:
    in_process = read_environment()
    via_subprocess = read_environment(Path(sys.executable))
    assert via_subprocess.path == Path(sys.executable)
    assert _summary(via_subprocess) == _summary(in_process)
    assert len(in_process.packages) >= 5


def _dist_info(site: Path, name: str, version: str, files: dict[str, str] | None = None) -> Path:
    directory = site / f"{name.replace('-', '_')}-{version}.dist-info"
    directory.mkdir(parents=True)
    (directory / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    for filename, text in (files or {}).items():
        (directory / filename).write_text(text)
    return directory


@pytest.fixture
def fake_venv(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A virtual environment built by hand: (its python, its site-packages, a marker a .pth would create)."""
    root = tmp_path / "venv"
    base = Path(os.path.realpath(sys.executable))
    (root / "bin").mkdir(parents=True)
    (root / "pyvenv.cfg").write_text(
        f"home = {base.parent}\ninclude-system-site-packages = false\nversion = {sys.version.split()[0]}\n"
    )
    python = root / "bin" / "python"
    python.symlink_to(base)
    site = root / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    site.mkdir(parents=True)
    marker = tmp_path / "pth-ran"
    return python, site, marker


def _populate(site: Path, marker: Path, tmp_path: Path) -> None:
    _dist_info(site, "plain", "1.0", {"INSTALLER": "pip\n"})
    _dist_info(site, "by-uv", "2.0", {"INSTALLER": "uv\n"})
    _dist_info(
        site,
        "editable-one",
        "0.1",
        {"direct_url.json": json.dumps({"url": (tmp_path / "src").as_uri(), "dir_info": {"editable": True}})},
    )
    _dist_info(
        site,
        "from-git",
        "3.0",
        {
            "direct_url.json": json.dumps(
                {"url": "http://127.0.0.1:9999/x.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}
            )
        },
    )
    _dist_info(
        site,
        "from-url",
        "4.0",
        {
            "direct_url.json": json.dumps(
                {
                    "url": f"{FILES}/from_url-4.0-py3-none-any.whl",
                    "archive_info": {"hashes": {"sha256": digest("from-url")}},
                }
            )
        },
    )
    _dist_info(site, "broken-direct", "5.0", {"direct_url.json": "{not json"})
    _dist_info(site, "odd-version", "not.a.version!")
    nameless = site / "nameless-1.0.dist-info"
    nameless.mkdir()
    (nameless / "METADATA").write_text("Metadata-Version: 2.1\nVersion: 1.0\n")
    # A .pth like litellm's: it must not run. Its path line is followed, as site would.
    extra = tmp_path / "extra-path"
    _dist_info(extra, "via-pth", "6.0")
    (site / "evil.pth").write_text(
        f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\n{extra}\n# comment\n"
    )
    (site / "sitecustomize.py").write_text(f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\n")


def test_a_venv_is_read_without_running_its_pth_files(fake_venv: tuple[Path, Path, Path], tmp_path: Path) -> None:
    python, site, marker = fake_venv
    _populate(site, marker, tmp_path)
    lock = read_environment(python)
    assert not marker.exists(), "a .pth file or sitecustomize ran while the environment was read"
    packages = {p.name: p for p in lock.packages}
    assert set(packages) == {
        "plain",
        "by-uv",
        "editable-one",
        "from-git",
        "from-url",
        "broken-direct",
        "odd-version",
        "via-pth",
    }
    assert packages["plain"].status is PinStatus.PINNED
    assert packages["plain"].installer == "pip"
    assert packages["by-uv"].installer == "uv"
    assert packages["via-pth"].source == tmp_path / "extra-path" / "via_pth-6.0.dist-info"
    editable = packages["editable-one"]
    assert editable.status is PinStatus.UNVERIFIABLE
    assert editable.reason == f"editable install of local directory {(tmp_path / 'src').as_uri()}"
    assert editable.version == Version("0.1")
    assert packages["from-git"].reason == "installed from VCS (git commit abc123)"
    from_url = packages["from-url"]
    assert from_url.reason == f"installed from a direct URL ({FILES}/from_url-4.0-py3-none-any.whl), not an index"
    assert from_url.files[0].filename == "from_url-4.0-py3-none-any.whl"
    assert from_url.sha256s == {digest("from-url")}
    assert packages["broken-direct"].reason == "installed from a direct URL (direct_url.json unreadable)"
    assert packages["odd-version"].status is PinStatus.UNVERIFIABLE
    assert packages["odd-version"].reason == "installed version 'not.a.version!' is not a valid version"
    assert [str(p) for p in lock.problems] == [
        f"{site / 'nameless-1.0.dist-info'}: installed distribution without a name in its metadata"
    ]
    # The same probe in process, pointed at the same interpreter path, finds the same.
    in_process = environment._lockfile(python, _environment_probe.probe(str(python)))
    assert _summary(in_process) == _summary(lock)
    assert not marker.exists()
    # The .pth is live: the same interpreter started normally (even isolated) runs it.
    subprocess.run([str(python), "-I", "-c", "pass"], check=True, timeout=60)
    assert marker.read_text() == "ran"


def test_system_site_packages_are_included_when_the_venv_says_so(fake_venv: tuple[Path, Path, Path]) -> None:
    python, site, _marker = fake_venv
    _dist_info(site, "inside", "1.0")
    without = {p.name for p in read_environment(python).packages}
    assert without == {"inside"}
    config = python.parent.parent / "pyvenv.cfg"
    config.write_text(
        config.read_text().replace("include-system-site-packages = false", "include-system-site-packages = true")
    )
    with_system = read_environment(python)
    assert {"inside"} < {p.name for p in with_system.packages}
    assert any(str(p.source).startswith(sys.base_prefix) for p in with_system.packages)


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "not-python"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_interpreters_that_cannot_answer_are_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "no-such-python"
    with pytest.raises(LockfileError) as caught:
        read_environment(missing)
    assert str(caught.value) == f"{missing}: no such interpreter"

    failing = _script(tmp_path, "echo 'ModuleNotFoundError: No module named importlib.metadata' >&2; exit 1")
    with pytest.raises(LockfileError) as caught:
        read_environment(failing)
    assert str(caught.value) == (
        f"{failing}: cannot list installed distributions (a Python 3.8+ interpreter?): ModuleNotFoundError: No "
        "module named importlib.metadata"
    )

    garbage = _script(tmp_path, "echo 'this is not json'")
    with pytest.raises(LockfileError, match="not the expected JSON"):
        read_environment(garbage)

    slow = _script(tmp_path, "exec sleep 30")
    monkeypatch.setattr(environment, "PROBE_TIMEOUT", 0.5)
    with pytest.raises(LockfileError, match=re.escape("took longer than 0.5 s")):
        read_environment(slow)


def test_runaway_output_is_refused_without_reading_it_into_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chatty = _script(tmp_path, "head -c 3000000 /dev/zero")
    monkeypatch.setattr(environment, "MAX_PROBE_OUTPUT", 1_000_000)
    with pytest.raises(LockfileError, match="larger than 1000000 bytes"):
        read_environment(chatty)
