"""The verdict on a release: what its analysis concluded."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    CLEAN = "clean"
    SUSPICIOUS = "suspicious"
    MALICIOUS = "malicious"
    ERROR = "error"
    """Could not analyse: a gate treats it as a block (fail closed)."""

    @property
    def rank(self) -> int:
        return {Verdict.CLEAN: 0, Verdict.SUSPICIOUS: 1, Verdict.MALICIOUS: 2, Verdict.ERROR: 3}[self]
