"""What the reader learned of one source file: its facts, its problems, and what it runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from interlock.analysis.facts import Fact

FAILED = "analysis-failed"
"""The kind of problem recorded when the reader itself raised: not a finding about the source."""


@dataclass(frozen=True)
class SourceProblem:
    """Why a source file could not be analysed fully."""

    kind: str
    """`unparseable`, `null-bytes`, `not-utf8` or `too-deep`."""
    line: int
    detail: str


@dataclass
class SourceReport:
    facts: list[Fact] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    local_imports: set[str] = field(default_factory=set)
    """Top-level module names this file imports (to find modules a .pth or setup.py runs)."""
    calls: set[str] = field(default_factory=set)
    """Qualified names this file calls from code that runs when the file does (at import or
    earlier): `memlib.show_popup` called from setup.py means that function of a local module runs
    at install time too. Relative names keep their leading dots (`.z.start`)."""
    imported_modules: set[str] = field(default_factory=set)
    """Dotted modules (and names that may be modules) imported from code that runs when the file
    does, each parent package included; relative ones keep their leading dots (`..util`)."""
    reached: set[str] = field(default_factory=set)
    """Names of the functions and classes whose code runs when the file does: calls into them from
    elsewhere change nothing, so the file need not be analysed again for them."""
    python_runs: set[str] = field(default_factory=set)
    """Modules (`python -m x.y`) and scripts (`python x.py`) this file runs in a new interpreter."""
    payload_bytes: int = 0
    """Bytes of hidden payloads analysed so far (bounded by `limits.MAX_PAYLOAD_BYTES`)."""
    payloads_seen: set[int] = field(default_factory=set, repr=False)
    """Hashes of payloads already analysed: the same one is often revealed by several calls."""

    @property
    def failed(self) -> bool:
        """Whether the reader itself raised on this file (see `FAILED`)."""
        return any(problem.kind == FAILED for problem in self.problems)
