"""Pipenv's ``Pipfile.lock`` (JSON).

Packages are in ``default`` and ``develop`` (the groups). An entry with ``"version": "==X"`` is
``PINNED`` with its ``hashes`` (Pipfile.lock lists hashes, not files); ``git``, ``path``,
``file`` and ``editable`` entries are ``UNVERIFIABLE``; an entry without a version, or with
``"*"``, is ``UNPINNED``. ``_meta.sources`` gives the index URLs; an entry's ``index`` names one
of them (one it does not define is noted, and every source used). A source with
``verify_ssl: false`` is noted as a problem.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from interlock.lockfiles._fields import DIRECT_URL, EDITABLE, LOCAL_PATH, VCS, Entry, clip, hash_problems, hash_set
from interlock.lockfiles._text import load_json, read_text
from interlock.lockfiles.interface import (
    LockedPackage,
    Lockfile,
    LockfileError,
    LockfileFormat,
    LockfileReader,
    PinStatus,
    Problem,
    display_url,
)

SECTIONS = ("default", "develop")
_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*:')
_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_REASONS = {"git": VCS, "hg": VCS, "svn": VCS, "bzr": VCS, "path": LOCAL_PATH, "file": DIRECT_URL}


class PipfileLockReader(LockfileReader):
    format = LockfileFormat.PIPFILE_LOCK

    def claims_name(self, name: str) -> bool:
        return name == "Pipfile.lock"

    def claims_content(self, text: str) -> bool:
        return text.lstrip().startswith("{") and '"_meta"' in text and ('"default"' in text or '"develop"' in text)

    def read(self, path: Path, text: str | None = None) -> Lockfile:
        return read_pipfile_lock(path, text)


def read_pipfile_lock(path: Path, text: str | None = None) -> Lockfile:
    """The packages of a ``Pipfile.lock``; see the module docstring."""
    text = read_text(path) if text is None else text
    document = load_json(path, text)
    if not isinstance(document, dict):
        raise LockfileError(path, 1, "a Pipfile.lock must be a JSON object")
    top = Entry(document, path, "Pipfile.lock", 1)
    key_lines = _KeyLines(text)
    sources, problems = _sources(top, key_lines.first("sources"))
    packages = []
    for section in SECTIONS:
        entries = top.get(section, dict) or {}
        section_line = key_lines.first(section)
        for name, value in entries.items():
            line = key_lines.first(name, section_line) if section_line else None
            entry = Entry(value if isinstance(value, Mapping) else {}, path, f"{section} package {clip(name)!r}", line)
            if not isinstance(value, Mapping):
                raise entry.error(f"must be an object, not {type(value).__name__}")
            if not _NAME.match(name):
                raise entry.error("invalid project name")
            packages.append(_package(entry, canonicalize_name(name), section, sources, problems))
    return Lockfile(
        path=path,
        format=LockfileFormat.PIPFILE_LOCK,
        packages=tuple(packages),
        problems=(*problems, *hash_problems(packages)),
        index_urls=tuple(dict.fromkeys(sources.values())),
        files_read=(path,),
    )


def _sources(top: Entry, line: int | None) -> tuple[dict[str, str], list[Problem]]:
    """Source name -> URL from ``_meta.sources``, and a problem for each that turns TLS checks off."""
    meta = top.get("_meta", dict) or {}
    raw = Entry(meta, top.path, "_meta", line).get("sources", list) or []
    sources: dict[str, str] = {}
    problems = []
    for index, item in enumerate(raw):
        source = Entry(item if isinstance(item, Mapping) else {}, top.path, f"_meta.sources[{index}]", line)
        if not isinstance(item, Mapping):
            raise source.error("must be an object")
        url = source.string("url", required=True)
        sources[source.string("name") or str(index)] = url
        if source.get("verify_ssl", bool) is False:
            problems.append(
                Problem(
                    top.path, line, f"source {display_url(url)} has verify_ssl false: TLS certificates are not checked"
                )
            )
    return sources, problems


class _KeyLines:
    """Lines of every ``"key":`` that starts a line (pipenv writes one key per line), found in one pass."""

    def __init__(self, text: str) -> None:
        self.lines: dict[str, list[int]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if match := _KEY.match(line):
                self.lines.setdefault(match[1], []).append(number)

    def first(self, key: str, after: int = 0) -> int | None:
        """The first line holding ``key`` after line ``after``."""
        candidates = self.lines.get(key, [])
        index = bisect.bisect_right(candidates, after)
        return candidates[index] if index < len(candidates) else None


def _package(entry: Entry, name: str, section: str, sources: dict[str, str], problems: list[Problem]) -> LockedPackage:
    version_text = entry.string("version")
    extras = frozenset(canonicalize_name(e) for e in (entry.get("extras", list) or []) if isinstance(e, str))
    index = entry.string("index")
    if index is not None and index not in sources:
        # Which source was meant cannot be known, but the package can still be judged: noted, not refused.
        problems.append(
            Problem(
                entry.path,
                entry.line,
                f"{entry.what}: 'index' names {clip(index)!r}, which _meta.sources does not define; "
                "looked up in every source",
            )
        )
        index = None
    common: dict[str, Any] = dict(
        name=name,
        requirement=f"{name}{version_text or ''}",
        source=entry.path,
        line=entry.line,
        marker=entry.marker(entry.string("markers")),
        extras=extras,
        hashes=hash_set(entry, entry.get("hashes", list), "hashes"),
        groups=frozenset([section]),
    )
    direct = next((key for key in _REASONS if key in entry.data), None)
    if direct is not None or entry.data.get("editable") is True:
        reason = EDITABLE if entry.data.get("editable") is True else _REASONS[direct]  # type: ignore[index]
        location = entry.string(direct) if direct else None
        version = entry.version(text=version_text[2:]) if version_text and version_text.startswith("==") else None
        return LockedPackage(version=version, status=PinStatus.UNVERIFIABLE, reason=reason, url=location, **common)
    index_urls = (sources[index],) if index is not None else tuple(sources.values())
    if version_text and version_text.startswith("==") and "*" not in version_text:
        version = entry.version(text=version_text[2:].strip())
        return LockedPackage(version=version, status=PinStatus.PINNED, index_urls=index_urls, **common)
    reason = (
        f"version '{clip(version_text)}' is not a pin" if version_text and version_text != "*" else "no version pinned"
    )
    return LockedPackage(version=None, status=PinStatus.UNPINNED, reason=reason, index_urls=index_urls, **common)
