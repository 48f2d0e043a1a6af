"""What a rule of the file analysis is: its declaration, and the check that makes its findings.

A rule is written in one place: `RULE = files_rule(...)` declares it (id, severities, description,
whether it is a threat), and `@checks(RULE)` on the function beside it registers its check. The
engine runs every registered check; `interlock.ruleset` lists every declared rule, of every stage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from interlock.analysis.evidence import Evidence
from interlock.analysis.facts import Fact
from interlock.model.findings import Finding, Severity
from interlock.model.rules import RuleInfo, Stage, declare

Check = Callable[[Evidence], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A declared rule and the check that makes its findings from the evidence."""

    info: RuleInfo
    check: Check

    @property
    def id(self) -> str:
        return self.info.id


_REGISTERED: list[Rule] = []


def files_rule(
    id: str,
    summary: str,
    severities: tuple[Severity, ...],
    description: str,
    *,
    threat: bool = False,
    limit: bool = False,
) -> RuleInfo:
    """Declare a rule about what the release's files do (see `RuleInfo` for the flags)."""
    return declare(id, summary, severities, description, Stage.FILES, threat=threat, limit=limit)


def checks(info: RuleInfo) -> Callable[[Check], Check]:
    """Register the decorated function as the check of the rule `info` declares."""

    def register(check: Check) -> Check:
        register_check(info, check)
        return check

    return register


def register_check(info: RuleInfo, check: Check) -> None:
    """Register `check` as the check of `info` (for rules made in a loop, one per kind)."""
    if any(rule.info.id == info.id for rule in _REGISTERED):
        raise ValueError(f"rule {info.id} has two checks")
    _REGISTERED.append(Rule(info, check))


def registered() -> tuple[Rule, ...]:
    """Every rule with a check, in the order their modules registered them."""
    return tuple(_REGISTERED)


def finding_from(rule: RuleInfo, severity: Severity, fact: Fact, message: str) -> Finding:
    """A finding of `rule` at the place, and with the evidence, of `fact`."""
    return rule.finding(severity, fact.path, fact.line, message, fact.snippet, fact.when.name.lower())


ANALYSIS_ERROR = files_rule(
    "analysis-error",
    "part of the analysis failed on this release",
    (Severity.HIGH,),
    "An extractor or a rule raised an error instead of answering, so the release was not judged completely. "
    "The verdict is `error`, which a gate blocks (fail closed): a release that can crash its judge must not "
    "pass it. The finding names the rule or file; the other rules' findings are still reported. Please report it.",
    limit=True,
)
