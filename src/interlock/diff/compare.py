"""A release judged against the one before it: what it does that its predecessor did not.

Both releases are analysed the same way (the fact cache makes the unchanged files free); a
finding of the new release is *new* when the old release had no finding of the same rule, on
the same file, about the same code, running at the same time. Code that moved earlier (from
a function to import time, say) is therefore new too. The verdict is decided on the new
findings alone — an established package's long-standing `subprocess` calls are its baseline —
except that a critical finding counts, new or not, unless the predecessor is established (public
long enough that its code is the project's, not an attacker's first step): a malicious release
uploaded minutes before its successor, as litellm 1.82.7 was before 1.82.8, must not launder it,
while a long-public file that an over-cautious rule calls critical is no news in the next release.

A capability that no code of the predecessor had, appearing in code that runs on its own, is a
finding of its own (see `novelty.py`).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections import Counter
from collections.abc import Iterable

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from interlock.analysis.engine import Analysis, analyse, result_of, ruleset_of, tidy
from interlock.analysis.extract.yara_rules import YaraRules
from interlock.analysis.report_store import ReportStore
from interlock.analysis.rules.structure import (
    ENTRYPOINT_SHADOWS_COMMAND,
    INSTALL_HOOK,
    STARTUP_PTH_EXEC,
    STARTUP_SITECUSTOMIZE,
)
from interlock.artifact.limits import DEFAULT_LIMITS, Deadline, LimitExceeded
from interlock.artifact.model import Artifact
from interlock.diff.metadata import history_metadata_findings
from interlock.diff.novelty import novelty_findings
from interlock.model.findings import Finding, Severity
from interlock.model.result import Changes, Previous, ScanResult

_CONTEXT_LINES = 2
_MAX_ADDED_SHOWN = 6
_MAX_LINE = 160
# Above this many lines or characters, a file's line diff is skipped (difflib is quadratic at worst).
_MAX_DIFF_LINES = 60_000
_MAX_DIFF_CHARS = 4 * 1024 * 1024
# Nor when difflib's first search for the longest match would compare more pairs of equal lines than
# this: the deadline is checked between searches only, and a file of a hundred distinct lines
# repeated took 13 s in that one search. Genuine files stay far below (kubernetes_asyncio's
# 38,000-line core_v1_api.py, 3.9 million, is the one exception seen: 12 s to diff).
_MAX_DIFF_PROBES = 1_000_000


# Hooks an established package does not grow overnight: appearing in a release, they weigh more
# than the same hook in a project that always had it. (rule, lowest severity it escalates) → to.
_ESCALATED_WHEN_NEW = {
    (ENTRYPOINT_SHADOWS_COMMAND.id, Severity.HIGH): Severity.CRITICAL,
    (STARTUP_SITECUSTOMIZE.id, Severity.HIGH): Severity.CRITICAL,
    (STARTUP_PTH_EXEC.id, Severity.MEDIUM): Severity.HIGH,
    (INSTALL_HOOK.id, Severity.LOW): Severity.MEDIUM,
}


class DiffError(ValueError):
    """OLD and NEW cannot be compared: different projects, the same file, or swapped."""


def check_comparable(old: Artifact, new: Artifact, *, copy: bool = False) -> None:
    """Raise DiffError with a one-line reason when comparing the two would mislead. `copy`: NEW is
    another project's copy of OLD (see `clone.py`), so names and versions are its own."""
    if old.sha256 == new.sha256:
        raise DiffError(f"OLD and NEW are the same file ({new.filename}, sha256 {new.sha256[:12]}…): nothing changed")
    if copy:
        return
    if old.name and new.name and canonicalize_name(old.name) != canonicalize_name(new.name):
        raise DiffError(f"OLD is {old.name} and NEW is {new.name}: not releases of the same project")
    old_version, new_version = _version(old), _version(new)
    if old_version is not None and new_version is not None and old_version > new_version:
        raise DiffError(f"OLD ({old.name} {old_version}) is newer than NEW ({new_version}); did you swap them?")


def diff_artifacts(
    old: Artifact,
    new: Artifact,
    *,
    target: str,
    previous_label: str,
    yara: YaraRules | None = None,
    deadline: Deadline | None = None,
    facts: ReportStore | None = None,
    established: bool = False,
    copy: bool = False,
) -> ScanResult:
    """The NEW release's result, each finding marked new or not, decided on what changed.

    `established`: OLD has been public long enough to be the project's own baseline, so its
    findings, critical ones included, are not counted again in NEW (see the module's docstring).
    `copy`: NEW is another project's copy of OLD (see `clone.py`); its metadata is its own, so the
    history rules over metadata are not applied.
    """
    check_comparable(old, new, copy=copy)
    deadline = deadline or DEFAULT_LIMITS.deadline()  # one budget for the pair, comparison included
    old_analysis = analyse(old, yara, deadline, facts)
    new_analysis = analyse(new, yara, deadline, facts)
    error = new_analysis.error or old_analysis.error
    marked = mark_new(old_analysis, new_analysis)
    try:
        marked += _compared(old, new, old_analysis, new_analysis, deadline, copy=copy)
        with_context = _with_contexts(marked, old, new, deadline)
    except LimitExceeded as exc:
        # Like an analysis past its budget: `error`, which a gate blocks; the findings made so far still show.
        error = error or str(exc)
        with_context = marked
    previous = Previous(previous_label, old.filename, old.version, old.sha256, established)
    counted = [f for f in with_context if previous.counts(f)]
    shown = tidy(with_context)
    result = result_of(
        new,
        target,
        shown,
        error,
        ruleset_of(yara),
        old_analysis.seconds + new_analysis.seconds,
    )
    verdict_result = result_of(new, target, tidy(counted), result.error, result.ruleset, 0)
    result.verdict, result.score = verdict_result.verdict, verdict_result.score
    result.previous = previous
    result.changes = member_changes(old, new)
    return result


def _compared(
    old: Artifact, new: Artifact, old_analysis: Analysis, new_analysis: Analysis, deadline: Deadline, *, copy: bool
) -> list[Finding]:
    """The history findings (metadata, novel capabilities), all new; the deadline is checked between
    stages. A copy's metadata is its own project's, so it is not compared (see `clone.py`)."""
    deadline.doing("comparing the metadata with the previous release")
    deadline.check()
    history = [] if copy else history_metadata_findings(old, new)
    deadline.doing("comparing capabilities with the previous release")
    deadline.check()
    history += novelty_findings(old_analysis.evidence.facts, new_analysis.evidence.facts)
    return [dataclasses.replace(f, new=True) for f in history]


def _with_contexts(marked: list[Finding], old: Artifact, new: Artifact, deadline: Deadline) -> list[Finding]:
    """Each new finding with the change around it, within the deadline."""
    old_paths = {normalised_path(path, old.version): path for path in old.members}
    added_lines: dict[str, set[int] | None] = {}  # per file: computed once, however many findings it has
    with_context = []
    for finding in marked:
        if finding.new:
            deadline.doing(f"comparing {finding.path} with the previous release")
            deadline.check()
            finding = _with_context(finding, old, new, old_paths, added_lines, deadline)
        with_context.append(finding)
    return with_context


def mark_new(old: Analysis, new: Analysis) -> list[Finding]:
    """NEW's findings, each with `new` set: True unless OLD had the same finding (as a multiset)."""
    old_version, new_version = old.evidence.artifact.version, new.evidence.artifact.version
    remaining = Counter(_identity(f, old_version) for f in old.findings)
    marked = []
    for finding in new.findings:
        key = _identity(finding, new_version)
        if remaining[key] > 0:
            remaining[key] -= 1
            marked.append(dataclasses.replace(finding, new=False))
        else:
            marked.append(_escalate(dataclasses.replace(finding, new=True)))
    return marked


def _escalate(finding: Finding) -> Finding:
    for (rule, floor), severity in _ESCALATED_WHEN_NEW.items():
        if finding.rule == rule and finding.severity >= floor and finding.severity < severity:
            return dataclasses.replace(finding, severity=severity, message=f"{finding.message} (new in this release)")
    return finding


def member_changes(old: Artifact, new: Artifact) -> Changes:
    old_members = {normalised_path(path, old.version): member.sha256 for path, member in old.members.items()}
    new_members = {normalised_path(path, new.version): member.sha256 for path, member in new.members.items()}
    added = sorted(set(new_members) - set(old_members))
    removed = sorted(set(old_members) - set(new_members))
    common = set(new_members) & set(old_members)
    changed = sorted(path for path in common if new_members[path] != old_members[path])
    return Changes(tuple(added), tuple(removed), tuple(changed), len(common) - len(changed))


def normalised_path(path: str, version: str | None) -> str:
    """`litellm-1.82.8.dist-info/RECORD` → `litellm-{version}.dist-info/RECORD`: the same file in every release."""
    if version:
        path = path.replace(f"-{version}.dist-info/", "-{version}.dist-info/").replace(
            f"-{version}.data/", "-{version}.data/"
        )
    return path


def _identity(finding: Finding, version: str | None) -> tuple[str, str, str, str | None]:
    evidence = " ".join(finding.evidence.split())
    if version:
        evidence = evidence.replace(version, "{version}")
    return (finding.rule, normalised_path(finding.path, version), evidence, finding.when)


def _version(artifact: Artifact) -> Version | None:
    try:
        return Version(artifact.version) if artifact.version else None
    except InvalidVersion:
        return None


def _with_context(
    finding: Finding,
    old: Artifact,
    new: Artifact,
    old_paths: dict[str, str],
    added_lines: dict[str, set[int] | None],
    deadline: Deadline,
) -> Finding:
    """Attach the change around a new finding's line: the added lines, review style."""
    if finding.line is None or not finding.path:
        return finding
    new_text = new.text(finding.path)
    if new_text is None:
        return finding
    old_path = old_paths.get(normalised_path(finding.path, new.version))
    old_text = old.text(old_path) if old_path else None
    new_lines = new_text.splitlines()
    if old_text is None:
        return dataclasses.replace(finding, context=_excerpt(new_lines, finding.line, range(1, len(new_lines) + 1)))
    if finding.path not in added_lines:
        old_lines = old_text.splitlines()
        too_long = (
            max(len(old_lines), len(new_lines)) > _MAX_DIFF_LINES or max(len(old_text), len(new_text)) > _MAX_DIFF_CHARS
        )
        added_lines[finding.path] = None if too_long else _added_lines(old_lines, new_lines, deadline)
    added = added_lines[finding.path]
    if added is None:
        return finding
    return dataclasses.replace(finding, context=_excerpt(new_lines, finding.line, added))


class _BoundedMatcher(difflib.SequenceMatcher[str]):
    """difflib's matcher, checking the deadline before each search for a longest match (its unit of work)."""

    def __init__(self, old_lines: list[str], new_lines: list[str], deadline: Deadline) -> None:
        self.deadline = deadline
        self.old_lines = old_lines
        super().__init__(None, old_lines, new_lines)

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        self.deadline.check()
        return super().find_longest_match(alo, ahi, blo, bhi)

    def first_search_cost(self) -> int:
        """Pairs of equal lines the first search compares (OLD's lines times their copies in NEW)."""
        where: dict[str, list[int]] = self.b2j  # type: ignore[attr-defined]  # NEW's line -> where it is
        return sum(len(where.get(line, [])) for line in self.old_lines)


def _added_lines(old_lines: list[str], new_lines: list[str], deadline: Deadline) -> set[int] | None:
    """1-based numbers of NEW's lines that OLD did not have; None when too costly to work out."""
    matcher = _BoundedMatcher(old_lines, new_lines, deadline)
    if matcher.first_search_cost() > _MAX_DIFF_PROBES:
        return None
    added: set[int] = set()
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("insert", "replace"):
            added.update(range(j1 + 1, j2 + 1))
    return added


def _excerpt(lines: list[str], line: int, added: Iterable[int]) -> tuple[str, ...]:
    """A few lines around `line`: `+ ` for lines the old release lacked, `  ` for the rest."""
    added = set(added)
    if line in added:
        # Show the whole run of added lines the finding sits in (up to a screenful).
        start = line
        while start - 1 in added and line - start < _MAX_ADDED_SHOWN:
            start -= 1
        end = line
        while end + 1 in added and end - start < _MAX_ADDED_SHOWN:
            end += 1
    else:
        start = end = line
    first, last = max(1, start - _CONTEXT_LINES), min(len(lines), end + _CONTEXT_LINES)
    return tuple(f"{'+' if number in added else ' '} {_clip(lines[number - 1])}" for number in range(first, last + 1))


def _clip(text: str) -> str:
    text = re.sub(r"\s+$", "", text)
    return text if len(text) <= _MAX_LINE else text[: _MAX_LINE - 2] + " …"
