#!/usr/bin/env python3
"""Red-team Interlock: build the synthetic trojaned (and benign look-alike) releases and scan them.

The samples are data in bench/redteam_samples.py (48 malicious variants, 17 benign look-alikes,
written by a red-team pass on 2026-11-29); the README gives the current count, and
tests/test_redteam.py holds every sample to the verdict recorded there. Nothing built here is
installed, imported, built or executed: each sample is written as a wheel (zip) or sdist (tar.gz)
under .bench-cache/redteam/ (rewritten on every run), then scanned statically with
`interlock scan --format json`.

Run:  python bench/redteam.py [-v]
  -v  also print every finding of every sample that is mis-judged
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
from redteam_samples import SAMPLES  # noqa: E402 - needs interlock on the path

OUT = REPO / ".bench-cache" / "redteam"


def build() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    names = set()
    for s in SAMPLES:
        assert s.pkg not in names, s.pkg
        names.add(s.pkg)
        (OUT / s.filename).write_bytes(s.build())


def scan() -> dict[str, dict[str, Any]]:
    env = dict(os.environ, INTERLOCK_NO_HISTORY="1", PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from interlock.cli import main; sys.exit(main())",
            "scan",
            "--no-cache",
            "--format",
            "json",
            "--fail-on",
            "never",
            *[str(OUT / s.filename) for s in SAMPLES],
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    doc = json.loads(proc.stdout)
    return {r["filename"]: r for r in doc["results"]}


def main() -> None:
    verbose = "-v" in sys.argv
    build()
    results = scan()
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    rows, misses = [], []
    for i, s in enumerate(SAMPLES, 1):
        r = results[s.filename]
        f = r["findings"][0] if r["findings"] else None
        first = f"{f['rule']}/{f['severity']}" if f else "-"
        ok = (r["verdict"] == "malicious") if s.malicious else (r["verdict"] == "clean")
        rows.append((i, s.name, s.where, r["verdict"], first, "ok" if ok else "MISS" if s.malicious else "FP"))
        if not ok:
            misses.append((s, r))
    w = max(len(r[1]) for r in rows)
    print(f"{'#':>2}  {'variant':<{w}}  {'verdict':<10}  {'':4}  {'first finding':<28}  where")
    for i, name, where, verdict, first, ok in rows:
        print(f"{i:>2}  {name:<{w}}  {verdict:<10}  {ok:<4}  {first:<28}  {where}")
    mal = [r for r, s in zip(rows, SAMPLES, strict=True) if s.malicious]
    ben = [r for r, s in zip(rows, SAMPLES, strict=True) if not s.malicious]
    print(
        f"\nmalicious variants judged malicious: {sum(r[5] == 'ok' for r in mal)}/{len(mal)}; "
        f"benign kept clean: {sum(r[5] == 'ok' for r in ben)}/{len(ben)}"
    )
    if verbose:
        for s, r in misses:
            print(f"\n== {s.name} ({r['verdict']}, score {r.get('score')})")
            for f in r["findings"]:
                print(f"   {f['rule']}/{f['severity']} {f['path']}:{f['line']}  {f['message'][:160]}")


if __name__ == "__main__":
    main()
