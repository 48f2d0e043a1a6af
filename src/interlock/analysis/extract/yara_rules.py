"""User-supplied YARA rules (compiled with yara-x), run over every member's bytes.

A member too large to keep whole is matched on what the reader kept of it instead (a text file's
excerpt: its lines, comment lines emptied and giant lines cut to their ends; a pickle's opcodes with
long arguments cut); one of which nothing is kept (a large native library) cannot be matched, and
the release says so in one finding rather than in silence.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from pathlib import Path

from interlock.analysis.rules.base import files_rule
from interlock.artifact.limits import Deadline, describe_size
from interlock.artifact.model import Artifact, Member
from interlock.model.findings import Finding, Severity

_SCAN_TIMEOUT_SECONDS = 5

YARA_ERROR = files_rule(
    "yara-error",
    "a user's YARA rule could not be run on a file",
    (Severity.LOW,),
    "The rules given with --yara-rules failed on this member (a scan timeout or an engine error), or members "
    "too large to keep in memory, of which no excerpt is kept either (large native libraries and data), "
    "could not be given to them: those members were not matched. Interlock's own analysis is unaffected.",
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
        findings = []
        unread: list[Member] = []
        for path, member in artifact.members.items():
            content = member.readable
            if content is None:
                unread.append(member)
                continue
            deadline.reading(path)
            deadline.check()
            # A scan cannot be interrupted: it gets no more than the time left (yara-x counts whole seconds).
            scanner.set_timeout(max(1, min(_SCAN_TIMEOUT_SECONDS, math.ceil(deadline.remaining()))))
            try:
                results = scanner.scan(content)
            except (yara_x.TimeoutError, yara_x.ScanError) as exc:
                findings.append(YARA_ERROR.finding(Severity.LOW, path, None, f"YARA scan failed: {exc}", ""))
                continue
            for rule in results.matching_rules:
                meta = dict(rule.metadata)
                finding = _finding(path, content, rule.identifier, meta, rule.patterns)
                if member.data is None:
                    finding = dataclasses.replace(finding, message=f"{finding.message} {_IN_EXCERPT}")
                findings.append(finding)
        if unread:
            findings.append(_not_matched(unread))
        return findings


_IN_EXCERPT = "(matched in what is kept of a file too large to keep whole)"


def _not_matched(members: list[Member]) -> Finding:
    """One finding for every member the rules could not be given, named by the largest."""
    largest = max(members, key=lambda member: member.size)
    others = f" and {len(members) - 1} other member(s)" if len(members) > 1 else ""
    message = (
        f"{largest.path} ({describe_size(largest.size)}){others} too large to keep in memory, with no excerpt "
        "kept: not matched against the YARA rules"
    )
    return YARA_ERROR.finding(Severity.LOW, largest.path, None, message, largest.path)


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
