"""The shipped popular-name list and the script that regenerates it from download rankings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from interlock.intel.popular import RankingsError, parse_popular_list, read_rankings, shipped_popular_names

REFRESH_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "refresh_popular_names.py"


# --- the shipped list ---------------------------------------------------------------------------------


def test_shipped_list_is_the_most_downloaded_projects_in_rank_order() -> None:
    popular = shipped_popular_names()
    assert 14_000 <= len(popular) <= 15_000
    ranked = popular.by_rank()
    assert ranked[0].rank == 1
    assert [entry.rank for entry in ranked] == sorted(entry.rank for entry in ranked)
    for name in ("requests", "numpy", "boto3", "typing-extensions", "python-dateutil"):
        assert name in popular
    assert popular.rank("Typing_Extensions") == popular.rank("typing-extensions")
    assert "download rankings" in popular.source and "refresh_popular_names.py" in popular.source


def test_list_lines_that_are_not_rank_and_name_are_reported_with_their_line() -> None:
    with pytest.raises(RankingsError, match=r"^list\.txt:3: expected '<rank> <project name>'"):
        parse_popular_list("# header\n1 requests\nrequests 2\n", "list.txt")
    with pytest.raises(RankingsError, match=r"^list\.txt:2:"):
        parse_popular_list("1 requests\n2 not/a/name\n", "list.txt")


# --- the refresh script -------------------------------------------------------------------------------


def run_refresh(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REFRESH_SCRIPT), *arguments], capture_output=True, text=True, timeout=120
    )


def test_refresh_from_a_tsv_writes_canonical_names_by_rank(tmp_path: Path) -> None:
    rankings = tmp_path / "rankings.tsv"
    rankings.write_text(
        "name\tversion\tmonth\trank_among_15000_most_downloaded\tsummary\n"
        "Requests\t2.0\t2026-01\t2\tHTTP\n"
        "obscure-thing\t0.1\t2020-01\t\tnot ranked\n"
        "Typing_Extensions\t4.0\t2026-01\t1\ttypes\n"
        "python.dateutil\t2.0\t2026-01\t3\tdates\n",
        encoding="utf-8",
    )
    output = tmp_path / "popular.txt"
    done = run_refresh(str(rankings), "--output", str(output), "--date", "2026-11")
    assert done.returncode == 0, done.stderr
    text = output.read_text(encoding="utf-8")
    assert "rankings of 2026-11" in text and "rankings.tsv" in text
    popular = parse_popular_list(text, str(output))
    assert [(entry.name, entry.rank) for entry in popular.by_rank()] == [
        ("typing-extensions", 1),
        ("requests", 2),
        ("python-dateutil", 3),
    ]


def test_refresh_from_top_packages_json_ranks_by_downloads_and_limits(tmp_path: Path) -> None:
    rankings = tmp_path / "top.json"
    rankings.write_text(
        json.dumps(
            {
                "last_update": "2026-11-01 07:00:00",
                "rows": [
                    {"project": "six", "download_count": 10},
                    {"project": "boto3", "download_count": 900},
                    {"project": "Flask", "download_count": 50},
                ],
            }
        ),
        encoding="utf-8",
    )
    output = tmp_path / "popular.txt"
    done = run_refresh(str(rankings), "--output", str(output), "--limit", "2")
    assert done.returncode == 0, done.stderr
    text = output.read_text(encoding="utf-8")
    assert "rankings of 2026-11-01 07:00:00" in text
    assert [(entry.name, entry.rank) for entry in parse_popular_list(text, "x").by_rank()] == [
        ("boto3", 1),
        ("flask", 2),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name\trank_among_15000_most_downloaded\nrequests\tfirst\n", r"bad\.tsv:2: rank 'first'"),
        ("name\trank_among_15000_most_downloaded\nnot a name\t3\n", r"bad\.tsv:2: 'not a name' is not a valid"),
        ("project\tdownloads\nrequests\t3\n", r"bad\.tsv:1: expected a tab-separated header"),
        ('{"rows": [{"project": "x", "download_count": "many"}]}', r'rows\[0\]: "download_count"'),
        ('{"rows": 3}', r'expected an object with a "rows" list'),
        ("{broken", r"not valid JSON"),
    ],
)
def test_refresh_rejects_bad_rankings_naming_the_place(tmp_path: Path, content: str, message: str) -> None:
    rankings = tmp_path / "bad.tsv"
    rankings.write_text(content, encoding="utf-8")
    output = tmp_path / "popular.txt"
    done = run_refresh(str(rankings), "--output", str(output))
    assert done.returncode == 2
    assert done.stderr.startswith("refresh_popular_names.py: error: ")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not output.exists()
    with pytest.raises(RankingsError, match=message):
        read_rankings(rankings)


def test_refresh_help_teaches_with_examples() -> None:
    done = run_refresh("--help")
    assert done.returncode == 0
    assert (
        "Examples:" in done.stdout
        and "top packages" in done.stdout
        and "rank_among_15000_most_downloaded" in done.stdout
    )
