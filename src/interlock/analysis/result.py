"""The outcome of scanning one artifact: a value that reports and caches are made of."""

from __future__ import annotations

from dataclasses import dataclass, field

from interlock.analysis.findings import Finding, Severity
from interlock.analysis.verdict import Verdict


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
        return data

    @classmethod
    def from_json(cls, data: dict[str, object], target: str) -> ScanResult:
        findings = [
            Finding(
                rule=str(f["rule"]),
                severity=Severity.parse(str(f["severity"])),
                path=str(f["path"]),
                line=f["line"] if isinstance(f["line"], int) else None,
                message=str(f["message"]),
                evidence=str(f["evidence"]),
                when=str(f["when"]) if f.get("when") else None,  # type: ignore[union-attr]
            )
            for f in data["findings"]  # type: ignore[union-attr]
        ]
        return cls(
            target=target,
            filename=str(data["filename"]),
            name=data["name"] if isinstance(data["name"], str) else None,
            version=data["version"] if isinstance(data["version"], str) else None,
            sha256=data["sha256"] if isinstance(data["sha256"], str) else None,
            verdict=Verdict(str(data["verdict"])),
            score=int(data["score"]),  # type: ignore[arg-type]
            findings=findings,
            error=data.get("error") if isinstance(data.get("error"), str) else None,  # type: ignore[arg-type]
        )
