"""Judge every artifact a lockfile pins: the exact file that would be installed, found by its hash.

A requirement pinned with hashes names its file by sha256; the index's listing of that version
is filtered to those hashes and the file pip would pick among them is judged. A pin without
hashes judges the file pip would pick. Unpinned requirements, URLs, VCS and local paths cannot
be judged ahead of an install and are reported as such — never silently dropped; an audit with
nothing to judge at all (an empty lockfile, or nothing but such entries) says so and fails
(`nothing_judged`), since a gate that passes it would pass anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from interlock.index.errors import IndexProblem, VersionNotFound
from interlock.lockfiles import STDIN, LockedPackage, Lockfile, PinStatus
from interlock.model.result import PinnedAt, ScanResult
from interlock.model.verdict import Verdict
from interlock.scanner import Scanner

DEFAULT_WORKERS = 8
"""Packages judged at once: enough to keep a slow index busy, few enough to be polite to it."""


@dataclass(frozen=True)
class Unjudged:
    """A requirement no artifact could be judged for, and why."""

    requirement: str
    location: str
    """`file:line` where it was declared."""
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"requirement": self.requirement, "location": self.location, "reason": self.reason}


def plan(lockfiles: Iterable[Lockfile]) -> tuple[list[LockedPackage], list[Unjudged]]:
    """The pins to judge (the same pin in two files is one artifact), and what cannot be judged."""
    unjudged: list[Unjudged] = []
    pinned: dict[tuple[str, str], LockedPackage] = {}
    for lockfile in lockfiles:
        for package in lockfile.packages:
            if package.status is not PinStatus.PINNED or package.version is None:
                reason = package.reason or (
                    "not pinned to one version" if package.status is PinStatus.UNPINNED else "not from an index"
                )
                unjudged.append(Unjudged(package.requirement, package.location, f"{package.status.value}: {reason}"))
                continue
            pinned.setdefault((package.name, str(package.version)), package)
    return list(pinned.values()), unjudged


def nothing_judged(lockfiles: Sequence[Lockfile], unjudged: Sequence[Unjudged]) -> str:
    """Why an audit that found no pin to judge cannot pass as it is: one line for the user."""
    names = ", ".join(str(lockfile.path) for lockfile in lockfiles) or "the input"
    if not unjudged:
        pins = "pins" if len(lockfiles) <= 1 else "pin"
        return f"nothing to judge: {names} {pins} no packages (--allow-unpinned lets an empty audit pass)"
    which = (
        "the one requirement in {names} does not name"
        if len(unjudged) == 1
        else f"none of the {len(unjudged)} requirements in {{names}} names"
    ).format(names=names)
    return (
        f"nothing to judge: {which} one release from an index "
        "(listed with why; --allow-unpinned lets such an audit pass)"
    )


def judge_all(
    packages: list[LockedPackage],
    scanner: Scanner,
    progress: Callable[[str], None] | None = None,
    *,
    workers: int = DEFAULT_WORKERS,
) -> list[ScanResult]:
    """Each package judged, `workers` at a time: fetching is network-bound, while the scanner
    bounds how many releases are analysed at once. Results come back in the order given;
    `progress` hears of each package as its judgement ends."""

    def judge(package: LockedPackage) -> ScanResult:
        result = judge_package(package, scanner)
        if progress is not None:
            progress(package.label)
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(judge, packages))


def judge_package(package: LockedPackage, scanner: Scanner) -> ScanResult:
    """The verdict on the file that installing `package` would fetch, with where the lockfile pins it."""
    result = _judge_package(package, scanner)
    if package.source != STDIN:  # standard input has no line a reviewer could open
        result.pinned_at = PinnedAt(str(package.source), package.line)
    return result


def _judge_package(package: LockedPackage, scanner: Scanner) -> ScanResult:
    label = f"{package.label} ({package.location})"
    version = package.version
    if version is None:  # plan() passes on pinned packages only: without a version there is no file to judge
        reason = f"{package.label}: not pinned to one version"
        return scanner.decided(ScanResult(label, "", package.name, None, None, Verdict.ERROR, 0, [], reason))
    try:
        files = scanner.client().release_files(package.name, version)
        if not files:
            raise VersionNotFound(f"{package.label}: not on the index")
        locked = package.sha256s
        if locked:
            files = [f for f in files if f.sha256 in locked]
            if not files:
                raise VersionNotFound(f"{package.label}: no file on the index has a hash the lockfile allows")
        chosen = scanner.client().select_file(files, version, allow_incompatible=bool(locked))
    except IndexProblem as exc:
        return scanner.decided(ScanResult(label, "", package.name, str(version), None, Verdict.ERROR, 0, [], str(exc)))
    return scanner.judge_index_file(chosen, label)
