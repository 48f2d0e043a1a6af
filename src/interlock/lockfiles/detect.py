"""Which reader reads a file: by its name, and for an unusual name by what it holds."""

from __future__ import annotations

from pathlib import Path

from interlock.lockfiles._text import read_text
from interlock.lockfiles.interface import Lockfile, LockfileError, LockfileFormat, LockfileReader
from interlock.lockfiles.pipfile_lock import PipfileLockReader
from interlock.lockfiles.poetry_lock import PoetryLockReader
from interlock.lockfiles.pylock import PylockReader
from interlock.lockfiles.requirements import RequirementsReader
from interlock.lockfiles.uv_lock import UvLockReader

# Content sniffing asks them in this order: the specific formats before requirements text.
READERS: dict[LockfileFormat, LockfileReader] = {
    reader.format: reader
    for reader in (UvLockReader(), PoetryLockReader(), PylockReader(), PipfileLockReader(), RequirementsReader())
}

SUPPORTED = "requirements*.txt (pip), uv.lock, poetry.lock, pylock.toml / pylock.NAME.toml (PEP 751), Pipfile.lock"


def detect_format(path: Path) -> LockfileFormat:
    """The format of ``path``: from its name, else from its content; ``LockfileError`` when neither says."""
    for reader in READERS.values():
        if reader.claims_name(path.name):
            return reader.format
    text = read_text(path)
    for reader in READERS.values():
        if reader.claims_content(text):
            return reader.format
    raise LockfileError(path, None, f"not a lockfile format Interlock reads; supported: {SUPPORTED}")


def read_lockfile(path: Path, format: LockfileFormat | None = None) -> Lockfile:
    """The packages the lockfile at ``path`` installs, in ``format`` or the one ``detect_format`` finds."""
    path = Path(path)
    return READERS[format or detect_format(path)].read(path)
