"""What the gate says while the installer waits for a judgement: on a terminal a spinner line naming
the files being judged and for how long; in a pipe or CI log nothing for a fast judgement, and plain
lines for a slow one. The judge reports its judgements as they begin, through a real gate."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from interlock.gate.app import gate_app
from interlock.gate.judge import Decision, Judge
from interlock.gate.progress import FIRST_NOTICE, NOTICE_EVERY, GateProgress
from interlock.gate.run import Hooks
from interlock.gate.server import serve
from interlock.index.models import FileKind, IndexFile
from interlock.index.simple_api import JSON_TYPE
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.scanner import Scanner, ScanOptions
from tests.fake_index import FakeIndex, Reply
from tests.gate_packages import SLOW_PROJECT, SLOW_WHEEL, slow_project

MiB = 1024 * 1024


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wheel(name: str, size: int | None = None) -> IndexFile:
    version = name.split("-")[1]
    return IndexFile(
        canonicalize_name(name.split("-")[0]),
        name,
        f"http://127.0.0.1:1/files/{name}",
        "0" * 64,
        Version(version),
        FileKind.WHEEL,
        size=size,
    )


def decision(file: IndexFile, verdict: Verdict = Verdict.CLEAN, allowed: bool = True) -> Decision:
    result = ScanResult(file.filename, file.filename, file.project, str(file.version), file.sha256, verdict, 0)
    return Decision(file, result, allowed, verdict.value)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def plain(clock: Clock) -> Iterator[tuple[GateProgress, Hooks, io.StringIO]]:
    """The display for a pipe or a CI log, with the hooks a gated install gets; its watcher never
    fires on its own (the test polls)."""
    stream = io.StringIO()
    progress = GateProgress(stream, terminal=False, tick=3600, clock=clock)
    with progress as hooks:
        yield progress, hooks, stream


def test_in_a_log_a_fast_judgement_says_nothing(plain: tuple[GateProgress, Hooks, io.StringIO], clock: Clock) -> None:
    progress, hooks, stream = plain
    file = wheel("acme_small-1.0-py3-none-any.whl", 2048)
    assert hooks.judging is not None and hooks.decision is not None
    hooks.judging(file)
    clock.now += FIRST_NOTICE - 1
    progress.poll()
    hooks.decision(decision(file))
    progress.poll()
    assert stream.getvalue() == ""


def test_in_a_log_a_slow_judgement_is_named_then_every_half_minute_then_its_outcome(
    plain: tuple[GateProgress, Hooks, io.StringIO], clock: Clock
) -> None:
    progress, hooks, stream = plain
    assert hooks.judging is not None and hooks.decision is not None
    big = wheel("litellm-1.82.6-py3-none-any.whl", 15 * MiB + MiB // 2)
    other = wheel("acme_clock-1.0.0-py3-none-any.whl")  # the index gave no size
    hooks.judging(big)
    clock.now += 5
    hooks.judging(other)
    clock.now += FIRST_NOTICE - 5
    progress.poll()
    clock.now += 5
    progress.poll()
    clock.now += NOTICE_EVERY - 5
    progress.poll()
    hooks.decision(decision(other, Verdict.MALICIOUS, allowed=False))
    clock.now += 3
    hooks.decision(decision(big))
    progress.poll()
    assert stream.getvalue().splitlines() == [
        "interlock: judging litellm-1.82.6-py3-none-any.whl (15.5 MiB): 10 s so far; the installer waits for it",
        "interlock: judging acme_clock-1.0.0-py3-none-any.whl: 10 s so far; the installer waits for it",
        "interlock: judging litellm-1.82.6-py3-none-any.whl (15.5 MiB): 40 s so far; the installer waits for it",
        "interlock: judged acme_clock-1.0.0-py3-none-any.whl in 35 s: malicious, refused",
        "interlock: judged litellm-1.82.6-py3-none-any.whl in 43 s: clean, let through",
    ]


def test_on_a_terminal_the_line_names_what_is_being_judged_and_counts_the_seconds(clock: Clock) -> None:
    progress = GateProgress(io.StringIO(), terminal=True, clock=clock)
    hooks = progress.__enter__()
    try:
        assert hooks.phase is not None and hooks.judging is not None and hooks.decision is not None
        hooks.phase("pip is resolving through the gate")
        assert progress.line() == "pip is resolving through the gate"
        big, small = wheel("litellm-1.82.6-py3-none-any.whl", 15 * MiB), wheel("acme_tz-2.0.0-py3-none-any.whl", 900)
        hooks.judging(big)
        clock.now += 2
        hooks.judging(small)
        clock.now += 21
        assert progress.line() == (
            "pip is resolving through the gate — judging litellm-1.82.6-py3-none-any.whl (15 MiB), 23 s and 1 more"
        )
        hooks.decision(decision(small))
        clock.now += 1
        assert progress.line() == (
            "pip is resolving through the gate — judging litellm-1.82.6-py3-none-any.whl (15 MiB), 24 s"
            " — judged 1, last acme_tz-2.0.0-py3-none-any.whl: clean"
        )
    finally:
        progress.__exit__(None, None, None)


def test_the_judge_reports_each_judgement_as_it_begins(index: FakeIndex) -> None:
    """Through a real gate: while the upstream is slow to send the file, the display names it."""
    files = slow_project()
    index.json_project(SLOW_PROJECT, files)
    index.route(f"/files/{SLOW_WHEEL}", Reply(files[SLOW_WHEEL], delay=1.5))
    progress = GateProgress(io.StringIO(), terminal=True)
    hooks = progress.__enter__()
    try:
        hooks.phase = None  # only the judge's hooks are under test
        judge = Judge(Scanner(ScanOptions(index_url=index.simple)), on_start=hooks.judging, on_decision=hooks.decision)
        with serve(gate_app(judge.scanner.client(), judge)) as url, httpx.Client(base_url=url, timeout=30) as client:
            page = client.get(f"/simple/{SLOW_PROJECT}/", headers={"Accept": JSON_TYPE}).json()
            (link,) = [entry["url"] for entry in page["files"] if entry["filename"] == SLOW_WHEEL]
            statuses: list[int] = []
            fetch = threading.Thread(target=lambda: statuses.append(client.get(link).status_code))
            fetch.start()
            deadline = time.monotonic() + 1.0
            while "judging" not in progress.line() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert f"judging {SLOW_WHEEL} (" in progress.line()
            fetch.join(timeout=30)
        assert statuses == [200]
        assert progress.line() == f"starting the gate — judged 1, last {SLOW_WHEEL}: clean"
    finally:
        progress.__exit__(None, None, None)
