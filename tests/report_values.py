"""Finding and ScanResult values for the report tests: one realistic default, changed per test."""

from __future__ import annotations

from interlock.model.findings import Finding, Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict


def finding(severity: Severity = Severity.HIGH, **changes: object) -> Finding:
    values: dict[str, object] = {
        "rule": "decoded-exec",
        "severity": severity,
        "path": "pkg/__init__.py",
        "line": 3,
        "message": "executes decoded data at import",
        "evidence": "exec(base64.b64decode(blob))",
        "when": "import",
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def result(findings: list[Finding], verdict: Verdict = Verdict.SUSPICIOUS, **changes: object) -> ScanResult:
    values: dict[str, object] = {
        "target": "demo==1.0.1",
        "filename": "demo-1.0.1-py3-none-any.whl",
        "name": "demo",
        "version": "1.0.1",
        "sha256": "0" * 64,
        "verdict": verdict,
        "score": 25,
        "findings": findings,
    }
    values.update(changes)
    return ScanResult(**values)  # type: ignore[arg-type]
