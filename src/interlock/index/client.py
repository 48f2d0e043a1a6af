"""A package index client: list a project's files, pick the artifact pip would install, download it safely."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Protocol, Self
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from interlock.artifact.reader import file_sha256
from interlock.index.artifacts import PARTIAL_DIR, artifact_path, atomic_file, default_root, safe_filename
from interlock.index.config import IndexSettings, configured_index
from interlock.index.errors import (
    BadIndexResponse,
    BadRequirement,
    HashMismatch,
    IndexConfigError,
    IndexProblem,
    ProjectNotFound,
    UnsafeFile,
    VersionNotFound,
)
from interlock.index.http_cache import default_http_cache_dir
from interlock.index.models import FileKind, IndexFile
from interlock.index.page import ProjectPage
from interlock.index.page_memo import PageMemo
from interlock.index.selection import previous_release_file, select_file
from interlock.index.simple_api import ACCEPT, kept_json_page, looks_like_json, parse_html_page, read_json_page
from interlock.index.transport import Http, Page, Traffic
from interlock.index.urls import redact

GiB = 1024**3
MiB = 1024**2
# A project page of the largest projects is a few MiB of JSON; more than this is an attack or a bug.
PAGE_LIMIT = 64 * MiB


class DownloadObserver(Protocol):
    """Hears of the downloads an ``IndexClient`` makes (a progress display)."""

    def download_started(self, file: IndexFile) -> None:
        """A file is being fetched from the index (a copy already on disk is not)."""

    def received(self, count: int) -> None:
        """``count`` more bytes arrived (negative: a retry starts the file over)."""

    def download_finished(self, file: IndexFile) -> None:
        """The file arrived whole and matched its hash."""


class IndexClient:
    """Reads one index's simple API; thread-safe, so one client can serve a pool of downloads.

    Project pages are kept in memory for the client's lifetime (``resolve`` then ``download``
    costs one page fetch) and, with ``http_cache``, in an HTTP cache on disk across runs (under
    ``http_cache_dir``, by default the user cache dir's ``http/``), reused as the index's
    Cache-Control, ETag and Last-Modified allow (a page sent without any of them, for ten minutes:
    see ``http_cache``); what each JSON page was parsed into is kept beside it (``page_memo``), so
    a page the cache still holds is not parsed again. A page's files are made version by version,
    as they are asked for (``release_files``). Artifacts are kept on disk under ``cache_dir``, named by sha256.
    """

    def __init__(
        self,
        index_url: str,
        *,
        timeout: float = 30,
        cache_dir: Path | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        verify: ssl.SSLContext | bool = True,
        http_cache: bool = True,
        http_cache_dir: Path | None = None,
    ) -> None:
        parts = urlsplit(index_url)
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https"}:
            raise IndexConfigError(
                f"index {redact(index_url)!r}: only http(s) indexes are supported "
                "(serve a local directory with a web server)"
            )
        self.index_url = index_url.rstrip("/")
        self.cache_dir = cache_dir if cache_dir is not None else default_root()
        # The cache keeps each request's URL and headers beside its answer: credentials would land on disk.
        if parts.username is not None or parts.password is not None:
            http_cache = False
        pages_dir = (http_cache_dir or default_http_cache_dir()) if http_cache else None
        self._http = Http(
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            verify=verify,
            cache_dir=pages_dir,
            max_cached_body=PAGE_LIMIT,
        )
        self._memo = PageMemo.open(pages_dir) if pages_dir is not None and self._http.caching else None
        self._pages: dict[str, ProjectPage] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_pip(cls, explicit: str | None = None, **options: object) -> IndexClient:
        """A client for the index pip is configured with, trusting pip's CA bundle if it names one."""
        settings: IndexSettings = configured_index(explicit)
        if settings.cert and "verify" not in options:
            try:
                options["verify"] = ssl.create_default_context(cafile=settings.cert)
            except (OSError, ssl.SSLError) as exc:
                raise IndexConfigError(
                    f"pip's CA bundle {settings.cert!r} ({settings.source}) is unusable: {exc}"
                ) from None
        return cls(settings.index_url, **options)  # type: ignore[arg-type]

    def close(self) -> None:
        self._http.close()
        if self._memo is not None:
            self._memo.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def project_url(self, name: str) -> str:
        """The PEP 503 page URL: the index root, the canonical name, a trailing slash."""
        return f"{self.index_url}/{canonicalize_name(name)}/"

    def project_files(self, name: str) -> list[IndexFile]:
        """Every wheel and sdist the index lists for ``name`` (other files and other projects' files dropped)."""
        return self.page(name).all_files()

    def release_files(self, name: str, version: Version | str) -> list[IndexFile]:
        """The files of one version of ``name``, none when the index lists none; only these are made."""
        return self.page(name).files(version if isinstance(version, Version) else Version(version))

    def release_versions(
        self, name: str, *, prereleases: bool = False, yanked: bool = False, kind: FileKind | None = None
    ) -> list[Version]:
        """See ``interlock.index.selection.release_versions``; ``kind`` counts only wheels or only sdists."""
        return self.page(name).release_versions(prereleases=prereleases, yanked=yanked, kind=kind)

    def page(self, name: str) -> ProjectPage:
        """The project's page, fetched once per client (``ProjectNotFound`` for a 404 or 410)."""
        key = canonicalize_name(name)
        with self._lock:
            cached = self._pages.get(key)
        if cached is not None:
            return cached
        url = self.project_url(name)
        files = self._fetch_page(url, key)
        with self._lock:
            self._pages[key] = files
        return files

    def _fetch_page(self, url: str, project: NormalizedName) -> ProjectPage:
        known = self._memo.body_id(url) if self._memo is not None else None
        page = self._http.get(url, accept=ACCEPT, max_bytes=PAGE_LIMIT, known_body=known)
        if page.reused and self._memo is not None and page.body_id is not None:
            kept = self._memo.page(url, page.body_id)
            if kept is not None:
                with suppress(ValueError):
                    return kept_json_page(kept, page.url, project)
            page = self._http.get(
                url, accept=ACCEPT, max_bytes=PAGE_LIMIT
            )  # the memo failed us: read the body after all
        if page.status in {404, 410}:
            raise ProjectNotFound(f"{project}: no such project on {redact(self.index_url)} (HTTP {page.status})")
        if page.status != 200:
            raise BadIndexResponse(f"{redact(url)}: HTTP {page.status}")
        if not looks_like_json(page.body, page.content_type):
            return ProjectPage.of(project, parse_html_page(page.body, page.url, project))
        files = read_json_page(page.body, page.url, project)
        if self._memo is not None and page.body_id is not None:
            self._memo.keep(url, page.body_id, files.to_bytes())
        return files

    def prefetch(self, names: Iterable[str], *, workers: int = 8) -> dict[str, ProjectPage | IndexProblem]:
        """``page`` of every name, ``workers`` at a time; a project that failed maps to its problem.

        Keyed by the names as given (duplicates fetched once). Later calls for these names are
        answered from memory.
        """
        unique = list(dict.fromkeys(names))

        def one(name: str) -> ProjectPage | IndexProblem:
            try:
                return self.page(name)
            except IndexProblem as problem:
                return problem

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return dict(zip(unique, pool.map(one, unique), strict=True))

    @property
    def traffic(self) -> Traffic:
        """Requests and bytes this client has exchanged with the index so far."""
        return self._http.traffic

    def fetch(self, url: str, *, accept: str, max_bytes: int) -> Page:
        """GET a small document the index links to (a provenance object), bounded and retried like pages.

        Only http(s) URLs are fetched (``UnsafeFile`` otherwise); the status comes back for the
        caller to judge, so a 404 can mean "none published" where that is what it means.
        """
        if urlsplit(url).scheme.lower() not in {"http", "https"}:
            raise UnsafeFile(f"refusing to fetch {redact(url)!r} (only http(s) URLs)")
        return self._http.get(url, accept=accept, max_bytes=max_bytes)

    def versions(self, name: str) -> list[Version]:
        """All versions with at least one file, oldest first (pre-releases and yanked ones included)."""
        return self.page(name).versions()

    def select_file(
        self, files: list[IndexFile], version: Version | str, *, allow_incompatible: bool = False
    ) -> IndexFile:
        """See ``interlock.index.selection.select_file``."""
        return select_file(files, version, allow_incompatible=allow_incompatible)

    def resolve(self, requirement: str, *, allow_incompatible: bool = False) -> IndexFile:
        """The file pip would install for an exact pin ``NAME==VERSION`` (yanked releases included, as PEP 592 says)."""
        name, version = parse_pin(requirement)
        files = self.release_files(name, version)
        if not files:
            known = self.versions(name)
            hint = f"latest listed: {', '.join(map(str, known[-3:]))}" if known else "it lists no files"
            raise VersionNotFound(f"{canonicalize_name(name)}=={version}: not on {redact(self.index_url)} ({hint})")
        return select_file(files, version, allow_incompatible=allow_incompatible)

    def previous_release_file(self, name: str, filename: str, version: Version) -> IndexFile | None:
        """See ``interlock.index.selection.previous_release_file``; only the closest lower release's files are made."""
        kind = FileKind.WHEEL if filename.endswith(".whl") else FileKind.SDIST
        # The release that function would pick: the closest lower one with a live file of this kind.
        earlier = [v for v in self.release_versions(name, prereleases=version.is_prerelease, kind=kind) if v < version]
        return previous_release_file(self.release_files(name, earlier[-1]), filename, version) if earlier else None

    @staticmethod
    def _intact(path: Path, file: IndexFile, *, in_cache: bool) -> bool:
        """Whether a copy already on disk can be used. In the content-addressed cache a file only
        ever lands after its sha256 was checked, so the size the index gives is enough to catch a
        truncated or replaced copy without reading hundreds of MiB again on every run (whoever can
        rewrite the cache can rewrite the verdicts cached beside it too). Elsewhere, or without a
        size, the hash is checked."""
        if in_cache and file.size is not None:
            return path.stat().st_size == file.size
        return file_sha256(path) == file.sha256

    def download(
        self,
        file: IndexFile,
        max_bytes: int = GiB,
        *,
        dest_dir: Path | None = None,
        allow_unverified: bool = False,
        observer: DownloadObserver | None = None,
    ) -> Path:
        """The artifact on local disk, downloaded unless an intact copy is already there.

        Kept at ``cache_dir/<sha256[:2]>/<sha256>/<filename>``, or at ``dest_dir/<filename>`` when
        given. The sha256 the index listed is verified (``HashMismatch``, nothing kept); a file
        the index gave no sha256 for is refused unless ``allow_unverified``, and then never
        reused from disk. Written atomically; ``max_bytes`` is enforced while streaming.
        ``observer`` hears of a fetch from the index as it goes.
        """
        filename = safe_filename(file.filename)
        if urlsplit(file.url).scheme.lower() not in {"http", "https"}:
            raise UnsafeFile(f"{filename}: refusing to fetch {redact(file.url)!r} (only http(s) URLs)")
        if file.sha256 is None and not allow_unverified:
            raise UnsafeFile(
                f"{filename}: the index gave no sha256 for {redact(file.url)}; refusing an unverifiable download"
            )
        if file.sha256 is not None:
            target = (
                dest_dir / filename if dest_dir is not None else artifact_path(self.cache_dir, file.sha256, filename)
            )
            if target.is_file() and self._intact(target, file, in_cache=dest_dir is None):
                return target
        staging = dest_dir if dest_dir is not None else self.cache_dir / PARTIAL_DIR
        if observer is not None:
            observer.download_started(file)
        with atomic_file(staging) as (handle, commit):
            on_bytes = observer.received if observer is not None else None
            digest = self._http.download(file.url, handle, max_bytes=max_bytes, on_bytes=on_bytes)
            if file.sha256 is not None and digest != file.sha256:
                raise HashMismatch(
                    f"{filename}: sha256 {digest} from {redact(file.url)} is not the {file.sha256} the index listed"
                )
            if file.sha256 is None:
                target = (
                    dest_dir / filename if dest_dir is not None else artifact_path(self.cache_dir, digest, filename)
                )
            commit(target)
        if observer is not None:
            observer.download_finished(file)
        return target


def parse_pin(requirement: str) -> tuple[str, Version]:
    """``(name, version)`` of an exact ``NAME==VERSION`` pin; ``BadRequirement`` for anything looser."""
    try:
        parsed = Requirement(requirement)
    except InvalidRequirement as exc:
        raise BadRequirement(f"{requirement!r}: not a requirement ({exc})") from None
    specifiers = list(parsed.specifier)
    if (
        parsed.url
        or parsed.marker
        or len(specifiers) != 1
        or specifiers[0].operator != "=="
        or specifiers[0].version.endswith(".*")
    ):
        raise BadRequirement(f"{requirement!r}: expected an exact pin NAME==VERSION")
    try:
        return parsed.name, Version(specifiers[0].version)
    except InvalidVersion:
        raise BadRequirement(f"{requirement!r}: {specifiers[0].version!r} is not a valid version") from None
