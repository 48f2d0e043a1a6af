"""Bounds on the work and memory one artifact may cost."""

from __future__ import annotations

import time
from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Reading stops (with a finding or an `error` verdict) when any of these is passed."""

    max_total_bytes: int = 2048 * MiB
    """Uncompressed bytes over all members, nested archives included."""
    max_members: int = 100_000
    max_member_bytes: int = 1024 * MiB
    """A member declaring more than this is not read at all."""
    max_kept_bytes: int = 8 * MiB
    """Members up to this size are kept in memory for analysis; larger ones are hashed and skipped."""
    max_kept_total_bytes: int = 256 * MiB
    """Content of non-source members (native libraries, data) kept in memory in all."""
    max_ratio: float = 1000.0
    """Uncompressed/compressed size of one member; above it (and above `min_bomb_bytes`) it is a zip bomb.
    Native libraries padded with zeros reach a few hundred; bombs reach thousands."""
    min_bomb_bytes: int = 16 * MiB
    max_nesting: int = 2
    """Archives inside archives are read this many levels deep."""
    max_seconds: float = 120.0
    """Wall-clock budget for reading and analysing one artifact."""


DEFAULT_LIMITS = Limits()


def describe_size(size: int) -> str:
    """'2048 MiB', '1.5 MiB' or '4096 bytes': limits are often set small in tests and configs."""
    if size < MiB:
        return f"{size} bytes"
    return f"{size / MiB:.4g} MiB"


class LimitExceeded(Exception):
    """Reading or analysis went past a bound; the message says which."""


class Deadline:
    """A wall-clock budget that long loops check between steps."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise LimitExceeded(f"analysis took longer than {self.seconds:g} s")
