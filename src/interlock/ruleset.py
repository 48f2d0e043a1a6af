"""Every rule of every stage, and the rule-set version.

Each stage declares its rules where it makes their findings; importing the stages here collects
them all, for `interlock rules`, the policy's checks of rule ids and the reports' rule metadata.
"""

from __future__ import annotations

import interlock.analysis.extract.yara_rules
import interlock.analysis.rules
import interlock.diff.metadata
import interlock.diff.novelty
import interlock.index.provenance.rules
import interlock.intel.advisory_rules  # noqa: F401 - advisories
from interlock.model.rules import RuleInfo, Stage, declared
from interlock.model.version import ruleset_version

_STAGES = list(Stage)
ALL_RULES: tuple[RuleInfo, ...] = tuple(sorted(declared(), key=lambda rule: _STAGES.index(rule.stage)))
"""Every rule, the file analysis's first (in the order findings are shown), then the other stages'."""
RULES_BY_ID: dict[str, RuleInfo] = {rule.id: rule for rule in ALL_RULES}
RULESET_VERSION: str = ruleset_version()
"""A digest of the sources that decide verdicts: cached results never outlive a change to them."""

__all__ = ["ALL_RULES", "RULESET_VERSION", "RULES_BY_ID", "RuleInfo"]
