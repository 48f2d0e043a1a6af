"""What the gate says on standard error while the installer waits for it.

The installer hears nothing from the gate until the file it asked for is judged, which for a big
release takes a minute or more; so the person waiting is told which files are being judged and
for how long. The display is the commands' (`interlock.progress`): on a terminal (outside CI) a
line redrawn as the seconds pass — the phase, the files being judged with their size and time so
far, the last decision, and the bytes downloaded. Elsewhere (a pipe, a CI log) a fast run prints
nothing, and a file still being judged after `FIRST_NOTICE` seconds gets a plain line then and
every `NOTICE_EVERY` seconds after, and one when it is judged.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from interlock.artifact.limits import describe_size
from interlock.progress import FIRST_NOTICE, NOTICE_EVERY, CommandProgress, Mode, is_terminal
from interlock.report.common import printable

if TYPE_CHECKING:
    from interlock.gate.judge import Decision
    from interlock.gate.run import Hooks
    from interlock.index.models import IndexFile

__all__ = ["FIRST_NOTICE", "NOTICE_EVERY", "GateProgress", "describe_file"]


def describe_file(file: IndexFile) -> str:
    """`name.whl (15.3 MiB)`, or just the name when the index gave no size."""
    name = printable(file.filename)
    return f"{name} ({describe_size(file.size)})" if file.size is not None else name


class GateProgress(CommandProgress):
    """Progress for one gated install: a `with` block that yields the run's `Hooks`."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        terminal: bool | None = None,
        wanted: bool | None = None,
        tick: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """On `stream` (standard error by default); `terminal` says which display (by default: the
        live line when the stream is a terminal and CI is unset, else plain lines for slow files);
        `wanted` is `--progress` (True) or `--no-progress` (False); the plain lines are checked
        every `tick` seconds."""
        if terminal is None:
            terminal = is_terminal(stream) and (bool(wanted) or not os.environ.get("CI"))
        mode = Mode.QUIET if wanted is False else Mode.LIVE if terminal else Mode.LINES
        super().__init__(
            stream,
            mode=mode,
            phase="starting the gate",
            every_item=False,
            waiting_note="; the installer waits for it",
            tick=tick,
            clock=clock,
        )

    def __enter__(self) -> Hooks:  # type: ignore[override]
        from interlock.gate.run import Hooks

        super().__enter__()
        return Hooks(phase=self.set_phase, judging=self._judging, decision=self._decided)

    def _judging(self, file: IndexFile) -> None:
        self.judging(file.url, file.filename, file.size)

    def _decided(self, decision: Decision) -> None:
        verdict = decision.result.verdict.value
        with self._lock:
            self._done += 1
            self._last = f"{printable(decision.file.filename)}: {verdict}"
        outcome = f"{verdict}, {'let through' if decision.allowed else 'refused'}"
        self.judged(decision.file.url, outcome, name=decision.file.filename)
