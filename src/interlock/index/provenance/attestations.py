"""Checking attestations with ``pypi-attestations`` and sigstore: the costly imports of provenance.

Imported only when a release actually has provenance to verify (see ``verify.py``), so judging
releases from an index that publishes none does not load sigstore, pydantic and cryptography.
"""

from __future__ import annotations

import logging
import re
from importlib.metadata import version as installed_version
from typing import Any

import sigstore.errors
from pydantic import TypeAdapter, ValidationError
from pypi_attestations import Attestation, AttestationError, Distribution, Publisher
from sigstore.verify import Verifier

from interlock.index.errors import TrustRootUnavailable
from interlock.index.provenance.document import Provenance
from interlock.index.provenance.verify import ProvenanceResult, ProvenanceStatus, publisher_identity


def verify_digest(provenance: Provenance, sha256: str, filename: str, *, offline: bool = True) -> ProvenanceResult:
    """``verify.verify_provenance_digest``: every attestation of every bundle against the pair
    (filename, sha256) and the publisher its bundle names."""
    sha256 = sha256.strip().lower()
    kind, repository, workflow, environment = publisher_identity(provenance.bundles[0].publisher)

    def result(status: ProvenanceStatus, reason: str, verified: int = 0) -> ProvenanceResult:
        return ProvenanceResult(status, reason, kind, repository, workflow, environment, verified)

    try:
        distribution = Distribution(name=filename, digest=sha256)
    except ValidationError:
        return result(
            ProvenanceStatus.INVALID, f"{filename!r} is not a wheel or sdist filename, so no attestation can name it"
        )
    _trust_root(offline)
    verified = 0
    several = len(provenance.bundles) > 1 or len(provenance.bundles[0].attestations) > 1
    for bundle_number, bundle in enumerate(provenance.bundles, 1):
        try:
            publisher = _PUBLISHER.validate_python(bundle.publisher)
        except ValidationError as exc:
            if any(error["type"] == "union_tag_invalid" for error in exc.errors()):
                return result(
                    ProvenanceStatus.UNVERIFIABLE,
                    f"publisher kind {bundle.kind!r} is not one pypi-attestations {_LIBRARY_VERSION} can verify",
                )
            return result(
                ProvenanceStatus.INVALID,
                f"bundle {bundle_number}: malformed {bundle.kind} publisher ({_first_error(exc)})",
            )
        for number, raw in enumerate(bundle.attestations, 1):
            which = f"attestation {number} of bundle {bundle_number}" if several else "the attestation"
            failure = _check(raw, publisher, distribution, offline)
            if failure is not None:
                return result(ProvenanceStatus.INVALID, f"{which} does not verify for {filename}: {failure}", verified)
            verified += 1
    identity = result(ProvenanceStatus.VERIFIED, "").publisher
    noun = "attestation" if verified == 1 else "attestations"
    return result(
        ProvenanceStatus.VERIFIED,
        f"{verified} {noun} verified for {filename} (sha256 {sha256[:12]}...), published by {identity}",
        verified,
    )


_PUBLISHER: TypeAdapter[Any] = TypeAdapter(Publisher)
_LIBRARY_VERSION = installed_version("pypi-attestations")


def _check(raw: dict[str, Any], publisher: Any, distribution: Distribution, offline: bool) -> str | None:
    """None when the attestation verifies; otherwise what failed, in one line."""
    try:
        attestation = Attestation.model_validate(raw)
    except ValidationError as exc:
        return f"malformed attestation ({_first_error(exc)})"
    try:
        attestation.verify(publisher, distribution, offline=offline)
    except AttestationError as exc:
        return _one_line(str(exc) or type(exc).__name__)
    except Exception as exc:  # hostile certificates and log entries can trip parsers deep in sigstore/cryptography
        return _one_line(f"{type(exc).__name__}: {exc}")
    return None


def _trust_root(offline: bool) -> None:
    """Load sigstore's trust root first, so a missing one is reported as such, not as bad attestations."""
    try:
        Verifier.production(offline=offline)
    except (sigstore.errors.Error, OSError, ValueError) as exc:
        how = "the copy shipped with sigstore" if offline else "sigstore's TUF repository"
        raise TrustRootUnavailable(
            f"cannot load sigstore's trust root from {how}: {_one_line(str(exc) or type(exc).__name__)}"
        ) from None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "value"
    return f"{where}: {error['msg']}"


# pypi-attestations puts the repr of a certificate extension in some messages; the URI inside is what a person needs.
_EXTENSION_REPR = re.compile(r"<Extension\(oid=.*?(https?://[^'\s]+)'\)>\)>")


def _one_line(text: str) -> str:
    line = " ".join(_EXTENSION_REPR.sub(r"\1", text).split())
    return line if len(line) <= 300 else line[:297] + "..."


class _QuietOfflineNotice(logging.Filter):
    """sigstore warns on every offline load; offline is Interlock's default, not news for the user."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "offline mode" not in record.getMessage()


logging.getLogger("sigstore._internal.tuf").addFilter(_QuietOfflineNotice())
