"""Markdown for a pull-request comment: tables that never break, and hostile text kept inert."""

from __future__ import annotations

import re

from interlock.model.findings import Severity
from interlock.model.verdict import Verdict
from interlock.report import render
from interlock.report.common import printable
from interlock.report.markdown import MAX_ROWS, code_span, escape_text
from tests.report_values import finding, result

HOSTILE = (
    "a | b `tick` ``two`` \\| <script>alert(1)</script> [x](javascript:alert(1)) @octocat "
    "http://evil.example/x www.evil.example *em* $x$\nsecond | line\r\x1b[31mred"
)
CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(.*?)(?<!`)\1(?!`)")


def cells(row: str) -> list[str]:
    """Cells of a GFM table row: split at every pipe not escaped by a backslash (as GFM does)."""
    assert row.startswith("|") and row.endswith("|"), row
    return re.split(r"(?<!\\)\|", row[1:-1])


def code_span_contents(cell: str) -> list[str]:
    """What GFM shows inside each code span of a table cell: `\\|` is unescaped, one space padding stripped."""
    contents = []
    for match in CODE_SPAN.finditer(cell):
        content = match.group(2).replace("\\|", "|")
        if len(content) >= 2 and content[0] == content[-1] == " " and content.strip():
            content = content[1:-1]
        contents.append(content)
    return contents


def outside_code(text: str) -> str:
    return CODE_SPAN.sub("", text)


def tables(output: str) -> list[list[str]]:
    """Each table as its lines: a run of lines that start with a pipe."""
    found: list[list[str]] = []
    current: list[str] = []
    for line in output.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    return found + ([current] if current else [])


def test_heading_summary_table_and_sections_only_for_non_clean() -> None:
    results = [
        result([finding(Severity.CRITICAL)], Verdict.MALICIOUS, score=100),
        result([], Verdict.CLEAN, name="fine", version="2.0", filename="fine-2.0.tar.gz", score=0),
        result([], Verdict.ERROR, name=None, version=None, filename="", target="gone==3", error="index said 404"),
    ]
    output = render(results, "markdown")
    assert output.startswith("## Interlock scan\n")
    summary = tables(output)[0]
    assert summary[0] == "| Target | Verdict | Score | Findings |"
    assert [cells(row)[1].strip() for row in summary[2:]] == ["**malicious**", "**clean**", "**error**"]
    assert [cells(row)[2].strip() for row in summary[2:]] == ["100", "0", "n/a"]
    assert [cells(row)[3].strip() for row in summary[2:]] == ["1", "0", "0"]
    headings = [line for line in output.splitlines() if line.startswith("### ")]
    assert headings == ["### demo 1.0.1: malicious (score 100)", "### gone==3: error"]
    assert "**Could not analyse:** index said 404" in output
    assert "1 malicious, 1 error, 1 clean" in output


def test_findings_table_has_severity_rule_location_message_with_evidence() -> None:
    output = render(
        [
            result(
                [
                    finding(
                        Severity.CRITICAL,
                        rule="beacon",
                        path="pkg/net.py",
                        line=9,
                        message="contacts a drop",
                        evidence="post(u)",
                    )
                ]
            )
        ],
        "markdown",
    )
    findings_table = tables(output)[1]
    assert findings_table[0] == "| Severity | Rule | Location | Message |"
    row = [cell.strip() for cell in cells(findings_table[2])]
    assert row == ["**critical**", "`beacon`", "`pkg/net.py:9`", "contacts a drop<br>`post(u)`"]


def test_hostile_evidence_never_breaks_a_table_and_reads_back_exactly() -> None:
    evidence_findings = [finding(evidence=HOSTILE), finding(evidence="`starts and ends`"), finding(evidence="```")]
    output = render([result(evidence_findings)], "markdown")
    findings_table = tables(output)[1]
    assert len(findings_table) == 2 + len(evidence_findings)  # no row was split by a newline
    for row, item in zip(findings_table[2:], evidence_findings, strict=True):
        row_cells = cells(row)
        assert len(row_cells) == 4, row
        assert code_span_contents(row_cells[3])[-1] == printable(item.evidence)


def test_hostile_text_outside_code_spans_is_escaped() -> None:
    message = "sends to http://evil.example | <img src=x onerror=alert(1)> [x](y) *b* @octocat $m$ `c` www.evil.example"
    output = render(
        [result([finding(message=message, path="p<b>|`.py")], name="evil<script>", version="1|0")], "markdown"
    )
    for table in tables(output):
        assert {len(cells(row)) for row in table} == {len(cells(table[0]))}
    summary_target = cells(tables(output)[0][2])[0]
    message_cell = cells(tables(output)[1][2])[3]
    for prose in (outside_code(summary_target), outside_code(message_cell).replace("<br>", "")):
        assert not re.search(r"(?<!\\)[<>\[\]*$|@`]", prose), prose
    assert "http\\://" in message_cell and "www\\." in message_cell
    assert code_span_contents(cells(tables(output)[1][2])[2]) == ["p<b>|`.py:3"]


def test_escape_text_and_code_span_units() -> None:
    assert escape_text("a|b <i> [l](u) *x* `c`") == "a\\|b \\<i\\> \\[l\\]\\(u\\) \\*x\\* \\`c\\`"
    assert code_span("plain") == "`plain`"
    assert code_span("has `one` and ``two``") == "``` has `one` and ``two`` ```"
    assert code_span("x ``` y") == "````x ``` y````"
    assert code_span("`edge`") == "`` `edge` ``"
    assert code_span("a|b") == "`a\\|b`"
    assert code_span("") == ""


def test_control_characters_are_escaped_not_emitted() -> None:
    output = render(
        [result([finding(evidence="a\x1b[2J\u202eb\x00", message="m\x07", path="p\x1b.py")], error="e\x1b")], "markdown"
    )
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output and "\x00" not in output
    assert "a\\x1b[2J\\u202eb\\x00" in output


def test_row_count_is_capped_for_comment_size() -> None:
    findings = [finding(Severity.HIGH, path=f"f{i}.py") for i in range(MAX_ROWS + 10)]
    output = render([result(findings)], "markdown")
    assert len(tables(output)[1]) == 2 + MAX_ROWS
    assert "… and 10 more findings of lower severity" in output


def test_minor_findings_are_capped_like_the_text_report() -> None:
    findings = [finding(Severity.LOW, path=f"l{i}.py") for i in range(8)]
    output = render([result(findings)], "markdown")
    assert len(tables(output)[1]) == 2 + 5
    assert "… and 3 more findings" in output


def test_long_evidence_is_cut() -> None:
    output = render([result([finding(evidence="QUFB" * 50_000)])], "markdown")
    assert len(output) < 3_000
    assert "more characters)" in output


def test_empty_results() -> None:
    assert render([], "markdown") == "## Interlock scan\n\nNo artifacts were scanned.\n"


def test_clean_only_report_has_no_sections() -> None:
    output = render([result([finding(Severity.INFO)], Verdict.CLEAN)], "markdown")
    assert "###" not in output and len(tables(output)) == 1


def test_evidence_shared_by_consecutive_rows_is_shown_once() -> None:
    shared = {"path": "evil.pth", "line": 1, "evidence": "import os; exec(blob)"}
    findings = [
        finding(Severity.CRITICAL, rule="decoded-exec", **shared),
        finding(Severity.HIGH, rule="startup-pth-exec", **shared),
    ]
    rows = tables(render([result(findings)], "markdown"))[1][2:]
    assert [code_span_contents(cells(row)[3]) for row in rows] == [["import os; exec(blob)"], []]
