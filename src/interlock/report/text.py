"""The terminal report: a verdict per artifact and the evidence behind it, readable at a glance.

Of several results, the flagged ones come first, most urgent first, and the clean ones are only
counted (`Show`). Within a result, findings are grouped by place: one headline per file:line,
the rules found there as tags, the code once, then the other findings there, one line each.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from io import StringIO

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from interlock.model.findings import Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.report.common import (
    Place,
    Show,
    accepted_by,
    accepted_findings,
    changes_line,
    counted_findings,
    display_name,
    group_by_place,
    history_line,
    plural,
    policy_notes,
    printable,
    score_after_policy,
    shorten,
    split_shown,
    triage,
    unlisted_line,
    verdict_after_policy,
    verdict_counts_after_policy,
)
from interlock.report.interface import Formatter
from interlock.report.tables import Column, Fit, fitted_table

VERDICT_STYLES = {
    Verdict.MALICIOUS: "bold red",
    Verdict.SUSPICIOUS: "bold yellow",
    Verdict.CLEAN: "bold green",
    Verdict.ERROR: "bold magenta",
}
SEVERITY_STYLES = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_DEFAULT_WIDTH = 100
_MIN_WIDTH = 40
_EVIDENCE_LINES = 3
"""Evidence longer than this many screen lines is cut: enough to recognise, not a page of base64."""
_INDENT = 2
_SEVERITY_WIDTH = 8
"""`critical`, the longest severity label: the hanging indent of everything about a place."""


class TextFormatter(Formatter):
    """Coloured (or plain) text for a person at a terminal."""

    name = "text"

    def render(self, results: Sequence[ScanResult]) -> str:
        width = max(_MIN_WIDTH, self.width or shutil.get_terminal_size((_DEFAULT_WIDTH, 24)).columns)
        buffer = StringIO()
        console = Console(
            file=buffer,
            width=width,
            force_terminal=self.color,
            color_system="standard" if self.color else None,
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
        )
        if not results:
            console.print("No artifacts were scanned.")
        triaged = triage(results, self.show)
        for index, result in enumerate(triaged.listed):
            if index:
                console.print()
            console.print(_result_block(result, width))
        if results and not triaged.listed:
            console.print("Nothing flagged.", style="bold green")
        if results and (len(results) > 1 or not triaged.listed):
            if triaged.listed and len(results) > 1:
                console.print()
                console.print(summary_table(triaged.listed, width))
            if self.show is not Show.FLAGGED and unlisted_line(triaged):
                console.print(Text(unlisted_line(triaged), style="dim"))
            console.print(_counts(results))
        # Table cells are padded to the column width; trailing blanks only get in the way of copy-paste.
        lines = buffer.getvalue().rstrip("\n").split("\n")
        return "".join(line.rstrip(" ") + "\n" for line in lines)


def _result_block(result: ScanResult, width: int) -> RenderableType:
    headline, file_shown = _headline(result, width)
    parts: list[RenderableType] = [headline]
    if not file_shown:
        parts.append(_indented(Text(printable(result.filename))))
    if result.previous is not None or result.history_note:
        parts.append(_indented(Text(history_line(result), style="dim")))
    if result.error:
        parts.append(_indented(Text.assemble(("error: ", "bold magenta"), printable(result.error))))
    notes = policy_notes(result)
    if notes:
        parts.append(_indented(_notes(notes)))
    counted, baseline = counted_findings(result)
    shown, hidden = split_shown(counted)
    added = result.changes.added if result.changes is not None else ()
    places = group_by_place(shown, added)
    if places:
        parts.append(_indented(_places_table(places, width - _INDENT)))
    if hidden:
        parts.append(_indented(Text(f"… and {hidden} more low/info findings", style="dim")))
    if baseline:
        parts.append(
            _indented(
                Text(f"{plural(len(baseline), 'finding')} the previous release had too (not counted)", style="dim")
            )
        )
    if result.changes is not None:
        parts.append(_indented(Text(changes_line(result.changes), style="dim")))
    return Group(*parts)


def _notes(notes: list[tuple[str, str, bool]]) -> Table:
    """What the policy said, label and message side by side: a long message wraps under itself."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, min_width=_SEVERITY_WIDTH)
    grid.add_column(overflow="fold")
    for label, message, blocks in notes:
        style = "bold red" if blocks else "bold green" if label == "accepted" else "dim"
        grid.add_row(Text(label, style=style), Text(message, style="" if blocks else "dim"))
    return grid


def _indented(renderable: RenderableType) -> Padding:
    return Padding(renderable, (0, 0, 0, _INDENT))


def _headline(result: ScanResult, width: int) -> tuple[Text, bool]:
    """`MALICIOUS   name version  file  score 100  8 findings`, and whether the file name is in it:
    it goes on a line of its own when the headline would wrap with it."""
    verdict = verdict_after_policy(result)
    label = str(verdict.value).upper()
    headline = Text.assemble((label, VERDICT_STYLES.get(verdict, "bold")), " " * (12 - len(label)))
    headline.append(display_name(result), style="bold")
    tail = Text()
    if verdict is not Verdict.ERROR:  # an artifact that was not analysed has no meaningful score
        tail.append(f"  score {score_after_policy(result)}")
    counted, _ = counted_findings(result)
    accepted = accepted_findings(result)
    if not result.findings and not result.error:
        tail.append("  no findings", style="dim")
    elif counted or (result.findings and not accepted):
        tail.append(f"  {plural(len(counted), 'finding')}", style="dim")
    if accepted:
        tail.append(f"  {len(accepted)} accepted by {accepted_by(accepted)}", style="green")
    filename = printable(result.filename)
    file_shown = not filename or filename == display_name(result)
    if not file_shown and cell_len(headline.plain) + 2 + cell_len(filename) + cell_len(tail.plain) <= width:
        headline.append(f"  {filename}")
        file_shown = True
    headline.append_text(tail)
    return headline, file_shown


def _places_table(places: list[Place], width: int) -> Table:
    # Two columns give a hanging indent: whatever is said about a place stays under its headline.
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, min_width=_SEVERITY_WIDTH)
    table.add_column(overflow="fold")
    body_width = max(20, width - _SEVERITY_WIDTH - 2)
    evidence_limit = max(_MIN_WIDTH, (body_width - 2) * _EVIDENCE_LINES)
    for place in places:
        severity = place.severity
        table.add_row(Text(severity.label, style=SEVERITY_STYLES.get(severity, "")), _place(place, evidence_limit))
    return table


def _place(place: Place, evidence_limit: int) -> RenderableType:
    headline = Text()
    if place.new:
        headline.append("NEW ", style="bold")
    headline.append(place.location, style="bold")
    headline.append(" — ")
    if place.kind:
        headline.append(f"{place.kind}: ", style="bold")
    headline.append(printable(place.lead.message))
    body: list[RenderableType] = [headline, _tags(place)]
    snippet = place.snippet
    if snippet is not None and snippet.context:
        body.append(_context(snippet.context, evidence_limit))
    elif snippet is not None:
        body.append(_evidence(shorten(printable(snippet.evidence).strip(), evidence_limit)))
    if place.others:
        body.append(_others(place))
    return Group(*body)


def _tags(place: Place) -> Text:
    """The rules found at the place: the headline's first (what `interlock rules ID` explains)."""
    tags = Text()
    for index, tag in enumerate(place.tags):
        if index:
            tags.append(" · ", style="dim")
        tags.append(tag, style="bold" if index == 0 else "dim")
    return tags


def _others(place: Place) -> Group:
    """The other findings at the place, one line each (cut at the width): the code is above, and
    the JSON report and `interlock explain` have every finding in full."""
    lines = []
    # NEW is worth saying per finding only where old and new findings share the place.
    mixed = not all(finding.new for finding in place.findings)
    for finding in place.others:
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{finding.severity.label:<{_SEVERITY_WIDTH}}", style=SEVERITY_STYLES.get(finding.severity, ""))
        line.append("  NEW" if finding.new and mixed else "", style="bold")
        line.append(f"  {printable(finding.rule)}")
        line.append(f"  {printable(finding.message)}", style="dim")
        lines.append(line)
    return Group(*lines)


def _evidence(evidence: str) -> Table:
    # The bar in its own column repeats on every wrapped line, so evidence never reads as prose.
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text("│", style="dim"), Text(evidence, style="dim"))
    return grid


def _context(lines: Sequence[str], limit: int) -> Table:
    """The change around a new finding, review style: added lines marked and coloured."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for line in lines:
        added = line.startswith("+")
        grid.add_row(
            Text("+" if added else "│", style="green" if added else "dim"),
            Text(shorten(printable(line[2:]), limit), style="" if added else "dim"),
        )
    return grid


SUMMARY_COLUMNS = (
    Column("package", Fit.NAME),
    Column("file", Fit.MIDDLE),
    Column("verdict", Fit.FIXED),
    Column("decision", Fit.FIXED),
    Column("reason", Fit.REST),
)


def summary_table(results: Sequence[ScanResult], width: int) -> RenderableType:
    """One row per artifact, in the order given: what it is, its verdict after the policy, and what
    the policy made of it. Fits `width`: the verdict and decision are never cut."""
    rows = [
        [
            Text(display_name(result)),
            Text(printable(result.filename)),
            Text(verdict_after_policy(result).value, style=VERDICT_STYLES.get(verdict_after_policy(result), "")),
            _decision_word(result),
            Text(_decision_why(result)),
        ]
        for result in results
    ]
    columns = SUMMARY_COLUMNS if any(row[4].plain for row in rows) else SUMMARY_COLUMNS[:4]
    return fitted_table(columns, [row[: len(columns)] for row in rows], width)


def _decision_word(result: ScanResult) -> Text:
    decision = result.decision
    if decision is None:
        return Text("")
    return Text(decision.status.value, style="bold red" if decision.blocked else "green")


def _decision_why(result: ScanResult) -> str:
    """What the decision column's word does not say: the reason that keeps it out when the verdict
    column does not already say it, or what was accepted."""
    decision = result.decision
    if decision is None:
        return ""
    if decision.blocked:
        first = next(reason for reason in decision.reasons if reason.blocks)
        if first.code.value not in {"verdict", "error"}:
            return printable(first.message)
        return ""
    accepted = accepted_findings(result)
    if accepted:
        return f"{plural(len(accepted), 'finding')} accepted by {accepted_by(accepted)}"
    return ""


def _counts(results: Sequence[ScanResult]) -> Text:
    """`4 artifacts: 1 malicious, 1 error, 2 clean`, each count in its verdict's colour."""
    counts = Text(f"{plural(len(results), 'artifact')}: ")
    for index, (verdict, count) in enumerate(verdict_counts_after_policy(results)):
        if index:
            counts.append(", ")
        counts.append(f"{count} {verdict.value}", style=VERDICT_STYLES.get(verdict, ""))
    with_accepted = sum(1 for result in results if accepted_findings(result))
    if with_accepted:
        counts.append(f" ({with_accepted} with accepted findings)", style="green")
    return counts
