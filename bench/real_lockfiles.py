"""`interlock audit` over the published lockfiles of well-known AI projects: what it flags, how fast.

    python bench/real_lockfiles.py [--jobs 4] [--only litellm,jax] [--cold]

Audits every lockfile listed in bench/data/lockfiles/SOURCES.tsv with the real command
(`interlock audit --format json FILE`, one child process per lockfile) against the index pip is
configured with. Every Interlock cache lives under .bench-cache/real-lockfiles-cache, shared by
all lockfiles and kept between runs (`--cold` uses a fresh temporary one instead). For each
lockfile it prints the pins, how many were judged and not judged, the verdicts, the wall time, the
peak memory of the audit process, and every release flagged (malicious, suspicious or error) with
its top finding; then the totals and the distinct flagged releases. On these lockfiles every flag
is a false positive to look at. It also counts the releases judged clean that still carry findings,
and per rule how many releases carry one. The report is written to
bench/results/real-lockfiles-<time>.json, each audit's own JSON report to
bench/results/real-lockfiles-<time>/<name>.json.

Artifacts are only read as archives by Interlock: nothing is installed, imported or run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCKFILES = REPO / "bench" / "data" / "lockfiles"
SOURCES = LOCKFILES / "SOURCES.tsv"
SHARED_CACHE = REPO / ".bench-cache" / "real-lockfiles-cache"
RESULTS = REPO / "bench" / "results"
FLAGGED = ("malicious", "suspicious", "error")
SEVERITY_ORDER = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}
_RUN = "import sys; from interlock.cli import main; sys.exit(main())"

sys.path.insert(0, str(REPO / "src"))

from interlock.lockfiles import PinStatus, read_lockfile  # noqa: E402


@dataclass
class Flag:
    release: str
    verdict: str
    cause: str
    """The top finding as `rule (severity, new|inherited) path:line message`, or the error."""
    score: int | None = None
    filename: str | None = None
    """The file of the release the audit judged."""


@dataclass
class LockfileRun:
    name: str
    file: str
    repository: str
    format: str
    pins: int
    judged: int = 0
    unjudged: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    peak_rss_mib: float = 0.0
    exit_status: int | None = None
    failure: str | None = None
    """Why the audit gave no report (crash, unreadable output); None when it did."""
    flagged: list[Flag] = field(default_factory=list)
    clean_with_findings: int = 0
    """Releases judged clean that still carry findings (scored below the suspicious threshold)."""
    rules: dict[str, int] = field(default_factory=dict)
    """For each rule, how many judged releases of this lockfile carry at least one of its findings."""


def read_sources() -> list[dict[str, str]]:
    with SOURCES.open(newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if row.get("name")]


def count_pins(path: Path) -> int:
    """Distinct name==version pins, read the way the audit reads them."""
    packages = read_lockfile(path).packages
    return len({(p.name, str(p.version)) for p in packages if p.status is PinStatus.PINNED})


def top_finding(result: dict[str, object]) -> str:
    """The finding that explains the verdict: the most severe, a new one before an inherited one."""
    findings = [f for f in result.get("findings", []) if isinstance(f, dict)]
    if not findings:
        return str(result.get("error") or "no finding")
    findings.sort(key=lambda f: (-SEVERITY_ORDER.get(str(f.get("severity")), 0), f.get("new") is False))
    best = findings[0]
    where = f"{best.get('path')}:{best.get('line') or ''}"
    message = " ".join(str(best.get("message", "")).split())
    age = {True: ", new", False: ", inherited"}.get(best.get("new"), "")  # type: ignore[arg-type]
    return f"{best.get('rule')} ({best.get('severity')}{age}) {where} {message[:160]}"


def run_audit(path: Path, cache_root: Path, jobs: int) -> tuple[float, float, int, str, str]:
    """(seconds, peak RSS in MiB, exit status, stdout, stderr) of one `interlock audit` child."""
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(cache_root / "cache"),
        "XDG_DATA_HOME": str(cache_root / "data"),
        "CI": "1",
    }
    env.pop("INTERLOCK_NO_HISTORY", None)
    command = [sys.executable, "-c", _RUN, "audit", "--format", "json", "--jobs", str(jobs), str(path)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        # wait4 gives this child's own peak memory; getrusage(RUSAGE_CHILDREN) would mix all lockfiles.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return seconds, usage.ru_maxrss / 1024, child.returncode, out.read().decode(), err.read().decode()


def audit_one(row: dict[str, str], cache_root: Path, jobs: int, raw_dir: Path) -> LockfileRun:
    path = LOCKFILES / row["file"]
    run = LockfileRun(row["name"], row["file"], row["repository"], row["format"], count_pins(path))
    run.seconds, run.peak_rss_mib, run.exit_status, stdout, stderr = run_audit(path, cache_root, jobs)
    raw_dir.mkdir(parents=True, exist_ok=True)
    (raw_dir / f"{run.name}.json").write_text(stdout)
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        run.failure = f"exit {run.exit_status}, no JSON report: {stderr.strip()[-300:]}"
        return run
    results = [r for r in report.get("results", []) if isinstance(r, dict)]
    run.judged = len(results)
    run.unjudged = len(report.get("unjudged", []))
    run.verdicts = dict(Counter(str(r.get("verdict")) for r in results).most_common())
    rules: Counter[str] = Counter()
    for result in results:
        findings = [f for f in result.get("findings", []) if isinstance(f, dict)]
        rules.update({str(f.get("rule")) for f in findings})
        run.clean_with_findings += bool(findings) and result.get("verdict") == "clean"
    run.rules = dict(rules.most_common())
    for result in results:
        if result.get("verdict") in FLAGGED:
            release = f"{result.get('name')}=={result.get('version')}"
            score = result.get("score")
            flag = Flag(release, str(result["verdict"]), top_finding(result), score if isinstance(score, int) else None)
            flag.filename = str(result.get("filename") or "") or None
            run.flagged.append(flag)
    run.flagged.sort(key=lambda f: (FLAGGED.index(f.verdict), f.release))
    return run


def print_run(run: LockfileRun) -> None:
    verdicts = ", ".join(f"{n} {v}" for v, n in run.verdicts.items()) or "-"
    print(f"\n{run.name}  ({run.format}, {run.repository})", flush=True)
    print(f"  pins {run.pins}, judged {run.judged}, unjudged {run.unjudged}; {verdicts}")
    print(f"  {run.seconds:.1f} s, peak RSS {run.peak_rss_mib:.0f} MiB, exit status {run.exit_status}")
    if run.rules:
        top = ", ".join(f"{rule} {n}" for rule, n in list(run.rules.items())[:6])
        print(f"  clean with findings {run.clean_with_findings}; releases per rule: {top}")
    if run.failure:
        print(f"  FAILED: {run.failure}")
    for flag in run.flagged:
        print(f"  {flag.verdict:<10} {flag.release} (score {flag.score}, {flag.filename}): {flag.cause}")
    sys.stdout.flush()  # a long run is watched through a log file


def print_totals(runs: list[LockfileRun]) -> dict[str, object]:
    verdicts: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for run in runs:
        verdicts.update(run.verdicts)
        rules.update(run.rules)
    distinct: dict[tuple[str, str], dict[str, object]] = {}
    for run in runs:
        for flag in run.flagged:
            entry = distinct.setdefault((flag.release, flag.verdict), {"cause": flag.cause, "lockfiles": []})
            entry["lockfiles"].append(run.name)  # type: ignore[union-attr]
    totals = {
        "lockfiles": len(runs),
        "pins": sum(r.pins for r in runs),
        "judged": sum(r.judged for r in runs),
        "unjudged": sum(r.unjudged for r in runs),
        "verdicts": dict(verdicts.most_common()),
        "seconds": round(sum(r.seconds for r in runs), 1),
        "peak_rss_mib": round(max((r.peak_rss_mib for r in runs), default=0.0)),
        "failed": [r.name for r in runs if r.failure],
        "clean_with_findings": sum(r.clean_with_findings for r in runs),
        "releases_per_rule": dict(rules.most_common()),
    }
    print(
        f"\nTOTAL  {totals['lockfiles']} lockfiles, {totals['pins']} pins, {totals['judged']} judged, "
        f"{totals['unjudged']} unjudged; "
        f"{', '.join(f'{n} {v}' for v, n in verdicts.most_common())}; {totals['seconds']} s; "
        f"peak RSS {totals['peak_rss_mib']} MiB"
    )
    print(
        f"clean with findings {totals['clean_with_findings']}; releases per rule: "
        f"{', '.join(f'{rule} {n}' for rule, n in rules.most_common())}"
    )
    print(f"distinct flagged releases: {len(distinct)}")
    for (release, verdict), entry in sorted(distinct.items(), key=lambda i: (FLAGGED.index(i[0][1]), i[0][0])):
        print(f"  {verdict:<10} {release} [{', '.join(entry['lockfiles'])}]: {entry['cause']}")  # type: ignore[arg-type]
    totals["distinct_flagged"] = [
        {"release": release, "verdict": verdict, **entry} for (release, verdict), entry in sorted(distinct.items())
    ]
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=4, help="packages judged at once by each audit")
    parser.add_argument("--only", help="comma-separated lockfile names from SOURCES.tsv")
    parser.add_argument("--cold", action="store_true", help="use a fresh temporary cache, not the shared one")
    options = parser.parse_args()
    rows = read_sources()
    if options.only:
        wanted = {n.strip() for n in options.only.split(",") if n.strip()}
        unknown = wanted - {row["name"] for row in rows}
        if unknown:
            parser.error(f"not in SOURCES.tsv: {', '.join(sorted(unknown))}")
        rows = [row for row in rows if row["name"] in wanted]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    raw_dir = RESULTS / f"real-lockfiles-{stamp}"
    with tempfile.TemporaryDirectory(prefix="interlock-real-lockfiles-") as scratch:
        cache_root = Path(scratch) if options.cold else SHARED_CACHE
        cache_root.mkdir(parents=True, exist_ok=True)
        print(f"cache {cache_root}{' (cold)' if options.cold else ''}; {options.jobs} jobs per audit", flush=True)
        runs = []
        for row in rows:
            runs.append(audit_one(row, cache_root, options.jobs, raw_dir))
            print_run(runs[-1])
    totals = print_totals(runs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"real-lockfiles-{stamp}.json"
    document = {"jobs": options.jobs, "cold": options.cold, "runs": [asdict(r) for r in runs], "totals": totals}
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nwritten {out.relative_to(REPO)} (raw audit reports in {raw_dir.relative_to(REPO)}/)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
