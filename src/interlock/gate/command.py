"""`interlock install` and `interlock uv`: the command-line face of the install gate."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

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
    policy_scanner,
    usage_error,
)

if TYPE_CHECKING:  # the gate's modules load Starlette and uvicorn: only when the command runs
    from interlock.gate.installers import Installer
    from interlock.gate.run import GateOutcome

EXIT_INSTALL_FAILED = 4
"""Every file passed, but pip or uv failed while installing them."""

_HOW_IT_WORKS = """\
how it works:
  Interlock serves the index you use (-i URL after --, else PIP_INDEX_URL / pip.conf / pip's
  default) to {tool} from a gate on 127.0.0.1. {tool} first resolves through the gate in a dry
  run; every file it asks for — including each sdist it would build to read its dependencies —
  is downloaded, hash-checked and judged (static analysis, history, provenance, age, advisories)
  before {tool} gets a byte of it. A file the policy keeps out (a verdict at or above fail-on, a
  deny entry, a known-malicious advisory, the cooldown, missing required provenance) or one that
  cannot be judged is refused: nothing is installed, and the report says which release and why.
  The policy is --policy FILE, else interlock.toml or [tool.interlock] found from here; --fail-on
  and --min-age override it. Otherwise {tool} installs exactly the files it resolved, pinned by
  sha256 (--require-hashes --no-deps), still through the gate.

  Local paths, URLs, VCS references and -e installs have no index release behind them and are
  refused before anything runs. Extra indexes, --find-links and an index named inside a
  requirements file are refused too: files from there would go around the gate. {tool} runs
  with its configuration files and environment settings set aside, caches off, and a proxy that
  refuses everything but the gate.

target: --python PATH (an interpreter or a virtualenv), else the active virtualenv
        ($VIRTUAL_ENV), else the python3 on PATH.{extra}

exit status: 0 installed (or, with --dry-run, everything passed), 1 refused (the policy kept
             a release out), 2 usage error, 3 something could not be judged or resolved
             (refused, fail closed), 4 every file passed but {tool} failed while installing
"""

_PIP_EPILOG = """\
examples:
  interlock install -- requests==2.32.3
  interlock install -- -r requirements.txt
  interlock install --python .venv -- -r requirements.txt -c constraints.txt
  interlock install -- --dry-run -r requirements.txt        judge only, install nothing
  interlock install --format json -o gate.json -- -i https://my.index/simple/ flask

""" + _HOW_IT_WORKS.format(
    tool="pip", extra="\n        pip: the target's own, else the pip beside Interlock (pip --python TARGET)."
)

_UV_EPILOG = """\
examples:
  interlock uv -- requests==2.32.3
  interlock uv --python .venv -- -r requirements.txt
  interlock uv -- --dry-run -r requirements.txt             judge only, install nothing

""" + _HOW_IT_WORKS.format(tool="uv", extra="\n        uv: the uv on PATH, else the one installed beside Interlock.")


_GATES = {"install": ("pip", _PIP_EPILOG, "pip install"), "uv": ("uv", _UV_EPILOG, "uv pip install")}
"""Each gate command: the installer it drives, its --help epilog, and the installer command it runs."""


def add_gate_command(commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, summary: str) -> None:
    """Register `install` (pip) or `uv` (uv pip install) with its options; `summary`: its line in --help."""
    tool, epilog, what = _GATES[name]
    command = commands.add_parser(
        name,
        help=summary,
        description=f"Run '{what}' through Interlock: every release it would install, dependencies and "
        "sdists included, is judged before any of its code can run; then exactly those files are installed.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage=f"interlock {name} [options] -- <{what} arguments>",
    )
    command.add_argument(
        "installer_args",
        nargs=argparse.REMAINDER,
        metavar=f"-- {tool.upper()}_ARGS",
        help=f"arguments for {what}, after --",
    )
    command.add_argument(
        "--python",
        metavar="PATH",
        type=Path,
        help="interpreter or virtualenv to install into (default: $VIRTUAL_ENV, else python3 on PATH)",
    )
    add_output_options(command)
    command.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=min(4, os.cpu_count() or 1),
        metavar="N",
        help="files downloaded and judged at once (default: %(default)s)",
    )
    command.add_argument("--no-cache", action="store_true", help="ignore and do not update the local result cache")
    add_history_option(command)
    add_min_age(command)
    add_cache_options(command)
    add_progress_options(command)
    command.set_defaults(handler=run_gate, tool=tool)


def run_gate(arguments: argparse.Namespace) -> int:
    from interlock.gate.arguments import ArgumentError, split_arguments
    from interlock.gate.progress import GateProgress
    from interlock.gate.run import guarded_install
    from interlock.gate.server import ServerError
    from interlock.gate.tools import ToolMissing
    from interlock.index.errors import IndexProblem

    tool: str = arguments.tool
    passed = list(arguments.installer_args)
    if passed[:1] == ["--"]:
        passed = passed[1:]
    if arguments.jobs < 1:
        return usage_error("--jobs must be at least 1")
    try:
        installer = _installer(tool, arguments.python)
        split = split_arguments(tool, passed, installer.options)
    except (ArgumentError, ToolMissing) as exc:
        return usage_error(str(exc))
    scanner = policy_scanner(arguments, split.index_url)
    if scanner is None:
        return EXIT_USAGE
    scanner.options.hold_judged = True  # the files judged are served to the installer later: not evicted before
    try:
        scanner.client()  # which index, and its CA bundle: a configuration problem is a usage error
        with GateProgress(wanted=arguments.progress) as hooks:
            outcome = guarded_install(installer, split, scanner, jobs=arguments.jobs, hooks=hooks)
    except (ArgumentError, IndexProblem) as exc:
        return usage_error(str(exc))
    except ServerError as exc:
        print(f"interlock: error: {exc}; nothing was installed", file=sys.stderr)
        return EXIT_ERROR
    return _write(outcome, arguments, installer)


def _installer(tool: str, python: Path | None) -> Installer:
    from interlock.gate.installers import Pip, Uv
    from interlock.gate.tools import pip_command, target_python, uv_command

    target = target_python(python)
    if tool == "pip":
        return Pip(pip_command(target), target)
    return Uv([uv_command()], target)


def _write(outcome: GateOutcome, arguments: argparse.Namespace, installer: Installer) -> int:
    from interlock.gate.run import Status
    from interlock.gate.summary import render_outcome
    from interlock.report.common import printable

    exit_status = {
        Status.INSTALLED: EXIT_OK,
        Status.JUDGED: EXIT_OK,
        Status.REFUSED: EXIT_FOUND,
        Status.UNJUDGED: EXIT_ERROR,
        Status.INSTALL_FAILED: EXIT_INSTALL_FAILED,
    }

    to_file = arguments.output is not None
    color = arguments.format == "text" and not to_file and sys.stdout.isatty()
    text = render_outcome(
        outcome,
        arguments.format,
        tool=installer.tool,
        python=str(installer.python),
        color=color,
        everything=arguments.sarif_all,
    )
    if to_file:
        try:
            arguments.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            return usage_error(f"--output: cannot write {arguments.output}: {exc.strerror or exc}")
        print(f"interlock: {printable(outcome.message)}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return exit_status[outcome.status]
