"""Analyse many source files on all cores, for the large releases that sit in install paths.

Workers are forked so they share the artifact already in memory (copy-on-write) instead of
receiving it pickled; only the small reports travel back. Small artifacts, single-core machines
and multi-threaded callers (where forking is unsafe) analyse in-process.

Ctrl-C stops the workers with the parent: they ignore SIGINT themselves (a terminal sends it to
the whole process group, and each would print a traceback), and the parent's KeyboardInterrupt
leaves the pool's `with`, which terminates them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator

from interlock.analysis.extract.python.reader import analyse_python
from interlock.analysis.extract.python.report import SourceReport
from interlock.analysis.facts import When
from interlock.artifact.limits import Deadline, LimitExceeded
from interlock.artifact.model import Artifact

Job = tuple[str, When, bool, frozenset[str]]
"""(member path, when its top level runs, whether every function in it runs then too, functions
other code calls at that time)."""

# Forking pays off once there are a couple of MiB of source to share out, in more than a handful of files.
_PARALLEL_MIN_FILES = 8
_PARALLEL_MIN_BYTES = 2 * 1024 * 1024
_MAX_WORKERS = 4
_CHUNK = 8

_shared_artifact: Artifact | None = None


def analyse_files(artifact: Artifact, jobs: list[Job], deadline: Deadline) -> Iterator[tuple[str, SourceReport]]:
    """Reports for each job, in job order."""
    if not _worth_parallel(artifact, jobs):
        for job in jobs:
            deadline.reading(job[0])
            deadline.check()
            yield job[0], _analyse(artifact, job)
        return
    global _shared_artifact
    _shared_artifact = artifact
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(processes=min(os.cpu_count() or 1, _MAX_WORKERS), initializer=_worker_started) as pool:
            # Chunks made here, not by imap: only a chunksize-1 imap can wait with a timeout.
            chunks = [jobs[start : start + _CHUNK] for start in range(0, len(jobs), _CHUNK)]
            results = pool.imap(_analyse_chunk, chunks)
            for chunk in chunks:
                deadline.reading(_chunk_name(chunk))
                # A worker killed by the OOM killer never answers: wait only as long as the budget allows.
                try:
                    reports = results.next(timeout=max(deadline.remaining(), 0.01))
                except multiprocessing.TimeoutError:
                    raise LimitExceeded(deadline.exceeded()) from None
                yield from reports
    finally:
        _shared_artifact = None


def _chunk_name(chunk: list[Job]) -> str:
    """The files one worker is given at once, for a deadline message: `a.py (or one of 7 after it)`."""
    return chunk[0][0] + (f" (or one of the {len(chunk) - 1} files after it)" if len(chunk) > 1 else "")


DISPLAY_THREAD_PREFIX = "interlock-display"
"""Threads named so only redraw a progress display: they hold no lock a forked worker would need
(workers never write to the terminal), so they do not make forking unsafe."""


def _fork_is_safe() -> bool:
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    return all(t.name.startswith(DISPLAY_THREAD_PREFIX) and t.daemon for t in others)


def _worker_started() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worth_parallel(artifact: Artifact, jobs: list[Job]) -> bool:
    if len(jobs) < _PARALLEL_MIN_FILES or (os.cpu_count() or 1) < 2:
        return False
    if not _fork_is_safe() or "fork" not in multiprocessing.get_all_start_methods():
        return False
    total = sum(artifact.members[job[0]].size for job in jobs)
    return total >= _PARALLEL_MIN_BYTES


def _analyse_chunk(jobs: list[Job]) -> list[tuple[str, SourceReport]]:
    assert _shared_artifact is not None
    return [(job[0], _analyse(_shared_artifact, job)) for job in jobs]


def _analyse(artifact: Artifact, job: Job) -> SourceReport:
    path, when, everything_runs, roots = job
    data = artifact.members[path].readable
    assert data is not None
    return analyse_python(path, data, when, everything_runs=everything_runs, roots=roots)
