"""The gate's report: the verdicts in any report format, with what was installed or refused and why.

Text is for a person at a terminal: the evidence for each refused file, then one table of every
file the gate judged (package and version, file, verdict, what happened, reason), fitted to the
terminal's width, then the outcome.
JSON adds a `gate` object to the usual `results`; Markdown adds the table; SARIF and HTML carry
the verdicts only.
"""

from __future__ import annotations

import io
import json
import shutil

from rich.console import Console, Group, RenderableType
from rich.text import Text

from interlock.gate.judge import Decision
from interlock.gate.run import GateOutcome, Status
from interlock.model.verdict import Verdict
from interlock.report import Show, render
from interlock.report.common import printable
from interlock.report.markdown import escape_text
from interlock.report.tables import Column, Fit, fitted_table

_STYLE = {Verdict.MALICIOUS: "bold red", Verdict.SUSPICIOUS: "yellow", Verdict.ERROR: "magenta", Verdict.CLEAN: "green"}


def render_outcome(
    outcome: GateOutcome,
    fmt: str,
    *,
    tool: str,
    python: str,
    color: bool = False,
    width: int | None = None,
    everything: bool = False,
) -> str:
    """The report for `outcome` in `fmt`, ending with a newline (`everything`: see `render`)."""
    results = [decision.result for decision in outcome.decisions]
    if fmt == "json":
        document = json.loads(render(results, "json"))
        document["summary"]["unjudged"] = len(outcome.unjudged)
        document["gate"] = gate_json(outcome, tool, python)
        return json.dumps(document, indent=2, ensure_ascii=True) + "\n"
    if fmt == "markdown":
        # The gate's own table lists every file: the report above it needs only the flagged ones.
        report = render(results, "markdown", show=Show.FLAGGED)
        return report.rstrip("\n") + "\n\n" + _markdown_summary(outcome) + "\n"
    if fmt != "text":
        return render(results, fmt, show=Show.ALL, everything=everything)
    return _text(outcome, color=color, width=width or shutil.get_terminal_size((100, 24)).columns)


def gate_json(outcome: GateOutcome, tool: str, python: str) -> dict[str, object]:
    installed = {d.file.sha256 for d in outcome.installed}
    return {
        "installer": tool,
        "python": python,
        "status": outcome.status.value,
        "message": outcome.message,
        "files": [
            {
                "name": d.file.project,
                "version": str(d.file.version),
                "filename": d.file.filename,
                "sha256": d.file.sha256,
                "verdict": d.result.verdict.value,
                "allowed": d.allowed,
                "planned": d.file.sha256 in installed,
                "reason": d.reason,
            }
            for d in outcome.decisions
        ],
        "unjudged": [item.to_json() for item in outcome.unjudged],
        "problems": outcome.problems,
        "installer_output": outcome.installer_output,
    }


def action(decision: Decision, outcome: GateOutcome) -> str:
    """What happened to one judged file, in a word or two."""
    if not decision.allowed:
        return "refused"
    if decision in outcome.installed:
        return (
            "installed"
            if outcome.status is Status.INSTALLED
            else "would install"
            if outcome.status is Status.JUDGED
            else "passed"
        )
    return "passed"


def _text(outcome: GateOutcome, *, color: bool, width: int) -> str:
    refused = [d.result for d in outcome.decisions if not d.allowed]
    parts = [render(refused, "text", color=color, width=width).rstrip("\n")] if refused else []
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color, highlight=False)
    if outcome.decisions:
        console.print(_table(outcome, width))
    for item in outcome.unjudged:
        console.print(
            Text(f"not judged: {printable(item.requirement)}  ({printable(item.location)})  {printable(item.reason)}")
        )
    for problem in outcome.problems:
        console.print(Text(f"index: {printable(problem)}"))
    if outcome.installer_output:
        console.print(
            Text(
                "installer output (last lines):\n"
                + "\n".join("  " + printable(line) for line in outcome.installer_output.splitlines())
            )
        )
    style = "bold green" if outcome.status in (Status.INSTALLED, Status.JUDGED) else "bold red"
    console.print(Text(printable(outcome.message), style=style))
    # Table cells are padded to the column width; trailing blanks only get in the way of copy-paste.
    parts.append("\n".join(line.rstrip(" ") for line in buffer.getvalue().rstrip("\n").split("\n")))
    return "\n\n".join(part for part in parts if part) + "\n"


_COLUMNS = (
    Column("package", Fit.NAME),
    Column("file", Fit.MIDDLE),
    Column("verdict", Fit.FIXED),
    Column("action", Fit.FIXED),
    Column("reason", Fit.REST),
)


def _table(outcome: GateOutcome, width: int) -> RenderableType:
    """Every file judged, fitted to `width`: the verdict and the action are never cut, the file name
    is shortened in the middle, the reason wraps in its column."""
    rows = []
    for decision in outcome.decisions:
        verdict = decision.result.verdict
        rows.append(
            [
                Text(printable(f"{decision.file.project} {decision.file.version}")),
                Text(printable(decision.file.filename)),
                Text(verdict.value, style=_STYLE[verdict]),
                Text(action(decision, outcome)),
                Text(printable(decision.reason)),
            ]
        )
    return Group(Text("Files judged by the gate", style="bold"), fitted_table(_COLUMNS, rows, width))


def _markdown_summary(outcome: GateOutcome) -> str:
    lines = [
        "### Install gate",
        "",
        "| package | version | file | verdict | action | reason |",
        "|---|---|---|---|---|---|",
    ]
    for d in outcome.decisions:
        cells = (
            d.file.project,
            str(d.file.version),
            d.file.filename,
            d.result.verdict.value,
            action(d, outcome),
            d.reason,
        )
        lines.append("| " + " | ".join(escape_text(printable(cell)) for cell in cells) + " |")
    lines += [
        f"- not judged: {escape_text(printable(u.requirement))} ({escape_text(printable(u.reason))})"
        for u in outcome.unjudged
    ]
    lines += ["", f"**{escape_text(printable(outcome.message))}**"]
    return "\n".join(lines)
