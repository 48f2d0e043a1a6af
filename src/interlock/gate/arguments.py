"""Splitting the arguments meant for pip or uv into what resolving needs and what installing needs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from interlock.gate.options import Option, Role


class ArgumentError(ValueError):
    """Arguments the gate cannot pass on; `str()` says which and what to do instead."""


@dataclass(frozen=True)
class InstallerArguments:
    """The user's installer arguments, sorted by what the gate does with each."""

    resolve: tuple[str, ...]
    """For resolving (phase 1): everything but the index options and what the gate sets itself."""
    install: tuple[str, ...]
    """For installing the judged files (phase 2): only how and where to install."""
    requirements: tuple[str, ...] = ()
    """Requirements given on the command line."""
    files: tuple[tuple[str, Path], ...] = ()
    """`(option, path)` of every requirements or constraints file."""
    editables: tuple[str, ...] = ()
    index_url: str | None = None
    """The index the user named (`-i`): the gate's upstream."""
    dry_run: bool = False
    """Judge only, install nothing."""


@dataclass
class _Collected:
    resolve: list[str] = field(default_factory=list)
    install: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    files: list[tuple[str, Path]] = field(default_factory=list)
    editables: list[str] = field(default_factory=list)
    index_url: str | None = None
    dry_run: bool = False


def split_arguments(tool: str, arguments: Sequence[str], options: Mapping[str, Option]) -> InstallerArguments:
    """Sort `arguments` of `tool` (`pip` or `uv`) by role; `ArgumentError` for unknown or refused options."""
    collected = _Collected()
    tokens = list(arguments)
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token == "--":
            collected.requirements += tokens[position:]
            collected.resolve += tokens[position - 1 :]
            break
        if not token.startswith("-") or token == "-":
            collected.requirements.append(token)
            collected.resolve.append(token)
            continue
        for spelling, value, consumed in _occurrences(tool, token, tokens[position:], options):
            position += consumed
            _apply(tool, collected, spelling, value, options[spelling])
    if not (collected.requirements or collected.files or collected.editables):
        raise ArgumentError(f"nothing to install: give {tool} requirements, -r FILE or -e PATH after --")
    return InstallerArguments(
        resolve=tuple(collected.resolve),
        install=tuple(collected.install),
        requirements=tuple(collected.requirements),
        files=tuple(collected.files),
        editables=tuple(collected.editables),
        index_url=collected.index_url,
        dry_run=collected.dry_run,
    )


def _occurrences(
    tool: str, token: str, rest: list[str], options: Mapping[str, Option]
) -> list[tuple[str, str | None, int]]:
    """`(spelling, value, tokens consumed after this one)` for each option in `token` (short flags
    may be grouped: `-qq`)."""
    if token.startswith("--"):
        spelling, equals, attached = token.partition("=")
        option = _known(tool, spelling, options)
        if not option.takes_value:
            if equals:
                raise ArgumentError(f"{tool} option {spelling} takes no value")
            return [(spelling, None, 0)]
        if equals:
            return [(spelling, attached, 0)]
        return [(spelling, _next_value(tool, spelling, rest), 1)]
    found: list[tuple[str, str | None, int]] = []
    for index in range(1, len(token)):
        spelling = "-" + token[index]
        option = _known(tool, spelling, options)
        if option.takes_value:
            attached = token[index + 1 :]
            if attached:
                return [*found, (spelling, attached, 0)]
            return [*found, (spelling, _next_value(tool, spelling, rest), 1)]
        found.append((spelling, None, 0))
    return found


def _known(tool: str, spelling: str, options: Mapping[str, Option]) -> Option:
    option = options.get(spelling)
    if option is None:
        raise ArgumentError(
            f"{tool} option {spelling} is not one the gate knows; it passes on only options it understands"
        )
    return option


def _next_value(tool: str, spelling: str, rest: list[str]) -> str:
    if not rest:
        raise ArgumentError(f"{tool} option {spelling} needs a value")
    return rest[0]


def _apply(tool: str, collected: _Collected, spelling: str, value: str | None, option: Option) -> None:
    # Re-spelt attached (`--opt=value`, `-Xvalue`): unambiguous to both optparse and clap.
    written = [spelling if value is None else f"{spelling}={value}" if spelling.startswith("--") else spelling + value]
    role = option.role
    if role is Role.REFUSE:
        raise ArgumentError(f"{tool} option {spelling} is not allowed through the gate: {option.why}")
    if role is Role.INDEX:
        collected.index_url = value
    elif role is Role.DRY_RUN:
        collected.dry_run = True
    elif role is Role.EDITABLE:
        assert value is not None
        collected.editables.append(value)
        collected.resolve += written
    elif role in (Role.REQUIREMENT, Role.CONSTRAINT):
        assert value is not None
        collected.files.append((spelling, Path(value)))
        collected.resolve += written
    elif role is Role.RESOLVE:
        collected.resolve += written
    elif role is Role.BOTH:
        collected.resolve += written
        collected.install += written
