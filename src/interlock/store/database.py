"""A local SQLite file that never takes a scan down with it.

Shared by the local stores (result cache today; verdicts and audit log later): WAL mode so
readers do not block the writer, a busy timeout so concurrent scans wait instead of failing,
a `schema_version` table for migrations, and self-healing — a corrupt file is moved aside and
recreated, any other database trouble turns into a warning and a no-op, never an exception.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

Migration = Sequence[str]
"""The SQL statements that take the schema from one version to the next, run in one transaction."""

_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class StoreWarning(UserWarning):
    """A local store could not be used as asked; the scan goes on without it."""


class SchemaTooNew(sqlite3.DatabaseError):
    """The file was written by a newer Interlock; it is left alone, not downgraded."""


def is_corruption(exc: sqlite3.Error) -> bool:
    """True for a damaged or foreign file; false for transient trouble such as a lock held too long."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def warn(message: str) -> None:
    warnings.warn(message, StoreWarning, stacklevel=3)


class Database:
    """One SQLite file, opened lazily, migrated on open, safe to share between threads."""

    def __init__(
        self, path: Path, migrations: Sequence[Migration], timeout: float = 5.0, *, durable: bool = True
    ) -> None:
        """`durable=False`: commits are not synced to disk one by one (a power cut may lose the last
        few), for bookkeeping written several times per scan where a sync each time would cost more
        than the scan."""
        self.path = path
        self._durable = durable
        self._migrations = migrations
        self._timeout = timeout
        self._lock = threading.Lock()  # one connection, shared by threads, used by one at a time
        self._connection: sqlite3.Connection | None = None
        self._unusable = False

    def run(self, work: Callable[[sqlite3.Connection], T], default: T) -> T:
        """`work(connection)`, or `default` (with a warning) if the database cannot do it.

        A corrupt file found on the way is moved aside and the work retried once on a new one.
        """
        with self._lock:
            for attempt in (1, 2):
                connection = self._open()
                if connection is None:
                    return default
                try:
                    return work(connection)
                except sqlite3.DatabaseError as exc:
                    if is_corruption(exc) and attempt == 1:
                        self._recover(exc)
                        continue
                    warn(f"{self.path}: {exc}; carrying on without it")
                    return default
            return default

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # -- opening -------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection | None:
        if self._connection is not None or self._unusable:
            return self._connection
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = self._connect()
        except SchemaTooNew as exc:
            self._give_up(str(exc))
        except sqlite3.DatabaseError as exc:
            if not is_corruption(exc):
                self._give_up(f"cannot open: {exc}")
            else:
                self._recover(exc)
                if self._unusable:
                    return None
                try:
                    self._connection = self._connect()
                except (sqlite3.Error, OSError) as retry_exc:
                    self._give_up(f"cannot recreate: {retry_exc}")
        except (sqlite3.Error, OSError) as exc:
            self._give_up(f"cannot open: {exc}")
        return self._connection

    def _connect(self) -> sqlite3.Connection:
        # Autocommit; transactions are explicit. check_same_thread is off because `_lock` serialises use.
        connection = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
        try:
            connection.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            # Another connection may hold a lock, or there is no shared memory here: the rollback journal works too.
            with contextlib.suppress(sqlite3.OperationalError):
                connection.execute("PRAGMA journal_mode = WAL")
            if not self._durable:
                connection.execute("PRAGMA synchronous = NORMAL")
            self._migrate(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _migrate(self, connection: sqlite3.Connection) -> None:
        connection.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then see it done
        try:
            connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = connection.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
            latest = len(self._migrations)
            if current > latest:
                raise SchemaTooNew(f"{self.path}: schema version {current} is newer than this Interlock's {latest}")
            for migration in self._migrations[current:]:
                for statement in migration:
                    connection.execute(statement)
            if current < latest:
                connection.execute("DELETE FROM schema_version")
                connection.execute("INSERT INTO schema_version (version) VALUES (?)", (latest,))
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # the failure already ended the transaction
                connection.execute("ROLLBACK")
            raise

    # -- trouble -------------------------------------------------------------------------

    def _recover(self, exc: sqlite3.Error) -> None:
        """Move a corrupt file (and its WAL and shared-memory files) aside so a new one can start."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            self.path.replace(aside)
        except OSError as move_exc:
            self._give_up(f"corrupt ({exc}) and cannot be moved aside: {move_exc}")
            return
        for suffix in ("-wal", "-shm", "-journal"):
            companion = self.path.with_name(self.path.name + suffix)
            try:
                companion.replace(aside.with_name(aside.name + suffix))
            except FileNotFoundError:
                pass
            except OSError:
                companion.unlink(missing_ok=True)
        warn(f"{self.path}: corrupt database ({exc}); moved aside to {aside.name} and started afresh")

    def _give_up(self, reason: str) -> None:
        self._unusable = True
        warn(f"{self.path}: {reason}; carrying on without it")
