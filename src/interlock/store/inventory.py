"""What the cache directory holds, by kind, and pruning it: `interlock cache info` and `cache prune`.

Looking never creates anything: a cache that is not there yet is reported empty. Pruning goes
through `ArtifactCache.evict`, so an artifact a running judgement holds is never removed, even by
`--all`; the result, fact and page caches are simply deleted (each is rebuilt as it is needed).
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from interlock.index.cache_location import CacheLayout
from interlock.store.artifacts import ArtifactCache, Eviction

_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Part:
    """One kind of thing the cache keeps."""

    kind: str
    """`artifacts`, `scan results`, `source facts`, `index pages`, `partial downloads`."""
    path: Path
    bytes: int
    entries: int | None
    """Files or rows, where counting them means something."""

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "path": str(self.path), "bytes": self.bytes, "entries": self.entries}


@dataclass(frozen=True)
class CacheInfo:
    root: Path
    max_bytes: int
    """The cap on downloaded artifacts."""
    parts: list[Part]

    @property
    def total_bytes(self) -> int:
        return sum(part.bytes for part in self.parts)

    def to_json(self) -> dict[str, object]:
        return {
            "root": str(self.root),
            "max_artifact_bytes": self.max_bytes,
            "total_bytes": self.total_bytes,
            "parts": [part.to_json() for part in self.parts],
        }


@dataclass(frozen=True)
class Pruned:
    artifacts: Eviction
    partials: Eviction
    removed: list[Part]
    """Caches deleted whole (`--all`)."""

    @property
    def bytes(self) -> int:
        return self.artifacts.bytes + self.partials.bytes + sum(part.bytes for part in self.removed)


def cache_info(layout: CacheLayout, max_bytes: int) -> CacheInfo:
    """What is under `layout.root`, by kind; creates nothing."""
    artifacts = ArtifactCache(layout.artifacts, layout.artifact_index, max_bytes).stats()
    parts = [
        Part("artifacts", layout.artifacts, artifacts.bytes + _size(layout.artifact_index), artifacts.files),
        Part("scan results", layout.results, _size(layout.results), _rows(layout.results, "scan_results")),
        Part("source facts", layout.facts, _size(layout.facts), _rows(layout.facts, "source_reports")),
        Part("index pages", layout.http, _tree_size(layout.http), None),
        Part("partial downloads", layout.artifacts, artifacts.partial_bytes, artifacts.partial_files),
    ]
    return CacheInfo(layout.root, max_bytes, parts)


def prune(layout: CacheLayout, max_bytes: int, *, everything: bool = False) -> Pruned:
    """Evict artifacts beyond `max_bytes` (all of them with `everything`, and the other caches
    too); partial downloads a killed process left behind go either way."""
    before = cache_info(layout, max_bytes) if everything else None
    with ArtifactCache(layout.artifacts, layout.artifact_index, max_bytes) as artifacts:
        evicted = artifacts.evict(0 if everything else max_bytes)
        partials = artifacts.remove_stale_partials()
    removed: list[Part] = []
    if before is not None:
        for part in before.parts:
            if part.kind in ("scan results", "source facts") and part.bytes:
                _remove_database(part.path)
                removed.append(part)
            elif part.kind == "index pages" and part.bytes:
                for database in part.path.glob("*.sqlite*"):
                    with contextlib.suppress(OSError):
                        database.unlink()
                removed.append(part)
    return Pruned(evicted, partials, removed)


def _size(path: Path) -> int:
    total = 0
    for suffix in _SQLITE_COMPANIONS:
        with contextlib.suppress(OSError):
            total += path.with_name(path.name + suffix).stat().st_size
    return total


def _tree_size(directory: Path) -> int:
    total = 0
    with contextlib.suppress(OSError):
        for path in directory.rglob("*"):
            with contextlib.suppress(OSError):
                if path.is_file():
                    total += path.stat().st_size
    return total


def _rows(path: Path, table: str) -> int | None:
    """Rows in `table`, read-only; None when the file is missing or unreadable."""
    if not path.is_file():
        return 0
    try:
        # With a write-ahead log beside it (a process has it open), read through the log; without one
        # the file is whole, and `immutable` reads it without making a -shm file just to count.
        live = path.with_name(path.name + "-wal").exists()
        options = "mode=ro" if live else "mode=ro&immutable=1"
        connection = sqlite3.connect(f"{path.as_uri()}?{options}", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def _remove_database(path: Path) -> None:
    for suffix in _SQLITE_COMPANIONS:
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink()
