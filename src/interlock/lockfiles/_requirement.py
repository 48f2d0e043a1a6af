"""One requirement of a requirements file (a named requirement, a URL or a path) as a ``LockedPackage``.

Named requirements are parsed by ``packaging.requirements.Requirement``. What pip accepts beyond
PEP 508 — a bare URL, a local path, an archive file name, ``-e`` — is recognised the way pip
recognises it, and becomes ``UNVERIFIABLE``: nothing on an index stands behind it.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from interlock.lockfiles._fields import DIRECT_URL, EDITABLE, LOCAL_PATH, VCS, clip, filename_from_url, first_line
from interlock.lockfiles.interface import ArtifactFile, LockedPackage, LockfileError, PinStatus

# pip's archive suffixes: a requirement ending in one is a file, not a project name.
_ARCHIVE_SUFFIXES = (
    ".whl",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".zip",
    ".tar.bz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^file:", re.ASCII)
_VCS_SCHEMES = ("git+", "hg+", "svn+", "bzr+")


def parse_requirement(
    written: str, text: str, path: Path, line: int, hashes: frozenset[str], *, editable: bool = False
) -> LockedPackage:
    """The package for requirement ``text`` (expanded) written as ``written`` at ``path:line``."""
    if editable:
        return _direct(written, text, path, line, hashes, EDITABLE)
    if not (_looks_like_url(text) or _looks_like_path(text)):
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            raise LockfileError(path, line, f"invalid requirement {clip(written)!r}: {first_line(exc)}") from None
        return _named(requirement, written, path, line, hashes)
    return _direct(written, text, path, line, hashes, None)


def _looks_like_url(text: str) -> bool:
    return bool(_URL.match(text)) or text.startswith(_VCS_SCHEMES)


def _looks_like_path(text: str) -> bool:
    location = text.split(";", 1)[0].strip()
    if " @ " in location or "@" in location.split("/", 1)[0]:
        return False  # `name @ url`: a named requirement
    return (
        location.startswith((".", "/", "~", "\\"))
        or "/" in location
        or "\\" in location
        or location.lower().endswith(_ARCHIVE_SUFFIXES)
    )


def _named(requirement: Requirement, written: str, path: Path, line: int, hashes: frozenset[str]) -> LockedPackage:
    name = canonicalize_name(requirement.name)
    extras = frozenset(canonicalize_name(extra) for extra in requirement.extras)
    common = dict(
        name=name, requirement=written, source=path, line=line, marker=requirement.marker, extras=extras, hashes=hashes
    )
    if requirement.url:
        status_reason = _direct_reason(requirement.url)
        return LockedPackage(
            version=None,
            status=PinStatus.UNVERIFIABLE,
            reason=status_reason,
            url=requirement.url,
            files=_url_files(requirement.url, hashes),
            **common,  # type: ignore[arg-type]
        )
    common["specifier"] = requirement.specifier
    specifiers = list(requirement.specifier)
    if len(specifiers) == 1 and specifiers[0].operator in ("==", "===") and "*" not in specifiers[0].version:
        try:
            return LockedPackage(version=Version(specifiers[0].version), status=PinStatus.PINNED, **common)  # type: ignore[arg-type]
        except InvalidVersion:
            reason = f"'{specifiers[0]}' is not a version Interlock can look up"
            return LockedPackage(version=None, status=PinStatus.UNPINNED, reason=reason, **common)  # type: ignore[arg-type]
    reason = f"version range '{requirement.specifier}'" if specifiers else "no version given"
    return LockedPackage(version=None, status=PinStatus.UNPINNED, reason=reason, **common)  # type: ignore[arg-type]


def _direct(written: str, text: str, path: Path, line: int, hashes: frozenset[str], kind: str | None) -> LockedPackage:
    """An unnamed URL or path (pip: ``url ; marker`` needs a space before ``;``, a path does not)."""
    separator = "; " if _looks_like_url(text) else ";"
    location, _, marker_text = text.partition(separator)
    location = location.strip()
    marker = None
    if marker_text.strip():
        try:
            marker = Marker(marker_text.strip())
        except InvalidMarker as exc:
            raise LockfileError(
                path, line, f"invalid marker {clip(marker_text.strip())!r}: {first_line(exc)}"
            ) from None
    extras: frozenset[str] = frozenset()
    if not _looks_like_url(location) and location.endswith("]") and "[" in location:  # `./pkg[dev,test]`
        location, _, listed = location[:-1].rpartition("[")
        extras = frozenset(canonicalize_name(e.strip()) for e in listed.split(",") if e.strip())
    name, version, guessed = _name_of(location)
    reason = kind or _direct_reason(location)
    if guessed:
        reason += "; name guessed from the location"
    return LockedPackage(
        name=name,
        version=version,
        status=PinStatus.UNVERIFIABLE,
        requirement=written,
        source=path,
        line=line,
        marker=marker,
        extras=extras,
        hashes=hashes,
        files=_url_files(location, hashes),
        reason=reason,
        url=location,
    )


def _direct_reason(location: str) -> str:
    if location.startswith(_VCS_SCHEMES):
        return VCS
    if location.startswith("file:") or not _looks_like_url(location):
        return LOCAL_PATH
    return DIRECT_URL


def _name_of(location: str) -> tuple[NormalizedName, Version | None, bool]:
    """Name (and version, from an archive's file name) of an unnamed location; ``guessed`` when from the path."""
    try:
        fragment = urlsplit(location).fragment
    except ValueError:
        fragment = ""
    if egg := parse_qs(fragment).get("egg"):
        return canonicalize_name(egg[0].split("[", 1)[0]), None, False
    filename = filename_from_url(location) if _looks_like_url(location) else Path(location.rstrip("/\\")).name
    try:
        if filename.endswith(".whl"):
            name, version, _build, _tags = parse_wheel_filename(filename)
            return name, version, False
        if filename.endswith((".tar.gz", ".zip")):
            name, version = parse_sdist_filename(filename)
            return name, version, False
    except (InvalidWheelFilename, InvalidSdistFilename):
        pass
    stem = filename.split("@", 1)[0].removesuffix(".git") or "unknown"
    return canonicalize_name(stem), None, True


def _url_files(location: str, hashes: frozenset[str]) -> tuple[ArtifactFile, ...]:
    """The one exact file a URL to an archive names (none for a directory or a VCS checkout)."""
    if not _looks_like_url(location) or location.startswith(_VCS_SCHEMES):
        return ()
    filename = filename_from_url(location)
    if not filename.lower().endswith(_ARCHIVE_SUFFIXES):
        return ()
    return (ArtifactFile(filename=filename, url=location.split("#", 1)[0], hashes=hashes),)
