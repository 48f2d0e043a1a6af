"""The rule set: every rule Interlock applies, by stable id."""

from __future__ import annotations

from interlock.analysis.rules import capabilities, combinations, consistency, intel, provenance, structure, typosquat
from interlock.analysis.rules.base import Rule

RULESET_VERSION = "2026.11.29.9"
"""Bump on any change that can alter a verdict: cached results are keyed by it."""

from interlock.diff import metadata as history  # noqa: E402 - rules over two releases' metadata

ALL_RULES: tuple[Rule, ...] = (
    *combinations.RULES,
    *capabilities.RULES,
    *structure.RULES,
    *consistency.RULES,
    *typosquat.RULES,
    *provenance.RULES,
    *history.RULES,
    *intel.RULES,
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULESET_VERSION", "RULES_BY_ID", "Rule"]
