"""Interlock's detection and speed benchmark: the figures in README.md come from here.

    python bench/run.py                 # everything (fetches popular releases on first run)
    python bench/run.py --only malicious,attacks,speed

Sections:
  malicious  every artifact of ../shared/corpus/malicious/ (real malware): share malicious / flagged
  attacks    every case of ../shared/corpus/attacks/manifest.tsv scanned on its own (no history)
  benign     latest releases of the N most-downloaded projects of benign-dev.tsv: false positives,
             each listed with the rule that caused it
  benign-sdists  the same projects' latest sdists (not in the default run: --only benign-sdists)
  speed      per-artifact median / p95 / throughput over the malicious corpus; the litellm 1.82.6
             wheel cold, with peak memory (measured in a fresh process)

Each section reports the tuning and the validation part of the data separately (bench/split.py:
by project name, about one in five held out). Only the tuning part's cases are listed, so rules are
not fitted to the validation part; ``--show-validation`` lists those too, for a final report.

Artifacts are only ever read as archives: nothing is installed, imported or run.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "corpus"
BENIGN_CACHE = REPO / ".bench-cache" / "benign"
BENIGN_SDIST_CACHE = REPO / ".bench-cache" / "benign-sdists"
RESULTS = REPO / "bench" / "results"

sys.path.insert(0, str(REPO / "src"))

from interlock.analysis.engine import scan_artifact  # noqa: E402
from interlock.artifact.reader import read_artifact  # noqa: E402
from interlock.model.result import ScanResult  # noqa: E402
from interlock.model.verdict import Verdict  # noqa: E402
from split import PARTS, TUNING, part_of  # noqa: E402


def scan(path: Path) -> tuple[ScanResult, float]:
    started = time.perf_counter()
    result = scan_artifact(read_artifact(path), str(path))
    return result, time.perf_counter() - started


def _cause(result: ScanResult) -> str:
    worst = result.findings[0] if result.findings else None
    if worst is None:
        return result.error or "-"
    return f"{worst.rule} ({worst.severity.label}) {worst.path}:{worst.line or ''} {worst.message[:90]}"


def _rates(verdicts: Counter[str]) -> dict[str, object]:
    total = sum(verdicts.values())
    malicious = verdicts["malicious"]
    flagged = malicious + verdicts["suspicious"]
    return {
        "artifacts": total,
        "verdicts": dict(verdicts),
        "malicious_rate": round(malicious / total, 4) if total else None,
        "flagged_rate": round(flagged / total, 4) if total else None,
    }


def _rates_line(part: str, figures: dict[str, object]) -> str:
    total = figures["artifacts"]
    verdicts: dict[str, int] = figures["verdicts"]  # type: ignore[assignment]
    malicious = verdicts.get("malicious", 0)
    flagged = malicious + verdicts.get("suspicious", 0)
    return (
        f"{part:10} {total:4} artifacts: malicious {malicious} ({malicious / max(total, 1):.2%}), "  # type: ignore[arg-type]
        f"malicious or suspicious {flagged} ({flagged / max(total, 1):.2%}), verdicts {verdicts}"  # type: ignore[arg-type]
    )


def bench_malicious(report: dict[str, object], show_validation: bool) -> list[float]:
    files = sorted(p for p in (SHARED / "malicious").rglob("*") if p.is_file())
    verdicts: dict[str, Counter[str]] = {part: Counter() for part in PARTS}
    times = []
    missed: dict[str, list[str]] = {part: [] for part in PARTS}
    for path in files:
        relative = path.relative_to(SHARED / "malicious")
        part = part_of(relative.parts[0])
        result, seconds = scan(path)
        times.append(seconds)
        verdicts[part][result.verdict.value] += 1
        if result.verdict is not Verdict.MALICIOUS:
            missed[part].append(f"{result.verdict.value:10} {relative}  {_cause(result)}")
    overall = _rates(verdicts[PARTS[0]] + verdicts[PARTS[1]])
    report["malicious"] = {
        **overall,
        "parts": {part: {**_rates(verdicts[part]), "not_malicious": missed[part]} for part in PARTS},
    }
    heading = f"## Malicious corpus ({len(files)} real malicious artifacts)"
    _print_parts(heading, overall, verdicts, "not malicious", missed, show_validation)
    return times


def _print_parts(
    heading: str,
    overall: dict[str, object],
    verdicts: dict[str, Counter[str]],
    what: str,
    cases: dict[str, list[str]],
    show_validation: bool,
) -> None:
    """The figures of both parts, and the cases behind them: the tuning part's only, unless asked."""
    print(f"\n{heading}")
    print(_rates_line("all", overall))
    for part in PARTS:
        print(_rates_line(part, _rates(verdicts[part])))
    for part in PARTS:
        if part == TUNING or show_validation:
            print(f"  {what}, {part} part:")
            for line in cases[part]:
                print("    " + line)


def bench_attacks(report: dict[str, object]) -> None:
    manifest = SHARED / "attacks" / "manifest.tsv"
    rows = list(csv.DictReader(manifest.open(), delimiter="\t"))
    print(f"\n## Attack cases scanned on their own ({len(rows)} cases)")
    cases = []
    for row in rows:
        result, seconds = scan(SHARED / "attacks" / row["artifact"])
        expected = row["expected"]
        ok = result.verdict in (Verdict.MALICIOUS, Verdict.SUSPICIOUS) if expected == "malicious" else None
        cases.append(
            {
                "case": row["case"],
                "expected": expected,
                "verdict": result.verdict.value,
                "cause": _cause(result),
                "seconds": round(seconds, 2),
            }
        )
        mark = {True: "ok  ", False: "MISS", None: "    "}[ok]
        print(
            f"  {mark} {row['case']:32} expected {expected:9} "
            f"got {result.verdict.value:10} {seconds:5.2f}s  {_cause(result)}"
        )
    report["attacks"] = cases


def bench_benign(report: dict[str, object], top: int, *, sdists: bool = False, show_validation: bool = False) -> None:
    """False positives on the latest releases of the most-downloaded projects: the file pip would
    install, or (``sdists``) each release's sdist, which a build from source reads."""
    cache = BENIGN_SDIST_CACHE if sdists else BENIGN_CACHE
    manifest = cache / "manifest.tsv"
    if not manifest.exists():
        print(f"\n(fetching the latest releases of the top {top} projects into {cache} …)", flush=True)
        fetch = [sys.executable, str(REPO / "bench" / "fetch_benign.py"), "--top", str(top), "--dest", str(cache)]
        subprocess.run(fetch + (["--sdists"] if sdists else []), check=False)
    if not manifest.exists():
        print("benign: no cache and fetching failed; skipped")
        return
    rows = sorted(csv.DictReader(manifest.open(), delimiter="\t"), key=lambda r: int(r["rank"]))[:top]
    verdicts: dict[str, Counter[str]] = {part: Counter() for part in PARTS}
    flagged: dict[str, list[str]] = {part: [] for part in PARTS}
    for row in rows:
        path = cache / row["filename"]
        if not row.get("filename") or not path.exists():
            continue
        part = part_of(row["name"])
        result, _ = scan(path)
        verdicts[part][result.verdict.value] += 1
        if result.verdict is not Verdict.CLEAN:
            flagged[part].append(f"{result.verdict.value:10} #{row['rank']:>5} {row['filename']}  {_cause(result)}")
    overall = _rates(verdicts[PARTS[0]] + verdicts[PARTS[1]])
    report["benign-sdists" if sdists else "benign"] = {
        **overall,
        "parts": {part: {**_rates(verdicts[part]), "flagged": flagged[part]} for part in PARTS},
    }
    what = "sdists of the latest releases" if sdists else "latest releases"
    heading = f"## False positives: {what} of the top {top} projects ({overall['artifacts']} artifacts scanned)"
    _print_parts(heading, overall, verdicts, "flagged", flagged, show_validation)


_PEAK_PROBE = """
import resource, sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from interlock.artifact.reader import read_artifact
from interlock.analysis.engine import scan_artifact
started = time.perf_counter()
result = scan_artifact(read_artifact(Path(sys.argv[1])), sys.argv[1])
seconds = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{seconds:.3f} {peak:.1f} {result.verdict.value} {len(result.findings)} {workers:.1f}")
"""


def bench_speed(report: dict[str, object], times: list[float]) -> None:
    print("\n## Speed (this machine)")
    if times:
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        total = sum(times)
        report["speed_malicious"] = {
            "artifacts": len(times),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "throughput_per_s": round(len(times) / total, 1),
        }
        print(
            f"malicious corpus: median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"{len(times) / total:.1f} artifacts/s"
        )
    wheel = SHARED / "attacks" / "litellm" / "1.82.6" / "litellm-1.82.6-py3-none-any.whl"
    if wheel.exists():
        runs = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, "-c", _PEAK_PROBE, str(wheel), str(REPO / "src")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            runs.append((float(out[0]), float(out[1]), out[2], float(out[4])))
        seconds = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        worker = max(r[3] for r in runs)
        report["speed_litellm"] = {
            "wheel_mb": round(wheel.stat().st_size / 1e6, 1),
            "seconds_median_of_3": round(seconds, 2),
            "peak_rss_mb": round(peak, 1),
            "worker_peak_rss_mb": round(worker, 1),
            "verdict": runs[0][2],
        }
        print(
            f"litellm 1.82.6 wheel ({wheel.stat().st_size / 1e6:.1f} MB): "
            f"{seconds:.2f} s cold (median of 3 fresh processes), "
            f"peak RSS {peak:.0f} MB (each of the 2 analysis workers forked from it: "
            f"at most {worker:.0f} MB, mostly pages "
            f"shared with it), verdict {runs[0][2]}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="malicious,attacks,benign,speed", help="comma-separated sections")
    parser.add_argument(
        "--top", type=int, default=1000, help="how many popular projects for the false-positive run (default: all)"
    )
    parser.add_argument(
        "--show-validation", action="store_true", help="also list the validation part's cases (for reports, not tuning)"
    )
    arguments = parser.parse_args()
    sections = set(arguments.only.split(","))
    if not SHARED.exists():
        print(f"corpus not found at {SHARED}", file=sys.stderr)
        return 2
    report: dict[str, object] = {"date": time.strftime("%Y-%m-%d %H:%M")}
    times: list[float] = []
    if "malicious" in sections or "speed" in sections:
        times = bench_malicious(report, arguments.show_validation)
    if "attacks" in sections:
        bench_attacks(report)
    if "benign" in sections:
        bench_benign(report, arguments.top, show_validation=arguments.show_validation)
    if "benign-sdists" in sections:
        bench_benign(report, arguments.top, sdists=True, show_validation=arguments.show_validation)
    if "speed" in sections:
        bench_speed(report, times)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    print(f"\nfull results: {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
