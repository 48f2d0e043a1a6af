"""Typed access to the tables of a parsed lock, hashes in one form, and file names from URLs.

Lock contents are untrusted: ``version = 3`` or ``hashes = "x"`` must become a message naming
the entry and line, never a ``TypeError`` deep in a reader.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal, overload
from urllib.parse import unquote, urlsplit

from packaging.markers import InvalidMarker, Marker
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from interlock.lockfiles._text import key_line, table_lines
from interlock.lockfiles.interface import LockedPackage, LockfileError, Problem

_ALGORITHM = re.compile(r"^[a-z0-9_-]{1,32}$")
_HEX = re.compile(r"^[0-9a-f]+$")
# Digest lengths of the algorithms installers accept; others are kept if hex.
_HEX_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128, "sha224": 56, "sha1": 40, "md5": 32}
_SHOWN = 120

# Why an entry is UNVERIFIABLE, worded alike for every format.
VCS = "VCS reference (no index release behind it)"
LOCAL_PATH = "local path (no index release behind it)"
LOCAL_DIRECTORY = "local directory (no index release behind it)"
LOCAL_FILE = "local file (no index release behind it)"
DIRECT_URL = "direct URL (not from an index)"
EDITABLE = "editable install"
EDITABLE_DIRECTORY = "editable install of a local directory"

_TYPE_NAMES = {str: "a string", int: "an integer", bool: "a boolean", list: "an array", dict: "a table"}


def clip(text: str, limit: int = _SHOWN) -> str:
    """``text`` cut to ``limit`` characters for a one-line message."""
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Entry:
    """One table of a lock (a ``[[package]]``, a Pipfile.lock entry) and where it is, for messages."""

    data: Mapping[str, Any]
    path: Path
    """The lockfile."""
    what: str
    """How messages name the entry: ``package 'idna'``, ``package #3``."""
    line: int | None = None
    """Line of the entry's header, when known."""
    text: str | None = None
    """The lockfile's text, to find the line of a bad key (TOML locks)."""

    def error(self, message: str, key: str | None = None) -> LockfileError:
        line = key_line(self.text, self.line, key) if (key and self.text is not None) else self.line
        return LockfileError(self.path, line, f"{self.what}: {message}")

    def get(self, key: str, kind: type, *, required: bool = False) -> Any:
        """``data[key]`` if it has type ``kind`` (None when absent and not required)."""
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(f"'{key}' is missing", key)
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(f"'{key}' must be {_TYPE_NAMES[kind]}, not {type_name(value)}", key)
        return value

    @overload
    def string(self, key: str, *, required: Literal[True]) -> str: ...
    @overload
    def string(self, key: str, *, required: bool = False) -> str | None: ...
    def string(self, key: str, *, required: bool = False) -> str | None:
        """``data[key]`` if it is a string (None when absent and not required)."""
        return self.get(key, str, required=required)

    def tables(self, key: str) -> list[Mapping[str, Any]]:
        """``data[key]`` as a list of tables (empty when absent)."""
        items = self.get(key, list) or []
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise self.error(f"'{key}[{index}]' must be a table, not {type_name(item)}", key)
        return items

    def version(self, key: str = "version", *, text: str | None = None) -> Version | None:
        raw = self.string(key) if text is None else text
        if raw is None:
            return None
        try:
            return Version(raw)
        except InvalidVersion:
            raise self.error(f"invalid version {clip(raw)!r}", key) from None

    def marker(self, raw: str | None, key: str = "markers") -> Marker | None:
        if raw is None or not raw.strip():
            return None
        try:
            return Marker(raw)
        except InvalidMarker as exc:
            raise self.error(f"invalid marker {clip(raw)!r}: {first_line(exc)}", key) from None


def package_entries(top: Entry, key: str = "package") -> Iterator[tuple[NormalizedName, Entry]]:
    """Each table of the ``[[key]]`` array as (canonical name, its entry), with its header's line when known."""
    tables = top.tables(key)
    lines = table_lines(top.text or "", key)
    for index, table in enumerate(tables):
        line = lines[index] if len(lines) == len(tables) else None
        name = canonical_name(Entry(table, top.path, f"{key} #{index + 1}", line, top.text))
        yield name, Entry(table, top.path, f"{key} {name!r}", line, top.text)


def index_urls_of(packages: Iterable[LockedPackage]) -> tuple[str, ...]:
    """Every index URL the packages name, in order, once each."""
    return tuple(dict.fromkeys(url for package in packages for url in package.index_urls))


def canonical_name(entry: Entry, key: str = "name") -> NormalizedName:
    name = entry.string(key, required=True)
    if not re.match(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", name, re.IGNORECASE):
        raise entry.error(f"invalid project name {clip(name)!r}", key)
    return canonicalize_name(name)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (packaging adds a caret diagram below it)."""
    return clip(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, 200)


def normalise_hash(text: str) -> str | None:
    """``algorithm:hexdigest`` lower-cased from ``algorithm:hex`` or ``algorithm=hex``; None if malformed."""
    algorithm, separator, digest = text.strip().partition(":")
    if not separator:
        algorithm, separator, digest = text.strip().partition("=")
    algorithm, digest = algorithm.strip().lower(), digest.strip().lower()
    if not separator or not _ALGORITHM.match(algorithm) or not _HEX.match(digest):
        return None
    if _HEX_LENGTHS.get(algorithm, len(digest)) != len(digest):
        return None
    return f"{algorithm}:{digest}"


def hash_set(entry: Entry, values: object, key: str) -> frozenset[str]:
    """Hashes from a list of ``algo:hex`` strings, one such string, or a ``{algo = hex}`` table."""
    if values is None:
        return frozenset()
    if isinstance(values, str):
        items: list[object] = [values]
    elif isinstance(values, Mapping):
        items = [f"{algorithm}:{digest}" if isinstance(digest, str) else digest for algorithm, digest in values.items()]
    elif isinstance(values, list):
        items = values
    else:
        raise entry.error(f"'{key}' must be a hash or a list of hashes, not {type_name(values)}", key)
    hashes = set()
    for item in items:
        normal = normalise_hash(item) if isinstance(item, str) else None
        if normal is None:
            shown = clip(item) if isinstance(item, str) else type_name(item)
            raise entry.error(f"malformed hash {shown!r} (expected algorithm:hexdigest)", key)
        hashes.add(normal)
    return frozenset(hashes)


def filename_from_url(url: str) -> str:
    """The last path segment of a URL, percent-decoded ('' when there is none)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return unquote(PurePosixPath(path).name) if path else ""


def local_file_url(lockfile: Path, relative: str) -> str:
    """A ``file:`` URL for a path a lock gives relative to itself (never opened here)."""
    return Path(os.path.abspath(lockfile.parent / relative)).as_uri()


def hash_problems(packages: list[LockedPackage] | tuple[LockedPackage, ...]) -> list[Problem]:
    """A problem for each package whose lock gives hashes, but no sha256 (the one Interlock checks)."""
    problems = []
    for package in packages:
        every = set(package.hashes).union(*(f.hashes for f in package.files))
        if every and not package.sha256s:
            algorithms = ", ".join(sorted({h.split(":", 1)[0] for h in every}))
            problems.append(
                Problem(
                    package.source, package.line, f"{package.name}: only {algorithms} hashes; Interlock checks sha256"
                )
            )
    return problems
