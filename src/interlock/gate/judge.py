"""The gate's decisions: each file an installer asks for, judged once, allowed or refused, recorded.

Judging is `Scanner.judge_index_file` (download with hash check, static analysis, history,
provenance, age, advisories, weighed by the policy in the scanner's options); a file is served
only when the policy lets it pass — a verdict at or above fail-on, `error` (fail closed), a deny
entry, a known-malicious advisory, missing required provenance and the cooldown all refuse it.
This module keeps the record the final report is made of. Thread-safe: the gate's server calls it
from a pool of threads, and two requests for one file wait for one judgement.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from interlock.index.errors import IndexProblem
from interlock.index.models import IndexFile
from interlock.model.decision import ReasonCode
from interlock.model.findings import Finding
from interlock.model.result import ScanResult
from interlock.report.common import by_severity, location, printable
from interlock.scanner import Scanner


@dataclass(frozen=True)
class Decision:
    """What the gate did with one file."""

    file: IndexFile
    """The file as the upstream index lists it."""
    result: ScanResult
    """The verdict with its evidence."""
    allowed: bool
    """Whether its bytes may be served to the installer."""
    reason: str
    """One line: why it was refused, or what its verdict was."""
    path: Path | None = None
    """The verified local copy to serve (only when allowed)."""


class Judge:
    """Judges files for the gate; what the scanner's policy does not let pass is refused."""

    def __init__(
        self,
        scanner: Scanner,
        *,
        jobs: int = 4,
        on_start: Callable[[IndexFile], None] | None = None,
        on_decision: Callable[[Decision], None] | None = None,
    ) -> None:
        self.scanner = scanner
        self.on_start = on_start
        """Called when judging a file begins (it has one of the `jobs` slots), from the judging thread."""
        self.on_decision = on_decision
        self._slots = threading.BoundedSemaphore(max(1, jobs))  # downloads and scans at once
        self._lock = threading.Lock()
        self._pending: dict[str, threading.Lock] = {}
        self._decisions: dict[str, Decision] = {}
        self._problems: list[str] = []

    def decide(self, key: str, file: IndexFile) -> Decision:
        """The decision on `file` (`key` names it: its sha256, or a stand-in when the index gave none)."""
        with self._lock:
            if key in self._decisions:
                return self._decisions[key]
            pending = self._pending.setdefault(key, threading.Lock())
        with pending:
            with self._lock:
                if key in self._decisions:
                    return self._decisions[key]
            with self._slots:
                if self.on_start is not None:
                    self.on_start(file)
                decision = self._judge(file)
            with self._lock:
                self._decisions[key] = decision
        if self.on_decision is not None:
            self.on_decision(decision)
        return decision

    def _judge(self, file: IndexFile) -> Decision:
        result = self.scanner.judge_index_file(file, f"{file.project}=={file.version}")
        decision = result.decision
        if decision is None or decision.blocked:
            return Decision(file, result, False, _refusal(result))
        try:
            path = self.scanner.client().download(file)  # already on disk: judging fetched it
        except IndexProblem as exc:
            return Decision(file, result, False, f"could not be read back after judging: {exc}")
        return Decision(file, result, True, decision.verdict.value, path)

    def note_problem(self, message: str) -> None:
        """Something the gate could not do for the installer (an upstream page that failed)."""
        with self._lock:
            if message not in self._problems:
                self._problems.append(message)

    @property
    def decisions(self) -> list[Decision]:
        """Every decision so far, in the order they were made."""
        with self._lock:
            return list(self._decisions.values())

    @property
    def problems(self) -> list[str]:
        with self._lock:
            return list(self._problems)

    def refusals(self) -> list[Decision]:
        return [d for d in self.decisions if not d.allowed]


def _refusal(result: ScanResult) -> str:
    """Why the policy keeps `result` out, in one line."""
    decision = result.decision
    first = next((reason for reason in decision.reasons if reason.blocks), None) if decision is not None else None
    if first is None or first.code is ReasonCode.ERROR:
        return f"could not be judged: {printable(result.error or (first.message if first else 'no decision'))}"
    if first.code is ReasonCode.VERDICT:
        return f"{decision.verdict.value}: {_cause(decision.findings, result.score)}"  # type: ignore[union-attr]
    return f"{first.code.value}: {printable(first.message)}"


def _cause(findings: Iterable[Finding], score: int) -> str:
    """The most severe finding, as `rule at path:line` (the report shows its evidence)."""
    findings = by_severity(findings)
    if not findings:
        return f"score {score}"
    first = findings[0]
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{first.rule} at {location(first)}{more}"
