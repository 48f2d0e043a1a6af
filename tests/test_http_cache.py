"""The HTTP cache for project pages, across runs: each test opens a second IndexClient on the same
cache directory (as a second ``interlock`` process would) against a real index on 127.0.0.1.

The artifacts served are tiny wheels built in test_index_client; nothing is installed or imported.
"""

from __future__ import annotations

import gzip
import re
import sqlite3
import time
from pathlib import Path

import pytest

from interlock.index import BadIndexResponse, IndexClient, ProjectNotFound
from interlock.index import client as client_module
from interlock.index.http_cache import default_http_cache_dir
from tests.fake_index import JSON_TYPE, FakeIndex, Reply
from tests.test_index_client import make_wheel

PAGE = "/simple/demo/"
FRESH = {"Cache-Control": "max-age=600, public"}
STALE_WITH_ETAG = {"Cache-Control": "max-age=0", "ETag": '"v1"'}


def open_client(index: FakeIndex, tmp_path: Path, **options: object) -> IndexClient:
    """A new client, as a new process would make: nothing in memory, the cache dir from XDG_CACHE_HOME."""
    return IndexClient(index.simple, timeout=2, cache_dir=tmp_path / "artifacts", retries=0, backoff=0.01, **options)  # type: ignore[arg-type]


def filenames(index: FakeIndex, tmp_path: Path, **options: object) -> list[str]:
    with open_client(index, tmp_path, **options) as client:
        return [f.filename for f in client.project_files("demo")]


def serve_demo(index: FakeIndex, version: str, headers: dict[str, str]) -> str:
    filename, data = make_wheel("demo", version)
    index.json_project("demo", {filename: data}, page_headers=headers)
    return filename


def page_requests(index: FakeIndex) -> list[dict[str, str]]:
    return [headers for path, headers in index.requests if path == PAGE]


def test_fresh_page_is_read_again_without_a_request(index: FakeIndex, tmp_path: Path, isolated_cache: Path) -> None:
    wheel = serve_demo(index, "1.0", FRESH)
    assert filenames(index, tmp_path) == [wheel]
    with open_client(index, tmp_path) as second:
        assert [f.filename for f in second.project_files("demo")] == [wheel]
        assert second.traffic.requests == 0
    assert index.hits(PAGE) == 1
    assert default_http_cache_dir().is_relative_to(isolated_cache)  # XDG_CACHE_HOME is honoured
    assert any(default_http_cache_dir().iterdir())


def test_stale_page_is_revalidated_with_its_etag_and_a_304_reuses_the_body(index: FakeIndex, tmp_path: Path) -> None:
    wheel = serve_demo(index, "1.0", STALE_WITH_ETAG)
    assert filenames(index, tmp_path) == [wheel]
    with open_client(index, tmp_path) as second:
        assert [f.filename for f in second.project_files("demo")] == [wheel]
        assert (second.traffic.requests, second.traffic.bytes) == (1, 0)
    first, revalidation = page_requests(index)
    assert "if-none-match" not in first
    assert revalidation["if-none-match"] == '"v1"'


def test_stale_page_is_revalidated_with_its_last_modified(index: FakeIndex, tmp_path: Path) -> None:
    stamp = "Tue, 24 Mar 2026 10:00:00 GMT"
    wheel = serve_demo(index, "1.0", {"Cache-Control": "no-cache", "Last-Modified": stamp})
    assert filenames(index, tmp_path) == [wheel]
    assert filenames(index, tmp_path) == [wheel]
    assert page_requests(index)[1]["if-modified-since"] == stamp


def test_changed_page_is_picked_up(index: FakeIndex, tmp_path: Path) -> None:
    old = serve_demo(index, "1.0", STALE_WITH_ETAG)
    assert filenames(index, tmp_path) == [old]
    new = serve_demo(index, "1.1", {"Cache-Control": "max-age=0", "ETag": '"v2"'})
    assert filenames(index, tmp_path) == [new]
    assert page_requests(index)[1]["if-none-match"] == '"v1"'  # asked, and the index said it changed


def test_no_store_page_is_not_stored(index: FakeIndex, tmp_path: Path) -> None:
    wheel = serve_demo(index, "1.0", {"Cache-Control": "no-store", "ETag": '"v1"'})
    assert filenames(index, tmp_path) == [wheel]
    assert filenames(index, tmp_path) == [wheel]
    assert [("if-none-match" in headers) for headers in page_requests(index)] == [False, False]


def test_page_without_caching_headers_is_reused_for_ten_minutes(
    index: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some indexes send neither freshness nor a validator: without a default every run refetches every page.
    wheel = serve_demo(index, "1.0", {})
    assert filenames(index, tmp_path) == [wheel]
    with open_client(index, tmp_path) as second:
        assert [f.filename for f in second.project_files("demo")] == [wheel]
        assert second.traffic.requests == 0
    assert index.hits(PAGE) == 1
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 601)
    assert filenames(index, tmp_path) == [wheel]  # stale after max-age=600, and there is nothing to revalidate with
    assert index.hits(PAGE) == 2


@pytest.mark.parametrize(
    ("headers", "revalidations"),
    [
        ({"Cache-Control": "no-store"}, [False, False]),
        ({"Cache-Control": "max-age=0"}, [False, False]),
        ({"ETag": '"v1"'}, [False, True]),  # no freshness given: revalidated, not given ten minutes
        ({"Pragma": "no-cache"}, [False, False]),
    ],
)
def test_page_with_caching_headers_follows_them(
    index: FakeIndex, tmp_path: Path, headers: dict[str, str], revalidations: list[bool]
) -> None:
    wheel = serve_demo(index, "1.0", headers)
    assert filenames(index, tmp_path) == [wheel]
    assert filenames(index, tmp_path) == [wheel]
    assert [("if-none-match" in request) for request in page_requests(index)] == revalidations


def test_missing_page_without_caching_headers_is_asked_for_again(index: FakeIndex, tmp_path: Path) -> None:
    for _ in range(2):
        with open_client(index, tmp_path) as client, pytest.raises(ProjectNotFound):
            client.project_files("demo")
    assert index.hits(PAGE) == 2


def test_artifact_without_caching_headers_is_downloaded_each_time(index: FakeIndex, tmp_path: Path) -> None:
    filename, data = make_wheel("demo", "1.0")
    index.json_project("demo", {filename: data})
    for destination in ("one", "two"):
        with open_client(index, tmp_path) as client:
            (file,) = client.project_files("demo")
            assert client.download(file, dest_dir=tmp_path / destination).read_bytes() == data
    assert index.hits(f"/files/{filename}") == 2
    assert index.hits(PAGE) == 1


def test_cache_can_be_turned_off(index: FakeIndex, tmp_path: Path) -> None:
    wheel = serve_demo(index, "1.0", FRESH)
    assert filenames(index, tmp_path, http_cache=False) == [wheel]
    assert filenames(index, tmp_path, http_cache=False) == [wheel]
    assert index.hits(PAGE) == 2
    assert not default_http_cache_dir().exists()


def test_index_url_with_credentials_is_never_cached(index: FakeIndex, tmp_path: Path) -> None:
    serve_demo(index, "1.0", FRESH)
    secret_url = index.simple.replace("http://", "http://alice:s3cret@")
    for _ in range(2):
        with IndexClient(secret_url, cache_dir=tmp_path, retries=0) as c:
            c.project_files("demo")
    assert index.hits(PAGE) == 2
    assert not default_http_cache_dir().exists()


def test_cache_file_that_is_not_a_database_is_started_afresh(index: FakeIndex, tmp_path: Path) -> None:
    wheel = serve_demo(index, "1.0", FRESH)
    assert filenames(index, tmp_path) == [wheel]
    for database in default_http_cache_dir().glob("*.sqlite*"):
        database.write_bytes(b"\x00garbage, not SQLite" * 64)
    assert filenames(index, tmp_path) == [wheel]  # a miss, not a crash
    assert filenames(index, tmp_path) == [wheel]  # and cached again
    assert index.hits(PAGE) == 2


def test_cache_damaged_under_a_stored_page_is_a_miss(index: FakeIndex, tmp_path: Path) -> None:
    wheel = serve_demo(index, "1.0", FRESH)
    assert filenames(index, tmp_path) == [wheel]
    with sqlite3.connect(default_http_cache_dir() / "documents.sqlite") as connection:
        connection.execute("DELETE FROM streams")  # the entry stays, its body is gone
    connection.close()
    (default_http_cache_dir() / "pages.sqlite").unlink()  # so that the body has to be read back
    assert filenames(index, tmp_path) == [wheel]  # a miss, not a crash; the damaged cache is discarded
    assert index.hits(PAGE) == 2
    assert filenames(index, tmp_path) == [wheel]  # a new cache: stored again...
    assert filenames(index, tmp_path) == [wheel]  # ...and read back
    assert index.hits(PAGE) == 3


def test_cache_file_of_another_program_is_replaced(index: FakeIndex, tmp_path: Path) -> None:
    directory = default_http_cache_dir()
    directory.mkdir(parents=True)
    with sqlite3.connect(directory / "documents.sqlite") as connection:
        connection.execute("CREATE TABLE entries (something TEXT)")
    connection.close()
    wheel = serve_demo(index, "1.0", FRESH)
    assert filenames(index, tmp_path) == [wheel]
    assert filenames(index, tmp_path) == [wheel]
    assert index.hits(PAGE) == 1


def test_artifact_downloads_bypass_the_http_cache(index: FakeIndex, tmp_path: Path) -> None:
    filename, data = make_wheel("demo", "1.0")
    index.json_project("demo", {filename: data}, page_headers=FRESH)
    index.route(
        f"/files/{filename}", Reply(data, headers={"Cache-Control": "max-age=31536000, immutable", "ETag": '"w"'})
    )
    for destination in ("one", "two"):
        with open_client(index, tmp_path) as client:
            (file,) = client.project_files("demo")
            assert client.download(file, dest_dir=tmp_path / destination).read_bytes() == data
    downloads = [headers for path, headers in index.requests if path == f"/files/{filename}"]
    assert len(downloads) == 2
    assert all("if-none-match" not in headers for headers in downloads)
    assert index.hits(PAGE) == 1


def test_page_cap_holds_for_a_page_served_from_the_cache(
    index: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve_demo(index, "1.0", FRESH)
    filenames(index, tmp_path)
    (default_http_cache_dir() / "pages.sqlite").unlink()  # so that the stored body is read back
    monkeypatch.setattr(client_module, "PAGE_LIMIT", 100)
    with open_client(index, tmp_path) as client, pytest.raises(BadIndexResponse, match="larger than 100 bytes"):
        client.project_files("demo")
    assert index.hits(PAGE) == 1


@pytest.mark.parametrize("no_length", [False, True])
def test_oversized_page_is_refused_and_not_stored(
    index: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_length: bool
) -> None:
    monkeypatch.setattr(client_module, "PAGE_LIMIT", 1000)
    index.route(PAGE, Reply(b"[" * 200_000, content_type=JSON_TYPE, headers=FRESH, no_length=no_length))
    for _ in range(2):
        with open_client(index, tmp_path) as client, pytest.raises(BadIndexResponse, match="larger than 1000 bytes"):
            client.project_files("demo")
    assert index.hits(PAGE) == 2


@pytest.mark.slow
def test_compressed_page_is_capped_as_it_is_decompressed(
    index: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "PAGE_LIMIT", 2 * 1024 * 1024)
    bomb = gzip.compress(b" " * 50_000_000)  # 50 MB of JSON whitespace in about 50 KB
    index.route(PAGE, Reply(bomb, content_type=JSON_TYPE, headers={**FRESH, "Content-Encoding": "gzip"}))
    for _ in range(2):
        with (
            open_client(index, tmp_path) as client,
            pytest.raises(BadIndexResponse, match=re.escape("larger than 2.0 MiB")),
        ):
            client.project_files("demo")
    assert index.hits(PAGE) == 2
