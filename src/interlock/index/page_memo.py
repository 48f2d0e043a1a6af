"""Project pages kept parsed across runs, beside the HTTP cache.

A warm run finds every page fresh in the HTTP cache, yet reading the 80 MiB of JSON that a
200-project lockfile's pages add up to back from the cache and parsing them again costs most of a
second. So each JSON page is kept here as ``ProjectPage.to_bytes`` made it, keyed by the page's
URL and the identity of the body it was parsed from.

That identity is a random id the HTTP cache stores with each body as a response header
(``http_cache.BODY_ID_HEADER``): a cached answer carries the id of its stored body, a new body
from the index gets a new id, and a revalidation (304) keeps the body and so its id. When the
cache answers with the id kept here, its body is not even read.

Like the HTTP cache, the memo is bounded (``MAX_BYTES``): the pages kept longest ago go first.

The memo is an optimisation, never a reason to fail: anything wrong with it (a damaged file, a
row whose checksum does not match, a locked database) is a miss, and the page is parsed.
"""

from __future__ import annotations

import marshal
import sqlite3
import sys
import threading
import time
import zlib
from pathlib import Path

_DATABASE = "pages.sqlite"
# What wrote a row: marshal's format follows the Python version, and a row of another layout is a miss.
_LAYOUT = f"project-page-1 python-{sys.version_info[0]}.{sys.version_info[1]} marshal-{marshal.version}"
MAX_BYTES = 1024**3
"""Pages beyond this many bytes in all are dropped, oldest first (the HTTP cache's own bound)."""


class PageMemo:
    """Pages in ``directory/pages.sqlite``; thread-safe (one connection, one lock)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._lock = threading.Lock()

    @classmethod
    def open(cls, directory: Path) -> PageMemo | None:
        """The memo in ``directory``; a file that is not one is started afresh, and None when none
        can be opened there (read-only, say)."""
        path = directory / _DATABASE
        for _ in range(2):
            connection: sqlite3.Connection | None = None
            try:
                directory.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(path, timeout=5, check_same_thread=False, isolation_level=None)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")  # a cache: a lost write on power loss is a miss
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, body_id TEXT NOT NULL,"
                    " layout TEXT NOT NULL, crc32 INTEGER NOT NULL, size INTEGER NOT NULL,"
                    " stored_at REAL NOT NULL, page BLOB NOT NULL)"
                )
                return cls(connection)
            except sqlite3.DatabaseError:
                if connection is not None:
                    connection.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            except (sqlite3.Error, OSError):
                if connection is not None:
                    connection.close()
                return None
        return None

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def body_id(self, url: str) -> str | None:
        """The id of the body the page at ``url`` was last kept from, if it was kept in this layout."""
        row = self._query("SELECT body_id FROM pages WHERE url = ? AND layout = ?", (url, _LAYOUT))
        return row[0] if row is not None and isinstance(row[0], str) else None

    def page(self, url: str, body_id: str) -> bytes | None:
        """The page kept from body ``body_id`` of ``url``; None when it is not kept or not whole."""
        row = self._query(
            "SELECT crc32, page FROM pages WHERE url = ? AND body_id = ? AND layout = ?", (url, body_id, _LAYOUT)
        )
        if row is None or not isinstance(row[1], bytes) or zlib.crc32(row[1]) != row[0]:
            return None
        return row[1]

    def keep(self, url: str, body_id: str, page: bytes) -> None:
        """Keep ``page`` as made from body ``body_id`` of ``url``, in place of what was kept for it."""
        row = (url, body_id, _LAYOUT, zlib.crc32(page), len(page), time.time(), page)
        with self._lock:
            try:
                self._connection.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)", row)
                self._evict()
            except sqlite3.Error:
                pass

    def _evict(self) -> None:
        """Drop the pages kept longest ago until all of them fit in ``MAX_BYTES``."""
        (total,) = self._connection.execute("SELECT COALESCE(SUM(size), 0) FROM pages").fetchone()
        while total > MAX_BYTES:
            oldest = self._connection.execute("SELECT url, size FROM pages ORDER BY stored_at LIMIT 1").fetchone()
            if oldest is None:
                return
            self._connection.execute("DELETE FROM pages WHERE url = ?", (oldest[0],))
            total -= oldest[1]

    def _query(self, sql: str, parameters: tuple[str, ...]) -> tuple[object, ...] | None:
        with self._lock:
            try:
                return self._connection.execute(sql, parameters).fetchone()
            except sqlite3.Error:
                return None
