"""A new project that ships a popular project's package under its own name: a copy to judge
against the original.

A full clone of a well-known library published as a new project, with a few lines added, passes
when judged alone: the copied code looks like the library it is, and the added lines are a small
part of a large release. Judged against the original, the copied code is baseline and what the
copy adds is judged as a trojaned update would be: capabilities the original never had, in code
that runs on its own, are the signal. Variants that ship the same package on purpose
(`psycopg2-binary`, `tensorflow-cpu`) have nothing of their own to add, and pass.
"""

from __future__ import annotations

from packaging.utils import InvalidName, canonicalize_name

from interlock.analysis.engine import shipped_modules
from interlock.artifact.model import Artifact
from interlock.diff.compare import normalised_path
from interlock.intel.popular import PopularNames

MIN_SHARED = 0.5
"""Share of the copy's Python files that must be byte-identical to the original's for it to be
judged as a copy (a project that merely reuses a package name shares nothing)."""


def copied_project(artifact: Artifact, popular: PopularNames) -> str | None:
    """The popular project whose top-level package `artifact` ships under another project's name,
    if any. A popular project shipping another's package (a vendored copy) is not a copy."""
    if not artifact.name or artifact.name in popular:
        return None
    own = canonicalize_name(artifact.name)
    for module in sorted(shipped_modules(artifact)):
        try:
            candidate = canonicalize_name(module, validate=True)
        except InvalidName:
            continue
        if candidate != own and candidate in popular:
            return candidate
    return None


def shared_share(original: Artifact, copy: Artifact) -> float:
    """The share of `copy`'s Python files that are byte-identical to a file of `original` at the
    same path (0 when it has none)."""
    originals = {
        normalised_path(path, original.version): member.sha256
        for path, member in original.members.items()
        if path.endswith(".py")
    }
    copied = [
        (normalised_path(path, copy.version), member.sha256)
        for path, member in copy.members.items()
        if path.endswith(".py")
    ]
    if not copied:
        return 0.0
    return sum(1 for path, digest in copied if originals.get(path) == digest) / len(copied)
