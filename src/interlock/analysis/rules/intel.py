"""Rule known-malicious: a release an imported advisory names (OSV `MAL-` records).

Raised by the scanner from the local advisory store (`interlock intel update --from PATH`), not
from the release's files: a release the community has already caught needs no analysis to block.
"""

from __future__ import annotations

from collections.abc import Iterable

from interlock.analysis.evidence import Evidence
from interlock.analysis.rules.base import Rule
from interlock.intel.osv import Advisory
from interlock.model.findings import Finding, Severity


def _raised_from_the_advisory_store(_evidence: Evidence) -> Iterable[Finding]:
    return ()


def known_malicious(advisories: list[Advisory], filename: str) -> Finding:
    ids = ", ".join(a.id for a in advisories)
    summary = advisories[0].summary or "malicious release"
    return Finding("known-malicious", Severity.CRITICAL, "", None, f"named in advisory {ids}: {summary}", filename)


RULES = [
    Rule(
        "known-malicious",
        "a release named in an imported malicious-package advisory",
        (Severity.CRITICAL,),
        "An OSV record imported with `interlock intel update --from PATH` (for example the MAL- advisories "
        "of the OpenSSF malicious-packages project) names this project and version. Withdrawn records do "
        "not count. The advisory id is cited; the release is malicious whatever its code looks like.",
        _raised_from_the_advisory_store,
    ),
]
