"""Values describing a release artifact read into memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ArtifactKind(StrEnum):
    WHEEL = "wheel"
    SDIST = "sdist"
    EGG = "egg"
    ZIP = "zip"


class ProblemKind(StrEnum):
    """Things about an archive's structure that a genuine release never needs."""

    PATH_TRAVERSAL = "path-traversal"
    ABSOLUTE_PATH = "absolute-path"
    LINK = "link"
    DEVICE = "device"
    DUPLICATE = "duplicate-member"
    RATIO = "compression-ratio"
    MEMBER_TOO_LARGE = "member-too-large"
    NESTING = "nesting-too-deep"
    UNREADABLE_MEMBER = "unreadable-member"


@dataclass(frozen=True)
class ArchiveProblem:
    """A structural oddity found while reading; it becomes a finding, not a crash."""

    kind: ProblemKind
    path: str
    """The member's name exactly as the archive gives it (printable-escaped)."""
    detail: str


@dataclass(frozen=True)
class Excerpt:
    """What is kept of a member too large to keep whole (see `Limits.max_excerpt_bytes`). Of a text
    member: its lines in order, comment lines emptied (so line numbers stay true), long lines cut to
    their ends. Of a pickle: its opcodes in order, long arguments cut to their first bytes (still a
    pickle, see `interlock.artifact.pickles`)."""

    data: bytes
    cut_lines: int
    """Lines cut to their first and last bytes (a giant string literal, usually); in a pickle's, arguments cut."""
    complete: bool
    """False when the excerpt limit was reached: what follows `data` was not read."""


@dataclass(frozen=True)
class Member:
    """One regular file of the artifact.

    Content is kept in memory only for members small enough to analyse; larger ones
    (native libraries, data blobs) keep their size, digest and first bytes.
    """

    path: str
    """Path inside the artifact, '/'-separated, relative to the project root (an sdist's
    top-level directory is removed; a nested archive's members read as 'outer.zip!/inner')."""
    size: int
    sha256: str
    head: bytes
    """The first bytes, for recognising file types."""
    data: bytes | None
    """Full content, or None when the member is over the analysis size limit."""
    excerpt: Excerpt | None = None
    """For a text member or a pickle over the size limit (`data` None): what is kept of it instead."""

    @property
    def readable(self) -> bytes | None:
        """The content to analyse: whole, or the excerpt of a member too large to keep whole."""
        if self.data is not None:
            return self.data
        return self.excerpt.data if self.excerpt is not None else None

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        return self.path.count("/")


@dataclass
class Artifact:
    """A release file read safely into memory: its members and what was odd about it."""

    filename: str
    sha256: str
    size: int
    kind: ArtifactKind
    name: str | None
    """Project name from the file name, as written (not normalised)."""
    version: str | None
    members: dict[str, Member] = field(default_factory=dict)
    problems: list[ArchiveProblem] = field(default_factory=list)
    fatal: str | None = None
    """Why the artifact could not be read completely; set means the verdict is `error`."""

    def text(self, path: str) -> str | None:
        """Decoded text of a member (of its excerpt when too large to keep whole), or None if absent or not kept."""
        member = self.members.get(path)
        content = member.readable if member is not None else None
        if content is None:
            return None
        return content.decode("utf-8", errors="replace")
