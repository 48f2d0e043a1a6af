"""Parsed project pages kept across runs (``interlock.index.page_memo``): each test opens a second
IndexClient on the same cache directory, as a second ``interlock`` process would, against a real
index on 127.0.0.1.

Whether a page came from the memo is seen from outside: the HTTP cache's stored body is deleted
between runs, so a run that still lists the right files without asking the index again cannot have
read that body.
"""

from __future__ import annotations

import marshal
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from interlock.index import BadIndexResponse, IndexClient, page_memo
from interlock.index.http_cache import BODY_ID_HEADER, default_http_cache_dir
from tests.fake_index import FakeIndex
from tests.test_http_cache import FRESH, PAGE, STALE_WITH_ETAG, filenames, open_client, serve_demo
from tests.test_index_client import make_wheel


def drop_stored_bodies() -> None:
    """Delete every body the HTTP cache holds, keeping the entries' headers."""
    with sqlite3.connect(default_http_cache_dir() / "documents.sqlite") as connection:
        connection.execute("DELETE FROM streams")
    connection.close()


def memo_rows() -> list[tuple[str, str]]:
    with sqlite3.connect(default_http_cache_dir() / "pages.sqlite") as connection:
        rows = connection.execute("SELECT url, body_id FROM pages").fetchall()
    connection.close()
    return rows


def set_kept_page(data: bytes, *, checksum: bool = True) -> None:
    """Replace the kept page's bytes, with a matching checksum or leaving the old one."""
    with sqlite3.connect(default_http_cache_dir() / "pages.sqlite") as connection:
        if checksum:
            connection.execute("UPDATE pages SET page = ?, crc32 = ?", (data, zlib.crc32(data)))
        else:
            connection.execute("UPDATE pages SET page = ?", (data,))
    connection.close()


def kept_page() -> bytes:
    with sqlite3.connect(default_http_cache_dir() / "pages.sqlite") as connection:
        (data,) = connection.execute("SELECT page FROM pages").fetchone()
    connection.close()
    return data


def test_fresh_page_comes_from_the_memo_without_reading_the_stored_body(index: FakeIndex, tmp_path: Path) -> None:
    wheel = serve_demo(index, "1.0", FRESH)
    assert filenames(index, tmp_path) == [wheel]
    drop_stored_bodies()
    with open_client(index, tmp_path) as second:
        files = second.release_files("demo", "1.0")
        assert [f.filename for f in files] == [wheel]
        assert files[0].sha256 is not None and files[0].url.startswith(index.simple.rsplit("/simple", 1)[0])
        assert second.traffic.requests == 0
    assert index.hits(PAGE) == 1


def test_revalidated_page_keeps_its_body_and_so_its_memo(index: FakeIndex, tmp_path: Path) -> None:
    wheel = serve_demo(index, "1.0", STALE_WITH_ETAG)
    assert filenames(index, tmp_path) == [wheel]
    (row,) = memo_rows()
    drop_stored_bodies()
    with open_client(index, tmp_path) as second:
        assert [f.filename for f in second.project_files("demo")] == [wheel]
        assert (second.traffic.requests, second.traffic.bytes) == (1, 0)  # one 304
    assert index.hits(PAGE) == 2
    assert memo_rows() == [row]


def test_changed_page_is_parsed_again_and_replaces_the_memo(index: FakeIndex, tmp_path: Path) -> None:
    old = serve_demo(index, "1.0", STALE_WITH_ETAG)
    assert filenames(index, tmp_path) == [old]
    (before,) = memo_rows()
    filename, data = make_wheel("demo", "1.1")
    old_name, old_data = make_wheel("demo", "1.0")
    index.json_project(
        "demo", {old_name: old_data, filename: data}, page_headers={"Cache-Control": "max-age=0", "ETag": '"v2"'}
    )
    assert filenames(index, tmp_path) == [old, filename]
    (after,) = memo_rows()
    assert after[0] == before[0] and after[1] != before[1]


def test_an_index_cannot_name_the_body_itself(index: FakeIndex, tmp_path: Path) -> None:
    # An index (or a proxy) sending the header itself, the same on every answer, must not make a
    # changed page look like the one already parsed.
    forged = {BODY_ID_HEADER: "0" * 32}
    old = serve_demo(index, "1.0", {**STALE_WITH_ETAG, **forged})
    assert filenames(index, tmp_path) == [old]
    assert memo_rows()[0][1] != forged[BODY_ID_HEADER]
    filename, data = make_wheel("demo", "1.1")
    index.json_project("demo", {filename: data}, page_headers={"Cache-Control": "max-age=0", "ETag": '"v2"', **forged})
    assert filenames(index, tmp_path) == [filename]


@pytest.mark.parametrize(
    ("damage", "checksum"),
    [
        (lambda kept: kept[:-1] + bytes([kept[-1] ^ 1]), False),  # one bit flipped on disk
        (lambda kept: b"", True),
        (lambda kept: b"not marshal data", True),
        (lambda kept: marshal.dumps({"files": []}), True),
        (lambda kept: marshal.dumps([("1.0", (("wheel", True),), 1)]), True),  # a version without its files
        (lambda kept: marshal.dumps([("not a version", (("wheel", True),), 1, b"")]), True),
        (lambda kept: marshal.dumps([("1.0", (("egg", True),), 1, b"")]), True),
    ],
    ids=["bit-flip", "empty", "garbage", "wrong-type", "short-version", "bad-version", "bad-kind"],
)
def test_kept_page_that_does_not_read_back_is_a_miss(
    index: FakeIndex, tmp_path: Path, damage: Callable[[bytes], bytes], checksum: bool
) -> None:
    wheel = serve_demo(index, "1.0", FRESH)
    assert filenames(index, tmp_path) == [wheel]
    set_kept_page(damage(kept_page()), checksum=checksum)
    assert filenames(index, tmp_path) == [wheel]  # read from the stored body instead
    assert index.hits(PAGE) == 1


def test_version_kept_damaged_under_a_good_checksum_is_a_clear_error(index: FakeIndex, tmp_path: Path) -> None:
    # Only the list of versions is checked when a kept page is read; a version's files are unpacked
    # when asked for. Bytes that pass the checksum yet are not what was written mean a bug, and
    # must say so as an index problem, not crash.
    serve_demo(index, "1.0", FRESH)
    filenames(index, tmp_path)
    set_kept_page(marshal.dumps([("1.0", (("wheel", True),), 1, b"\x00broken")]))
    with open_client(index, tmp_path) as client, pytest.raises(BadIndexResponse, match="does not read back"):
        client.release_files("demo", "1.0")


def test_memo_file_that_is_not_a_database_is_started_afresh(index: FakeIndex, tmp_path: Path) -> None:
    wheel = serve_demo(index, "1.0", FRESH)
    assert filenames(index, tmp_path) == [wheel]
    (default_http_cache_dir() / "pages.sqlite").write_bytes(b"\x00garbage, not SQLite" * 64)
    for suffix in ("-wal", "-shm"):
        (default_http_cache_dir() / f"pages.sqlite{suffix}").unlink(missing_ok=True)
    assert filenames(index, tmp_path) == [wheel]
    assert len(memo_rows()) == 1
    assert index.hits(PAGE) == 1


def test_html_pages_are_not_kept_and_still_read(index: FakeIndex, tmp_path: Path) -> None:
    filename, data = make_wheel("demo", "1.0")
    index.html_project("demo", {filename: data})  # no caching headers: kept ten minutes
    assert filenames(index, tmp_path) == [filename]
    assert filenames(index, tmp_path) == [filename]
    assert memo_rows() == []
    assert index.hits(PAGE) == 1


def test_no_memo_without_the_http_cache(index: FakeIndex, tmp_path: Path) -> None:
    wheel = serve_demo(index, "1.0", FRESH)
    with IndexClient(index.simple, timeout=2, cache_dir=tmp_path, retries=0, http_cache=False) as client:
        assert [f.filename for f in client.project_files("demo")] == [wheel]
    assert not (default_http_cache_dir() / "pages.sqlite").exists()


def test_memo_keeps_within_its_bound_dropping_the_oldest(
    index: FakeIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["alpha", "beta", "gamma"]
    for name in names:
        filename, data = make_wheel(name, "1.0")
        index.json_project(name, {filename: data}, page_headers=FRESH)
    with open_client(index, tmp_path) as client:
        client.project_files("alpha")
        (size,) = {len(kept_page())}
    # Room for two pages of this size: keeping the third drops the first.
    monkeypatch.setattr(page_memo, "MAX_BYTES", 2 * size + size // 2)
    with open_client(index, tmp_path) as client:
        for name in names[1:]:
            client.project_files(name)
    assert sorted(url.rstrip("/").rsplit("/", 1)[1] for url, _ in memo_rows()) == ["beta", "gamma"]
