"""The rules of the file analysis: each module declares its rules beside their checks.

Importing this package registers them all, in this order (threats before the capabilities they
combine, which is also the order findings are shown in within a severity).
"""

from __future__ import annotations

from interlock.analysis.rules import capabilities, combinations, consistency, structure, typosquat  # noqa: F401
from interlock.analysis.rules.base import Rule, registered

FILE_RULES: tuple[Rule, ...] = registered()
"""Every rule with a check over the evidence, in registration order."""

__all__ = ["FILE_RULES", "Rule"]
