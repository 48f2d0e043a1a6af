"""What the user asked to install, read before any resolver sees it.

A requirement the index cannot stand behind — a local path, a URL, a VCS checkout, an editable
install — cannot be judged before the resolver builds it, so it is refused up front. Requirement
files are read with the lockfile reader; an index or find-links line inside one would send the
installer around the gate (pip lets a file's `--index-url` replace the command line's), so such a
file is a usage error naming the line.
"""

from __future__ import annotations

from pathlib import Path

from interlock.audit import Unjudged
from interlock.gate.arguments import ArgumentError, InstallerArguments
from interlock.lockfiles import LockfileError, PinStatus, display_url, parse_requirement
from interlock.lockfiles.requirements import read_requirements

# Problems the requirements reader notes that mean "files from elsewhere than the index".
_AROUND_THE_GATE = ("--find-links", "--no-index", "--trusted-host")
# What uv reads as a list of requirements; anything else given to -r is a project's own metadata.
_UV_REQUIREMENT_SUFFIXES = (".txt", ".in")
_COMMAND_LINE = Path("command line")


def unjudgeable(tool: str, arguments: InstallerArguments) -> list[Unjudged]:
    """Every requirement that no index release stands behind; `ArgumentError` for unreadable or gate-bypassing files."""
    found: list[Unjudged] = []
    for text in arguments.requirements:
        try:
            package = parse_requirement(text, text, _COMMAND_LINE, 0, frozenset())
        except LockfileError as exc:
            raise ArgumentError(exc.message) from None
        if package.status is PinStatus.UNVERIFIABLE:
            found.append(Unjudged(text, "command line", package.reason or "not from the index"))
    for text in arguments.editables:
        found.append(
            Unjudged(f"-e {text}", "command line", "editable install: local code or a VCS checkout, built unjudged")
        )
    for option, path in arguments.files:
        if tool == "uv" and not path.name.lower().endswith(_UV_REQUIREMENT_SUFFIXES):
            found.append(
                Unjudged(
                    f"{option} {path}", "command line", "a project's own metadata: uv may build the project to read it"
                )
            )
            continue
        found += _file_unjudgeable(path)
    return found


def _file_unjudgeable(path: Path) -> list[Unjudged]:
    try:
        lockfile = read_requirements(path)
    except (LockfileError, OSError) as exc:
        raise ArgumentError(str(exc)) from None
    if lockfile.index_urls:
        shown = ", ".join(display_url(url) for url in lockfile.index_urls)
        raise ArgumentError(
            f"{path}: names an index ({shown}); the installer would fetch from it instead of the gate. "
            "Remove the line and give the index to interlock (-i URL after --, or PIP_INDEX_URL)"
        )
    for problem in lockfile.problems:
        if problem.message.startswith(_AROUND_THE_GATE):
            raise ArgumentError(f"{problem}: the installer would take files from around the gate")
    return [
        Unjudged(package.requirement, package.location, package.reason or "not from the index")
        for package in lockfile.packages
        if package.status is PinStatus.UNVERIFIABLE
    ]
