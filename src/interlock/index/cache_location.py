"""Where Interlock keeps what it caches: one directory per command, and nothing outside it.

The directory is ``--cache-dir`` when given, else ``$INTERLOCK_CACHE_DIR``, else the per-user cache
directory (``platformdirs``: ``$XDG_CACHE_HOME/interlock`` on Linux). Every cache lives under it:
downloaded artifacts, their use index, scan results, per-file facts and the index's pages. It sits
here, in the lowest layer that writes to it, so that every layer above reads the same answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

CACHE_DIR_ENV = "INTERLOCK_CACHE_DIR"
"""Moves the whole cache, like ``--cache-dir`` (which wins over it)."""


@dataclass(frozen=True)
class CacheLayout:
    """The files and directories under one cache root."""

    root: Path

    @classmethod
    def resolve(cls, explicit: Path | None = None) -> CacheLayout:
        """``explicit``, else ``$INTERLOCK_CACHE_DIR``, else the per-user cache directory."""
        if explicit is not None:
            return cls(explicit.expanduser())
        from_env = os.environ.get(CACHE_DIR_ENV, "").strip()
        if from_env:
            return cls(Path(from_env).expanduser())
        return cls(Path(platformdirs.user_cache_dir("interlock")))

    @property
    def artifacts(self) -> Path:
        """Downloaded wheels and sdists, by sha256 (``index.artifacts``)."""
        return self.root / "artifacts"

    @property
    def artifact_index(self) -> Path:
        """When each artifact was last used, and which are in use (``store.artifacts``)."""
        return self.root / "artifacts.sqlite3"

    @property
    def http(self) -> Path:
        """The index's pages (``index.http_cache``, ``index.page_memo``)."""
        return self.root / "http"

    @property
    def results(self) -> Path:
        """Scan results by sha256 and rule set (``store.cache``)."""
        return self.root / "results.sqlite3"

    @property
    def facts(self) -> Path:
        """What each source file can do, by content (``store.facts``)."""
        return self.root / "facts.sqlite3"
