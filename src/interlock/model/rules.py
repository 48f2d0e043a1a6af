"""What a rule is, as every stage declares it: a stable id, its severities, and what it means.

A rule is declared once, where its findings are made (the file analysis in `analysis/rules/`, the
history stage in `diff/`, provenance in `index/provenance/`, advisories in `intel/`), with
`declare(...)`. The declaration is the rule's id constant: code compares `finding.rule` with
`RULE.id` and makes findings with `RULE.finding(...)`, never with a typed string. `interlock.ruleset`
imports every stage and lists what was declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from interlock.model.findings import Finding, Severity


class Stage(StrEnum):
    """Which part of the pipeline makes a rule's findings."""

    FILES = "files"
    """Reading the release's own files (the analysis engine)."""
    HISTORY = "history"
    """Comparing the release with the one before it, or its wheel with its sdist."""
    PROVENANCE = "provenance"
    """The index's PEP 740 provenance for the file, against earlier releases'."""
    INTEL = "intel"
    """Published advisories and the names of popular projects."""


@dataclass(frozen=True)
class RuleInfo:
    """One rule's declaration: everything `interlock rules` shows and the verdict needs."""

    id: str
    """Stable id, e.g. `decoded-exec`: what policies ignore and reports cite."""
    summary: str
    """One line for `interlock rules`."""
    severities: tuple[Severity, ...]
    """Every severity the rule can report, lowest first."""
    description: str
    """What it looks for, why it matters, and what a benign match looks like."""
    stage: Stage
    threat: bool = False
    """High findings of two different threat rules corroborate each other: malicious."""
    limit: bool = False
    """Says what could not be analysed, not what the code does: never counted as corroboration."""

    def finding(
        self, severity: Severity, path: str, line: int | None, message: str, evidence: str, when: str | None = None
    ) -> Finding:
        """A finding of this rule; a severity the declaration does not list is a programming error."""
        if severity not in self.severities:
            raise ValueError(f"rule {self.id} does not report {severity.label} (declared: {self.severities})")
        return Finding(self.id, severity, path, line, message, evidence, when)


_DECLARED: dict[str, RuleInfo] = {}


def declare(
    id: str,
    summary: str,
    severities: tuple[Severity, ...],
    description: str,
    stage: Stage,
    *,
    threat: bool = False,
    limit: bool = False,
) -> RuleInfo:
    """Declare a rule (once per id, at import of the module that makes its findings)."""
    if id in _DECLARED:
        raise ValueError(f"rule {id} is declared twice")
    info = RuleInfo(id, summary, tuple(sorted(set(severities))), description, stage, threat, limit)
    _DECLARED[id] = info
    return info


def declared() -> tuple[RuleInfo, ...]:
    """Every rule declared so far, in declaration order (import `interlock.ruleset` for all of them)."""
    return tuple(_DECLARED.values())
