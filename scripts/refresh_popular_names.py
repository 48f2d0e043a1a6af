"""Regenerate Interlock's list of popular project names from a download-rankings file.

The list is what typosquat detection compares new project names against. Refresh it now and then
from public download rankings; names are canonicalised and written most-downloaded first.

Accepted rankings files:
  TSV   a header with the columns `name` and `rank_among_15000_most_downloaded`; rows with an
        empty rank are skipped
  JSON  the common "top packages" shape {"rows": [{"project": "boto3", "download_count": 123}, ...]},
        ranked by download count

Examples:
  python scripts/refresh_popular_names.py rankings.tsv --date 2026-11
  python scripts/refresh_popular_names.py top-packages.json --limit 15000
  python scripts/refresh_popular_names.py rankings.tsv --output /tmp/popular_names.txt

Exit status: 0 written, 2 bad arguments or unreadable rankings file.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from interlock.intel.popular import RankingsError, format_popular_list, read_rankings  # noqa: E402

SHIPPED = REPO / "src" / "interlock" / "intel" / "popular_names.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="refresh_popular_names.py",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("rankings", type=Path, help="rankings file (TSV or JSON, see below)")
    parser.add_argument(
        "--output", type=Path, default=SHIPPED, help=f"where to write the list (default: {SHIPPED.relative_to(REPO)})"
    )
    parser.add_argument("--limit", type=int, default=15000, help="keep the N most downloaded (default: 15000)")
    parser.add_argument(
        "--date", help="the rankings' date for the header (default: the JSON's last_update, else today)"
    )
    arguments = parser.parse_args(argv)
    if arguments.limit < 1:
        return _error("--limit must be at least 1")
    try:
        ranked, rankings_date = read_rankings(arguments.rankings)
    except RankingsError as exc:
        return _error(str(exc))
    if not ranked:
        return _error(f"{arguments.rankings}: no ranked project names found")
    today = datetime.date.today().isoformat()
    text = format_popular_list(
        ranked[: arguments.limit],
        source=arguments.rankings.name,
        rankings_date=arguments.date or rankings_date or today,
        generated=today,
    )
    try:
        arguments.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        return _error(f"cannot write {arguments.output}: {exc.strerror or exc}")
    print(f"wrote {min(len(ranked), arguments.limit)} names to {arguments.output}")
    return 0


def _error(message: str) -> int:
    print(f"refresh_popular_names.py: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
