"""Bounds on the work and memory one artifact may cost."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, fields

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on reading one artifact, set per scan (tests and configs make them small).

    Each says what happens when it is passed: which finding, and which verdict it leads to.
    Bounds on the analysis of what was read are the module constants below.
    """

    max_total_bytes: int = 2048 * MiB
    """Uncompressed bytes over all members, nested archives included. Passed: reading stops and the
    verdict is `error` ("more than … uncompressed in total")."""
    max_members: int = 100_000
    """Archive entries, directories and rejected names included. Passed: `error` ("more than … archive entries")."""
    max_member_bytes: int = 1024 * MiB
    """A member declaring more than this is not read at all: finding `archive-member-too-large` (medium;
    high for code and start-up files, which then count as not judged: at least `suspicious`)."""
    max_kept_bytes: int = 8 * MiB
    """Members up to this size are kept in memory whole for analysis. Larger text members (source,
    .pth, metadata) are kept as an excerpt instead (see `max_excerpt_bytes`), larger pickles as an
    excerpt of their opcodes (long arguments cut), larger archives are held only while the files in
    them are read (within `max_kept_total_bytes`); other larger members are hashed and skipped. A
    source file read from its excerpt gets `source-too-large` (medium)."""
    max_excerpt_bytes: int = 32 * MiB
    """The excerpt of a text member over `max_kept_bytes`: every line in order, comment lines emptied and
    lines over `EXCERPT_LINE_BYTES` cut to their first and last bytes, up to this many bytes. Passed: the
    rest of the member is not read; if it is code that runs at install, start-up or import, finding
    `source-not-judged` (high: at least `suspicious`). A pickle's excerpt stops there too."""
    max_kept_total_bytes: int = 256 * MiB
    """Content of non-text members kept in memory in all, archives held while their files are read
    included; past it members are hashed and skipped (YARA rules then name them in one `yara-error`,
    low), and an archive's files are not read: `archive-member-too-large` (medium)."""
    max_ratio: float = 1000.0
    """Uncompressed/compressed size of one member; above it (and above `min_bomb_bytes`) it is a zip bomb:
    not read, finding `archive-compression-ratio` (high: `suspicious`).
    Native libraries padded with zeros reach a few hundred; bombs reach thousands."""
    min_bomb_bytes: int = 16 * MiB
    """Members smaller than this are never treated as bombs, whatever their ratio."""
    max_nesting: int = 2
    """Archives inside archives are read this many levels deep; deeper ones: `archive-nesting-too-deep` (low)."""
    max_seconds: float = 120.0
    """Wall-clock budget for reading and analysing one artifact, rules included, before the time its
    source adds (`seconds_per_source_mib`). Passed: `error` ("analysis took longer than … s, while
    reading FILE")."""
    seconds_per_source_mib: float = 4.0
    """Time added to `max_seconds` per MiB of Python source the analysis reads. A MiB takes well under a
    second on an idle core; four leave room for a machine busy with other work."""

    def deadline(self) -> Deadline:
        """A fresh budget for one artifact (or one pair of releases, in a diff)."""
        return Deadline(self.max_seconds, self.seconds_per_source_mib)

    def content_digest(self) -> str:
        """A digest of the bounds that decide what is read of a member (whole, as an excerpt, or not at
        all), and so what its analysis says: part of a cached report's key. The time budget is left out:
        it decides whether an analysis finishes, never what a finished one says."""
        values = [f"{item.name}={getattr(self, item.name)!r}" for item in fields(self) if item.name not in _TIME_BOUNDS]
        return hashlib.sha256("\0".join(values).encode()).hexdigest()[:16]


_TIME_BOUNDS = frozenset({"max_seconds", "seconds_per_source_mib"})


DEFAULT_LIMITS = Limits()

# -- bounds on the analysis (the same for every scan) -------------------------------------------

EXCERPT_LINE_BYTES = 64 * 1024
"""In an excerpt (see `Limits.max_excerpt_bytes`), a line longer than twice this keeps only its first and
last this-many bytes: the code after a 20 MB string literal is still read. No finding of its own."""
MAX_TAR_RECORD_BYTES = 1024 * 1024
"""A tar PAX or GNU long-name record (which tarfile reads whole into memory) larger than this: `error`
("tar header record of … (PAX or long name)")."""
MAX_PARSE_TOKENS = 400_000
"""A Python file (or hidden payload) with more tokens than this is not parsed (ast.parse costs up to
~700 bytes per token) but scanned line by line as text: `source-too-large` (medium, a limit: it does
not count towards corroboration). About 1.5 MB of ordinary code."""
MAX_PAYLOAD_DEPTH = 3
"""Hidden payloads (decoded, decompressed code) are followed this many levels deep; deeper ones are
not analysed. No finding: the payload one level up is already `decoded-exec`."""
MAX_PAYLOAD_BYTES = 16 * MiB
"""Hidden payloads analysed in total per file. Passed: the rest are not analysed, `source-too-large`
(medium) "hidden payloads over 16 MiB in total"."""
MAX_PAYLOAD_FALLBACK_LINES = 200_000
"""A hidden payload too large to parse is scanned as text up to this many lines (each of its lines may
be a shell command, which is costly to check); the rest is not read. No finding of its own: the
payload is already `decoded-exec` or `obfuscated-exec`. Files themselves are scanned to their last line."""
MAX_FOLD_OUTPUT = 4 * MiB
"""A constant folded (joined, decoded, decompressed) from source larger than this is not folded: it
stays unknown (a decompression bomb costs this much at most). No finding."""
MAX_FOLD_DEPTH = 60
"""Expressions nested deeper than this are not folded (unknown). No finding."""
MAX_STRING_SCAN = 64 * 1024
"""Only the first this-many characters of one string (or fallback line) are matched against patterns."""
MAX_PICKLE_OPCODES = 1_000_000
"""A pickle's opcodes are read this far for the callables it names, and a pickle's excerpt keeps this
many; past it the rest is not read (no finding; a pickle naming no dangerous module is never walked)."""
MAX_RECORD_BYTES = 16 * MiB
"""A wheel RECORD larger than this is not compared with the files: `record-mismatch` (high: `suspicious`)
says nothing vouches for them."""
MAX_DEPENDENCIES = 500
"""Distinct dependency names (Requires-Dist, requires.txt) checked for typosquats. Passed: the rest are not
checked, finding `too-many-dependencies` (high: `suspicious`). The most in the 300 most downloaded
projects is under 100."""
MAX_FINDINGS_PER_RULE = 20
"""Findings of one rule shown in a report (the verdict is decided on all of them)."""


def describe_size(size: int) -> str:
    """'2048 MiB', '1.5 MiB' or '4096 bytes': limits are often set small in tests and configs."""
    if size < MiB:
        return f"{size} bytes"
    return f"{size / MiB:.4g} MiB"


class LimitExceeded(Exception):
    """Reading or analysis went past a bound; the message says which."""


class Interrupted(KeyboardInterrupt):
    """The user asked to stop (Ctrl-C): raised in worker threads at their next check, so they end
    within moments instead of finishing what they were doing. A KeyboardInterrupt, so no handler
    for ordinary errors takes it for a failure of the artifact."""


_stop = threading.Event()


def request_stop() -> None:
    """Make every `check_stop` (and so every deadline check and download chunk) raise `Interrupted`."""
    _stop.set()


def check_stop() -> None:
    if _stop.is_set():
        raise Interrupted("interrupted")


def pause(seconds: float) -> None:
    """Sleep, unless a stop is requested meanwhile (then `Interrupted` at once)."""
    _stop.wait(seconds)
    check_stop()


class Deadline:
    """A wall-clock budget that long loops check between steps.

    The budget is `seconds` plus `per_source_mib` for every MiB of source an analysis is given
    (`allow_for`): a release with ten times the code gets about ten times the time, so a busy
    machine does not turn a large clean release into `error` while a small one still stops soon.
    A deadline hit names the file that was being read (`reading`).
    """

    def __init__(self, seconds: float, per_source_mib: float = 0.0) -> None:
        self.seconds = seconds
        self.per_source_mib = per_source_mib
        self.source_bytes = 0
        self.current = ""
        """What the work is on now: `reading pkg/x.py`, `applying rule beacon` ('' before any)."""
        self._end = time.monotonic() + seconds

    def allow_for(self, source_bytes: int) -> None:
        """Add the time `source_bytes` more of source is allowed."""
        extra = self.per_source_mib * source_bytes / MiB
        self.source_bytes += source_bytes
        self.seconds += extra
        self._end += extra

    def reading(self, path: str) -> None:
        """Say which file the work is on, for the message of a deadline hit."""
        self.current = f"reading {path}"

    def doing(self, what: str) -> None:
        """Say what the work is on when it is not one file (`applying rule beacon`)."""
        self.current = what

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def check(self) -> None:
        check_stop()
        if time.monotonic() > self._end:
            raise LimitExceeded(self.exceeded())

    def exceeded(self, doing: str | None = None) -> str:
        """The message of a deadline hit, naming what was `doing` (default: what `reading` said)."""
        budget = f"{self.seconds:.4g} s"
        if self.source_bytes and self.per_source_mib:
            budget += f", allowed for {describe_size(self.source_bytes)} of source"
        doing = doing if doing is not None else self.current
        return f"analysis took longer than {budget}" + (f", while {doing}" if doing else "")
