"""Tables that fit: at 60, 80, 100 and 200 columns no line is wider than the terminal, and the words
a decision depends on (verdict, decision, action, rule id) are never cut; file names give way in the
middle; long reasons and descriptions wrap under their own column."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from interlock.demo import build_demo_releases
from interlock.gate.judge import Decision
from interlock.gate.run import GateOutcome, Status
from interlock.gate.summary import render_outcome
from interlock.index.models import FileKind, IndexFile
from interlock.model.findings import Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.policy.evaluate import apply_policy
from interlock.policy.model import PackageEntry, Policy
from interlock.report import Show, render
from interlock.report.common import middle_shorten
from interlock.ruleset import ALL_RULES
from tests.conftest import run
from tests.report_values import finding, result

WIDTHS = (60, 80, 100, 200)
LONG_FILE = "azure_mgmt_recoveryservicesbackup-9.1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


def assert_fits(output: str, width: int) -> None:
    too_wide = [line for line in output.splitlines() if len(line) > width]
    assert not too_wide, f"{len(too_wide)} lines wider than {width}: {too_wide[:3]}"


def table_rows(output: str) -> list[list[str]]:
    """The words of each line of the summary table (from its header to the counts line)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["package"])
    return [line.split() for line in lines[start:] if not re.match(r"^\d+ (artifact|clean)", line)]


def several() -> list[ScanResult]:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    items = [
        result([finding(Severity.CRITICAL)], Verdict.MALICIOUS, score=100, filename=LONG_FILE),
        result([finding(Severity.MEDIUM)], Verdict.SUSPICIOUS, name="a-rather-long-project-name-for-a-table"),
        result([], Verdict.ERROR, name="gone", version="3", filename="gone-3.tar.gz", error="index said 404"),
        result([], Verdict.CLEAN, name="withdrawn", version="1.2", filename="withdrawn-1.2.tar.gz", score=0),
        result([], Verdict.CLEAN, name="fine", version="2.0", filename="fine-2.0-py3-none-any.whl", score=0),
    ]
    deny = PackageEntry("withdrawn", reason="withdrawn by the vendor after a token leak", origin="interlock.toml:9")
    for item in items:
        item.decision = apply_policy(Policy(deny=(deny,)), item, now=now)
    return items


@pytest.mark.parametrize("width", WIDTHS)
def test_the_summary_table_fits_and_never_cuts_a_verdict_or_decision(width: int) -> None:
    output = render(several(), "text", width=width, show=Show.ALL)
    assert_fits(output, width)
    rows = table_rows(output)
    verdicts = {"malicious", "suspicious", "error", "clean"}
    decided = [(row[[w in verdicts for w in row].index(True)], row) for row in rows[1:] if verdicts & set(row)]
    assert [verdict for verdict, _ in decided] == ["malicious", "suspicious", "error", "clean", "clean"]
    for verdict, row in decided:
        following = row[row.index(verdict) + 1]
        assert following in {"block", "pass"}, row  # the decision, whole, right after the verdict
    assert "m…" not in output and "decisi" not in output.replace("decision", "")


@pytest.mark.parametrize("width", [80, 100])
def test_a_long_file_name_is_shortened_in_the_middle(width: int) -> None:
    output = render(several(), "text", width=width, show=Show.ALL)
    row = next(line for line in output.splitlines() if line.startswith("demo 1.0.1"))
    shortened = row.split()[2]
    head, _, tail = shortened.partition("…")
    assert head and tail and LONG_FILE.startswith(head) and LONG_FILE.endswith(tail)
    assert LONG_FILE in "".join(line.strip() for line in output.splitlines())  # in full with the release


def test_at_200_columns_only_a_very_long_file_name_gives_way() -> None:
    output = render(several(), "text", width=200, show=Show.ALL)
    rows = table_rows(output)
    files = {row[0]: row[2] for row in rows[2:] if len(row) > 3 and row[1][0].isdigit()}
    assert list(files.values()) == [
        "demo-1.0.1-py3-none-any.whl",
        "gone-3.tar.gz",
        "withdrawn-1.2.tar.gz",
        "fine-2.0-py3-none-any.whl",
    ]
    assert rows[2][:2] == ["a-rather-long-project-name-for-a-table", "1.0.1"]  # room enough: not folded


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_reason_wraps_under_its_column(width: int) -> None:
    output = render(several(), "text", width=width, show=Show.ALL)
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("withdrawn 1.2"))
    reason = "".join("".join(line.split()) for line in lines[start : start + 8])
    assert "onthedenylist(interlock.toml:9):withdrawnbythevendorafteratokenleak" in reason
    # Continuation lines are indented, never back at column 0.
    continuation = lines[start + 1]
    assert continuation.startswith(" ") or continuation.startswith("fine "), continuation


def test_middle_shorten_keeps_both_ends() -> None:
    name = "acme_greeter-1.0.1-py3-none-any.whl"
    assert middle_shorten(name, 100) == name
    assert middle_shorten(name, 20) == "acme_gree…ne-any.whl" and len(middle_shorten(name, 20)) == 20
    assert middle_shorten(name, 1) == "…" and middle_shorten(name, 0) == ""


# --- Through the real commands, the width taken from COLUMNS ---------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("width", WIDTHS)
def test_audit_fits_the_terminal(
    width: int, served_demo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, trojaned = build_demo_releases(tmp_path / "local")
    current, upgrade = tmp_path / "requirements.txt", tmp_path / "requirements-next.txt"
    current.write_text(f"acme-greeter==1.0.0 --hash=sha256:{sha256(genuine)}\n")
    upgrade.write_text(f"acme-greeter==1.0.1 --hash=sha256:{sha256(trojaned)}\n")
    monkeypatch.setenv("COLUMNS", str(width))
    status, out, _ = run(capsys, "audit", "--all", "--index-url", served_demo, str(current), str(upgrade))
    assert status == 1
    assert_fits(out, width)
    assert out.splitlines()[0].split()[0] == "MALICIOUS"
    rows = table_rows(out)
    assert rows[1][-2:] == ["malicious", "block"] and rows[2][-2:] == ["clean", "pass"]


@pytest.mark.parametrize("width", WIDTHS)
def test_rules_descriptions_wrap_under_their_column(
    width: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    status, out, _ = run(capsys, "rules")
    assert status == 0
    assert_fits(out, width)
    listing = out.split("\n\n")[0].splitlines()
    ids = {rule.id for rule in ALL_RULES}
    starts = [line.split()[0] for line in listing if not line.startswith(" ")]
    assert starts == [rule.id for rule in ALL_RULES]  # every other line is indented: a wrapped summary
    assert all(line.startswith(" ") for line in listing if line.split()[0] not in ids)
    words = " ".join(listing).split()
    for rule in ALL_RULES:
        summary = rule.summary.split()
        assert any(words[i : i + len(summary)] == summary for i in range(len(words))), rule.id


def gate_outcome() -> GateOutcome:
    def judged(project: str, filename: str, verdict: Verdict, allowed: bool, reason: str) -> Decision:
        file = IndexFile(
            canonicalize_name(project),
            filename,
            f"http://127.0.0.1:9/files/{filename}",
            "0" * 64,
            Version(filename.split("-")[1]),
            FileKind.WHEEL,
        )
        item = result([finding(Severity.CRITICAL)] if verdict is not Verdict.CLEAN else [], verdict, filename=filename)
        return Decision(file, item, allowed, reason)

    decisions = [
        judged(
            "acme-clock",
            "acme_clock-1.1.0-py3-none-any.whl",
            Verdict.MALICIOUS,
            False,
            "verdict malicious is "
            "at or above fail-on suspicious; its .pth runs a hidden payload at every interpreter start",
        ),
        judged("azure-mgmt-recoveryservicesbackup", LONG_FILE, Verdict.CLEAN, True, "clean"),
        judged("acme-tz", "acme_tz-2.0.0-py3-none-any.whl", Verdict.CLEAN, True, "clean"),
    ]
    return GateOutcome(Status.REFUSED, "refused acme-clock 1.1.0: nothing was installed", decisions, [decisions[2]])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_gate_table_fits_and_never_cuts_a_verdict_or_action(width: int) -> None:
    output = render_outcome(gate_outcome(), "text", tool="pip", python="/usr/bin/python3", width=width)
    assert_fits(output, width)
    lines = output.splitlines()
    start = lines.index("Files judged by the gate")
    table = " ".join(lines[start:])
    for verdict, action in (("malicious", "refused"), ("clean", "passed"), ("clean", "passed")):
        assert re.search(rf"\b{verdict}\s+{action}\b", table), (verdict, action, table)
    assert "fail-on suspicious; its .pth runs a hidden payload" in " ".join(table.split())


def test_the_gate_markdown_reports_the_refused_and_its_own_table_lists_every_file() -> None:
    output = render_outcome(gate_outcome(), "markdown", tool="pip", python="/usr/bin/python3")
    assert [line for line in output.splitlines() if line.startswith("### ")] == [
        "### demo 1.0.1: malicious (score 25)",
        "### Install gate",
    ]
    assert "--all" not in output  # the gate has no such option: its own table has every file
    assert sum(line.startswith("| acme") or line.startswith("| azure") for line in output.splitlines()) == 3
