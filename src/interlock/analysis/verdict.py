"""Turning findings into a verdict: the policy in one place."""

from __future__ import annotations

from collections.abc import Iterable

import interlock.analysis.rules  # noqa: F401 - declares the rules whose flags are read below
from interlock.model.findings import Finding, Severity
from interlock.model.rules import declared
from interlock.model.verdict import Verdict

WEIGHTS = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 5, Severity.HIGH: 25, Severity.CRITICAL: 100}
# Medium findings from this many different rules together make a release suspicious.
_MEDIUM_RULES_FOR_SUSPICIOUS = 3
# Findings that say what could not be analysed, not what the code does: reported, never counted
# towards that corroboration (a 400,000-token generated client says nothing about intent).
LIMIT_RULES = frozenset(rule.id for rule in declared() if rule.limit)
# High findings from two different threat rules corroborate each other: malicious.
THREAT_RULES = frozenset(rule.id for rule in declared() if rule.threat)


# The score bands each verdict keeps to, so that a score never contradicts its verdict (a clean
# release with forty medium findings from two rules is not "score 100").
_BANDS = {Verdict.CLEAN: (0, 29), Verdict.SUSPICIOUS: (30, 69), Verdict.MALICIOUS: (70, 100)}


def decide(findings: Iterable[Finding]) -> tuple[Verdict, int]:
    """Verdict and a 0–100 score. Any critical finding, or high findings from two different threat
    rules, is malicious; any high finding, or medium findings from three rules, is suspicious. The
    score is the findings' weight, kept within the verdict's band (clean 0–29, suspicious 30–69,
    malicious 70–100)."""
    findings = list(findings)
    verdict = _verdict(findings)
    low, high = _BANDS[verdict]
    return verdict, max(low, min(high, sum(WEIGHTS[f.severity] for f in findings)))


def _verdict(findings: list[Finding]) -> Verdict:
    if any(f.severity is Severity.CRITICAL for f in findings):
        return Verdict.MALICIOUS
    if len({f.rule for f in findings if f.severity is Severity.HIGH and f.rule in THREAT_RULES}) >= 2:
        return Verdict.MALICIOUS
    if any(f.severity is Severity.HIGH for f in findings) or len(_corroborating_rules(findings)) >= (
        _MEDIUM_RULES_FOR_SUSPICIOUS
    ):
        return Verdict.SUSPICIOUS
    return Verdict.CLEAN


def _corroborating_rules(findings: list[Finding]) -> set[str]:
    """The rules of the medium findings, one per place: two rules describing the same line (a shell
    download that is also a download-and-run) are one observation, not two that corroborate."""
    rules: set[str] = set()
    places: set[tuple[str, int]] = set()
    for finding in findings:
        if finding.severity is not Severity.MEDIUM or finding.rule in LIMIT_RULES:
            continue
        if finding.path and finding.line is not None:
            place = (finding.path, finding.line)
            if place in places:
                continue
            places.add(place)
        rules.add(finding.rule)
    return rules
