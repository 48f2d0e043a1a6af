"""Publisher continuity: does this release come from where the project's releases came from before?

A stolen upload token publishes from a laptop, not from the project's release workflow: the
release then has no provenance though earlier ones had it, or provenance from another
repository or workflow. These rules are raised from index signals, not from the artifact's
contents, so their ``check`` over an artifact's evidence yields nothing; the findings come from
``check_continuity`` (and ``interlock.index.provenance.provenance_findings``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from packaging.version import Version

from interlock.analysis.evidence import Evidence
from interlock.analysis.findings import Finding, Severity
from interlock.analysis.rules.base import Rule
from interlock.index.provenance.verify import ProvenanceResult, ProvenanceStatus


def _raised_from_index_signals(_evidence: Evidence) -> Iterable[Finding]:
    # Provenance is a fact about the index's copy of a release, not about the files inside it.
    return ()


PROVENANCE_INVALID = Rule(
    "provenance-invalid",
    "The index publishes provenance for the release, and it does not verify",
    (Severity.CRITICAL,),
    "PEP 740 provenance binds a file's name and sha256 to the Trusted Publisher (CI repository and "
    "workflow) that built it, signed with a short-lived sigstore certificate logged in a "
    "transparency log. An attestation that does not verify means the file is not the one that "
    "publisher attested (the bytes or the name differ), the signature or certificate is forged, "
    "or the document is unreadable. A benign cause is rare: a trust root too old to know a newly "
    "rotated sigstore key (run with a refreshed trust root to tell).",
    _raised_from_index_signals,
)

PROVENANCE_MISSING = Rule(
    "provenance-missing",
    "No provenance, though earlier releases of the project had it",
    (Severity.HIGH,),
    "Earlier releases were published by a Trusted Publisher (a CI workflow) with PEP 740 "
    "attestations; this one was uploaded without any. That is what an upload with a stolen API "
    "token looks like: the litellm 1.82.7/1.82.8 releases had no provenance and no matching tag. "
    "Benign when a project moves its release process back to manual uploads, which its "
    "maintainers can confirm.",
    _raised_from_index_signals,
)

PUBLISHER_CHANGED = Rule(
    "publisher-changed",
    "Provenance names another repository or workflow than the previous releases",
    (Severity.HIGH,),
    "The release's attestations verify, but for a different Trusted Publisher (kind, repository "
    "or workflow file) than the latest earlier release with provenance. A new publisher can be an "
    "attacker's fork or workflow added to the project's publishing rights. Benign after a "
    "repository transfer or rename, or a renamed release workflow: the evidence names both.",
    _raised_from_index_signals,
)

RULES: tuple[Rule, ...] = (PROVENANCE_INVALID, PROVENANCE_MISSING, PUBLISHER_CHANGED)


def check_continuity(current: ProvenanceResult, previous: Sequence[tuple[Version, ProvenanceResult]]) -> list[Finding]:
    """Findings for the release whose provenance is ``current``, judged against earlier releases.

    ``previous`` holds earlier releases' results in any order; the newest with verified
    provenance is the publisher a new release is expected to come from.
    """
    if current.status is ProvenanceStatus.INVALID:
        return [_finding(PROVENANCE_INVALID, f"provenance does not verify: {current.reason}", f"claimed publisher: {current.publisher}; {current.reason}")]
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
        f"{version}: {result.status.value}" + (f", {result.publisher}" if result.kind else "") for version, result in newest_first
    )


def _finding(rule: Rule, message: str, evidence: str) -> Finding:
    return Finding(rule.id, rule.severities[-1], "", None, message, evidence)
