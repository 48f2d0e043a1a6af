"""What a rule is: a stable id, documentation, and a check over the evidence."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from interlock.analysis.evidence import Evidence
from interlock.analysis.facts import Fact
from interlock.model.findings import Finding, Severity


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    """One line for `interlock rules`."""
    severities: tuple[Severity, ...]
    """The severities this rule can report, lowest first (it depends on when the code runs)."""
    description: str
    """What it looks for, why it matters, and what a benign match looks like."""
    check: Callable[[Evidence], Iterable[Finding]]


def finding_from(rule_id: str, severity: Severity, fact: Fact, message: str) -> Finding:
    return Finding(rule_id, severity, fact.path, fact.line, message, fact.snippet, fact.when.name.lower())
