"""Install through the gate: resolve through it, stop at any refusal, then install exactly the judged files.

Phase 1 — the installer resolves against the gate index in a dry run. Every file it fetches to
learn dependencies (sdists it would build included) is judged before it gets a byte. Any refusal
stops everything: nothing has been installed. Phase 2 — the installer installs exactly the files
phase 1 settled on, pinned by sha256, without dependencies, still through the gate.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from packaging.version import InvalidVersion, Version

from interlock.audit import Unjudged
from interlock.gate.app import gate_app
from interlock.gate.arguments import InstallerArguments
from interlock.gate.installers import Installer, PlanError, Planned
from interlock.gate.judge import Decision, Judge
from interlock.gate.server import refusing_port, serve
from interlock.gate.sources import unjudgeable
from interlock.index.models import IndexFile
from interlock.report.common import plural
from interlock.scanner import Scanner

_OUTPUT_TAIL = 25  # lines of the installer's output shown when it fails


class Status(StrEnum):
    INSTALLED = "installed"
    """Every file passed and the installer installed them (or nothing needed installing)."""
    JUDGED = "judged"
    """A dry run: every file passed; nothing was installed."""
    REFUSED = "refused"
    """The policy kept a release out (a verdict at or above fail-on, denied, too new…): nothing was installed."""
    UNJUDGED = "unjudged"
    """Something could not be judged (or the resolver could not settle on files): nothing was installed."""
    INSTALL_FAILED = "install-failed"
    """Every file passed, but the installer failed while installing them."""


@dataclass
class GateOutcome:
    status: Status
    message: str
    """One paragraph for the user: what happened and what to do."""
    decisions: list[Decision] = field(default_factory=list)
    """Every file the gate judged, in order."""
    installed: list[Decision] = field(default_factory=list)
    """The files phase 1 settled on (installed, unless the status says otherwise)."""
    unjudged: list[Unjudged] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """What the gate could not do for the installer (index pages that failed)."""
    installer_output: str = ""
    """The tail of the installer's output, when it failed."""


@dataclass
class Hooks:
    """Progress callbacks (a terminal display); all optional."""

    phase: Callable[[str], None] | None = None
    judging: Callable[[IndexFile], None] | None = None
    """A file's judgement has begun; the installer waits for it."""
    decision: Callable[[Decision], None] | None = None


def guarded_install(
    installer: Installer,
    arguments: InstallerArguments,
    scanner: Scanner,
    *,
    jobs: int = 4,
    hooks: Hooks | None = None,
) -> GateOutcome:
    """Resolve, judge and install `arguments` with `installer`; see the module docstring."""
    hooks = hooks or Hooks()
    unjudged = unjudgeable(installer.tool, arguments)
    if unjudged:
        return GateOutcome(
            Status.UNJUDGED,
            "not installed: these requirements have no index release behind them, so they cannot be judged "
            "before the installer builds them",
            unjudged=unjudged,
        )
    judge = Judge(scanner, jobs=jobs, on_start=hooks.judging, on_decision=hooks.decision)
    with (
        serve(gate_app(scanner.client(), judge)) as gate,
        refusing_port() as port,
        tempfile.TemporaryDirectory(prefix="interlock-gate-") as work,
    ):
        index = f"{gate}/simple"
        env = installer.environment(port)
        _say(hooks, f"{installer.tool} is resolving through the gate")
        report = Path(work) / "report.json"
        resolved = _run(installer.resolve_command(index, arguments, report), env)
        stopped = _stopped(judge, installer, resolved, "resolving")
        if stopped is not None:
            return stopped
        try:
            plan = installer.read_plan(report, resolved.stdout, gate)
        except PlanError as exc:
            return _outcome(judge, Status.UNJUDGED, f"not installed: {exc}", resolved)
        chosen, missing = _files_for(plan, judge.decisions)
        if missing:
            return _outcome(
                judge,
                Status.UNJUDGED,
                f"not installed: {installer.tool} would install files the gate did not judge",
                unjudged=missing,
            )
        if arguments.dry_run:
            return _outcome(judge, Status.JUDGED, "dry run: every file passed; nothing was installed", installed=chosen)
        if not chosen:
            return _outcome(judge, Status.INSTALLED, "nothing to install: the requirements are already satisfied")
        requirements = Path(work) / "judged-requirements.txt"
        requirements.write_text(_pinned_requirements(chosen), encoding="utf-8")
        _say(hooks, f"{installer.tool} is installing {len(chosen)} judged files")
        installed = _run(installer.install_command(index, arguments, requirements), env)
        stopped = _stopped(judge, installer, installed, "installing")
        if stopped is not None:
            return stopped
    names = list(dict.fromkeys(f"{d.file.project}=={d.file.version}" for d in chosen))
    message = f"installed {plural(len(names), 'judged distribution')} into {installer.python}: {', '.join(names)}"
    return _outcome(judge, Status.INSTALLED, message, installed=chosen)


def _say(hooks: Hooks, text: str) -> None:
    if hooks.phase is not None:
        hooks.phase(text)


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, env=env, capture_output=True, text=True, errors="replace", stdin=subprocess.DEVNULL, check=False
        )
    except OSError as exc:
        return subprocess.CompletedProcess(command, 127, "", f"could not run {command[0]}: {exc.strerror or exc}")


def _stopped(
    judge: Judge, installer: Installer, run: subprocess.CompletedProcess[str], doing: str
) -> GateOutcome | None:
    """The outcome when the gate refused something or the installer failed; None to go on."""
    refused = judge.refusals()
    if refused:
        condemned = [d for d in refused if d.result.decision is not None and not d.result.decision.only_unanalysed]
        status = Status.REFUSED if condemned else Status.UNJUDGED
        names = ", ".join(f"{d.file.filename} ({d.reason.split(':', 1)[0]})" for d in refused)
        # The report explains each refusal; the installer's own complaint about a 403 adds nothing.
        return _outcome(judge, status, f"refused while {doing}: {names}; nothing was installed")
    if run.returncode == 0:
        return None
    if doing == "resolving":
        why = (
            f"{installer.tool} could not settle on what to install (exit status {run.returncode}); "
            "nothing was installed"
        )
        return _outcome(judge, Status.UNJUDGED, why, run)
    why = f"every file passed, but {installer.tool} failed while installing them (exit status {run.returncode})"
    return _outcome(judge, Status.INSTALL_FAILED, why, run)


def _outcome(
    judge: Judge,
    status: Status,
    message: str,
    run: subprocess.CompletedProcess[str] | None = None,
    *,
    installed: list[Decision] | None = None,
    unjudged: list[Unjudged] | None = None,
) -> GateOutcome:
    output = ""
    if run is not None and (run.returncode != 0 or status is not Status.INSTALLED):
        output = "\n".join((run.stdout + "\n" + run.stderr).strip().splitlines()[-_OUTPUT_TAIL:])
    return GateOutcome(status, message, judge.decisions, installed or [], unjudged or [], judge.problems, output)


def _files_for(plan: list[Planned], decisions: list[Decision]) -> tuple[list[Decision], list[Unjudged]]:
    """The allowed decision(s) behind each planned distribution, and what has none."""
    by_key = {d.file.sha256: d for d in decisions if d.allowed and d.file.sha256}
    chosen: list[Decision] = []
    missing: list[Unjudged] = []
    for item in plan:
        if item.key is not None and item.key in by_key:
            chosen.append(by_key[item.key])
            continue
        same = [d for d in by_key.values() if d.file.project == item.name and d.file.version == _version(item.version)]
        if item.key is None and same:
            chosen += same
        else:
            where = item.url or "the index"
            missing.append(
                Unjudged(f"{item.name}=={item.version}", where, "not fetched through the gate, so not judged")
            )
    return chosen, missing


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _pinned_requirements(chosen: list[Decision]) -> str:
    """`name==version --hash=sha256:...` per distribution (uv may have judged both a wheel and an sdist)."""
    hashes: dict[tuple[str, str], list[str]] = {}
    for decision in chosen:
        hashes.setdefault((decision.file.project, str(decision.file.version)), []).append(
            f"--hash=sha256:{decision.file.sha256}"
        )
    return "".join(f"{name}=={version} {' '.join(pins)}\n" for (name, version), pins in hashes.items())
