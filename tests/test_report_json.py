"""The JSON report is the contract other tools read (DESIGN.md): check it key by key."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from interlock.model.findings import Finding, Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.policy.evaluate import apply_policy
from interlock.policy.model import IgnoreEntry, Policy
from interlock.report import render

CONTRACT_RESULT_KEYS = {"target", "name", "version", "verdict", "score", "findings"}
CONTRACT_FINDING_KEYS = {"rule", "severity", "path", "line", "message", "evidence"}


def sample() -> list[ScanResult]:
    bad = ScanResult(
        target="demo==1.0.1",
        filename="demo-1.0.1-py3-none-any.whl",
        name="demo",
        version="1.0.1",
        sha256="ab" * 32,
        verdict=Verdict.MALICIOUS,
        score=100,
        findings=[
            Finding(
                "credential-exfiltration",
                Severity.CRITICAL,
                "demo/core.py",
                40,
                "reads ssh keys and sends them",
                "requests.post(u, data=k)",
                "import",
            ),
            Finding("archive-link", Severity.MEDIUM, "", None, "symbolic link", "demo/link -> /etc"),
        ],
    )
    error = ScanResult("gone==2.0", "", "gone", "2.0", None, Verdict.ERROR, 0, [], "index said 404")
    clean = ScanResult("ok.whl", "ok-1.0-py3-none-any.whl", "ok", "1.0", "cd" * 32, Verdict.CLEAN, 0)
    return [bad, error, clean]


def test_document_is_results_list_in_input_order() -> None:
    document = json.loads(render(sample(), "json"))
    assert list(document) == ["schema_version", "summary", "results"]
    assert document["schema_version"] == 1
    assert [r["target"] for r in document["results"]] == ["demo==1.0.1", "gone==2.0", "ok.whl"]


def test_every_result_and_finding_carries_the_contract_keys_with_contract_values() -> None:
    document = json.loads(render(sample(), "json"))
    for entry in document["results"]:
        assert set(entry) >= CONTRACT_RESULT_KEYS
        assert entry["verdict"] in {"malicious", "suspicious", "clean", "error"}
        assert isinstance(entry["score"], int)
        for item in entry["findings"]:
            assert set(item) >= CONTRACT_FINDING_KEYS
            assert item["severity"] in {"critical", "high", "medium", "low", "info"}
            assert item["line"] is None or isinstance(item["line"], int)
    first = document["results"][0]
    assert first["verdict"] == "malicious" and first["score"] == 100
    assert first["findings"][0] == {
        "rule": "credential-exfiltration",
        "severity": "critical",
        "path": "demo/core.py",
        "line": 40,
        "message": "reads ssh keys and sends them",
        "evidence": "requests.post(u, data=k)",
        "when": "import",
    }
    assert first["findings"][1]["line"] is None and first["findings"][1]["path"] == ""
    assert document["results"][1]["error"] == "index said 404"


def test_output_is_exactly_what_the_results_say_and_reads_back() -> None:
    results = sample()
    document = json.loads(render(results, "json"))
    assert document["results"] == [r.to_json() for r in results]
    again = [ScanResult.from_json(entry, entry["target"]) for entry in document["results"]]
    assert [r.findings for r in again] == [r.findings for r in results]
    assert [r.verdict for r in again] == [r.verdict for r in results]


def test_empty_results_is_an_empty_list_and_a_summary_of_zeros() -> None:
    document = json.loads(render([], "json"))
    assert document["results"] == []
    summary = document["summary"]
    assert summary["artifacts"] == summary["flagged"] == summary["errors"] == summary["unjudged"] == 0
    assert set(summary["verdicts"].values()) == set(summary["decisions"].values()) == {0}


def test_hostile_text_is_escaped_into_valid_ascii_json_and_survives_exactly() -> None:
    evidence = 'x"}\n]\x1b[2J\u202e日本\udcff'
    hostile = ScanResult(
        "t", "f.whl", "n", "1", None, Verdict.SUSPICIOUS, 25, [Finding("r", Severity.HIGH, "p", 1, "m", evidence)]
    )
    output = render([hostile], "json")
    assert output.isascii()
    assert json.loads(output)["results"][0]["findings"][0]["evidence"] == evidence  # data, not a display: kept verbatim


def decided(result: ScanResult, policy: Policy) -> ScanResult:
    result.decision = apply_policy(policy, result, now=datetime(2026, 12, 1, tzinfo=UTC))
    return result


def test_summary_counts_verdicts_and_decisions_after_the_policy() -> None:
    bad, error, clean = sample()
    accepted = ScanResult(
        "reviewed.whl",
        "reviewed-1.0-py3-none-any.whl",
        "reviewed",
        "1.0",
        "ef" * 32,
        Verdict.MALICIOUS,
        100,
        [Finding("startup-pth-exec", Severity.HIGH, "reviewed.pth", 1, "runs at every start", "import reviewed")],
    )
    ignore = IgnoreEntry("startup-pth-exec", "reviewed", reason="our own hook", origin="interlock.toml:7")
    undecided = sample()[2]
    results = [decided(bad, Policy()), decided(error, Policy()), decided(clean, Policy()), undecided]
    results.append(decided(accepted, Policy(ignore=(ignore,))))
    document = json.loads(render(results, "json"))
    assert document["summary"] == {
        "artifacts": 5,
        # The reviewed release's only finding was accepted: it counts as clean, not malicious.
        "verdicts": {"malicious": 1, "suspicious": 0, "error": 1, "clean": 3},
        "decisions": {"pass": 2, "block": 2, "too-new": 0, "none": 1},
        "flagged": 2,
        "accepted": 1,
        "unjudged": 0,
        "errors": 1,
    }
    # The contract's fields are the analysis' own; the policy's answer says what it accepted and where.
    reviewed = document["results"][4]
    assert reviewed["verdict"] == "malicious" and reviewed["policy"]["verdict"] == "clean"
    assert reviewed["policy"]["accepted"] == [
        {
            "rule": "startup-pth-exec",
            "path": "reviewed.pth",
            "line": 1,
            "origin": "interlock.toml:7",
            "reason": "our own hook",
        }
    ]
