"""How long `interlock audit` takes on a real lockfile, cold and warm, and what it flags.

    python bench/audit.py [--lockfile bench/data/ai-app-requirements.txt] [--jobs 8] [--warm-runs 3]

Runs the real command (`interlock audit --format json LOCKFILE`) in a child process against the
index pip is configured with, with every Interlock cache in a fresh temporary directory: the
first run is cold (every artifact, previous release and sdist fetched and analysed), the next
ones warm (the same caches). Prints the time of each, the artifacts fetched (count and size),
peak memory, the verdicts, and every release flagged: on a lockfile of popular packages each of
those is a false positive to look at.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_LOCKFILE = REPO / "bench" / "data" / "ai-app-requirements.txt"
_RUN = "import sys; from interlock.cli import main; sys.exit(main())"


def run_audit(lockfile: Path, cache_root: Path, jobs: int) -> tuple[float, int, dict[str, object]]:
    """(seconds, exit status, JSON report) of one audit with its caches under `cache_root`."""
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(cache_root / "cache"),
        "XDG_DATA_HOME": str(cache_root / "data"),
        "CI": "1",
    }
    env.pop("INTERLOCK_NO_HISTORY", None)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "audit", "--format", "json", "--jobs", str(jobs), str(lockfile)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"audit failed with status {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds, done.returncode, json.loads(done.stdout)


def fetched(cache_root: Path) -> tuple[int, int]:
    """(files, bytes) in the artifact cache: everything the audit downloaded."""
    files = [
        p
        for p in (cache_root / "cache" / "interlock" / "artifacts").rglob("*")
        if p.is_file() and ".partial" not in p.parts
    ]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lockfile", type=Path, default=DEFAULT_LOCKFILE)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--warm-runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="interlock-audit-bench-") as scratch:
        root = Path(scratch)
        cold, status, report = run_audit(options.lockfile, root, options.jobs)
        files, size = fetched(root)
        warm = [run_audit(options.lockfile, root, options.jobs)[0] for _ in range(options.warm_runs)]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    results = report["results"]
    assert isinstance(results, list)
    verdicts = Counter(r["verdict"] for r in results)
    blocked = [r for r in results if r.get("policy", {}).get("status") != "pass"]
    print(
        "lockfile       "
        f"{options.lockfile.relative_to(REPO) if options.lockfile.is_relative_to(REPO) else options.lockfile}"
    )
    print(f"judged         {len(results)} pinned artifacts, {len(report.get('unjudged', []))} requirements not judged")
    print(
        f"cold           {cold:.1f} s with {options.jobs} jobs; "
        f"{files} artifacts fetched ({size / 1024 / 1024:.0f} MiB: "
        "the pins, their previous releases and sdists)"
    )
    print(
        f"warm           median {statistics.median(warm):.2f} s of {len(warm)} runs "
        f"({', '.join(f'{s:.2f}' for s in warm)})"
    )
    print(f"peak memory    {peak:.0f} MiB (largest child process)")
    print(
        f"verdicts       {', '.join(f'{count} {verdict}' for verdict, count in verdicts.most_common())}; "
        f"exit status {status}"
    )
    for result in blocked:
        reasons = [r["message"] for r in result["policy"]["reasons"] if r["blocks"]]
        rules = sorted({f["rule"] for f in result["findings"] if f.get("new") is not False})
        print(
            f"  blocked      {result['name']}=={result['version']}: {result['verdict']} {rules}; "
            f"{'; '.join(reasons)[:200]}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
