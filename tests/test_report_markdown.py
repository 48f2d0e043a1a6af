"""Markdown for a pull-request comment: tables that never break, and hostile text kept inert."""

from __future__ import annotations

import re

from interlock.model.findings import Severity
from interlock.model.verdict import Verdict
from interlock.report import Show, render
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


def fenced_blocks(output: str) -> list[list[str]]:
    """The lines inside each fenced code block (the fence's backticks matched by length)."""
    blocks: list[list[str]] = []
    lines = output.splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^(`{3,})", lines[index])
        if opening is None:
            index += 1
            continue
        fence = opening.group(1)
        end = next(i for i in range(index + 1, len(lines)) if lines[i] == fence)
        blocks.append(lines[index + 1 : end])
        index = end + 1
    return blocks


def test_heading_summary_table_and_sections_only_for_what_is_flagged() -> None:
    results = [
        result([], Verdict.CLEAN, name="fine", version="2.0", filename="fine-2.0.tar.gz", score=0),
        result([], Verdict.ERROR, name=None, version=None, filename="", target="gone==3", error="index said 404"),
        result([finding(Severity.CRITICAL)], Verdict.MALICIOUS, score=100),
    ]
    output = render(results, "markdown", show=Show.ALL)
    assert output.startswith("## Interlock scan\n")
    summary = tables(output)[0]
    assert summary[0] == "| Release | Verdict | Decision | Score | Findings |"
    # Most urgent first, whatever the order they were judged in.
    assert [cells(row)[1].strip() for row in summary[2:]] == ["**malicious**", "**error**", "**clean**"]
    assert [cells(row)[3].strip() for row in summary[2:]] == ["100", "n/a", "0"]
    assert [cells(row)[4].strip() for row in summary[2:]] == ["1", "0", "0"]
    headings = [line for line in output.splitlines() if line.startswith("### ")]
    assert headings == ["### demo 1.0.1: malicious (score 100)", "### gone==3: error"]
    assert "**Could not analyse:** index said 404" in output
    assert "3 artifacts\\: 1 malicious, 1 error, 1 clean." in output


def test_each_place_has_a_headline_its_rules_as_tags_and_its_code() -> None:
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
    assert "**critical** `pkg/net.py:9` — contacts a drop\n\n`beacon`\n\n```text\npost(u)\n```" in output
    assert len(tables(output)) == 1  # nothing else at that place: nothing folded


def test_the_other_findings_at_a_place_are_folded_under_it() -> None:
    shared = {"path": "evil.pth", "line": 1, "evidence": "import os; exec(blob)"}
    findings = [
        finding(Severity.HIGH, rule="startup-pth-exec", message="runs at start", **shared),
        finding(Severity.CRITICAL, rule="decoded-exec", message="runs decoded data", **shared),
        finding(Severity.MEDIUM, rule="dynamic-exec", path="other.py", line=9, evidence="eval(s)"),
    ]
    output = render([result(findings, Verdict.MALICIOUS)], "markdown")
    assert "**critical** `evil.pth:1` — start-up hook: runs decoded data" in output
    assert "`decoded-exec` · `startup-pth-exec`" in output
    assert fenced_blocks(output) == [["import os; exec(blob)"], ["eval(s)"]]
    folded = output[output.index("<details>") : output.index("</details>")]
    assert "<summary>1 more finding here</summary>\n\n| Severity | Rule | Message |" in folded
    assert [cells(row) for row in tables(folded)[0][2:]] == [[" **high** ", " `startup-pth-exec` ", " runs at start "]]
    assert output.index("evil.pth:1") < output.index("other.py:9")


def test_long_code_is_wrapped_in_its_block() -> None:
    evidence = "exec(" + "QUFB" * 60 + ")"
    output = render([result([finding(evidence=evidence)])], "markdown")
    (block,) = fenced_blocks(output)
    assert "".join(block) == evidence and max(len(line) for line in block) <= 100


def test_hostile_evidence_never_escapes_its_code_block_and_reads_back_exactly() -> None:
    evidence_findings = [
        finding(evidence=HOSTILE, path="a.py"),
        finding(evidence="`starts and ends`", path="b.py"),
        finding(evidence="```", path="c.py"),
    ]
    output = render([result(evidence_findings)], "markdown")
    blocks = fenced_blocks(output)
    assert ["".join(block) for block in blocks] == [printable(item.evidence) for item in evidence_findings]


def test_hostile_text_outside_code_spans_is_escaped() -> None:
    message = "sends to http://evil.example | <img src=x onerror=alert(1)> [x](y) *b* @octocat $m$ `c` www.evil.example"
    shared = {"message": message, "path": "p<b>|`.py"}
    output = render(
        [result([finding(**shared), finding(rule="other", **shared)], name="evil<script>", version="1|0")],
        "markdown",
    )
    for table in tables(output):
        assert {len(cells(row)) for row in table} == {len(cells(table[0]))}
    summary_target = cells(tables(output)[0][2])[0]
    headline = next(line for line in output.splitlines() if line.startswith("**high**"))
    folded_message = cells(tables(output)[1][2])[2]
    for prose in (outside_code(summary_target), outside_code(headline), outside_code(folded_message)):
        assert not re.search(r"(?<!\\)[<>\[\]*$|@`]", prose.replace("**high**", "")), prose
    assert "http\\://" in headline and "www\\." in headline
    assert code_span_contents(headline) == ["p<b>|`.py:3"]


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


def test_findings_listed_are_capped_for_comment_size() -> None:
    findings = [finding(Severity.HIGH, path=f"f{i}.py") for i in range(MAX_ROWS + 10)]
    output = render([result(findings)], "markdown")
    assert sum(line.startswith("**high** `f") for line in output.splitlines()) == MAX_ROWS
    assert "… and 10 more findings of lower severity" in output


def test_minor_findings_are_capped_like_the_text_report() -> None:
    findings = [finding(Severity.LOW, path=f"l{i}.py") for i in range(8)]
    output = render([result(findings)], "markdown")
    assert sum(line.startswith("**low** `l") for line in output.splitlines()) == 5
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
