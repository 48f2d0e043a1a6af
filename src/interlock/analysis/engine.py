"""artifact → evidence → findings → verdict, for one artifact."""

from __future__ import annotations

import configparser
import dataclasses
import gc
import time
from collections.abc import Iterable
from dataclasses import dataclass

from interlock.analysis.evidence import Evidence, Failure
from interlock.analysis.extract import patterns, roles
from interlock.analysis.extract.entry_points import console_scripts
from interlock.analysis.extract.import_graph import ModuleIndex, follow_ups
from interlock.analysis.extract.pth import executable_lines
from interlock.analysis.extract.python.reader import analyse_python
from interlock.analysis.extract.python.report import FAILED, SourceProblem, SourceReport
from interlock.analysis.extract.setup_script import install_hooks
from interlock.analysis.extract.shell_scripts import is_shell_script, shell_script_facts, started_at
from interlock.analysis.extract.yara_rules import YaraRules
from interlock.analysis.facts import Fact, When
from interlock.analysis.parallel import Job, analyse_files
from interlock.analysis.report_store import ReportStore, report_key
from interlock.analysis.rules import FILE_RULES
from interlock.analysis.rules.base import ANALYSIS_ERROR
from interlock.analysis.verdict import decide
from interlock.artifact.limits import DEFAULT_LIMITS, MAX_FINDINGS_PER_RULE, Deadline, LimitExceeded
from interlock.artifact.model import Artifact, ArtifactKind, Member, ProblemKind
from interlock.model.findings import Finding, Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.model.version import analyser_version, ruleset_version

_RULE_RANK = {rule.id: rank for rank, rule in enumerate(FILE_RULES)}
_WHEN_RANK = {when.name.lower(): int(when) for when in When}
_METADATA_DIRS = (".dist-info", ".data", ".egg-info")


@dataclass
class Analysis:
    """Everything known about one artifact before findings are tidied for a report."""

    evidence: Evidence
    findings: list[Finding]
    """Every finding of every rule, untidied (a diff compares these)."""
    error: str | None
    seconds: float


def analyse(
    artifact: Artifact,
    yara: YaraRules | None = None,
    deadline: Deadline | None = None,
    facts: ReportStore | None = None,
) -> Analysis:
    """Evidence and raw findings for an artifact already read into memory. Never raises for hostile content."""
    started = time.monotonic()
    deadline = deadline or DEFAULT_LIMITS.deadline()
    deadline.allow_for(source_bytes(artifact))
    error = artifact.fatal
    evidence = Evidence(artifact, deadline)
    findings: list[Finding] = []
    # Syntax trees hold no reference cycles; pausing the cycle collector while millions of nodes
    # are made and dropped roughly halves the time on large releases.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        evidence = gather_evidence(artifact, deadline, facts)
        findings = apply_rules(evidence)
        if yara is not None:
            findings.extend(yara.scan(artifact, deadline))
    except LimitExceeded as exc:
        error = error or str(exc)  # a read that stopped short is the cause; what failed after it, its effect
    except Exception as exc:
        evidence.failures.append(Failure("the analysis", "", _describe(exc)))
    finally:
        if gc_was_enabled:
            gc.enable()
    if evidence.failures:
        findings.extend(_failure_finding(failure) for failure in evidence.failures)
        error = error or _failures_summary(evidence.failures)
    return Analysis(evidence, findings, error, time.monotonic() - started)


def scan_artifact(
    artifact: Artifact,
    target: str,
    yara: YaraRules | None = None,
    deadline: Deadline | None = None,
    facts: ReportStore | None = None,
) -> ScanResult:
    """Analyse an artifact already read into memory. Never raises for hostile content."""
    analysis = analyse(artifact, yara, deadline, facts)
    return result_of(artifact, target, tidy(analysis.findings), analysis.error, ruleset_of(yara), analysis.seconds)


def source_bytes(artifact: Artifact) -> int:
    """The Python source (and .pth lines) the analysis reads: what its time budget grows with."""
    return sum(
        len(member.readable or b"")
        for path, member in artifact.members.items()
        if roles.is_python(path) or roles.is_pth(artifact, path) or roles.is_python_script(artifact, path)
    )


def ruleset_of(yara: YaraRules | None) -> str:
    """The version results are cached under: the rule set's, and the user's YARA rules'."""
    return ruleset_version() + (f"+yara:{yara.digest[:12]}" if yara else "")


def result_of(
    artifact: Artifact, target: str, findings: list[Finding], error: str | None, ruleset: str, seconds: float
) -> ScanResult:
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
        ruleset=ruleset,
        seconds=seconds,
    )


def apply_rules(evidence: Evidence) -> list[Finding]:
    """Every rule's findings. A rule that fails is recorded in `evidence.failures` (the verdict is
    then `error`, which a gate blocks); the other rules' findings still stand."""
    findings: list[Finding] = []
    for rule in FILE_RULES:
        evidence.deadline.doing(f"applying rule {rule.id}")
        evidence.deadline.check()
        try:
            findings.extend(rule.check(evidence))
        except LimitExceeded:
            raise
        except Exception as exc:
            evidence.failures.append(Failure(f"rule {rule.id}", "", _describe(exc)))
    return findings


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _failure_finding(failure: Failure) -> Finding:
    where = f" on {failure.path}" if failure.path else ""
    message = f"{failure.stage} failed{where} ({failure.detail}): the release could not be judged completely"
    return ANALYSIS_ERROR.finding(Severity.HIGH, failure.path, None, message, failure.detail)


def _failures_summary(failures: list[Failure]) -> str:
    first = failures[0]
    where = f" on {first.path}" if first.path else ""
    more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
    return f"analysis failed: {first.stage}{where}: {first.detail}{more}"


def gather_evidence(artifact: Artifact, deadline: Deadline, facts: ReportStore | None = None) -> Evidence:
    evidence = Evidence(artifact, deadline)
    evidence.shipped_modules = shipped_modules(artifact)
    evidence.console_scripts = console_scripts(artifact)
    startup_files = _read_pth_files(artifact, evidence, deadline)
    install_scripts, install_imports, install_calls = _analyse_install_scripts(artifact, evidence, deadline)

    backends = roles.build_backend_paths(artifact)
    jobs: list[Job] = []
    for path, member in artifact.members.items():
        if not (roles.is_python(path) or roles.is_python_script(artifact, path)) or path in install_scripts:
            continue
        role = roles.role_of(artifact, path, backends)
        when = role.when
        if path in startup_files:
            when = When.STARTUP
            evidence.startup_modules.append(path)
        elif path in install_imports:
            when = max(when, When.INSTALL)
        elif when is When.STARTUP:
            evidence.startup_modules.append(path)
        if when is When.NEVER:
            continue
        if not _readable(evidence, path, member, when):
            continue
        jobs.append((path, when, role.everything_runs, frozenset(install_calls.get(path, ()))))
    for path, report in _analyse_with_import_graph(artifact, jobs, deadline, facts).items():
        _record(evidence, path, report)
    _read_started_shell_scripts(artifact, evidence)
    _code_not_read(artifact, evidence)
    return evidence


# Files whose content runs as code: one the archive reader could not read at all is not judged.
_CODE_SUFFIXES = (".py", ".pyw", ".pth")


def _readable(evidence: Evidence, path: str, member: Member, when: When) -> bool:
    """Whether there is content to analyse; records what a file too large to keep whole costs the analysis.

    Such a file is read from its excerpt (every line, comments emptied, long lines cut to their ends).
    Code that runs on its own (at install, start-up or import) and that even the excerpt could not
    hold is not judged: a `not-judged` problem, which makes the release at least suspicious.
    """
    if member.data is not None:
        return True
    excerpt = member.excerpt
    size = f"{member.size} bytes"
    if excerpt is None:
        problem = SourceProblem("too-large", 1, f"{size}: too large to analyse")
    elif not excerpt.complete and when >= When.IMPORT:
        problem = SourceProblem(
            "not-judged",
            1,
            f"{size}, running {when.label}: only the first {len(excerpt.data)} bytes of its lines could be read; "
            "the rest is not judged",
        )
    else:
        cut = f", {excerpt.cut_lines} long lines cut to their ends" if excerpt.cut_lines else ""
        rest = "" if excerpt.complete else f"; only the first {len(excerpt.data)} bytes of its lines"
        problem = SourceProblem(
            "too-large", 1, f"{size}: too large to keep whole; read line by line (comments emptied{cut}){rest}"
        )
    evidence.source_problems.append((path, problem))
    return excerpt is not None


def _code_not_read(artifact: Artifact, evidence: Evidence) -> None:
    """Code the archive reader refused to read (over the member limit): not judged at all. No genuine
    release ships a Python file or .pth of that size."""
    for problem in artifact.problems:
        if problem.kind is ProblemKind.MEMBER_TOO_LARGE and problem.path.lower().endswith(_CODE_SUFFIXES):
            evidence.source_problems.append(
                (problem.path, SourceProblem("not-judged", 1, f"code not read at all ({problem.detail})"))
            )


def _read_started_shell_scripts(artifact: Artifact, evidence: Evidence) -> None:
    """Shell scripts the release's own code starts without anyone calling it (at install, start-up or
    import), read as running then. One a function starts when called is a tool's helper, like a
    maintainer's script: not judged."""
    for path, member in artifact.members.items():
        if "!/" in path or not is_shell_script(member):
            continue
        evidence.deadline.reading(path)
        evidence.deadline.check()
        when = started_at(path, evidence.facts)
        if when is not None and when >= When.IMPORT:
            evidence.facts.extend(shell_script_facts(member, when))


# Rounds of following imports and calls from import-time code into other files: enough for
# `__init__` → helper module → the function that does the work.
_IMPORT_GRAPH_ROUNDS = 3


def _analyse_with_import_graph(
    artifact: Artifact, jobs: list[Job], deadline: Deadline, facts: ReportStore | None
) -> dict[str, SourceReport]:
    """Each file analysed on its own, then again where import-time code elsewhere imports it
    earlier than its own role says or calls functions in it."""
    by_path = {job[0]: job for job in jobs}
    reports = _analyse_jobs(artifact, jobs, deadline, facts)
    index = ModuleIndex(artifact)
    fresh = list(reports.items())
    for _ in range(_IMPORT_GRAPH_ROUNDS):
        changed = follow_ups(index, by_path, fresh, reports)
        if not changed:
            break
        by_path.update(changed)
        fresh = list(_analyse_jobs(artifact, list(changed.values()), deadline, facts).items())
        reports.update(fresh)
    return reports


def _analyse_jobs(
    artifact: Artifact, jobs: list[Job], deadline: Deadline, facts: ReportStore | None
) -> dict[str, SourceReport]:
    """Reports for the jobs, from the fact cache where a file was analysed the same way before."""
    if facts is None:
        return dict(analyse_files(artifact, jobs, deadline))
    keys = {job[0]: report_key(job, artifact.members[job[0]].sha256, analyser_version()) for job in jobs}
    cached = facts.get_many(keys.values())
    reports = {path: cached[key] for path, key in keys.items() if key in cached}
    missing = [job for job in jobs if job[0] not in reports]
    fresh = dict(analyse_files(artifact, missing, deadline))
    # A report whose reader failed is not kept: the next run tries again (the failure may be a bug since fixed).
    facts.put_many({keys[path]: report for path, report in fresh.items() if not report.failed})
    reports.update(fresh)
    return {job[0]: reports[job[0]] for job in jobs}


def _analyse_install_scripts(
    artifact: Artifact, evidence: Evidence, deadline: Deadline
) -> tuple[set[str], set[str], dict[str, set[str]]]:
    """setup.py and in-tree build backends, then whatever they run with `python x.py` or `python -m x`
    (as __main__): all of it runs at install time. Returns those files, the local modules they import
    (whose top level runs at install) and, per such module, the functions they call in it."""
    is_sdist = artifact.kind in (ArtifactKind.SDIST, ArtifactKind.ZIP)
    pending = sorted(
        roles.build_backend_paths(artifact) | ({"setup.py"} if is_sdist and "setup.py" in artifact.members else set())
    )
    scripts: set[str] = set()
    imports: set[str] = set()
    calls: dict[str, set[str]] = {}
    while pending:
        path = pending.pop()
        if path in scripts:
            continue
        scripts.add(path)
        member = artifact.members[path]
        if not _readable(evidence, path, member, When.INSTALL):
            continue
        deadline.reading(path)
        deadline.check()
        report = analyse_python(
            path,
            member.readable or b"",
            When.INSTALL,
            everything_runs=True,
            setup_script=path == "setup.py" and not _has_command_aliases(artifact),
        )
        _record(evidence, path, report)
        imports.update(_local_module_files(artifact, report.local_imports | report.imported_modules))
        pending.extend(_local_script_files(artifact, report.python_runs) - scripts)
        for call in report.calls:
            module, _, function = call.rpartition(".")
            target = _module_path(artifact, module)
            if target is not None:
                imports.add(target)
                calls.setdefault(target, set()).add(function)
        if path == "setup.py":
            evidence.install_hooks.extend(install_hooks(path, artifact.text(path) or ""))
    return scripts, imports - scripts, calls


def _has_command_aliases(artifact: Artifact) -> bool:
    """Whether setup.cfg's ``[aliases]`` makes a command pip runs run others too (an alias named
    `install` or `egg_info`); `docs = build_sphinx` changes nothing pip does. Unreadable: assume so."""
    text = artifact.text("setup.cfg") or ""
    if "[aliases]" not in text:
        return False
    config = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        config.read_string(text)
    except configparser.Error:
        return True
    return any(alias in patterns.PIP_RUN_COMMANDS for alias in config["aliases"]) if "aliases" in config else True


def _record(evidence: Evidence, path: str, report: SourceReport) -> None:
    evidence.facts.extend(report.facts)
    for problem in report.problems:
        if problem.kind == FAILED:
            evidence.failures.append(Failure("the Python source reader", path, problem.detail))
        else:
            evidence.source_problems.append((path, problem))


def _read_pth_files(artifact: Artifact, evidence: Evidence, deadline: Deadline) -> set[str]:
    """Record executable .pth lines, analyse them as start-up code; return modules they run."""
    startup_files: set[str] = set()
    for path in artifact.members:
        if not roles.is_pth(artifact, path):
            continue
        deadline.reading(path)
        deadline.check()
        member = artifact.members[path]
        if not _readable(evidence, path, member, When.STARTUP):
            continue
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
    return dataclasses.replace(fact, line=line, snippet=snippet)


def _local_script_files(artifact: Artifact, runs: Iterable[str]) -> set[str]:
    files: set[str] = set()
    for run in runs:
        candidates = (
            [run.lstrip("./")]
            if run.endswith(".py")
            else [f"{run.replace('.', '/')}.py", f"{run.replace('.', '/')}/__main__.py"]
        )
        files.update(candidate for candidate in candidates if candidate in artifact.members)
    return files


def _module_path(artifact: Artifact, dotted: str) -> str | None:
    """The member `import a.b` loads (`a/b.py` or `a/b/__init__.py`), if this artifact has it."""
    base = dotted.replace(".", "/")
    for candidate in (f"{base}.py", f"{base}/__init__.py", f"src/{base}.py", f"src/{base}/__init__.py"):
        if candidate in artifact.members:
            return candidate
    return None


def _local_module_files(artifact: Artifact, modules: Iterable[str]) -> set[str]:
    files = set()
    for module in modules:
        path = roles.module_file(artifact, module)
        if path is not None:
            files.add(path)
    return files


def shipped_modules(artifact: Artifact) -> set[str]:
    """Top-level module and package names the artifact installs."""
    modules = set()
    for path in artifact.members:
        if "!/" in path:
            continue
        first = roles.install_path(artifact, path).split("/")[0]
        if first.endswith(_METADATA_DIRS) or first == "EGG-INFO":
            continue
        modules.add(first.removesuffix(".py") if first.endswith(".py") else first)
    return modules


def tidy(findings: list[Finding]) -> list[Finding]:
    """Most severe first; one finding per rule and place; at most a screenful per rule."""
    seen: set[tuple[str, str, int | None]] = set()
    per_rule: dict[str, int] = {}
    tidy = []

    # Within a severity: code that runs earliest first (a .pth before an import-time module), then
    # threat rules before the capabilities they combine, since they explain more.
    def order(finding: Finding) -> tuple[int, int, int, str, int]:
        when = _WHEN_RANK.get(finding.when or "", 0)
        return (
            -finding.severity,
            -when,
            _RULE_RANK.get(finding.rule, len(_RULE_RANK)),
            finding.path,
            finding.line or 0,
        )

    for finding in sorted(findings, key=order):
        key = (finding.rule, finding.path, finding.line)
        if key in seen:
            continue
        seen.add(key)
        per_rule[finding.rule] = per_rule.get(finding.rule, 0) + 1
        if per_rule[finding.rule] <= MAX_FINDINGS_PER_RULE:
            tidy.append(finding)
    return tidy
