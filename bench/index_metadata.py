"""Index metadata for a lockfile: every pinned project's page, from the index pip is configured with.

    python bench/index_metadata.py [LOCKFILE] [--workers 8] [--runs 3] [--index-url URL]

LOCKFILE defaults to bench/data/ai-app-requirements.txt (the resolved dependencies of a large AI
application, 203 projects; its header says how it was made). Each run opens a new IndexClient, so
only the HTTP cache on disk carries over, fetches every project's page with
``IndexClient.prefetch``, ``--workers`` pages at a time, and reads the files of each pinned
version, as an audit does:

  cold  an empty temporary HTTP cache
  warm  the cache the cold run before it filled, reused as far as the index's headers allow
        (a page sent without any caching header, for ten minutes)

against the configured index, then against a replay of the same pages on 127.0.0.1 that sends
``Cache-Control: max-age=600`` and an ``ETag`` (so warm is served from disk), and one that sends
``max-age=0`` and an ``ETag`` (so warm is one revalidation per page, answered 304). The replay
shows the cache's own cost whatever headers the configured index sends.

Prints the median of ``--runs`` of each, with the requests and bytes that went over the network.
Target: under 1 s warm for a 200-project lockfile. Artifacts are never downloaded.
"""

from __future__ import annotations

import argparse
import hashlib
import ssl
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from packaging.version import Version  # noqa: E402

from interlock.index import IndexClient, IndexProblem, configured_index  # noqa: E402
from interlock.index.client import PAGE_LIMIT  # noqa: E402
from interlock.index.simple_api import ACCEPT  # noqa: E402
from interlock.index.urls import redact  # noqa: E402
from interlock.lockfiles import PinStatus, read_lockfile  # noqa: E402
from tests.fake_index import FakeIndex, Reply  # noqa: E402

LOCKFILE = Path(__file__).resolve().parent / "data" / "ai-app-requirements.txt"


@dataclass(frozen=True)
class Run:
    seconds: float
    requests: int
    bytes: int
    failed: int
    files: int


def fetch_all(
    index_url: str, verify: ssl.SSLContext | bool, pins: dict[str, Version], cache: Path, workers: int
) -> Run:
    """One run as a new process would do it: open a client on ``cache``, fetch every page, read each pin's files."""
    start = time.perf_counter()
    with IndexClient(index_url, verify=verify, cache_dir=cache / "artifacts", http_cache_dir=cache / "http") as client:
        pages = client.prefetch(pins, workers=workers)
        for name, page in pages.items():
            if not isinstance(page, IndexProblem):
                page.files(pins[name])
        seconds = time.perf_counter() - start
        failed = [name for name, page in pages.items() if isinstance(page, IndexProblem)]
        for name in failed:
            print(f"  {name}: {pages[name]}", file=sys.stderr)
        files = sum(len(page) for page in pages.values() if not isinstance(page, IndexProblem))
        return Run(seconds, client.traffic.requests, client.traffic.bytes, len(failed), files)


def read_bodies(index_url: str, names: list[str], cache: Path, workers: int) -> float:
    """Seconds to read every page through the HTTP cache without parsing it: the cache's own share."""
    start = time.perf_counter()
    with (
        IndexClient(index_url, cache_dir=cache / "artifacts", http_cache_dir=cache / "http") as client,
        ThreadPoolExecutor(max_workers=workers) as pool,
    ):
        list(pool.map(lambda name: client.fetch(client.project_url(name), accept=ACCEPT, max_bytes=PAGE_LIMIT), names))
    return time.perf_counter() - start


def measure(
    index_url: str, verify: ssl.SSLContext | bool, pins: dict[str, Version], workers: int, runs: int
) -> tuple[list[Run], list[Run]]:
    """``runs`` cold runs, each followed by a warm one on the cache it filled."""
    cold: list[Run] = []
    warm: list[Run] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="interlock-bench-") as directory:
            cold.append(fetch_all(index_url, verify, pins, Path(directory), workers))
            warm.append(fetch_all(index_url, verify, pins, Path(directory), workers))
    return cold, warm


def replay(index_url: str, verify: ssl.SSLContext | bool, names: list[str], headers: dict[str, str]) -> FakeIndex:
    """A loopback index serving the pages ``index_url`` serves now, with ``headers`` and an ETag each."""
    server = FakeIndex()
    with IndexClient(index_url, verify=verify, http_cache=False) as client:
        for name in names:
            page = client.fetch(client.project_url(name), accept=ACCEPT, max_bytes=PAGE_LIMIT)
            etag = f'"{hashlib.sha256(page.body).hexdigest()[:16]}"'
            server.route(
                f"/simple/{name}/", Reply(page.body, page.status, page.content_type, {**headers, "ETag": etag})
            )
    server.thread.start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lockfile", nargs="?", type=Path, default=LOCKFILE)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--index-url")
    arguments = parser.parse_args()

    lockfile = read_lockfile(arguments.lockfile)
    pins = {p.name: p.version for p in lockfile.packages if p.status is PinStatus.PINNED and p.version is not None}
    names = list(pins)
    settings = configured_index(arguments.index_url)
    verify = ssl.create_default_context(cafile=settings.cert) if settings.cert else True
    print(
        f"{len(names)} projects from {arguments.lockfile.name}, index {redact(settings.index_url)} ({settings.source})"
    )

    rows = {"configured index": measure(settings.index_url, verify, pins, arguments.workers, arguments.runs)}
    for label, headers in (
        ("replay, max-age=600 + ETag", {"Cache-Control": "max-age=600"}),
        ("replay, max-age=0 + ETag", {"Cache-Control": "max-age=0"}),
    ):
        server = replay(settings.index_url, verify, names, headers)
        try:
            rows[label] = measure(server.simple, True, pins, arguments.workers, arguments.runs)
            if label.startswith("replay, max-age=600"):
                with tempfile.TemporaryDirectory(prefix="interlock-bench-") as directory:
                    fetch_all(server.simple, True, pins, Path(directory), arguments.workers)
                    unparsed = statistics.median(
                        read_bodies(server.simple, names, Path(directory), arguments.workers)
                        for _ in range(arguments.runs)
                    )
        finally:
            server.server.shutdown()
            server.server.server_close()

    print(f"\n| index | cache | median of {arguments.runs} | runs (s) | workers | requests | received |")
    print("|---|---|---|---|---|---|---|")
    for index_label, (cold, warm) in rows.items():
        for label, runs in (("cold", cold), ("warm", warm)):
            median = statistics.median(run.seconds for run in runs)
            shown = ", ".join(f"{run.seconds:.2f}" for run in runs)
            last = runs[-1]
            print(
                f"| {index_label} | {label} | {median:.2f} s | {shown} | {arguments.workers} | "
                f"{last.requests} | {last.bytes / 1024**2:.1f} MiB |"
            )
    files = rows["configured index"][1][-1].files
    print(
        f"\nwarm from disk, pages read back but not parsed: {unparsed:.2f} s (median of {arguments.runs}); "
        f"they list {files:,} files, of which only the pinned versions' are read in full"
    )
    failed = sum(run.failed for cold, warm in rows.values() for run in cold + warm)
    if failed:
        print(f"\n{failed} page fetches failed (listed above)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
