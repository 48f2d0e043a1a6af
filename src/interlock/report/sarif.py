"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Code scanning turns every result into an alert someone must triage, so only releases that need
attention are reported: those judged suspicious, malicious or unanalysable, and those the policy
keeps out (`Formatter.everything`, `--sarif-all`, reports the rest too). Each such release gives
at most one result per place in it (a file and line; the most severe finding there leads, the
others are named), one `analysis-error` result when it could not be analysed (fail loud), and one
`policy-block` result when the policy keeps it out for something its findings do not show (a
deny entry, missing provenance, a cooldown).

A result is located where a reviewer can act: the lockfile line that pins the release, when an
audit knows it, with the place inside the artifact as a related location; otherwise that place
itself (`<artifact filename>/<member path>`). Levels follow the release as well as the finding:
`error` only for a malicious, unanalysable or denied release, `warning` at most for a suspicious
or too-new one, `note` at most for a clean one. Per-artifact verdicts ride along in the run's
property bag, since SARIF has no notion of a verdict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from packaging.utils import canonicalize_name

from interlock import __version__
from interlock.analysis.rules.base import ANALYSIS_ERROR
from interlock.model.decision import ReasonCode
from interlock.model.findings import Finding, Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.report.common import by_severity, display_name, positive_line, printable, shorten
from interlock.report.interface import Formatter
from interlock.ruleset import RULES_BY_ID

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
ANALYSIS_ERROR_RULE = ANALYSIS_ERROR.id
POLICY_BLOCK_RULE = "policy-block"
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
# Policy reasons that keep a release out whatever its analysis says, and how loudly each is reported.
_POLICY_BLOCKS = {
    ReasonCode.DENIED: Severity.HIGH,
    ReasonCode.PROVENANCE: Severity.HIGH,
    ReasonCode.TOO_NEW: Severity.MEDIUM,
}
# Reasons that make a release's findings as loud as a malicious one's: someone said it must not install.
_LOUD_BLOCKS = frozenset({ReasonCode.KNOWN_MALICIOUS, ReasonCode.DENIED, ReasonCode.PROVENANCE})
_FLAGGED = (Verdict.SUSPICIOUS, Verdict.MALICIOUS, Verdict.ERROR)
_SNIPPET_LIMIT = 1000
_URI_SAFE = "-._~!$&'()*+,;=@"
"""Path-segment characters left as they are; everything else (`:`, `%`, `#`, `?`, non-ASCII) is percent-encoded."""


class SarifFormatter(Formatter):
    """A SARIF 2.1.0 log with one run."""

    name = "sarif"

    def render(self, results: Sequence[ScanResult]) -> str:
        log = sarif_log(results, everything=self.everything)
        return json.dumps(log, indent=2, ensure_ascii=True, default=str) + "\n"


def sarif_log(results: Sequence[ScanResult], *, everything: bool = False) -> dict[str, object]:
    """The SARIF log as a JSON-ready dict: results for the releases that need attention (all with `everything`)."""
    sarif_results: list[dict[str, object]] = []
    # Rule id → the most severe level it reported in this run, which its descriptor advertises.
    worst: dict[str, Severity] = {}
    for result in results:
        if not (everything or needs_attention(result)):
            continue
        for rule_id, severity, sarif_result in _release_results(result):
            _note(worst, rule_id, severity)
            sarif_results.append(sarif_result)
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


def needs_attention(result: ScanResult) -> bool:
    """Whether a release is flagged (suspicious, malicious, unanalysable) or kept out by the policy."""
    return _verdict(result) in _FLAGGED or (result.decision is not None and result.decision.blocked)


def _release_results(result: ScanResult) -> list[tuple[str, Severity, dict[str, object]]]:
    """(rule id, severity as reported, SARIF result) for each result one release gives."""
    ceiling = _ceiling(result)
    reported: list[tuple[str, Severity, dict[str, object]]] = []
    if result.verdict is Verdict.ERROR:
        reported.append((ANALYSIS_ERROR_RULE, _ANALYSIS_ERROR_SEVERITY, _error_result(result)))
    for place in _places(_counted_findings(result)):
        lead = place[0]
        severity = min(lead.severity, ceiling)
        reported.append((_rule_id(lead), severity, _place_result(result, place, severity)))
    policy = _policy_result(result)
    if policy is not None:
        reported.append((POLICY_BLOCK_RULE, *policy))
    return reported


def _verdict(result: ScanResult) -> Verdict:
    """The verdict after the policy's ignore entries, when the policy was applied."""
    return result.decision.verdict if result.decision is not None else result.verdict


def _counted_findings(result: ScanResult) -> list[Finding]:
    """The findings that still count: those an ignore entry accepted are left out."""
    return list(result.decision.findings) if result.decision is not None else result.findings


def _ceiling(result: ScanResult) -> Severity:
    """The most severe a finding of this release may be reported as: its verdict bounds it."""
    verdict = _verdict(result)
    if verdict in (Verdict.MALICIOUS, Verdict.ERROR) or _blocked_for(result, _LOUD_BLOCKS):
        return Severity.CRITICAL
    if verdict is Verdict.SUSPICIOUS or (result.decision is not None and result.decision.blocked):
        return Severity.MEDIUM
    return Severity.LOW


def _blocked_for(result: ScanResult, codes: frozenset[ReasonCode]) -> bool:
    decision = result.decision
    return decision is not None and any(reason.blocks and reason.code in codes for reason in decision.reasons)


def _places(findings: list[Finding]) -> list[list[Finding]]:
    """Findings grouped by the place they point at (member path and line), most severe first in each."""
    places: dict[tuple[str, int | None], list[Finding]] = {}
    for finding in by_severity(findings):
        line = finding.line if positive_line(finding.line) else None
        places.setdefault((str(finding.path), line), []).append(finding)
    return list(places.values())


def _note(worst: dict[str, Severity], rule_id: str, severity: Severity) -> None:
    if rule_id not in worst or severity > worst[rule_id]:
        worst[rule_id] = severity


def _place_result(result: ScanResult, place: list[Finding], severity: Severity) -> dict[str, object]:
    lead = place[0]
    evidence = printable(lead.evidence).strip()
    member = _member_location(result, lead, evidence)
    message = printable(lead.message)
    others = list(dict.fromkeys(_rule_id(f) for f in place[1:]))
    if others:
        message += f" (also here: {', '.join(others)})"
    properties: dict[str, object] = {
        "severity": lead.severity.label,
        "verdict": _verdict(result).value,
        "target": printable(result.target),
        "evidence": shorten(evidence, _SNIPPET_LIMIT),
        "findings": len(place),
    }
    if lead.when:
        properties["when"] = printable(lead.when)
    sarif: dict[str, object] = {
        "ruleId": _rule_id(lead),
        "level": LEVELS[severity],
        "message": {"text": f"{message} — {_verdict_context(result)}"},
        **_locations(result, member, f"{printable(lead.path) or 'the artifact'} in {_artifact_name(result)}"),
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(result, lead)},
        "properties": properties,
    }
    if lead.new is not None:
        # In a diff: SARIF's own vocabulary for "did the previous release have this?"
        sarif["baselineState"] = "new" if lead.new else "unchanged"
    return sarif


def _member_location(result: ScanResult, finding: Finding, evidence: str) -> dict[str, object]:
    """The place inside the artifact: member path, and the line with its snippet when known."""
    physical: dict[str, object] = {"artifactLocation": {"uri": artifact_uri(result, finding.path)}}
    # GitHub rejects a region whose startLine is below 1, so findings without a line get none.
    if positive_line(finding.line):
        region: dict[str, object] = {"startLine": finding.line}
        if evidence:
            region["snippet"] = {"text": shorten(evidence, _SNIPPET_LIMIT)}
        physical["region"] = region
    return physical


def _locations(result: ScanResult, inside: dict[str, object], description: str) -> dict[str, object]:
    """`locations` (and `relatedLocations`): the lockfile line when known, else the place inside the artifact."""
    pinned = _pinned_location(result)
    if pinned is None:
        return {"locations": [{"physicalLocation": inside}]}
    return {
        "locations": [{"physicalLocation": pinned}],
        "relatedLocations": [{"id": 1, "physicalLocation": inside, "message": {"text": description}}],
    }


def _pinned_location(result: ScanResult) -> dict[str, object] | None:
    pinned = result.pinned_at
    if pinned is None or not pinned.file:
        return None
    physical: dict[str, object] = {"artifactLocation": {"uri": lockfile_uri(pinned.file)}}
    if positive_line(pinned.line):
        physical["region"] = {"startLine": pinned.line}
    return physical


def _error_result(result: ScanResult) -> dict[str, object]:
    reason = printable(result.error) or "no reason given"
    inside: dict[str, object] = {"artifactLocation": {"uri": artifact_uri(result, "")}}
    return {
        "ruleId": ANALYSIS_ERROR_RULE,
        "level": "error",
        "message": {
            "text": f"could not analyse {display_name(result)}: {reason} — treat as blocked until it can be analysed"
        },
        **_locations(result, inside, _artifact_name(result)),
        "partialFingerprints": {FINGERPRINT_KEY: _digest(ANALYSIS_ERROR_RULE, _project(result), reason)},
        "properties": {"verdict": result.verdict.value, "target": printable(result.target)},
    }


def _policy_result(result: ScanResult) -> tuple[Severity, dict[str, object]] | None:
    """A result for what keeps the release out beyond its findings (a deny entry, a cooldown), if anything."""
    decision = result.decision
    if decision is None or not decision.blocked:
        return None
    reasons = [reason for reason in decision.reasons if reason.blocks and reason.code in _POLICY_BLOCKS]
    if not reasons:
        return None
    severity = max(_POLICY_BLOCKS[reason.code] for reason in reasons)
    why = "; ".join(printable(reason.message) for reason in reasons)
    inside: dict[str, object] = {"artifactLocation": {"uri": artifact_uri(result, "")}}
    codes = sorted({reason.code.value for reason in reasons})
    return severity, {
        "ruleId": POLICY_BLOCK_RULE,
        "level": LEVELS[severity],
        "message": {"text": f"the policy keeps {display_name(result)} out: {why}"},
        **_locations(result, inside, _artifact_name(result)),
        "partialFingerprints": {FINGERPRINT_KEY: _digest(POLICY_BLOCK_RULE, _project(result), *codes)},
        "properties": {"verdict": _verdict(result).value, "target": printable(result.target), "reasons": codes},
    }


def _rule_id(finding: Finding) -> str:
    return str(finding.rule) or "unknown-rule"  # SARIF consumers need a non-empty id to group by


def _verdict_context(result: ScanResult) -> str:
    return f"{display_name(result)} is {_verdict(result).value} (score {result.score})"


def _artifact_name(result: ScanResult) -> str:
    return printable(_basename(result.filename) or _basename(result.target) or "the artifact")


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
    if result.pinned_at is not None:
        summary["pinned_at"] = printable(result.pinned_at.file) + (
            f":{result.pinned_at.line}" if result.pinned_at.line else ""
        )
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
    elif rule_id == POLICY_BLOCK_RULE:
        summary = "the policy keeps this release out"
        description = (
            "The policy in effect keeps this release out whatever its analysis found: a deny entry names it, "
            "provenance it requires is missing, or the release is younger than the cooldown."
        )
        help_text = f"{description}\n\nRun `interlock explain NAME==VERSION` to see every reason."
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
    return _relative_uri([artifact, *_segments(member)])


def lockfile_uri(file: str) -> str:
    """The lockfile as code scanning finds it: relative to the directory Interlock ran in (the
    repository's root in CI), or a `file:` URI when it lies outside."""
    path = Path(file)
    try:
        relative = (
            path.resolve().relative_to(Path.cwd().resolve()) if path.is_absolute() or ".." in path.parts else path
        )
    except (ValueError, OSError):
        return path.resolve().as_uri()
    return _relative_uri(_segments(relative.as_posix())) or "."


def _relative_uri(segments: list[str]) -> str:
    return "/".join(quote(segment, safe=_URI_SAFE, errors="backslashreplace") for segment in segments)


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
