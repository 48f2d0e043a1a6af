"""Fetch the latest releases of the most-downloaded projects, for the false-positive benchmark.

    python bench/fetch_benign.py --top 300 --dest .bench-cache/benign [--also-previous] [--sdists]

Reads ``<repo>/../shared/corpus/benign-dev.tsv`` (columns rank, name), takes the ``--top`` best
ranked, and for each downloads the artifact pip would install here of the latest final,
non-yanked release (with ``--sdists``, the latest release's sdist instead: what a build from
source, or a gate building an sdist, reads), and with ``--also-previous`` the release before it, from the index pip is
configured with, into ``--dest``. Files already there with the right sha256 are kept. Writes
``manifest.tsv`` in ``--dest``: rank, name, version, filename, sha256, previous_version,
previous_filename, note (why something is missing or unusual). Failures are listed, not
fatal. Nothing is installed or imported.
"""

from __future__ import annotations

import argparse
import csv
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from interlock.index import (  # noqa: E402
    FileKind,
    IndexClient,
    IndexFile,
    IndexProblem,
    NoSuitableFile,
    latest_version,
    previous_version,
    select_file,
)

COLUMNS = ["rank", "name", "version", "filename", "sha256", "previous_version", "previous_filename", "note"]


@dataclass(frozen=True)
class Fetched:
    """What one project contributed to the cache."""

    rank: int
    """Position in benign-dev.tsv (1 = most downloaded)."""
    name: str
    """Project name as the TSV spells it."""
    latest: IndexFile | None = None
    """The latest release's chosen artifact, once on disk."""
    previous: IndexFile | None = None
    """The release before it, with --also-previous."""
    new_bytes: int = 0
    """Bytes downloaded now (0 when everything was already cached)."""
    note: str = ""
    """Why something is missing, or how the choice was made when it was not the usual one."""


def read_ranked(tsv: Path, top: int) -> list[tuple[int, str]]:
    with tsv.open(newline="", encoding="utf-8") as handle:
        rows = [
            (int(row["rank"]), row["name"].strip()) for row in csv.DictReader(handle, delimiter="\t") if row.get("name")
        ]
    return sorted(rows)[:top]


def fetch_one(
    client: IndexClient, rank: int, name: str, dest: Path, also_previous: bool, max_bytes: int, sdists: bool = False
) -> Fetched:
    notes = []
    try:
        files = client.project_files(name)
        version = latest_version(files)
        if version is None:
            version = latest_version(files, prereleases=True)
            notes.append("only pre-releases")
        if version is None:
            return Fetched(rank, name, note="no live release with a wheel or sdist")
        if sdists:
            files = [f for f in files if f.kind is FileKind.SDIST]
            version = latest_version(files)
            if version is None:
                return Fetched(rank, name, note="no sdist of a final release")
        latest, fresh = _get(client, files, version, dest, max_bytes, notes)
        previous = None
        if also_previous:
            before = previous_version(files, version)
            if before is None:
                notes.append("no previous release")
            else:
                previous, more = _get(client, files, before, dest, max_bytes, notes)
                fresh += more
        return Fetched(rank, name, latest, previous, fresh, "; ".join(notes))
    except IndexProblem as exc:
        return Fetched(rank, name, note=str(exc))


def _get(
    client: IndexClient, files: list[IndexFile], version: Version, dest: Path, max_bytes: int, notes: list[str]
) -> tuple[IndexFile, int]:
    try:
        chosen = select_file(files, version)
    except NoSuitableFile:
        # Still worth scanning: the benchmark is about false positives, not about this platform.
        chosen = select_file(files, version, allow_incompatible=True)
        notes.append(f"no artifact for this platform, took {chosen.filename}")
    present = (dest / chosen.filename).is_file()
    path = client.download(chosen, max_bytes, dest_dir=dest)
    return chosen, 0 if present else path.stat().st_size


def write_manifest(dest: Path, results: list[Fetched]) -> Path:
    manifest = dest / "manifest.tsv"
    partial = dest / ".manifest.tsv.part"
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in sorted(results, key=lambda r: r.rank):
            latest, previous = r.latest, r.previous
            writer.writerow(
                [
                    r.rank,
                    r.name,
                    latest.version if latest else "",
                    latest.filename if latest else "",
                    latest.sha256 if latest else "",
                    previous.version if previous else "",
                    previous.filename if previous else "",
                    r.note.replace("\t", " ").replace("\n", " "),
                ]
            )
    partial.replace(manifest)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=300, help="how many of the best-ranked projects (default 300)")
    parser.add_argument(
        "--dest", type=Path, default=REPO / ".bench-cache" / "benign", help="where artifacts and manifest.tsv go"
    )
    parser.add_argument(
        "--tsv", type=Path, default=REPO.parent / "shared" / "corpus" / "benign-dev.tsv", help="rank/name list"
    )
    parser.add_argument(
        "--also-previous", action="store_true", help="also fetch the release before the latest (history benchmarks)"
    )
    parser.add_argument("--jobs", type=int, default=8, help="parallel downloads (default 8)")
    parser.add_argument("--index-url", help="override the index pip is configured with")
    parser.add_argument("--max-mb", type=int, default=1024, help="largest artifact to fetch, MiB (default 1024)")
    parser.add_argument(
        "--sdists", action="store_true", help="the latest release's sdist instead of the file pip would install"
    )
    arguments = parser.parse_args(argv)

    ranked = read_ranked(arguments.tsv, arguments.top)
    dest: Path = arguments.dest
    dest.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    client = IndexClient.from_pip(arguments.index_url)
    print(
        f"fetching {len(ranked)} projects from {client.index_url} into {dest} ({arguments.jobs} at a time)",
        file=sys.stderr,
    )

    results: list[Fetched] = []
    done = threading.Lock()
    with client, ThreadPoolExecutor(arguments.jobs) as pool:
        futures = [
            pool.submit(
                fetch_one,
                client,
                rank,
                name,
                dest,
                arguments.also_previous,
                arguments.max_mb * 1024 * 1024,
                arguments.sdists,
            )
            for rank, name in ranked
        ]
        for future in as_completed(futures):
            result = future.result()
            with done:
                results.append(result)
                got = result.latest.filename if result.latest else "FAILED"
                extra = f" (+ {result.previous.filename})" if result.previous else ""
                print(
                    (
                        f"[{len(results):>4}/{len(ranked)}] #{result.rank:<5} "
                        f"{result.name}: {got}{extra}  {result.note}"
                    ).rstrip(),
                    file=sys.stderr,
                )

    manifest = write_manifest(dest, results)
    elapsed = time.perf_counter() - started
    failed = [r for r in results if r.latest is None]
    artifacts = [f for r in results for f in (r.latest, r.previous) if f is not None]
    on_disk = sum((dest / f.filename).stat().st_size for f in artifacts)
    downloaded = sum(r.new_bytes for r in results)
    print(
        f"\n{len(results) - len(failed)}/{len(results)} projects, {len(artifacts)} artifacts, "
        f"{on_disk / 1e6:.1f} MB on disk ({downloaded / 1e6:.1f} MB downloaded now) in {elapsed:.1f} s; "
        f"manifest: {manifest}",
        file=sys.stderr,
    )
    for r in sorted(failed, key=lambda r: r.rank):
        print(f"  failed #{r.rank} {r.name}: {r.note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
