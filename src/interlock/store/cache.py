"""Scan results cached by artifact sha256 and rule-set version, in SQLite.

An artifact's sha256 names its verdict forever for one rule set, so a second scan of the same
file costs a lookup. A damaged database never stops a scan: it is moved aside and recreated.
"""

from __future__ import annotations

import json
import sqlite3
import time
import warnings
from pathlib import Path

from platformdirs import user_cache_dir

from interlock.analysis.result import ScanResult

_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    sha256     TEXT NOT NULL,
    ruleset    TEXT NOT NULL,
    result     TEXT NOT NULL,
    seconds    REAL NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (sha256, ruleset)
);
"""
# Verdicts that depend on this run rather than on the artifact must not be remembered.
_TRANSIENT_ERRORS = ("took longer than",)


def default_path() -> Path:
    return Path(user_cache_dir("interlock")) / "results.sqlite3"


class ResultCache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._connection = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            broken = self.path.with_name(f"{self.path.name}.broken-{int(time.time())}")
            self.path.replace(broken)
            warnings.warn(f"result cache {self.path} was unreadable ({exc}); moved to {broken} and started afresh", stacklevel=2)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(_SCHEMA)
        connection.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(_SCHEMA_VERSION),))
        connection.execute("SELECT count(*) FROM results").fetchone()  # fails here on a damaged file
        connection.commit()
        return connection

    def get(self, sha256: str, ruleset: str, target: str) -> ScanResult | None:
        """The cached result, relabelled for `target`, or None."""
        try:
            row = self._connection.execute("SELECT result, seconds FROM results WHERE sha256 = ? AND ruleset = ?", (sha256, ruleset)).fetchone()
        except sqlite3.DatabaseError:
            return None
        if row is None:
            return None
        try:
            result = ScanResult.from_json(json.loads(row[0]), target)
        except (ValueError, KeyError, TypeError):
            return None  # written by an incompatible version: analyse again
        result.ruleset, result.cached, result.seconds = ruleset, True, row[1]
        return result

    def put(self, result: ScanResult) -> None:
        if result.sha256 is None or (result.error and any(text in result.error for text in _TRANSIENT_ERRORS)):
            return
        try:
            with self._connection:
                self._connection.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
                    (result.sha256, result.ruleset, json.dumps(result.to_json()), result.seconds, time.time()),
                )
        except sqlite3.DatabaseError as exc:
            warnings.warn(f"could not write to the result cache {self.path}: {exc}", stacklevel=2)

    def clear(self) -> int:
        with self._connection:
            return self._connection.execute("DELETE FROM results").rowcount

    def close(self) -> None:
        self._connection.close()
