"""Ctrl-C: a real `interlock` process, interrupted while an index on loopback serves a file slowly
(or while its forked workers analyse a large release), stops at once — status 130, one line on
standard error, no traceback — and leaves no partial download behind.

The bound on how long it takes is behavioural (the stop does not wait for the download or the
analysis to end, which would take tens of seconds here), not a speed benchmark."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from interlock.demo.wheel import wheel_bytes, wheel_filename
from tests.fake_index import FakeIndex, Reply

pytestmark = pytest.mark.slow

INTERLOCK = shutil.which("interlock", path=str(Path(sys.executable).parent)) or "interlock"
STOP_WITHIN = 2.0
"""Seconds from SIGINT to exit. Serving the rest of the file would take over 30 s."""


def slow_project(index: FakeIndex, project: str) -> None:
    """`project` 1.0 on the index, its 512 KiB wheel sent 4 KiB every 0.25 s (32 s in all)."""
    filename = wheel_filename(project, "1.0")
    data = wheel_bytes(project, "1.0", {f"{project.replace('-', '_')}/blob.bin": os.urandom(512 * 1024)})
    index.json_project(project, {filename: data})
    index.route(f"/files/{filename}", Reply(data, trickle=0.25))


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def partials(cache: Path) -> list[Path]:
    return list(cache.rglob("*.part"))


def interrupt(process: subprocess.Popen[str]) -> tuple[float, str, str]:
    """SIGINT, then how long the process took to exit, and its output."""
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"still running 30 s after SIGINT; stderr: {err}")
    return time.monotonic() - sent, out, err


def start(arguments: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "INTERLOCK_NO_HISTORY": "1", "HOME": str(tmp_path / "home")}
    return subprocess.Popen([INTERLOCK, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def assert_stopped_cleanly(seconds: float, status: int | None, err: str, cache: Path) -> None:
    assert status == 130, err
    assert seconds < STOP_WITHIN, f"took {seconds:.2f} s to stop"
    assert err.splitlines() == ["interlock: interrupted"], err
    assert "Traceback" not in err
    assert partials(cache) == []


def test_ctrl_c_stops_a_scan_during_a_slow_download(index: FakeIndex, tmp_path: Path) -> None:
    slow_project(index, "acme-slow")
    cache = tmp_path / "cache"
    process = start(["scan", "acme-slow==1.0", "--index-url", index.simple, "--cache-dir", str(cache)], tmp_path)
    wait_for(lambda: bool(partials(cache)), "the download to begin")
    time.sleep(0.5)  # some bytes in
    seconds, _out, err = interrupt(process)
    assert_stopped_cleanly(seconds, process.returncode, err, cache)
    assert list((cache / "artifacts").rglob("*.whl")) == []  # the next run downloads it again


def test_ctrl_c_stops_an_audit_whose_downloads_run_in_threads(index: FakeIndex, tmp_path: Path) -> None:
    for project in ("acme-one", "acme-two", "acme-three"):
        slow_project(index, project)
    lockfile = tmp_path / "requirements.txt"
    lockfile.write_text("acme-one==1.0\nacme-two==1.0\nacme-three==1.0\n")
    cache = tmp_path / "cache"
    process = start(["audit", str(lockfile), "--index-url", index.simple, "--cache-dir", str(cache)], tmp_path)
    wait_for(lambda: len(partials(cache)) == 3, "the three downloads to begin")
    seconds, _out, err = interrupt(process)
    assert_stopped_cleanly(seconds, process.returncode, err, cache)


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc")
def test_ctrl_c_stops_the_forked_analysis_workers_too(tmp_path: Path) -> None:
    # Enough source, in enough files, for the analysis to fork its workers and take a while.
    module = "".join(f"def f{n}(x):\n    return [x + {n} for _ in range(3)] or eval('x')\n" for n in range(4000))
    files = {f"acme_big/m{n}.py": module for n in range(24)}
    artifact = tmp_path / wheel_filename("acme-big", "1.0")
    artifact.write_bytes(wheel_bytes("acme-big", "1.0", files))
    cache = tmp_path / "cache"
    process = start(["scan", str(artifact), "--no-cache", "--cache-dir", str(cache)], tmp_path)
    wait_for(lambda: process.poll() is not None or len(children_of(process.pid)) >= 2, "the workers to start")
    assert process.poll() is None, "the analysis ended before it could be interrupted"
    workers = children_of(process.pid)
    seconds, _out, err = interrupt(process)
    assert_stopped_cleanly(seconds, process.returncode, err, cache)
    for worker in workers:
        wait_for(lambda worker=worker: not Path(f"/proc/{worker}").exists() or _zombie(worker), "a worker to end", 5)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return True
