"""`interlock cache info` and `interlock cache prune`: what the cache holds, and making room."""

from __future__ import annotations

import argparse
import json
import sys

from interlock.commands import EXIT_OK, EXIT_USAGE, add_cache_options, cache_max_bytes, usage_error
from interlock.index.cache_location import CACHE_DIR_ENV, CacheLayout
from interlock.store.artifacts import MAX_SIZE_ENV, describe_bytes, parse_size
from interlock.store.inventory import CacheInfo, cache_info, prune

_EPILOG = f"""\
examples:
  interlock cache info                      where the cache is, and its size by kind
  interlock cache prune                     evict downloaded artifacts beyond the cap
  interlock cache prune --max-size 1GB      ... beyond 1 GB
  interlock cache prune --all               empty it (artifacts in use by a running scan stay)

The cache is --cache-dir DIR, else ${CACHE_DIR_ENV}, else the user cache directory. Downloaded
artifacts are capped (--cache-max-size, else ${MAX_SIZE_ENV}, else 5 GB): after each judgement
the least recently used beyond the cap are evicted, never one a running judgement holds.
"""


def add_cache_command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str) -> None:
    """Register `cache` with its actions `info` and `prune`; `summary` is its line in `interlock --help`."""
    cache = commands.add_parser(
        name,
        help=summary,
        description="Show where Interlock caches what it downloads and works out, and make room in it.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = cache.add_subparsers(title="actions", metavar="ACTION")
    info = actions.add_parser("info", help="the cache's location, and its size and entries by kind")
    add_cache_options(info)
    info.add_argument("--format", "-f", choices=["text", "json"], default="text", help="output format (default: text)")
    info.set_defaults(handler=run_cache_info)
    pruning = actions.add_parser("prune", help="evict downloaded artifacts beyond a size, or empty the cache")
    add_cache_options(pruning)
    pruning.add_argument(
        "--max-size", metavar="SIZE", help="evict downloaded artifacts beyond SIZE (default: the cap in effect)"
    )
    pruning.add_argument(
        "--all", action="store_true", help="remove every artifact not in use, and the result, fact and page caches"
    )
    pruning.set_defaults(handler=run_cache_prune)
    cache.set_defaults(handler=lambda _arguments: _usage(cache))


def run_cache_info(arguments: argparse.Namespace) -> int:
    try:
        max_bytes = cache_max_bytes(arguments)
    except ValueError as exc:
        return usage_error(str(exc))
    info = cache_info(CacheLayout.resolve(arguments.cache_dir), max_bytes)
    if arguments.format == "json":
        print(json.dumps(info.to_json(), indent=2))
    else:
        sys.stdout.write(format_info(info))
    return EXIT_OK


def run_cache_prune(arguments: argparse.Namespace) -> int:
    if arguments.all and arguments.max_size is not None:
        return usage_error("cache prune: give --max-size or --all, not both")
    try:
        max_bytes = parse_size(arguments.max_size) if arguments.max_size is not None else cache_max_bytes(arguments)
    except ValueError as exc:
        return usage_error(f"--max-size: {exc}" if arguments.max_size is not None else str(exc))
    layout = CacheLayout.resolve(arguments.cache_dir)
    pruned = prune(layout, max_bytes, everything=arguments.all)
    lines = [f"evicted {pruned.artifacts.files} artifact(s), {describe_bytes(pruned.artifacts.bytes)}"]
    if pruned.artifacts.kept_in_use:
        lines.append(f"kept {pruned.artifacts.kept_in_use} artifact(s) in use by a running judgement")
    if pruned.partials.files:
        lines.append(f"removed {pruned.partials.files} abandoned partial download(s)")
    lines += [f"removed the {part.kind} ({describe_bytes(part.bytes)})" for part in pruned.removed]
    lines.append(f"freed {describe_bytes(pruned.bytes)} in {layout.root}")
    print("\n".join(lines))
    return EXIT_OK


def format_info(info: CacheInfo) -> str:
    """The text of `cache info`: one line per kind, then the total."""
    lines = [f"cache: {info.root}"]
    for part in info.parts:
        entries = f"{part.entries:>8}" if part.entries is not None else " " * 8
        unit = "files" if part.kind in ("artifacts", "partial downloads") else "entries" if part.entries else ""
        note = f"  (cap {describe_bytes(info.max_bytes)}, least recently used evicted first)"
        lines.append(
            f"  {part.kind:<18} {entries} {unit:<7} {describe_bytes(part.bytes):>10}"
            + (note if part.kind == "artifacts" else "")
        )
    lines.append(f"  {'total':<18} {'':>8} {'':<7} {describe_bytes(info.total_bytes):>10}")
    return "\n".join(lines) + "\n"


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE
