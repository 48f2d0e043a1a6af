"""Triage: of many results, the flagged ones first and the clean ones counted; findings a policy
accepted shown as accepted, with the policy line that accepted them, never counted as malicious."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interlock.demo import build_demo_releases
from interlock.model.findings import Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.policy.evaluate import apply_policy
from interlock.policy.model import IgnoreEntry, PackageEntry, Policy
from interlock.report import Show, render
from tests.conftest import run
from tests.report_values import finding, result

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


def decided(item: ScanResult, policy: Policy | None = None) -> ScanResult:
    item.decision = apply_policy(policy or Policy(), item, now=NOW)
    return item


def lockfile_results() -> list[ScanResult]:
    """Seven pins as an audit judges them, alphabetical, the flagged ones buried among clean ones."""
    return [
        decided(result([], Verdict.CLEAN, name="alpha", version="1.0", filename="alpha-1.0.tar.gz", score=0)),
        decided(result([finding(Severity.MEDIUM)], Verdict.SUSPICIOUS, name="bravo", version="2.0", score=25)),
        decided(result([], Verdict.CLEAN, name="charlie", version="3.0", filename="charlie-3.0.tar.gz", score=0)),
        decided(result([], Verdict.ERROR, name="delta", version="4.0", error="deadline exceeded")),
        decided(result([finding(Severity.CRITICAL)], Verdict.MALICIOUS, name="echo", version="5.0", score=100)),
        decided(
            result([], Verdict.CLEAN, name="foxtrot", version="6.0", score=0),
            Policy(deny=(PackageEntry("foxtrot", reason="withdrawn by its vendor", origin="interlock.toml:3"),)),
        ),
        decided(result([], Verdict.CLEAN, name="golf", version="7.0", filename="golf-7.0.tar.gz", score=0)),
    ]


def headlines(output: str) -> list[str]:
    """`VERDICT name` of each result block, in order."""
    return [" ".join(line.split()[:2]) for line in output.splitlines() if re.match(r"^[A-Z]+ {2,}\S", line)]


def test_text_lists_the_blocked_and_flagged_first_and_counts_the_clean() -> None:
    output = render(lockfile_results(), "text", width=100)
    assert headlines(output) == ["MALICIOUS echo", "SUSPICIOUS bravo", "ERROR delta", "CLEAN foxtrot"]
    lines = output.splitlines()
    assert lines[-2:] == [
        "3 clean releases not listed (--all lists them)",
        "7 artifacts: 1 malicious, 1 suspicious, 1 error, 4 clean",
    ]
    table = lines[lines.index(next(line for line in lines if line.startswith("package"))) : -2]
    assert [row.split()[0] for row in table[1:5]] == ["echo", "bravo", "delta", "foxtrot"]
    # Clean, but kept out: listed, with the reason (wrapped in its column).
    assert table[4].split()[3:5] == ["clean", "block"] and "withdrawn by its vendor" in " ".join(table[4:])


def test_all_lists_the_clean_ones_too_after_the_flagged() -> None:
    output = render(lockfile_results(), "text", width=100, show=Show.ALL)
    assert headlines(output)[4:] == ["CLEAN alpha", "CLEAN charlie", "CLEAN golf"]
    assert "not listed" not in output


def test_only_flagged_lists_nothing_else_and_a_clean_lone_result_says_nothing_was_flagged() -> None:
    output = render(lockfile_results(), "text", width=100, show=Show.FLAGGED)
    assert len(headlines(output)) == 4 and "not listed" not in output
    assert output.splitlines()[-1].startswith("7 artifacts:")
    clean = [decided(result([], Verdict.CLEAN, score=0))]
    assert render(clean, "text", show=Show.FLAGGED) == "Nothing flagged.\n1 artifact: 1 clean\n"
    assert render(clean, "text").startswith("CLEAN       demo 1.0.1")  # asked about one release: it is shown


def test_markdown_table_and_sections_carry_only_the_flagged_by_default() -> None:
    output = render(lockfile_results(), "markdown")
    rows = [line for line in output.splitlines() if line.startswith("| ") and "---" not in line]
    assert [row.split("|")[1].split()[0] for row in rows[1:]] == ["echo", "bravo", "delta", "foxtrot"]
    assert "3 clean releases not listed \\(--all lists them\\)." in output
    assert [line for line in output.splitlines() if line.startswith("### ")] == [
        "### echo 5.0: malicious (score 100)",
        "### bravo 2.0: suspicious (score 25)",
        "### delta 4.0: error",
        "### foxtrot 6.0: clean (score 0)",
    ]
    everything = render(lockfile_results(), "markdown", show=Show.ALL)
    assert sum(line.startswith("| ") for line in everything.splitlines()) == 2 + 7
    flagged = render(lockfile_results(), "markdown", show=Show.FLAGGED)
    assert "not listed" not in flagged and sum(line.startswith("| ") for line in flagged.splitlines()) == 2 + 4


def test_html_lists_the_flagged_first_too() -> None:
    output = render(lockfile_results(), "html")
    sections = re.findall(r'<h2><span class="verdict (\w+)">', output)
    assert sections == ["malicious", "suspicious", "error", "clean"]
    assert "3 clean releases not listed (--all lists them)." in output


# --- Through the real command: an audit of a lockfile on a loopback index -------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def lockfiles(served_demo: str, tmp_path: Path) -> list[str]:
    """The genuine pin in one requirements file (with an unpinned line), the trojaned one in another."""
    genuine, trojaned = build_demo_releases(tmp_path / "local")
    current = tmp_path / "requirements.txt"
    current.write_text(f"acme-greeter==1.0.0 --hash=sha256:{sha256(genuine)}\nrich>=13\n")
    upgrade = tmp_path / "requirements-next.txt"
    upgrade.write_text(f"acme-greeter==1.0.1 --hash=sha256:{sha256(trojaned)}\n")
    return [str(current), str(upgrade)]


def test_audit_text_puts_the_trojan_first_and_counts_the_genuine(
    served_demo: str, lockfiles: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "audit", "--index-url", served_demo, *lockfiles)
    assert status == 1
    assert out.startswith("MALICIOUS   acme-greeter 1.0.1")
    assert "CLEAN " not in out and "1 clean release not listed (--all lists them)" in out
    status, out, _ = run(capsys, "audit", "--all", "--index-url", served_demo, *lockfiles)
    assert headlines(out) == ["MALICIOUS acme-greeter", "CLEAN acme-greeter"]


def test_audit_json_leads_with_a_summary(
    served_demo: str, lockfiles: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "audit", "--index-url", served_demo, "--format", "json", *lockfiles)
    document = json.loads(out)
    assert status == 1 and document["schema_version"] == 1
    summary = document["summary"]
    assert summary["artifacts"] == 2 and summary["flagged"] == 1 and summary["unjudged"] == 1
    assert summary["verdicts"] == {"malicious": 1, "suspicious": 0, "error": 0, "clean": 1}
    assert summary["decisions"] == {"pass": 1, "block": 1, "too-new": 0, "none": 0}
    # The results are the contract's, all of them, in the lockfiles' order, whatever --only-flagged says.
    status, out, _ = run(capsys, "audit", "--only-flagged", "--index-url", served_demo, "--format", "json", *lockfiles)
    assert [r["version"] for r in json.loads(out)["results"]] == ["1.0.0", "1.0.1"]


def test_audit_options_are_exclusive(
    served_demo: str, lockfiles: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "audit", "--all", "--only-flagged", *lockfiles)
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


# --- Accepted findings -------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path]:
    return build_demo_releases(tmp_path / "built")


def ignores(rules: list[str]) -> str:
    """An interlock.toml with one ignore entry per rule, each four lines: entry N starts on line 4N+1."""
    return "".join(
        f'[[ignore]]\nrule = "{rule}"\npackage = "acme-greeter"\nreason = "reviewed in SEC-1"\n' for rule in rules
    )


def trojan_rules(trojaned: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    _, out, _ = run(capsys, "scan", "--format", "json", str(trojaned))
    return list(dict.fromkeys(f["rule"] for f in json.loads(out)["results"][0]["findings"]))


def test_a_release_whose_findings_were_all_accepted_is_not_called_malicious(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, trojaned = demo
    rules = trojan_rules(trojaned, capsys)
    policy = tmp_path / "interlock.toml"
    policy.write_text(ignores(rules))
    status, out, _ = run(capsys, "scan", "--all", "--policy", str(policy), str(genuine), str(trojaned))
    assert status == 0
    assert "MALICIOUS" not in out and "malicious" not in out
    headline = next(line for line in out.splitlines() if "acme-greeter 1.0.1" in line)
    assert headline.startswith("CLEAN ")
    assert f"{len(rules)} accepted by interlock.toml:1,5,9,13 and {len(rules) - 4} more" in headline
    notes = [line for line in out.splitlines() if line.lstrip().startswith("accepted ")]
    assert len(notes) == len(rules)  # one per ignore entry, naming its line
    assert all(f"(interlock.toml:{4 * n + 1})" in out for n in range(len(rules)))
    assert out.splitlines()[-1] == "2 artifacts: 2 clean (1 with accepted findings)"


def test_a_partly_accepted_release_lists_only_what_still_counts(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, trojaned = demo
    policy = tmp_path / "interlock.toml"
    policy.write_text(ignores(["startup-pth-exec"]))
    for fmt, accepted_by, note in (
        ("text", "1 accepted by interlock.toml:1", "ignored (interlock.toml:1)"),
        ("markdown", "1 accepted by interlock.toml\\:1", "ignored \\(interlock.toml\\:1\\)"),
        ("html", "1 accepted by interlock.toml:1", "ignored (interlock.toml:1)"),
    ):
        status, out, _ = run(capsys, "scan", "--policy", str(policy), "--format", fmt, str(trojaned))
        assert status == 1
        assert accepted_by in out and note in out, fmt
        # The accepted rule is in the note that accepted it, and nowhere among the findings that count.
        counted = "\n".join(line for line in out.splitlines() if note not in line)
        assert "startup-pth-exec" not in counted, fmt
    status, out, _ = run(capsys, "scan", "--policy", str(policy), "--format", "json", str(trojaned))
    decision = json.loads(out)["results"][0]["policy"]
    assert decision["verdict"] == "malicious"
    assert [(a["rule"], a["origin"]) for a in decision["accepted"]] == [("startup-pth-exec", "interlock.toml:1")]


def test_ignore_entries_record_which_finding_each_accepted() -> None:
    shared = {"path": "demo_init.pth", "line": 1}
    item = result(
        [finding(Severity.HIGH, rule="startup-pth-exec", **shared), finding(Severity.CRITICAL, **shared)],
        Verdict.MALICIOUS,
    )
    policy = Policy(
        ignore=(
            IgnoreEntry("startup-pth-exec", reason="our hook", origin="interlock.toml:2"),
            IgnoreEntry("decoded-exec", "other-project", reason="not this one", origin="interlock.toml:6"),
        )
    )
    decision = decided(item, policy).decision
    assert decision is not None
    assert [(a.finding.rule, a.origin, a.reason) for a in decision.accepted] == [
        ("startup-pth-exec", "interlock.toml:2", "our hook")
    ]
    assert [f.rule for f in decision.findings] == ["decoded-exec"]


def test_explain_says_what_the_policy_accepted_and_what_the_verdict_is_without_it(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, trojaned = demo
    rules = trojan_rules(trojaned, capsys)
    policy = tmp_path / "interlock.toml"
    policy.write_text(ignores(rules))
    status, out, _ = run(capsys, "explain", "--policy", str(policy), str(trojaned))
    assert status == 0
    analysis = next(line for line in out.splitlines() if line.startswith("analysis"))
    assert analysis.startswith("analysis    MALICIOUS, score 100")  # what the analysis itself found
    assert analysis.endswith(
        f"{len(rules)} of them accepted by interlock.toml:1,5,9,13 and {len(rules) - 4} more: CLEAN without them"
    )
    assert out.splitlines()[-1] == "decision    PASS"
