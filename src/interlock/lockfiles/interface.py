"""The values every lockfile reader produces, and the one interface each format implements.

A reader turns a file into a ``Lockfile``: the packages it would have installed, each a
``LockedPackage`` saying whether it names one exact release (``PINNED``), leaves the version to
the resolver (``UNPINNED``), or points somewhere an index cannot vouch for (``UNVERIFIABLE``).
Judging those packages is the caller's job; readers only read, and never fetch, build or import.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from packaging.markers import Marker
from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName
from packaging.version import Version

from interlock.index.urls import redact

MiB = 1024 * 1024
MAX_FILE_BYTES = 32 * MiB
"""Largest lockfile (or included requirements file) read; a 200-package uv.lock is about 0.5 MiB."""


def where(path: Path, line: int | None) -> str:
    """``path:line``, or ``path`` when no line is known."""
    return f"{path}:{line}" if line else str(path)


class PinStatus(StrEnum):
    PINNED = "pinned"
    """One exact release (``==X`` or a lock entry with a version from an index): it can be judged."""
    UNPINNED = "unpinned"
    """A range or a bare name: which release gets installed is up to the resolver on the day."""
    UNVERIFIABLE = "unverifiable"
    """A URL, VCS checkout, local path or editable install: no index release stands behind it."""


class LockfileFormat(StrEnum):
    REQUIREMENTS = "requirements"
    UV_LOCK = "uv.lock"
    POETRY_LOCK = "poetry.lock"
    PYLOCK = "pylock.toml"
    PIPFILE_LOCK = "Pipfile.lock"
    ENVIRONMENT = "environment"
    """Installed distributions of an interpreter (``read_environment``), not a file."""


class LockfileError(ValueError):
    """A lockfile that cannot be read: ``str()`` is ``path:line: message`` (``path: message`` without a line)."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        """The file at fault (an included requirements file, when the fault is there)."""
        self.line = line
        """1-based line of the fault, or None when no line can be named."""
        self.message = message
        """What was wrong, one line."""
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{where(self.path, self.line)}: {self.message}"


@dataclass(frozen=True)
class ArtifactFile:
    """One exact file the lock allows for a package (a wheel or an sdist)."""

    filename: str
    """The file's name as the lock gives it or as the last part of its URL; not yet checked as a safe path."""
    url: str | None = None
    """Where to download it, when the lock says; a file the lock names by local path is a ``file:`` URL."""
    hashes: frozenset[str] = frozenset()
    """``algorithm:hexdigest``, lower-case (see ``LockedPackage.hashes``)."""
    size: int | None = None
    """Size in bytes, when the lock records it (uv.lock, pylock.toml)."""

    @property
    def sha256(self) -> str | None:
        """The sha256 hex digest, if the lock gave one."""
        return next((h.removeprefix("sha256:") for h in sorted(self.hashes) if h.startswith("sha256:")), None)


@dataclass(frozen=True)
class LockedPackage:
    """One package a lockfile (or environment) installs, as exactly as the lockfile pins it."""

    name: NormalizedName
    """Canonical name (``packaging.utils.canonicalize_name``). For an unnamed URL or path in a
    requirements file, the name given by ``#egg=`` or the file name, else guessed from the last
    path segment (``reason`` says so)."""
    version: Version | None
    """The exact version when pinned (or when an unverifiable entry states one); None otherwise."""
    status: PinStatus
    requirement: str
    """The entry as written (requirements line without its options), or ``name==version`` rebuilt
    from a lock's fields. Unexpanded: ``${VAR}`` stays as written, so secrets do not leak into reports."""
    source: Path
    """The file the entry came from (an included file for ``-r``), or the ``.dist-info`` directory
    of an installed distribution."""
    line: int | None = None
    """1-based line of the entry in ``source``, when known."""
    marker: Marker | None = None
    """Environment marker, not evaluated: the caller decides which environment it audits for."""
    extras: frozenset[str] = frozenset()
    """Requested extras, canonicalised."""
    hashes: frozenset[str] = frozenset()
    """Hashes of the allowed files as ``algorithm:hexdigest``, lower-case. sha256 is what Interlock
    checks; other algorithms are kept as the lock gave them and noted in ``Lockfile.problems``."""
    files: tuple[ArtifactFile, ...] = ()
    """The exact files the lock lists (uv.lock, pylock.toml, poetry.lock; Pipfile.lock lists hashes only)."""
    index_urls: tuple[str, ...] = ()
    """Indexes the installer would look this package up in, when the lock says; empty means the
    installer's configured default. Credentials in them are real: show them through ``display_url``."""
    specifier: SpecifierSet | None = None
    """For a named requirement of a requirements file: the versions it allows (empty for a bare name)."""
    reason: str | None = None
    """Why the entry is ``UNPINNED`` or ``UNVERIFIABLE`` (and how a constraint pinned it); None when plainly pinned."""
    url: str | None = None
    """For a direct reference: the URL, VCS URL or path it points at (expanded)."""
    groups: frozenset[str] = frozenset()
    """Dependency groups the lock puts it in (Pipfile.lock ``default``/``develop``, poetry
    ``groups``/``category``); empty when the format does not say."""
    installer: str | None = None
    """For an installed distribution: the tool that installed it (its ``INSTALLER`` file)."""

    @property
    def sha256s(self) -> frozenset[str]:
        """The sha256 hex digests among ``hashes`` and the files' hashes."""
        every = set(self.hashes).union(*(f.hashes for f in self.files))
        return frozenset(h.removeprefix("sha256:") for h in every if h.startswith("sha256:"))

    @property
    def label(self) -> str:
        """``name==version`` for a pinned entry, else the name; for messages."""
        return f"{self.name}=={self.version}" if self.version is not None else self.name

    @property
    def location(self) -> str:
        """``source:line`` (or just ``source``), for messages."""
        return where(self.source, self.line)


@dataclass(frozen=True)
class Problem:
    """Something worth telling the user that did not stop the lockfile from being read."""

    source: Path
    """The file it concerns."""
    line: int | None
    """1-based line, when one can be named."""
    message: str
    """One line; URLs in it have their credentials removed."""

    def __str__(self) -> str:
        return f"{where(self.source, self.line)}: {self.message}"


@dataclass(frozen=True)
class Lockfile:
    """What one lockfile (with its includes) or one environment installs."""

    path: Path
    """The lockfile read (for an environment: the interpreter)."""
    format: LockfileFormat
    packages: tuple[LockedPackage, ...]
    """In the order the lock lists them; a package may appear more than once (per marker, per site directory)."""
    problems: tuple[Problem, ...] = ()
    """Warnings: options that weaken the install (``--trusted-host``), ignored options, duplicates, weak hashes."""
    index_urls: tuple[str, ...] = ()
    """Every index URL the lock names, in order, without duplicates (expanded; see ``display_url``)."""
    local_projects: tuple[str, ...] = ()
    """The lock's own projects (uv workspace members), skipped rather than judged: they are the user's code."""
    files_read: tuple[Path, ...] = field(default=())
    """Every file read to build this value (the lockfile and its ``-r``/``-c`` includes)."""

    def by_status(self, status: PinStatus) -> tuple[LockedPackage, ...]:
        return tuple(p for p in self.packages if p.status is status)


def display_url(url: str) -> str:
    """The URL with any ``user:password`` replaced, for messages and reports; never raises."""
    try:
        return redact(url)
    except ValueError:  # an unparseable port or netloc: show nothing that could be a secret
        return "<unparseable URL>"


class LockfileReader(ABC):
    """One lockfile format: how to recognise it and how to read it."""

    format: LockfileFormat
    """The format this reader reads."""

    @abstractmethod
    def claims_name(self, name: str) -> bool:
        """Whether a file of this name is in this format (``uv.lock``, ``requirements-dev.txt``...)."""

    @abstractmethod
    def claims_content(self, text: str) -> bool:
        """Whether text of a file with an unusual name looks like this format; cheap, never raises."""

    @abstractmethod
    def read(self, path: Path, text: str | None = None) -> Lockfile:
        """The packages the file installs; ``LockfileError`` when it cannot be read. ``text`` is the
        file's content when the caller already has it (standard input), else ``path`` is read."""
