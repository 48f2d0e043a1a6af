"""Where downloaded artifacts live: content-addressed, written atomically, never outside the root.

Layout: ``<root>/<sha256[:2]>/<sha256>/<filename>``. The digest names the content, so a cached
file is reused only after its bytes hash to that name again.

A download is written to a ``*.part`` file first and renamed into place once checked. The partial
files of this process are known (``abandon_partial_downloads``), so that Ctrl-C removes them even
while the threads writing them are still blocked on a slow index.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from interlock.artifact.limits import Interrupted, check_stop
from interlock.index.cache_location import CacheLayout
from interlock.index.errors import UnsafeFile

_MAX_FILENAME = 255
PARTIAL_DIR = ".partial"
"""Under the artifact root: where downloads are written before their hash is checked."""

_partials_lock = threading.Lock()
_partials: set[Path] = set()
_abandoned = False


def abandon_partial_downloads() -> int:
    """Remove every partial download of this process, and refuse new ones: for Ctrl-C, when the
    process is about to end whatever its download threads are doing. Returns how many went."""
    global _abandoned
    with _partials_lock:
        _abandoned = True
        removed = 0
        for path in _partials:
            try:
                path.unlink()
                removed += 1
            except OSError:
                pass
        _partials.clear()
    return removed


def default_root() -> Path:
    """The artifact cache under the cache root (``cache_location``): ``artifacts/``."""
    return CacheLayout.resolve().artifacts


def safe_filename(filename: str) -> str:
    """``filename`` if it can only name a file inside one directory; ``UnsafeFile`` otherwise.

    An index is untrusted input: ``../../x``, ``/etc/x``, ``C:x`` or a name with a NUL would
    otherwise write wherever it pleased.
    """
    bad = (
        not filename
        or filename in {".", ".."}
        or len(filename) > _MAX_FILENAME
        or any(ch in filename for ch in "/\\:\0")
        or any(ord(ch) < 32 for ch in filename)
    )
    if bad:
        raise UnsafeFile(f"refusing filename {filename!r} from the index: not a plain file name")
    return filename


def artifact_path(root: Path, sha256: str, filename: str) -> Path:
    """Where the artifact with this digest and name is kept (checked to stay under ``root``)."""
    path = root / sha256[:2] / sha256 / safe_filename(filename)
    if not path.resolve().is_relative_to(root.resolve()):
        raise UnsafeFile(f"refusing {filename!r}: its cache path would leave {root}")
    return path


@contextmanager
def atomic_file(directory: Path) -> Iterator[tuple[BinaryIO, Callable[[Path], None]]]:
    """A temporary file in ``directory`` and a ``commit(target)`` that renames it into place.

    Without a commit the temporary file is removed, so an interrupted, oversized or mismatched
    download never leaves a file that looks finished.
    """
    check_stop()
    directory.mkdir(parents=True, exist_ok=True)
    committed = False
    with _partials_lock:
        if _abandoned:
            raise Interrupted("interrupted")
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by the with below; registered first)
            dir=directory, prefix=".interlock-", suffix=".part", delete=False
        )
        temporary = Path(handle.name)
        _partials.add(temporary)
    with handle:

        def commit(target: Path) -> None:
            nonlocal committed
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would surprise whoever reads the cache next
            target.parent.mkdir(parents=True, exist_ok=True)
            with _partials_lock:
                if _abandoned:
                    raise Interrupted("interrupted")
                os.replace(temporary, target)
                _partials.discard(temporary)
            committed = True

        try:
            yield handle, commit  # type: ignore[misc]
        finally:
            handle.close()  # before the unlink: Windows cannot remove an open file
            if not committed:
                with _partials_lock:
                    _partials.discard(temporary)
                temporary.unlink(missing_ok=True)
