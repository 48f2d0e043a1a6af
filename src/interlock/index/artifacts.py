"""Where downloaded artifacts live: content-addressed, written atomically, never outside the root.

Layout: ``<root>/<sha256[:2]>/<sha256>/<filename>``. The digest names the content, so a cached
file is reused only after its bytes hash to that name again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import platformdirs

from interlock.index.errors import UnsafeFile

_MAX_FILENAME = 255


def default_root() -> Path:
    """The per-user artifact cache (``platformdirs`` cache dir of interlock, ``artifacts/``)."""
    return Path(platformdirs.user_cache_dir("interlock")) / "artifacts"


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
    directory.mkdir(parents=True, exist_ok=True)
    committed = False
    with tempfile.NamedTemporaryFile(dir=directory, prefix=".interlock-", suffix=".part", delete=False) as handle:
        temporary = Path(handle.name)

        def commit(target: Path) -> None:
            nonlocal committed
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would surprise whoever reads the cache next
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, target)
            committed = True

        try:
            yield handle, commit  # type: ignore[misc]
        finally:
            handle.close()  # before the unlink: Windows cannot remove an open file
            if not committed:
                temporary.unlink(missing_ok=True)
