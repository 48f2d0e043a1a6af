"""The `interlock` command: thin, delegating to functions that tests call directly.

Every hook, CI step and gate run pays for this module's start-up, so it imports next to nothing:
only the command being run gets its options (their choices and defaults come from the modules that
do the work), and each handler imports what it uses when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interlock import __version__
from interlock.commands import (
    EXIT_ERROR,
    EXIT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    add_cache_options,
    add_history_option,
    add_min_age,
    add_output_options,
    add_progress_options,
    add_triage_options,
    command_progress,
    load_policy_or_report,
    no_policy_message,
    policy_path,
    policy_scanner,
    usage_error,
)

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import RenderableType

    from interlock.analysis.extract.yara_rules import YaraRules
    from interlock.model.result import ScanResult
    from interlock.policy.model import Policy
    from interlock.scanner import Scanner
    from interlock.targets import Target

    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]
    AddCommand = Callable[[Subcommands, str, str], None]
    """Registers a command with its options, given its name and its line in `interlock --help`."""

_DESCRIPTION = """\
Interlock reads Python package releases the way a careful reviewer would — what runs at install
time, at every interpreter start, at import — without ever installing, building or running them,
and gives a verdict (malicious, suspicious, clean, or error) with the evidence behind it.
"""

_SCAN_EPILOG = """\
examples:
  interlock scan requests-2.32.3-py3-none-any.whl      a local wheel or sdist
  interlock scan ./downloads/                          every artifact in a directory
  interlock scan requests==2.32.4                      fetched from the index pip uses
  interlock scan --format sarif -o out.sarif dist/     for GitHub code scanning

exit status: 0 the policy lets everything pass, 1 it keeps something out (a verdict at or above
             fail-on, a deny entry, an advisory, too new, provenance required), 2 usage error,
             3 a target could not be analysed (fail closed: treat as a block)

The index is the one pip is configured with (PIP_INDEX_URL, pip.conf), unless --index-url.
Each release is judged against the closest lower release on that index (its history): what
the new release does that the old one did not counts. --no-history (or INTERLOCK_NO_HISTORY=1)
judges each artifact on its own and never contacts the index for a local file.
Results are cached by artifact sha256 and rule-set version; --no-cache re-analyses.
The policy (--policy, else interlock.toml or [tool.interlock] found from here; see
'interlock policy --help') decides what passes; --fail-on and --min-age override it.
"""

_AUDIT_EPILOG = """\
examples:
  interlock audit requirements.txt                  pins with --hash: the exact files pip would install
  interlock audit uv.lock poetry.lock pylock.toml   any of the supported lockfile formats
  interlock audit --env                             what this environment has installed
  interlock audit --format markdown requirements.txt > comment.md
  uv export --format requirements-txt | interlock audit -     a lockfile on standard input

Each pinned release is judged against the previous release on the index, like scan (--no-history
judges each alone), and weighed by the policy (--policy, or the one found from here).

exit status: 0 the policy lets everything pass, 1 it keeps something out, 2 usage error (an
             unreadable or malformed lockfile: file:line and why), 3 an artifact could not be
             fetched or analysed, or nothing could be judged: an empty lockfile, or nothing but
             unpinned, VCS, URL, local or editable entries (--allow-unpinned lets that pass)
"""

_DIFF_EPILOG = """\
examples:
  interlock diff .demo/acme_greeter-1.0.0-py3-none-any.whl .demo/acme_greeter-1.0.1-py3-none-any.whl
  interlock diff requests==2.32.3 requests==2.32.4       both fetched from the index pip uses
  interlock diff --format html -o review.html OLD NEW    a report to read in a browser

NEW is judged on what it adds: findings the OLD release had too are listed but not counted
(a critical finding always counts). Code that moved earlier — from a function to import time,
or into a .pth that runs at every interpreter start — counts as new.

exit status: 0 the policy lets NEW pass, 1 it does not, 2 usage error (including OLD and NEW
             that cannot be compared), 3 a release could not be analysed
"""


def main(argv: Sequence[str] | None = None) -> int:
    # Evidence quotes hostile files verbatim; a console that cannot encode it must not crash us.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser(_command_named(sys.argv[1:] if argv is None else argv))
    arguments = parser.parse_args(argv)
    if not hasattr(arguments, "handler"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(arguments.handler(arguments))
    except KeyboardInterrupt:
        return _interrupted()


def _interrupted() -> int:
    """Ctrl-C: ask every worker to stop, remove the partial downloads, say so in one line, and end
    with status 130 at once — not after the downloads and analyses under way would have ended."""
    import threading

    from interlock.artifact.limits import request_stop
    from interlock.index.artifacts import abandon_partial_downloads

    request_stop()
    abandon_partial_downloads()
    print("interlock: interrupted", file=sys.stderr, flush=True)
    others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    if any(t.is_alive() for t in others):
        # A worker blocked on a slow index stops only when its read times out, and the interpreter
        # would wait for it on the way out: what it was writing is removed already, so leave now.
        sys.stdout.flush()
        os._exit(130)
    return 130


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `interlock` parser. Given `command`, only that command gets its options; the others are
    only listed, as `interlock --help` shows them (their options would load what they run on)."""
    parser = argparse.ArgumentParser(
        prog="interlock",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run 'interlock COMMAND --help' for each command's options. Start with 'interlock demo'.",
    )
    parser.add_argument("--version", action=_VersionWithRules)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, (summary, add) in _COMMANDS.items():
        if command is None or command == name:
            add(commands, name, summary)
        else:
            commands.add_parser(name, help=summary)
    return parser


def _command_named(argv: Sequence[str]) -> str:
    """The command `argv` runs: its first word that is not an option (the top level's take no value)."""
    return next((word for word in argv if not word.startswith("-")), "")


class _VersionWithRules(argparse._VersionAction):
    """--version: Interlock's and the rule set's. The rule set's is a digest of the rule sources,
    taken only when asked for."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        from interlock.model.version import ruleset_version

        self.version = f"interlock {__version__} (rules {ruleset_version()})"
        super().__call__(parser, namespace, values, option_string)


def _add_scan(commands: Subcommands, name: str, summary: str) -> None:
    scan = commands.add_parser(
        name,
        help=summary,
        description="Scan release artifacts statically and give a verdict with evidence for each.",
        epilog=_SCAN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scan.add_argument(
        "targets", nargs="+", metavar="TARGET", help="artifact file, directory of artifacts, or NAME==VERSION"
    )
    add_output_options(scan)
    add_triage_options(scan)
    scan.add_argument("--index-url", metavar="URL", help="package index (simple API) to fetch NAME==VERSION from")
    scan.add_argument("--no-cache", action="store_true", help="ignore and do not update the local result cache")
    scan.add_argument("--yara-rules", metavar="DIR", type=Path, help="also apply the YARA rules (.yar/.yara) in DIR")
    add_history_option(scan)
    add_min_age(scan)
    add_cache_options(scan)
    add_progress_options(scan)
    scan.set_defaults(handler=run_scan)


def _add_diff(commands: Subcommands, name: str, summary: str) -> None:
    diff = commands.add_parser(
        name,
        help=summary,
        description="Compare two releases of one project and judge NEW on what changed: new files, new "
        "capabilities in existing files (with the added lines), code that runs earlier than before.",
        epilog=_DIFF_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    diff.add_argument("old", metavar="OLD", help="the earlier release: an artifact file or NAME==VERSION")
    diff.add_argument("new", metavar="NEW", help="the release to judge: an artifact file or NAME==VERSION")
    add_output_options(diff)
    diff.add_argument("--index-url", metavar="URL", help="package index (simple API) to fetch NAME==VERSION from")
    diff.add_argument("--no-cache", action="store_true", help="do not read or write the local fact cache")
    diff.add_argument("--yara-rules", metavar="DIR", type=Path, help="also apply the YARA rules (.yar/.yara) in DIR")
    add_cache_options(diff)
    add_progress_options(diff)
    diff.set_defaults(handler=run_diff)


def _add_audit(commands: Subcommands, name: str, summary: str) -> None:
    from interlock.audit import DEFAULT_WORKERS

    audit = commands.add_parser(
        name,
        help=summary,
        description="Judge the exact artifact each pinned requirement would install (found by its hash where "
        "the lockfile has one), and report what cannot be judged ahead of an install (unpinned requirements, "
        "URLs, VCS and local paths).",
        epilog=_AUDIT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument(
        "lockfiles",
        nargs="*",
        metavar="LOCKFILE",
        type=Path,
        help="requirements*.txt, uv.lock, poetry.lock, pylock.toml, Pipfile.lock; - reads one from standard "
        "input (its format from its content, else requirements)",
    )
    audit.add_argument("--env", action="store_true", help="audit what the current Python environment has installed")
    audit.add_argument(
        "--allow-unpinned",
        action="store_true",
        help="let an audit with nothing to judge pass (an empty lockfile, or only unpinned, VCS, URL, local or "
        "editable entries); without it that exits 3",
    )
    audit.add_argument(
        "--python",
        metavar="PATH",
        type=Path,
        help="audit what another interpreter has installed (it is run with -I -S: no .pth runs)",
    )
    add_output_options(audit)
    add_triage_options(audit)
    audit.add_argument("--index-url", metavar="URL", help="package index (simple API) to fetch artifacts from")
    audit.add_argument("--no-cache", action="store_true", help="ignore and do not update the local caches")
    add_history_option(audit)
    audit.add_argument(
        "--jobs",
        "-j",
        metavar="N",
        type=_positive,
        default=DEFAULT_WORKERS,
        help=f"packages fetched and judged at once (default: {DEFAULT_WORKERS})",
    )
    add_min_age(audit)
    add_cache_options(audit)
    add_progress_options(audit)
    audit.set_defaults(handler=run_audit)


def _add_intel(commands: Subcommands, name: str, summary: str) -> None:
    intel = commands.add_parser(
        name,
        help=summary,
        description="Releases named in an imported advisory are malicious without analysis; the advisory id is cited.",
        epilog="examples:\n  interlock intel update --from malicious-packages/osv/malicious/pypi/\n"
        "  interlock intel update --from osv-pypi.zip\n  interlock intel show litellm==1.82.8\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    intel_commands = intel.add_subparsers(title="intel commands", metavar="COMMAND")
    update = intel_commands.add_parser(
        "update", help="import OSV records from a directory tree of .json files or a .zip of them"
    )
    update.add_argument(
        "--from",
        dest="source",
        metavar="PATH",
        type=Path,
        required=True,
        help="directory, .zip or .json of OSV records",
    )
    update.set_defaults(handler=run_intel_update)
    show = intel_commands.add_parser("show", help="the imported advisories naming a project (and version)")
    show.add_argument("project", metavar="NAME[==VERSION]")
    show.set_defaults(handler=run_intel_show)


def _add_rules(commands: Subcommands, name: str, summary: str) -> None:
    rules = commands.add_parser(
        name,
        help=summary,
        description="Without an argument, list every rule; with a rule id, explain what it looks for and why.",
    )
    rules.add_argument("rule", nargs="?", metavar="RULE_ID", help="e.g. decoded-exec")
    rules.set_defaults(handler=run_rules)


def _add_demo(commands: Subcommands, name: str, summary: str) -> None:
    from interlock.report import Show

    demo = commands.add_parser(
        name,
        help=summary,
        description="Builds two releases of a made-up project — a genuine 1.0.0 and a 1.0.1 trojaned the way "
        "litellm 1.82.8 was — into DIR, and scans them. Nothing is installed or run.",
    )
    demo.add_argument(
        "--dir", type=Path, default=Path(".demo"), help="where to write the demo artifacts (default: .demo)"
    )
    add_output_options(demo)
    demo.set_defaults(handler=run_demo, show=Show.ALL)


def _add_explain(commands: Subcommands, name: str, summary: str) -> None:
    from interlock.policy.model import FailOn

    explain = commands.add_parser(
        name,
        help=summary,
        description="Judge one release with everything Interlock knows — its code, its history, its upload time, "
        "its provenance, advisories, its name — and show how the policy weighed each signal into the decision.",
        epilog=_EXPLAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    explain.add_argument("target", metavar="TARGET", help="NAME==VERSION from the index, or an artifact file")
    explain.add_argument(
        "--format", "-f", choices=["text", "json"], default="text", help="output format (default: text)"
    )
    explain.add_argument("--fail-on", choices=[level.value for level in FailOn], help="overrides the policy's fail-on")
    explain.add_argument(
        "--policy", metavar="PATH", type=Path, help="policy file (default: found from the current directory upwards)"
    )
    explain.add_argument("--index-url", metavar="URL", help="package index (simple API) to fetch NAME==VERSION from")
    explain.add_argument("--no-cache", action="store_true", help="ignore and do not update the local result cache")
    add_history_option(explain)
    add_min_age(explain)
    add_cache_options(explain)
    add_progress_options(explain)
    explain.set_defaults(handler=run_explain)


def _add_gate(commands: Subcommands, name: str, summary: str) -> None:
    from interlock.gate.command import add_gate_command

    add_gate_command(commands, name, summary)


def _add_cache(commands: Subcommands, name: str, summary: str) -> None:
    from interlock.cache_command import add_cache_command

    add_cache_command(commands, name, summary)


_EXPLAIN_EPILOG = """\
examples:
  interlock explain requests==2.32.4                  every signal about it, and how the policy weighed each
  interlock explain --min-age 3d requests==2.32.3     with a cooldown: too new? which version is not?
  interlock explain --policy ci/interlock.toml ./dist/acme-1.0.tar.gz

Shown: the file and its sha256; where the index says it came from, when it was uploaded, its
provenance (PEP 740) and publisher; the release it was compared with; imported advisories; a
name that imitates a popular project; the analysis verdict and findings; then each reason the
policy weighed (✗ keeps the release out, · is only noted) and the decision: pass, block or
too-new. For a release that is too new, the newest version old enough is named.

exit status: 0 the policy lets it pass, 1 it does not, 2 usage error, 3 could not be analysed
"""


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


_POLICY_EPILOG = """\
A policy is the [tool.interlock] table of pyproject.toml, or the top level of interlock.toml.
Without PATH, the policy is found from the current directory upwards (interlock.toml first,
then a pyproject.toml with [tool.interlock]), stopping at the repository root.

example interlock.toml (docs/policy.md explains every key):

  fail-on = "suspicious"          # suspicious | malicious | never
  cooldown = "3d"                 # releases younger than this are "too new"

  [cooldown-exceptions]
  acme-internal = "0"             # our own releases need no wait

  [[deny]]
  package = "litellm"
  version = "==1.82.8"
  reason = "stolen publishing token, credential stealer in a .pth"

  [[allow]]
  package = "pywin32"
  reason = "reviewed: its post-install script registers COM servers"
  expires = 2027-06-30            # after this day the entry is ignored, with a warning

  [[ignore]]
  rule = "network-access"
  package = "requests"
  reason = "an HTTP client touches the network"

  [provenance]
  default = "optional"
  required = ["litellm"]          # must carry verified provenance (PEP 740)

exit status: 0 the policy is valid, 2 it is not (every problem printed as FILE:LINE: message)
"""


def _add_policy(commands: Subcommands, name: str, summary: str) -> None:
    policy = commands.add_parser(
        name,
        help=summary,
        description="Check a policy file for mistakes, or show the policy in effect.",
        epilog=_POLICY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = policy.add_subparsers(title="actions", metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="validate a policy file, with the line of every problem",
        description="Validate a policy file: TOML syntax, known keys, durations, dates, version "
        "specifiers, project names and rule ids. Every problem is printed as FILE:LINE: message.",
        epilog="examples:\n  interlock policy check\n  interlock policy check interlock.toml\n"
        "  interlock policy check path/to/project/pyproject.toml\n\n" + _POLICY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "path", nargs="?", type=Path, metavar="PATH", help="policy file, or a directory to search from (default: .)"
    )
    check.set_defaults(handler=run_policy_check)
    show = actions.add_parser(
        "show",
        help="print the policy in effect, defaults included, as interlock.toml",
        description="Print the policy in effect — every setting, defaults included — in interlock.toml "
        "form, each entry with the line it came from and whether it has expired.",
    )
    show.add_argument(
        "path", nargs="?", type=Path, metavar="PATH", help="policy file, or a directory to search from (default: .)"
    )
    show.set_defaults(handler=run_policy_show)
    policy.set_defaults(handler=lambda _arguments: _print_help_as_usage_error(policy))


def _print_help_as_usage_error(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


_COMMANDS: dict[str, tuple[str, AddCommand]] = {
    "scan": ("scan artifacts (files, directories, NAME==VERSION) and give verdicts", _add_scan),
    "diff": ("judge a release against an earlier one: what it adds that matters", _add_diff),
    "audit": ("judge every artifact a lockfile (or an environment) pins", _add_audit),
    "intel": ("known-malicious advisories: import OSV records, look a project up", _add_intel),
    "rules": ("list the detection rules, or explain one", _add_rules),
    "demo": ("build a genuine and a trojaned demo release and scan both", _add_demo),
    "explain": ("every signal about one release, and how the policy weighed it", _add_explain),
    "policy": ("check or show the policy (pyproject [tool.interlock] or interlock.toml)", _add_policy),
    "install": ("pip install through the gate: every file judged before it is installed or built", _add_gate),
    "uv": ("uv pip install through the gate: every file judged before it is installed or built", _add_gate),
    "cache": ("show or prune the cache (downloaded artifacts, results, facts, index pages)", _add_cache),
}
"""Every command in the order `interlock --help` lists them: its line there, and what registers it."""


def run_policy_check(arguments: argparse.Namespace) -> int:
    from datetime import date

    from interlock.policy.show import expired_warnings, summarise

    path = policy_path(arguments.path)
    if path is None:
        return usage_error(no_policy_message(arguments.path))
    policy = load_policy_or_report(path)
    if policy is None:
        return EXIT_USAGE
    for warning in expired_warnings(policy, date.today()):
        print(f"interlock: warning: {warning}", file=sys.stderr)
    print(f"ok: {path}: {summarise(policy)}")
    return EXIT_OK


def run_policy_show(arguments: argparse.Namespace) -> int:
    from datetime import date

    from interlock.policy.model import Policy
    from interlock.policy.show import format_policy

    path = policy_path(arguments.path)
    policy = load_policy_or_report(path) if path is not None else Policy()
    if policy is None:
        return EXIT_USAGE
    sys.stdout.write(format_policy(policy, today=date.today()))
    return EXIT_OK


def run_scan(arguments: argparse.Namespace) -> int:
    from interlock.targets import TargetError, expand

    try:
        targets = expand(arguments.targets)
    except TargetError as exc:
        return usage_error(str(exc))
    try:
        yara = _yara(arguments)
    except ValueError as exc:
        return usage_error(str(exc))
    scanner = policy_scanner(arguments, arguments.index_url, yara)
    if scanner is None:
        return EXIT_USAGE
    results = _scan_with_progress(scanner, targets, arguments)
    return _report(results, arguments)


def run_diff(arguments: argparse.Namespace) -> int:
    from interlock.diff.compare import DiffError
    from interlock.model.result import ScanResult
    from interlock.model.verdict import Verdict

    try:
        old, new = (_single_target(text) for text in (arguments.old, arguments.new))
        yara = _yara(arguments)
    except ValueError as exc:
        return usage_error(str(exc))
    scanner = policy_scanner(arguments, arguments.index_url, yara)
    if scanner is None:
        return EXIT_USAGE
    try:
        with command_progress(arguments, 1, "comparing") as progress:
            scanner.options.observer = progress
            result = scanner.diff(old, new)
            progress.advance(f"{arguments.old} → {arguments.new}", result.verdict.value)
    except DiffError as exc:
        if arguments.format == "text":
            return usage_error(str(exc))
        # A tool that asked for a machine-readable report gets one: the pair, judged `error`, and why.
        refused = ScanResult(
            target=f"{arguments.old} → {arguments.new}",
            filename=Path(arguments.new).name,
            name=None,
            version=None,
            sha256=None,
            verdict=Verdict.ERROR,
            score=0,
            error=f"cannot compare: {exc}",
        )
        _report([refused], arguments)
        print(f"interlock: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return _report([result], arguments)


def run_audit(arguments: argparse.Namespace) -> int:
    from interlock.audit import judge_all, nothing_judged, plan
    from interlock.lockfiles import LockfileError, read_environment, read_lockfile, read_lockfile_stream
    from interlock.report.common import printable

    if not arguments.lockfiles and not arguments.env and arguments.python is None:
        return usage_error("audit: give a LOCKFILE, --env or --python PATH")
    if arguments.lockfiles.count(Path("-")) > 1:
        return usage_error("audit: standard input (-) can be read once")
    try:
        lockfiles = [
            read_lockfile_stream(sys.stdin.buffer) if path == Path("-") else read_lockfile(path)
            for path in arguments.lockfiles
        ]
        if arguments.env or arguments.python is not None:
            lockfiles.append(read_environment(arguments.python))
    except (LockfileError, OSError) as exc:
        return usage_error(str(exc))
    for lockfile in lockfiles:
        for problem in lockfile.problems:
            print(f"interlock: warning: {printable(problem)}", file=sys.stderr)
    scanner = policy_scanner(arguments, arguments.index_url)
    if scanner is None:
        return EXIT_USAGE
    pinned, unjudged = plan(lockfiles)
    with command_progress(arguments, len(pinned), "auditing") as progress:
        scanner.options.observer = progress
        advance = lambda label, result: progress.advance(label, result.verdict.value)  # noqa: E731
        results = judge_all(pinned, scanner, advance, workers=arguments.jobs)
    status = _report(results, arguments, unjudged=[item.to_json() for item in unjudged])
    if not pinned and not arguments.allow_unpinned and status == EXIT_OK:
        print(f"interlock: error: {printable(nothing_judged(lockfiles, unjudged))}", file=sys.stderr)
        return EXIT_ERROR
    return status


def run_explain(arguments: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from interlock.model.decision import Status
    from interlock.report import render
    from interlock.report.explain import Cooldown, explain

    try:
        target = _single_target(arguments.target)
    except ValueError as exc:
        return usage_error(str(exc))
    scanner = policy_scanner(arguments, arguments.index_url)
    if scanner is None:
        return EXIT_USAGE
    policy = scanner.options.policy
    with command_progress(arguments, 1, "judging") as progress:
        scanner.options.observer = progress
        result = scanner.scan(target)
        progress.advance(target.text, result.verdict.value)
    if arguments.format == "json":
        sys.stdout.write(render([result], "json"))
        return exit_status([result])
    now = datetime.now(UTC)
    cooldown = None
    if result.decision is not None and result.decision.status is Status.TOO_NEW and result.name:
        cooldown = Cooldown(_newest_old_enough(scanner, result.name, policy, now))
    sys.stdout.write(explain(result, policy, now, cooldown, color=sys.stdout.isatty()))
    return exit_status([result])


def _newest_old_enough(scanner: Scanner, name: str, policy: Policy, now: datetime) -> str | None:
    from interlock.index.errors import IndexProblem
    from interlock.index.selection import release_upload_times
    from interlock.policy.evaluate import newest_passing

    try:
        versions = release_upload_times(scanner.client().project_files(name))
    except IndexProblem:
        return None
    newest = newest_passing(versions, policy.cooldown_for(name), now)
    return str(newest) if newest is not None else None


def run_intel_update(arguments: argparse.Namespace) -> int:
    from interlock.intel.osv import Advisory, Skipped, read_records
    from interlock.report.common import printable
    from interlock.store.advisories import AdvisoryStore

    advisories: list[Advisory] = []
    skipped: list[Skipped] = []
    try:
        for item in read_records(arguments.source):
            if isinstance(item, Advisory):
                advisories.append(item)
            else:
                skipped.append(item)
    except OSError as exc:
        return usage_error(f"--from: {exc.strerror or exc}" if getattr(exc, "strerror", None) else f"--from: {exc}")
    store = AdvisoryStore()
    counts = store.add(advisories)
    print(
        f"{len(advisories)} PyPI advisories read: {counts.stored} stored, {counts.unchanged} already known; "
        f"{len(skipped)} records skipped"
    )
    for item in skipped[:5]:
        print(f"  skipped {printable(item.source)}: {printable(item.reason)}")
    if len(skipped) > 5:
        print(f"  … and {len(skipped) - 5} more")
    print(f"{store.count()} advisories in {store.path}")
    return EXIT_OK


def run_intel_show(arguments: argparse.Namespace) -> int:
    from interlock.report.common import printable
    from interlock.store.advisories import AdvisoryStore

    name, _, version = arguments.project.partition("==")
    found = AdvisoryStore().lookup(name.strip(), version.strip() or None)
    if not found:
        print(f"no imported advisory names {arguments.project}")
        return EXIT_OK
    for advisory in found:
        affected = "every version" if advisory.every_version else ", ".join(advisory.versions) or "version ranges"
        print(f"{advisory.id}  {advisory.project}  {affected}  {printable(advisory.summary)}")
    return EXIT_FOUND


def _single_target(text: str) -> Target:
    from interlock.targets import TargetError, expand

    targets = expand([text])
    if len(targets) != 1:
        raise TargetError(f"{text}: names {len(targets)} artifacts; diff compares one release with one other")
    return targets[0]


def _yara(arguments: argparse.Namespace) -> YaraRules | None:
    from interlock.analysis.extract.yara_rules import YaraError, YaraRules

    if arguments.yara_rules is None:
        return None
    try:
        return YaraRules(arguments.yara_rules)
    except (YaraError, OSError) as exc:
        raise ValueError(f"--yara-rules: {exc}") from None


def _scan_with_progress(scanner: Scanner, targets: list[Target], arguments: argparse.Namespace) -> list[ScanResult]:
    with command_progress(arguments, len(targets), "scanning") as progress:
        scanner.options.observer = progress
        return scanner.scan_all(
            targets, progress=lambda target, result: progress.advance(target.text, result.verdict.value)
        )


def _report(
    results: list[ScanResult], arguments: argparse.Namespace, unjudged: list[dict[str, str]] | None = None
) -> int:
    from interlock.report import Show, render

    to_file = arguments.output is not None
    color = arguments.format == "text" and not to_file and sys.stdout.isatty()
    text = render(
        results,
        arguments.format,
        color=color,
        show=getattr(arguments, "show", Show.TRIAGE),
        everything=getattr(arguments, "sarif_all", False),
    )
    if unjudged:
        text = _with_unjudged(text, arguments.format, unjudged)
    if to_file:
        try:
            arguments.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            return usage_error(f"--output: cannot write {arguments.output}: {exc.strerror or exc}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return exit_status(results)


def _with_unjudged(text: str, fmt: str, unjudged: list[dict[str, str]]) -> str:
    """The report with the requirements that could not be judged: a JSON key, or a closing list."""
    import json

    from interlock.report.common import printable

    if fmt == "json":
        document = json.loads(text)
        document["summary"]["unjudged"] = len(unjudged)
        document["unjudged"] = unjudged
        return json.dumps(document, indent=2) + "\n"
    if fmt == "sarif":
        return text  # SARIF results are findings; what was not judged is in the other formats
    lines = [f"{len(unjudged)} requirement(s) not judged (cannot be tied to one artifact before installing):"]
    lines += [
        f"  {printable(item['location'])}  {printable(item['requirement'])}  {printable(item['reason'])}"
        for item in unjudged
    ]
    return text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"


def exit_status(results: list[ScanResult]) -> int:
    """1 if the policy keeps any release out for what it is (its verdict at or above fail-on,
    denied, known malicious, too new, provenance required); else 3 if any target could not be
    analysed; else 0."""
    from interlock.model.verdict import Verdict

    if any(r.decision is not None and r.decision.blocked and not r.decision.only_unanalysed for r in results):
        return EXIT_FOUND
    if any(r.verdict is Verdict.ERROR for r in results):
        return EXIT_ERROR
    return EXIT_OK


def run_rules(arguments: argparse.Namespace) -> int:
    from rich.console import Console

    from interlock.ruleset import ALL_RULES, RULES_BY_ID, RULESET_VERSION

    console = Console(highlight=False)
    if arguments.rule is None:
        from interlock.report.tables import rendered

        sys.stdout.write(rendered(rules_table(console.width), console.width, color=console.is_terminal))
        console.print(f"\n{len(ALL_RULES)} rules (rule set {RULESET_VERSION}). 'interlock rules RULE_ID' explains one.")
        return EXIT_OK
    rule = RULES_BY_ID.get(arguments.rule)
    if rule is None:
        close = [r.id for r in ALL_RULES if arguments.rule in r.id]
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'interlock rules' lists them"
        return usage_error(f"no rule {arguments.rule!r}{hint}")
    console.print(f"[bold]{rule.id}[/bold] — {rule.summary}")
    console.print(f"severity: {' / '.join(s.label for s in rule.severities)}\n")
    console.print(rule.description)
    return EXIT_OK


def rules_table(width: int) -> RenderableType:
    """Every rule, its severities and its summary, fitted to `width`: a summary wraps under itself."""
    from rich.text import Text

    from interlock.report.tables import Column, Fit, fitted_table
    from interlock.ruleset import ALL_RULES

    columns = (Column("rule", Fit.FIXED), Column("severities", Fit.FIXED), Column("summary", Fit.REST))
    rows = [
        [Text(rule.id), Text("/".join(s.label for s in rule.severities), style="dim"), Text(rule.summary)]
        for rule in ALL_RULES
    ]
    return fitted_table(columns, rows, width, show_header=False)


def run_demo(arguments: argparse.Namespace) -> int:
    from interlock.demo import build_demo_releases
    from interlock.policy.model import FailOn, Policy
    from interlock.scanner import Scanner, ScanOptions
    from interlock.targets import Target

    try:
        paths = build_demo_releases(arguments.dir)
    except OSError as exc:
        return usage_error(f"--dir: cannot write demo releases to {arguments.dir}: {exc.strerror or exc}")
    # The built-in policy, so the trojaned release shows the decision a gate would make (block).
    policy = Policy(fail_on=FailOn(arguments.fail_on)) if arguments.fail_on else Policy()
    scanner = Scanner(ScanOptions(use_cache=False, policy=policy))
    results = scanner.scan_all([Target(str(path), path=path) for path in paths])
    status = _report(results, arguments)
    if arguments.format == "text" and arguments.output is None:
        print(
            f"\nThe demo releases are in {arguments.dir}/ — nothing was installed or run.\n"
            "Next: scan a release by name (interlock scan NAME==VERSION) or a file you downloaded;\n"
            "'interlock rules RULE_ID' explains any finding."
        )
    # The demo worked when it judged its releases, whatever it found: only errors fail it.
    return EXIT_OK if status == EXIT_FOUND else status
