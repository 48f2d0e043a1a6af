"""Choosing among a project's files: the artifact pip would install here, and which release is latest.

Pure functions over ``IndexFile`` lists, so they can be tested without an index.
"""

from __future__ import annotations

import platform
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag, sys_tags
from packaging.utils import parse_wheel_filename
from packaging.version import Version

from interlock.index.errors import NoSuitableFile, VersionNotFound
from interlock.index.models import FileKind, IndexFile


def select_file(files: Iterable[IndexFile], version: Version | str, *, allow_incompatible: bool = False) -> IndexFile:
    """The file of ``version`` that pip would most likely install on this interpreter.

    In order: the wheel whose best tag comes first in ``packaging.tags.sys_tags()`` (pip's own
    preference), else a pure-Python wheel (``none-any``), else an sdist (``.tar.gz`` before
    ``.zip``). Files whose Requires-Python excludes this interpreter are considered only when
    nothing else fits; non-yanked files win ties. ``allow_incompatible`` falls back to any
    wheel at all (for scanning a platform-specific release on another platform).
    """
    wanted = Version(str(version))
    files = list(files)
    candidates = [f for f in files if f.version == wanted]
    project = files[0].project if files else "project"
    if not candidates:
        raise VersionNotFound(f"{project}: no files for version {wanted}")
    runs_here = [f for f in candidates if _python_ok(f)]
    does_not = [f for f in candidates if not _python_ok(f)]
    for group in (runs_here, does_not):
        for chooser in (_best_compatible_wheel, _best_pure_wheel, _best_sdist):
            if (chosen := chooser(group)) is not None:
                return chosen
    wheels = sorted((f for f in candidates if f.kind is FileKind.WHEEL), key=lambda f: (f.yanked, f.filename))
    if allow_incompatible and wheels:
        return wheels[0]
    listed = ", ".join(sorted(f.filename for f in candidates))
    raise NoSuitableFile(
        f"{project} {wanted}: no wheel for this interpreter ({_interpreter()}) and no sdist; files: {listed}"
    )


def release_versions(files: Iterable[IndexFile], *, prereleases: bool = False, yanked: bool = False) -> list[Version]:
    """Versions with files, sorted; by default without pre-releases and without fully yanked releases.

    A release counts as yanked only if every one of its files is (PEP 592 yanks whole releases,
    but indexes are free to mark files one by one).
    """
    live: dict[Version, bool] = {}
    for f in files:
        live[f.version] = live.get(f.version, False) or not f.yanked
    return releases_among(live, prereleases=prereleases, yanked=yanked)


def releases_among(live: Mapping[Version, bool], *, prereleases: bool = False, yanked: bool = False) -> list[Version]:
    """``release_versions`` over each version and whether any of its files is not yanked."""
    return sorted(v for v, has_live in live.items() if (prereleases or not v.is_prerelease) and (yanked or has_live))


def latest_version(files: Iterable[IndexFile], *, prereleases: bool = False, yanked: bool = False) -> Version | None:
    """The highest release under the same rules as ``release_versions``; None if there is none."""
    versions = release_versions(files, prereleases=prereleases, yanked=yanked)
    return versions[-1] if versions else None


def previous_version(
    files: Iterable[IndexFile], before: Version, *, prereleases: bool = False, yanked: bool = False
) -> Version | None:
    """The highest release lower than ``before`` (for comparing a release with its predecessor)."""
    versions = [v for v in release_versions(files, prereleases=prereleases, yanked=yanked) if v < before]
    return versions[-1] if versions else None


def _best_compatible_wheel(files: list[IndexFile]) -> IndexFile | None:
    priority = _tag_priority()
    ranked = []
    for f in files:
        if f.kind is not FileKind.WHEEL:
            continue
        build, tags = _wheel_build_and_tags(f.filename)
        ranks = [priority[tag] for tag in tags if tag in priority]
        if ranks:
            ranked.append((f.yanked, min(ranks), _descending(build), f.filename, f))
    return min(ranked, key=lambda item: item[:4])[-1] if ranked else None


def _best_pure_wheel(files: list[IndexFile]) -> IndexFile | None:
    ranked = []
    for f in files:
        if f.kind is not FileKind.WHEEL:
            continue
        _build, tags = _wheel_build_and_tags(f.filename)
        pure = [tag for tag in tags if tag.abi == "none" and tag.platform == "any"]
        if pure:
            python3 = any(tag.interpreter.startswith("py3") for tag in pure)
            ranked.append((f.yanked, not python3, f.filename, f))
    return min(ranked, key=lambda item: item[:3])[-1] if ranked else None


def _best_sdist(files: list[IndexFile]) -> IndexFile | None:
    sdists = [f for f in files if f.kind is FileKind.SDIST]
    return min(sdists, key=lambda f: (f.yanked, not f.filename.endswith(".tar.gz"), f.filename)) if sdists else None


@lru_cache(maxsize=4096)
def _wheel_build_and_tags(filename: str) -> tuple[tuple[()] | tuple[int, str], frozenset[Tag]]:
    # Cached: the wheels of a release are ranked more than once (wheel choice, then history).
    _name, _version, build, tags = parse_wheel_filename(filename)
    return build, tags


def _descending(build: tuple[()] | tuple[int, str]) -> int:
    # pip prefers the highest build number; a wheel without one sorts after any that has one.
    return -build[0] if build else 1


def _python_ok(f: IndexFile) -> bool:
    return f.requires_python is None or _runs_here(f.requires_python)


@lru_cache(maxsize=1024)
def _runs_here(requires_python: str) -> bool:
    # Cached: a project's releases repeat a handful of specifiers, and parsing one is slow.
    try:
        return SpecifierSet(requires_python).contains(platform.python_version(), prereleases=True)
    except InvalidSpecifier:
        return True  # pip ignores a Requires-Python it cannot parse


@cache
def _tag_priority() -> dict[Tag, int]:
    priority: dict[Tag, int] = {}
    for rank, tag in enumerate(sys_tags()):
        priority.setdefault(tag, rank)
    return priority


def _interpreter() -> str:
    first = next(iter(sys_tags()))
    return f"{first.interpreter}-{first.abi}-{first.platform}"


def previous_release_file(files: Iterable[IndexFile], filename: str, version: Version) -> IndexFile | None:
    """The file of the closest lower release to compare ``filename`` with: the same kind (wheel or
    sdist) and, for wheels, the same tags when that release has them; None for a first release."""
    files = list(files)
    kind = FileKind.WHEEL if filename.endswith(".whl") else FileKind.SDIST
    same_kind = [f for f in files if f.kind is kind]
    # Yanked releases are skipped: a withdrawn (perhaps malicious) release is no baseline.
    before = previous_version(same_kind, version, prereleases=version.is_prerelease)
    if before is None:
        return None
    candidates = [f for f in same_kind if f.version == before]
    if kind is FileKind.WHEEL:
        tags = filename.rsplit("-", 3)[1:]  # python, abi and platform tags of the file being judged
        same_tags = [f for f in candidates if f.filename.rsplit("-", 3)[1:] == tags]
        if same_tags:
            return same_tags[0]
        return _best_compatible_wheel(candidates) or candidates[0]
    return candidates[0]


def release_upload_times(files: Iterable[IndexFile]) -> list[tuple[Version, datetime | None]]:
    """Each live (not fully yanked) version with the upload time of its newest file: a file added
    to an old release later makes the release as young as that file. None when any of its files
    has no readable upload time (its age cannot be shown)."""
    newest: dict[Version, datetime | None] = {}
    for f in files:
        if f.yanked or (f.version in newest and newest[f.version] is None):
            continue
        uploaded = upload_datetime(f.upload_time)
        earlier = newest.get(f.version)
        newest[f.version] = None if uploaded is None else max(uploaded, earlier) if earlier else uploaded
    return sorted(newest.items())


def upload_datetime(text: str | None) -> datetime | None:
    """A PEP 700 upload time as an aware UTC datetime; None when absent or unreadable (alike: unknown)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


ESTABLISHED_PROJECT_AGE = timedelta(days=365)
ESTABLISHED_PROJECT_RELEASES = 3


def is_established_project(files: Iterable[IndexFile], now: datetime | None = None) -> bool:
    """Whether a project has a history of its own: at least ESTABLISHED_PROJECT_RELEASES live
    releases, the first uploaded ESTABLISHED_PROJECT_AGE ago or more. A squat is days old and has
    one or two releases; a genuine project that happens to sit one letter from a popular one has
    years of them. Unknown upload times do not count as history."""
    times = [uploaded for _version, uploaded in release_upload_times(files) if uploaded is not None]
    if len(times) < ESTABLISHED_PROJECT_RELEASES:
        return False
    return (now or datetime.now(UTC)) - min(times) >= ESTABLISHED_PROJECT_AGE
