"""Markdown fit to paste into a pull-request comment: the flagged releases first, findings grouped by place.

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
    Place,
    Show,
    accepted_by,
    accepted_findings,
    changes_line,
    counted_findings,
    counts_line,
    display_name,
    group_by_place,
    history_line,
    is_flagged,
    plural,
    policy_notes,
    printable,
    score_after_policy,
    shorten,
    split_shown,
    triage,
    unlisted_line,
    verdict_after_policy,
)
from interlock.report.interface import Formatter

TITLE = "Interlock scan"
MAX_ROWS = 50
"""Findings listed per artifact, most severe first: a comment has a size limit and a reader has patience."""
_EVIDENCE_LIMIT = 300
_CODE_WIDTH = 100
"""Code lines are cut into pieces this long: a comment column is about that wide."""
_TEXT_LIMIT = 300
# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping these keeps
# text from becoming emphasis, links, HTML, headings or table cells, and `:` stops autolinks.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~:&@$])")
_WWW = re.compile(r"(www)\.", re.IGNORECASE)


class MarkdownFormatter(Formatter):
    """GitHub-flavoured Markdown: the counts, a table of the flagged releases (every release with
    `Show.ALL`), then a section per flagged release with its findings grouped by place."""

    name = "markdown"

    def render(self, results: Sequence[ScanResult]) -> str:
        lines = [f"## {TITLE}", ""]
        if not results:
            lines.append("No artifacts were scanned.")
            return "\n".join(lines) + "\n"
        lines += [f"{escape_text(counts_line(results))}.", ""]
        triaged = triage(results, self.show)
        if triaged.listed:
            lines += ["| Release | Verdict | Decision | Score | Findings |", "| --- | --- | --- | ---: | ---: |"]
            lines += [_summary_row(result) for result in triaged.listed]
        else:
            lines.append("Nothing flagged.")
        if self.show is not Show.FLAGGED and unlisted_line(triaged):
            lines += ["", escape_text(unlisted_line(triaged)) + "."]
        for result in triaged.listed:
            if is_flagged(result) or policy_notes(result):
                lines += ["", *_section(result)]
        return "\n".join(lines) + "\n"


def _summary_row(result: ScanResult) -> str:
    verdict = verdict_after_policy(result)
    score = "n/a" if verdict is Verdict.ERROR else str(score_after_policy(result))
    decision = result.decision.status.value if result.decision is not None else ""
    counted, _ = counted_findings(result)
    findings = str(len(counted))
    accepted = accepted_findings(result)
    if accepted:
        findings += f" (+{len(accepted)} accepted)"
    return _row(_target_cell(result), f"**{verdict.value}**", decision, score, findings)


def _section(result: ScanResult) -> list[str]:
    verdict = verdict_after_policy(result)
    score = "" if verdict is Verdict.ERROR else f" (score {score_after_policy(result)})"
    lines = [f"### {escape_text(display_name(result))}: {verdict.value}{score}", ""]
    details = []
    if result.filename:
        details.append(code_span(printable(result.filename)))
    if result.sha256:
        details.append(f"sha256 {code_span(printable(result.sha256))}")
    accepted = accepted_findings(result)
    if accepted:
        details.append(escape_text(f"{len(accepted)} accepted by {accepted_by(accepted)}"))
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
    counted, baseline = counted_findings(result)
    shown, hidden = split_shown(counted)
    hidden += max(0, len(shown) - MAX_ROWS)
    shown = shown[:MAX_ROWS]
    if not shown:
        if not result.error:
            lines.append("No findings count." if accepted else "No findings.")
        return lines
    added = result.changes.added if result.changes is not None else ()
    for place in group_by_place(shown, added):
        lines += [*_place(place), ""]
    if hidden:
        more = plural(hidden, "more finding")
        lines += [f"… and {more} of lower severity, not listed here (the JSON and SARIF reports have them all).", ""]
    if baseline:
        lines += [f"{plural(len(baseline), 'finding')} the previous release had too, not counted.", ""]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _place(place: Place) -> list[str]:
    """One place: its headline, its rules as tags, its code once, the other findings folded."""
    new = "**new:** " if place.new else ""
    kind = f"{escape_text(place.kind)}: " if place.kind else ""
    message = escape_text(shorten(printable(place.lead.message), _TEXT_LIMIT))
    lines = [f"**{place.severity.label}** {new}{code_span(place.location)} — {kind}{message}", ""]
    lines += [" · ".join(code_span(tag) for tag in place.tags), ""]
    snippet = place.snippet
    if snippet is not None and snippet.context:
        lines += [*_diff_block(snippet.context), ""]
    elif snippet is not None:
        lines += [*_code_block(printable(snippet.evidence).strip()), ""]
    if place.others:
        mixed = not all(finding.new for finding in place.findings)
        # GFM renders the Markdown inside <details> only after a blank line; the summary is ours, not the artifact's.
        lines += [
            f"<details><summary>{plural(len(place.others), 'more finding')} here</summary>",
            "",
            "| Severity | Rule | Message |",
            "| --- | --- | --- |",
            *(_finding_row(finding, mixed) for finding in place.others),
            "",
            "</details>",
        ]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _diff_block(context: Sequence[str]) -> list[str]:
    """A fenced `diff` block; the fence is longer than any backtick run inside, so nothing escapes it."""
    body = []
    for text in context:
        # A piece of a wrapped line keeps the line's marker, so an added line reads as added throughout.
        marker, code = text[:2], shorten(printable(text[2:]), _EVIDENCE_LIMIT)
        body += [printable(marker) + piece for piece in _wrapped(code, _CODE_WIDTH - 2)]
    return _fenced(body, "diff")


def _code_block(evidence: str) -> list[str]:
    """The evidence in a fenced block, wrapped: a comment must not scroll sideways to show it."""
    return _fenced(_wrapped(shorten(evidence, _EVIDENCE_LIMIT), _CODE_WIDTH), "text")


def _fenced(body: list[str], language: str) -> list[str]:
    longest = max((len(run) for line in body for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *body, fence]


def _wrapped(line: str, width: int) -> list[str]:
    """`line` cut into pieces of at most `width` characters (code has no words to wrap at)."""
    return [line[start : start + width] for start in range(0, len(line), width)] or [""]


def _finding_row(finding: Finding, mark_new: bool) -> str:
    message = escape_text(shorten(printable(finding.message), _TEXT_LIMIT))
    if finding.new and mark_new:
        message = "**new:** " + message
    return _row(f"**{finding.severity.label}**", code_span(printable(finding.rule)), message)


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
