"""What a long command says on standard error while it works: scan, diff, audit, explain, and the gate.

A cold audit of a large lockfile downloads gigabytes and judges hundreds of releases; with nothing
on the terminal it looks hung. Three displays, one set of events:

- `Mode.LIVE` (standard error is a terminal, outside CI, or `--progress` on one): a line redrawn
  as the seconds pass — what is being judged and for how long, releases judged of the total, bytes
  downloaded of those announced, and the time left.
- `Mode.LINES` (`--progress` where standard error is a pipe or a log; and the gate there): plain
  lines. A judgement still running after `FIRST_NOTICE` seconds is named then and every
  `NOTICE_EVERY` seconds after; with `every_item`, each judgement ends with a line of its own.
- `Mode.QUIET` (a pipe or a log without `--progress`, or `--no-progress`): nothing.

The events come from the scanner (`ScanObserver`: downloads and judgements as they begin and end),
from the command's own loop (`advance`: one release done) and, for the gate, from its judge.
Thread-safe: audits and the gate judge from pools of threads.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, TextIO

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from interlock.analysis.parallel import DISPLAY_THREAD_PREFIX
from interlock.artifact.limits import describe_size
from interlock.report.common import printable

if TYPE_CHECKING:
    from interlock.index.models import IndexFile
    from interlock.model.result import ScanResult

FIRST_NOTICE = 10.0
"""Seconds a judgement runs before a plain line names it."""
NOTICE_EVERY = 30.0
"""Seconds between the plain lines about one judgement after that."""
_REDRAW = 0.2
"""Seconds between redraws of the live line."""


class Mode(Enum):
    LIVE = "live"
    LINES = "lines"
    QUIET = "quiet"


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether `stream` (standard error by default) is a terminal, as rich sees it."""
    return Console(file=stream or sys.stderr).is_terminal


def choose_mode(wanted: bool | None, stream: TextIO | None = None) -> Mode:
    """The display for `--progress` (True), `--no-progress` (False) or neither (None) on `stream`."""
    terminal = is_terminal(stream)
    if wanted is False:
        return Mode.QUIET
    if wanted is True:
        return Mode.LIVE if terminal else Mode.LINES
    return Mode.LIVE if terminal and not os.environ.get("CI") else Mode.QUIET


@dataclass
class _Underway:
    label: str
    started: float
    noticed: float | None = None
    """When the last plain line about it was written."""


class Board:
    """What is being judged right now, with when each began; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._underway: dict[str, _Underway] = {}

    def started(self, key: str, label: str) -> None:
        with self._lock:
            self._underway.setdefault(key, _Underway(label, self.clock()))

    def finished(self, key: str) -> _Underway | None:
        """Forget `key`; what was known of it (None if it was not underway)."""
        with self._lock:
            return self._underway.pop(key, None)

    def underway(self) -> list[tuple[str, float]]:
        """`(label, seconds so far)`, longest first."""
        now = self.clock()
        with self._lock:
            entries = sorted(self._underway.values(), key=lambda entry: entry.started)
        return [(entry.label, now - entry.started) for entry in entries]

    def due(self) -> list[tuple[str, float]]:
        """The judgements a plain line should be written about now, marked as noticed."""
        now = self.clock()
        due = []
        with self._lock:
            for entry in sorted(self._underway.values(), key=lambda entry: entry.started):
                since = now - (entry.noticed if entry.noticed is not None else entry.started)
                if since >= (FIRST_NOTICE if entry.noticed is None else NOTICE_EVERY):
                    entry.noticed = now
                    due.append((entry.label, now - entry.started))
        return due


class CommandProgress:
    """Progress on standard error for one command: a `with` block; its methods are the events."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        mode: Mode,
        total: int | None = None,
        phase: str = "",
        every_item: bool = True,
        waiting_note: str = "",
        tick: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`total`: releases the command will judge, when known; `phase`: what it is doing;
        `every_item`: in plain lines, one per finished release too (not only slow ones);
        `waiting_note`: said after a slow judgement's plain line (the gate: who waits for it);
        `tick`: seconds between checks for plain lines that are due."""
        self.mode = mode
        self.board = Board(clock)
        self._stream = stream
        self._total = total
        self._phase = phase
        self._every_item = every_item
        self._waiting_note = waiting_note
        self._tick = tick
        self._lock = threading.Lock()
        self._done = 0
        self._last = ""
        self._started = clock()
        self._downloads = 0
        self._received = 0
        self._announced = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._live: Live | None = None

    # -- the block ----------------------------------------------------------------------------

    def __enter__(self) -> CommandProgress:
        if self.mode is Mode.LIVE:
            self._start_live()
        elif self.mode is Mode.LINES and self._total and self._total > 1:
            # Said at once: the first of many releases may take a while to fetch and judge.
            self._print(f"judging {self._total} releases{self._phase_text()}")
        if self.mode is not Mode.QUIET:
            # Named as a display thread: it must not stop the analysis from forking its workers.
            self._thread = threading.Thread(target=self._run, name=f"{DISPLAY_THREAD_PREFIX}-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._live is not None:
            self._live.stop()

    # -- events -------------------------------------------------------------------------------

    def _phase_text(self) -> str:
        return f" ({self._phase})" if self._phase else ""

    def set_phase(self, phase: str) -> None:
        self._phase = phase

    def download_started(self, file: IndexFile) -> None:
        """A file is being fetched from the index (not one already on disk)."""
        with self._lock:
            self._announced += file.size or 0

    def received(self, count: int) -> None:
        """`count` more bytes arrived (negative when a retry starts the file over)."""
        with self._lock:
            self._received += count

    def download_finished(self, file: IndexFile) -> None:
        with self._lock:
            self._downloads += 1

    def judging(self, key: str, label: str, size: int | None = None) -> None:
        """A judgement began, of `label` (a file of `size` bytes, when known)."""
        shown = printable(label)
        self.board.started(key, f"{shown} ({_bytes(size)})" if size is not None else shown)

    def judged(self, key: str, outcome: str, *, name: str | None = None) -> None:
        """A judgement ended with `outcome` (`clean`, `malicious, refused`…). One that was named
        for being slow gets a line saying so, naming it as `name` (default: its label). Counting
        the releases done is `advance`'s."""
        underway = self.board.finished(key)
        if self.mode is Mode.LINES and underway is not None and underway.noticed is not None:
            seconds = self.board.clock() - underway.started
            self._print(f"judged {printable(name or underway.label)} in {seconds:.0f} s: {outcome}")

    def scan_result(self, key: str, result: ScanResult) -> None:
        """A judgement by the scanner ended (`ScanObserver.judged`)."""
        self.judged(key, result.verdict.value)

    def advance(self, label: str, outcome: str = "") -> None:
        """One of the `total` releases is done."""
        with self._lock:
            self._done += 1
            done = self._done
            self._last = f"{printable(label)}: {outcome}" if outcome else printable(label)
        if self.mode is Mode.LINES and self._every_item:
            counted = f"{done}/{self._total}" if self._total else str(done)
            self._print(f"[{counted}] {self._last}{self._figures(counted=False, prefix=' · ')}")

    # -- what is shown ------------------------------------------------------------------------

    def line(self) -> str:
        """The live line's text: the phase, what is being judged and for how long, the last outcome."""
        text = self._phase
        underway = self.board.underway()
        if underway:
            label, seconds = underway[0]
            more = f" and {len(underway) - 1} more" if len(underway) > 1 else ""
            text += f" — judging {label}, {seconds:.0f} s{more}"
        if self._done:
            text += f" — judged {self._done}, last {self._last}"
        return text.removeprefix(" — ")

    def figures(self) -> str:
        """`2/3 judged · 4.2 MiB of 15.6 MiB downloaded · about 20 s left`, what is known of it."""
        return self._figures()

    def poll(self) -> None:
        """Write the plain lines now due (the display's thread calls this every tick)."""
        for label, seconds in self.board.due():
            self._print(f"judging {label}: {seconds:.0f} s so far{self._waiting_note}")

    # -- workings -----------------------------------------------------------------------------

    def _figures(self, *, counted: bool = True, prefix: str = "") -> str:
        with self._lock:
            done, total, received, announced, downloads = (
                self._done,
                self._total,
                self._received,
                self._announced,
                self._downloads,
            )
        parts = []
        if total and counted:
            parts.append(f"{done}/{total} judged")
        if received or announced:
            of = f" of {_bytes(announced)}" if announced >= received else ""
            files = f" ({downloads} file{'s' if downloads != 1 else ''})" if downloads else ""
            parts.append(f"{_bytes(max(received, 0))}{of} downloaded{files}")
        left = self._seconds_left(done, total, received, announced)
        if left is not None:
            parts.append(f"about {_duration(left)} left")
        return prefix + " · ".join(parts) if parts else ""

    def _seconds_left(self, done: int, total: int | None, received: int, announced: int) -> float | None:
        elapsed = self.board.clock() - self._started
        if total and 0 < done < total:
            return elapsed / done * (total - done)
        if (not total or total == 1) and 0 < received < announced and elapsed > 0:
            return (announced - received) / (received / elapsed)
        return None

    def _print(self, text: str) -> None:
        if self.mode is Mode.QUIET:
            return
        print(f"interlock: {text}", file=self._stream or sys.stderr, flush=True)

    def _start_live(self) -> None:
        console = Console(file=self._stream or sys.stderr)
        # Redrawn by this display's own thread (auto_refresh off): rich's would not be named as ours.
        self._live = Live(_Line(self), console=console, auto_refresh=False, transient=True)
        self._live.start()

    def _run(self) -> None:
        if self._live is not None:
            while not self._stop.wait(_REDRAW):
                self._live.refresh()
        else:
            while not self._stop.wait(self._tick):
                self.poll()


class _Line:
    """Rendered afresh at every redraw, so the seconds count up between events."""

    def __init__(self, progress: CommandProgress) -> None:
        self._progress = progress
        self._spinner = Spinner("dots", style="cyan")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        progress = self._progress
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)  # wrappable, so the table may narrow it; the text itself is cut, not wrapped
        cells: list[RenderableType] = [self._spinner, Text(progress.line(), no_wrap=True, overflow="ellipsis")]
        with progress._lock:
            done, total = progress._done, progress._total
        if total and total > 1 and options.max_width >= 100:  # on a narrow terminal the words matter more
            grid.add_column(width=20, no_wrap=True)
            cells.append(ProgressBar(total=total, completed=done, width=20))
        figures = progress.figures()
        if figures:  # kept whole: the line before it gives way first
            grid.add_column(no_wrap=True, style="dim", min_width=min(len(figures), options.max_width // 2))
            cells.append(Text(figures))
        grid.add_row(*cells)
        # A few columns spare: the terminal echoes Ctrl-C as `^C` after the line, and a full-width
        # line would wrap, leaving the display unable to erase itself.
        yield from console.render(grid, options.update(width=max(options.max_width - 4, 20)))


def _bytes(count: int) -> str:
    """`15.5 MiB`, `201 KiB` or `900 bytes`: short enough for one line."""
    if count >= 1024 * 1024:
        return describe_size(count)
    return f"{count / 1024:.0f} KiB" if count >= 1024 else f"{count} bytes"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
