"""IndexClient against a real HTTP server on 127.0.0.1 playing a package index.

The artifacts it serves are tiny wheels and sdists built here with zipfile/tarfile; nothing is
installed or imported from them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.tags import sys_tags
from packaging.version import Version

from interlock.index import (
    BadIndexResponse,
    BadRequirement,
    FileKind,
    FileTooLarge,
    HashMismatch,
    IndexClient,
    IndexConfigError,
    IndexUnavailable,
    NoSuitableFile,
    ProjectNotFound,
    UnsafeFile,
    VersionNotFound,
)
from interlock.index import client as client_module
from interlock.index.selection import previous_release_file, release_versions
from tests.fake_index import JSON_TYPE, FakeIndex, Reply

# --- tiny real artifacts --------------------------------------------------------------------


def make_wheel(name: str, version: str, tag: str = "py3-none-any") -> tuple[str, bytes]:
    dist = name.replace("-", "_")
    buffer = io.BytesIO()
    members = {
        f"{dist}/__init__.py": b"VALUE = 1\n",
        f"{dist}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}-{version}.dist-info/WHEEL": f"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: {tag}\n".encode(),
    }
    record = "".join(f"{path},sha256={_urlsafe_sha256(data)},{len(data)}\n" for path, data in members.items())
    members[f"{dist}-{version}.dist-info/RECORD"] = (record + f"{dist}-{version}.dist-info/RECORD,,\n").encode()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return f"{dist}-{version}-{tag}.whl", buffer.getvalue()


def _urlsafe_sha256(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def make_sdist(name: str, version: str) -> tuple[str, bytes]:
    dist = name.replace("-", "_")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for member, text in {
            "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
            "pyproject.toml": "[project]\n",
        }.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{dist}-{version}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return f"{dist}-{version}.tar.gz", buffer.getvalue()


def native_tag() -> str:
    return str(next(iter(sys_tags())))


def demo_files() -> dict[str, bytes]:
    return dict(
        [make_wheel("demo", "1.0"), make_sdist("demo", "1.0"), make_wheel("demo", "1.1"), make_sdist("demo", "2.0rc1")]
    )


# --- listing --------------------------------------------------------------------------------


def test_json_page_lists_files_with_their_details(index: FakeIndex, client: IndexClient) -> None:
    files = demo_files()
    files["other-1.0.tar.gz"] = b"x"  # another project's file: dropped, as pip drops it
    files["demo-1.0.exe"] = b"x"  # not a wheel or sdist: dropped
    index.json_project(
        "demo", files, **{"demo-1.1-py3-none-any.whl": {"yanked": "broken build", "requires-python": ">=3.8"}}
    )
    listed = {f.filename: f for f in client.project_files("Demo")}
    assert set(listed) == {
        "demo-1.0-py3-none-any.whl",
        "demo-1.0.tar.gz",
        "demo-1.1-py3-none-any.whl",
        "demo-2.0rc1.tar.gz",
    }
    wheel = listed["demo-1.1-py3-none-any.whl"]
    assert wheel.url == f"{index.root}/files/demo-1.1-py3-none-any.whl"
    assert wheel.sha256 == hashlib.sha256(files[wheel.filename]).hexdigest()
    assert (wheel.kind, wheel.version, wheel.project) == (FileKind.WHEEL, Version("1.1"), "demo")
    assert (wheel.yanked, wheel.yanked_reason, wheel.requires_python) == (True, "broken build", ">=3.8")
    assert (wheel.size, wheel.upload_time) == (len(files[wheel.filename]), "2026-03-24T10:00:00Z")
    assert listed["demo-1.0.tar.gz"].kind is FileKind.SDIST and not listed["demo-1.0.tar.gz"].yanked
    path, headers = index.requests[0]
    assert path == "/simple/demo/"  # canonical name, trailing slash
    assert headers["accept"].startswith(JSON_TYPE)


def test_project_page_is_fetched_once_per_client(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", demo_files())
    client.project_files("demo")
    client.resolve("demo==1.0")
    assert client.versions("demo") == [Version("1.0"), Version("1.1"), Version("2.0rc1")]
    assert index.hits("/simple/demo/") == 1


def test_html_answer_to_a_json_request_is_parsed_as_html(index: FakeIndex, client: IndexClient) -> None:
    files = demo_files()
    index.html_project(
        "demo",
        files,
        {
            "demo-1.0-py3-none-any.whl": 'data-requires-python="&gt;=3.7" data-dist-info-metadata="sha256='
            + "a" * 64
            + '"',
            "demo-1.1-py3-none-any.whl": 'data-yanked="" data-core-metadata="true"',
            "demo-1.0.tar.gz": 'data-yanked="do not use"',
        },
    )
    listed = {f.filename: f for f in client.project_files("demo")}
    assert len(listed) == 4
    first = listed["demo-1.0-py3-none-any.whl"]
    assert first.url == f"{index.root}/files/demo-1.0-py3-none-any.whl"  # fragment removed, relative resolved
    assert first.sha256 == hashlib.sha256(files[first.filename]).hexdigest()
    assert first.requires_python == ">=3.7"
    assert (first.core_metadata, first.core_metadata_sha256) == (True, "a" * 64)
    assert (listed["demo-1.1-py3-none-any.whl"].yanked, listed["demo-1.1-py3-none-any.whl"].yanked_reason) == (
        True,
        None,
    )
    assert listed["demo-1.1-py3-none-any.whl"].core_metadata
    assert listed["demo-1.0.tar.gz"].yanked_reason == "do not use"
    assert not listed["demo-2.0rc1.tar.gz"].yanked


def test_redirected_page_resolves_links_against_the_final_url(index: FakeIndex, client: IndexClient) -> None:
    name, data = make_wheel("demo", "1.0")
    index.route("/simple/demo/", Reply(status=301, headers={"Location": "/mirror/deep/demo/"}))
    page = f'<a href="../../files/{name}#sha256={hashlib.sha256(data).hexdigest()}">{name}</a>'
    index.route("/mirror/deep/demo/", Reply(page.encode(), content_type="text/html"))
    index.route("/files/" + name, Reply(data))
    (listed,) = client.project_files("demo")
    assert listed.url == f"{index.root}/mirror/files/{name}"


def test_missing_project_is_project_not_found(index: FakeIndex, client: IndexClient) -> None:
    with pytest.raises(ProjectNotFound, match="no-such-thing"):
        client.project_files("No_Such.Thing")


def test_credentials_in_the_index_url_never_reach_messages(index: FakeIndex, tmp_path: Path) -> None:
    secret_url = index.simple.replace("http://", "http://alice:s3cret@")
    with IndexClient(secret_url, cache_dir=tmp_path, retries=0) as c, pytest.raises(ProjectNotFound) as caught:
        c.project_files("absent")
    assert "s3cret" not in str(caught.value)
    assert index.requests[0][1]["authorization"].startswith("Basic ")


def test_server_error_then_success_is_retried(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", demo_files())
    good = index.routes["/simple/demo/"][0]
    index.route("/simple/demo/", Reply(b"oops", 500, "text/plain"), Reply(b"busy", 503, "text/plain"), good)
    assert len(client.project_files("demo")) == 4
    assert index.hits("/simple/demo/") == 3


def test_persistent_server_error_is_index_unavailable(index: FakeIndex, client: IndexClient) -> None:
    index.route("/simple/demo/", Reply(b"oops", 502, "text/plain"))
    with pytest.raises(IndexUnavailable, match=r"/simple/demo/: HTTP 502"):
        client.project_files("demo")
    assert index.hits("/simple/demo/") == 3  # one try and two retries


def test_timeout_is_retried_then_index_unavailable(index: FakeIndex, tmp_path: Path) -> None:
    index.route("/simple/demo/", Reply(b"{}", content_type=JSON_TYPE, delay=1.0))
    with (
        IndexClient(index.simple, timeout=0.2, cache_dir=tmp_path, retries=1, backoff=0.01) as c,
        pytest.raises(IndexUnavailable, match=re.escape("no answer within 0.2s")),
    ):
        c.project_files("demo")
    assert index.hits("/simple/demo/") == 2


def test_refused_connection_is_index_unavailable(tmp_path: Path) -> None:
    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()  # nothing listens there now
    with (
        IndexClient(f"http://127.0.0.1:{port}/simple", cache_dir=tmp_path, retries=1, backoff=0.01) as c,
        pytest.raises(IndexUnavailable, match=f"127.0.0.1:{port}/simple/demo/"),
    ):
        c.project_files("demo")


@pytest.mark.parametrize(
    "body",
    [
        b"{this is not json",
        b'{"meta": {"api-version": "1.1"}, "files": [{"filename": "demo-1.0.tar.gz", "url": "x"',
        b"[]",
        b'{"files": 3}',
    ],
    ids=["garbage", "cut-short-json", "not-an-object", "files-not-a-list"],
)
def test_malformed_json_is_bad_index_response(index: FakeIndex, client: IndexClient, body: bytes) -> None:
    index.route("/simple/demo/", Reply(body, content_type=JSON_TYPE))
    with pytest.raises(BadIndexResponse, match="/simple/demo/"):
        client.project_files("demo")


def test_unknown_major_api_version_is_refused(index: FakeIndex, client: IndexClient) -> None:
    index.route("/simple/demo/", Reply(b'{"meta": {"api-version": "2.0"}, "files": []}', content_type=JSON_TYPE))
    with pytest.raises(BadIndexResponse, match=re.escape("version 2.0")):
        client.project_files("demo")


def test_body_cut_short_by_the_connection_is_bad_index_response(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", demo_files())
    good = index.routes["/simple/demo/"][0]
    index.route("/simple/demo/", replace(good, send_only=20))
    with pytest.raises(BadIndexResponse, match="cut short"):
        client.project_files("demo")
    assert index.hits("/simple/demo/") == 3


def test_oversized_page_is_refused_without_reading_it_all(
    index: FakeIndex, client: IndexClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "PAGE_LIMIT", 1000)
    index.route("/simple/demo/", Reply(b"{" + b" " * 5000 + b"}", content_type=JSON_TYPE, no_length=True))
    with pytest.raises(BadIndexResponse, match="larger than 1000 bytes"):
        client.project_files("demo")


def test_non_http_index_is_refused() -> None:
    with pytest.raises(IndexConfigError, match="only http"):
        IndexClient("file:///srv/simple")


# --- one release at a time -----------------------------------------------------------------


def history_files() -> dict[str, bytes]:
    """Wheels and sdists over several releases, some yanked (see ``HISTORY_YANKED``), one pre-release."""
    return dict(
        [
            make_wheel("demo", "1.0"),
            make_sdist("demo", "1.0"),
            make_wheel("demo", "1.0.0", "py2-none-any"),
            make_wheel("demo", "1.1"),
            make_sdist("demo", "1.1"),
            make_wheel("demo", "1.2"),
            make_sdist("demo", "1.2"),
            make_wheel("demo", "1.2", "cp311-cp311-win32"),
            make_sdist("demo", "2.0rc1"),
            make_wheel("demo", "2.0"),
            make_sdist("demo", "2.0"),
            ("other-1.5.tar.gz", b"x"),
            ("demo-1.x.tar.gz", b"x"),
            ("demo-3.0.egg", b"x"),
        ]
    )


HISTORY_YANKED = {"demo-1.1-py3-none-any.whl": {"yanked": True}, "demo-1.2.tar.gz": {"yanked": "bad sdist"}}


def test_release_files_are_the_listed_files_of_that_version(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", history_files(), **HISTORY_YANKED)
    listed = client.project_files("demo")
    for version in client.versions("demo"):
        assert client.release_files("demo", version) == [f for f in listed if f.version == version]
    # 1.0 and 1.0.0 are one version; each file keeps the spelling its name gives.
    assert [str(f.version) for f in client.release_files("Demo", "1.0.0")] == ["1.0", "1.0", "1.0.0"]
    assert [str(v) for v in client.versions("demo")] == [
        str(v) for v in sorted({f.version for f in listed})
    ]  # "1.0" listed first
    assert client.release_files("demo", "9.9") == []
    assert client.versions("demo") == [Version(v) for v in ("1.0", "1.1", "1.2", "2.0rc1", "2.0")]
    assert index.hits("/simple/demo/") == 1


@pytest.mark.parametrize("kind", [None, FileKind.WHEEL, FileKind.SDIST])
@pytest.mark.parametrize("prereleases", [False, True])
@pytest.mark.parametrize("yanked", [False, True])
def test_release_versions_match_selection_over_every_file(
    index: FakeIndex, client: IndexClient, kind: FileKind | None, prereleases: bool, yanked: bool
) -> None:
    index.json_project("demo", history_files(), **HISTORY_YANKED)
    files = [f for f in client.project_files("demo") if kind is None or f.kind is kind]
    assert client.release_versions("demo", prereleases=prereleases, yanked=yanked, kind=kind) == release_versions(
        files, prereleases=prereleases, yanked=yanked
    )


def test_release_versions_skip_yanked_releases_per_kind(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", history_files(), **HISTORY_YANKED)
    assert client.release_versions("demo") == [Version(v) for v in ("1.0", "1.1", "1.2", "2.0")]
    assert client.release_versions("demo", kind=FileKind.WHEEL) == [Version(v) for v in ("1.0", "1.2", "2.0")]
    assert client.release_versions("demo", kind=FileKind.SDIST) == [Version(v) for v in ("1.0", "1.1", "2.0")]


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("demo-2.0-py3-none-any.whl", "demo-1.2-py3-none-any.whl"),
        ("demo-2.0-cp311-cp311-win32.whl", "demo-1.2-cp311-cp311-win32.whl"),  # the same tags
        ("demo-1.2-py3-none-any.whl", "demo-1.0-py3-none-any.whl"),  # 1.1's wheel is yanked
        ("demo-2.0.tar.gz", "demo-1.1.tar.gz"),  # 2.0rc1 is a pre-release, 1.2's sdist yanked
        ("demo-2.1rc1.tar.gz", "demo-2.0.tar.gz"),
        ("demo-2.0rc2.tar.gz", "demo-2.0rc1.tar.gz"),  # a pre-release compares with pre-releases too
        ("demo-1.0-py3-none-any.whl", None),  # first release
    ],
)
def test_previous_release_file_matches_selection_over_every_file(
    index: FakeIndex, client: IndexClient, filename: str, expected: str | None
) -> None:
    index.json_project("demo", history_files(), **HISTORY_YANKED)
    version = Version(filename.removesuffix(".tar.gz").split("-")[1])
    previous = client.previous_release_file("demo", filename, version)
    assert (previous.filename if previous else None) == expected
    assert previous == previous_release_file(client.project_files("demo"), filename, version)


def test_html_page_answers_one_release_at_a_time_too(index: FakeIndex, client: IndexClient) -> None:
    index.html_project("demo", history_files(), {"demo-1.2.tar.gz": "data-yanked"})
    assert [f.filename for f in client.release_files("demo", "1.2")] == [
        "demo-1.2-py3-none-any.whl",
        "demo-1.2.tar.gz",
        "demo-1.2-cp311-cp311-win32.whl",
    ]
    assert client.release_versions("demo", kind=FileKind.SDIST) == [Version(v) for v in ("1.0", "1.1", "2.0")]
    assert client.previous_release_file("demo", "demo-2.0.tar.gz", Version("2.0")).filename == "demo-1.1.tar.gz"  # type: ignore[union-attr]


def test_only_the_release_asked_for_is_read_in_full(index: FakeIndex, client: IndexClient) -> None:
    # An entry of 1.1 whose URL urllib cannot read spoils only what needs 1.1, and never as a crash.
    index.json_project("demo", history_files(), **{"demo-1.1.tar.gz": {"url": "//[unclosed/demo-1.1.tar.gz"}})
    assert [f.filename for f in client.release_files("demo", "1.0")] == [
        "demo-1.0-py3-none-any.whl",
        "demo-1.0.tar.gz",
        "demo-1.0.0-py2-none-any.whl",
    ]
    assert client.release_versions("demo")[-1] == Version("2.0")
    for read in (lambda: client.release_files("demo", "1.1"), lambda: client.project_files("demo")):
        with pytest.raises(BadIndexResponse, match=r"/simple/demo/: unreadable URL '//\[unclosed"):
            read()


@pytest.mark.parametrize(
    "body",
    [b"{this is not json", b'{"files": [{"filename": "demo-1.0.tar.gz"}]}'],
    ids=["garbage", "entry-without-url"],
)
def test_malformed_page_is_bad_index_response_for_one_release_too(
    index: FakeIndex, client: IndexClient, body: bytes
) -> None:
    index.route("/simple/demo/", Reply(body, content_type=JSON_TYPE))
    for read in (
        lambda: client.release_files("demo", "1.0"),
        lambda: client.release_versions("demo"),
        lambda: client.resolve("demo==1.0"),
    ):
        with pytest.raises(BadIndexResponse, match="/simple/demo/"):
            read()


# --- resolving ------------------------------------------------------------------------------


def test_resolve_picks_the_wheel_for_an_exact_pin(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", demo_files())
    chosen = client.resolve("demo==1.0")
    assert chosen.filename == "demo-1.0-py3-none-any.whl"
    assert client.resolve("DEMO == 2.0rc1").filename == "demo-2.0rc1.tar.gz"


def test_resolve_prefers_the_native_wheel(index: FakeIndex, client: IndexClient) -> None:
    files = dict([make_wheel("demo", "1.0"), make_wheel("demo", "1.0", native_tag()), make_sdist("demo", "1.0")])
    index.json_project("demo", files)
    assert client.resolve("demo==1.0").filename == f"demo-1.0-{native_tag()}.whl"


def test_resolve_takes_a_yanked_release_for_an_exact_pin(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", dict([make_wheel("demo", "1.0")]), **{"demo-1.0-py3-none-any.whl": {"yanked": True}})
    assert client.resolve("demo==1.0").yanked


def test_resolve_unknown_version_names_project_and_versions(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", demo_files())
    with pytest.raises(VersionNotFound, match=r"demo==9\.9: not on .*latest listed: 1\.0, 1\.1, 2\.0rc1"):
        client.resolve("demo==9.9")


@pytest.mark.parametrize(
    "requirement",
    [
        "demo>=1.0",
        "demo",
        "demo==1.*",
        "demo==1.0,<2",
        "demo @ http://127.0.0.1/x.whl",
        "demo==1.0; python_version<'3'",
        "==",
    ],
)
def test_resolve_accepts_only_exact_pins(client: IndexClient, requirement: str) -> None:
    with pytest.raises(BadRequirement, match=r"demo|=="):
        client.resolve(requirement)


def test_resolve_without_any_installable_file(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", dict([make_wheel("demo", "1.0", "cp27-cp27m-win32")]))
    with pytest.raises(NoSuitableFile, match=r"demo 1\.0: no wheel for this interpreter"):
        client.resolve("demo==1.0")
    assert client.resolve("demo==1.0", allow_incompatible=True).filename == "demo-1.0-cp27-cp27m-win32.whl"


# --- downloading ----------------------------------------------------------------------------


def test_download_verifies_and_caches_by_hash(index: FakeIndex, client: IndexClient, tmp_path: Path) -> None:
    files = demo_files()
    index.json_project("demo", files)
    wheel = client.resolve("demo==1.0")
    path = client.download(wheel)
    assert path == tmp_path / "cache" / wheel.sha256[:2] / wheel.sha256 / wheel.filename
    assert path.read_bytes() == files[wheel.filename]
    assert zipfile.ZipFile(path).read("demo/__init__.py") == b"VALUE = 1\n"
    assert client.download(wheel) == path
    assert index.hits(f"/files/{wheel.filename}") == 1  # the second call reused the verified copy
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()] == [wheel.filename]


def test_damaged_cached_copy_is_replaced(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", demo_files())
    wheel = client.resolve("demo==1.0")
    path = client.download(wheel)
    path.write_bytes(b"tampered")
    assert client.download(wheel).read_bytes() != b"tampered"
    assert index.hits(f"/files/{wheel.filename}") == 2


def test_download_into_a_directory(index: FakeIndex, client: IndexClient, tmp_path: Path) -> None:
    index.json_project("demo", demo_files())
    sdist = client.resolve("demo==2.0rc1")
    path = client.download(sdist, dest_dir=tmp_path / "out")
    assert path == tmp_path / "out" / "demo-2.0rc1.tar.gz"
    with tarfile.open(path) as archive:
        assert archive.getnames() == ["demo-2.0rc1/PKG-INFO", "demo-2.0rc1/pyproject.toml"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["demo-2.0rc1.tar.gz"]


def test_wrong_hash_is_hash_mismatch_and_leaves_nothing(index: FakeIndex, client: IndexClient, tmp_path: Path) -> None:
    index.json_project("demo", demo_files())
    wheel = client.resolve("demo==1.0")
    index.route(f"/files/{wheel.filename}", Reply(b"something else entirely"))
    with pytest.raises(HashMismatch, match=f"{wheel.filename}: sha256 .* is not the {wheel.sha256}"):
        client.download(wheel)
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "filename",
    ["../../evil-1.0.tar.gz", "/tmp/evil-1.0.tar.gz", "..", "sub\\evil-1.0.tar.gz", "C:evil.whl", "nul\0.whl", ""],
)
def test_hostile_filename_is_refused(index: FakeIndex, client: IndexClient, tmp_path: Path, filename: str) -> None:
    index.json_project("demo", demo_files())
    honest = client.resolve("demo==1.0")
    with pytest.raises(UnsafeFile, match="refusing"):
        client.download(replace(honest, filename=filename))
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert index.hits(f"/files/{honest.filename}") == 0


def test_hostile_filename_on_a_page_never_becomes_a_file(index: FakeIndex, client: IndexClient) -> None:
    page = {
        "meta": {"api-version": "1.0"},
        "files": [{"filename": "../../demo-1.0.tar.gz", "url": "/files/x", "hashes": {"sha256": "../../" + "0" * 58}}],
    }
    index.route("/simple/demo/", Reply(json.dumps(page).encode(), content_type=JSON_TYPE))
    assert client.project_files("demo") == []


def test_file_without_hash_needs_explicit_permission(index: FakeIndex, client: IndexClient, tmp_path: Path) -> None:
    files = dict([make_wheel("demo", "1.0")])
    index.json_project("demo", files, **{"demo-1.0-py3-none-any.whl": {"hashes": {"md5": "0" * 32}}})
    wheel = client.resolve("demo==1.0")
    assert wheel.sha256 is None
    with pytest.raises(UnsafeFile, match="no sha256"):
        client.download(wheel)
    path = client.download(wheel, allow_unverified=True)
    digest = hashlib.sha256(files[wheel.filename]).hexdigest()
    assert path == tmp_path / "cache" / digest[:2] / digest / wheel.filename


@pytest.mark.parametrize("no_length", [False, True], ids=["declared", "streamed"])
def test_download_stops_at_max_bytes(index: FakeIndex, client: IndexClient, tmp_path: Path, no_length: bool) -> None:
    index.json_project("demo", dict([make_sdist("demo", "1.0")]))
    sdist = client.resolve("demo==1.0")
    index.route(f"/files/{sdist.filename}", Reply(b"\0" * 100_000, no_length=no_length))
    with pytest.raises(FileTooLarge, match="limit"):
        client.download(sdist, max_bytes=10_000)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_download_cut_short_is_retried(index: FakeIndex, client: IndexClient) -> None:
    files = dict([make_sdist("demo", "1.0")])
    index.json_project("demo", files)
    sdist = client.resolve("demo==1.0")
    data = files[sdist.filename]
    index.route(f"/files/{sdist.filename}", Reply(data, send_only=10), Reply(data))
    assert client.download(sdist).read_bytes() == data
    assert index.hits(f"/files/{sdist.filename}") == 2


def test_missing_file_is_bad_index_response(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", demo_files())
    wheel = client.resolve("demo==1.0")
    index.route(f"/files/{wheel.filename}", Reply(b"gone", 404, "text/plain"))
    with pytest.raises(BadIndexResponse, match="HTTP 404 for a file the index listed"):
        client.download(wheel)


def test_non_http_file_url_is_refused(index: FakeIndex, client: IndexClient) -> None:
    index.json_project("demo", demo_files())
    wheel = client.resolve("demo==1.0")
    with pytest.raises(UnsafeFile, match="only http"):
        client.download(replace(wheel, url="file:///etc/passwd"))


def test_concurrent_downloads_share_one_client(index: FakeIndex, client: IndexClient) -> None:
    files: dict[str, bytes] = {}
    for minor in range(8):
        files.update([make_wheel("demo", f"1.{minor}")])
    index.json_project("demo", files)
    wanted = [client.resolve(f"demo==1.{minor}") for minor in range(8)]
    with ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(client.download, wanted))
    assert [p.name for p in paths] == [f.filename for f in wanted]


def test_prefetch_fetches_pages_a_bounded_number_at_a_time(index: FakeIndex, tmp_path: Path) -> None:
    # A generous timeout: on a loaded machine a retried page would count twice.
    client = IndexClient(index.simple, timeout=30, cache_dir=tmp_path / "cache", retries=0)
    names = [f"project-{number}" for number in range(12)]
    for name in names:
        index.json_project(name, dict([make_wheel(name, "1.0")]))
        index.routes[f"/simple/{name}/"][0].delay = 0.05
    pages = client.prefetch([*names, "absent", names[0]], workers=3)
    assert list(pages) == [*names, "absent"]
    assert all(pages[name].versions() == [Version("1.0")] for name in names)  # type: ignore[union-attr]
    assert isinstance(pages["absent"], ProjectNotFound)
    assert 1 < index.most_in_flight <= 3
    assert sum(index.hits(f"/simple/{name}/") for name in names) == 12
    assert client.page(names[5]) is pages[names[5]]  # answered from memory
    assert index.hits(f"/simple/{names[5]}/") == 1
