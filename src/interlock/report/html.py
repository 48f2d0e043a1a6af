"""A self-contained HTML report: one file to attach to a ticket or open in a browser.

No scripts, no external resources, and every piece of text from an artifact escaped: a report
about a hostile release must not become one. In a diff, the changed code around each new
finding is shown with the added lines highlighted, like a code review.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from interlock.model.findings import Finding
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.report.common import (
    changes_line,
    display_name,
    history_line,
    location,
    plural,
    printable,
    shorten,
    split_baseline,
    verdict_counts,
)
from interlock.report.interface import Formatter

_EVIDENCE_LIMIT = 400
_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #1b1b1b; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
.verdict { font-weight: bold; padding: 0.1em 0.5em; border-radius: 0.3em; color: white; }
.malicious { background: #b00020; } .suspicious { background: #b36b00; }
.clean { background: #2e7d32; } .error { background: #6a1b9a; }
.meta { color: #555; } table { border-collapse: collapse; width: 100%; }
td, th { border-top: 1px solid #ddd; padding: 0.35em 0.5em; vertical-align: top; text-align: left; }
.sev { font-weight: bold; white-space: nowrap; }
.critical, .high { color: #b00020; } .medium { color: #b36b00; } .low, .info { color: #555; }
.new { font-size: 0.8em; font-weight: bold; background: #fde68a; padding: 0 0.3em; border-radius: 0.2em; }
code, pre { font: 12.5px/1.4 ui-monospace, monospace; }
pre { margin: 0.4em 0 0; overflow-x: auto; background: #f6f8fa; padding: 0.4em; }
pre .add { background: #fdd; display: block; } pre .ctx { color: #666; display: block; }
"""


class HtmlFormatter(Formatter):
    """One HTML page for all results, styles inline."""

    name = "html"

    def render(self, results: Sequence[ScanResult]) -> str:
        counts = (
            ", ".join(f"{count} {verdict.value}" for verdict, count in verdict_counts(results)) or "nothing scanned"
        )
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
            f"<title>Interlock report: {escape(counts)}</title><style>{_STYLE}</style></head><body>",
            f"<h1>Interlock report</h1><p>{escape(plural(len(results), 'artifact'))}: {escape(counts)}.</p>",
        ]
        for result in results:
            parts.append(_section(result))
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"


def _section(result: ScanResult) -> str:
    verdict = result.verdict.value
    score = "" if result.verdict is Verdict.ERROR else f" score {result.score}"
    html = [f'<h2><span class="verdict {verdict}">{verdict.upper()}</span> {_text(display_name(result))}</h2>']
    meta = [_text(result.filename)] if result.filename else []
    if result.sha256:
        meta.append(f"sha256 <code>{_text(result.sha256)}</code>")
    meta.append(escape(score.strip()))
    html.append(f'<p class="meta">{" · ".join(part for part in meta if part)}</p>')
    if result.previous is not None or result.history_note:
        html.append(f'<p class="meta">{_text(history_line(result))}</p>')
    if result.changes is not None:
        html.append(f'<p class="meta">{_text(changes_line(result.changes))}</p>')
    if result.error:
        html.append(f"<p><strong>Could not analyse:</strong> {_text(result.error)}</p>")
    counted, baseline = split_baseline(result)
    if counted:
        html.append("<table><tr><th>Severity</th><th>Finding</th></tr>")
        html.extend(_row(finding) for finding in counted)
        html.append("</table>")
    elif not result.error:
        html.append("<p>No findings.</p>")
    if baseline:
        html.append(
            f'<p class="meta">{escape(plural(len(baseline), "finding"))} the previous release had too, not counted.</p>'
        )
    return "\n".join(html)


def _row(finding: Finding) -> str:
    severity = finding.severity.label
    badge = '<span class="new">NEW</span> ' if finding.new else ""
    head = f"{badge}<code>{_text(finding.rule)}</code> <code>{_text(location(finding))}</code> {_text(finding.message)}"
    if finding.context:
        lines = "".join(
            f'<span class="{"add" if line.startswith("+") else "ctx"}">{_text(line)}</span>' for line in finding.context
        )
        body = f"<pre>{lines}</pre>"
    else:
        evidence = printable(finding.evidence).strip()
        body = f"<pre>{_text(shorten(evidence, _EVIDENCE_LIMIT))}</pre>" if evidence else ""
    return f'<tr><td class="sev {severity}">{severity}</td><td>{head}{body}</td></tr>'


def _text(value: object) -> str:
    return escape(printable(value))
