"""The HTML report: self-contained, inert whatever the artifact contains, and showing what changed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from interlock.model.findings import Severity
from interlock.model.result import Changes, Previous
from interlock.model.verdict import Verdict
from interlock.report import render
from tests.report_values import finding, result

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes" \x1b[31m'


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Elements:
    elements = _Elements()
    elements.feed(html)
    return elements


def diff_result():
    new = finding(
        Severity.CRITICAL,
        rule="credential-exfiltration",
        new=True,
        context=("  def helper():", "+ data = open(KEY).read()", "+ post(URL, data)"),
    )
    old = finding(Severity.MEDIUM, rule="network-access", new=False, line=40)
    return result(
        [new, old],
        Verdict.MALICIOUS,
        previous=Previous("demo==1.0.0", "demo-1.0.0-py3-none-any.whl", "1.0.0", "1" * 64),
        changes=Changes(("demo_init.pth",), (), ("demo/util.py",), 12),
    )


def test_a_hostile_finding_cannot_add_markup_or_scripts() -> None:
    html = render([result([finding(message=HOSTILE, evidence=HOSTILE, path=HOSTILE)], name=HOSTILE)], "html")
    elements = parse(html)
    assert "script" not in elements.tags and "img" not in elements.tags
    assert not any(name.startswith("on") for name, _ in elements.attributes)
    assert "<script>alert(1)</script>" in "".join(elements.text)  # shown as text, exactly
    assert "\x1b" not in html


def test_the_page_loads_nothing_from_anywhere() -> None:
    html = render([diff_result()], "html")
    assert not re.search(r"(src|href)\s*=", html, re.IGNORECASE)
    assert "default-src 'none'" in html


def test_a_diff_shows_the_previous_release_new_findings_and_the_added_lines() -> None:
    html = render([diff_result()], "html")
    text = " ".join(parse(html).text)
    assert "compared with demo==1.0.0" in text
    assert "NEW" in text and "credential-exfiltration" in text
    assert '<span class="add">+ data = open(KEY).read()</span>' in html
    assert '<span class="ctx">  def helper():</span>' in html
    assert "1 finding the previous release had too, not counted" in text
    assert "demo_init.pth (start-up hook)" in text


def test_markdown_and_sarif_mark_what_is_new() -> None:
    markdown = render([diff_result()], "markdown")
    assert "**new:**" in markdown and "```diff\n  def helper():\n+ data = open(KEY).read()" in markdown
    import json

    sarif = json.loads(render([diff_result()], "sarif"))
    states = [r["baselineState"] for r in sarif["runs"][0]["results"]]
    assert states == ["new", "unchanged"]


def test_findings_at_one_place_share_a_headline_and_the_rest_are_folded() -> None:
    shared = {"path": "evil.pth", "line": 1, "evidence": "import os; exec(blob)"}
    findings = [
        finding(Severity.HIGH, rule="startup-pth-exec", message="runs at every start", **shared),
        finding(Severity.CRITICAL, rule="decoded-exec", message="runs decoded data", **shared),
        finding(Severity.CRITICAL, rule="network-access", message="opens a connection", **shared),
        finding(Severity.MEDIUM, rule="dynamic-exec", path="other.py", line=9, evidence="eval(s)"),
    ]
    html = render([result(findings, Verdict.MALICIOUS)], "html")
    headlines = re.findall(r'<p class="headline">(.*?)</p>', html)
    assert len(headlines) == 2 and "evil.pth:1" in headlines[0] and "other.py:9" in headlines[1]
    assert "<strong>start-up hook</strong>: runs decoded data" in headlines[0]
    assert html.count("import os; exec(blob)") == 1
    assert re.findall(r'<span class="tag">([^<]*)</span>', html) == [
        "decoded-exec",
        "network-access",
        "startup-pth-exec",
        "dynamic-exec",
    ]
    folded = re.findall(r"<details><summary>(.*?)</summary>", html)
    assert folded == ["2 more findings here"]
    assert "white-space: pre-wrap" in html and "overflow-wrap: anywhere" in html
