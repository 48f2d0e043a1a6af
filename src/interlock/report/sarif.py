"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

One result per finding, located at `<artifact filename>/<member path>`; one more, rule
`analysis-error`, for each artifact that could not be analysed (fail loud). Per-artifact
verdicts ride along in the run's property bag, since SARIF has no notion of a verdict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from urllib.parse import quote

from packaging.utils import canonicalize_name

from interlock import __version__
from interlock.model.findings import Finding, Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.report.common import by_severity, display_name, positive_line, printable, shorten
from interlock.report.interface import Formatter
from interlock.ruleset import RULES_BY_ID

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
ANALYSIS_ERROR_RULE = "analysis-error"
FINGERPRINT_KEY = "interlock/v1"

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub reads `security-severity` as a CVSS-like score in a string: 9 and up is critical,
# 7 to 8.9 high, 4 to 6.9 medium, below 4 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
# An artifact that cannot be read blocks a gate (fail closed), so it is reported as high.
_ANALYSIS_ERROR_SEVERITY = Severity.HIGH
_SNIPPET_LIMIT = 1000
_URI_SAFE = "-._~!$&'()*+,;=@"
"""Path-segment characters left as they are; everything else (`:`, `%`, `#`, `?`, non-ASCII) is percent-encoded."""


class SarifFormatter(Formatter):
    """A SARIF 2.1.0 log with one run."""

    name = "sarif"

    def render(self, results: Sequence[ScanResult]) -> str:
        return json.dumps(sarif_log(results), indent=2, ensure_ascii=True, default=str) + "\n"


def sarif_log(results: Sequence[ScanResult]) -> dict[str, object]:
    """The SARIF log as a JSON-ready dict."""
    sarif_results: list[dict[str, object]] = []
    # Rule id → the most severe level it reported in this run, which its descriptor advertises.
    worst: dict[str, Severity] = {}
    for result in results:
        if result.verdict is Verdict.ERROR:
            _note(worst, ANALYSIS_ERROR_RULE, _ANALYSIS_ERROR_SEVERITY)
            sarif_results.append(_error_result(result))
        for finding in by_severity(result.findings):
            _note(worst, _rule_id(finding), finding.severity)
            sarif_results.append(_finding_result(result, finding))
    rule_ids = sorted(worst)
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    for sarif_result in sarif_results:
        sarif_result["ruleIndex"] = index[str(sarif_result["ruleId"])]
    driver = {
        "name": "interlock",
        "version": __version__,
        "rules": [_descriptor(rule_id, worst[rule_id]) for rule_id in rule_ids],
    }
    run = {
        "tool": {"driver": driver},
        "results": sarif_results,
        "columnKind": "unicodeCodePoints",
        "properties": {"verdicts": [_verdict_summary(result) for result in results]},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _note(worst: dict[str, Severity], rule_id: str, severity: Severity) -> None:
    if rule_id not in worst or severity > worst[rule_id]:
        worst[rule_id] = severity


def _finding_result(result: ScanResult, finding: Finding) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": artifact_uri(result, finding.path)}}
    evidence = printable(finding.evidence).strip()
    # GitHub rejects a region whose startLine is below 1, so findings without a line get none.
    if positive_line(finding.line):
        region: dict[str, object] = {"startLine": finding.line}
        if evidence:
            region["snippet"] = {"text": shorten(evidence, _SNIPPET_LIMIT)}
        physical["region"] = region
    properties: dict[str, object] = {
        "severity": finding.severity.label,
        "verdict": result.verdict.value,
        "target": printable(result.target),
        "evidence": shorten(evidence, _SNIPPET_LIMIT),
    }
    if finding.when:
        properties["when"] = printable(finding.when)
    sarif: dict[str, object] = {
        "ruleId": _rule_id(finding),
        "level": LEVELS[finding.severity],
        "message": {"text": f"{printable(finding.message)} — {_verdict_context(result)}"},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(result, finding)},
        "properties": properties,
    }
    if finding.new is not None:
        # In a diff: SARIF's own vocabulary for "did the previous release have this?"
        sarif["baselineState"] = "new" if finding.new else "unchanged"
    return sarif


def _error_result(result: ScanResult) -> dict[str, object]:
    reason = printable(result.error) or "no reason given"
    return {
        "ruleId": ANALYSIS_ERROR_RULE,
        "level": "error",
        "message": {
            "text": f"could not analyse {display_name(result)}: {reason} — treat as blocked until it can be analysed"
        },
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(result, "")}}}],
        "partialFingerprints": {FINGERPRINT_KEY: _digest(ANALYSIS_ERROR_RULE, _project(result), reason)},
        "properties": {"verdict": result.verdict.value, "target": printable(result.target)},
    }


def _rule_id(finding: Finding) -> str:
    return str(finding.rule) or "unknown-rule"  # SARIF consumers need a non-empty id to group by


def _verdict_context(result: ScanResult) -> str:
    return f"{display_name(result)} is {result.verdict.value} (score {result.score})"


def _verdict_summary(result: ScanResult) -> dict[str, object]:
    summary: dict[str, object] = {
        "target": printable(result.target),
        "uri": artifact_uri(result, ""),
        "name": result.name,
        "version": result.version,
        "sha256": result.sha256,
        "verdict": result.verdict.value,
        "score": result.score,
        "findings": len(result.findings),
    }
    if result.error:
        summary["error"] = printable(result.error)
    return summary


def _descriptor(rule_id: str, severity: Severity) -> dict[str, object]:
    rule = RULES_BY_ID.get(rule_id)
    if rule is not None:
        summary, description = rule.summary, rule.description
        help_text = f"{description}\n\nRun `interlock rules {rule_id}` for details."
    elif rule_id == ANALYSIS_ERROR_RULE:
        summary = "the artifact could not be analysed"
        description = (
            "Interlock could not read or analyse this artifact (unreadable archive, limits exceeded, "
            "fetch failed). Nothing is known about what it does, so a gate blocks it (fail closed)."
        )
        help_text = description
    elif rule_id.startswith("yara:"):
        summary = f"matched the user-supplied YARA rule {rule_id[len('yara:') :]}"
        description = f"A YARA rule from the --yara-rules directory ({rule_id}) matched bytes in this file."
        help_text = f"{description} See that rule's source and metadata for what it looks for."
    else:
        # A rule id from a cached result of another rule-set version, for instance.
        summary = f"finding of rule {rule_id}"
        description = f"Interlock reported a finding of rule {rule_id}, which this version does not describe."
        help_text = description
    return {
        "id": rule_id,
        "name": _pascal_case(rule_id),
        "shortDescription": {"text": printable(summary) or rule_id},
        "fullDescription": {"text": printable(description) or rule_id},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": ["security"], "security-severity": SECURITY_SEVERITY[severity]},
    }


def _pascal_case(rule_id: str) -> str:
    words = "".join(char if char.isalnum() else " " for char in rule_id).split()
    return "".join(word[:1].upper() + word[1:] for word in words) or "Rule"


def artifact_uri(result: ScanResult, member: str) -> str:
    """A relative URI reference: the artifact's file name, then the member path inside it.

    Member paths come from the archive and may be hostile (`../../etc/passwd`, `C:\\x`, `/abs`):
    empty, `.` and `..` segments are dropped and every segment is percent-encoded, so the result is
    always relative, never climbs out, and never reads as a scheme.
    """
    artifact = _basename(result.filename) or _basename(result.target) or "artifact"
    return "/".join(
        quote(segment, safe=_URI_SAFE, errors="backslashreplace") for segment in [artifact, *_segments(member)]
    )


def _segments(path: str) -> list[str]:
    return [part for part in str(path).replace("\\", "/").split("/") if part not in ("", ".", "..")]


def _basename(target: str) -> str:
    parts = _segments(target)
    return parts[-1] if parts else ""


def _project(result: ScanResult) -> str:
    # The project name, not the file name, keeps fingerprints stable from one version to the next.
    if result.name:
        return canonicalize_name(result.name)
    return result.filename or result.target


def fingerprint(result: ScanResult, finding: Finding) -> str:
    """A stable identity for a finding across versions: rule, project, member path and evidence."""
    return _digest(str(finding.rule), _project(result), str(finding.path), str(finding.evidence))


def _digest(*parts: str) -> str:
    joined = "\x00".join(parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()
