"""The JSON report is the contract other tools read (DESIGN.md): check it key by key."""

from __future__ import annotations

import json

from interlock.model.findings import Finding, Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
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
    assert list(document) == ["results"]
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
    assert document == {"results": [r.to_json() for r in results]}
    again = [ScanResult.from_json(entry, entry["target"]) for entry in document["results"]]
    assert [r.findings for r in again] == [r.findings for r in results]
    assert [r.verdict for r in again] == [r.verdict for r in results]


def test_empty_results_is_an_empty_list() -> None:
    assert json.loads(render([], "json")) == {"results": []}


def test_hostile_text_is_escaped_into_valid_ascii_json_and_survives_exactly() -> None:
    evidence = 'x"}\n]\x1b[2J\u202e日本\udcff'
    hostile = ScanResult(
        "t", "f.whl", "n", "1", None, Verdict.SUSPICIOUS, 25, [Finding("r", Severity.HIGH, "p", 1, "m", evidence)]
    )
    output = render([hostile], "json")
    assert output.isascii()
    assert json.loads(output)["results"][0]["findings"][0]["evidence"] == evidence  # data, not a display: kept verbatim
