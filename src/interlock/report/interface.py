"""The one interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from interlock.model.result import ScanResult
from interlock.report.common import Show


class Formatter(ABC):
    """Turns scan results into the text of one report format.

    Renderers never raise on odd input: an empty list, findings without a line or a path, huge or
    hostile evidence. A report is how a person learns about a malicious release, so it must come out.
    """

    name: str
    """The `--format` value that selects this formatter."""

    def __init__(
        self, *, color: bool = False, width: int | None = None, show: Show = Show.TRIAGE, everything: bool = False
    ) -> None:
        self.color = color
        """Whether terminal colour codes may be emitted (only the text format uses it)."""
        self.width = width
        """Target line width for formats laid out for a terminal; None picks one."""
        self.show = show
        """Which of several results are listed in full (formats for people; data formats carry all)."""
        self.everything = everything
        """Report the findings of every release, clean ones too (SARIF: `--sarif-all`); by default a
        format may leave out what needs no one's attention."""

    @abstractmethod
    def render(self, results: Sequence[ScanResult]) -> str:
        """The whole report, ending with a newline."""
