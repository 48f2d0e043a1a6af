"""One file an index lists for a project, and how its filename is read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class FileKind(StrEnum):
    WHEEL = "wheel"
    SDIST = "sdist"


@dataclass(frozen=True)
class IndexFile:
    """A release file as the index's simple page describes it (nothing here has been downloaded)."""

    project: NormalizedName
    """Canonical project name (``packaging.utils.canonicalize_name``)."""
    filename: str
    """As listed; checked again before anything is written under this name."""
    url: str
    """Absolute download URL (relative links already resolved against the page)."""
    sha256: str | None
    """Lower-case hex digest the index gave, or None when it gave none (or an invalid one)."""
    version: Version
    """Parsed from the filename."""
    kind: FileKind
    """Wheel or sdist; other kinds (eggs, .exe, .tar.bz2) are not listed."""
    requires_python: str | None = None
    """The ``Requires-Python`` specifier the index reports, unparsed."""
    yanked: bool = False
    """PEP 592: withdrawn by its publisher (pip still installs it for an exact ``==`` pin)."""
    yanked_reason: str | None = None
    """The publisher's reason, when yanked with one."""
    upload_time: str | None = None
    """PEP 700 ISO 8601 upload time (JSON pages only)."""
    size: int | None = None
    """PEP 700 size in bytes (JSON pages only)."""
    core_metadata: bool = False
    """PEP 658/714: the index serves the file's METADATA separately at ``url + '.metadata'``."""
    core_metadata_sha256: str | None = None
    """Hash of that METADATA file, when given."""
    provenance_url: str | None = None
    """PEP 740: absolute URL of the file's provenance object, when the index publishes one."""


def parse_filename(filename: str, project: str) -> tuple[FileKind, Version] | None:
    """Kind and version of a release file of ``project``; None for other projects or unreadable names.

    A file whose name belongs to another project is dropped, as pip drops it: an index page
    could otherwise slip someone else's artifact into a project's list.
    """
    split = split_filename(filename, _canonical(project))
    if split is None:
        return None
    version = parse_version(split[1])
    return None if version is None else (split[0], version)


def split_filename(filename: str, project: NormalizedName) -> tuple[FileKind, str] | None:
    """Kind and version *text* of a release file of canonical ``project``; None for other projects
    or unreadable names. The version text is checked by ``parse_version``.

    Wheel tags are not parsed here (selection does, for the few files it considers): a large
    project lists tens of thousands of wheels, and this runs for every one of them.
    """
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        if len(parts) not in (5, 6) or (len(parts) == 6 and not parts[2][:1].isdigit()):
            return None
        if _wheel_name(parts[0]) != project:
            return None
        return FileKind.WHEEL, parts[1]
    # As packaging's parse_sdist_filename: a PEP 440 version has no dash, so the last one splits.
    if filename.endswith(".tar.gz"):
        stem = filename[:-7]
    elif filename.endswith(".zip"):
        stem = filename[:-4]
    else:
        return None
    name, dash, version = stem.rpartition("-")
    if not dash or not name or _canonical(name) != project:
        return None
    return FileKind.SDIST, version


@lru_cache(maxsize=8192)
def parse_version(text: str) -> Version | None:
    """The version a filename gives, None when it is not PEP 440; cached, because every file of a
    release repeats it."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


@lru_cache(maxsize=8192)
def _wheel_name(name: str) -> NormalizedName | None:
    """A wheel's name field canonicalised, None when packaging's ``parse_wheel_filename`` would refuse it."""
    if "__" in name or not re.match(r"^[\w\d._]*$", name, re.UNICODE):
        return None
    return canonicalize_name(name)


@lru_cache(maxsize=1024)
def _canonical(project: str) -> NormalizedName:
    return canonicalize_name(project)


def valid_sha256(value: object) -> str | None:
    """The digest lower-cased if it is 64 hex characters, else None (never trusted as a path part)."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if _SHA256.match(value) else None
