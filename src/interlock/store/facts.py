"""What one source file can do, cached by its content: the next release reuses it.

Consecutive releases of a large package share most of their files byte for byte; a report for
a file is named by its path, its sha256, how it was analysed (when its top level runs, whether
everything in it runs, which of its functions other code calls) and the analyser's version, and
kept under that name and the limits it was read under (a file too large to keep whole under small
limits is analysed from an excerpt: that report must not answer for a scan that read it whole). A
diff of litellm 1.82.6 against 1.82.8 then analyses only the files that changed.

Like the result cache, this cache never costs a scan: database trouble is a warning and a miss.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from interlock.analysis.extract.python.report import SourceReport
from interlock.analysis.report_store import report_from_json, report_to_json
from interlock.artifact.limits import DEFAULT_LIMITS, Limits
from interlock.index.cache_location import CacheLayout
from interlock.store.database import Database, Migration

_MIGRATIONS: tuple[Migration, ...] = (
    (
        """
        CREATE TABLE source_reports (
            key    TEXT PRIMARY KEY,  -- see report_key(), then '/' and Limits.content_digest()
            report TEXT NOT NULL      -- report_to_json()
        ) WITHOUT ROWID
        """,
    ),
)
# SQLite's default limit on host parameters in one statement is 999 (older builds) or 32766.
_BATCH = 900


def default_facts_path() -> Path:
    return CacheLayout.resolve().facts


class FactCache:
    """Source reports in a local SQLite file (by default beside the result cache), for artifacts
    read under `limits` (reports made under other limits are not seen)."""

    def __init__(self, path: Path | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = path if path is not None else default_facts_path()
        self._database = Database(self.path, _MIGRATIONS)
        self._suffix = "/" + limits.content_digest()

    def get_many(self, keys: Iterable[str]) -> dict[str, SourceReport]:
        """Reports found for these keys; a row this version cannot read is a miss."""
        wanted = [key + self._suffix for key in keys]

        def work(connection: sqlite3.Connection) -> list[tuple[str, str]]:
            rows: list[tuple[str, str]] = []
            for start in range(0, len(wanted), _BATCH):
                batch = wanted[start : start + _BATCH]
                marks = ",".join("?" * len(batch))
                rows.extend(connection.execute(f"SELECT key, report FROM source_reports WHERE key IN ({marks})", batch))
            return rows

        found: dict[str, SourceReport] = {}
        nothing: list[tuple[str, str]] = []
        for stored, text in self._database.run(work, nothing):
            try:
                found[stored.removesuffix(self._suffix)] = report_from_json(text)
            except (ValueError, KeyError, TypeError):
                continue
        return found

    def put_many(self, reports: Mapping[str, SourceReport]) -> None:
        rows = [(key + self._suffix, report_to_json(report)) for key, report in reports.items()]
        if not rows:
            return

        def work(connection: sqlite3.Connection) -> None:
            connection.execute("BEGIN IMMEDIATE")  # one transaction: thousands of rows in one write
            try:
                connection.executemany("INSERT OR REPLACE INTO source_reports (key, report) VALUES (?, ?)", rows)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

        self._database.run(work, None)

    def close(self) -> None:
        self._database.close()
