"""Which reader reads a file: by its name, and for an unusual name by what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from interlock.lockfiles._text import is_blank, read_stream, read_text
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

STDIN = Path("<stdin>")
"""How a lockfile read from standard input is named in messages and reports."""


def detect_format(path: Path) -> LockfileFormat:
    """The format of ``path``: from its name, else from its content; ``LockfileError`` when neither says."""
    for reader in READERS.values():
        if reader.claims_name(path.name):
            return reader.format
    text = read_text(path)
    found = _format_of_content(text)
    if found is not None:
        return found
    raise LockfileError(path, None, f"not a lockfile format Interlock reads; supported: {SUPPORTED}")


def read_lockfile(path: Path, format: LockfileFormat | None = None) -> Lockfile:
    """The packages the lockfile at ``path`` installs, in ``format`` or the one ``detect_format`` finds.
    A file with nothing but blank lines and comments is read as a lockfile that pins nothing."""
    path = Path(path)
    chosen = format or detect_format(path)
    return _read(chosen, path, read_text(path))


def read_lockfile_stream(stream: BinaryIO, path: Path = STDIN, format: LockfileFormat | None = None) -> Lockfile:
    """The packages a lockfile read from ``stream`` installs: its format from its content,
    requirements when nothing else claims it; ``path`` names it in messages."""
    text = read_stream(stream, path)
    return _read(format or _format_of_content(text) or LockfileFormat.REQUIREMENTS, path, text)


def _format_of_content(text: str) -> LockfileFormat | None:
    return next((reader.format for reader in READERS.values() if reader.claims_content(text)), None)


def _read(format: LockfileFormat, path: Path, text: str) -> Lockfile:
    if is_blank(text):
        return Lockfile(path=path, format=format, packages=(), files_read=(path,))
    return READERS[format].read(path, text)
