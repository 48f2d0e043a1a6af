"""`interlock install` and `interlock uv` end to end: real pip and real uv installing from an index on
loopback into fresh virtualenvs, with trojans built by tests/gate_packages.py whose payload writes a
marker file. A refused install must leave no marker and nothing installed; the controls show that
plain pip and uv, without the gate, do run the payloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from interlock.cli import main
from interlock.gate.tools import uv_command
from tests.fake_index import FakeIndex, Reply
from tests.gate_packages import (
    MARKERS_VARIABLE,
    SDIST_MARKER,
    SLOW_PROJECT,
    SLOW_WHEEL,
    WHEEL_MARKER,
    projects,
    slow_project,
)

# Real pip and uv install into fresh virtualenvs: `make test-fast` leaves these out.
pytestmark = pytest.mark.e2e

TOOLS = ["install", "uv"]


@pytest.fixture(scope="module")
def served() -> Iterator[FakeIndex]:
    index = FakeIndex()
    for project, files in projects().items():
        index.json_project(project, files)
    index.thread.start()
    yield index
    index.server.shutdown()
    index.server.server_close()


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    """A fresh virtualenv without pip: pip comes from beside Interlock (pip --python), uv needs none."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True, timeout=60)
    return tmp_path / "venv"


@pytest.fixture
def markers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the trojans' payloads write their markers; installers inherit the variable."""
    folder = tmp_path / "markers"
    folder.mkdir()
    monkeypatch.setenv(MARKERS_VARIABLE, str(folder))
    return folder


def gate(
    capsys: pytest.CaptureFixture[str], command: str, venv: Path, index: FakeIndex, *installer_args: str
) -> tuple[int, dict]:
    status = main([command, "--python", str(venv), "--format", "json", "--", "-i", index.simple, *installer_args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, json.loads(captured.out)


def installed(venv: Path) -> set[str]:
    return {path.name.split("-")[0] for path in venv.glob("lib/python*/site-packages/*.dist-info")}


def markers_after_start(venv: Path, markers: Path) -> set[str]:
    """The markers present once the target interpreter has started (a .pth runs at every start)."""
    subprocess.run([str(venv / "bin" / "python"), "-c", "pass"], check=True, timeout=60)
    return {path.name for path in markers.iterdir()}


def refused(document: dict) -> list[dict]:
    return [entry for entry in document["gate"]["files"] if not entry["allowed"]]


def requirements(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "requirements.txt"
    path.write_text("".join(line + "\n" for line in lines))
    return str(path)


@pytest.mark.parametrize(
    ("pins", "trojan", "hidden_in"),
    [
        (("acme-clock==1.0.1", "acme-tz==2.0.0"), "acme_clock-1.0.1-py3-none-any.whl", "acme_clock_init.pth"),
        # The sdist case proves the resolver never built it: its setup.py would have left a marker.
        (("acme-clock==1.0.0", "acme-tz==2.0.1"), "acme_tz-2.0.1.tar.gz", "setup.py"),
    ],
    ids=["wheel", "sdist"],
)
@pytest.mark.parametrize("command", TOOLS)
def test_a_trojaned_release_is_refused_before_any_of_its_code_runs(
    command: str,
    pins: tuple[str, ...],
    trojan: str,
    hidden_in: str,
    served: FakeIndex,
    venv: Path,
    markers: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, document = gate(capsys, command, venv, served, "-r", requirements(tmp_path, *pins))
    assert status == 1 and document["gate"]["status"] == "refused"
    (entry,) = refused(document)
    assert entry["filename"] == trojan and entry["verdict"] == "malicious"
    assert hidden_in in entry["reason"]
    (result,) = [r for r in document["results"] if r["filename"] == trojan]
    assert {finding["path"] for finding in result["findings"]} == {hidden_in}
    assert installed(venv) == set()  # not even the clean pin beside it: no partial install
    assert markers_after_start(venv, markers) == set()


@pytest.mark.parametrize("command", TOOLS)
def test_the_same_requirements_without_the_trojans_install(
    command: str, served: FakeIndex, venv: Path, markers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, document = gate(
        capsys, command, venv, served, "-r", requirements(tmp_path, "acme-clock==1.0.0", "acme-tz==2.0.0")
    )
    assert status == 0 and document["gate"]["status"] == "installed"
    files = document["gate"]["files"]
    assert {(f["filename"], f["verdict"], f["allowed"], f["planned"]) for f in files} == {
        ("acme_clock-1.0.0-py3-none-any.whl", "clean", True, True),
        ("acme_tz-2.0.0.tar.gz", "clean", True, True),
    }
    assert installed(venv) == {"acme_clock", "acme_tz"}
    subprocess.run([str(venv / "bin" / "python"), "-c", "import acme_clock, acme_tz"], check=True, timeout=60)
    assert markers_after_start(venv, markers) == set()


@pytest.mark.parametrize("command", TOOLS)
def test_a_clean_release_that_depends_on_a_trojan_is_refused(
    command: str, served: FakeIndex, venv: Path, markers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, document = gate(capsys, command, venv, served, "acme-app==1.0.0")
    assert status == 1
    (entry,) = refused(document)
    assert (entry["name"], entry["version"], entry["verdict"]) == ("acme-clock", "1.0.1", "malicious")
    assert ("acme-app", "1.0.0", True) in {(f["name"], f["version"], f["allowed"]) for f in document["gate"]["files"]}
    assert installed(venv) == set()
    assert markers_after_start(venv, markers) == set()


@pytest.mark.parametrize("command", TOOLS)
def test_control_without_the_gate_the_trojans_do_run(
    command: str, served: FakeIndex, venv: Path, markers: Path
) -> None:
    """The absence of markers above means something: the same installer on the same index runs both payloads."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PIP_", "UV_"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    python = str(venv / "bin" / "python")
    if command == "install":
        plain = [sys.executable, "-m", "pip", "--python", python, "install", "--no-cache-dir", "-i", served.simple]
    else:
        plain = [uv_command(), "pip", "install", "--no-config", "--no-cache", "--python", python, "-i", served.simple]
    run = subprocess.run(
        [*plain, "acme-clock==1.0.1", "acme-tz==2.0.1"], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert {path.name for path in markers.iterdir()} == {SDIST_MARKER}  # built at install time
    assert markers_after_start(venv, markers) == {SDIST_MARKER, WHEEL_MARKER}  # and the .pth at every start


@pytest.mark.parametrize("command", TOOLS)
def test_a_dry_run_judges_and_installs_nothing(
    command: str, served: FakeIndex, venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, document = gate(capsys, command, venv, served, "--dry-run", "acme-clock==1.0.0")
    assert status == 0 and document["gate"]["status"] == "judged"
    assert [f["filename"] for f in document["gate"]["files"]] == ["acme_clock-1.0.0-py3-none-any.whl"]
    assert installed(venv) == set()


@pytest.mark.parametrize("command", TOOLS)
def test_when_the_installer_fails_after_every_file_passed_the_status_says_so(
    command: str, served: FakeIndex, venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # acme-brittle's metadata can be read (phase 1 passes) but its wheel cannot be built (phase 2 fails).
    status, document = gate(capsys, command, venv, served, "acme-brittle==1.0.0")
    assert status == 4 and document["gate"]["status"] == "install-failed"
    assert "cannot be built" in document["gate"]["installer_output"]
    assert installed(venv) == set()


UPSTREAM_DELAY = 17.0
"""Seconds the slow index takes to start sending each file: under the gate's own 30-second read
timeout, but judging acme-atlas 1.1.0 fetches two files (it and 1.0.0, for the history diff), so the
installer hears nothing from the gate for at least 34 s — past pip's default 15 s and uv's 30 s."""
INSTALLER_DEFAULT_TIMEOUT = {"install": 15.0, "uv": 30.0}


@pytest.fixture
def slow_index(index: FakeIndex, monkeypatch: pytest.MonkeyPatch) -> FakeIndex:
    """acme-atlas on an index that is slow to send its files, as a far mirror of a big release is;
    judged with its history, as by default outside the tests."""
    monkeypatch.delenv("INTERLOCK_NO_HISTORY")
    files = slow_project()
    index.json_project(SLOW_PROJECT, files)
    for filename, data in files.items():
        index.route(f"/files/{filename}", Reply(data, delay=UPSTREAM_DELAY))
    return index


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize("command", TOOLS)
def test_the_installer_waits_as_long_as_judging_takes_and_is_told_what_is_being_judged(
    command: str, slow_index: FakeIndex, venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The gate answers a file only once it is judged; the installer must not give up meanwhile."""
    started = time.monotonic()
    status = main(
        [command, "--python", str(venv), "--format", "json", "--", "-i", slow_index.simple, f"{SLOW_PROJECT}==1.1.0"]
    )
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert (status, document["gate"]["status"]) == (0, "installed"), document["gate"]
    assert installed(venv) == {"acme_atlas"}
    # Both files were fetched once, slowly: the wait really was longer than the installer's default.
    assert slow_index.hits(f"/files/{SLOW_WHEEL}") == 1
    assert slow_index.hits("/files/acme_atlas-1.0.0-py3-none-any.whl") == 1
    assert elapsed > 2 * UPSTREAM_DELAY > INSTALLER_DEFAULT_TIMEOUT[command]
    # Meanwhile the gate said what it was judging (standard error is not a terminal here: plain lines).
    assert f"judging {SLOW_WHEEL}" in captured.err
