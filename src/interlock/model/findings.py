"""Findings: what a rule concluded, with the evidence a person needs to check it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; expected one of {', '.join(s.label for s in cls)}") from None


@dataclass(frozen=True)
class Finding:
    rule: str
    """Stable rule id, e.g. `decoded-exec`."""
    severity: Severity
    path: str
    """Member path inside the artifact ('' for the artifact as a whole)."""
    line: int | None
    message: str
    """One line: what was found and why it matters."""
    evidence: str
    """The offending source line or value, trimmed."""
    when: str | None = None
    """When the code runs (`install`, `startup`, `import`, `call`), for findings about code."""
    new: bool | None = None
    """In a diff: whether the previous release lacked this finding (None outside a diff)."""
    context: tuple[str, ...] = ()
    """In a diff: the change around the line, review style (`+ added`, `  unchanged`)."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.label,
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "evidence": self.evidence,
        }
        if self.when:
            data["when"] = self.when
        if self.new is not None:
            data["new"] = self.new
        if self.context:
            data["diff"] = list(self.context)
        return data
