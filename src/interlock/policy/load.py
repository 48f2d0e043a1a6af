"""Finding and reading a policy file, with errors that name the file, the line and the key.

A policy is the `[tool.interlock]` table of a `pyproject.toml`, or the top level of an
`interlock.toml` (or of any other `.toml` file named explicitly). Values come from `tomllib`,
which is also the judge of TOML syntax; `positions.py` says on which line each value was written,
so a wrong value reads `interlock.toml:7: cooldown: expected a duration like "3d" or "12h", got
"three days"`. Every problem in the file is collected before raising, so one run of
`interlock policy check` lists them all.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from interlock.policy.duration import parse_duration
from interlock.policy.model import FailOn, IgnoreEntry, PackageEntry, Policy, Provenance
from interlock.policy.positions import KeyPath, Position, Positions
from interlock.ruleset import RULES_BY_ID

POLICY_FILENAME = "interlock.toml"
PYPROJECT_FILENAME = "pyproject.toml"
MAX_POLICY_BYTES = 1024 * 1024
"""A policy is a few kilobytes; anything past this is not one (and is not read into memory)."""
KNOWN_MALICIOUS_RULE = "known-malicious"
"""The finding an advisory produces. It cannot be ignored or allowed: the advisory is the evidence."""

_TOP_KEYS = ("fail-on", "cooldown", "cooldown-exceptions", "allow", "deny", "ignore", "provenance")
_PACKAGE_ENTRY_KEYS = ("package", "version", "reason", "expires")
_IGNORE_KEYS = ("rule", "package", "version", "reason", "expires")
_PROVENANCE_KEYS = ("default", "required", "optional")
_SYNTAX_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_SYNTAX_AT_END = re.compile(r"\s*\(at end of document\)$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")

T = TypeVar("T")


@dataclass(frozen=True)
class PolicyProblem:
    """One thing wrong with a policy file."""

    path: Path
    line: int | None
    """1-based; None when the problem is about the file as a whole."""
    column: int | None
    """1-based; given for TOML syntax errors, where the line alone does not show the mistake."""
    message: str
    """What is wrong, starting with the key it is about: `cooldown: expected ...`."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        if self.line is not None and self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"


class PolicyError(Exception):
    """A policy file that cannot be used, with every problem found in it (first one first)."""

    def __init__(self, problems: list[PolicyProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = tuple(problems)

    @property
    def path(self) -> Path:
        return self.problems[0].path

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def column(self) -> int | None:
        return self.problems[0].column

    @property
    def message(self) -> str:
        return self.problems[0].message


def find_policy(start: Path) -> Path | None:
    """The policy that governs `start` (a directory, or a file in one): in `start` and then each
    parent, an `interlock.toml`, else a `pyproject.toml` with a `[tool.interlock]` table. The search
    stops after the repository root (a directory holding `.git`) or at the filesystem root, so a
    policy outside the repository never applies by surprise. A pyproject.toml that is not valid
    TOML counts when its text mentions `tool.interlock`, so the syntax error is reported, not skipped."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        policy = candidate / POLICY_FILENAME
        if policy.is_file():
            return policy
        pyproject = candidate / PYPROJECT_FILENAME
        if pyproject.is_file() and _has_interlock_table(pyproject):
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def load_policy(path: Path) -> Policy:
    """The policy in `path`: `[tool.interlock]` of a pyproject.toml, else the whole file.
    Raises PolicyError listing every problem, each with its line where it has one."""
    if path.exists() and not path.is_file():
        # A FIFO or device would block or never end: only regular files are policies.
        raise PolicyError([PolicyProblem(path, None, None, "not a regular file")])
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_POLICY_BYTES + 1)
    except OSError as exc:
        raise PolicyError([PolicyProblem(path, None, None, f"cannot read: {exc.strerror or exc}")]) from None
    if len(data) > MAX_POLICY_BYTES:
        raise PolicyError(
            [PolicyProblem(path, None, None, f"larger than {MAX_POLICY_BYTES // 1024} KiB: not a policy file")]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PolicyError([PolicyProblem(path, line, None, "not UTF-8 text (TOML files must be UTF-8)")]) from None
    return parse_policy(text, path)


def parse_policy(text: str, path: Path) -> Policy:
    """The policy in `text`, read as the file `path` (its name decides pyproject.toml or not)."""
    document = _parse_toml(text, path)
    positions = Positions(text)
    if path.name == PYPROJECT_FILENAME:
        table = document.get("tool", {}).get("interlock") if isinstance(document.get("tool"), dict) else None
        prefix: KeyPath = ("tool", "interlock")
        if table is None:
            raise PolicyError([PolicyProblem(path, None, None, "no [tool.interlock] table")])
        if not isinstance(table, dict):
            where = positions.value(prefix)
            raise PolicyError(
                [PolicyProblem(path, where.line if where else None, None, "tool.interlock: expected a table")]
            )
    else:
        table, prefix = document, ()
    return _PolicyReader(path, positions, prefix).read(table)


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        column: int | None = None
        if match := _SYNTAX_POSITION.search(message):
            line, column = int(match[1]), int(match[2])
            message = message[: match.start()]
        elif match := _SYNTAX_AT_END.search(message):
            line = text.count("\n") + 1
            column = len(text.rsplit("\n", 1)[-1]) + 1
            message = message[: match.start()] + " at the end of the file"
        raise PolicyError([PolicyProblem(path, line, column, f"invalid TOML: {message}")]) from None
    except RecursionError:
        raise PolicyError([PolicyProblem(path, None, None, "invalid TOML: nested too deeply")]) from None


def _has_interlock_table(pyproject: Path) -> bool:
    try:
        with pyproject.open("rb") as stream:
            data = stream.read(MAX_POLICY_BYTES + 1)
    except OSError:
        return False
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return b"tool.interlock" in data
    tool = document.get("tool")
    return isinstance(tool, dict) and "interlock" in tool


class _Invalid(Exception):
    """One value is wrong; `_PolicyReader` records it and goes on with the next."""

    def __init__(self, path: KeyPath, message: str, *, at_key: bool = False) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.at_key = at_key


class _PolicyReader:
    """Checks one policy table and builds the Policy, collecting a problem per wrong value."""

    def __init__(self, file: Path, positions: Positions, prefix: KeyPath) -> None:
        self.file = file
        self.positions = positions
        self.prefix = prefix
        self.problems: list[PolicyProblem] = []

    def read(self, table: dict[str, Any]) -> Policy:
        self._check_keys(table, (), _TOP_KEYS)
        fail_on = self._field(table, ("fail-on",), self._fail_on, FailOn.SUSPICIOUS)
        cooldown = self._field(table, ("cooldown",), self._duration, timedelta(0))
        # Annotated for mypy: an empty `{}` or `()` default would otherwise decide what `_field` returns.
        exceptions: dict[str, timedelta] = self._field(table, ("cooldown-exceptions",), self._cooldown_exceptions, {})
        allow: tuple[PackageEntry, ...] = self._field(table, ("allow",), self._package_entries, ())
        deny: tuple[PackageEntry, ...] = self._field(table, ("deny",), self._package_entries, ())
        ignore: tuple[IgnoreEntry, ...] = self._field(table, ("ignore",), self._ignore_entries, ())
        no_provenance: tuple[Provenance, dict[str, Provenance]] = (Provenance.OPTIONAL, {})
        default, per_package = self._field(table, ("provenance",), self._provenance, no_provenance)
        if self.problems:
            self.problems.sort(key=lambda p: (p.line is None, p.line or 0))
            raise PolicyError(self.problems)
        return Policy(
            fail_on=fail_on,
            cooldown=cooldown,
            cooldown_exceptions=MappingProxyType(exceptions),
            allow=allow,
            deny=deny,
            ignore=ignore,
            provenance_default=default,
            provenance=MappingProxyType(per_package),
            source=self.file,
        )

    # -- plumbing ---------------------------------------------------------------------------

    def _field(self, table: dict[str, Any], path: KeyPath, read: Callable[[KeyPath, Any], T], default: T) -> T:
        """`read` the value at `path` (relative to the table), or `default` if absent or wrong."""
        if path[-1] not in table:
            return default
        try:
            return read(path, table[path[-1]])
        except _Invalid as problem:
            self._record(problem)
            return default

    def _record(self, problem: _Invalid) -> None:
        full = (*self.prefix, *problem.path)
        position: Position | None = self.positions.key(full) if problem.at_key else self.positions.value(full)
        position = position or self.positions.nearest(full)
        self.problems.append(PolicyProblem(self.file, position.line if position else None, None, problem.message))

    def _check_keys(self, table: dict[str, Any], path: KeyPath, known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                self._record(
                    _Invalid(
                        (*path, key), f"{_label((*path, key))}: unknown key{_did_you_mean(key, known)}", at_key=True
                    )
                )

    def _entries(self, path: KeyPath, value: Any, read: Callable[[KeyPath, dict[str, Any]], T | None]) -> tuple[T, ...]:
        if not isinstance(value, list):
            name = _label(path)
            raise _Invalid(
                path, f"{name}: expected a list of entries ([[{name}]] tables or [{{...}}, ...]), got {_shown(value)}"
            )
        entries: list[T] = []
        for index, entry in enumerate(value):
            entry_path = (*path, index)
            if not isinstance(entry, dict):
                self._record(
                    _Invalid(
                        entry_path,
                        f"{_label(entry_path)}: expected a table like {{package = ..., reason = ...}}, "
                        f"got {_shown(entry)}",
                    )
                )
                continue
            problems_before = len(self.problems)
            read_entry = read(entry_path, entry)
            if read_entry is not None and len(self.problems) == problems_before:
                entries.append(read_entry)
        return tuple(entries)

    def _origin(self, path: KeyPath) -> str:
        position = self.positions.key((*self.prefix, *path))
        return f"{self.file.name}:{position.line}" if position else self.file.name

    # -- values -----------------------------------------------------------------------------

    def _fail_on(self, path: KeyPath, value: Any) -> FailOn:
        choices = [level.value for level in FailOn]
        if isinstance(value, str) and value in choices:
            return FailOn(value)
        expected = ", ".join(f'"{choice}"' for choice in choices)
        raise _Invalid(path, f"{_label(path)}: expected one of {expected}, got {_shown(value)}")

    def _duration(self, path: KeyPath, value: Any) -> timedelta:
        if isinstance(value, str):
            try:
                return parse_duration(value)
            except ValueError:
                pass
        raise _Invalid(path, f'{_label(path)}: expected a duration like "3d" or "12h", got {_shown(value)}')

    def _cooldown_exceptions(self, path: KeyPath, value: Any) -> dict[str, timedelta]:
        if not isinstance(value, dict):
            raise _Invalid(path, f'{_label(path)}: expected a table of package = "duration", got {_shown(value)}')
        exceptions: dict[str, timedelta] = {}
        for name, duration in value.items():
            try:
                package = self._package_name((*path, name), name, at_key=True)
                exceptions[package] = self._duration((*path, name), duration)
            except _Invalid as problem:
                self._record(problem)
        return exceptions

    def _package_entries(self, path: KeyPath, value: Any) -> tuple[PackageEntry, ...]:
        def read(entry_path: KeyPath, entry: dict[str, Any]) -> PackageEntry | None:
            self._check_keys(entry, entry_path, _PACKAGE_ENTRY_KEYS)
            package = self._field(entry, (*entry_path, "package"), self._package_name, None)
            specifier = self._field(entry, (*entry_path, "version"), self._specifier, SpecifierSet())
            reason = self._field(entry, (*entry_path, "reason"), self._reason, "")
            expires = self._field(entry, (*entry_path, "expires"), self._date, None)
            if not self._has_required(entry_path, entry, ("package", "reason")) or package is None:
                return None
            return PackageEntry(package, specifier, reason, expires, self._origin(entry_path))

        return self._entries(path, value, read)

    def _ignore_entries(self, path: KeyPath, value: Any) -> tuple[IgnoreEntry, ...]:
        def read(entry_path: KeyPath, entry: dict[str, Any]) -> IgnoreEntry | None:
            self._check_keys(entry, entry_path, _IGNORE_KEYS)
            rule = self._field(entry, (*entry_path, "rule"), self._rule, None)
            package = self._field(entry, (*entry_path, "package"), self._package_name, None)
            specifier = self._field(entry, (*entry_path, "version"), self._specifier, SpecifierSet())
            reason = self._field(entry, (*entry_path, "reason"), self._reason, "")
            expires = self._field(entry, (*entry_path, "expires"), self._date, None)
            if "version" in entry and "package" not in entry:
                version_path = (*entry_path, "version")
                self._record(
                    _Invalid(version_path, f"{_label(version_path)}: needs a package (a version alone names nothing)")
                )
            if not self._has_required(entry_path, entry, ("rule", "reason")) or rule is None:
                return None
            return IgnoreEntry(rule, package, specifier, reason, expires, self._origin(entry_path))

        return self._entries(path, value, read)

    def _provenance(self, path: KeyPath, value: Any) -> tuple[Provenance, dict[str, Provenance]]:
        if not isinstance(value, dict):
            raise _Invalid(
                path, f"{_label(path)}: expected a table with default, required and optional, got {_shown(value)}"
            )
        self._check_keys(value, path, _PROVENANCE_KEYS)
        default = Provenance.OPTIONAL
        if "default" in value:
            choice = value["default"]
            if choice not in (Provenance.REQUIRED.value, Provenance.OPTIONAL.value):
                self._record(
                    _Invalid(
                        (*path, "default"),
                        f'{_label((*path, "default"))}: expected "required" or "optional", got {_shown(choice)}',
                    )
                )
            else:
                default = Provenance(choice)
        per_package: dict[str, Provenance] = {}
        for requirement in (Provenance.REQUIRED, Provenance.OPTIONAL):
            list_path = (*path, requirement.value)
            names = value.get(requirement.value, [])
            if not isinstance(names, list):
                self._record(
                    _Invalid(list_path, f"{_label(list_path)}: expected a list of package names, got {_shown(names)}")
                )
                continue
            for index, name in enumerate(names):
                try:
                    package = self._package_name((*list_path, index), name)
                    if package in per_package and per_package[package] is not requirement:
                        raise _Invalid(
                            (*list_path, index),
                            f"{_label(list_path)}: {package} is also listed as {per_package[package].value}",
                        )
                    per_package[package] = requirement
                except _Invalid as problem:
                    self._record(problem)
        return default, per_package

    def _has_required(self, entry_path: KeyPath, entry: dict[str, Any], keys: tuple[str, ...]) -> bool:
        missing = [key for key in keys if key not in entry]
        if missing:
            hint = " (say why, for whoever reads a decision it makes)" if "reason" in missing else ""
            names = " and ".join(f"'{key}'" for key in missing)
            self._record(_Invalid(entry_path, f"{_label(entry_path)}: missing {names}{hint}", at_key=True))
        return not missing

    def _reason(self, path: KeyPath, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _Invalid(path, f"{_label(path)}: expected a non-empty string saying why, got {_shown(value)}")
        return value.strip()

    def _package_name(self, path: KeyPath, value: Any, *, at_key: bool = False) -> str:
        if isinstance(value, str):
            try:
                return canonicalize_name(value, validate=True)
            except InvalidName:
                pass
        raise _Invalid(path, f"{_label(path)}: {_shown(value)} is not a valid project name", at_key=at_key)

    def _specifier(self, path: KeyPath, value: Any) -> SpecifierSet:
        if isinstance(value, str):
            try:
                return SpecifierSet(value)
            except InvalidSpecifier:
                pass
            hint = f'; did you mean "=={value.strip()}"?' if _is_version(value) else ""
            raise _Invalid(
                path,
                f'{_label(path)}: expected a version specifier like ">=2.0" or "==1.82.7", got {_shown(value)}{hint}',
            )
        raise _Invalid(
            path, f'{_label(path)}: expected a version specifier like ">=2.0" or "==1.82.7", got {_shown(value)}'
        )

    def _date(self, path: KeyPath, value: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise _Invalid(path, f"{_label(path)}: expected a date like 2026-12-31, got {_shown(value)}")

    def _rule(self, path: KeyPath, value: Any) -> str:
        if not isinstance(value, str):
            raise _Invalid(path, f'{_label(path)}: expected a rule id like "network-access", got {_shown(value)}')
        if value == KNOWN_MALICIOUS_RULE:
            raise _Invalid(
                path,
                f"{_label(path)}: {KNOWN_MALICIOUS_RULE} cannot be ignored: a published advisory names the release",
            )
        if value not in RULES_BY_ID:
            hint = _did_you_mean(value, tuple(RULES_BY_ID)) or "; 'interlock rules' lists them"
            raise _Invalid(path, f"{_label(path)}: unknown rule {_shown(value)}{hint}")
        return value


def _label(path: KeyPath) -> str:
    """`allow #2.expires` for (allow, 1, expires): entries counted from 1, as a person counts."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f" #{part + 1}"
        else:
            key = part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
            text += f".{key}" if text else key
    return text


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    normalised = word.replace("_", "-").lower()
    close = [normalised] if normalised in choices else difflib.get_close_matches(normalised, choices, n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def _is_version(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def _shown(value: Any) -> str:
    """A value as it would be written in TOML, trimmed: `"three days"`, `3`, `true`, `a table`."""
    if isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
        return shown if len(shown) <= 60 else shown[:56] + '..."'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)[:60]
