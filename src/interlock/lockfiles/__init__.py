"""Lockfiles and environments read into the pinned artifacts a gate or an audit judges.

``read_lockfile(path)`` reads requirements files (with their ``-r``/``-c`` includes), ``uv.lock``,
``poetry.lock``, ``pylock.toml`` and ``Pipfile.lock`` (``read_lockfile_stream`` the same from
standard input; a file of nothing but blank lines and comments pins nothing, in any format);
``read_environment(python)`` lists what an interpreter has installed. Both give a ``Lockfile`` of
``LockedPackage`` values, each ``PINNED``, ``UNPINNED`` or ``UNVERIFIABLE``; a file that cannot be
read is a ``LockfileError`` naming the file and line, while what is odd but clear is read and noted
in ``Lockfile.problems``. ``parse_requirement`` reads one requirement as a requirements file line is read.
Nothing here fetches, builds or imports a package.
"""

from interlock.lockfiles._requirement import parse_requirement
from interlock.lockfiles.detect import READERS, STDIN, SUPPORTED, detect_format, read_lockfile, read_lockfile_stream
from interlock.lockfiles.environment import read_environment
from interlock.lockfiles.interface import (
    MAX_FILE_BYTES,
    ArtifactFile,
    LockedPackage,
    Lockfile,
    LockfileError,
    LockfileFormat,
    LockfileReader,
    PinStatus,
    Problem,
    display_url,
)

__all__ = [
    "MAX_FILE_BYTES",
    "READERS",
    "STDIN",
    "SUPPORTED",
    "ArtifactFile",
    "LockedPackage",
    "Lockfile",
    "LockfileError",
    "LockfileFormat",
    "LockfileReader",
    "PinStatus",
    "Problem",
    "detect_format",
    "display_url",
    "parse_requirement",
    "read_environment",
    "read_lockfile",
    "read_lockfile_stream",
]
