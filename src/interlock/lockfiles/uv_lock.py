"""uv's ``uv.lock`` (TOML, ``version = 1``).

Each ``[[package]]`` has a ``name``, usually a ``version``, and a ``source``:

- ``registry = URL`` (or a local directory uv treats as one): ``PINNED``, with its ``sdist`` and
  ``wheels`` (each ``url``/``path``/``filename``, ``hash``, ``size``) as the exact files;
- ``git``, ``url``, ``path``, ``directory``, ``editable``: ``UNVERIFIABLE`` (a ``url`` source
  still lists the file and its hash);
- ``virtual``, and ``editable`` for the lock's own projects (``"."`` or a ``[manifest] members``
  name): the user's own code, recorded in ``Lockfile.local_projects`` and not judged.

``resolution-markers`` (the environments an entry was resolved for, when uv forked the
resolution) become the package's marker.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

from interlock.lockfiles._fields import (
    DIRECT_URL,
    EDITABLE_DIRECTORY,
    LOCAL_DIRECTORY,
    LOCAL_PATH,
    VCS,
    Entry,
    filename_from_url,
    hash_problems,
    hash_set,
    index_urls_of,
    local_file_url,
    package_entries,
)
from interlock.lockfiles._text import load_toml, read_text
from interlock.lockfiles.interface import (
    ArtifactFile,
    LockedPackage,
    Lockfile,
    LockfileFormat,
    LockfileReader,
    PinStatus,
)

SUPPORTED_VERSION = 1
_SOURCE_KINDS = ("registry", "git", "url", "path", "directory", "editable", "virtual")
_REASONS = {
    "git": VCS,
    "url": DIRECT_URL,
    "path": LOCAL_PATH,
    "directory": LOCAL_DIRECTORY,
    "editable": EDITABLE_DIRECTORY,
}


class UvLockReader(LockfileReader):
    format = LockfileFormat.UV_LOCK

    def claims_name(self, name: str) -> bool:
        return name == "uv.lock"

    def claims_content(self, text: str) -> bool:
        return all(
            re.search(pattern, text, re.MULTILINE)
            for pattern in (r"^version\s*=\s*\d+\s*$", r"^\[\[package\]\]", r"^source\s*=\s*\{")
        )

    def read(self, path: Path, text: str | None = None) -> Lockfile:
        return read_uv_lock(path, text)


def read_uv_lock(path: Path, text: str | None = None) -> Lockfile:
    """The packages of a ``uv.lock``; see the module docstring."""
    text = read_text(path) if text is None else text
    document = load_toml(path, text)
    top = Entry(document, path, "uv.lock", 1, text)
    version = top.get("version", int, required=True)
    if version != SUPPORTED_VERSION:
        raise top.error(f"lock version {version} is not supported (this reads version {SUPPORTED_VERSION})", "version")
    members = set(_manifest_members(top))
    packages: list[LockedPackage] = []
    local: list[str] = []
    for name, entry in package_entries(top):
        package = _package(entry, name, members)
        if package is None:
            local.append(name)
        else:
            packages.append(package)
    return Lockfile(
        path=path,
        format=LockfileFormat.UV_LOCK,
        packages=tuple(packages),
        problems=tuple(hash_problems(packages)),
        index_urls=index_urls_of(packages),
        local_projects=tuple(local),
        files_read=(path,),
    )


def _manifest_members(top: Entry) -> list[str]:
    manifest = top.get("manifest", dict)
    if manifest is None:
        return []
    members = Entry(manifest, top.path, "[manifest]", top.line, top.text).get("members", list) or []
    return [m for m in members if isinstance(m, str)]


def _package(entry: Entry, name: str, members: set[str]) -> LockedPackage | None:
    """The package, or None for the lock's own project."""
    source = entry.get("source", dict, required=True)
    kinds = [kind for kind in _SOURCE_KINDS if kind in source]
    if len(kinds) != 1:
        raise entry.error(f"'source' must have exactly one of {', '.join(_SOURCE_KINDS)}", "source")
    kind = kinds[0]
    location = source[kind]
    if not isinstance(location, str):
        raise entry.error(f"'source.{kind}' must be a string", "source")
    if kind == "virtual" or (
        kind == "editable" and (location == "." or name in {canonicalize_name(m) for m in members})
    ):
        return None
    version = entry.version()
    if kind == "registry" and version is None:
        raise entry.error("a package from a registry must have a version", "version")
    files = _files(entry, location if kind == "url" else None)
    registry = kind == "registry"
    return LockedPackage(
        name=name,  # type: ignore[arg-type]
        version=version,
        status=PinStatus.PINNED if registry else PinStatus.UNVERIFIABLE,
        requirement=f"{name}=={version}" if version is not None else name,
        source=entry.path,
        line=entry.line,
        marker=_resolution_marker(entry),
        hashes=frozenset().union(*(f.hashes for f in files)),
        files=files,
        index_urls=(location,) if registry else (),
        reason=None if registry else _REASONS[kind],
        url=None if registry else location,
    )


def _files(entry: Entry, source_url: str | None) -> tuple[ArtifactFile, ...]:
    """The sdist and wheels; a ``url`` source's file is the source URL, its table gives only the hash."""
    sdist = entry.get("sdist", dict)
    tables = ([sdist] if sdist is not None else []) + list(entry.tables("wheels"))
    files = []
    for table in tables:
        file_entry = Entry(table, entry.path, f"{entry.what}, file", entry.line)
        url = file_entry.string("url") or source_url
        local = file_entry.string("path")
        filename = (
            file_entry.string("filename")
            or (filename_from_url(url) if url else None)
            or (Path(local).name if local else None)
        )
        if url is None and local is not None:
            url = local_file_url(entry.path, local)
        if not filename:
            continue  # a git or directory source's sdist entry names no file
        files.append(
            ArtifactFile(
                filename=filename,
                url=url,
                hashes=hash_set(file_entry, file_entry.get("hash", str), "hash"),
                size=file_entry.get("size", int),
            )
        )
    return tuple(files)


def _resolution_marker(entry: Entry) -> Marker | None:
    markers = entry.get("resolution-markers", list)
    if not markers:
        return None
    if not all(isinstance(m, str) for m in markers):
        raise entry.error("'resolution-markers' must be a list of strings", "resolution-markers")
    joined = markers[0] if len(markers) == 1 else " or ".join(f"({m})" for m in markers)
    return entry.marker(joined, "resolution-markers")
