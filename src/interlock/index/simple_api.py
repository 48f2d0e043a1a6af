"""Reading a project's simple-API page: PEP 691 JSON and PEP 503 HTML, into ``IndexFile`` values
(or, for JSON, plain-valued groups and a ``ProjectPage`` that makes the files version by version).

Pure functions over bytes already fetched; the HTTP side lives in ``transport.py``.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from interlock.index.errors import BadIndexResponse
from interlock.index.models import FileKind, IndexFile, parse_filename, parse_version, split_filename, valid_sha256
from interlock.index.page import ProjectPage
from interlock.index.urls import redact

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPE = "application/vnd.pypi.simple.v1+html"
# What pip sends: JSON preferred, HTML accepted from indexes that only speak PEP 503.
ACCEPT = f"{JSON_TYPE}, {HTML_TYPE};q=0.2, text/html;q=0.01"


def parse_page(body: bytes, content_type: str, page_url: str, project: str) -> list[IndexFile]:
    """Files of ``project`` listed on the page, whichever format the index chose to answer in."""
    if looks_like_json(body, content_type):
        return parse_json_page(body, page_url, project)
    return parse_html_page(body, page_url, project)


def looks_like_json(body: bytes, content_type: str) -> bool:
    """Whether the index answered with a PEP 691 JSON page (else PEP 503 HTML)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media.endswith("json"):
        return True
    if "html" in media:
        return False
    # No or a generic type (static file servers): trust the first byte.
    return body.lstrip()[:1] == b"{"


def parse_json_page(body: bytes, page_url: str, project: str) -> list[IndexFile]:
    """PEP 691 (with PEP 700 upload-time and size, PEP 740 provenance); structural errors raise ``BadIndexResponse``."""
    return read_json_page(body, page_url, project).all_files()


def read_json_page(body: bytes, page_url: str, project: str) -> ProjectPage:
    """``parse_json_page``, lazily: the page's structure is checked and each file's version read from
    its name now; the rest of each entry is read when its version is asked for."""
    with collector_paused():
        return _read_json_page(body, page_url, project)


def _read_json_page(body: bytes, page_url: str, project: str) -> ProjectPage:
    where = redact(page_url)
    try:
        page = json.loads(body)
    except (ValueError, RecursionError) as exc:
        # ValueError: bad JSON, bad UTF-8, or a number past int's digit limit; RecursionError: nested too deep.
        raise BadIndexResponse(f"{where}: not valid JSON ({exc})") from None
    if not isinstance(page, dict) or not isinstance(page.get("files"), list):
        raise BadIndexResponse(f"{where}: JSON page has no 'files' list")
    meta = page.get("meta")
    api_version = str(meta.get("api-version", "1.0")) if isinstance(meta, dict) else "1.0"
    if api_version.split(".", 1)[0] != "1":
        raise BadIndexResponse(f"{where}: simple API version {api_version} is not supported (major 1 only)")
    canonical = canonicalize_name(project)
    # Grouped by kind and version text first, so that each version is parsed once.
    wheels: dict[str, list[tuple[int, _Entry]]] = {}
    sdists: dict[str, list[tuple[int, _Entry]]] = {}
    for position, entry in enumerate(page["files"]):
        if (
            not isinstance(entry, dict)
            or not isinstance(filename := entry.get("filename"), str)
            or not isinstance(url := entry.get("url"), str)
        ):
            raise BadIndexResponse(f"{where}: files[{position}] lacks a string 'filename' and 'url'")
        split = split_filename(filename, canonical)
        if split is not None:
            (wheels if split[0] is FileKind.WHEEL else sdists).setdefault(split[1], []).append(
                (position, _kept(filename, url, entry))
            )
    files = ProjectPage(canonical, _json_files_of(page_url, canonical))
    groups = [(FileKind.WHEEL, *group) for group in wheels.items()] + [
        (FileKind.SDIST, *group) for group in sdists.items()
    ]
    # In page order, so that of two spellings of one version ("1.0", "1.0.0") the first listed names it.
    for kind, text, entries in sorted(groups, key=lambda group: group[2][0][0]):
        version = parse_version(text)
        if version is not None:
            files.add(version, kind, entries, live=any(not entry[_YANKED] for _, entry in entries))
    return files


def kept_json_page(data: bytes, page_url: str, project: str) -> ProjectPage:
    """A JSON page kept with ``ProjectPage.to_bytes``, as served from ``page_url``; ``ValueError`` when
    ``data`` is not one."""
    canonical = canonicalize_name(project)
    with collector_paused():
        return ProjectPage.from_bytes(canonical, _json_files_of(page_url, canonical), data)


def _json_files_of(page_url: str, project: NormalizedName) -> Callable[[Any, FileKind, Version], IndexFile]:
    return lambda entry, kind, version: _json_file(entry, kind, version, project, page_url)


# A JSON entry as kept until its version is asked for: filename, url, the sha256 in 'hashes',
# yanked, whether core metadata is served and its sha256, size, upload-time, requires-python and
# provenance, each as the index gave it.
_Entry = tuple[str, str, object, object, bool, object, object, object, object, object]
_YANKED = 3


def _kept(filename: str, url: str, entry: dict[str, Any]) -> _Entry:
    """What ``_json_file`` needs of ``entry``. A tuple of plain values, because Python's garbage
    collector stops tracking one, while every kept entry dict (it holds its 'hashes' dict) would be
    walked at each full collection: on a 200-project lockfile that cost more than the parsing."""
    hashes = entry.get("hashes")
    metadata = entry.get("core-metadata", entry.get("dist-info-metadata", False))
    return (
        filename, url, hashes.get("sha256") if isinstance(hashes, dict) else None, entry.get("yanked", False),
        bool(metadata), metadata.get("sha256") if isinstance(metadata, dict) else None,
        entry.get("size"), entry.get("upload-time"), entry.get("requires-python"), entry.get("provenance"),
    )  # fmt: skip


def _json_file(entry: _Entry, kind: FileKind, version: Version, project: NormalizedName, page_url: str) -> IndexFile:
    """One kept JSON entry as an ``IndexFile``; values of the wrong type are treated as absent."""
    filename, url, sha256, yanked, metadata, metadata_sha256, size, upload_time, requires_python, provenance = entry
    return IndexFile(
        project=project,
        filename=filename,
        url=_absolute(url, page_url),
        sha256=valid_sha256(sha256),
        version=version,
        kind=kind,
        requires_python=requires_python if isinstance(requires_python, str) and requires_python.strip() else None,
        yanked=bool(yanked),
        yanked_reason=yanked if isinstance(yanked, str) and yanked else None,
        upload_time=upload_time if isinstance(upload_time, str) else None,
        size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
        core_metadata=metadata,
        core_metadata_sha256=valid_sha256(metadata_sha256),
        provenance_url=_provenance_url(provenance, page_url),
    )


_pause_lock = threading.Lock()
_pausing = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a page is read. ``json.loads`` of a large page
    makes hundreds of thousands of dicts that live until the page is read, and the collector would
    walk them again at each of its passes: on a 200-project lockfile, more than the reading itself.
    They cannot form cycles. Counted, because pages are read on several threads at once."""
    global _pausing, _resume
    with _pause_lock:
        if _pausing == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pausing -= 1
            if _pausing == 0 and _resume:
                gc.enable()


def _absolute(url: str, base: str) -> str:
    """`url` resolved against `base`, without its fragment. Most indexes list absolute URLs, and
    a large project lists tens of thousands: those skip urljoin's parsing."""
    if (
        url.startswith(("https://", "http://"))
        and url.isascii()
        and not any(part in url for part in ("/../", "/./", "[", "]"))
    ):
        return url.split("#", 1)[0]
    return urldefrag(_join(base, url))[0]


def _join(base: str, url: str) -> str:
    """``urljoin``, with a URL urllib cannot read (an unclosed IPv6 bracket, say) a
    ``BadIndexResponse``, not a crash."""
    try:
        return urljoin(base, url)
    except ValueError:
        raise BadIndexResponse(f"{redact(base)}: unreadable URL {url[:200]!r}") from None


def _provenance_url(value: object, base: str) -> str | None:
    """PEP 740's ``provenance`` / ``data-provenance``: an http(s) URL resolved against ``base``, else None.

    JSON ``null`` and an absent key both mean the index publishes none; any other value that is
    not a usable URL is treated the same, since only what can be fetched can be checked.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        url = urldefrag(urljoin(base, value.strip()))[0]
        return url if urlsplit(url).scheme.lower() in {"http", "https"} else None
    except ValueError:
        return None


def parse_html_page(body: bytes, page_url: str, project: str) -> list[IndexFile]:
    """PEP 503 anchors, with PEP 592 yanking, PEP 658/714 metadata and PEP 740 provenance attributes."""
    parser = _AnchorParser()
    try:
        parser.feed(body.decode("utf-8", errors="replace"))
        parser.close()
    except Exception as exc:  # html.parser is lenient; this guards against the unforeseen
        raise BadIndexResponse(f"{redact(page_url)}: unreadable HTML page ({exc})") from None
    base = _join(page_url, parser.base) if parser.base else page_url
    files = []
    for attributes in parser.anchors:
        href = attributes.get("href")
        if not href:
            continue
        bare_url, fragment = urldefrag(_join(base, href))
        # pip names a file by its URL, not the anchor text: do the same so we judge what pip installs.
        filename = unquote(urlsplit(bare_url).path.rsplit("/", 1)[-1])
        parsed = parse_filename(filename, project)
        if parsed is None:
            continue
        kind, version = parsed
        hash_name, _, hash_value = fragment.partition("=")
        yanked = attributes.get("data-yanked")
        metadata = attributes.get("data-core-metadata", attributes.get("data-dist-info-metadata"))
        metadata_name, _, metadata_value = (metadata or "").partition("=")
        requires_python = attributes.get("data-requires-python")
        provenance = attributes.get("data-provenance")
        files.append(
            IndexFile(
                project=canonicalize_name(project),
                filename=filename,
                url=bare_url,
                sha256=valid_sha256(hash_value) if hash_name.lower() == "sha256" else None,
                version=version,
                kind=kind,
                requires_python=requires_python.strip() if requires_python and requires_python.strip() else None,
                yanked=yanked is not None,
                yanked_reason=yanked or None,
                core_metadata=metadata is not None and metadata.lower() != "false",
                core_metadata_sha256=valid_sha256(metadata_value) if metadata_name.lower() == "sha256" else None,
                provenance_url=_provenance_url(provenance, base),
            )
        )
    return files


class _AnchorParser(HTMLParser):
    """Collects every ``<a>``'s attributes (entities already unescaped) and the first ``<base href>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[dict[str, str]] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            # A valueless attribute (``data-yanked``) is present with an empty value.
            self.anchors.append({name: value or "" for name, value in attrs})
        elif tag == "base" and self.base is None:
            self.base = dict(attrs).get("href") or None
