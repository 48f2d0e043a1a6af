"""The package index client: the index pip is configured with, read through its simple API.

``configured_index_url`` says which index; ``IndexClient`` lists a project's files, picks the
artifact pip would install here, and downloads it into a content-addressed cache with its
sha256 verified. Every failure is an ``IndexProblem`` with a one-line message.
"""

from typing import TYPE_CHECKING

from interlock._lazy import lazy_exports

if TYPE_CHECKING:
    from interlock.index.client import IndexClient, parse_pin
    from interlock.index.config import IndexSettings, configured_index, configured_index_url
    from interlock.index.errors import (
        BadIndexResponse,
        BadProvenance,
        BadRequirement,
        FileTooLarge,
        HashMismatch,
        IndexConfigError,
        IndexProblem,
        IndexUnavailable,
        NoSuitableFile,
        ProjectNotFound,
        TrustRootUnavailable,
        UnsafeFile,
        VersionNotFound,
    )
    from interlock.index.models import FileKind, IndexFile
    from interlock.index.selection import latest_version, previous_version, release_versions, select_file

# Loaded when first used: a module that needs only `errors` or `models` does not load the HTTP stack.
__getattr__ = lazy_exports(
    __name__,
    {
        "client": ("IndexClient", "parse_pin"),
        "config": ("IndexSettings", "configured_index", "configured_index_url"),
        "errors": (
            "BadIndexResponse",
            "BadProvenance",
            "BadRequirement",
            "FileTooLarge",
            "HashMismatch",
            "IndexConfigError",
            "IndexProblem",
            "IndexUnavailable",
            "NoSuitableFile",
            "ProjectNotFound",
            "TrustRootUnavailable",
            "UnsafeFile",
            "VersionNotFound",
        ),
        "models": ("FileKind", "IndexFile"),
        "selection": ("latest_version", "previous_version", "release_versions", "select_file"),
    },
)

__all__ = [
    "BadIndexResponse",
    "BadProvenance",
    "BadRequirement",
    "FileKind",
    "FileTooLarge",
    "HashMismatch",
    "IndexClient",
    "IndexConfigError",
    "IndexFile",
    "IndexProblem",
    "IndexSettings",
    "IndexUnavailable",
    "NoSuitableFile",
    "ProjectNotFound",
    "TrustRootUnavailable",
    "UnsafeFile",
    "VersionNotFound",
    "configured_index",
    "configured_index_url",
    "latest_version",
    "parse_pin",
    "previous_version",
    "release_versions",
    "select_file",
]
