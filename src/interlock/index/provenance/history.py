"""Provenance as index signals: this release's, its predecessors', and the findings they add up to.

Earlier releases are checked against the sha256 the index lists for them (an attestation signs
the filename and digest), so judging the history costs one small provenance fetch per release
and no downloads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import Version

from interlock.index.errors import BadProvenance
from interlock.index.models import IndexFile
from interlock.index.provenance.continuity import check_continuity
from interlock.index.provenance.document import fetch_provenance
from interlock.index.provenance.verify import (
    ProvenanceResult,
    ProvenanceStatus,
    no_provenance,
    unreadable_provenance,
    verify_provenance,
    verify_provenance_digest,
)
from interlock.index.selection import select_file
from interlock.model.findings import Finding

if TYPE_CHECKING:
    from interlock.index.client import IndexClient


def file_provenance(
    client: IndexClient, file: IndexFile, artifact: Path | None = None, *, offline: bool = True
) -> ProvenanceResult:
    """Fetch and verify ``file``'s provenance: against the artifact on disk when given, else its listed sha256.

    Provenance the index publishes but that is not a provenance object comes back ``invalid``
    (a report shows why; a gate fails closed on it). Index outages raise ``IndexProblem``.
    """
    try:
        provenance = fetch_provenance(client, file)
    except BadProvenance as exc:
        return unreadable_provenance(str(exc))
    if provenance is None:
        return no_provenance(file.filename)
    if artifact is not None:
        return verify_provenance(provenance, artifact, file.filename, offline=offline)
    if file.sha256 is None:
        return ProvenanceResult(
            ProvenanceStatus.INVALID, f"the index lists no sha256 for {file.filename} to verify its provenance against"
        )
    return verify_provenance_digest(provenance, file.sha256, file.filename, offline=offline)


def publisher_history(
    client: IndexClient, project: str, version: Version, count: int = 3, *, offline: bool = True
) -> list[tuple[Version, ProvenanceResult]]:
    """The provenance of the ``count`` final releases before ``version``, newest first.

    Per release, a file with provenance is preferred (the one pip would pick among those), so a
    release counts as attested when any of its files is. Fetched concurrently; nothing downloaded.
    """
    earlier = [v for v in client.release_versions(project) if v < version][-count:] if count > 0 else []
    releases = [(v, client.release_files(project, v)) for v in reversed(earlier)]
    # A release none of whose files the index links provenance for has none: nothing to fetch.
    attested = [(v, _representative(files, v)) for v, files in releases if any(f.provenance_url for f in files)]
    fetched: dict[Version, ProvenanceResult] = {}
    if attested:
        with ThreadPoolExecutor(max_workers=min(len(attested), 4)) as pool:
            results = pool.map(lambda pair: file_provenance(client, pair[1], offline=offline), attested)
            fetched = {v: result for (v, _), result in zip(attested, results, strict=True)}
    return [(v, fetched.get(v) or no_provenance(files[0].filename)) for v, files in releases if files]


def provenance_findings(
    client: IndexClient, file: IndexFile, artifact_path: Path, *, history: int = 3, offline: bool = True
) -> tuple[ProvenanceResult, list[Finding]]:
    """This release's provenance, verified against the downloaded artifact, and the continuity findings.

    The integration point for a scan of ``NAME==VERSION``: ``file`` is what the index listed,
    ``artifact_path`` what was downloaded for it; ``history`` earlier releases are compared.
    """
    current = file_provenance(client, file, artifact_path, offline=offline)
    if current.status is ProvenanceStatus.INVALID:  # critical on its own: no need to ask about the past
        return current, check_continuity(current, [])
    previous = publisher_history(client, file.project, file.version, history, offline=offline)
    return current, check_continuity(current, previous)


def _representative(release: list[IndexFile], version: Version) -> IndexFile:
    # With allow_incompatible, any non-empty list of one version's wheels and sdists yields a file.
    return select_file([f for f in release if f.provenance_url] or release, version, allow_incompatible=True)
