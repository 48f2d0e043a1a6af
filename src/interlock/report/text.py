"""The terminal report: a verdict per artifact and the evidence behind it, readable at a glance."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from io import StringIO

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from interlock.model.findings import Finding, Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.report.common import (
    VERDICT_ORDER,
    changes_line,
    display_name,
    history_line,
    location,
    plural,
    policy_notes,
    printable,
    same_evidence,
    shorten,
    split_baseline,
    split_shown,
    verdict_counts,
)
from interlock.report.interface import Formatter

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
        for result in results:
            console.print(_result_block(result, width))
        if len(results) > 1:
            console.print()
            console.print(_summary_table(results))
            console.print(_summary(results))
        # Table cells are padded to the column width; trailing blanks only get in the way of copy-paste.
        lines = buffer.getvalue().rstrip("\n").split("\n")
        return "".join(line.rstrip(" ") + "\n" for line in lines)


def _result_block(result: ScanResult, width: int) -> RenderableType:
    parts: list[RenderableType] = [_headline(result)]
    if result.previous is not None or result.history_note:
        parts.append(Padding(Text(history_line(result), style="dim"), (0, 0, 0, 2)))
    if result.error:
        parts.append(Padding(Text.assemble(("error: ", "bold magenta"), printable(result.error)), (0, 0, 0, 2)))
    for label, message, blocks in policy_notes(result):
        style = "bold red" if blocks else "dim"
        parts.append(Padding(Text.assemble((f"{label:<9} ", style), (message, "" if blocks else "dim")), (0, 0, 0, 2)))
    counted, baseline = split_baseline(result)
    shown, hidden = split_shown(counted)
    if shown:
        parts.append(Padding(_findings_table(shown, width), (0, 0, 0, 2)))
    if hidden:
        parts.append(Text(f"  … and {hidden} more low/info findings", style="dim"))
    if baseline:
        parts.append(
            Text(f"  {plural(len(baseline), 'finding')} the previous release had too (not counted)", style="dim")
        )
    if result.changes is not None:
        parts.append(Padding(Text(changes_line(result.changes), style="dim"), (0, 0, 0, 2)))
    return Group(*parts)


def _headline(result: ScanResult) -> Text:
    verdict = result.verdict
    label = str(verdict.value).upper()
    headline = Text.assemble((label, VERDICT_STYLES.get(verdict, "bold")), " " * (12 - len(label)))
    headline.append(display_name(result), style="bold")
    filename = printable(result.filename)
    if filename and filename != display_name(result):
        headline.append(f"  {filename}")
    if verdict is not Verdict.ERROR:  # an artifact that was not analysed has no meaningful score
        headline.append(f"  score {result.score}")
    if not result.findings and not result.error:
        headline.append("  no findings", style="dim")
    elif result.findings:
        headline.append(f"  {plural(len(result.findings), 'finding')}", style="dim")
    return headline


def _findings_table(findings: list[Finding], width: int) -> Table:
    # Two columns give a hanging indent: wrapped messages and evidence stay under the rule id.
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, min_width=8)
    table.add_column(overflow="fold")
    evidence_limit = max(_MIN_WIDTH, (width - 14) * _EVIDENCE_LINES)
    for index, finding in enumerate(findings):
        severity = finding.severity
        summary = Text.assemble(
            (printable(finding.rule), "bold"), "  ", location(finding), "  ", printable(finding.message)
        )
        if finding.new:
            summary = Text.assemble(("NEW ", "bold"), summary)
        body: list[RenderableType] = [summary]
        evidence = printable(finding.evidence).strip()
        # Evidence shared by consecutive findings is shown once, under the last of them.
        last_of_run = index + 1 == len(findings) or not same_evidence(finding, findings[index + 1])
        if finding.context and last_of_run:
            body.append(_context(finding.context, evidence_limit))
        elif evidence and last_of_run:
            body.append(_evidence(shorten(evidence, evidence_limit)))
        table.add_row(Text(severity.label, style=SEVERITY_STYLES.get(severity, "")), Group(*body))
    return table


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


def _summary_table(results: Sequence[ScanResult]) -> Table:
    """One row per artifact, most urgent first: what it is, its verdict, and what the policy made of it."""
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    table.add_column("package", no_wrap=True)
    table.add_column("file", no_wrap=True, overflow="ellipsis", max_width=44)
    table.add_column("verdict", no_wrap=True)
    table.add_column("decision", overflow="fold", ratio=1)
    urgency = {verdict: rank for rank, verdict in enumerate(VERDICT_ORDER)}
    ordered = sorted(results, key=lambda r: (not (r.decision and r.decision.blocked), urgency.get(r.verdict, 0)))
    for result in ordered:
        verdict = Text(result.verdict.value, style=VERDICT_STYLES.get(result.verdict, ""))
        table.add_row(display_name(result), printable(result.filename), verdict, _decision_cell(result))
    return table


def _decision_cell(result: ScanResult) -> Text:
    decision = result.decision
    if decision is None:
        return Text("")
    if not decision.blocked:
        return Text(decision.status.value, style="green")
    first = next(reason for reason in decision.reasons if reason.blocks)
    if first.code.value in {"verdict", "error"}:  # the verdict column already says why
        return Text(decision.status.value, style="bold red")
    return Text.assemble((decision.status.value, "bold red"), f": {shorten(printable(first.message), 80)}")


def _summary(results: Sequence[ScanResult]) -> Text:
    summary = Text(f"{plural(len(results), 'artifact')}: ")
    for index, (verdict, count) in enumerate(verdict_counts(results)):
        if index:
            summary.append(", ")
        summary.append(f"{count} {verdict.value}", style=VERDICT_STYLES.get(verdict, ""))
    return summary
