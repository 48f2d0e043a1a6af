"""Rule typosquat: a project whose name imitates a popular project's name."""

from __future__ import annotations

from collections.abc import Iterable

from interlock.analysis.evidence import Evidence
from interlock.analysis.findings import Finding, Severity
from interlock.analysis.rules.base import Rule
from interlock.intel.typosquat import SquatMatch

RULE_ID = "typosquat"


def _check(evidence: Evidence) -> Iterable[Finding]:
    # Raised from index and metadata signals (the project's name against the popular-name list,
    # see squat_finding), not from the artifact's code: nothing to look for in the files.
    return ()


RULE = Rule(
    RULE_ID,
    "project name imitates a popular project's name",
    (Severity.HIGH,),
    "The project's name is a near miss of one of the most downloaded projects: different separators, "
    "lookalike letters (Unicode or 0/o, 1/l, rn/m), a deceptive affix (python-, py, -dev, -sdk, -api, 2), "
    "swapped, doubled or dropped letters, or a small edit scaled to the name's length. Squats wait for a "
    "typing slip or a copied requirement. Benign matches: a genuine small project that happens to sit one "
    "letter from a popular one; check its maintainers and history before trusting it.",
    _check,
)
RULES = [RULE]


def squat_finding(match: SquatMatch) -> Finding:
    """The finding for a project whose name imitates a popular one (about the project, not a file)."""
    return Finding(
        RULE_ID,
        Severity.HIGH,
        "",
        None,
        f"name imitates a popular project ({match.technique}): {match.explanation}",
        f"{match.name} ~ {match.imitates}",
    )
