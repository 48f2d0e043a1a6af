"""The downloaded artifacts kept under a size cap: the least recently used go first.

The files themselves are where the index client put them (``<dir>/<sha256[:2]>/<sha256>/<name>``);
this store keeps, in its own SQLite file, each one's size and when a judgement last used it — not
the file system's access time, which many systems do not keep (noatime) and which reading a file
for any other reason would bump. A judgement holds a lease on every file it reads, recorded with
its process id, and eviction passes over leased files: nothing in use is deleted, in this process
or another, and a lease left by a process that died is ignored. Eviction runs after a judgement
ends, so the cap may be passed while judgements are under way, by what they hold.

Like the other stores, this one never costs a scan: database trouble is a warning and nothing
evicted.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from interlock.index.artifacts import PARTIAL_DIR
from interlock.store.database import Database, Migration

MAX_SIZE_ENV = "INTERLOCK_CACHE_MAX_SIZE"
"""The cap on downloaded artifacts, like ``--cache-max-size`` (which wins over it)."""
DEFAULT_MAX_BYTES = 5 * 1000**3
"""5 GB: a few large lockfiles' worth of releases, cold."""
_STALE_PARTIAL_SECONDS = 600.0
"""A partial download untouched this long belongs to a process that is gone: prune removes it."""

_MIGRATIONS: tuple[Migration, ...] = (
    (
        """
        CREATE TABLE artifacts (
            sha256    TEXT PRIMARY KEY,
            path      TEXT NOT NULL,  -- relative to the artifact directory
            size      INTEGER NOT NULL,
            last_used REAL NOT NULL   -- Unix time a judgement last used it
        ) WITHOUT ROWID
        """,
        "CREATE INDEX artifacts_by_use ON artifacts (last_used)",
        """
        CREATE TABLE leases (
            id     INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL,
            pid    INTEGER NOT NULL
        )
        """,
    ),
)

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "t": 1000**4,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes in ``5GB``, ``500 MB``, ``1.5GiB``, ``0`` or ``1048576``; ValueError naming what is wrong."""
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"{text!r} is not a size (examples: 5GB, 500MB, 2GiB, 0)")
    return int(float(match.group(1)) * _UNITS[unit])


def describe_bytes(count: int) -> str:
    """``4.2 GB``, ``310 MB``, ``12 kB`` or ``512 bytes``, in the units sizes are given in."""
    for unit, size in (("TB", 1000**4), ("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count} bytes"


@dataclass(frozen=True)
class Eviction:
    """What one round of eviction removed."""

    files: int
    bytes: int
    kept_in_use: int = 0
    """Files that would have gone but are in use by a running judgement."""


@dataclass(frozen=True)
class ArtifactStats:
    files: int
    bytes: int
    partial_files: int
    partial_bytes: int


class ArtifactCache:
    """The artifacts under ``directory``, their use kept in ``index_path``; thread-safe."""

    def __init__(self, directory: Path, index_path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        # Written several times per judgement; losing the last writes only makes a file look older.
        self._database = Database(index_path, _MIGRATIONS, durable=False)
        self._lock = threading.Lock()
        self._held: dict[str, int] = {}  # sha256 -> leases this process holds
        self._reconciled = False

    # -- use ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lease(self, sha256: str | None) -> Iterator[None]:
        """Hold ``sha256``'s file against eviction while the block runs (take it before the download,
        so a file found on disk cannot be evicted between the check and the read); at its end the
        file counts as used just then."""
        if not sha256:
            yield
            return
        key = sha256.lower()
        with self._lock:
            self._held[key] = self._held.get(key, 0) + 1
        lease_id = self._database.run(
            lambda c: c.execute("INSERT INTO leases (sha256, pid) VALUES (?, ?)", (key, os.getpid())).lastrowid, None
        )
        try:
            yield
        finally:
            with self._lock:
                self._held[key] -= 1
                if not self._held[key]:
                    del self._held[key]
            # Used until now: the end of a judgement's use is what orders eviction.
            now = time.time()

            def release(connection: sqlite3.Connection) -> None:
                connection.execute("UPDATE artifacts SET last_used = ? WHERE sha256 = ?", (now, key))
                if lease_id is not None:
                    connection.execute("DELETE FROM leases WHERE id = ?", (lease_id,))

            self._database.run(release, None)

    def used(self, path: Path) -> None:
        """Record that a judgement used the artifact at ``path`` (one under ``directory``) just now."""
        try:
            relative = path.relative_to(self.directory)
            size = path.stat().st_size
        except (ValueError, OSError):
            return  # not in this cache (a local file), or gone meanwhile
        sha256 = relative.parts[1] if len(relative.parts) == 3 else None
        if sha256 is None:
            return
        row = (sha256.lower(), relative.as_posix(), size, time.time())
        self._database.run(lambda c: c.execute("INSERT OR REPLACE INTO artifacts VALUES (?, ?, ?, ?)", row), None)

    # -- eviction -----------------------------------------------------------------------------

    def evict(self, max_bytes: int | None = None) -> Eviction:
        """Remove the least recently used artifacts until the rest fit in ``max_bytes`` (default: the
        cap), passing over those in use."""
        cap = self.max_bytes if max_bytes is None else max_bytes
        if not self._reconciled:
            self.reconcile()
        if self.total_bytes() <= cap:
            return Eviction(0, 0)  # the common case, without taking the write lock
        held = self._held_here()

        def work(connection: sqlite3.Connection) -> Eviction:
            connection.execute("BEGIN IMMEDIATE")  # a lease taken meanwhile waits for this to end
            try:
                (total,) = connection.execute("SELECT COALESCE(SUM(size), 0) FROM artifacts").fetchone()
                if total <= cap:
                    connection.execute("COMMIT")
                    return Eviction(0, 0)
                busy = held | _leased_by_live_processes(connection)
                removed = freed = kept = 0
                for sha256, relative, size in connection.execute(
                    "SELECT sha256, path, size FROM artifacts ORDER BY last_used"
                ).fetchall():
                    if total <= cap:
                        break
                    if sha256 in busy:
                        kept += 1
                        continue
                    self._remove(relative)
                    connection.execute("DELETE FROM artifacts WHERE sha256 = ?", (sha256,))
                    removed, freed, total = removed + 1, freed + size, total - size
                connection.execute("COMMIT")
                return Eviction(removed, freed, kept)
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
                raise

        return self._database.run(work, Eviction(0, 0))

    def total_bytes(self) -> int:
        """The artifacts' size as the index knows it."""
        return self._database.run(
            lambda c: int(c.execute("SELECT COALESCE(SUM(size), 0) FROM artifacts").fetchone()[0]), 0
        )

    def remove_stale_partials(self, older_than: float = _STALE_PARTIAL_SECONDS) -> Eviction:
        """Partial downloads nobody has written to for ``older_than`` seconds (a killed process's)."""
        removed = freed = 0
        now = time.time()
        for path, stat in _partials(self.directory):
            if now - stat.st_mtime >= older_than:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed, freed = removed + 1, freed + stat.st_size
        return Eviction(removed, freed)

    def reconcile(self) -> None:
        """Make the index match the directory: files it does not know (an older Interlock's, or
        another process's) are added as last used when written; rows for vanished files go."""
        self._reconciled = True
        on_disk = dict(_artifact_files(self.directory))

        def work(connection: sqlite3.Connection) -> None:
            known = {row[0]: row[1] for row in connection.execute("SELECT sha256, path FROM artifacts")}
            connection.execute("BEGIN IMMEDIATE")
            try:
                for sha256, relative in known.items():
                    if relative not in on_disk:
                        connection.execute("DELETE FROM artifacts WHERE sha256 = ?", (sha256,))
                known_paths = set(known.values())
                connection.executemany(
                    "INSERT OR IGNORE INTO artifacts VALUES (?, ?, ?, ?)",
                    [
                        (relative.split("/")[1].lower(), relative, stat.st_size, stat.st_mtime)
                        for relative, stat in on_disk.items()
                        if relative not in known_paths
                    ],
                )
                connection.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
                raise

        self._database.run(work, None)

    def stats(self) -> ArtifactStats:
        files = total = 0
        for _relative, stat in _artifact_files(self.directory):
            files, total = files + 1, total + stat.st_size
        partials = [stat.st_size for _path, stat in _partials(self.directory)]
        return ArtifactStats(files, total, len(partials), sum(partials))

    def close(self) -> None:
        self._database.close()

    def __enter__(self) -> ArtifactCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- helpers ------------------------------------------------------------------------------

    def _held_here(self) -> set[str]:
        with self._lock:
            return set(self._held)

    def _remove(self, relative: str) -> None:
        path = self.directory / relative
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        for parent in (path.parent, path.parent.parent):  # <sha256>/ then <sha256[:2]>/, once empty
            with contextlib.suppress(OSError):
                parent.rmdir()


def _leased_by_live_processes(connection: sqlite3.Connection) -> set[str]:
    """Artifacts some running process holds; leases of processes that are gone are dropped."""
    busy: set[str] = set()
    dead: set[int] = set()
    for sha256, pid in connection.execute("SELECT sha256, pid FROM leases").fetchall():
        if pid in dead:
            continue
        if _alive(pid):
            busy.add(sha256)
        else:
            dead.add(pid)
    for pid in dead:
        connection.execute("DELETE FROM leases WHERE pid = ?", (pid,))
    return busy


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    except OSError:
        return False
    return True


def _artifact_files(directory: Path) -> Iterator[tuple[str, os.stat_result]]:
    """``(relative path, stat)`` of each ``<sha256[:2]>/<sha256>/<name>`` file."""
    try:
        prefixes = list(os.scandir(directory))
    except OSError:
        return
    for prefix in prefixes:
        if len(prefix.name) != 2 or not prefix.is_dir(follow_symlinks=False):
            continue
        with contextlib.suppress(OSError):
            for digest in os.scandir(prefix.path):
                if not digest.is_dir(follow_symlinks=False):
                    continue
                with contextlib.suppress(OSError):
                    for entry in os.scandir(digest.path):
                        if entry.is_file(follow_symlinks=False):
                            yield f"{prefix.name}/{digest.name}/{entry.name}", entry.stat(follow_symlinks=False)


def _partials(directory: Path) -> Iterator[tuple[Path, os.stat_result]]:
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory / PARTIAL_DIR):
            if entry.name.endswith(".part") and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    yield Path(entry.path), entry.stat(follow_symlinks=False)
