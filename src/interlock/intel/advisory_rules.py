"""Rule known-malicious: a release an imported advisory names (OSV `MAL-` records).

Raised by the scanner from the local advisory store (`interlock intel update --from PATH`), not
from the release's files: a release the community has already caught needs no analysis to block.
"""

from __future__ import annotations

from interlock.intel.osv import Advisory
from interlock.model.findings import Finding, Severity
from interlock.model.rules import Stage, declare

KNOWN_MALICIOUS = declare(
    "known-malicious",
    "a release named in an imported malicious-package advisory",
    (Severity.CRITICAL,),
    "An OSV record imported with `interlock intel update --from PATH` (for example the MAL- advisories "
    "of the OpenSSF malicious-packages project) names this project and version. Withdrawn records do "
    "not count. The advisory id is cited; the release is malicious whatever its code looks like.",
    Stage.INTEL,
)


def known_malicious(advisories: list[Advisory], filename: str) -> Finding:
    """The finding for a release that imported advisories name."""
    ids = ", ".join(a.id for a in advisories)
    summary = advisories[0].summary or "malicious release"
    return KNOWN_MALICIOUS.finding(Severity.CRITICAL, "", None, f"named in advisory {ids}: {summary}", filename)
