"""A self-contained HTML report: one file to attach to a ticket or open in a browser.

No scripts, no external resources, and every piece of text from an artifact escaped: a report
about a hostile release must not become one. Findings are grouped by place (file:line), the worst
first, each place's code shown once and wrapped to the window, its other findings folded. In a
diff, the changed code around each new finding is shown with the added lines highlighted, like a
code review.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

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
    plural,
    policy_notes,
    printable,
    score_after_policy,
    shorten,
    triage,
    unlisted_line,
    verdict_after_policy,
)
from interlock.report.interface import Formatter

_EVIDENCE_LIMIT = 400
_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; padding: 0 1em; max-width: 70em; color: #1b1b1b; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
h2, p, li, td, th, code, summary { overflow-wrap: anywhere; }
.verdict { font-weight: bold; padding: 0.1em 0.5em; border-radius: 0.3em; color: white; }
.malicious { background: #b00020; } .suspicious { background: #b36b00; }
.clean { background: #2e7d32; } .error { background: #6a1b9a; }
.meta { color: #555; } table { border-collapse: collapse; width: 100%; }
td, th { border-top: 1px solid #ddd; padding: 0.35em 0.5em; vertical-align: top; text-align: left; }
.sev { font-weight: bold; white-space: nowrap; }
.critical, .high { color: #b00020; } .medium { color: #b36b00; } .low, .info { color: #555; }
.new { font-size: 0.8em; font-weight: bold; background: #fde68a; padding: 0 0.3em; border-radius: 0.2em; }
.blocks { color: #b00020; } .accepted { color: #2e7d32; }
.place { border-left: 3px solid #ddd; padding: 0.2em 0 0.2em 0.8em; margin: 1em 0; }
.place .headline { margin: 0; } .tags { margin: 0.3em 0; }
.tag { font: 12px ui-monospace, monospace; background: #eef; border-radius: 0.2em; padding: 0 0.3em;
  margin-right: 0.3em; display: inline-block; }
code, pre { font: 12.5px/1.4 ui-monospace, monospace; }
pre { margin: 0.4em 0 0; background: #f6f8fa; padding: 0.4em; white-space: pre-wrap; overflow-wrap: anywhere; }
pre .add { background: #fdd; display: block; } pre .ctx { color: #666; display: block; }
details { margin-top: 0.4em; } summary { cursor: pointer; color: #555; }
"""


class HtmlFormatter(Formatter):
    """One HTML page for all results, styles inline, the flagged ones first."""

    name = "html"

    def render(self, results: Sequence[ScanResult]) -> str:
        counts = counts_line(results) if results else "nothing scanned"
        triaged = triage(results, self.show)
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            f"<title>Interlock report: {escape(counts)}</title><style>{_STYLE}</style></head><body>",
            f"<h1>Interlock report</h1><p>{escape(counts)}.</p>",
        ]
        if len(results) > 1 and triaged.listed:
            parts.append(_summary_table(triaged.listed))
        if results and not triaged.listed:
            parts.append("<p>Nothing flagged.</p>")
        if self.show is not Show.FLAGGED and unlisted_line(triaged):
            parts.append(f'<p class="meta">{escape(unlisted_line(triaged))}.</p>')
        for result in triaged.listed:
            parts.append(_section(result))
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"


def _summary_table(results: Sequence[ScanResult]) -> str:
    rows = ["<table><tr><th>Release</th><th>File</th><th>Verdict</th><th>Decision</th><th>Findings</th></tr>"]
    for result in results:
        verdict = verdict_after_policy(result).value
        decision = result.decision.status.value if result.decision is not None else ""
        counted, _ = counted_findings(result)
        accepted = accepted_findings(result)
        findings = str(len(counted)) + (f" (+{len(accepted)} accepted)" if accepted else "")
        rows.append(
            f"<tr><td>{_text(display_name(result))}</td><td>{_text(result.filename)}</td>"
            f'<td><span class="verdict {verdict}">{verdict}</span></td><td>{escape(decision)}</td>'
            f"<td>{escape(findings)}</td></tr>"
        )
    rows.append("</table>")
    return "\n".join(rows)


def _section(result: ScanResult) -> str:
    verdict = verdict_after_policy(result)
    score = "" if verdict is Verdict.ERROR else f"score {score_after_policy(result)}"
    html = [
        f'<h2><span class="verdict {verdict.value}">{verdict.value.upper()}</span> {_text(display_name(result))}</h2>'
    ]
    meta = [_text(result.filename)] if result.filename else []
    if result.sha256:
        meta.append(f"sha256 <code>{_text(result.sha256)}</code>")
    meta.append(escape(score))
    accepted = accepted_findings(result)
    if accepted:
        meta.append(f'<span class="accepted">{len(accepted)} accepted by {_text(accepted_by(accepted))}</span>')
    html.append(f'<p class="meta">{" · ".join(part for part in meta if part)}</p>')
    notes = policy_notes(result)
    if notes:
        html.append("<ul>")
        for label, message, blocks in notes:
            css = "blocks" if blocks else "accepted" if label == "accepted" else "meta"
            html.append(f'<li><strong class="{css}">{escape(label)}</strong> {_text(message)}</li>')
        html.append("</ul>")
    if result.previous is not None or result.history_note:
        html.append(f'<p class="meta">{_text(history_line(result))}</p>')
    if result.changes is not None:
        html.append(f'<p class="meta">{_text(changes_line(result.changes))}</p>')
    if result.error:
        html.append(f"<p><strong>Could not analyse:</strong> {_text(result.error)}</p>")
    counted, baseline = counted_findings(result)
    added = result.changes.added if result.changes is not None else ()
    places = group_by_place(counted, added)
    html.extend(_place(place) for place in places)
    if not places and not result.error:
        html.append("<p>No findings.</p>")
    if baseline:
        html.append(
            f'<p class="meta">{escape(plural(len(baseline), "finding"))} the previous release had too, not counted.</p>'
        )
    return "\n".join(html)


def _place(place: Place) -> str:
    """One place: the headline, its rules as tags, the code once (wrapped), the other findings folded."""
    severity = place.severity.label
    badge = '<span class="new">NEW</span> ' if place.new else ""
    kind = f"<strong>{escape(place.kind)}</strong>: " if place.kind else ""
    headline = (
        f'<p class="headline"><span class="sev {severity}">{severity}</span> {badge}'
        f"<code>{_text(place.location)}</code> — {kind}{_text(place.lead.message)}</p>"
    )
    tags = '<p class="tags">' + "".join(f'<span class="tag">{_text(tag)}</span>' for tag in place.tags) + "</p>"
    html = ['<div class="place">', headline, tags]
    snippet = place.snippet
    if snippet is not None and snippet.context:
        lines = "".join(
            f'<span class="{"add" if line.startswith("+") else "ctx"}">{_text(line)}</span>' for line in snippet.context
        )
        html.append(f"<pre>{lines}</pre>")
    elif snippet is not None:
        html.append(f"<pre>{_text(shorten(printable(snippet.evidence).strip(), _EVIDENCE_LIMIT))}</pre>")
    if place.others:
        mixed = not all(finding.new for finding in place.findings)
        html.append(f"<details><summary>{escape(plural(len(place.others), 'more finding'))} here</summary><table>")
        html.extend(_row(finding, mixed) for finding in place.others)
        html.append("</table></details>")
    html.append("</div>")
    return "\n".join(html)


def _row(finding: Finding, mark_new: bool) -> str:
    severity = finding.severity.label
    badge = '<span class="new">NEW</span> ' if finding.new and mark_new else ""
    return (
        f'<tr><td class="sev {severity}">{severity}</td>'
        f"<td>{badge}<code>{_text(finding.rule)}</code> {_text(finding.message)}</td></tr>"
    )


def _text(value: object) -> str:
    return escape(printable(value))
