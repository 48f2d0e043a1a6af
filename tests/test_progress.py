"""Progress on standard error for the long commands: plain lines with --progress where standard
error is not a terminal, nothing without it (or with --no-progress), and on a terminal a line with
what is being judged, releases judged of the total, bytes downloaded and the time left."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from rich.console import Console

from interlock.demo.wheel import wheel_bytes, wheel_filename
from interlock.progress import CommandProgress, Mode, _Line
from tests.conftest import run
from tests.fake_index import FakeIndex

PROJECTS = ("acme-one", "acme-two", "acme-three")


@pytest.fixture
def lockfile(index: FakeIndex, tmp_path: Path) -> Path:
    """A requirements file pinning three releases that the loopback index serves."""
    for project in PROJECTS:
        files = {f"{project.replace('-', '_')}/__init__.py": "VALUE = 1\n", "data.bin": os.urandom(32 * 1024)}
        index.json_project(project, {wheel_filename(project, "1.0"): wheel_bytes(project, "1.0", files)})
    path = tmp_path / "requirements.txt"
    path.write_text("".join(f"{project}==1.0\n" for project in PROJECTS))
    return path


def test_with_progress_an_audit_says_each_release_as_it_is_judged(
    index: FakeIndex, lockfile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "audit", str(lockfile), "--index-url", index.simple, "--progress")
    assert status == 0, out + err
    opening, *lines = err.splitlines()
    assert opening == "interlock: judging 3 releases (auditing)"  # said at once, before the first is done
    assert len(lines) == 3, err
    assert sorted(re.sub(r"^interlock: \[\d/3\] ", "", line).split(":")[0] for line in lines) == sorted(
        f"{project}==1.0" for project in PROJECTS
    )
    assert [line.split("]")[0] for line in lines] == ["interlock: [1/3", "interlock: [2/3", "interlock: [3/3"]
    for line in lines:
        assert ": clean · " in line and " downloaded (" in line, line


@pytest.mark.parametrize("flag", [[], ["--no-progress"]])
def test_without_progress_and_not_on_a_terminal_standard_error_is_silent(
    index: FakeIndex, lockfile: Path, capsys: pytest.CaptureFixture[str], flag: list[str]
) -> None:
    status, out, err = run(capsys, "audit", str(lockfile), "--index-url", index.simple, *flag)
    assert status == 0, out
    assert err == ""


def test_progress_and_no_progress_cannot_both_be_given(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "scan", "x==1", "--progress", "--no-progress")
    assert exit_info.value.code == 2


def test_a_scan_by_name_and_a_diff_show_progress_too(index: FakeIndex, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"acme_one/__init__.py": "VALUE = 1\n"}
    index.json_project(
        "acme-one",
        {wheel_filename("acme-one", v): wheel_bytes("acme-one", v, files) for v in ("1.0", "1.1")},
    )
    _, _, err = run(capsys, "scan", "acme-one==1.1", "--index-url", index.simple, "--progress")
    assert err.startswith("interlock: [1/1] acme-one==1.1: clean"), err
    _, _, err = run(capsys, "diff", "acme-one==1.0", "acme-one==1.1", "--index-url", index.simple, "--progress")
    assert err.startswith("interlock: [1/1] acme-one==1.0 → acme-one==1.1: clean"), err
    _, _, err = run(capsys, "explain", "acme-one==1.1", "--index-url", index.simple, "--progress")
    assert err.startswith("interlock: [1/1] acme-one==1.1: clean"), err


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_terminal_line_names_the_judgement_and_counts_releases_bytes_and_time_left() -> None:
    clock = Clock()
    progress = CommandProgress(io.StringIO(), mode=Mode.LIVE, total=4, phase="auditing", clock=clock)
    progress.judging("a", "acme_one-1.0-py3-none-any.whl", 3 * 1024 * 1024)
    progress.received(1024 * 1024)
    clock.now += 10
    progress.judged("a", "clean")
    progress.advance("acme-one==1.0", "clean")
    progress.judging("b", "acme_two-2.0.tar.gz", None)
    clock.now += 2
    assert progress.line() == "auditing — judging acme_two-2.0.tar.gz, 2 s — judged 1, last acme-one==1.0: clean"
    assert progress.figures() == "1/4 judged · 1 MiB downloaded · about 36 s left"
    screen = io.StringIO()
    Console(file=screen, width=160, color_system=None).print(_Line(progress))
    shown = screen.getvalue()
    assert "judging acme_two-2.0.tar.gz, 2 s" in shown and "1/4 judged" in shown and "about 36 s left" in shown


def test_one_long_download_has_its_time_left_from_the_bytes() -> None:
    clock = Clock()
    progress = CommandProgress(io.StringIO(), mode=Mode.LIVE, total=1, clock=clock)

    class File:
        size = 40 * 1024 * 1024

    progress.download_started(File())  # type: ignore[arg-type]
    clock.now += 5
    progress.received(10 * 1024 * 1024)
    assert progress.figures() == "0/1 judged · 10 MiB of 40 MiB downloaded · about 15 s left"
    progress.received(-10 * 1024 * 1024)  # a retry starts the file over
    assert progress.figures() == "0/1 judged · 0 bytes of 40 MiB downloaded"
