"""Known-malicious advisories (OSV) in a local SQLite file, looked up by project name.

Like the other stores, it never takes a scan down: database trouble is a warning and no
advisories. A lookup on a machine that never imported any costs a file-existence check.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from packaging.utils import canonicalize_name

from interlock.intel.osv import Advisory
from interlock.store.database import Database, Migration

_MIGRATIONS: tuple[Migration, ...] = (
    (
        """
        CREATE TABLE advisories (
            id       TEXT NOT NULL,
            project  TEXT NOT NULL,  -- canonical name
            modified TEXT NOT NULL,
            record   TEXT NOT NULL,  -- Advisory.to_json()
            PRIMARY KEY (id, project)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX advisories_by_project ON advisories (project)",
    ),
)


def default_advisories_path() -> Path:
    return Path(platformdirs.user_data_dir("interlock")) / "advisories.sqlite3"


@dataclass(frozen=True)
class ImportCounts:
    stored: int
    """Advisories written (new, or newer than the stored copy)."""
    unchanged: int


class AdvisoryStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_advisories_path()
        self._database = Database(self.path, _MIGRATIONS)

    def add(self, advisories: Iterable[Advisory]) -> ImportCounts:
        """Store advisories in one transaction; a record replaces the stored one only when it is newer."""
        rows = [(a.id, a.project, a.modified, json.dumps(a.to_json(), separators=(",", ":"))) for a in advisories]

        def work(connection: sqlite3.Connection) -> ImportCounts:
            connection.execute("BEGIN IMMEDIATE")
            try:
                before = connection.total_changes
                connection.executemany(
                    """INSERT INTO advisories (id, project, modified, record) VALUES (?, ?, ?, ?)
                       ON CONFLICT (id, project) DO UPDATE SET modified = excluded.modified, record = excluded.record
                       WHERE excluded.modified > advisories.modified""",
                    rows,
                )
                stored = connection.total_changes - before
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            return ImportCounts(stored, len(rows) - stored)

        return self._database.run(work, ImportCounts(0, len(rows)))

    def lookup(self, project: str, version: str | None = None) -> list[Advisory]:
        """Advisories naming `project` (affecting `version` when given), by id."""
        if not self.path.exists():
            return []
        name = canonicalize_name(project)

        def work(connection: sqlite3.Connection) -> list[str]:
            return [
                row[0]
                for row in connection.execute("SELECT record FROM advisories WHERE project = ? ORDER BY id", (name,))
            ]

        records: list[str] = self._database.run(work, [])
        found = []
        for text in records:
            try:
                advisory = Advisory.from_json(json.loads(text))
            except (ValueError, KeyError, TypeError):
                continue
            if version is None or advisory.affects(version):
                found.append(advisory)
        return found

    def count(self) -> int:
        if not self.path.exists():
            return 0
        return self._database.run(
            lambda connection: connection.execute("SELECT count(*) FROM advisories").fetchone()[0], 0
        )

    def close(self) -> None:
        self._database.close()
