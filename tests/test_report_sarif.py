"""SARIF 2.1.0 as GitHub code scanning accepts it: valid against the OASIS schema, quiet about clean
releases, one result per place, located at the lockfile line that pins the release."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from packaging.specifiers import SpecifierSet

from interlock.model.findings import Finding, Severity
from interlock.model.result import IndexRecord, PinnedAt, ScanResult
from interlock.model.verdict import Verdict
from interlock.policy.evaluate import decide_result
from interlock.policy.model import IgnoreEntry, PackageEntry, Policy
from interlock.report import render
from interlock.report.sarif import lockfile_uri
from interlock.ruleset import ALL_RULES, RULES_BY_ID
from tests.conftest import run
from tests.report_values import finding, result

SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
LEVELS = {"none", "note", "warning", "error"}
URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def check_uri(uri: Any, *, relative: bool = True) -> None:
    assert isinstance(uri, str) and uri
    assert URI_CHARS.match(uri), uri
    if relative:
        assert not SCHEME.match(uri), f"{uri} reads as an absolute URI"
        assert not uri.startswith("/"), uri
        assert ".." not in uri.split("/") and "." not in uri.split("/") and "" not in uri.split("/"), uri


def check_physical(physical: Any, *, relative: bool = True) -> None:
    check_uri(physical["artifactLocation"]["uri"], relative=relative)
    if "region" in physical:
        assert type(physical["region"]["startLine"]) is int and physical["region"]["startLine"] >= 1


def validate(log: Any) -> None:
    """Valid SARIF 2.1.0 (the OASIS schema), plus the rules GitHub code scanning adds to it."""
    errors = sorted(validator().iter_errors(log), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert log["version"] == "2.1.0"
    for sarif_run in log["runs"]:
        rules = sarif_run["tool"]["driver"].get("rules", [])
        ids = [rule["id"] for rule in rules]
        assert len(ids) == len(set(ids)), "rule ids must be unique"
        for rule in rules:
            assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
            assert rule["properties"]["tags"] == ["security"]
        for reported in sarif_run["results"]:
            assert reported["message"]["text"], "GitHub requires message.text"
            assert isinstance(reported["ruleId"], str), "GitHub requires ruleId"
            assert reported["level"] in LEVELS
            assert rules[reported["ruleIndex"]]["id"] == reported["ruleId"]
            assert 1 <= len(reported["locations"]) <= 10, "GitHub shows a result only with 1 to 10 locations"
            related = reported.get("relatedLocations", [])
            for location in reported["locations"]:
                # A lockfile outside the directory Interlock ran in is named by a file: URI.
                check_physical(location["physicalLocation"], relative=not related)
            for location in related:
                check_physical(location["physicalLocation"])


def sarif(results: list[ScanResult], *, everything: bool = False) -> dict[str, Any]:
    log = json.loads(render(results, "sarif", everything=everything))
    validate(log)
    return log


def run_of(results: list[ScanResult], *, everything: bool = False) -> dict[str, Any]:
    return sarif(results, everything=everything)["runs"][0]


def malicious(findings: list[Finding], **changes: object) -> ScanResult:
    return result(findings, Verdict.MALICIOUS, **changes)


def decided(scan: ScanResult, policy: Policy, upload_time: str | None = None) -> ScanResult:
    """`scan` weighed by `policy`, as the scanner does for a release from an index."""
    scan.index = IndexRecord("http://127.0.0.1:9/files/demo.whl", upload_time)
    scan.decision = decide_result(policy, scan, datetime.now(UTC))
    return scan


def test_the_validator_refuses_what_sarif_does_not_allow() -> None:
    log = sarif([malicious([finding()])])
    log["runs"][0]["results"][0]["level"] = "critical"
    with pytest.raises(AssertionError, match="level"):
        validate(log)
    del log["runs"][0]["results"][0]["level"]
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(AssertionError, match="startLine"):
        validate(log)


def test_log_header_and_driver() -> None:
    log = sarif([malicious([finding()])])
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "interlock"
    assert driver["version"] == version("interlock")
    assert "informationUri" not in driver


def test_empty_results_give_a_valid_empty_run() -> None:
    run = run_of([])
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert run["properties"]["verdicts"] == []


@pytest.mark.parametrize(
    ("severity", "level", "security_severity"),
    [
        (Severity.CRITICAL, "error", "9.5"),
        (Severity.HIGH, "error", "8.0"),
        (Severity.MEDIUM, "warning", "5.5"),
        (Severity.LOW, "note", "3.0"),
        (Severity.INFO, "note", "1.0"),
    ],
)
def test_in_a_malicious_release_levels_follow_the_finding(
    severity: Severity, level: str, security_severity: str
) -> None:
    run = run_of([malicious([finding(severity)])])
    [sarif_result] = run["results"]
    [rule] = run["tool"]["driver"]["rules"]
    assert sarif_result["level"] == level
    assert rule["defaultConfiguration"]["level"] == level
    assert rule["properties"]["security-severity"] == security_severity


@pytest.mark.parametrize(
    ("severity", "level", "security_severity"),
    [(Severity.CRITICAL, "warning", "5.5"), (Severity.MEDIUM, "warning", "5.5"), (Severity.LOW, "note", "3.0")],
)
def test_a_suspicious_release_never_raises_an_error(severity: Severity, level: str, security_severity: str) -> None:
    run = run_of([result([finding(severity)], Verdict.SUSPICIOUS)])
    [sarif_result] = run["results"]
    assert sarif_result["level"] == level
    assert sarif_result["properties"]["severity"] == severity.label  # the finding's own severity, for the curious
    assert run["tool"]["driver"]["rules"][0]["properties"]["security-severity"] == security_severity


def test_a_clean_release_gives_no_results_and_its_test_files_no_error_even_when_asked_for() -> None:
    in_tests = finding(Severity.CRITICAL, path="helper/tests/test_net.py", rule="credential-exfiltration")
    clean = result([in_tests], Verdict.CLEAN, name="helper", filename="helper-2.0-py3-none-any.whl", score=0)
    run = run_of([clean])
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert [v["verdict"] for v in run["properties"]["verdicts"]] == ["clean"]
    [everything] = run_of([clean], everything=True)["results"]
    assert everything["level"] == "note" and everything["ruleId"] == "credential-exfiltration"


def test_only_flagged_releases_give_results() -> None:
    results = [
        result([finding(rule="process-spawn")], Verdict.CLEAN, name="quiet", filename="quiet-1.0.tar.gz"),
        result([finding(rule="decoded-exec")], Verdict.SUSPICIOUS, name="odd", filename="odd-1.0.tar.gz"),
        malicious([finding(rule="credential-exfiltration")], name="bad", filename="bad-1.0.tar.gz"),
        result([], Verdict.ERROR, name="broken", filename="broken-1.0.tar.gz", error="unreadable"),
    ]
    run = run_of(results)
    assert [(r["ruleId"], r["properties"]["target"]) for r in run["results"]] == [
        ("decoded-exec", "demo==1.0.1"),
        ("credential-exfiltration", "demo==1.0.1"),
        ("analysis-error", "demo==1.0.1"),
    ]
    assert "odd-1.0.tar.gz" in run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert len(run["properties"]["verdicts"]) == 4
    assert len(run_of(results, everything=True)["results"]) == 4


def test_one_result_per_place_led_by_its_most_severe_finding() -> None:
    same_line = [
        finding(Severity.HIGH, rule="decoded-exec", path="demo_init.pth", line=1),
        finding(Severity.CRITICAL, rule="credential-exfiltration", path="demo_init.pth", line=1),
        finding(Severity.CRITICAL, rule="credential-exfiltration", path="demo_init.pth", line=1, evidence="again"),
        finding(Severity.MEDIUM, rule="network-access", path="demo_init.pth", line=1),
    ]
    elsewhere = finding(Severity.LOW, rule="process-spawn", path="demo/util.py", line=7)
    run = run_of([malicious([*same_line, elsewhere])])
    first, second = run["results"]
    assert first["ruleId"] == "credential-exfiltration" and first["properties"]["findings"] == 4
    assert first["message"]["text"].startswith(
        "executes decoded data at import (also here: credential-exfiltration, decoded-exec, network-access) — "
    )
    assert second["ruleId"] == "process-spawn" and second["properties"]["findings"] == 1
    assert "also here" not in second["message"]["text"]


def test_a_pinned_release_is_located_at_its_lockfile_line_with_the_place_inside_as_related() -> None:
    pinned = malicious(
        [finding(path="pkg/sub/mod.py", line=42, evidence="eval(x)")],
        pinned_at=PinnedAt("requirements/prod.txt", 7),
    )
    [sarif_result] = run_of([pinned])["results"]
    [location] = sarif_result["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "requirements/prod.txt"},
        "region": {"startLine": 7},
    }
    [related] = sarif_result["relatedLocations"]
    assert related["physicalLocation"] == {
        "artifactLocation": {"uri": "demo-1.0.1-py3-none-any.whl/pkg/sub/mod.py"},
        "region": {"startLine": 42, "snippet": {"text": "eval(x)"}},
    }
    assert related["message"]["text"] == "pkg/sub/mod.py in demo-1.0.1-py3-none-any.whl"


def test_a_pin_without_a_line_points_at_the_lockfile() -> None:
    [sarif_result] = run_of([malicious([finding()], pinned_at=PinnedAt("poetry.lock", None))])["results"]
    assert sarif_result["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "poetry.lock"}}


def test_lockfile_uris_are_relative_to_where_interlock_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repository = tmp_path / "repo"
    (repository / "sub").mkdir(parents=True)
    monkeypatch.chdir(repository)
    assert lockfile_uri(str(repository / "sub" / "uv.lock")) == "sub/uv.lock"
    assert lockfile_uri("sub/../requirements dev.txt") == "requirements%20dev.txt"
    assert lockfile_uri(str(tmp_path / "elsewhere" / "uv.lock")) == (tmp_path / "elsewhere" / "uv.lock").as_uri()
    assert lockfile_uri("../elsewhere/uv.lock") == (tmp_path / "elsewhere" / "uv.lock").as_uri()


def test_an_analysis_error_is_reported_at_its_pin() -> None:
    broken = result(
        [],
        Verdict.ERROR,
        filename="",
        name="gone",
        version="2.0",
        sha256=None,
        target="gone==2.0 (requirements.txt:3)",
        error="index said 404",
        pinned_at=PinnedAt("requirements.txt", 3),
    )
    run = run_of([broken, result([], Verdict.CLEAN)])
    [error] = run["results"]
    assert error["ruleId"] == "analysis-error" and error["level"] == "error"
    assert "index said 404" in error["message"]["text"]
    assert error["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "requirements.txt"
    descriptor = run["tool"]["driver"]["rules"][error["ruleIndex"]]
    assert descriptor["id"] == "analysis-error" and descriptor["defaultConfiguration"]["level"] == "error"


def test_a_denied_release_is_an_error_at_its_pin_whatever_its_analysis() -> None:
    deny = PackageEntry("demo", SpecifierSet("==1.0.1"), "stolen token", origin="interlock.toml:4")
    clean = decided(result([], Verdict.CLEAN, score=0, pinned_at=PinnedAt("requirements.txt", 2)), Policy(deny=(deny,)))
    run = run_of([clean])
    [blocked] = run["results"]
    assert (blocked["ruleId"], blocked["level"]) == ("policy-block", "error")
    assert blocked["message"]["text"].startswith("the policy keeps demo 1.0.1 out: on the deny list (interlock.toml:4)")
    assert blocked["properties"]["reasons"] == ["denied"]
    assert blocked["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    assert "the policy in effect" in run["tool"]["driver"]["rules"][0]["fullDescription"]["text"].lower()


def test_a_release_too_new_for_the_cooldown_is_a_warning() -> None:
    fresh = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    clean = decided(result([], Verdict.CLEAN, score=0), Policy(cooldown=timedelta(days=3)), upload_time=fresh)
    [blocked] = run_of([clean])["results"]
    assert (blocked["ruleId"], blocked["level"]) == ("policy-block", "warning")
    assert "too new" in blocked["message"]["text"]


def test_a_finding_the_policy_ignores_raises_no_alert() -> None:
    ignore = IgnoreEntry("decoded-exec", "demo", reason="reviewed", origin="interlock.toml:1")
    accepted = decided(result([finding(rule="decoded-exec")], Verdict.SUSPICIOUS), Policy(ignore=(ignore,)))
    run = run_of([accepted])
    assert run["results"] == []
    assert run["properties"]["verdicts"][0]["verdict"] == "suspicious"  # what the analysis said, as before


def test_one_descriptor_per_rule_that_appears_documented_from_the_rule_set() -> None:
    chosen = [rule for rule in ALL_RULES[:3]]
    findings = [finding(rule.severities[-1], rule=rule.id, line=n) for n, rule in enumerate(chosen * 2, start=1)]
    run = run_of([malicious(findings)])
    rules = run["tool"]["driver"]["rules"]
    assert sorted(r["id"] for r in rules) == sorted(rule.id for rule in chosen)
    for descriptor in rules:
        rule = RULES_BY_ID[descriptor["id"]]
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.description
        assert rule.description in descriptor["help"]["text"]
        assert descriptor["name"] and descriptor["name"] != descriptor["id"]
    assert len(run["results"]) == 6


def test_descriptor_advertises_the_most_severe_level_the_rule_reported() -> None:
    run = run_of(
        [
            malicious(
                [finding(Severity.LOW, rule="process-spawn", line=1), finding(Severity.CRITICAL, rule="process-spawn")]
            )
        ]
    )
    [rule] = run["tool"]["driver"]["rules"]
    assert rule["properties"]["security-severity"] == "9.5"
    assert [r["level"] for r in run["results"]] == ["error", "note"]


def test_yara_and_unknown_rules_get_generic_descriptors() -> None:
    run = run_of([malicious([finding(rule="yara:Evil_Loader", line=1), finding(rule="rule-from-an-old-cache")])])
    descriptors = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert "Evil_Loader" in descriptors["yara:Evil_Loader"]["shortDescription"]["text"]
    assert "YARA" in descriptors["yara:Evil_Loader"]["fullDescription"]["text"]
    assert descriptors["rule-from-an-old-cache"]["shortDescription"]["text"]
    assert descriptors["yara:Evil_Loader"]["name"] == "YaraEvilLoader"


def test_empty_rule_id_gets_a_placeholder() -> None:
    run = run_of([malicious([finding(rule="")])])
    assert run["results"][0]["ruleId"] == "unknown-rule"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["unknown-rule"]


def test_message_carries_finding_and_verdict_context() -> None:
    run = run_of([malicious([finding(message="posts ssh keys")], score=100)])
    text = run["results"][0]["message"]["text"]
    assert text.startswith("posts ssh keys — ")
    assert "demo 1.0.1" in text and "malicious" in text and "100" in text


def test_without_a_pin_the_place_inside_the_artifact_is_the_location() -> None:
    [sarif_result] = run_of([malicious([finding(path="pkg/sub/mod.py", line=42, evidence="eval(x)")])])["results"]
    physical = sarif_result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "demo-1.0.1-py3-none-any.whl/pkg/sub/mod.py"
    assert physical["region"] == {"startLine": 42, "snippet": {"text": "eval(x)"}}
    assert "relatedLocations" not in sarif_result


@pytest.mark.parametrize("line", [None, 0, -3, True])
def test_no_region_without_a_positive_line(line: object) -> None:
    run = run_of([malicious([finding(line=line)])])
    assert "region" not in run["results"][0]["locations"][0]["physicalLocation"]


def test_finding_on_the_whole_artifact_points_at_the_file() -> None:
    run = run_of([malicious([finding(path="", line=None)])])
    assert (
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "demo-1.0.1-py3-none-any.whl"
    )


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("../../etc/passwd", "demo-1.0.1-py3-none-any.whl/etc/passwd"),
        ("/abs/path.py", "demo-1.0.1-py3-none-any.whl/abs/path.py"),
        ("C:\\Windows\\evil.py", "demo-1.0.1-py3-none-any.whl/C%3A/Windows/evil.py"),
        ("a/./b//c/../d.py", "demo-1.0.1-py3-none-any.whl/a/b/c/d.py"),
        ("dir with space/ü#?%.py", "demo-1.0.1-py3-none-any.whl/dir%20with%20space/%C3%BC%23%3F%25.py"),
        ("x\x1b[31m\udcff.py", "demo-1.0.1-py3-none-any.whl/x%1B%5B31m%5Cudcff.py"),
    ],
)
def test_hostile_member_paths_become_relative_uris_inside_the_artifact(member: str, expected: str) -> None:
    for pinned_at in (None, PinnedAt("requirements.txt", 1)):
        [reported] = run_of([malicious([finding(path=member)], pinned_at=pinned_at)])["results"]
        inside = reported["relatedLocations"][0] if pinned_at else reported["locations"][0]
        assert inside["physicalLocation"]["artifactLocation"]["uri"] == expected


@pytest.mark.parametrize("filename", ["", "/tmp/x/../demo.whl", "http:evil.whl", ".."])
def test_odd_artifact_names_still_give_relative_uris(filename: str) -> None:
    run_of([malicious([finding()], filename=filename, target=filename or "demo==1.0.1")])  # validate() checks uris


def test_fingerprint_is_stable_across_versions_and_names_the_project() -> None:
    old = malicious([finding()], name="Demo_Pkg", version="1.0.0", filename="demo_pkg-1.0.0-py3-none-any.whl")
    new = malicious([finding()], name="demo-pkg", version="1.0.1", filename="demo_pkg-1.0.1.tar.gz")
    other_project = malicious([finding()], name="other", version="1.0.1")
    other_evidence = malicious([finding(evidence="exec(other)")], name="demo-pkg")
    prints = [
        run_of([r])["results"][0]["partialFingerprints"]["interlock/v1"]
        for r in (old, new, other_project, other_evidence)
    ]
    assert prints[0] == prints[1]
    assert len(set(prints[1:])) == 3
    assert re.fullmatch(r"[0-9a-f]{64}", prints[0])


def test_fingerprint_ignores_line_moves_and_the_lockfile_line() -> None:
    first, second, pinned = (
        run_of([malicious([finding(line=line)], pinned_at=pin)])["results"][0]["partialFingerprints"]
        for line, pin in ((3, None), (300, None), (3, PinnedAt("uv.lock", 40)))
    )
    assert first == second == pinned


def test_run_properties_carry_every_verdict_including_clean() -> None:
    results = [
        malicious([finding(Severity.CRITICAL)], score=100, pinned_at=PinnedAt("requirements.txt", 1)),
        result([], Verdict.CLEAN, name="ok", version="2.0", filename="ok-2.0.tar.gz", score=0),
        result([], Verdict.ERROR, error="unreadable", filename="bad.zip"),
    ]
    verdicts = run_of(results)["properties"]["verdicts"]
    assert [(v["name"], v["verdict"], v["score"]) for v in verdicts] == [
        ("demo", "malicious", 100),
        ("ok", "clean", 0),
        ("demo", "error", 25),
    ]
    assert verdicts[1]["uri"] == "ok-2.0.tar.gz" and verdicts[0]["sha256"] == "0" * 64
    assert verdicts[0]["pinned_at"] == "requirements.txt:1" and "pinned_at" not in verdicts[1]
    assert verdicts[2]["error"] == "unreadable" and "error" not in verdicts[0]


def test_results_are_ordered_most_severe_first_within_an_artifact() -> None:
    findings = [
        finding(Severity.LOW, rule="process-spawn", line=1),
        finding(Severity.CRITICAL, rule="beacon", line=2),
        finding(Severity.MEDIUM, rule="dns-lookup", line=3),
    ]
    assert [r["ruleId"] for r in run_of([malicious(findings)])["results"]] == ["beacon", "dns-lookup", "process-spawn"]


def test_hostile_evidence_is_escaped_in_snippets() -> None:
    run = run_of([malicious([finding(evidence="x\x1b[2J\u202e" + "A" * 50_000)])])
    snippet = run["results"][0]["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
    assert snippet.startswith("x\\x1b[2J\\u202e")
    assert len(snippet) <= 1000


def test_an_audit_reports_the_trojaned_pin_at_its_lockfile_line_and_nothing_for_the_clean_one(
    served_demo: str, index: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from interlock.demo import build_demo_releases
    from interlock.demo.wheel import wheel_bytes, wheel_filename

    _, trojaned = build_demo_releases(tmp_path / "local")
    helper = wheel_bytes("helper", "2.0", {"helper/__init__.py": "def run():\n    return 1\n"})
    index.json_project("helper", {wheel_filename("helper", "2.0"): helper})
    monkeypatch.chdir(tmp_path)
    Path("requirements.txt").write_text(
        f"helper==2.0 --hash=sha256:{hashlib.sha256(helper).hexdigest()}\n"
        f"acme-greeter==1.0.1 --hash=sha256:{hashlib.sha256(trojaned.read_bytes()).hexdigest()}\n"
    )
    status, out, _ = run(capsys, "audit", "--index-url", served_demo, "--format", "sarif", "requirements.txt")
    assert status == 1
    log = json.loads(out)
    validate(log)
    [sarif_run] = log["runs"]
    assert sarif_run["results"], "the trojaned release must give results"
    for reported in sarif_run["results"]:
        assert reported["locations"][0]["physicalLocation"] == {
            "artifactLocation": {"uri": "requirements.txt"},
            "region": {"startLine": 2},
        }
        inside = reported["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert inside.startswith(trojaned.name)
    assert any(r["level"] == "error" for r in sarif_run["results"])
    places = [json.dumps(r["relatedLocations"][0]["physicalLocation"], sort_keys=True) for r in sarif_run["results"]]
    assert len(places) == len(set(places)), "one result per place"
    assert [v["name"] for v in sarif_run["properties"]["verdicts"]] == ["helper", "acme-greeter"]
    status, out, _ = run(
        capsys, "audit", "--index-url", served_demo, "--format", "sarif", "--sarif-all", "requirements.txt"
    )
    validate(json.loads(out))
