"""Markdown fit to paste into a pull-request comment.

Everything taken from an artifact (names, paths, evidence, and the details inside rule messages) is
hostile until shown otherwise: it must not break a table, inject HTML, turn into a link, or collapse
the comment. Evidence goes into code spans; other text is backslash-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from interlock.model.findings import Finding
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.report.common import (
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

TITLE = "Interlock scan"
MAX_ROWS = 50
"""Findings listed per artifact, most severe first: a comment has a size limit and a reader has patience."""
_EVIDENCE_LIMIT = 160
_HUNKS_SHOWN = 5
"""Changed code shown under the table, for the most severe new findings."""
_TEXT_LIMIT = 300
# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping these keeps
# text from becoming emphasis, links, HTML, headings or table cells, and `:` stops autolinks.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~:&@$])")
_WWW = re.compile(r"(www)\.", re.IGNORECASE)


class MarkdownFormatter(Formatter):
    """GitHub-flavoured Markdown: a summary table, then a findings table per non-clean artifact."""

    name = "markdown"

    def render(self, results: Sequence[ScanResult]) -> str:
        lines = [f"## {TITLE}", ""]
        if not results:
            lines.append("No artifacts were scanned.")
            return "\n".join(lines) + "\n"
        counts = ", ".join(f"{count} {verdict.value}" for verdict, count in verdict_counts(results))
        lines += [f"{plural(len(results), 'artifact')}: {counts}.", ""]
        lines += ["| Target | Verdict | Score | Findings |", "| --- | --- | ---: | ---: |"]
        for result in results:
            verdict = f"**{result.verdict.value}**"
            score = "n/a" if result.verdict is Verdict.ERROR else str(result.score)
            lines.append(_row(_target_cell(result), verdict, score, str(len(result.findings))))
        for result in results:
            if result.verdict is not Verdict.CLEAN or policy_notes(result):
                lines += ["", *_section(result)]
        return "\n".join(lines) + "\n"


def _section(result: ScanResult) -> list[str]:
    score = "" if result.verdict is Verdict.ERROR else f" (score {result.score})"
    lines = [f"### {escape_text(display_name(result))}: {result.verdict.value}{score}", ""]
    details = []
    if result.filename:
        details.append(code_span(printable(result.filename)))
    if result.sha256:
        details.append(f"sha256 {code_span(printable(result.sha256))}")
    if details:
        lines += [" · ".join(details), ""]
    notes = policy_notes(result)
    if notes:
        lines += [f"- **{label}** {escape_text(message)}" for label, message, _ in notes] + [""]
    if result.previous is not None or result.history_note:
        lines += [escape_text(history_line(result)), ""]
    if result.changes is not None:
        lines += [escape_text(changes_line(result.changes)), ""]
    if result.error:
        lines += [f"**Could not analyse:** {escape_text(printable(result.error))}", ""]
    counted, baseline = split_baseline(result)
    shown, hidden = split_shown(counted)
    hidden += max(0, len(shown) - MAX_ROWS)
    shown = shown[:MAX_ROWS]
    if not shown:
        if not result.error:
            lines.append("No findings.")
        return lines
    lines += ["| Severity | Rule | Location | Message |", "| --- | --- | --- | --- |"]
    # Evidence shared by consecutive rows is shown once, on the first of them.
    lines += [
        _finding_row(finding, index == 0 or not same_evidence(shown[index - 1], finding))
        for index, finding in enumerate(shown)
    ]
    if hidden:
        more = plural(hidden, "more finding")
        lines += ["", f"… and {more} of lower severity, not listed here (the JSON and SARIF reports have them all)."]
    if baseline:
        lines += ["", f"{plural(len(baseline), 'finding')} the previous release had too, not counted."]
    for finding in shown[:_HUNKS_SHOWN]:
        if finding.context:
            lines += [
                "",
                f"{code_span(location(finding))} ({escape_text(finding.rule)}):",
                "",
                *_diff_block(finding.context),
            ]
    return lines


def _diff_block(context: Sequence[str]) -> list[str]:
    """A fenced `diff` block; the fence is longer than any backtick run inside, so nothing escapes it."""
    body = [shorten(printable(line), _EVIDENCE_LIMIT) for line in context]
    longest = max((len(run) for line in body for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}diff", *body, fence]


def _finding_row(finding: Finding, with_evidence: bool) -> str:
    message = escape_text(shorten(printable(finding.message), _TEXT_LIMIT))
    if finding.new:
        message = "**new:** " + message
    evidence = printable(finding.evidence).strip()
    if evidence and with_evidence:
        message += "<br>" + code_span(shorten(evidence, _EVIDENCE_LIMIT))
    return _row(
        f"**{finding.severity.label}**", code_span(printable(finding.rule)), code_span(location(finding)), message
    )


def _target_cell(result: ScanResult) -> str:
    cell = escape_text(display_name(result))
    if result.filename and printable(result.filename) != display_name(result):
        cell += " " + code_span(printable(result.filename))
    return cell


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def escape_text(text: str) -> str:
    """`text` (already printable, one line) as inert Markdown that is safe inside a table cell."""
    return _WWW.sub(r"\1\\.", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def code_span(text: str) -> str:
    """`text` (already printable, one line) as a code span that is safe inside a table cell.

    The fence is one backtick longer than the longest run inside, padded with spaces when the text
    starts or ends with a backtick or space (CommonMark strips one space from each side). A pipe
    would end the table cell even inside a code span, so it is escaped; GFM removes that backslash.
    """
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"
