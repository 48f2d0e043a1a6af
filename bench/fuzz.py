#!/usr/bin/env python3
"""Fuzz every parser and the analyser for longer than the test suite does (tests/fuzz_targets.py).

Run:  python bench/fuzz.py [--examples N] [--seconds S] [--target NAME ...] [--seed N] [-v]

Each target runs N examples (default 500) with Hypothesis, randomised unless --seed is given; an
input that breaks the target's property (another exception escaping, an error message over several
lines, a write outside the temporary directory, more memory than the bound, longer than --seconds)
counts as a failure. Distinct failures (by their first line) are printed with the smallest input
that showed them. Prints a table: target, examples run, failures found, seconds.

Nothing is installed, imported or run: archives, sources and pickles are bytes handed to the readers,
and every file goes to a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.fuzz_targets import TARGETS, Target  # noqa: E402


@dataclass
class Outcome:
    target: str
    examples: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    """First line of each distinct failure -> the smallest input (repr, cut) that showed it."""
    slowest: float = 0.0
    seconds: float = 0.0


def run(target: Target, examples: int, limit: float, random_seed: int | None) -> Outcome:
    outcome = Outcome(target.name)

    def once(value: Any) -> None:
        outcome.examples += 1
        started = time.monotonic()
        problem: str | None = None
        try:
            check(value)
        except Exception as exc:  # every escape is a finding: record it and go on fuzzing
            first = (str(exc).strip().splitlines() or [""])[0]
            problem = re.sub(r"\d+", "N", f"{type(exc).__name__}: {first}")[:200]  # one entry per kind
        elapsed = time.monotonic() - started
        outcome.slowest = max(outcome.slowest, elapsed)
        if problem is None and elapsed > limit:
            problem = f"took {elapsed:.1f} s (limit {limit:g} s)"
        if problem is not None:
            shown = repr(value)
            if problem not in outcome.failures or len(shown) < len(outcome.failures[problem]):
                outcome.failures[problem] = shown[:400]

    test = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(given(target.strategy(True))(once))
    if random_seed is not None:
        test = seed(random_seed)(test)
    started = time.monotonic()
    with target.checker() as check:
        test()
    outcome.seconds = time.monotonic() - started
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="examples per target (default 500)")
    parser.add_argument("--seconds", type=float, default=10.0, help="time one input may take (default 10)")
    parser.add_argument("--target", action="append", help="only these targets (repeatable); default all")
    parser.add_argument("--seed", type=int, help="a fixed seed, to repeat a run")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each failure's smallest input")
    options = parser.parse_args()
    names = {target.name for target in TARGETS}
    unknown = set(options.target or ()) - names
    if unknown:
        parser.error(f"unknown target(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(names))}")
    warnings.simplefilter("ignore")  # zipfile's "Duplicate name" when building hostile archives
    chosen = [target for target in TARGETS if not options.target or target.name in options.target]
    # Caches and anything else the product writes stay in a temporary directory.
    with tempfile.TemporaryDirectory(prefix="interlock-fuzz-") as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        os.environ["XDG_DATA_HOME"] = str(Path(cache) / "data")
        os.environ["INTERLOCK_NO_HISTORY"] = "1"
        outcomes = []
        for target in chosen:
            outcome = run(target, options.examples, options.seconds, options.seed)
            outcomes.append(outcome)
            print(
                f"{outcome.target}: {outcome.examples} examples, {len(outcome.failures)} failure(s), "
                f"{outcome.seconds:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    print()
    print(f"{'target':<24} {'examples':>9} {'failures':>9} {'seconds':>8} {'slowest':>8}")
    for outcome in outcomes:
        print(
            f"{outcome.target:<24} {outcome.examples:>9} {len(outcome.failures):>9} "
            f"{outcome.seconds:>8.0f} {outcome.slowest:>7.2f}s"
        )
    failed = [outcome for outcome in outcomes if outcome.failures]
    for outcome in failed:
        print(f"\n{outcome.target}:")
        for problem, example in outcome.failures.items():
            print(f"  {problem}")
            if options.verbose:
                print(f"    smallest input: {example}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
