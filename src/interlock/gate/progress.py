"""What the gate says on standard error while the installer waits for it.

The installer hears nothing from the gate until the file it asked for is judged, which for a big
release takes a minute or more; so the person waiting is told which files are being judged and
for how long. On a terminal (outside CI) that is a spinner line, redrawn as the seconds pass:
the phase, the files being judged with their size and time so far, the last decision. Elsewhere (a
pipe, a CI log) a fast run prints nothing, and a file still being judged after `FIRST_NOTICE`
seconds gets a plain line then and every `NOTICE_EVERY` seconds after, and one when it is judged.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from rich.text import Text

from interlock.artifact.limits import describe_size
from interlock.report.common import printable

if TYPE_CHECKING:
    from interlock.gate.judge import Decision
    from interlock.gate.run import Hooks
    from interlock.index.models import IndexFile

FIRST_NOTICE = 10.0
"""Seconds a judgement runs before a plain line names it."""
NOTICE_EVERY = 30.0
"""Seconds between the plain lines about one judgement after that."""


@dataclass
class _Underway:
    file: IndexFile
    started: float
    noticed: float | None = None
    """When the last plain line about it was written."""


def describe_file(file: IndexFile) -> str:
    """`name.whl (15.3 MiB)`, or just the name when the index gave no size."""
    name = printable(file.filename)
    return f"{name} ({describe_size(file.size)})" if file.size is not None else name


class Board:
    """The files being judged right now, with when each started; thread-safe (the gate's server
    judges from a pool of threads)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._underway: dict[str, _Underway] = {}  # by URL

    def started(self, file: IndexFile) -> None:
        with self._lock:
            self._underway[file.url] = _Underway(file, self.clock())

    def finished(self, file: IndexFile) -> _Underway | None:
        """Forget `file`; what was known of it (None if it was not underway)."""
        with self._lock:
            return self._underway.pop(file.url, None)

    def underway(self) -> list[tuple[IndexFile, float]]:
        """`(file, seconds so far)`, longest first."""
        now = self.clock()
        with self._lock:
            entries = sorted(self._underway.values(), key=lambda entry: entry.started)
        return [(entry.file, now - entry.started) for entry in entries]

    def due(self) -> list[tuple[IndexFile, float]]:
        """The judgements a plain line should be written about now, marked as noticed."""
        now = self.clock()
        due = []
        with self._lock:
            for entry in sorted(self._underway.values(), key=lambda entry: entry.started):
                since = now - (entry.noticed if entry.noticed is not None else entry.started)
                if since >= (FIRST_NOTICE if entry.noticed is None else NOTICE_EVERY):
                    entry.noticed = now
                    due.append((entry.file, now - entry.started))
        return due


class GateProgress:
    """Progress on standard error for one gated install: a `with` block that yields the run's `Hooks`."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        terminal: bool | None = None,
        tick: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """On `stream` (standard error by default); `terminal` says which display (by default: a
        spinner when the stream is a terminal and CI is unset); the plain lines are checked every
        `tick` seconds."""
        from rich.console import Console

        self._stream = stream
        console = Console(file=stream or sys.stderr)
        if terminal is None:
            terminal = console.is_terminal and not os.environ.get("CI")
        self.board = Board(clock)
        self._phase = "starting the gate"
        self._judged = 0
        self._last = ""
        self._tick = tick
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._status = console.status(_Line(self)) if terminal else None

    def __enter__(self) -> Hooks:
        from interlock.gate.run import Hooks

        if self._status is not None:
            self._status.start()
        else:
            self._watcher = threading.Thread(target=self._watch, name="interlock-gate-progress", daemon=True)
            self._watcher.start()
        return Hooks(phase=self._set_phase, judging=self.board.started, decision=self._decided)

    def __exit__(self, *_exc: object) -> None:
        if self._status is not None:
            self._status.stop()
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)

    def line(self) -> str:
        """The spinner's text: phase, what is being judged and for how long, the last decision."""
        text = self._phase
        underway = self.board.underway()
        if underway:
            file, seconds = underway[0]
            more = f" and {len(underway) - 1} more" if len(underway) > 1 else ""
            text += f" — judging {describe_file(file)}, {seconds:.0f} s{more}"
        if self._judged:
            text += f" — judged {self._judged}, last {self._last}"
        return text

    def _set_phase(self, phase: str) -> None:
        self._phase = phase

    def _decided(self, decision: Decision) -> None:
        underway = self.board.finished(decision.file)
        self._judged += 1
        self._last = f"{printable(decision.file.filename)}: {decision.result.verdict.value}"
        if self._status is None and underway is not None and underway.noticed is not None:
            seconds = self.board.clock() - underway.started
            outcome = "let through" if decision.allowed else "refused"
            self._print(
                f"judged {printable(decision.file.filename)} in {seconds:.0f} s: "
                f"{decision.result.verdict.value}, {outcome}"
            )

    def poll(self) -> None:
        """Write the plain lines now due (the watcher thread calls this every tick)."""
        for file, seconds in self.board.due():
            self._print(f"judging {describe_file(file)}: {seconds:.0f} s so far; the installer waits for it")

    def _watch(self) -> None:
        while not self._stop.wait(self._tick):
            self.poll()

    def _print(self, text: str) -> None:
        print(f"interlock: {text}", file=self._stream or sys.stderr, flush=True)


class _Line:
    """Rendered afresh at every refresh of the spinner, so the seconds count up between events."""

    def __init__(self, progress: GateProgress) -> None:
        self._progress = progress

    def __rich__(self) -> Text:
        return Text(self._progress.line())
