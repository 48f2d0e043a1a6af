"""A file's PEP 740 provenance object: fetched from the URL the index lists, its shape checked, bounded.

The shape is checked here (version 1, bundles of a publisher and attestations); what the
attestations say is checked in ``verify.py``. A body that is not a provenance object at all is
``BadProvenance``; an index that publishes none for the file is ``None``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from interlock.index.errors import BadIndexResponse, BadProvenance
from interlock.index.models import IndexFile
from interlock.index.urls import redact

if TYPE_CHECKING:
    from interlock.index.client import IndexClient

KiB = 1024
# A real provenance object is about 10 KiB per attestation; the caps bound memory and the
# number of signature checks a hostile index can make us do.
PROVENANCE_LIMIT = 512 * KiB
MAX_BUNDLES = 8
MAX_ATTESTATIONS = 16
"""Across all bundles of one provenance object."""

# What the index's integrity API answers with, and what a static mirror would.
ACCEPT = "application/vnd.pypi.integrity.v1+json, application/json;q=0.9, */*;q=0.1"


@dataclass(frozen=True)
class AttestationBundle:
    """One signing identity and the attestations it made for the file (PEP 740 ``AttestationBundle``)."""

    publisher: dict[str, Any]
    """The publisher object as the index gave it: ``kind`` plus keys specific to that kind."""
    attestations: tuple[dict[str, Any], ...]
    """Attestation objects, not yet parsed: each is parsed and checked when verified."""

    @property
    def kind(self) -> str:
        """The Trusted Publisher kind (``GitHub``, ``GitLab``, ``Google``, ...)."""
        return str(self.publisher["kind"])


@dataclass(frozen=True)
class Provenance:
    """A file's provenance object (PEP 740), structurally valid; nothing in it is verified yet."""

    url: str
    """Where it was fetched from ('' when read from bytes)."""
    bundles: tuple[AttestationBundle, ...]
    """At least one bundle, each with at least one attestation."""
    body: bytes
    """The document exactly as served, for recording and audit."""


def fetch_provenance(client: IndexClient, file: IndexFile) -> Provenance | None:
    """The provenance the index publishes for ``file``, or None when it publishes none.

    None means the page lists no provenance URL for the file, or the URL answers 404/410.
    Raises ``BadProvenance`` for a body that is not a provenance object, ``BadIndexResponse``
    for other statuses, ``IndexUnavailable`` when the index cannot be reached.
    """
    if file.provenance_url is None:
        return None
    page = client.fetch(file.provenance_url, accept=ACCEPT, max_bytes=PROVENANCE_LIMIT)
    if page.status in {404, 410}:
        return None
    if page.status != 200:
        raise BadIndexResponse(
            f"{file.filename}: HTTP {page.status} for its provenance at {redact(file.provenance_url)}"
        )
    return parse_provenance(page.body, f"{file.filename}: provenance at {redact(page.url)}", url=page.url)


def parse_provenance(body: bytes, where: str, *, url: str = "") -> Provenance:
    """A ``Provenance`` from a JSON body, or ``BadProvenance`` starting with ``where`` saying what is wrong."""
    if len(body) > PROVENANCE_LIMIT:
        raise BadProvenance(f"{where}: larger than {PROVENANCE_LIMIT // KiB} KiB")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:  # ValueError covers bad JSON and bad UTF-8
        raise BadProvenance(f"{where}: not JSON ({_short(exc)})") from None
    if not isinstance(document, dict):
        raise BadProvenance(f"{where}: not a JSON object")
    if document.get("version") != 1:
        raise BadProvenance(f"{where}: version {document.get('version')!r} is not 1, the only one PEP 740 defines")
    raw_bundles = document.get("attestation_bundles")
    if not isinstance(raw_bundles, list) or not raw_bundles:
        raise BadProvenance(f"{where}: 'attestation_bundles' is not a non-empty list")
    if len(raw_bundles) > MAX_BUNDLES:
        raise BadProvenance(f"{where}: {len(raw_bundles)} attestation bundles (more than {MAX_BUNDLES})")
    bundles = tuple(_bundle(raw, f"{where}: attestation_bundles[{n}]") for n, raw in enumerate(raw_bundles))
    total = sum(len(b.attestations) for b in bundles)
    if total > MAX_ATTESTATIONS:
        raise BadProvenance(f"{where}: {total} attestations (more than {MAX_ATTESTATIONS})")
    return Provenance(url=url, bundles=bundles, body=body)


def _bundle(raw: object, where: str) -> AttestationBundle:
    if not isinstance(raw, dict):
        raise BadProvenance(f"{where} is not an object")
    publisher = raw.get("publisher")
    if not isinstance(publisher, dict) or not isinstance(publisher.get("kind"), str) or not publisher["kind"]:
        raise BadProvenance(f"{where}: 'publisher' is not an object with a 'kind'")
    attestations = raw.get("attestations")
    if not isinstance(attestations, list) or not attestations:
        raise BadProvenance(f"{where}: 'attestations' is not a non-empty list")
    if not all(isinstance(a, dict) for a in attestations):
        raise BadProvenance(f"{where}: an attestation is not an object")
    return AttestationBundle(publisher=publisher, attestations=tuple(attestations))


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
