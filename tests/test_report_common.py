"""The format registry, the shared helpers, and the promise that no renderer raises on odd input."""

from __future__ import annotations

import json

import pytest

from interlock.model.decision import Accepted
from interlock.model.findings import Severity
from interlock.model.verdict import Verdict
from interlock.report import FORMATS, Formatter, render
from interlock.report.common import (
    accepted_by,
    by_severity,
    group_by_place,
    location,
    printable,
    shorten,
    split_shown,
)
from tests.report_values import finding, result

ODD_INPUTS = {
    "empty": [],
    "line-none-empty-path": [result([finding(line=None, path="", evidence="")])],
    "line-zero-negative-bool": [result([finding(line=0), finding(line=-4), finding(line=True)])],
    "very-long-evidence": [result([finding(evidence="QUFB" * 50_000, message="m" * 5_000)])],
    "non-ascii": [
        result([finding(path="paquet/données.py", evidence="print('日本語 — ü')", message="ünïcode")], name="dèmo")
    ],
    "control-chars": [
        result([finding(evidence="\x1b]0;pwned\x07\x1b[2J\x00\x9b31m\u202etxt.exe\r\n\t", path="a\x1b[1mb.py")])
    ],
    "lone-surrogate": [result([finding(evidence="bad \udcff byte", path="x\udce9.py")])],
    "error-without-filename": [
        result([], Verdict.ERROR, filename="", name=None, version=None, sha256=None, error="index said 404")
    ],
    "error-with-findings": [result([finding()], Verdict.ERROR, error="deadline exceeded\n\x1b[31m")],
    "all-severities": [result([finding(severity) for severity in Severity] * 4, Verdict.MALICIOUS)],
    "unknown-rules": [result([finding(rule="yara:Evil"), finding(rule="retired-rule"), finding(rule="")])],
}


def test_formats_registry_names_the_five_formats() -> None:
    assert set(FORMATS) == {"text", "json", "sarif", "markdown", "html"}
    for name, formatter in FORMATS.items():
        assert issubclass(formatter, Formatter)
        assert formatter.name == name


def test_render_rejects_unknown_format_and_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown report format 'xml'.*json, markdown, sarif, text"):
        render([], "xml")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(ODD_INPUTS))
def test_no_renderer_raises_on_odd_input(fmt: str, case: str) -> None:
    output = render(ODD_INPUTS[case], fmt, color=True, width=80)
    assert output.endswith("\n")
    output.encode("utf-8")  # lone surrogates would make writing the report fail
    if fmt in ("json", "sarif"):
        json.loads(output)
    if fmt != "text":  # only the text format may colour, and only when asked
        assert "\x1b" not in output


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_render_accepts_any_sequence(fmt: str) -> None:
    results = (r for r in [result([finding()])])
    assert "decoded-exec" in render(results, fmt)  # type: ignore[arg-type]


def test_printable_escapes_terminal_and_bidi_controls_visibly() -> None:
    text = printable("a\x1b[2Jb\x9b1mc\u202ed\x00e\nf\rg\tg\u2028h\udcffi")
    assert text == "a\\x1b[2Jb\\x9b1mc\\u202ed\\x00e\\nf\\rg g\\u2028h\\udcffi"
    assert text.isprintable()


def test_printable_keeps_ordinary_unicode_and_tolerates_none() -> None:
    assert printable("café 日本 — ok") == "café 日本 — ok"
    assert printable(None) == ""


def test_shorten_bounds_length_and_says_what_was_cut() -> None:
    assert shorten("short", 10) == "short"
    cut = shorten("x" * 1000, 50)
    assert len(cut) <= 50
    assert cut.startswith("xxx") and "more characters" in cut
    assert "(950 more" not in cut  # the count is of what was really left out, suffix included
    assert f"({1000 - cut.index('…')} more characters)" in cut


def test_by_severity_orders_most_severe_first_and_keeps_the_engine_order_within_a_severity() -> None:
    ordered = by_severity(
        [
            finding(Severity.LOW, path="b.py", line=1),
            finding(Severity.CRITICAL, path="z.py", line=9),
            finding(Severity.LOW, path="a.py", line=None),
            finding(Severity.LOW, path="a.py", line=2),
            finding(Severity.MEDIUM),
        ]
    )
    assert [(f.severity, f.path, f.line) for f in ordered] == [
        (Severity.CRITICAL, "z.py", 9),
        (Severity.MEDIUM, "pkg/__init__.py", 3),
        (Severity.LOW, "b.py", 1),
        (Severity.LOW, "a.py", None),
        (Severity.LOW, "a.py", 2),
    ]


def test_split_shown_keeps_every_serious_finding_and_caps_minor_ones() -> None:
    findings = (
        [finding(Severity.INFO)] * 4
        + [finding(Severity.MEDIUM)] * 7
        + [finding(Severity.LOW)] * 4
        + [finding(Severity.CRITICAL)]
    )
    shown, hidden = split_shown(findings)
    assert hidden == 3
    assert [f.severity for f in shown] == [Severity.CRITICAL] + [Severity.MEDIUM] * 7 + [Severity.LOW] * 4 + [
        Severity.INFO
    ]


def test_location_formats_line_only_when_it_is_a_real_line() -> None:
    assert location(finding(path="a/b.py", line=7)) == "a/b.py:7"
    assert location(finding(path="a/b.py", line=None)) == "a/b.py"
    assert location(finding(path="a/b.py", line=0)) == "a/b.py"
    assert location(finding(path="", line=None)) == "(whole artifact)"


def test_group_by_place_puts_the_worst_place_first_and_its_worst_finding_at_its_head() -> None:
    pth = {"path": "evil.pth", "line": 1}
    findings = [
        finding(Severity.CRITICAL, rule="beacon", path="pkg/net.py", line=9),
        finding(Severity.HIGH, rule="startup-pth-exec", **pth),
        finding(Severity.CRITICAL, rule="decoded-exec", **pth),
        finding(Severity.CRITICAL, rule="network-access", **pth),
        finding(Severity.LOW, rule="process-spawn", path="pkg/net.py", line=None),
    ]
    places = group_by_place(findings, added=("evil.pth",))
    assert [(p.location, p.kind) for p in places] == [
        ("evil.pth:1", "new start-up hook"),  # two criticals outrank one
        ("pkg/net.py:9", ""),
        ("pkg/net.py", ""),  # the whole file is a place of its own
    ]
    assert [f.rule for f in places[0].findings] == ["decoded-exec", "network-access", "startup-pth-exec"]
    assert places[0].tags == ["decoded-exec", "network-access", "startup-pth-exec"]
    assert places[0].headline() == "evil.pth:1 — new start-up hook: executes decoded data at import"
    assert group_by_place([]) == []


def test_a_place_in_an_sdist_is_new_when_its_file_as_installed_was_added() -> None:
    (place,) = group_by_place([finding(path="demo-1.1/setup.py", line=2)], added=("setup.py",))
    assert place.kind == "new install script"
    (place,) = group_by_place([finding(path="demo/util.py")], added=("demo/util.py",))
    assert place.kind == "new file"


def test_accepted_by_names_each_policy_line_once_and_compactly() -> None:
    def accepted(origin: str) -> Accepted:
        return Accepted(finding(), origin, "reviewed")

    assert accepted_by([accepted("interlock.toml:3")] * 2) == "interlock.toml:3"
    lines = [accepted(f"interlock.toml:{n}") for n in (1, 5, 9, 13, 17, 21)]
    assert accepted_by(lines) == "interlock.toml:1,5,9,13 and 2 more"
    assert accepted_by([accepted("pyproject.toml:40"), accepted("interlock.toml:2")]) == (
        "pyproject.toml:40, interlock.toml:2"
    )
    assert accepted_by([accepted("")]) == "the policy"
