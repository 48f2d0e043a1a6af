"""SARIF 2.1.0 as GitHub code scanning accepts it, checked against the spec's object definitions."""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from typing import Any

import pytest

from interlock.model.findings import Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.report import render
from interlock.ruleset import ALL_RULES, RULES_BY_ID
from tests.report_values import finding, result

# Property names each SARIF 2.1.0 object may have (from the schema), and those it must have.
ALLOWED = {
    "sarifLog": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
    "run": {
        "tool", "invocations", "conversion", "language", "versionControlProvenance", "originalUriBaseIds",
        "artifacts", "logicalLocations", "graphs", "results", "automationDetails", "runAggregates",
        "baselineGuid", "redactionTokens", "defaultEncoding", "defaultSourceLanguage", "newlineSequences",
        "columnKind", "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses",
        "translations", "policies", "webRequests", "webResponses", "specialLocations", "properties",
    },
    "tool": {"driver", "extensions", "properties"},
    "toolComponent": {
        "guid", "name", "organization", "product", "productSuite", "shortDescription", "fullDescription",
        "fullName", "version", "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri",
        "informationUri", "globalMessageStrings", "notifications", "rules", "taxa", "locations", "language",
        "contents", "isComprehensive", "localizedDataSemanticVersion",
        "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent", "translationMetadata",
        "supportedTaxonomies", "properties",
    },
    "reportingDescriptor": {
        "id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames", "shortDescription",
        "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help", "relationships",
        "properties",
    },
    "multiformatMessageString": {"text", "markdown", "properties"},
    "reportingConfiguration": {"enabled", "level", "rank", "parameters", "properties"},
    "result": {
        "ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget", "locations", "guid",
        "correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks", "codeFlows",
        "graphs", "graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank",
        "attachments", "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest",
        "webResponse", "properties",
    },
    "message": {"text", "markdown", "id", "arguments", "properties"},
    "location": {"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"},
    "physicalLocation": {"address", "artifactLocation", "region", "contextRegion", "properties"},
    "artifactLocation": {"uri", "uriBaseId", "index", "description", "properties"},
    "region": {
        "startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset",
        "byteLength", "snippet", "message", "sourceLanguage", "properties",
    },
    "artifactContent": {"text", "binary", "rendered", "properties"},
}  # fmt: skip
LEVELS = {"none", "note", "warning", "error"}
URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def check_object(kind: str, value: Any, required: tuple[str, ...] = ()) -> None:
    assert isinstance(value, dict), f"{kind} must be an object"
    unknown = set(value) - ALLOWED[kind]
    assert not unknown, f"{kind} has properties SARIF 2.1.0 does not define: {unknown}"
    for name in required:
        assert name in value, f"{kind} lacks required {name}"
    if "properties" in value:
        check_property_bag(value["properties"])


def check_property_bag(bag: Any) -> None:
    assert isinstance(bag, dict)
    if "tags" in bag:
        assert all(isinstance(tag, str) for tag in bag["tags"]) and len(set(bag["tags"])) == len(bag["tags"])


def check_text(kind: str, value: Any) -> None:
    check_object(kind, value, ("text",))
    assert isinstance(value["text"], str) and value["text"]


def check_uri(uri: Any) -> None:
    assert isinstance(uri, str) and uri
    assert URI_CHARS.match(uri), uri
    assert not SCHEME.match(uri), f"{uri} reads as an absolute URI"
    assert not uri.startswith("/"), uri
    assert ".." not in uri.split("/") and "." not in uri.split("/") and "" not in uri.split("/"), uri


def validate(log: Any) -> None:
    """Everything SARIF 2.1.0 requires of the objects Interlock emits, plus GitHub's own rules."""
    check_object("sarifLog", log, ("version", "runs"))
    assert log["version"] == "2.1.0"
    assert isinstance(log["runs"], list) and log["runs"]
    for run in log["runs"]:
        check_object("run", run, ("tool",))
        check_object("tool", run["tool"], ("driver",))
        driver = run["tool"]["driver"]
        check_object("toolComponent", driver, ("name",))
        rules = driver.get("rules", [])
        ids = [rule["id"] for rule in rules]
        assert len(ids) == len(set(ids)), "rule ids must be unique"
        for rule in rules:
            check_object("reportingDescriptor", rule, ("id",))
            assert isinstance(rule["id"], str) and rule["id"]
            for field in ("shortDescription", "fullDescription", "help"):
                if field in rule:
                    check_text("multiformatMessageString", rule[field])
            if "defaultConfiguration" in rule:
                check_object("reportingConfiguration", rule["defaultConfiguration"])
                assert rule["defaultConfiguration"].get("level", "warning") in LEVELS
            severity = rule.get("properties", {}).get("security-severity")
            if severity is not None:
                assert isinstance(severity, str) and 0.0 <= float(severity) <= 10.0
        assert run.get("columnKind", "unicodeCodePoints") in {"utf16CodeUnits", "unicodeCodePoints"}
        for reported in run.get("results", []):
            check_object("result", reported, ("message",))
            check_object("message", reported["message"])
            assert "text" in reported["message"], "GitHub requires message.text"
            assert reported.get("level", "warning") in LEVELS
            assert isinstance(reported["ruleId"], str), "GitHub requires ruleId"
            if "ruleIndex" in reported:
                assert rules[reported["ruleIndex"]]["id"] == reported["ruleId"]
            locations = reported["locations"]
            assert 1 <= len(locations) <= 10, "GitHub shows a result only with 1 to 10 locations"
            for location in locations:
                check_object("location", location)
                physical = location["physicalLocation"]
                check_object("physicalLocation", physical)
                assert "artifactLocation" in physical or "address" in physical
                check_object("artifactLocation", physical["artifactLocation"])
                check_uri(physical["artifactLocation"]["uri"])
                if "region" in physical:
                    region = physical["region"]
                    check_object("region", region, ("startLine",))
                    assert type(region["startLine"]) is int and region["startLine"] >= 1
                    if "snippet" in region:
                        check_object("artifactContent", region["snippet"])
            fingerprints = reported.get("partialFingerprints", {})
            assert all(isinstance(key, str) and isinstance(value, str) for key, value in fingerprints.items())


def sarif(results: list[ScanResult]) -> dict[str, Any]:
    log = json.loads(render(results, "sarif"))
    validate(log)
    return log


def run_of(results: list[ScanResult]) -> dict[str, Any]:
    return sarif(results)["runs"][0]


def test_log_header_and_driver() -> None:
    log = sarif([result([finding()])])
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
def test_levels_and_security_severity_follow_the_finding(
    severity: Severity, level: str, security_severity: str
) -> None:
    run = run_of([result([finding(severity)])])
    [sarif_result] = run["results"]
    [rule] = run["tool"]["driver"]["rules"]
    assert sarif_result["level"] == level
    assert rule["defaultConfiguration"]["level"] == level
    assert rule["properties"]["security-severity"] == security_severity
    assert rule["properties"]["tags"] == ["security"]


def test_one_descriptor_per_rule_that_appears_documented_from_the_rule_set() -> None:
    chosen = [rule for rule in ALL_RULES[:3]]
    findings = [finding(rule.severities[-1], rule=rule.id) for rule in chosen for _ in range(2)]
    run = run_of([result(findings)])
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
        [result([finding(Severity.LOW, rule="process-spawn"), finding(Severity.CRITICAL, rule="process-spawn")])]
    )
    [rule] = run["tool"]["driver"]["rules"]
    assert rule["properties"]["security-severity"] == "9.5"
    assert [r["level"] for r in run["results"]] == ["error", "note"]


def test_yara_and_unknown_rules_get_generic_descriptors() -> None:
    run = run_of([result([finding(rule="yara:Evil_Loader"), finding(rule="rule-from-an-old-cache")])])
    descriptors = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert "Evil_Loader" in descriptors["yara:Evil_Loader"]["shortDescription"]["text"]
    assert "YARA" in descriptors["yara:Evil_Loader"]["fullDescription"]["text"]
    assert descriptors["rule-from-an-old-cache"]["shortDescription"]["text"]
    assert descriptors["yara:Evil_Loader"]["name"] == "YaraEvilLoader"


def test_empty_rule_id_gets_a_placeholder() -> None:
    run = run_of([result([finding(rule="")])])
    assert run["results"][0]["ruleId"] == "unknown-rule"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["unknown-rule"]


def test_message_carries_finding_and_verdict_context() -> None:
    run = run_of([result([finding(message="posts ssh keys")], Verdict.MALICIOUS, score=100)])
    text = run["results"][0]["message"]["text"]
    assert text.startswith("posts ssh keys — ")
    assert "demo 1.0.1" in text and "malicious" in text and "100" in text


def test_location_is_member_inside_artifact_with_line_and_snippet() -> None:
    run = run_of([result([finding(path="pkg/sub/mod.py", line=42, evidence="eval(x)")])])
    physical = run["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "demo-1.0.1-py3-none-any.whl/pkg/sub/mod.py"
    assert physical["region"] == {"startLine": 42, "snippet": {"text": "eval(x)"}}


@pytest.mark.parametrize("line", [None, 0, -3, True])
def test_no_region_without_a_positive_line(line: object) -> None:
    run = run_of([result([finding(line=line)])])
    assert "region" not in run["results"][0]["locations"][0]["physicalLocation"]


def test_finding_on_the_whole_artifact_points_at_the_file() -> None:
    run = run_of([result([finding(path="", line=None)])])
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
    run = run_of([result([finding(path=member)])])
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == expected


@pytest.mark.parametrize("filename", ["", "/tmp/x/../demo.whl", "http:evil.whl", ".."])
def test_odd_artifact_names_still_give_relative_uris(filename: str) -> None:
    run_of([result([finding()], filename=filename, target=filename or "demo==1.0.1")])  # validate() checks every uri


def test_fingerprint_is_stable_across_versions_and_names_the_project() -> None:
    old = result([finding()], name="Demo_Pkg", version="1.0.0", filename="demo_pkg-1.0.0-py3-none-any.whl")
    new = result([finding()], name="demo-pkg", version="1.0.1", filename="demo_pkg-1.0.1.tar.gz")
    other_project = result([finding()], name="other", version="1.0.1")
    other_evidence = result([finding(evidence="exec(other)")], name="demo-pkg")
    prints = [
        run_of([r])["results"][0]["partialFingerprints"]["interlock/v1"]
        for r in (old, new, other_project, other_evidence)
    ]
    assert prints[0] == prints[1]
    assert len(set(prints[1:])) == 3
    assert re.fullmatch(r"[0-9a-f]{64}", prints[0])


def test_fingerprint_ignores_line_moves() -> None:
    first, second = (run_of([result([finding(line=line)])])["results"][0]["partialFingerprints"] for line in (3, 300))
    assert first == second


def test_error_results_are_reported_as_analysis_error() -> None:
    broken = result(
        [], Verdict.ERROR, filename="", name=None, version=None, sha256=None, target="gone==2.0", error="index said 404"
    )
    run = run_of([broken, result([], Verdict.CLEAN)])
    [error] = run["results"]
    assert error["ruleId"] == "analysis-error" and error["level"] == "error"
    assert "index said 404" in error["message"]["text"]
    assert error["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "gone==2.0"
    descriptor = run["tool"]["driver"]["rules"][error["ruleIndex"]]
    assert descriptor["id"] == "analysis-error" and descriptor["defaultConfiguration"]["level"] == "error"


def test_run_properties_carry_every_verdict_including_clean() -> None:
    results = [
        result([finding(Severity.CRITICAL)], Verdict.MALICIOUS, score=100),
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
    assert verdicts[2]["error"] == "unreadable" and "error" not in verdicts[0]


def test_results_are_ordered_most_severe_first_within_an_artifact() -> None:
    findings = [
        finding(Severity.LOW, rule="process-spawn"),
        finding(Severity.CRITICAL, rule="beacon"),
        finding(Severity.MEDIUM, rule="dns-lookup"),
    ]
    assert [r["ruleId"] for r in run_of([result(findings)])["results"]] == ["beacon", "dns-lookup", "process-spawn"]


def test_hostile_evidence_is_escaped_in_snippets() -> None:
    run = run_of([result([finding(evidence="x\x1b[2J\u202e" + "A" * 50_000)])])
    snippet = run["results"][0]["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
    assert snippet.startswith("x\\x1b[2J\\u202e")
    assert len(snippet) <= 1000
