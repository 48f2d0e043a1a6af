"""The HTTP cache for the index's documents: hishel's RFC 9111 cache, in SQLite, kept across runs.

A fresh project page is answered without a request; a stale one is revalidated (``If-None-Match``,
``If-Modified-Since``) and a 304 reuses the stored body; ``no-store`` is honoured. Only documents
(project pages, provenance) go through it: artifacts are kept by sha256 in their own cache.

A document the index sends without any word on caching (no Cache-Control, Expires, ETag,
Last-Modified or Pragma) could never be reused, since it can be neither fresh nor revalidated:
some indexes and mirrors answer so, and every run would download every page again. Such a 200 is
treated as ``Cache-Control: max-age=600``, the freshness the public index gives its simple pages;
a document with any of those headers follows them exactly.

Each body the index sends is stored with a random id in the ``Interlock-Body-Id`` header, so that
what was made of a body before (``page_memo``) can be recognised without reading the body again.

The cache is an optimisation, never a reason to fail: a file that is not a usable cache is started
afresh, and one that cannot be opened at all means running without it.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import ssl
import uuid
from pathlib import Path
from typing import Any

import httpx
from hishel import CacheOptions, SqliteStorage
from hishel.httpx import CacheClient, CacheTransport

from interlock.index.cache_location import CacheLayout

# hishel logs a damaged cache entry with its traceback; the cache passes over such entries (a miss),
# so with no logging configured that would only be noise on the terminal.
logging.getLogger("hishel").addHandler(logging.NullHandler())

# What a damaged cache raises while a stored body is read back (hishel's storage reports a missing
# stream chunk as RuntimeError); the caller treats it as a miss.
CACHE_FAILURES: tuple[type[Exception], ...] = (sqlite3.Error, RuntimeError)

_DATABASE = "documents.sqlite"
# Interlock serves one user, so it may keep what a shared cache must not (RFC 9111 §3.5).
_PRIVATE = CacheOptions(shared=False)
DEFAULT_FRESHNESS = "max-age=600"
"""What a document that says nothing about caching is taken to say."""
_CACHING_HEADERS = ("cache-control", "expires", "etag", "last-modified", "pragma")
BODY_ID_HEADER = "Interlock-Body-Id"
"""Names the body a cached answer carries: set on every 200 from the network, kept through 304s."""


def default_http_cache_dir() -> Path:
    """The HTTP cache under the cache root (``cache_location``): ``http/``."""
    return CacheLayout.resolve().http


def caching_client(
    directory: Path, *, max_body: int, timeout: float, verify: ssl.SSLContext | bool, headers: dict[str, str]
) -> httpx.Client | None:
    """An ``httpx.Client`` that follows redirects and whose GETs go through the cache in ``directory``.

    Bodies over ``max_body`` are passed through without being stored. None when no cache can be
    opened there (a read-only or unusable directory).
    """
    storage = _open_storage(directory, max_body)
    if storage is None:
        return None
    # CacheClient, not a CacheTransport under a plain client: it also wraps the transports httpx
    # mounts for proxies named in the environment, so proxied pages are cached too.
    return _DocumentClient(
        storage=storage, rfc=_PRIVATE, timeout=timeout, follow_redirects=True, verify=verify, headers=headers
    )


class DefaultFreshness(httpx.BaseTransport):
    """Gives a GET's 200 that has none of the caching headers ``Cache-Control: max-age=600``; under
    the cache, so the cache decides on what this adds. Anything else passes through untouched."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self.transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.transport.handle_request(request)
        if (
            request.method == "GET"
            and response.status_code == 200
            and not any(h in response.headers for h in _CACHING_HEADERS)
        ):
            response.headers["Cache-Control"] = DEFAULT_FRESHNESS
        return response

    def close(self) -> None:
        self.transport.close()


class BodyIdentity(httpx.BaseTransport):
    """Stamps a GET's 200 with a new ``BODY_ID_HEADER``; under the cache, so the id is stored with the
    body. Any other answer has the header removed: a 304 must not rename the body it revalidates,
    and no id an index sends is ever believed."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self.transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.transport.handle_request(request)
        if request.method == "GET" and response.status_code == 200:
            response.headers[BODY_ID_HEADER] = uuid.uuid4().hex
        elif BODY_ID_HEADER in response.headers:
            del response.headers[BODY_ID_HEADER]
        return response

    def close(self) -> None:
        self.transport.close()


class _DocumentClient(CacheClient):
    """hishel's CacheClient with ``DefaultFreshness`` and ``BodyIdentity`` between its cache and each
    network transport (the direct one and any for a proxy)."""

    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.BaseTransport:
        return _under_the_cache(super()._init_transport(*args, **kwargs))

    def _init_proxy_transport(self, *args: Any, **kwargs: Any) -> httpx.BaseTransport:
        return _under_the_cache(super()._init_proxy_transport(*args, **kwargs))


def _under_the_cache(transport: httpx.BaseTransport) -> httpx.BaseTransport:
    if isinstance(transport, CacheTransport):
        transport.next_transport = DefaultFreshness(BodyIdentity(transport.next_transport))
    return transport


def discard(directory: Path) -> None:
    """Remove the cache file so the next run starts afresh (open connections keep their own copy on POSIX)."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            (directory / (_DATABASE + suffix)).unlink(missing_ok=True)


def _open_storage(directory: Path, max_body: int) -> SqliteStorage | None:
    path = directory / _DATABASE
    for _ in range(2):
        connection: sqlite3.Connection | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            connection.execute("PRAGMA schema_version")  # raises at once for a file that is not a database
            storage = SqliteStorage(connection=connection, max_stream_size=max_body)
            storage.get_entries("")  # creates the tables now; RuntimeError for tables hishel cannot use
            return storage
        except (sqlite3.Error, RuntimeError):
            if connection is not None:
                connection.close()
            discard(directory)
        except OSError:
            return None
    return None
