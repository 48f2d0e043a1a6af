"""The terminal report: verdict headlines, findings most severe first, evidence, and hostile text."""

from __future__ import annotations

import re

import pytest

from interlock.model.findings import Severity
from interlock.model.result import Changes, Previous, ScanResult
from interlock.model.verdict import Verdict
from interlock.report import Show, render
from tests.report_values import finding, result

SGR = re.compile(r"\x1b\[[0-9;]*m")
"""Select Graphic Rendition: the only escape sequences the report itself may emit (colour, bold)."""


def text(results: list[ScanResult], **options: object) -> str:
    return render(results, "text", width=options.pop("width", 120), **options)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _colour_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The user's environment must not decide what these tests see.
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


def test_headline_names_verdict_project_file_and_score() -> None:
    output = text([result([finding(Severity.CRITICAL)], Verdict.MALICIOUS, score=100)])
    headline = output.splitlines()[0]
    assert headline.startswith("MALICIOUS ")
    for part in ("demo 1.0.1", "demo-1.0.1-py3-none-any.whl", "score 100", "1 finding"):
        assert part in headline


def test_plain_output_has_no_escape_sequences_at_all() -> None:
    output = text([result([finding()], Verdict.MALICIOUS), result([], Verdict.CLEAN)], color=False, show=Show.ALL)
    assert "\x1b" not in output
    assert "MALICIOUS" in output and "CLEAN" in output


@pytest.mark.parametrize(
    ("verdict", "colour"),
    [(Verdict.MALICIOUS, "31"), (Verdict.SUSPICIOUS, "33"), (Verdict.CLEAN, "32"), (Verdict.ERROR, "35")],
)
def test_colour_marks_each_verdict(verdict: Verdict, colour: str) -> None:
    output = text([result([], verdict, error="x" if verdict is Verdict.ERROR else None)], color=True)
    label = verdict.value.upper()
    match = re.search(rf"\x1b\[([0-9;]*)m{label}\x1b\[0m", output)
    assert match is not None, repr(output)
    assert colour in match.group(1).split(";")


def test_findings_are_listed_most_severe_first_with_location_and_message() -> None:
    findings = [
        finding(Severity.LOW, rule="process-spawn", path="low.py", line=4, message="starts a process when called"),
        finding(
            Severity.CRITICAL,
            rule="credential-exfiltration",
            path="crit.py",
            line=12,
            message="reads ssh keys and posts them",
        ),
        finding(Severity.MEDIUM, rule="network-access", path="med.py", line=None, message="opens a connection"),
        finding(Severity.HIGH, rule="startup-pth-exec", path="evil.pth", line=1, message="runs at every start"),
    ]
    output = text([result(findings, Verdict.MALICIOUS)])
    positions = [
        output.index(rule)
        for rule in ("credential-exfiltration", "startup-pth-exec", "network-access", "process-spawn")
    ]
    assert positions == sorted(positions)
    lines = output.splitlines()
    index = next(i for i, line in enumerate(lines) if "crit.py" in line)
    assert re.search(r"^\s+critical\s+crit\.py:12 — reads ssh keys and posts them$", lines[index])
    assert lines[index + 1].strip() == "credential-exfiltration"  # the rule, to look up with `interlock rules`
    assert "evil.pth:1 — start-up hook: runs at every start" in output  # what the file is, when that matters
    assert "med.py:None" not in output and "med.py — opens a connection" in output


def test_evidence_is_indented_under_its_finding() -> None:
    output = text([result([finding(evidence="exec(base64.b64decode(blob))")])])
    lines = output.splitlines()
    index = next(i for i, line in enumerate(lines) if "decoded-exec" in line)
    evidence_line = lines[index + 1]
    assert evidence_line.strip() == "│ exec(base64.b64decode(blob))"
    headline = lines[index - 1]
    assert "pkg/__init__.py:3" in headline
    assert len(evidence_line) - len(evidence_line.lstrip()) > len(headline) - len(headline.lstrip())


def test_findings_without_path_or_line_are_placed_on_the_artifact() -> None:
    output = text([result([finding(path="", line=None, evidence="")])])
    assert "(whole artifact)" in output
    assert ":None" not in output
    assert "│" not in output  # no empty evidence line


def test_many_minor_findings_are_summarised_but_serious_ones_never_are() -> None:
    findings = [finding(Severity.MEDIUM, path=f"m{i}.py") for i in range(9)]
    findings += [finding(Severity.LOW, path=f"l{i}.py") for i in range(6)]
    findings += [finding(Severity.INFO, path=f"i{i}.py") for i in range(2)]
    output = text([result(findings)])
    assert all(f"m{i}.py:3" in output for i in range(9))
    assert sum(f"l{i}.py:3" in output for i in range(6)) == 5
    assert not any(f"i{i}.py:3" in output for i in range(2))
    assert "… and 3 more low/info findings" in output


def test_five_minor_findings_are_all_shown() -> None:
    output = text([result([finding(Severity.INFO, path=f"i{i}.py") for i in range(5)], Verdict.CLEAN)])
    assert all(f"i{i}.py" in output for i in range(5))
    assert "more low/info" not in output


def test_summary_line_counts_verdicts_only_for_several_results() -> None:
    results = [
        result([finding(Severity.CRITICAL)], Verdict.MALICIOUS),
        result([], Verdict.CLEAN, name="other"),
        result([], Verdict.CLEAN, name="third"),
        result([], Verdict.ERROR, error="cannot read"),
    ]
    assert text(results).rstrip("\n").splitlines()[-1] == "4 artifacts: 1 malicious, 1 error, 2 clean"
    single = text(results[:1])
    assert "artifact:" not in single and "artifacts:" not in single


def test_error_result_shows_the_reason_and_no_score() -> None:
    output = text([result([], Verdict.ERROR, filename="", name=None, version=None, error="index said 404 for demo==9")])
    assert output.splitlines()[0].startswith("ERROR ")
    assert "demo==1.0.1" in output.splitlines()[0]
    assert "score" not in output
    assert "error: index said 404 for demo==9" in output


def test_empty_result_list_says_so() -> None:
    assert text([]) == "No artifacts were scanned.\n"


@pytest.mark.parametrize("color", [False, True])
def test_terminal_escape_sequences_in_evidence_are_neutralised(color: bool) -> None:
    hostile = "ok\x1b[2J\x1b]0;owned\x07\x9b31mred\u202eexe.txt\rhidden\nnext"
    output = text(
        [
            result(
                [finding(evidence=hostile, message="msg \x1b[8m", path="p\x1b[1m.py", rule="r\x1b")], error="e\x1b[5m"
            )
        ],
        color=color,
    )
    assert "\x1b" not in SGR.sub("", output)
    for raw in ("\x07", "\x9b", "\u202e", "\r"):
        assert raw not in output
    assert "ok\\x1b[2J\\x1b]0;owned\\x07\\x9b31mred\\u202eexe.txt\\rhidden\\nnext" in SGR.sub("", output)
    assert "p\\x1b[1m.py" in SGR.sub("", output)


def test_rich_markup_in_evidence_is_shown_literally() -> None:
    output = text(
        [result([finding(evidence="[bold red]not markup[/] :smile:", message="[link=x]y[/link]")])], color=True
    )
    plain = SGR.sub("", output)
    assert "[bold red]not markup[/] :smile:" in plain
    assert "[link=x]y[/link]" in plain


def test_long_lines_wrap_within_the_width_and_long_evidence_is_cut() -> None:
    evidence = "aGlkZGVu" * 20_000
    output = text([result([finding(evidence=evidence, message="word " * 60)])], width=60)
    assert all(len(line) <= 60 for line in output.splitlines())
    assert len(output) < 2_000
    assert "more characters)" in output


def test_non_ascii_is_kept() -> None:
    output = text([result([finding(evidence="print('日本語 — ü')", path="données.py")], name="dèmo")])
    assert "print('日本語 — ü')" in output
    assert "données.py:3" in output
    assert "dèmo 1.0.1" in output


def test_findings_at_one_place_share_one_headline_the_code_once_and_a_line_each() -> None:
    shared = {"path": "evil.pth", "line": 1, "evidence": "import os; exec(blob)"}
    findings = [
        finding(Severity.HIGH, rule="startup-pth-exec", message="runs code at every interpreter start", **shared),
        finding(Severity.MEDIUM, rule="dynamic-exec", path="other.py", line=9, evidence="eval(s)"),
        finding(Severity.CRITICAL, rule="decoded-exec", message="executes decoded data at start", **shared),
        finding(Severity.CRITICAL, rule="network-access", message="opens a connection at start", **shared),
    ]
    lines = text([result(findings, Verdict.MALICIOUS)]).splitlines()
    headlines = [line for line in lines if " — " in line]
    assert [line.split()[:2] for line in headlines] == [["critical", "evil.pth:1"], ["medium", "other.py:9"]]
    assert headlines[0].endswith("evil.pth:1 — start-up hook: executes decoded data at start")
    place = lines[lines.index(headlines[0]) :]
    assert place[1].strip() == "decoded-exec · network-access · startup-pth-exec"
    assert place[2].strip() == "│ import os; exec(blob)"
    assert sum("import os; exec(blob)" in line for line in lines) == 1
    assert place[3].split() == ["critical", "network-access", "opens", "a", "connection", "at", "start"]
    assert place[4].split()[:2] == ["high", "startup-pth-exec"]
    assert "eval(s)" in lines[-1]


def test_the_other_findings_at_a_place_take_one_line_each_cut_at_the_width() -> None:
    shared = {"path": "evil.pth", "line": 1}
    findings = [finding(Severity.CRITICAL, rule="decoded-exec", **shared)]
    findings += [finding(Severity.HIGH, rule=f"rule-{i}", message="word " * 40, **shared) for i in range(3)]
    lines = text([result(findings)], width=80).splitlines()
    others = [line for line in lines if line.split()[:1] == ["high"]]
    assert len(others) == 3 and all(len(line) <= 80 and line.endswith("…") for line in others)


def test_a_place_in_a_file_the_previous_release_lacked_is_called_new() -> None:
    hook = finding(Severity.CRITICAL, rule="startup-pth-exec", path="demo_init.pth", line=1, new=True)
    changed = finding(Severity.HIGH, path="demo/core.py", line=5, new=True, message="runs decoded data at import")
    output = text(
        [
            result(
                [changed, hook],
                Verdict.MALICIOUS,
                previous=Previous("demo==1.0.0", "demo-1.0.0-py3-none-any.whl", "1.0.0", None),
                changes=Changes(("demo_init.pth",), (), ("demo/core.py",), 3),
            )
        ]
    )
    assert "NEW demo_init.pth:1 — new start-up hook: executes decoded data at import" in output
    assert "NEW demo/core.py:5 — runs decoded data at import" in output
    assert output.index("demo_init.pth:1 —") < output.index("demo/core.py:5 —")
