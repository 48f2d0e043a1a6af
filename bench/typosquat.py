"""Typosquat detection benchmark: false positives among popular names, recall on real squats, speed.

    python bench/typosquat.py
    python bench/typosquat.py --long-tail names.txt     # also: share of other names flagged

Sections:
  popular   every name of the shipped popular list checked against the list itself: popular projects
            flagged as squatting another popular project (target: at most 0.5%), each listed; and, for
            context, how many have a near-miss popular neighbour at all (before the popularity policy)
  corpus    project names of ../shared/corpus/malicious/ (directory names only: no sample is opened).
            Which imitate a popular name is decided without the detector: a generous criterion
            (Damerau-Levenshtein distance <= max(2, len/3) from a popular name of 4+ letters, or
            containing one of 5+ letters) proposes names, and bench/typosquat_labels.tsv records a
            review of each by hand. Reports the share of those squats caught and lists misses.
  speed     time per lookup (median, p95, max) over popular, corpus and near-miss names
  long-tail with --long-tail FILE (one project name per line): share flagged, with examples
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "malicious"
LABELS = Path(__file__).resolve().parent / "typosquat_labels.tsv"

sys.path.insert(0, str(REPO / "src"))

from packaging.utils import canonicalize_name  # noqa: E402
from rapidfuzz import process  # noqa: E402
from rapidfuzz.distance import DamerauLevenshtein  # noqa: E402

from interlock.intel.popular import PopularNames, shipped_popular_names  # noqa: E402
from interlock.intel.typosquat import find_squat, near_misses  # noqa: E402


def popular_section(popular: PopularNames) -> None:
    flagged = []
    neighbours = 0
    for name in popular.ranks:
        neighbours += bool(near_misses(name, popular))
        match = find_squat(name, popular)
        if match is not None:
            flagged.append((name, match))
    flagged.sort(key=lambda pair: pair[1].rank)
    share = len(flagged) / len(popular)
    print(
        f"popular: {len(flagged)} of {len(popular)} popular projects flagged as squatting another "
        f"popular project ({share:.2%}; target at most 0.50%)"
    )
    for name, match in flagged:
        print(
            f"  {name} (rank {popular.ranks[name]}) -> {match.imitates} (rank {match.rank}), {match.technique}: "
            f"{match.explanation}"
        )
    print(
        f"  before the popularity policy: {neighbours} ({neighbours / len(popular):.2%}) popular names "
        f"are a near miss of another popular name by the techniques above"
    )


def corpus_section(popular: PopularNames) -> list[str]:
    if not CORPUS.is_dir():
        print(f"corpus: skipped, {CORPUS} not found")
        return []
    names = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())
    labels = _read_labels()
    proposed = [name for name in names if _generously_near(name, popular)]
    unreviewed = [name for name in proposed if name not in labels]
    squats = {name: targets for name, targets in labels.items() if targets and name in names}
    caught, wrong_target, missed = [], [], []
    for name, targets in sorted(squats.items()):
        match = find_squat(name, popular)
        if match is None:
            missed.append(f"{name} (imitates {'/'.join(targets)})")
        elif match.imitates in targets:
            caught.append(name)
        else:
            wrong_target.append(f"{name}: flagged as {match.imitates}, imitates {'/'.join(targets)}")
    flagged_others = []
    for name in names:
        if name in squats:
            continue
        match = find_squat(name, popular)
        if match is not None:
            flagged_others.append(f"{name} -> {match.imitates} (rank {match.rank}, {match.technique})")
    total = len(squats)
    print(
        f"corpus: {len(names)} malicious project names; {len(proposed)} proposed by the generous criterion, "
        f"{total} reviewed as imitating a popular name"
    )
    print(
        f"  caught {len(caught)} of {total} ({len(caught) / total:.2%}) naming the imitated project; "
        f"{len(wrong_target)} flagged naming another; {len(missed)} missed"
    )
    for line in missed:
        print(f"  missed: {line}")
    for line in wrong_target:
        print(f"  other target: {line}")
    print(f"  {len(flagged_others)} other corpus names (reviewed as not imitating a popular name) are flagged:")
    for line in flagged_others:
        print(f"    {line}")
    if unreviewed:
        print(f"  NOT REVIEWED (add to {LABELS.name}): {', '.join(unreviewed)}")
    return names


def speed_section(popular: PopularNames, corpus_names: list[str]) -> None:
    rng = random.Random(7)
    popular_names = list(popular.ranks)
    near_misses = [_misspell(rng, name) for name in rng.sample(popular_names, 2000)]
    names = popular_names + corpus_names + near_misses
    find_squat("warm-up", popular)
    timings = []
    for name in names:
        start = time.perf_counter()
        find_squat(name, popular)
        timings.append(time.perf_counter() - start)
    timings.sort()
    median, p95 = statistics.median(timings), timings[int(len(timings) * 0.95)]
    print(
        f"speed: {len(names)} lookups against {len(popular)} names: median {median * 1000:.2f} ms, "
        f"p95 {p95 * 1000:.2f} ms, max {timings[-1] * 1000:.2f} ms"
    )


def long_tail_section(popular: PopularNames, path: Path) -> None:
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    names = [name for name in names if canonicalize_name(name) not in popular.ranks]
    flagged = []
    for name in names:
        try:
            match = find_squat(name, popular)
        except ValueError:
            continue
        if match is not None:
            flagged.append(match)
    print(
        f"long tail: {len(flagged)} of {len(names)} names not on the popular list flagged "
        f"({len(flagged) / max(len(names), 1):.2%})"
    )
    by_technique: dict[str, int] = {}
    for match in flagged:
        by_technique[match.technique] = by_technique.get(match.technique, 0) + 1
    print("  by technique: " + ", ".join(f"{key} {value}" for key, value in sorted(by_technique.items())))
    for match in random.Random(3).sample(flagged, min(40, len(flagged))):
        print(f"  {match.explanation}")


def _generously_near(name: str, popular: PopularNames) -> bool:
    """Near a popular name by a wide criterion unrelated to the detector's techniques (for review by hand)."""
    canonical = canonicalize_name(name)
    key = canonical.replace("-", "")
    if canonical in popular.ranks:
        return False
    keys = _popular_keys(popular)
    near = process.extractOne(
        key, [k for k in keys if len(k) >= 4], scorer=DamerauLevenshtein.distance, score_cutoff=max(2, len(key) // 3)
    )
    return near is not None or any(len(k) >= 5 and k in key for k in keys)


@cache
def _popular_keys(popular: PopularNames) -> list[str]:
    return [name.replace("-", "") for name in popular.ranks]


def _read_labels() -> dict[str, tuple[str, ...]]:
    rows = [line for line in LABELS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    labels = {}
    for row in csv.DictReader(rows, delimiter="\t"):
        targets = row["imitates"].strip()
        labels[row["name"]] = () if targets == "-" else tuple(targets.split("|"))
    return labels


def _misspell(rng: random.Random, name: str) -> str:
    position = rng.randrange(len(name))
    return name[:position] + rng.choice("abcdefghijklmnopqrstuvwxyz") + name[position + 1 :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long-tail", type=Path, help="a file of other project names, one per line")
    arguments = parser.parse_args()
    popular = shipped_popular_names()
    print(f"popular list: {len(popular)} names; {popular.source}")
    popular_section(popular)
    corpus_names = corpus_section(popular)
    speed_section(popular, corpus_names)
    if arguments.long_tail:
        long_tail_section(popular, arguments.long_tail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
