"""What one source file can do, cached by its content: the next release reuses it.

Consecutive releases of a large package share most of their files byte for byte; a report for
a file is named by its path, its sha256, how it was analysed (when its top level runs, whether
everything in it runs, which of its functions other code calls) and the analyser's version. A
diff of litellm 1.82.6 against 1.82.8 then analyses only the files that changed.

Like the result cache, this cache never costs a scan: database trouble is a warning and a miss.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

import platformdirs

from interlock.analysis.facts import Capability, Fact, When
from interlock.analysis.parallel import Job
from interlock.analysis.python_source import SourceProblem, SourceReport
from interlock.store.database import Database, Migration

_MIGRATIONS: tuple[Migration, ...] = (
    (
        """
        CREATE TABLE source_reports (
            key    TEXT PRIMARY KEY,  -- see report_key()
            report TEXT NOT NULL      -- report_to_json()
        ) WITHOUT ROWID
        """,
    ),
)
# SQLite's default limit on host parameters in one statement is 999 (older builds) or 32766.
_BATCH = 900


def default_facts_path() -> Path:
    return Path(platformdirs.user_cache_dir("interlock")) / "facts.sqlite3"


def report_key(job: Job, sha256: str, analyser: str) -> str:
    """Everything the analysis of one file depends on, hashed."""
    path, when, everything_runs, roots = job
    parts = [analyser, path, sha256, when.name, str(everything_runs), *sorted(roots)]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def report_to_json(report: SourceReport) -> str:
    return json.dumps(
        {
            "facts": [
                [f.capability.value, int(f.when), f.path, f.line, f.snippet, f.detail, f.scope, f.loose]
                for f in report.facts
            ],
            "problems": [[p.kind, p.line, p.detail] for p in report.problems],
            "local_imports": sorted(report.local_imports),
            "calls": sorted(report.calls),
            "imported_modules": sorted(report.imported_modules),
            "python_runs": sorted(report.python_runs),
            "reached": sorted(report.reached),
        },
        separators=(",", ":"),
    )


def report_from_json(text: str) -> SourceReport:
    data = json.loads(text)
    return SourceReport(
        facts=[
            Fact(Capability(c), When(w), p, line, snippet, detail, scope, loose)
            for c, w, p, line, snippet, detail, scope, loose in data["facts"]
        ],
        problems=[SourceProblem(kind, line, detail) for kind, line, detail in data["problems"]],
        local_imports=set(data["local_imports"]),
        calls=set(data["calls"]),
        imported_modules=set(data["imported_modules"]),
        python_runs=set(data["python_runs"]),
        reached=set(data["reached"]),
    )


class FactCache:
    """Source reports in a local SQLite file (by default beside the result cache)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_facts_path()
        self._database = Database(self.path, _MIGRATIONS)

    def get_many(self, keys: Iterable[str]) -> dict[str, SourceReport]:
        """Reports found for these keys; a row this version cannot read is a miss."""
        wanted = list(keys)

        def work(connection: sqlite3.Connection) -> list[tuple[str, str]]:
            rows: list[tuple[str, str]] = []
            for start in range(0, len(wanted), _BATCH):
                batch = wanted[start : start + _BATCH]
                marks = ",".join("?" * len(batch))
                rows.extend(connection.execute(f"SELECT key, report FROM source_reports WHERE key IN ({marks})", batch))
            return rows

        found: dict[str, SourceReport] = {}
        for key, text in self._database.run(work, []):
            try:
                found[key] = report_from_json(text)
            except (ValueError, KeyError, TypeError):
                continue
        return found

    def put_many(self, reports: Mapping[str, SourceReport]) -> None:
        rows = [(key, report_to_json(report)) for key, report in reports.items()]
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
