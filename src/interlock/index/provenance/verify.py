"""Verifying a provenance object against a distribution, with ``pypi-attestations`` and sigstore.

Every attestation of every bundle must verify against the distribution's filename and sha256
and against the Trusted Publisher its bundle names (the signing certificate must be one Fulcio
issued to that repository and workflow, logged in Rekor). Verification is offline by default:
sigstore's trust root (Fulcio CAs, Rekor and CT log keys) comes from the copy the installed
``sigstore`` package ships, so nothing but the index is contacted. ``offline=False`` refreshes
that trust root from sigstore's TUF repository first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from interlock.artifact.reader import file_sha256
from interlock.index.provenance.document import Provenance


class ProvenanceStatus(StrEnum):
    VERIFIED = "verified"
    """Every attestation verified against the file and the publisher its bundle names."""
    NONE = "none"
    """The index publishes no provenance for the file."""
    INVALID = "invalid"
    """Provenance is published but an attestation does not verify (or the document is unreadable)."""
    UNVERIFIABLE = "unverifiable"
    """Provenance from a publisher kind this version of pypi-attestations cannot check."""


@dataclass(frozen=True)
class ProvenanceResult:
    """What a file's provenance says and whether it holds: a value, with the reason attached."""

    status: ProvenanceStatus
    reason: str
    """One line saying what was checked and what held or failed."""
    kind: str | None = None
    """Trusted Publisher kind the (first) bundle names: ``GitHub``, ``GitLab``, ``Google``, ``CircleCI``..."""
    repository: str | None = None
    """Where it was built from: the GitHub/GitLab ``owner/name``, CircleCI's VCS origin (or
    project id), or the Google service-account email."""
    workflow: str | None = None
    """The workflow file (GitHub), CI file path (GitLab) or pipeline definition id (CircleCI)."""
    environment: str | None = None
    """The deployment environment the publisher named, if any."""
    attestations: int = 0
    """How many attestations verified."""

    @property
    def has_provenance(self) -> bool:
        """The index published provenance whose signatures held (or that nothing here can check)."""
        return self.status in {ProvenanceStatus.VERIFIED, ProvenanceStatus.UNVERIFIABLE}

    @property
    def publisher(self) -> str:
        """``GitHub trailofbits/pypi-attestations, workflow release.yml`` or ``no publisher``."""
        if self.kind is None:
            return "no publisher"
        parts = [f"{self.kind} {self.repository or '(no repository)'}"]
        if self.workflow:
            parts.append(f"workflow {self.workflow}")
        if self.environment:
            parts.append(f"environment {self.environment}")
        return ", ".join(parts)

    def same_publisher(self, other: ProvenanceResult) -> bool:
        """Same kind, repository and workflow (names compared case-insensitively, as the forges do)."""

        def key(result: ProvenanceResult) -> tuple[str, ...]:
            return tuple((value or "").casefold() for value in (result.kind, result.repository, result.workflow))

        return key(self) == key(other)

    def to_json(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "reason": self.reason,
            "kind": self.kind,
            "repository": self.repository,
            "workflow": self.workflow,
            "environment": self.environment,
            "attestations": self.attestations,
        }


def no_provenance(filename: str) -> ProvenanceResult:
    """The result for a file the index publishes no provenance for."""
    return ProvenanceResult(ProvenanceStatus.NONE, f"the index publishes no provenance for {filename}")


def unreadable_provenance(problem: str) -> ProvenanceResult:
    """The result for provenance that is published but is not a provenance object (``BadProvenance``)."""
    return ProvenanceResult(ProvenanceStatus.INVALID, problem)


def verify_provenance(
    provenance: Provenance, artifact: Path | bytes, filename: str | None = None, *, offline: bool = True
) -> ProvenanceResult:
    """Verify ``provenance`` against the distribution's bytes (a file, or the bytes themselves).

    ``filename`` is the distribution's name as the index lists it (defaults to the path's name;
    required for bytes). Raises ``TrustRootUnavailable`` when sigstore's trust root cannot be
    loaded: that says nothing about the release.
    """
    if isinstance(artifact, Path):
        name, sha256 = filename or artifact.name, file_sha256(artifact)
    else:
        if filename is None:
            raise TypeError("verify_provenance needs the filename when given bytes")
        name, sha256 = filename, hashlib.sha256(artifact).hexdigest()
    return verify_provenance_digest(provenance, sha256, name, offline=offline)


def verify_provenance_digest(
    provenance: Provenance, sha256: str, filename: str, *, offline: bool = True
) -> ProvenanceResult:
    """Verify ``provenance`` against a distribution known only by its filename and sha256.

    An attestation signs exactly that pair, so the index's listed digest is enough to check a
    release's provenance without downloading the release.
    """
    from interlock.index.provenance.attestations import verify_digest  # sigstore: only with provenance to check

    return verify_digest(provenance, sha256, filename, offline=offline)


def publisher_identity(publisher: dict[str, Any]) -> tuple[str, str | None, str | None, str | None]:
    """``(kind, repository, workflow, environment)`` from a publisher object as the index serves it."""

    def text(key: str) -> str | None:
        value = publisher.get(key)
        return value if isinstance(value, str) and value else None

    kind = str(publisher.get("kind"))
    match kind:
        case "GitLab":
            return kind, text("repository"), text("workflow_filepath"), text("environment")
        case "Google":
            return kind, text("email"), None, None
        case "CircleCI":
            return kind, text("vcs_origin") or text("project_id"), text("pipeline_definition_id"), None
        case _:  # GitHub, and kinds named after it by future publishers
            return kind, text("repository"), text("workflow"), text("environment")
