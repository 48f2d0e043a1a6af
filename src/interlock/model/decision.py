"""The policy's decision on one release, as a value: its status and every reason for it.

`interlock.policy.evaluate` makes these; reports, caches and the gate read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from interlock.model.findings import Finding
from interlock.model.verdict import Verdict


class Status(StrEnum):
    """What a gate does with the release."""

    PASS = "pass"
    """Nothing in the policy stands in the way."""
    BLOCK = "block"
    """Denied, known-malicious, a verdict at or above fail-on, could not be analysed, or
    required provenance missing."""
    TOO_NEW = "too-new"
    """Only the cooldown stands in the way: the release may pass once it is old enough."""


class ReasonCode(StrEnum):
    """What kind of thing a reason is: a deny entry, an advisory, the verdict, the cooldown…"""

    DENIED = "denied"
    KNOWN_MALICIOUS = "known-malicious"
    VERDICT = "verdict"
    ERROR = "error"
    ALLOWED = "allowed"
    IGNORED = "ignored"
    PROVENANCE = "provenance"
    TOO_NEW = "too-new"
    COOLDOWN_UNCHECKED = "cooldown-unchecked"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Reason:
    """One thing the policy weighed, as a person reads it."""

    code: ReasonCode
    message: str
    """One line, citing the policy entry (`interlock.toml:12`) where one decided it."""
    blocks: bool
    """Whether this reason alone keeps the release out."""

    def to_json(self) -> dict[str, object]:
        return {"code": self.code.value, "message": self.message, "blocks": self.blocks}


@dataclass(frozen=True)
class Accepted:
    """A finding an `ignore` entry took out of the count: reviewed, and accepted as it is."""

    finding: Finding
    origin: str
    """Where the entry that accepted it is written, `interlock.toml:20`."""
    reason: str
    """The entry's reason, as the policy gives it."""

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.finding.rule,
            "path": self.finding.path,
            "line": self.finding.line,
            "origin": self.origin,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PolicyDecision:
    """The policy's answer for one scan result."""

    status: Status
    verdict: Verdict
    """The analysis verdict after ignore entries (`error` stays `error`)."""
    score: int
    """The score after ignore entries."""
    findings: tuple[Finding, ...]
    """The findings that still count (ignored ones removed)."""
    reasons: tuple[Reason, ...]
    """Everything the policy weighed, blocking reasons first."""
    age: timedelta | None = None
    """How old the release was at decision time; None when its upload time is unknown."""
    accepted: tuple[Accepted, ...] = ()
    """The findings ignore entries took out of the count, each with the entry that did."""

    @property
    def blocked(self) -> bool:
        """Whether a gate keeps the release out (`block` or `too-new`)."""
        return self.status is not Status.PASS

    @property
    def only_unanalysed(self) -> bool:
        """Blocked for no reason but that the release could not be analysed (exit status 3, not 1)."""
        return self.blocked and all(r.code is ReasonCode.ERROR for r in self.reasons if r.blocks)

    def to_json(self) -> dict[str, object]:
        """The policy's answer as the JSON report carries it (the findings are the result's own)."""
        data: dict[str, object] = {
            "status": self.status.value,
            "verdict": self.verdict.value,
            "reasons": [r.to_json() for r in self.reasons],
        }
        if self.age is not None:
            data["age_seconds"] = int(self.age.total_seconds())
        if self.accepted:
            data["accepted"] = [a.to_json() for a in self.accepted]
        return data
