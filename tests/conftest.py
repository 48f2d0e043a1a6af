"""Test-wide settings: every test gets its own cache directory, never the user's; shared fixtures."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from interlock.cli import main
from interlock.index import IndexClient
from tests.fake_index import FakeIndex

SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("XDG_DATA_HOME", str(cache / "data"))  # the advisory store
    # Scans of local files would otherwise ask pip's configured index for the previous release;
    # tests that exercise history unset this and serve an index on loopback.
    monkeypatch.setenv("INTERLOCK_NO_HISTORY", "1")
    return cache


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`interlock ARGV...` in process: its exit status, stdout and stderr. The CLI never shows a traceback."""
    status = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out, captured.err


def corpus_or_skip(*parts: str) -> Path:
    """A path in ../shared/corpus (read as an archive only), or skip when the corpus is absent."""
    path = SHARED_CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return path


@pytest.fixture
def index() -> Iterator[FakeIndex]:
    """A package index on 127.0.0.1 (see tests/fake_index.py), serving nothing until routes are added."""
    fake = FakeIndex()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def unreachable_index() -> str:
    """An index URL on 127.0.0.1 at a port nothing listens on: every request is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple"


@pytest.fixture
def client(index: FakeIndex, tmp_path: Path) -> Iterator[IndexClient]:
    """An IndexClient for ``index`` with short timeouts and its own artifact cache."""
    with IndexClient(index.simple, timeout=2, cache_dir=tmp_path / "cache", retries=2, backoff=0.01) as c:
        yield c


@pytest.fixture
def served_demo(index: FakeIndex, tmp_path: Path) -> str:
    """The index URL of ``index`` serving the demo project: a genuine 1.0.0 and a trojaned 1.0.1."""
    from interlock.demo import build_demo_releases

    genuine, trojaned = build_demo_releases(tmp_path / "served")
    index.json_project("acme-greeter", {genuine.name: genuine.read_bytes(), trojaned.name: trojaned.read_bytes()})
    return index.simple
