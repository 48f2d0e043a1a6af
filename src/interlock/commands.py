"""What the commands share: exit statuses, common options, the policy in effect and a scanner for it.

The `interlock` command (cli.py) and the install gate's commands (gate/command.py) both build on
these, so neither has to reach into the other. Every command imports this module before its
arguments are parsed, `interlock --version` too: what a function here needs (the scanner, the report
formats, the policy) it imports itself, so a command loads only what it uses.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import timedelta

    from interlock.analysis.extract.yara_rules import YaraRules
    from interlock.policy.model import Policy
    from interlock.progress import CommandProgress
    from interlock.scanner import Scanner

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
"""The policy lets everything pass; it keeps something out; usage error; something could not be analysed."""


def usage_error(message: str) -> int:
    """Print `message` as an error line and return the usage-error exit status."""
    print(f"interlock: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def add_output_options(command: argparse.ArgumentParser) -> None:
    """--format, --output, --sarif-all, --fail-on and --policy: how a command reports, and against which policy."""
    from interlock.policy.model import FailOn
    from interlock.report import FORMATS

    command.add_argument(
        "--format", "-f", choices=sorted(FORMATS), default="text", help="output format (default: text)"
    )
    command.add_argument(
        "--output", "-o", metavar="FILE", type=Path, help="write the report to FILE instead of standard output"
    )
    command.add_argument(
        "--sarif-all",
        action="store_true",
        help="SARIF: report the findings of every release; by default only flagged or blocked releases give results",
    )
    command.add_argument(
        "--fail-on",
        choices=[level.value for level in FailOn],
        help="exit 1 when any verdict is at or above this level (default: the policy's fail-on, else suspicious)",
    )
    command.add_argument(
        "--policy",
        metavar="PATH",
        type=Path,
        help="policy file (interlock.toml, or pyproject.toml with [tool.interlock]); default: found from the current "
        "directory upwards to the repository root, else the built-in policy",
    )


def add_triage_options(command: argparse.ArgumentParser) -> None:
    """--all and --only-flagged: which of several results the text, Markdown and HTML reports list."""
    from interlock.report import Show

    shown = command.add_mutually_exclusive_group()
    shown.add_argument(
        "--all",
        dest="show",
        action="store_const",
        const=Show.ALL,
        help="list every release in full, clean ones too (by default the flagged ones come first and "
        "the clean ones are only counted)",
    )
    shown.add_argument(
        "--only-flagged",
        dest="show",
        action="store_const",
        const=Show.FLAGGED,
        help="list only the releases that are kept out, flagged or could not be analysed",
    )
    command.set_defaults(show=Show.TRIAGE)


def add_history_option(command: argparse.ArgumentParser) -> None:
    """--no-history: judge each release alone."""
    command.add_argument(
        "--no-history",
        action="store_true",
        help="judge each release on its own, without comparing it with the previous release",
    )


def add_min_age(command: argparse.ArgumentParser) -> None:
    """--min-age DURATION: a cooldown that overrides the policy's."""
    command.add_argument(
        "--min-age",
        metavar="DURATION",
        type=_duration,
        help="cooldown: hold back releases the index says were uploaded less than DURATION ago "
        "(3d, 12h, 1d12h, 2w); overrides the policy's cooldown",
    )


def add_cache_options(command: argparse.ArgumentParser) -> None:
    """--cache-dir and --cache-max-size: where the caches live, and how much the downloads may take."""
    from interlock.index.cache_location import CACHE_DIR_ENV
    from interlock.store.artifacts import DEFAULT_MAX_BYTES, MAX_SIZE_ENV, describe_bytes

    command.add_argument(
        "--cache-dir",
        metavar="DIR",
        type=Path,
        help=f"keep every cache under DIR (default: ${CACHE_DIR_ENV}, else the user cache directory)",
    )
    command.add_argument(
        "--cache-max-size",
        metavar="SIZE",
        type=_size,
        help=f"downloaded artifacts beyond SIZE (5GB, 500MB, 0) are evicted, least recently used first "
        f"(default: ${MAX_SIZE_ENV}, else {describe_bytes(DEFAULT_MAX_BYTES)})",
    )


def add_progress_options(command: argparse.ArgumentParser) -> None:
    """--progress / --no-progress: what is shown on standard error while the command works."""
    shown = command.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show progress on standard error even when it is not a terminal (plain lines there)",
    )
    shown.add_argument(
        "--no-progress", dest="progress", action="store_false", help="show no progress on standard error"
    )


def cache_max_bytes(arguments: argparse.Namespace) -> int:
    """--cache-max-size, else $INTERLOCK_CACHE_MAX_SIZE, else the default; ValueError for a bad variable."""
    from interlock.store.artifacts import DEFAULT_MAX_BYTES, MAX_SIZE_ENV, parse_size

    given: int | None = getattr(arguments, "cache_max_size", None)
    if given is not None:
        return given
    from_env = os.environ.get(MAX_SIZE_ENV, "").strip()
    if not from_env:
        return DEFAULT_MAX_BYTES
    try:
        return parse_size(from_env)
    except ValueError as exc:
        raise ValueError(f"{MAX_SIZE_ENV}: {exc}") from None


def command_progress(arguments: argparse.Namespace, total: int | None, phase: str) -> CommandProgress:
    """The progress display the flags and standard error call for (see `interlock.progress`)."""
    from interlock.progress import CommandProgress, choose_mode

    return CommandProgress(mode=choose_mode(getattr(arguments, "progress", None)), total=total, phase=phase)


def _size(text: str) -> int:
    from interlock.store.artifacts import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _duration(text: str) -> timedelta:
    from interlock.policy.duration import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def policy_scanner(
    arguments: argparse.Namespace, index_url: str | None, yara: YaraRules | None = None
) -> Scanner | None:
    """A scanner for `index_url` with the policy in effect, the caches and history as the flags say;
    None after printing why the policy or the cache settings are unusable."""
    from interlock.scanner import Scanner, ScanOptions

    policy = policy_in_effect(arguments)
    if policy is None:
        return None
    try:
        max_bytes = cache_max_bytes(arguments)
    except ValueError as exc:
        usage_error(str(exc))
        return None
    options = ScanOptions(
        index_url=index_url,
        use_cache=not arguments.no_cache,
        yara=yara,
        history=_history_wanted(arguments) if hasattr(arguments, "no_history") else False,
        policy=policy,
        cache_dir=getattr(arguments, "cache_dir", None),
        cache_max_bytes=max_bytes,
    )
    return Scanner(options)


def _history_wanted(arguments: argparse.Namespace) -> bool:
    """Each release is judged against its predecessor unless --no-history or INTERLOCK_NO_HISTORY says not."""
    return not (arguments.no_history or os.environ.get("INTERLOCK_NO_HISTORY", "") not in ("", "0"))


def policy_in_effect(arguments: argparse.Namespace) -> Policy | None:
    """The policy file's (named by --policy, else found from the current directory), or the
    built-in one; --fail-on and --min-age override it. None after printing why it is unusable."""
    from dataclasses import replace
    from datetime import date

    from interlock.policy.model import FailOn, Policy
    from interlock.policy.show import expired_warnings

    given: Path | None = arguments.policy
    path = policy_path(given)
    if path is None and given is not None:
        print(f"interlock: error: --policy: {no_policy_message(given)}", file=sys.stderr)
        return None
    policy = load_policy_or_report(path) if path is not None else Policy()
    if policy is None:
        return None
    for warning in expired_warnings(policy, date.today()):
        print(f"interlock: warning: {warning}", file=sys.stderr)
    if arguments.fail_on is not None:
        policy = replace(policy, fail_on=FailOn(arguments.fail_on))
    if getattr(arguments, "min_age", None) is not None:
        policy = replace(policy, cooldown=arguments.min_age)
    return policy


def policy_path(given: Path | None) -> Path | None:
    """The file named, or the policy found from the directory named (default: the current one),
    shown relative to the current directory when it is inside it."""
    from interlock.policy.load import find_policy

    if given is not None and not given.is_dir():
        return given  # a missing file is reported by load_policy, like an unreadable one
    found = find_policy(given or Path.cwd())
    if found is None:
        return None
    try:
        return found.relative_to(Path.cwd().resolve())
    except ValueError:
        return found


def load_policy_or_report(path: Path) -> Policy | None:
    """The policy in `path`, or None after printing each of its problems as an error line."""
    from interlock.policy.load import PolicyError, load_policy

    try:
        return load_policy(path)
    except PolicyError as exc:
        for problem in exc.problems:
            print(f"interlock: error: {problem}", file=sys.stderr)
        return None


def no_policy_message(given: Path | None) -> str:
    """Why no policy was found from `given` (default: the current directory)."""
    start = given or Path.cwd()
    return (
        f"no policy found from {start} upwards (looked for interlock.toml, then pyproject.toml with [tool.interlock])"
    )
