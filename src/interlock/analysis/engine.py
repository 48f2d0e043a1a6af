"""artifact → evidence → findings → verdict, for one artifact."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable

from interlock.analysis import roles
from interlock.analysis.entry_points import console_scripts
from interlock.analysis.evidence import Evidence
from interlock.analysis.facts import Fact, When
from interlock.analysis.findings import Finding
from interlock.analysis.pth import executable_lines
from interlock.analysis.parallel import Job, analyse_files
from interlock.analysis.python_source import SourceProblem, SourceReport, analyse_python
from interlock.analysis.result import ScanResult
from interlock.analysis.rules import ALL_RULES, RULESET_VERSION
from interlock.analysis.setup_script import install_hooks
from interlock.analysis.verdict import Verdict, decide
from interlock.analysis.yara_rules import YaraRules
from interlock.artifact.limits import DEFAULT_LIMITS, Deadline, LimitExceeded
from interlock.artifact.model import Artifact, ArtifactKind

MAX_FINDINGS_PER_RULE = 20
_RULE_RANK = {rule.id: rank for rank, rule in enumerate(ALL_RULES)}
_WHEN_RANK = {when.name.lower(): int(when) for when in When}
_METADATA_DIRS = (".dist-info", ".data", ".egg-info")


def scan_artifact(artifact: Artifact, target: str, yara: YaraRules | None = None, deadline: Deadline | None = None) -> ScanResult:
    """Analyse an artifact already read into memory. Never raises for hostile content."""
    started = time.monotonic()
    deadline = deadline or Deadline(DEFAULT_LIMITS.max_seconds)
    error = artifact.fatal
    findings: list[Finding] = []
    # Syntax trees hold no reference cycles; pausing the cycle collector while millions of nodes
    # are made and dropped roughly halves the time on large releases.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        evidence = gather_evidence(artifact, deadline)
        findings = apply_rules(evidence)
        if yara is not None:
            findings.extend(yara.scan(artifact, deadline))
    except LimitExceeded as exc:
        error = str(exc)
    finally:
        if gc_was_enabled:
            gc.enable()
    findings = _tidy(findings)
    verdict, score = decide(findings)
    if error:
        verdict = Verdict.ERROR
    return ScanResult(
        target=target,
        filename=artifact.filename,
        name=artifact.name,
        version=artifact.version,
        sha256=artifact.sha256,
        verdict=verdict,
        score=score,
        findings=findings,
        error=error,
        ruleset=RULESET_VERSION + (f"+yara:{yara.digest[:12]}" if yara else ""),
        seconds=time.monotonic() - started,
    )


def apply_rules(evidence: Evidence) -> list[Finding]:
    findings: list[Finding] = []
    for rule in ALL_RULES:
        findings.extend(rule.check(evidence))
    return findings


def gather_evidence(artifact: Artifact, deadline: Deadline) -> Evidence:
    evidence = Evidence(artifact)
    evidence.shipped_modules = _shipped_modules(artifact)
    evidence.console_scripts = console_scripts(artifact)
    backends = roles.build_backend_paths(artifact)

    startup_files = _read_pth_files(artifact, evidence, deadline)
    install_files: set[str] = set()
    jobs: list[Job] = []
    # setup.py and build backends first: modules they import from the sdist run at install too.
    ordered = sorted(artifact.members, key=lambda p: 0 if (p == "setup.py" or p in backends) else 1)
    for path in ordered:
        if not roles.is_python(path):
            continue
        member = artifact.members[path]
        role = roles.role_of(artifact, path, backends)
        when, everything_runs = role.when, role.everything_runs
        if path in startup_files:
            when = When.STARTUP
        elif path in install_files:
            when = max(when, When.INSTALL)
        if when is When.STARTUP and path not in evidence.startup_modules:
            evidence.startup_modules.append(path)
        if when is When.NEVER:
            continue
        if member.data is None:
            evidence.source_problems.append((path, SourceProblem("too-large", 1, f"{member.size} bytes: too large to analyse")))
            continue
        if when is When.INSTALL and everything_runs:
            deadline.check()
            report = analyse_python(path, member.data, when, everything_runs=True)
            _record(evidence, path, report)
            install_files.update(_local_module_files(artifact, report.local_imports))
            if artifact.kind in (ArtifactKind.SDIST, ArtifactKind.ZIP) and path == "setup.py":
                evidence.install_hooks.extend(install_hooks(path, artifact.text(path) or ""))
        else:
            jobs.append((path, when, everything_runs))
    for path, report in analyse_files(artifact, jobs, deadline):
        _record(evidence, path, report)
    return evidence


def _record(evidence: Evidence, path: str, report: SourceReport) -> None:
    evidence.facts.extend(report.facts)
    evidence.source_problems.extend((path, problem) for problem in report.problems)


def _read_pth_files(artifact: Artifact, evidence: Evidence, deadline: Deadline) -> set[str]:
    """Record executable .pth lines, analyse them as start-up code; return modules they run."""
    startup_files: set[str] = set()
    for path in artifact.members:
        if not roles.is_pth(artifact, path):
            continue
        deadline.check()
        text = artifact.text(path) or ""
        for line in executable_lines(text):
            evidence.pth_lines.append((path, line))
            report = analyse_python(path, line.code.encode("utf-8"), When.STARTUP, everything_runs=True)
            # Facts of a one-line program: place them on the .pth line they came from.
            evidence.facts.extend(_relocate(fact, line.line, line.code) for fact in report.facts)
            startup_files.update(_local_module_files(artifact, set(line.imports)))
    return startup_files


def _relocate(fact: Fact, line: int, code: str) -> Fact:
    snippet = code if len(code) <= 160 else code[:140] + " …"
    return Fact(fact.capability, fact.when, fact.path, line, snippet, fact.detail, fact.scope)


def _local_module_files(artifact: Artifact, modules: Iterable[str]) -> set[str]:
    files = set()
    for module in modules:
        path = roles.module_file(artifact, module)
        if path is not None:
            files.add(path)
    return files


def _shipped_modules(artifact: Artifact) -> set[str]:
    modules = set()
    for path in artifact.members:
        if "!/" in path:
            continue
        first = roles.install_path(artifact, path).split("/")[0]
        if first.endswith(_METADATA_DIRS) or first == "EGG-INFO":
            continue
        modules.add(first.removesuffix(".py") if first.endswith(".py") else first)
    return modules


def _tidy(findings: list[Finding]) -> list[Finding]:
    """Most severe first; one finding per rule and place; at most a screenful per rule."""
    seen: set[tuple[str, str, int | None]] = set()
    per_rule: dict[str, int] = {}
    tidy = []
    # Within a severity: code that runs earliest first (a .pth before an import-time module), then
    # threat rules before the capabilities they combine, since they explain more.
    def order(finding: Finding) -> tuple[int, int, int, str, int]:
        when = _WHEN_RANK.get(finding.when or "", 0)
        return (-finding.severity, -when, _RULE_RANK.get(finding.rule, len(_RULE_RANK)), finding.path, finding.line or 0)

    for finding in sorted(findings, key=order):
        key = (finding.rule, finding.path, finding.line)
        if key in seen:
            continue
        seen.add(key)
        per_rule[finding.rule] = per_rule.get(finding.rule, 0) + 1
        if per_rule[finding.rule] <= MAX_FINDINGS_PER_RULE:
            tidy.append(finding)
    return tidy
