"""HTTP for the index: bounded bodies, retries with backoff, errors mapped to the index hierarchy.

Everything that reads from the network goes through here, so the limits hold everywhere: a
hostile or broken index can waste a few retries of our time, never our memory or disk.
"""

from __future__ import annotations

import hashlib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

import httpx

from interlock import __version__
from interlock.artifact.limits import check_stop, pause
from interlock.index.errors import BadIndexResponse, FileTooLarge, IndexUnavailable
from interlock.index.http_cache import BODY_ID_HEADER, CACHE_FAILURES, caching_client, discard
from interlock.index.urls import redact

# Worth another try: the server is overloaded or restarting, not saying no.
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER = 10.0
_CHUNK = 256 * 1024

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """A fully read, size-capped response."""

    url: str
    """Final URL after redirects: relative links resolve against it."""
    status: int
    """HTTP status (retryable failures never get here)."""
    content_type: str
    """The Content-Type header, or '' when absent."""
    body: bytes
    """Decoded body, at most the cap the caller asked for; empty when ``reused``."""
    body_id: str | None = None
    """The HTTP cache's id for this body (``http_cache.BODY_ID_HEADER``); None without the cache."""
    reused: bool = False
    """The body is the one ``get`` was told the caller already has (``known_body``), so it was not read."""


class _Retry(Exception):
    """One attempt failed in a way that may pass; carries the error to raise if none is left."""

    def __init__(self, final: Exception, retry_after: float | None = None) -> None:
        super().__init__(str(final))
        self.final = final
        self.retry_after = retry_after


@dataclass
class Traffic:
    """What went over the network; answers the HTTP cache gave without asking the index are not counted."""

    requests: int = 0
    """Requests the index answered (a revalidation answered 304 counts)."""
    bytes: int = 0
    """Body bytes received, as sent (before any Content-Encoding is undone)."""


class Http:
    """A thread-safe httpx client with the index's limits; one per ``IndexClient``.

    With ``cache_dir``, documents (``get``) go through the HTTP cache there, each body capped as it
    is read whether it comes from the index or the cache; downloads never do.
    """

    def __init__(
        self,
        *,
        timeout: float,
        retries: int,
        backoff: float,
        verify: ssl.SSLContext | bool = True,
        cache_dir: Path | None = None,
        max_cached_body: int = 64 * 1024 * 1024,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.traffic = Traffic()
        self._traffic_lock = threading.Lock()
        headers = {"User-Agent": f"interlock/{__version__}"}
        self._client = httpx.Client(timeout=timeout, follow_redirects=True, verify=verify, headers=headers)
        self._cache_dir = cache_dir
        self._cached: httpx.Client | None = None
        if cache_dir is not None:
            self._cached = caching_client(
                cache_dir, max_body=max_cached_body, timeout=timeout, verify=verify, headers=headers
            )
        self._documents = self._cached or self._client

    @property
    def caching(self) -> bool:
        """Whether documents go through the HTTP cache (it could be opened)."""
        return self._cached is not None

    def close(self) -> None:
        self._client.close()
        if self._cached is not None:
            self._cached.close()

    def get(self, url: str, *, accept: str, max_bytes: int, known_body: str | None = None) -> Page:
        """GET a page whole; statuses other than retryable ones are returned for the caller to judge.

        ``known_body``: the id of a body the caller already made what it needs of; when the cache
        answers with that very body, it is not read (``Page.reused``).
        """
        documents = self._documents
        try:
            return self._with_retries(url, lambda: self._read_page(documents, url, accept, max_bytes, known_body))
        except CACHE_FAILURES:
            if documents is not self._cached or self._cache_dir is None:
                raise
            # The cache broke while a stored body was read back: a miss. It is not trusted again
            # this run, and the next run starts a new one.
            self._documents = self._client
            discard(self._cache_dir)
            return self._with_retries(url, lambda: self._read_page(self._client, url, accept, max_bytes, None))

    def _read_page(self, client: httpx.Client, url: str, accept: str, max_bytes: int, known_body: str | None) -> Page:
        with client.stream("GET", url, headers={"Accept": accept}) as response:
            _raise_for_retry(response)
            # Only the caching client's answers carry an id; the plain client's never do.
            body_id = response.headers.get(BODY_ID_HEADER) if client is self._cached else None
            content_type = response.headers.get("content-type", "")
            if known_body is not None and body_id == known_body and response.status_code == 200:
                self._count(response)
                return Page(str(response.url), response.status_code, content_type, b"", body_id, reused=True)
            body = bytearray()
            for chunk in response.iter_bytes(_CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise BadIndexResponse(f"{redact(url)}: response larger than {_size(max_bytes)}")
            self._count(response)
            return Page(str(response.url), response.status_code, content_type, bytes(body), body_id)

    def _count(self, response: httpx.Response) -> None:
        caching = response.extensions.get("caching") or {}
        if caching.get("from_cache") and not caching.get("revalidated"):
            return
        with self._traffic_lock:
            self.traffic.requests += 1
            self.traffic.bytes += 0 if caching.get("from_cache") else response.num_bytes_downloaded

    def download(
        self, url: str, handle: BinaryIO, *, max_bytes: int, on_bytes: Callable[[int], None] | None = None
    ) -> str:
        """Stream ``url`` into ``handle`` (rewound on each retry); returns the sha256 of what was written.

        ``on_bytes`` hears of each chunk as it arrives (and of a retry starting over, as minus what
        was written). A stop request (Ctrl-C, ``limits.request_stop``) ends the download at the next
        chunk with ``Interrupted``.
        """
        written = 0

        def attempt() -> str:
            nonlocal written
            handle.seek(0)
            handle.truncate()
            if on_bytes is not None and written:
                on_bytes(-written)
            digest = hashlib.sha256()
            written = 0
            # identity: the hash is over the file's bytes, and a compressed transfer could hide a bomb.
            with self._client.stream("GET", url, headers={"Accept-Encoding": "identity"}) as response:
                _raise_for_retry(response)
                if response.status_code != 200:
                    raise BadIndexResponse(f"{redact(url)}: HTTP {response.status_code} for a file the index listed")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FileTooLarge(f"{redact(url)}: {_size(int(declared))} is over the {_size(max_bytes)} limit")
                # Chunks as they arrive, not gathered to a size: a slow index must not delay a stop.
                for chunk in response.iter_bytes():
                    check_stop()
                    written += len(chunk)
                    if written > max_bytes:
                        raise FileTooLarge(f"{redact(url)}: more than the {_size(max_bytes)} limit")
                    digest.update(chunk)
                    handle.write(chunk)
                    if on_bytes is not None:
                        on_bytes(len(chunk))
                self._count(response)
            return digest.hexdigest()

        return self._with_retries(url, attempt)

    def _with_retries(self, url: str, attempt: Callable[[], T]) -> T:
        tries = self.retries + 1
        for number in range(tries):
            try:
                return _translate(url, attempt, self.timeout)
            except _Retry as retry:
                if number == tries - 1:
                    final = retry.final
                    raise type(final)(f"{final} ({tries} attempts)" if tries > 1 else str(final)) from None
                delay = self.backoff * 2**number
                if retry.retry_after is not None:
                    delay = max(delay, min(retry.retry_after, _MAX_RETRY_AFTER))
                pause(delay)  # a retry's wait ends at once on Ctrl-C
        raise AssertionError("unreachable")


def _translate(url: str, attempt: Callable[[], T], timeout: float) -> T:
    """Run one attempt, turning httpx's exceptions into retryable or final index errors."""
    shown = redact(url)
    try:
        return attempt()
    except httpx.TimeoutException:
        raise _Retry(IndexUnavailable(f"{shown}: no answer within {timeout:g}s")) from None
    except httpx.RemoteProtocolError as exc:
        raise _Retry(BadIndexResponse(f"{shown}: response cut short or malformed ({exc})")) from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.TooManyRedirects, httpx.DecodingError) as exc:
        raise BadIndexResponse(f"{shown}: {exc}") from None
    except httpx.TransportError as exc:
        raise _Retry(IndexUnavailable(f"{shown}: {exc or type(exc).__name__}")) from None


def _raise_for_retry(response: httpx.Response) -> None:
    if response.status_code in _RETRY_STATUSES:
        raise _Retry(
            IndexUnavailable(f"{redact(str(response.request.url))}: HTTP {response.status_code}"),
            _retry_after(response.headers.get("retry-after")),
        )


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:  # an HTTP date: not worth parsing for a capped wait
        return None


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MiB" if count >= 1024 * 1024 else f"{count} bytes"
