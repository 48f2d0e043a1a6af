"""The rules of the file analysis: each module declares its rules beside their checks.

Importing this package registers them all. Their order is the order findings are shown in within
a severity and a time: the threats first, then the capabilities they combine, then the rest.
"""

from __future__ import annotations

from interlock.analysis.rules import capabilities, combinations, consistency, structure, typosquat
from interlock.analysis.rules.base import Rule, registered

_SHOWN_FIRST = (combinations, capabilities, structure, consistency, typosquat)
_RANK = {module.__name__: rank for rank, module in enumerate(_SHOWN_FIRST)}

FILE_RULES: tuple[Rule, ...] = tuple(sorted(registered(), key=lambda rule: _RANK[rule.check.__module__]))
"""Every rule with a check over the evidence, in the order above (within a module, as declared)."""

__all__ = ["FILE_RULES", "Rule"]
