"""Test-wide settings: every test gets its own cache directory, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    # Scans of local files would otherwise ask pip's configured index for the previous release;
    # tests that exercise history unset this and serve an index on loopback.
    monkeypatch.setenv("INTERLOCK_NO_HISTORY", "1")
    return cache


def corpus_or_skip(*parts: str) -> Path:
    """A path in ../shared/corpus (read as an archive only), or skip when the corpus is absent."""
    path = SHARED_CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return path
