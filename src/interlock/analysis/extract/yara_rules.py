"""User-supplied YARA rules (compiled with yara-x), run over every member's bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from interlock.analysis.rules.base import files_rule
from interlock.artifact.limits import Deadline
from interlock.artifact.model import Artifact
from interlock.model.findings import Finding, Severity

_SCAN_TIMEOUT_SECONDS = 5

YARA_ERROR = files_rule(
    "yara-error",
    "a user's YARA rule could not be run on a file",
    (Severity.LOW,),
    "The rules given with --yara-rules failed on this member (a scan timeout or an engine error): that member "
    "was not matched against them. Interlock's own analysis is unaffected.",
)


class YaraError(ValueError):
    """A rule file that does not compile; the message names the file and the error."""


class YaraRules:
    """All `.yar`/`.yara` files of a directory, compiled once.

    A rule's `severity` meta (info…critical, default high) and `description` meta shape its findings.
    """

    def __init__(self, directory: Path) -> None:
        import yara_x  # only with --yara-rules: every command declares this module's rule, few use YARA

        files = sorted(p for p in directory.rglob("*") if p.suffix in (".yar", ".yara") and p.is_file())
        if not files:
            raise YaraError(f"{directory}: no .yar or .yara files")
        compiler = yara_x.Compiler()
        digest = hashlib.sha256()
        for file in files:
            source = file.read_text(encoding="utf-8", errors="replace")
            digest.update(source.encode())
            try:
                compiler.add_source(source, origin=str(file))
            except yara_x.CompileError as exc:
                raise YaraError(f"{file}: {str(exc).strip().splitlines()[0]}") from None
        self.rules = compiler.build()
        self.digest = digest.hexdigest()
        self.count = len(files)

    def scan(self, artifact: Artifact, deadline: Deadline) -> list[Finding]:
        import yara_x

        scanner = yara_x.Scanner(self.rules)
        scanner.set_timeout(_SCAN_TIMEOUT_SECONDS)
        findings = []
        for path, member in artifact.members.items():
            if member.data is None:
                continue
            deadline.check()
            try:
                results = scanner.scan(member.data)
            except (yara_x.TimeoutError, yara_x.ScanError) as exc:
                findings.append(YARA_ERROR.finding(Severity.LOW, path, None, f"YARA scan failed: {exc}", ""))
                continue
            for rule in results.matching_rules:
                meta = dict(rule.metadata)
                findings.append(_finding(path, member.data, rule.identifier, meta, rule.patterns))
        return findings


def _finding(path: str, data: bytes, identifier: str, meta: dict[str, object], patterns: object) -> Finding:
    try:
        severity = Severity.parse(str(meta.get("severity", "high")))
    except ValueError:
        severity = Severity.HIGH
    line, evidence = None, ""
    for pattern in patterns:  # type: ignore[attr-defined]
        for match in pattern.matches:
            line = data.count(b"\n", 0, match.offset) + 1
            start = data.rfind(b"\n", 0, match.offset) + 1
            end = data.find(b"\n", match.offset)
            evidence = data[start : end if end >= 0 else len(data)][:160].decode("utf-8", errors="replace").strip()
            break
        if line is not None:
            break
    description = str(meta.get("description", f"matched YARA rule {identifier}"))
    return Finding(f"yara:{identifier}", severity, path, line, description, evidence)
