"""Start-up: how long a short command takes, and which imports it pays for.

    python bench/startup.py [--runs 20] [--top 15] [--interlock PATH]

Runs `python -c pass` (the floor), `interlock --version`, `interlock --help` and `interlock rules`
``--runs`` times each as fresh processes (output discarded) and prints the median and the fastest
wall time of each, then ``python -X importtime -c "import interlock.cli"``: its total, the
``--top`` modules with the largest cumulative import time, and the packages whose own modules take
longest to import. ``--interlock`` defaults to the `interlock` script beside this Python (the
project's .venv). Target: `--version` and `--help` within 150 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = (["--version"], ["--help"], ["rules"])


def wall_times(command: list[str], runs: int) -> list[float]:
    """Seconds each of `runs` fresh processes of `command` took, start to exit."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return times


def import_times(python: str) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) of every module `import interlock.cli` loads, in load order."""
    run = subprocess.run(
        [python, "-X", "importtime", "-c", "import interlock.cli"], capture_output=True, text=True, check=True
    )
    rows = []
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(own), int(cumulative), name.rstrip()))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="fresh processes per command (default: 20)")
    parser.add_argument("--top", type=int, default=15, help="import-time offenders to list (default: 15)")
    parser.add_argument("--interlock", type=Path, default=Path(sys.executable).parent / "interlock")
    arguments = parser.parse_args()

    print(f"wall time of fresh processes, {arguments.runs} runs each:")
    # The floor: this Python starting and stopping with nothing imported.
    floor = [[sys.executable, "-c", "pass"]]
    for command in floor + [[str(arguments.interlock), *args] for args in COMMANDS]:
        times = wall_times(command, arguments.runs)
        label = "python -c pass" if command in floor else "interlock " + " ".join(command[1:])
        print(f"  {label:<22} median {statistics.median(times) * 1000:6.0f} ms   fastest {min(times) * 1000:6.0f} ms")

    rows = import_times(sys.executable)
    total = next(cumulative for _own, cumulative, name in reversed(rows) if name.strip() == "interlock.cli")
    print(f'\npython -X importtime -c "import interlock.cli": {total / 1000:.0f} ms, {len(rows)} modules')
    print(f"largest cumulative import times (top {arguments.top}):")
    for _own, cumulative, name in sorted(rows, key=lambda row: row[1], reverse=True)[: arguments.top]:
        print(f"  {cumulative / 1000:7.1f} ms  {name.strip()}")
    print("own import time by top-level package:")
    for package, own in by_package(rows)[: arguments.top]:
        print(f"  {own / 1000:7.1f} ms  {package}")
    return 0


def by_package(rows: list[tuple[int, int, str]]) -> list[tuple[str, int]]:
    """Own import time summed per top-level package (interlock's per subpackage), largest first."""
    totals: dict[str, int] = {}
    for own, _cumulative, name in rows:
        parts = name.strip().split(".")
        package = ".".join(parts[:2]) if parts[0] == "interlock" else parts[0]
        totals[package] = totals.get(package, 0) + own
    return sorted(totals.items(), key=lambda item: item[1], reverse=True)


if __name__ == "__main__":
    sys.exit(main())
