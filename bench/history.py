"""History benchmark: releases judged against their predecessors (`interlock diff`).

    python bench/history.py                      # all sections
    python bench/history.py --only attacks,speed

Sections:
  attacks  every case of ../shared/corpus/attacks/manifest.tsv diffed against its genuine
           predecessor: malicious cases must be malicious with the first finding on a file the
           release added or changed; benign pairs must be clean
  pairs    the latest release of each of the top N projects of benign-dev.tsv against the release
           before it (fetched by `bench/fetch_benign.py --also-previous` into .bench-cache/history):
           false positives, each listed with its cause
  speed    litellm 1.82.6 → 1.82.8 diff in fresh processes: cold (empty fact cache) and warm (the
           fact cache already holding 1.82.6), with peak memory

Artifacts are only ever read as archives: nothing is installed, imported or run.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "corpus"
HISTORY_CACHE = REPO / ".bench-cache" / "history"
RESULTS = REPO / "bench" / "results"

sys.path.insert(0, str(REPO / "src"))

from interlock.artifact.reader import read_artifact  # noqa: E402
from interlock.diff.compare import diff_artifacts, normalised_path  # noqa: E402
from interlock.model.result import ScanResult  # noqa: E402
from interlock.model.verdict import Verdict  # noqa: E402


def diff(old: Path, new: Path) -> tuple[ScanResult, float]:
    started = time.perf_counter()
    result = diff_artifacts(read_artifact(old), read_artifact(new), target=str(new), previous_label=str(old))
    return result, time.perf_counter() - started


def _cause(result: ScanResult) -> str:
    counted = [f for f in result.findings if f.new or f.severity.label == "critical"]
    if not counted:
        return result.error or ""
    first = counted[0]
    where = f"{first.path}:{first.line}" if first.line else first.path or "(release)"
    return f"{first.rule} ({first.severity.label}{', new' if first.new else ''}) {where} {first.message[:110]}"


def bench_attacks(report: dict[str, object]) -> None:
    rows = list(csv.DictReader((SHARED / "attacks" / "manifest.tsv").open(), delimiter="\t"))
    print(f"\n## Attack cases diffed against their genuine predecessors ({len(rows)} cases)")
    cases = []
    for row in rows:
        result, seconds = diff(SHARED / "attacks" / row["previous_artifact"], SHARED / "attacks" / row["artifact"])
        touched = set(result.changes.added + result.changes.changed) if result.changes else set()
        first = result.findings[0] if result.findings else None
        if row["expected"] == "malicious":
            injected = first is not None and normalised_path(first.path, result.version) in touched
            ok = result.verdict is Verdict.MALICIOUS and first is not None and bool(first.new) and injected
        else:
            ok = result.verdict is Verdict.CLEAN
        cases.append(
            {
                "case": row["case"],
                "expected": row["expected"],
                "verdict": result.verdict.value,
                "ok": ok,
                "first": _cause(result),
                "seconds": round(seconds, 2),
            }
        )
        print(
            f"  {'ok  ' if ok else 'MISS'} {row['case']:32} expected {row['expected']:9} "
            f"got {result.verdict.value:10} {seconds:5.2f}s  {_cause(result)}"
        )
    report["attacks_diff"] = cases


def bench_pairs(report: dict[str, object], top: int) -> None:
    manifest = HISTORY_CACHE / "manifest.tsv"
    if not manifest.exists():
        print(f"\n(fetching the top {top} projects' last two releases into {HISTORY_CACHE} …)", flush=True)
        fetch = [
            sys.executable,
            str(REPO / "bench" / "fetch_benign.py"),
            "--top",
            str(top),
            "--also-previous",
            "--dest",
            str(HISTORY_CACHE),
        ]
        subprocess.run(fetch, check=False)
    if not manifest.exists():
        print("pairs: no cache and fetching failed; skipped")
        return
    rows = sorted(csv.DictReader(manifest.open(), delimiter="\t"), key=lambda r: int(r["rank"]))[:top]
    verdicts: Counter[str] = Counter()
    flagged, skipped, times = [], [], []
    for row in rows:
        old, new = HISTORY_CACHE / (row["previous_filename"] or "-"), HISTORY_CACHE / (row["filename"] or "-")
        if not (old.is_file() and new.is_file()):
            skipped.append(f"{row['name']}: {row['note'] or 'no pair'}")
            continue
        try:
            result, seconds = diff(old, new)
        except ValueError as exc:  # DiffError: e.g. the previous release is the same file
            skipped.append(f"{row['name']}: {exc}")
            continue
        times.append(seconds)
        verdicts[result.verdict.value] += 1
        if result.verdict is not Verdict.CLEAN:
            flagged.append(
                f"{result.verdict.value:10} #{row['rank']:>5} {row['previous_version']} → {row['version']} "
                f"{row['name']}  {_cause(result)}"
            )
    total = sum(verdicts.values())
    flagged_share = (verdicts["malicious"] + verdicts["suspicious"]) / total if total else 0.0
    report["pairs"] = {
        "pairs": total,
        "verdicts": dict(verdicts),
        "flagged": flagged,
        "skipped": skipped,
        "median_seconds": round(statistics.median(times), 2) if times else None,
    }
    print(f"\n## Consecutive genuine releases of the top {top} projects ({total} pairs diffed, {len(skipped)} skipped)")
    print(
        f"malicious {verdicts['malicious']}, "
        f"suspicious or worse {verdicts['malicious'] + verdicts['suspicious']} ({flagged_share:.2%}), "
        f"verdicts {dict(verdicts)}; median {statistics.median(times) if times else 0:.2f} s per diff"
    )
    for line in flagged:
        print("  " + line)
    for line in skipped:
        print("  skipped: " + line)


_DIFF_PROBE = """
import sys, time
sys.path.insert(0, sys.argv[4])
from pathlib import Path
from interlock.artifact.reader import read_artifact
from interlock.analysis.engine import analyse
from interlock.diff.compare import diff_artifacts
from interlock.store.facts import FactCache
facts = FactCache(Path(sys.argv[3]))
old = read_artifact(Path(sys.argv[1]))
if sys.argv[5] == "warm-old":
    analyse(old, facts=facts)  # what an earlier scan of 1.82.6 leaves in the fact cache
    print("warmed", file=sys.stderr)
    sys.exit(0)
started = time.perf_counter()
result = diff_artifacts(old, read_artifact(Path(sys.argv[2])), target="new", previous_label="old", facts=facts)
seconds = time.perf_counter() - started
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
print(f"{seconds:.3f} {peak:.1f} {result.verdict.value}")
"""


def bench_speed(report: dict[str, object]) -> None:
    old = SHARED / "attacks" / "litellm" / "1.82.6" / "litellm-1.82.6-py3-none-any.whl"
    new = SHARED / "attacks" / "litellm" / "1.82.8" / "litellm-1.82.8-py3-none-any.whl"
    print("\n## Diff speed (this machine): litellm 1.82.6 → 1.82.8")
    figures: dict[str, object] = {}
    for mode in ("cold", "warm"):
        runs = []
        for _ in range(3):
            with tempfile.TemporaryDirectory() as scratch:
                database = str(Path(scratch) / "facts.sqlite3")
                if mode == "warm":
                    subprocess.run(
                        [
                            sys.executable,
                            "-c",
                            _DIFF_PROBE,
                            str(old),
                            str(new),
                            database,
                            str(REPO / "src"),
                            "warm-old",
                        ],
                        check=True,
                        capture_output=True,
                    )
                out = subprocess.run(
                    [sys.executable, "-c", _DIFF_PROBE, str(old), str(new), database, str(REPO / "src"), "diff"],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()
                runs.append((float(out[0]), float(out[1]), out[2]))
        seconds = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        figures[mode] = {"seconds_median_of_3": round(seconds, 2), "peak_rss_mb": round(peak, 1), "verdict": runs[0][2]}
        print(f"  {mode}: {seconds:.2f} s (median of 3 fresh processes), peak RSS {peak:.0f} MB, verdict {runs[0][2]}")
    report["diff_speed"] = figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="attacks,pairs,speed", help="comma-separated sections")
    parser.add_argument("--top", type=int, default=300, help="how many popular projects for the pairs section")
    arguments = parser.parse_args()
    sections = set(arguments.only.split(","))
    if not SHARED.exists():
        print(f"corpus not found at {SHARED}", file=sys.stderr)
        return 2
    report: dict[str, object] = {"date": time.strftime("%Y-%m-%d %H:%M")}
    if "attacks" in sections:
        bench_attacks(report)
    if "pairs" in sections:
        bench_pairs(report, arguments.top)
    if "speed" in sections:
        bench_speed(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "history.json").write_text(json.dumps(report, indent=2))
    print(f"\nfull results: {RESULTS / 'history.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
