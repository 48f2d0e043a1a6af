"""The gate's decisions: each file an installer asks for, judged once, allowed or refused, recorded.

Judging is `Scanner.judge_index_file` (download with hash check, static analysis, history,
provenance, age, advisories); this module adds the rule that turns a verdict into "serve it or
not" and keeps the record the final report is made of. Thread-safe: the gate's server calls it
from a pool of threads, and two requests for one file wait for one judgement.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from interlock.analysis.result import ScanResult
from interlock.analysis.verdict import Verdict
from interlock.index.errors import IndexProblem
from interlock.index.models import IndexFile
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
    """Judges files for the gate; verdicts at or above `fail_on`, and every `error`, are refused."""

    def __init__(
        self,
        scanner: Scanner,
        fail_on: Verdict | None,
        *,
        jobs: int = 4,
        on_decision: Callable[[Decision], None] | None = None,
    ) -> None:
        self.scanner = scanner
        self.fail_on = fail_on
        self.on_decision = on_decision
        self._slots = threading.BoundedSemaphore(max(1, jobs))  # downloads and scans at once
        self._lock = threading.Lock()
        self._pending: dict[str, threading.Lock] = {}
        self._decisions: dict[str, Decision] = {}
        self._problems: list[str] = []
        # Made now, in one thread: the scanner creates its client and stores lazily, without locks.
        scanner.client(), scanner.cache(), scanner.facts(), scanner.advisories()

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
                decision = self._judge(file)
            with self._lock:
                self._decisions[key] = decision
        if self.on_decision is not None:
            self.on_decision(decision)
        return decision

    def _judge(self, file: IndexFile) -> Decision:
        result = self.scanner.judge_index_file(file, f"{file.project}=={file.version}")
        if result.verdict is Verdict.ERROR:
            return Decision(file, result, False, f"could not be judged: {printable(result.error)}")
        if self.fail_on is not None and result.verdict.rank >= self.fail_on.rank:
            return Decision(file, result, False, f"{result.verdict.value}: {_cause(result)}")
        try:
            path = self.scanner.client().download(file)  # already on disk: judging fetched it
        except IndexProblem as exc:
            return Decision(file, result, False, f"could not be read back after judging: {exc}")
        return Decision(file, result, True, result.verdict.value, path)

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


def _cause(result: ScanResult) -> str:
    """The most severe finding, as `rule at path:line` (the report shows its evidence)."""
    findings = by_severity(result.findings)
    if not findings:
        return f"score {result.score}"
    first = findings[0]
    more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{first.rule} at {location(first)}{more}"
