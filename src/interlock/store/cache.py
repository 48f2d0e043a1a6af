"""Scan results cached by what names them forever: the artifact's sha256 and the rule-set version.

A cache must never cost a scan: every database problem becomes a `StoreWarning` and a miss.

What is cached: every result of a completed analysis, keyed by the artifact's sha256 and the rule
set it was judged under (the rules' version, the user's YARA rules and, for a release judged
against its history, the previous release's sha256). Never cached, and never served even from a
file an older Interlock wrote: an `error` verdict. An error says the bytes were not judged — a
time limit that depends on the machine's load, a size limit that depends on the configured
`Limits`, a read that failed — so the next scan tries again. Nor results without a sha256.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from interlock.index.cache_location import CacheLayout
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.store.database import Database, Migration

_MIGRATIONS: tuple[Migration, ...] = (
    (
        # The first cache (before schema versions) used these; a cache can simply start over.
        "DROP TABLE IF EXISTS results",
        "DROP TABLE IF EXISTS meta",
        """
        CREATE TABLE scan_results (
            sha256     TEXT NOT NULL,
            ruleset    TEXT NOT NULL,
            verdict    TEXT NOT NULL,
            result     TEXT NOT NULL,  -- ScanResult.to_json(), target left out
            created_at REAL NOT NULL,  -- Unix time the result was stored
            seconds    REAL NOT NULL,  -- how long the analysis took
            PRIMARY KEY (sha256, ruleset)
        ) WITHOUT ROWID
        """,
    ),
)


def default_cache_path() -> Path:
    return CacheLayout.resolve().results


def is_cacheable(result: ScanResult) -> bool:
    """Whether the same bytes under the same rule set would always give this result: never an `error`,
    which is retried."""
    return bool(result.sha256 and result.ruleset and not result.cached and result.verdict is not Verdict.ERROR)


@dataclass(frozen=True)
class CacheStats:
    path: Path
    entries: int
    """Cached results, over all rule-set versions."""
    size_bytes: int
    """The database file with its write-ahead log."""
    by_ruleset: dict[str, int] = field(default_factory=dict)
    by_verdict: dict[str, int] = field(default_factory=dict)


class ResultCache:
    """Scan results in a local SQLite file (by default in the user's cache directory)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_cache_path()
        self._database = Database(self.path, _MIGRATIONS)

    def get(self, sha256: str, ruleset: str, target: str) -> ScanResult | None:
        """The stored result for these bytes and this rule set, relabelled for `target`; None on a miss."""

        def work(connection: sqlite3.Connection) -> tuple[str, float] | None:
            return connection.execute(
                "SELECT result, seconds FROM scan_results WHERE sha256 = ? AND ruleset = ? AND verdict != ?",
                (sha256.lower(), ruleset, Verdict.ERROR.value),
            ).fetchone()

        row = self._database.run(work, None)
        if row is None:
            return None
        try:
            result = ScanResult.from_json(json.loads(row[0]), target)
        except (ValueError, KeyError, TypeError):
            return None  # a row this version cannot read is a miss; the next put replaces it
        result.ruleset = ruleset
        result.cached = True
        result.seconds = row[1]  # the original analysis time, not the lookup's
        return result

    def put(self, result: ScanResult) -> None:
        """Store a result if `is_cacheable` says it may be; silently skip it otherwise."""
        if not is_cacheable(result):
            return
        assert result.sha256 is not None
        row = (
            result.sha256.lower(),
            result.ruleset,
            result.verdict.value,
            json.dumps(result.to_json(), separators=(",", ":")),
            time.time(),
            result.seconds,
        )

        def work(connection: sqlite3.Connection) -> None:
            connection.execute(
                "INSERT OR REPLACE INTO scan_results (sha256, ruleset, verdict, result, created_at, seconds)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )

        self._database.run(work, None)

    def clear(self) -> int:
        """Forget every cached result; returns how many there were."""

        def work(connection: sqlite3.Connection) -> int:
            return connection.execute("DELETE FROM scan_results").rowcount

        return self._database.run(work, 0)

    def stats(self) -> CacheStats:
        def work(connection: sqlite3.Connection) -> tuple[dict[str, int], dict[str, int]]:
            by_ruleset = dict(
                connection.execute("SELECT ruleset, count(*) FROM scan_results GROUP BY ruleset").fetchall()
            )
            by_verdict = dict(
                connection.execute("SELECT verdict, count(*) FROM scan_results GROUP BY verdict").fetchall()
            )
            return by_ruleset, by_verdict

        nothing: tuple[dict[str, int], dict[str, int]] = ({}, {})
        by_ruleset, by_verdict = self._database.run(work, nothing)
        return CacheStats(self.path, sum(by_ruleset.values()), self._size_on_disk(), by_ruleset, by_verdict)

    def close(self) -> None:
        self._database.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _size_on_disk(self) -> int:
        total = 0
        for path in (self.path, self.path.with_name(self.path.name + "-wal")):
            with contextlib.suppress(OSError):  # no WAL file, or the cache was removed meanwhile
                total += path.stat().st_size
        return total
