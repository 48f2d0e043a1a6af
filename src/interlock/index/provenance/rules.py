"""Rules about where a release came from (PEP 740 provenance), raised from index signals.

Their findings are made by `continuity` when a release is fetched from an index; they are declared
here, without its heavy imports (sigstore), so `interlock rules` can explain them cheaply.
"""

from __future__ import annotations

from interlock.model.findings import Severity
from interlock.model.rules import Stage, declare

PROVENANCE_INVALID = declare(
    "provenance-invalid",
    "The index publishes provenance for the release, and it does not verify",
    (Severity.HIGH, Severity.CRITICAL),
    "PEP 740 provenance binds a file's name and sha256 to the Trusted Publisher (CI repository and "
    "workflow) that built it, signed with a short-lived sigstore certificate logged in a "
    "transparency log. An attestation that does not verify means the file is not the one that "
    "publisher attested (the bytes or the name differ), the signature or certificate is forged, "
    "or the document is unreadable. A benign cause is rare: a trust root too old to know a newly "
    "rotated sigstore key (run with a refreshed trust root to tell). High, not critical, when the "
    "provenance could not be checked at all (the index failed mid-way, the trust root is unusable).",
    Stage.PROVENANCE,
)

PROVENANCE_MISSING = declare(
    "provenance-missing",
    "No provenance, though earlier releases of the project had it",
    (Severity.HIGH,),
    "Earlier releases were published by a Trusted Publisher (a CI workflow) with PEP 740 "
    "attestations; this one was uploaded without any. That is what an upload with a stolen API "
    "token looks like: the litellm 1.82.7/1.82.8 releases had no provenance and no matching tag. "
    "Benign when a project moves its release process back to manual uploads, which its "
    "maintainers can confirm.",
    Stage.PROVENANCE,
)

PUBLISHER_CHANGED = declare(
    "publisher-changed",
    "Provenance names another repository or workflow than the previous releases",
    (Severity.HIGH,),
    "The release's attestations verify, but for a different Trusted Publisher (kind, repository "
    "or workflow file) than the latest earlier release with provenance. A new publisher can be an "
    "attacker's fork or workflow added to the project's publishing rights. Benign after a "
    "repository transfer or rename, or a renamed release workflow: the evidence names both.",
    Stage.PROVENANCE,
)
