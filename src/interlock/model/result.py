"""The outcome of scanning one artifact: a value that reports and caches are made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from interlock.model.decision import PolicyDecision
from interlock.model.findings import Finding, Severity
from interlock.model.verdict import Verdict


@dataclass(frozen=True)
class Previous:
    """The release a result was compared with."""

    label: str
    """What the user (or the history lookup) named: a path or NAME==VERSION."""
    filename: str
    version: str | None
    sha256: str | None
    established: bool = False
    """Public long enough to be the project's baseline: what it already did is not counted again,
    critical findings included (see `diff.compare`)."""

    def to_json(self) -> dict[str, object]:
        return {
            "target": self.label,
            "filename": self.filename,
            "version": self.version,
            "sha256": self.sha256,
            "established": self.established,
        }

    def counts(self, finding: Finding) -> bool:
        """Whether `finding` weighs in a verdict against this predecessor: new ones always; old ones
        only when critical and the predecessor is not established (it must not launder its successor)."""
        return finding.new is not False or (finding.severity is Severity.CRITICAL and not self.established)


@dataclass(frozen=True)
class Changes:
    """What changed between two releases, file by file (paths as installed, versions masked)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: int

    def to_json(self) -> dict[str, object]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": list(self.changed),
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class PinnedAt:
    """Where a lockfile pins a release: the line a reviewer would change."""

    file: str
    """The lockfile, as the user named it (or the file a `-r` include pulled in)."""
    line: int | None
    """1-based line of the pin, when the lockfile format gives one."""

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line}


@dataclass
class IndexRecord:
    """What the index says about a file it served: the signals a policy weighs beside the analysis."""

    url: str
    upload_time: str | None = None
    """ISO 8601, as the index gave it (PEP 700); None when the index does not say."""
    provenance: str | None = None
    """The PEP 740 provenance status: `verified`, `none`, `invalid`, `unverifiable`; None when it
    could not be checked."""
    publisher: str | None = None
    """Who published it, when provenance names a publisher (`GitHub owner/repo, workflow release.yml`)."""
    provenance_reason: str | None = None
    """What the provenance check found, in one line."""

    def to_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "upload_time": self.upload_time,
            "provenance": self.provenance,
            "publisher": self.publisher,
            "provenance_reason": self.provenance_reason,
        }


@dataclass
class ScanResult:
    target: str
    """What the user asked for: a path or NAME==VERSION."""
    filename: str
    name: str | None
    version: str | None
    sha256: str | None
    verdict: Verdict
    score: int
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    """Why the artifact could not be analysed (verdict `error`)."""
    ruleset: str = ""
    cached: bool = False
    seconds: float = 0.0
    previous: Previous | None = None
    """Set when judged against an earlier release (a diff, or a scan with history)."""
    changes: Changes | None = None
    history_note: str | None = None
    """Why a scan with history was judged alone (first release, index unreachable…)."""
    index: IndexRecord | None = None
    """What the index said about the file, when it was judged as an index file (not a local one)."""
    decision: PolicyDecision | None = None
    """How the policy weighed everything above (set by the scanner; not cached: it depends on the day)."""
    pinned_at: PinnedAt | None = None
    """Where a lockfile pins this release (set by an audit; not cached: another lockfile may pin it)."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "target": self.target,
            "filename": self.filename,
            "name": self.name,
            "version": self.version,
            "sha256": self.sha256,
            "verdict": self.verdict.value,
            "score": self.score,
            "findings": [f.to_json() for f in self.findings],
        }
        if self.error:
            data["error"] = self.error
        if self.previous is not None:
            data["previous"] = self.previous.to_json()
        if self.changes is not None:
            data["changes"] = self.changes.to_json()
        if self.history_note:
            data["history"] = self.history_note
        if self.index is not None:
            data["index"] = self.index.to_json()
        if self.decision is not None:
            data["policy"] = self.decision.to_json()
        if self.pinned_at is not None:
            data["pinned_at"] = self.pinned_at.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], target: str) -> ScanResult:
        """A result from the JSON `to_json` made, as the result cache keeps it. `index` and `decision`
        are not read back: the scanner sets them on every run."""
        findings = [
            Finding(
                rule=str(f["rule"]),
                severity=Severity.parse(str(f["severity"])),
                path=str(f["path"]),
                line=f["line"] if isinstance(f["line"], int) else None,
                message=str(f["message"]),
                evidence=str(f["evidence"]),
                when=str(f["when"]) if f.get("when") else None,
                new=f["new"] if isinstance(f.get("new"), bool) else None,
                context=tuple(str(line) for line in f.get("diff", ())),
            )
            for f in data["findings"]
        ]
        return cls(
            target=target,
            filename=str(data["filename"]),
            name=data["name"] if isinstance(data["name"], str) else None,
            version=data["version"] if isinstance(data["version"], str) else None,
            sha256=data["sha256"] if isinstance(data["sha256"], str) else None,
            verdict=Verdict(str(data["verdict"])),
            score=int(data["score"]),
            findings=findings,
            error=data.get("error") if isinstance(data.get("error"), str) else None,
            previous=_previous_from_json(data.get("previous")),
            changes=_changes_from_json(data.get("changes")),
            history_note=data.get("history") if isinstance(data.get("history"), str) else None,
        )


def _previous_from_json(data: object) -> Previous | None:
    if not isinstance(data, dict):
        return None
    return Previous(
        str(data["target"]),
        str(data["filename"]),
        data.get("version"),
        data.get("sha256"),
        bool(data.get("established", False)),
    )


def _changes_from_json(data: object) -> Changes | None:
    if not isinstance(data, dict):
        return None
    return Changes(tuple(data["added"]), tuple(data["removed"]), tuple(data["changed"]), int(data["unchanged"]))
