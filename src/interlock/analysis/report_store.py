"""Where the engine keeps what each source file can do, so the next release reuses it.

The engine asks a `ReportStore` (the SQLite one is `interlock.store.facts.FactCache`) for reports
by key: the file's path, its sha256, how it was analysed, and the analyser's version. This module
holds that key and the reports' serialised form; it knows nothing of where they are stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Protocol

from interlock.analysis.extract.python.report import SourceProblem, SourceReport
from interlock.analysis.facts import Fact, Tag, When, capability_of
from interlock.analysis.parallel import Job


class ReportStore(Protocol):
    """A place source reports are kept between runs; trouble there is a miss, never an error."""

    def get_many(self, keys: Iterable[str]) -> dict[str, SourceReport]:
        """The reports found for these keys."""
        ...

    def put_many(self, reports: Mapping[str, SourceReport]) -> None:
        """Keep these reports under their keys."""
        ...


def report_key(job: Job, sha256: str, analyser: str) -> str:
    """Everything the analysis of one file depends on, hashed."""
    path, when, everything_runs, roots = job
    parts = [analyser, path, sha256, when.name, str(everything_runs), *sorted(roots)]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def report_to_json(report: SourceReport) -> str:
    return json.dumps(
        {
            "facts": [
                [
                    f.capability.value,
                    int(f.when),
                    f.path,
                    f.line,
                    f.snippet,
                    f.detail,
                    f.scope,
                    f.loose,
                    sorted(f.tags),
                    f.kind,
                    list(f.names),
                ]
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
            Fact(
                capability_of(c),
                When(w),
                p,
                line,
                snippet,
                detail,
                scope,
                loose,
                frozenset(Tag(tag) for tag in tags),
                kind,
                tuple(names),
            )
            for c, w, p, line, snippet, detail, scope, loose, tags, kind, names in data["facts"]
        ],
        problems=[SourceProblem(kind, line, detail) for kind, line, detail in data["problems"]],
        local_imports=set(data["local_imports"]),
        calls=set(data["calls"]),
        imported_modules=set(data["imported_modules"]),
        python_runs=set(data["python_runs"]),
        reached=set(data["reached"]),
    )
