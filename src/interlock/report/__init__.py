"""Report formats: one module per format, each implementing `Formatter`.

Adding a format is one new module and one line in `FORMATS`.
"""

from __future__ import annotations

from collections.abc import Sequence

from interlock.model.result import ScanResult
from interlock.report.common import Show
from interlock.report.html import HtmlFormatter
from interlock.report.interface import Formatter
from interlock.report.json_format import JsonFormatter
from interlock.report.markdown import MarkdownFormatter
from interlock.report.sarif import SarifFormatter
from interlock.report.text import TextFormatter

FORMATS: dict[str, type[Formatter]] = {
    formatter.name: formatter
    for formatter in (TextFormatter, JsonFormatter, SarifFormatter, MarkdownFormatter, HtmlFormatter)
}
"""`--format` value → formatter class."""


def render(
    results: Sequence[ScanResult],
    fmt: str,
    *,
    color: bool = False,
    width: int | None = None,
    show: Show = Show.TRIAGE,
    everything: bool = False,
) -> str:
    """The report for `results` in format `fmt`, ending with a newline.

    `color` allows terminal colour codes (text format only); `width` is the line width the text
    format lays out for (default: the terminal's, or 100); `show` says which of several results
    the text, Markdown and HTML reports list in full (JSON and SARIF carry them all); `everything`
    reports the findings of clean releases too (see `Formatter.everything`).
    """
    try:
        formatter = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(sorted(FORMATS))}") from None
    return formatter(color=color, width=width, show=show, everything=everything).render(list(results))


__all__ = ["FORMATS", "Formatter", "Show", "render"]
