"""PEP 740 provenance: where a release came from, whether that holds, and whether it changed.

``fetch_provenance`` reads the provenance object the index publishes for a file;
``verify_provenance`` checks it with pypi-attestations (offline sigstore trust root);
``check_continuity`` compares a release's publisher with its predecessors';
``provenance_findings`` does all three for a release being scanned. ``rules`` declares the
findings' rules (``provenance-invalid``, ``provenance-missing``, ``publisher-changed``).
"""

from typing import TYPE_CHECKING

from interlock._lazy import lazy_exports

if TYPE_CHECKING:
    from interlock.index.provenance.continuity import check_continuity
    from interlock.index.provenance.document import AttestationBundle, Provenance, fetch_provenance, parse_provenance
    from interlock.index.provenance.history import file_provenance, provenance_findings, publisher_history
    from interlock.index.provenance.verify import (
        ProvenanceResult,
        ProvenanceStatus,
        publisher_identity,
        verify_provenance,
        verify_provenance_digest,
    )

# Loaded when first used: `rules` alone (for `interlock rules`) needs neither the client nor sigstore.
__getattr__ = lazy_exports(
    __name__,
    {
        "continuity": ("check_continuity",),
        "document": ("AttestationBundle", "Provenance", "fetch_provenance", "parse_provenance"),
        "history": ("file_provenance", "provenance_findings", "publisher_history"),
        "verify": (
            "ProvenanceResult",
            "ProvenanceStatus",
            "publisher_identity",
            "verify_provenance",
            "verify_provenance_digest",
        ),
    },
)

__all__ = [
    "AttestationBundle",
    "Provenance",
    "ProvenanceResult",
    "ProvenanceStatus",
    "check_continuity",
    "fetch_provenance",
    "file_provenance",
    "parse_provenance",
    "provenance_findings",
    "publisher_history",
    "publisher_identity",
    "verify_provenance",
    "verify_provenance_digest",
]
