"""What can go wrong talking to a package index: one hierarchy, one-line messages naming the input."""

from __future__ import annotations


class IndexProblem(Exception):
    """Anything the index client could not do; ``str()`` is a one-line message for the user."""


class IndexConfigError(IndexProblem):
    """The index to use could not be worked out from the flag, the environment or pip's configuration."""


class BadRequirement(IndexProblem, ValueError):
    """A requirement string that is not an exact ``NAME==VERSION`` pin."""


class IndexUnavailable(IndexProblem):
    """The index could not be reached, timed out, or kept failing (5xx, 429) after retries."""


class ProjectNotFound(IndexProblem):
    """The index has no page for the project (404/410)."""


class VersionNotFound(IndexProblem):
    """The project exists but lists no file for the requested version."""


class NoSuitableFile(IndexProblem):
    """The version exists but none of its files is one pip would install here."""


class BadIndexResponse(IndexProblem):
    """The index answered with something unusable: malformed JSON, a body too large or cut short, an odd status."""


class UnsafeFile(IndexProblem):
    """A file the client refuses to download: no sha256, a filename that is a path, a scheme other than http(s)."""


class FileTooLarge(IndexProblem):
    """A download that went past its size limit; nothing is left on disk."""


class HashMismatch(IndexProblem):
    """A downloaded file whose sha256 is not the one the index listed; nothing is left on disk."""


class BadProvenance(IndexProblem):
    """A PEP 740 provenance object that is not one: not JSON, too large, too many attestations, or
    missing its structure."""


class TrustRootUnavailable(IndexProblem):
    """Sigstore's trust root could not be loaded, so no attestation can be checked: says nothing about the release."""
