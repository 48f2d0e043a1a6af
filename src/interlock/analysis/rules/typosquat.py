"""Rules typosquat and typosquat-dependency: names that imitate a popular project's name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from packaging.requirements import InvalidRequirement, Requirement

from interlock.analysis.evidence import Evidence
from interlock.analysis.rules.base import checks, files_rule
from interlock.artifact.limits import MAX_DEPENDENCIES, Deadline
from interlock.artifact.model import Artifact
from interlock.intel.typosquat import SquatMatch, Technique, find_squat
from interlock.model.findings import Finding, Severity

TYPOSQUAT = files_rule(
    "typosquat",
    "project name imitates a popular project's name",
    (Severity.HIGH,),
    "The project's name is a near miss of one of the most downloaded projects: different separators, "
    "lookalike letters (Unicode or 0/o, 1/l, rn/m), a deceptive affix (python-, py, -dev, -sdk, -api, 2), "
    "swapped, doubled or dropped letters, or a small edit scaled to the name's length. Squats wait for a "
    "typing slip or a copied requirement. Benign matches: a genuine small project that happens to sit one "
    "letter from a popular one; check its maintainers and history before trusting it.",
)
TYPOSQUAT_DEPENDENCY = files_rule(
    "typosquat-dependency",
    "depends on a project whose name imitates a popular one",
    (Severity.HIGH,),
    "A release that looks harmless but declares a dependency named like a popular project "
    "(`aliababcloud-tea-openapi` for `alibabacloud-tea-openapi`): the payload lives in the dependency, "
    "which the installer fetches without anyone typing its name.",
)
TOO_MANY_DEPENDENCIES = files_rule(
    "too-many-dependencies",
    "declares more dependencies than are checked",
    (Severity.HIGH,),
    f"A release declaring more than {MAX_DEPENDENCIES} different dependencies (the most among the 300 most "
    "downloaded projects is under 100): the rest are not checked for imitated names, and a typosquat "
    "hidden among thousands of names must not pass for that. Benign matches: none known.",
    limit=True,
)
# A dependency is named by a maintainer who chose it, so only deliberate lookalikes accuse it:
# genuine projects sit one edit or an affix away from popular ones all the time (`dython` and
# `cython`, `httpx2` and `httpx`, `deepdish` and `deepdiff`).
_STRONG_ENOUGH_FOR_DEPENDENCIES = {Technique.SEPARATOR, Technique.HOMOGLYPH, Technique.SWAPPED}
# Where a release declares what it depends on: wheel METADATA, sdist PKG-INFO, egg-info requires.txt.
_METADATA_NAMES = ("METADATA", "PKG-INFO")


@lru_cache(maxsize=4096)  # the same dependencies (requests, numpy…) come up in release after release
def _squat(name: str) -> SquatMatch | None:
    try:
        return find_squat(name)
    except ValueError:
        return None  # not a project name at all: nothing it could imitate


@checks(TYPOSQUAT)
def _check(evidence: Evidence) -> Iterable[Finding]:
    name = evidence.artifact.name
    match = _squat(name) if name else None
    if match is not None:
        yield squat_finding(match)


@checks(TYPOSQUAT_DEPENDENCY)
def _check_dependencies(evidence: Evidence) -> Iterable[Finding]:
    own = _squat(evidence.artifact.name) if evidence.artifact.name else None
    seen: set[str] = set()
    for path, line, dependency in declared_dependencies(evidence.artifact, evidence.deadline):
        if dependency in seen:
            continue
        if len(seen) == MAX_DEPENDENCIES:
            yield TOO_MANY_DEPENDENCIES.finding(
                Severity.HIGH,
                path,
                line,
                f"declares more than {MAX_DEPENDENCIES} different dependencies; those from {dependency} on "
                "are not checked for imitated names",
                dependency,
            )
            return
        seen.add(dependency)
        evidence.deadline.check()
        match = _squat(dependency)
        if (
            match is None
            or match.technique not in _STRONG_ENOUGH_FOR_DEPENDENCIES
            or (own is not None and own.imitates == match.imitates)
        ):
            continue
        yield TYPOSQUAT_DEPENDENCY.finding(
            Severity.HIGH,
            path,
            line,
            f"depends on {dependency}, whose name imitates the popular project {match.imitates} ({match.technique}): "
            "installing this release installs the imitation too",
            f"{dependency} ~ {match.imitates}",
        )


def squatted_dependency(finding: Finding) -> str:
    """The dependency a typosquat-dependency finding names (its evidence is `dependency ~ imitated`)."""
    return finding.evidence.split(" ~ ", 1)[0]


def declared_dependencies(artifact: Artifact, deadline: Deadline) -> Iterator[tuple[str, int, str]]:
    """(member, line, dependency name) for each requirement the release declares in its metadata."""
    for path in artifact.members:
        deadline.check()
        name = path.rsplit("/", 1)[-1]
        parent = path.rsplit("/", 2)[-2] if path.count("/") >= 1 else ""
        in_metadata_dir = parent.endswith((".dist-info", ".egg-info")) or parent == "EGG-INFO"
        if name in _METADATA_NAMES and (in_metadata_dir or "/" not in path):
            yield from _metadata_requirements(path, artifact.text(path) or "", deadline)
        elif name == "requires.txt" and in_metadata_dir:
            yield from _requires_txt(path, artifact.text(path) or "", deadline)


def _metadata_requirements(path: str, text: str, deadline: Deadline) -> Iterator[tuple[str, int, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        if number % 1000 == 0:
            deadline.check()
        if not line.strip():
            break  # the headers end at the first blank line; the long description follows
        if line.lower().startswith("requires-dist:"):
            requirement = _requirement(line.split(":", 1)[1])
            if requirement is not None:
                yield path, number, requirement


def _requires_txt(path: str, text: str, deadline: Deadline) -> Iterator[tuple[str, int, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        if number % 1000 == 0:
            deadline.check()
        line = line.strip()
        if line and not line.startswith(("[", "#")):
            requirement = _requirement(line)
            if requirement is not None:
                yield path, number, requirement


@lru_cache(maxsize=4096)  # the same requirement, with its markers, is often declared for each extra
def _requirement(text: str) -> str | None:
    try:
        return Requirement(text.strip()).name
    except InvalidRequirement:
        return None


def squat_finding(match: SquatMatch) -> Finding:
    """The finding for a project whose name imitates a popular one (about the project, not a file)."""
    return TYPOSQUAT.finding(
        Severity.HIGH,
        "",
        None,
        f"name imitates a popular project ({match.technique}): {match.explanation}",
        f"{match.name} ~ {match.imitates}",
    )
