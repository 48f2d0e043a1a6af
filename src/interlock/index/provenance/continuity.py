"""Publisher continuity: does this release come from where the project's releases came from before?

A stolen upload token publishes from a laptop, not from the project's release workflow: the
release then has no provenance though earlier ones had it, or provenance from another
repository or workflow. These findings come from index signals, not from the artifact's contents:
``check_continuity`` makes them, for the rules declared in ``rules``.
"""

from __future__ import annotations

from collections.abc import Sequence

from packaging.version import Version

from interlock.index.provenance.rules import PROVENANCE_INVALID, PROVENANCE_MISSING, PUBLISHER_CHANGED
from interlock.index.provenance.verify import ProvenanceResult, ProvenanceStatus
from interlock.model.findings import Finding
from interlock.model.rules import RuleInfo


def check_continuity(current: ProvenanceResult, previous: Sequence[tuple[Version, ProvenanceResult]]) -> list[Finding]:
    """Findings for the release whose provenance is ``current``, judged against earlier releases.

    ``previous`` holds earlier releases' results in any order; the newest with verified
    provenance is the publisher a new release is expected to come from.
    """
    if current.status is ProvenanceStatus.INVALID:
        return [
            _finding(
                PROVENANCE_INVALID,
                f"provenance does not verify: {current.reason}",
                f"claimed publisher: {current.publisher}; {current.reason}",
            )
        ]
    newest_first = sorted(previous, key=lambda pair: pair[0], reverse=True)
    attested = [(version, result) for version, result in newest_first if result.has_provenance]
    if current.status is ProvenanceStatus.NONE and attested:
        version, latest = attested[0]
        return [
            _finding(
                PROVENANCE_MISSING,
                f"no provenance, though {len(attested)} of the {len(newest_first)} previous releases had it "
                f"(latest: {version}, published by {latest.publisher})",
                _history(newest_first),
            )
        ]
    verified = [(version, result) for version, result in newest_first if result.status is ProvenanceStatus.VERIFIED]
    if current.has_provenance and verified and not current.same_publisher(verified[0][1]):
        version, expected = verified[0]
        return [
            _finding(
                PUBLISHER_CHANGED,
                f"published by {current.publisher}, but {version} was published by {expected.publisher}",
                f"this release: {current.status.value}, {current.publisher}; {_history(newest_first)}",
            )
        ]
    return []


def _history(newest_first: Sequence[tuple[Version, ProvenanceResult]]) -> str:
    return "; ".join(
        f"{version}: {result.status.value}" + (f", {result.publisher}" if result.kind else "")
        for version, result in newest_first
    )


def _finding(rule: RuleInfo, message: str, evidence: str) -> Finding:
    return rule.finding(rule.severities[-1], "", None, message, evidence)
