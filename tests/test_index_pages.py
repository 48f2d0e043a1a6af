"""Simple-API page parsing, file selection and pin parsing: pure functions, no server."""

from __future__ import annotations

import json

import pytest
from packaging.tags import sys_tags
from packaging.version import Version

from interlock.index import (
    BadRequirement,
    FileKind,
    IndexFile,
    NoSuitableFile,
    UnsafeFile,
    VersionNotFound,
    latest_version,
    parse_pin,
    previous_version,
    release_versions,
    select_file,
)
from interlock.index.artifacts import artifact_path, safe_filename
from interlock.index.simple_api import parse_html_page, parse_json_page, parse_page
from interlock.index.urls import redact

PAGE = "http://127.0.0.1:8080/simple/demo/"
SHA = "ab" * 32


def indexed(filename: str, **fields: object) -> IndexFile:
    (parsed,) = parse_json_page(
        json.dumps({"files": [{"filename": filename, "url": filename, "hashes": {"sha256": SHA}}]}).encode(),
        PAGE,
        "demo",
    )
    return IndexFile(**{**parsed.__dict__, **fields})


# --- JSON pages -----------------------------------------------------------------------------


def test_json_entry_fields_are_validated_not_trusted() -> None:
    page = {
        "files": [
            {
                "filename": "demo-1.0.tar.gz",
                "url": "/f/demo-1.0.tar.gz#frag",
                "hashes": {"sha256": SHA.upper()},
                "size": True,
                "yanked": "",
            },
            {
                "filename": "demo-1.1.tar.gz",
                "url": "demo-1.1.tar.gz",
                "hashes": {"sha256": "not-hex"},
                "size": -1,
                "core-metadata": {"sha256": SHA},
            },
            {
                "filename": "demo-1.2.tar.gz",
                "url": "demo-1.2.tar.gz",
                "hashes": [],
                "size": 10,
                "dist-info-metadata": True,
                "requires-python": " ",
            },
        ]
    }
    first, second, third = parse_json_page(json.dumps(page).encode(), PAGE, "demo")
    assert (first.url, first.sha256, first.size, first.yanked) == (
        "http://127.0.0.1:8080/f/demo-1.0.tar.gz",
        SHA,
        None,
        False,
    )
    assert (second.url, second.sha256, second.size) == (PAGE + "demo-1.1.tar.gz", None, None)
    assert (second.core_metadata, second.core_metadata_sha256) == (True, SHA)
    assert (third.sha256, third.size, third.core_metadata, third.requires_python) == (None, 10, True, None)


def test_json_provenance_url_is_resolved_and_anything_unusable_means_none() -> None:
    provenances: list[object] = [
        "../../integrity/demo/1.0/demo-1.0.tar.gz/provenance",
        "http://127.0.0.1:9/p#frag",
        None,
        "",
        42,
        {"url": "x"},
        "file:///etc/passwd",
        "javascript:alert(1)",
    ]
    page = {
        "files": [{"filename": f"demo-1.{n}.tar.gz", "url": "x", "provenance": p} for n, p in enumerate(provenances)]
    }
    page["files"].append({"filename": "demo-2.0.tar.gz", "url": "x"})  # no key at all
    urls = [f.provenance_url for f in parse_json_page(json.dumps(page).encode(), PAGE, "demo")]
    assert (
        urls
        == ["http://127.0.0.1:8080/integrity/demo/1.0/demo-1.0.tar.gz/provenance", "http://127.0.0.1:9/p"] + [None] * 7
    )


def test_json_entry_without_filename_is_an_error_naming_it() -> None:
    from interlock.index import BadIndexResponse

    with pytest.raises(BadIndexResponse, match=r"files\[1\]"):
        parse_json_page(b'{"files": [{"filename": "demo-1.0.tar.gz", "url": "u"}, {"url": "u"}]}', PAGE, "demo")


def test_unparsable_and_foreign_filenames_are_skipped() -> None:
    names = [
        "demo-1.0.tar.gz",
        "demo-not a version.tar.gz",
        "demo-1.0.tar.bz2",
        "demo.whl",
        "demox-1.0.tar.gz",
        "Demo-1.0-py3-none-any.whl",
    ]
    page = {"files": [{"filename": n, "url": n} for n in names]}
    assert [f.filename for f in parse_json_page(json.dumps(page).encode(), PAGE, "demo")] == [
        "demo-1.0.tar.gz",
        "Demo-1.0-py3-none-any.whl",
    ]


def test_content_type_decides_the_format_and_sniffing_covers_its_absence() -> None:
    json_body = b'{"files": [{"filename": "demo-1.0.tar.gz", "url": "demo-1.0.tar.gz"}]}'
    html_body = b'<a href="demo-1.0.tar.gz">demo-1.0.tar.gz</a>'
    assert len(parse_page(json_body, "application/vnd.pypi.simple.v1+json", PAGE, "demo")) == 1
    assert len(parse_page(html_body, "text/html; charset=utf-8", PAGE, "demo")) == 1
    assert len(parse_page(json_body, "", PAGE, "demo")) == 1
    assert len(parse_page(html_body, "application/octet-stream", PAGE, "demo")) == 1


# --- HTML pages -----------------------------------------------------------------------------


def test_html_uses_the_url_filename_base_href_and_entities() -> None:
    body = f"""<html><head><base href="http://127.0.0.1:9/store/"></head><body>
    <a href="pkgs/demo-1.0-py3-none-any.whl#sha256={SHA}" data-requires-python="&gt;=3.8,&lt;4">looks-harmless.whl</a>
    <a href="pkgs/demo-1.1.tar.gz#md5=00" data-yanked data-core-metadata="sha256={SHA}">demo-1.1.tar.gz</a>
    <a>no href</a>
    </body></html>""".encode()
    wheel, sdist = parse_html_page(body, PAGE, "demo")
    assert (wheel.filename, wheel.url) == (
        "demo-1.0-py3-none-any.whl",
        "http://127.0.0.1:9/store/pkgs/demo-1.0-py3-none-any.whl",
    )
    assert (wheel.sha256, wheel.requires_python, wheel.yanked) == (SHA, ">=3.8,<4", False)
    assert (sdist.sha256, sdist.yanked, sdist.yanked_reason, sdist.core_metadata_sha256) == (None, True, None, SHA)


def test_html_data_provenance_resolves_against_base_href() -> None:
    body = b"""<base href="http://127.0.0.1:9/store/">
    <a href="demo-1.0.tar.gz" data-provenance="prov/demo-1.0.tar.gz.provenance">demo-1.0.tar.gz</a>
    <a href="demo-1.1.tar.gz" data-provenance>demo-1.1.tar.gz</a>
    <a href="demo-1.2.tar.gz" data-provenance="ftp://127.0.0.1/p">demo-1.2.tar.gz</a>
    <a href="demo-1.3.tar.gz">demo-1.3.tar.gz</a>"""
    urls = [f.provenance_url for f in parse_html_page(body, PAGE, "demo")]
    assert urls == ["http://127.0.0.1:9/store/prov/demo-1.0.tar.gz.provenance", None, None, None]


def test_html_percent_encoded_filename_is_decoded() -> None:
    (parsed,) = parse_html_page(b'<a href="/f/demo-1.0%2Blocal.tar.gz">x</a>', PAGE, "demo")
    assert (parsed.filename, parsed.version) == ("demo-1.0+local.tar.gz", Version("1.0+local"))


# --- selection ------------------------------------------------------------------------------


NATIVE = str(next(iter(sys_tags())))


def test_native_wheel_beats_pure_wheel_beats_sdist() -> None:
    native, pure, sdist = (
        indexed(f"demo-1.0-{NATIVE}.whl"),
        indexed("demo-1.0-py3-none-any.whl"),
        indexed("demo-1.0.tar.gz"),
    )
    assert select_file([sdist, pure, native], "1.0") == native
    assert select_file([sdist, pure], Version("1.0")) == pure
    assert select_file([sdist], "1.0.0") == sdist


def test_tag_order_follows_sys_tags() -> None:
    tags = [str(t) for t in sys_tags()]
    best, worse = indexed(f"demo-1.0-{tags[0]}.whl"), indexed(f"demo-1.0-{tags[5]}.whl")
    assert select_file([worse, best], "1.0") == best


def test_higher_build_number_wins_and_yanked_loses_ties() -> None:
    plain, built = indexed("demo-1.0-py3-none-any.whl"), indexed("demo-1.0-2-py3-none-any.whl")
    assert select_file([plain, built], "1.0") == built
    yanked = indexed(f"demo-1.0-{NATIVE}.whl", yanked=True)
    other = indexed(f"demo-1.0-1-{NATIVE}.whl")
    assert select_file([yanked, other], "1.0") == other


def test_pure_python2_wheel_is_taken_only_after_compatible_ones() -> None:
    py2, sdist = indexed("demo-1.0-py2-none-any.whl"), indexed("demo-1.0.zip")
    assert select_file([py2, sdist], "1.0") == py2
    tgz = indexed("demo-1.0.tar.gz")
    assert select_file([sdist, tgz], "1.0") == tgz


def test_requires_python_excluding_us_is_a_last_resort() -> None:
    wheel = indexed(f"demo-1.0-{NATIVE}.whl", requires_python=">=4")
    sdist = indexed("demo-1.0.tar.gz")
    assert select_file([wheel, sdist], "1.0") == sdist
    assert select_file([wheel], "1.0") == wheel
    assert select_file([indexed("demo-1.0.tar.gz", requires_python="not a specifier")], "1.0").kind is FileKind.SDIST


def test_no_suitable_file_names_project_version_and_files() -> None:
    windows = indexed("demo-1.0-cp27-cp27m-win32.whl")
    with pytest.raises(NoSuitableFile, match=r"demo 1\.0: .*files: demo-1\.0-cp27-cp27m-win32\.whl"):
        select_file([windows], "1.0")
    assert select_file([windows], "1.0", allow_incompatible=True) == windows
    with pytest.raises(VersionNotFound, match=r"demo: no files for version 2\.0"):
        select_file([windows], "2.0")


def test_release_versions_skip_prereleases_and_fully_yanked_releases() -> None:
    files = [
        indexed("demo-1.0.tar.gz"),
        indexed("demo-1.1.tar.gz", yanked=True),
        indexed("demo-1.2.tar.gz", yanked=True),
        indexed("demo-1.2-py3-none-any.whl"),  # one live file keeps 1.2 live
        indexed("demo-1.3.tar.gz", yanked=True),
        indexed("demo-2.0rc1.tar.gz"),
        indexed("demo-2.0.dev1.tar.gz"),
        indexed("demo-1.2.post1.tar.gz"),
    ]
    assert release_versions(files) == [Version(v) for v in ("1.0", "1.2", "1.2.post1")]
    assert latest_version(files) == Version("1.2.post1")
    assert latest_version(files, prereleases=True) == Version("2.0rc1")
    assert latest_version(files, yanked=True) == Version("1.3")
    assert previous_version(files, Version("1.2.post1")) == Version("1.2")
    assert previous_version(files, Version("1.0")) is None
    assert latest_version([]) is None


# --- pins, filenames, URLs ------------------------------------------------------------------


def test_parse_pin_accepts_exact_pins_with_extras() -> None:
    assert parse_pin("Demo_Pkg[extra] == 1.0.post1") == ("Demo_Pkg", Version("1.0.post1"))
    with pytest.raises(BadRequirement, match="exact pin"):
        parse_pin("demo~=1.0")
    with pytest.raises(BadRequirement, match="not a requirement"):
        parse_pin("demo===")


def test_safe_filename_and_cache_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert safe_filename("demo-1.0.tar.gz") == "demo-1.0.tar.gz"
    for hostile in ("../x", "a/b", "a\\b", "/x", "C:x", "..", ".", "", "a\nb", "x" * 256):
        with pytest.raises(UnsafeFile):
            safe_filename(hostile)
    assert artifact_path(tmp_path, SHA, "demo-1.0.tar.gz") == tmp_path / "ab" / SHA / "demo-1.0.tar.gz"


def test_redact_hides_credentials_only() -> None:
    assert redact("https://user:pw@127.0.0.1:8443/simple") == "https://***@127.0.0.1:8443/simple"
    assert redact("https://token@127.0.0.1/simple") == "https://***@127.0.0.1/simple"
    assert redact("http://127.0.0.1/simple") == "http://127.0.0.1/simple"
