"""Everything the rules look at for one artifact, gathered in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field

from interlock.analysis.extract.entry_points import ConsoleScript
from interlock.analysis.extract.pth import PthLine
from interlock.analysis.extract.python.report import SourceProblem
from interlock.analysis.facts import Capability, Fact, When
from interlock.artifact.limits import DEFAULT_LIMITS, Deadline
from interlock.artifact.model import Artifact


@dataclass(frozen=True)
class InstallHook:
    """A setup.py command class that overrides an install-time command."""

    path: str
    line: int
    command: str
    class_name: str
    snippet: str


@dataclass(frozen=True)
class Failure:
    """A part of the analysis that raised instead of answering: the release is not fully judged."""

    stage: str
    """What failed: `rule beacon`, `the Python source reader`, `the analysis`."""
    path: str
    """The member it failed on ('' when not one file)."""
    detail: str
    """The exception, in one line."""


@dataclass
class Evidence:
    artifact: Artifact
    deadline: Deadline = field(default_factory=DEFAULT_LIMITS.deadline)
    """The artifact's time budget: rules that loop over what the release declares check it."""
    facts: list[Fact] = field(default_factory=list)
    source_problems: list[tuple[str, SourceProblem]] = field(default_factory=list)
    pth_lines: list[tuple[str, PthLine]] = field(default_factory=list)
    startup_modules: list[str] = field(default_factory=list)
    """Members run at every interpreter start (sitecustomize, modules a .pth imports)."""
    shipped_modules: set[str] = field(default_factory=set)
    """Top-level module names the artifact installs."""
    console_scripts: list[ConsoleScript] = field(default_factory=list)
    install_hooks: list[InstallHook] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    """Extractors and rules that failed: the verdict is `error` (fail closed), with a finding each."""

    def facts_of(self, capability: Capability, minimum: When = When.CALL) -> list[Fact]:
        return [f for f in self.facts if f.capability is capability and f.when >= minimum]

    def by_path(self) -> dict[str, list[Fact]]:
        grouped: dict[str, list[Fact]] = {}
        for fact in self.facts:
            grouped.setdefault(fact.path, []).append(fact)
        return grouped
