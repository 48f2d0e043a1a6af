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


def decide(findings: Iterable[Finding]) -> tuple[Verdict, int]:
    """Verdict and a 0–100 score. Any critical finding, or high findings from two different threat
    rules, is malicious; any high finding, or medium findings from three rules, is suspicious."""
    findings = list(findings)
    score = min(100, sum(WEIGHTS[f.severity] for f in findings))
    if any(f.severity is Severity.CRITICAL for f in findings):
        return Verdict.MALICIOUS, score
    if len({f.rule for f in findings if f.severity is Severity.HIGH and f.rule in THREAT_RULES}) >= 2:
        return Verdict.MALICIOUS, score
    medium_rules = {f.rule for f in findings if f.severity is Severity.MEDIUM} - LIMIT_RULES
    if any(f.severity is Severity.HIGH for f in findings) or len(medium_rules) >= _MEDIUM_RULES_FOR_SUSPICIOUS:
        return Verdict.SUSPICIOUS, score
    return Verdict.CLEAN, score
