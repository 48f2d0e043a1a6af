"""pip requirements files (``requirements*.txt``) and the files they include.

Read as pip reads them: a trailing backslash continues a line; ``#`` at the start of a line or
after whitespace starts a comment (``url#egg=x`` is not one); ``${VAR}`` (upper case, digits,
``_``) is replaced by the environment variable when it is set and left as written otherwise.
Each requirement is parsed by ``packaging``; URLs, paths and ``-e`` are ``UNVERIFIABLE``.

Options:

- ``-r``/``--requirement FILE`` and ``-c``/``--constraint FILE`` are read relative to the file
  that names them, at most ``MAX_INCLUDE_DEPTH`` deep; a cycle, a missing file or a URL is an
  error at the including line. A file included twice is read once.
- ``-i``/``--index-url``, ``--extra-index-url`` are recorded (``Lockfile.index_urls``, and on
  every package, since pip applies them to the whole install).
- ``--trusted-host``, ``-f``/``--find-links`` and ``--no-index`` are recorded as problems: they
  change where files come from or whether TLS is checked.
- ``--hash`` (on a requirement's line) gives the allowed files' hashes; pip accepts sha256,
  sha384 and sha512 only, and so does this reader.
- ``--pre``, ``--prefer-binary``, ``--only-binary``, ``--no-binary``, ``--require-hashes``,
  ``--use-feature``, ``--config-settings``, ``--global-option`` change how pip installs but not
  what; they are accepted and ignored. Any other option is an error, as it is for pip.

Constraints (``-c``) only ever narrow requirements, as in pip: a constraint for a package no
requirement names adds nothing (it would pin a transitive dependency the resolver may or may not
pick, which only a resolver knows). A requirement left unpinned that a constraint pins exactly
becomes ``PINNED`` at the constraint's version (``reason`` says which line pinned it), with the
constraint's hashes. The same holds between requirements: ``foo>=1`` in one file and ``foo==1.2``
in another is one package pinned at 1.2. Two different pins for one package (under the same
marker), or a pin outside another requirement's range, is an error, as pip would fail to resolve.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from interlock.lockfiles._fields import EDITABLE, clip, hash_problems, normalise_hash
from interlock.lockfiles._requirement import parse_requirement
from interlock.lockfiles._text import read_text
from interlock.lockfiles.interface import (
    MAX_FILE_BYTES,
    LockedPackage,
    Lockfile,
    LockfileError,
    LockfileFormat,
    LockfileReader,
    PinStatus,
    Problem,
    display_url,
)

MAX_INCLUDE_DEPTH = 16
"""Files nested through ``-r``/``-c`` below the top one; pip has no limit, a hostile chain needs one."""
MAX_FILES = 256
"""Distinct files one requirements file may pull in through its includes."""
MAX_LINE_CHARS = 64 * 1024
"""Longest logical line (after joining continuations); a requirement is never near this."""

# A comment starts at a `#` that begins the line or follows whitespace (pip's rule); a lookbehind
# keeps the search linear where `\s+#` would backtrack quadratically on a long run of spaces.
_COMMENT = re.compile(r"(?:^|(?<=\s))#")
_ENV_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)\}")
_HASH_ALGORITHMS = ("sha256", "sha384", "sha512")

# option spelling -> (canonical name, takes a value)
_OPTIONS: dict[str, tuple[str, bool]] = {
    "-r": ("requirement", True),
    "--requirement": ("requirement", True),
    "-c": ("constraint", True),
    "--constraint": ("constraint", True),
    "-e": ("editable", True),
    "--editable": ("editable", True),
    "-i": ("index-url", True),
    "--index-url": ("index-url", True),
    "--extra-index-url": ("extra-index-url", True),
    "--no-index": ("no-index", False),
    "-f": ("find-links", True),
    "--find-links": ("find-links", True),
    "--trusted-host": ("trusted-host", True),
    "--hash": ("hash", True),
    "--pre": ("pre", False),
    "--prefer-binary": ("prefer-binary", False),
    "--require-hashes": ("require-hashes", False),
    "--only-binary": ("only-binary", True),
    "--no-binary": ("no-binary", True),
    "--use-feature": ("use-feature", True),
    "--config-settings": ("config-settings", True),
    "--global-option": ("global-option", True),
}
_PER_REQUIREMENT = {"hash", "config-settings", "global-option"}
_IGNORED = {"pre", "prefer-binary", "require-hashes", "only-binary", "no-binary", "use-feature"}

# Lines as requirements files hold them, for recognising one under another name.
_REQUIREMENT_LINE = re.compile(
    r"^(?:-[-A-Za-z]|[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\]\s*)?(?:$|[;@<>=!~(])|[A-Za-z][A-Za-z0-9+.-]*://|\.{1,2}/)"
)


class RequirementsReader(LockfileReader):
    format = LockfileFormat.REQUIREMENTS

    def claims_name(self, name: str) -> bool:
        return name.lower().endswith(".txt")

    def claims_content(self, text: str) -> bool:
        lines = [line.text for line in _logical_lines(text)][:50]
        return bool(lines) and all(_REQUIREMENT_LINE.match(line) for line in lines)

    def read(self, path: Path, text: str | None = None) -> Lockfile:
        return read_requirements(path, text=text)


def read_requirements(
    path: Path, *, text: str | None = None, max_depth: int = MAX_INCLUDE_DEPTH, max_bytes: int = MAX_FILE_BYTES
) -> Lockfile:
    """The packages ``path`` (with its includes) asks pip to install; see the module docstring.
    ``text`` is the file's content when already read (standard input: includes are then relative
    to the current directory)."""
    state = _State(max_depth=max_depth, max_bytes=max_bytes)
    state.read_file(Path(path), constraint=False, stack=(), text=text)
    packages = _merge(state.requirements, state.constraints)
    index_urls = tuple(dict.fromkeys(([state.index_url] if state.index_url else []) + state.extra_index_urls))
    packages = [replace(p, index_urls=index_urls) if p.status is not PinStatus.UNVERIFIABLE else p for p in packages]
    return Lockfile(
        path=Path(path),
        format=LockfileFormat.REQUIREMENTS,
        packages=tuple(packages),
        problems=(*state.problems, *hash_problems(packages)),
        index_urls=index_urls,
        files_read=tuple(state.files_read),
    )


@dataclass(frozen=True)
class _Line:
    number: int
    """1-based line the logical line starts on."""
    text: str
    """Continuations joined, comments removed, stripped; ``${VAR}`` not yet expanded."""


def _logical_lines(text: str) -> Iterator[_Line]:
    """Non-empty logical lines: continuations joined (a comment line ends one), comments dropped."""
    pending: list[str] = []
    start = 0
    for number, physical in enumerate(text.splitlines(), start=1):
        is_comment = physical.lstrip().startswith("#")
        if physical.endswith("\\") and not is_comment:
            if not pending:
                start = number
            pending.append(physical[:-1])
            continue
        if pending:
            pending.append(" " + physical if is_comment else physical)
            joined, first = "".join(pending), start
            pending = []
        else:
            joined, first = physical, number
        if cleaned := _without_comment(joined):
            yield _Line(first, cleaned)
    if pending and (cleaned := _without_comment("".join(pending))):
        yield _Line(start, cleaned)


def _without_comment(line: str) -> str:
    comment = _COMMENT.search(line)
    return (line[: comment.start()] if comment else line).strip()


def _expand(text: str) -> str:
    return _ENV_VARIABLE.sub(lambda m: os.environ.get(m[1], m[0]), text)


def _split_requirement(text: str) -> tuple[str, str]:
    """(requirement part, options part): the requirement is every word before the first starting with ``-``."""
    words = text.split(" ")
    for index, word in enumerate(words):
        if word.startswith("-"):
            return " ".join(words[:index]).strip(), " ".join(words[index:])
    return text.strip(), ""


@dataclass
class _State:
    """What reading a requirements file and its includes has gathered so far."""

    max_depth: int
    max_bytes: int
    requirements: list[LockedPackage] = field(default_factory=list)
    constraints: list[LockedPackage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    index_url: str | None = None
    extra_index_urls: list[str] = field(default_factory=list)
    files_read: list[Path] = field(default_factory=list)
    seen: set[tuple[str, bool]] = field(default_factory=set)

    def read_file(self, path: Path, *, constraint: bool, stack: tuple[Path, ...], text: str | None = None) -> None:
        if text is None:
            text = read_text(path, max_bytes=self.max_bytes)
        self.files_read.append(path)
        for line in _logical_lines(text):
            if len(line.text) > MAX_LINE_CHARS:
                raise LockfileError(path, line.number, f"line is longer than {MAX_LINE_CHARS} characters")
            self.read_line(path, line, constraint=constraint, stack=(*stack, path))

    def read_line(self, path: Path, line: _Line, *, constraint: bool, stack: tuple[Path, ...]) -> None:
        written_requirement, _ = _split_requirement(line.text)
        requirement, options_text = _split_requirement(_expand(line.text))
        options = _parse_options(path, line.number, options_text)
        hashes = _hashes(path, line.number, [value for name, value in options if name == "hash"])
        if requirement:
            for name, _value in options:
                if name not in _PER_REQUIREMENT:
                    self.note(path, line.number, f"--{name} on a requirement's line is ignored by pip")
            self.add(parse_requirement(written_requirement, requirement, path, line.number, hashes), constraint)
            return
        if hashes:
            raise LockfileError(path, line.number, "--hash must follow a requirement on the same line")
        for name, value in options:
            self.apply_option(path, line, name, value, constraint=constraint, stack=stack)

    def apply_option(
        self, path: Path, line: _Line, name: str, value: str, *, constraint: bool, stack: tuple[Path, ...]
    ) -> None:
        if name in ("requirement", "constraint"):
            flag = "-c" if name == "constraint" else "-r"
            self.include(path, line.number, flag, value, constraint=constraint or name == "constraint", stack=stack)
        elif name == "editable":
            self.add(parse_requirement(line.text, value, path, line.number, frozenset(), editable=True), constraint)
        elif name == "index-url":
            self.index_url = value
        elif name == "extra-index-url":
            self.extra_index_urls.append(value)
        elif name == "no-index":
            self.note(path, line.number, "--no-index: pip installs only from --find-links locations")
        elif name == "find-links":
            self.note(
                path,
                line.number,
                f"--find-links {display_url(value)}: pip may take files from there as well as from the index",
            )
        elif name == "trusted-host":
            self.note(path, line.number, f"--trusted-host {value}: pip does not check TLS certificates for this host")
        elif name not in _IGNORED and name not in _PER_REQUIREMENT:  # pragma: no cover - every option is handled above
            raise LockfileError(path, line.number, f"unhandled option --{name}")

    def include(
        self, path: Path, number: int, flag: str, value: str, *, constraint: bool, stack: tuple[Path, ...]
    ) -> None:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) and not re.match(r"^[A-Za-z]:[\\/]", value):
            raise LockfileError(
                path,
                number,
                f"{flag} {display_url(value)}: includes from URLs are not followed; download the file and include it",
            )
        target = Path(value).expanduser()
        if not target.is_absolute():
            target = path.parent / target
        real = Path(os.path.realpath(target))
        chain = [Path(os.path.realpath(p)) for p in stack]
        if real in chain:
            cycle = " -> ".join(p.name for p in stack[chain.index(real) :]) + f" -> {target.name}"
            raise LockfileError(path, number, f"include cycle: {cycle}")
        if len(stack) > self.max_depth:
            raise LockfileError(path, number, f"{flag} {value}: includes nested more than {self.max_depth} deep")
        if (str(real), constraint) in self.seen:
            return
        if len(self.seen) >= MAX_FILES:
            raise LockfileError(path, number, f"{flag} {value}: more than {MAX_FILES} included files")
        self.seen.add((str(real), constraint))
        if not target.exists():
            raise LockfileError(path, number, f"{flag} {value}: no such file")
        try:
            self.read_file(target, constraint=constraint, stack=stack)
        except LockfileError as exc:
            if exc.line is None and exc.path == target:  # the file as a whole: say where it was included
                raise LockfileError(path, number, f"{flag} {value}: {exc.message}") from None
            raise

    def add(self, package: LockedPackage, constraint: bool) -> None:
        if constraint:
            _check_constraint(package)
            self.constraints.append(package)
        else:
            self.requirements.append(package)

    def note(self, path: Path, number: int, message: str) -> None:
        self.problems.append(Problem(path, number, message))


def _parse_options(path: Path, number: int, text: str) -> list[tuple[str, str]]:
    """(canonical name, value) for each option on a line; unknown options and missing values are errors."""
    try:
        # shlex reads a character at a time; without quotes or escapes a split on whitespace is the same
        tokens = shlex.split(text) if any(c in text for c in "'\"\\") else text.split()
    except ValueError as exc:
        raise LockfileError(path, number, f"cannot split options {clip(text)!r}: {exc}") from None
    options: list[tuple[str, str]] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        spelling, attached = token, None
        if token.startswith("--") and "=" in token:
            spelling, attached = token.split("=", 1)
        elif token.startswith("-") and not token.startswith("--") and len(token) > 2:
            spelling, attached = token[:2], token[2:]  # `-rfile.txt`, as optparse allows
        if spelling not in _OPTIONS:
            raise LockfileError(path, number, f"unknown option {clip(token)!r}")
        name, takes_value = _OPTIONS[spelling]
        if not takes_value:
            if attached is not None:
                raise LockfileError(path, number, f"option {spelling} takes no value")
            options.append((name, ""))
            continue
        if attached is None:
            if position >= len(tokens):
                raise LockfileError(path, number, f"option {spelling} needs a value")
            attached = tokens[position]
            position += 1
        options.append((name, attached))
    return options


def _hashes(path: Path, number: int, values: list[str]) -> frozenset[str]:
    hashes = set()
    for value in values:
        normal = normalise_hash(value) if ":" in value else None
        if normal is None:
            raise LockfileError(path, number, f"malformed --hash {clip(value)!r} (expected sha256:<64 hex digits>)")
        algorithm = normal.split(":", 1)[0]
        if algorithm not in _HASH_ALGORITHMS:
            raise LockfileError(
                path, number, f"--hash algorithm {algorithm!r} is not one pip accepts ({', '.join(_HASH_ALGORITHMS)})"
            )
        hashes.add(normal)
    return frozenset(hashes)


def _check_constraint(package: LockedPackage) -> None:
    """pip allows only ``NAME SPECIFIER ; MARKER`` in a constraints file."""
    if package.status is PinStatus.UNVERIFIABLE:
        problem = "an editable install" if (package.reason or "").startswith(EDITABLE) else "a URL or path"
        raise LockfileError(
            package.source, package.line, f"a constraint cannot be {problem} ({clip(package.requirement)!r})"
        )
    if package.extras:
        raise LockfileError(
            package.source, package.line, f"a constraint cannot have extras ({clip(package.requirement)!r})"
        )


def _merge(requirements: list[LockedPackage], constraints: list[LockedPackage]) -> list[LockedPackage]:
    """One entry per package and marker: pins applied to ranges, conflicts raised (module docstring)."""
    merged: list[LockedPackage] = []
    slots: dict[tuple[str, str | None], int] = {}
    for package in requirements:
        key = (package.name, str(package.marker) if package.marker else None)
        if package.status is PinStatus.UNVERIFIABLE or key not in slots:
            if package.status is not PinStatus.UNVERIFIABLE:
                slots[key] = len(merged)
            merged.append(package)
            continue
        merged[slots[key]] = _combine(merged[slots[key]], package, constraint=False)
    for constraint in constraints:
        for (name, marker), index in slots.items():
            applies = name == constraint.name and (constraint.marker is None or str(constraint.marker) == marker)
            if applies:
                merged[index] = _combine(merged[index], constraint, constraint=True)
    return merged


def _combine(kept: LockedPackage, other: LockedPackage, *, constraint: bool) -> LockedPackage:
    """``kept`` narrowed by ``other`` (a second requirement or a constraint for the same package)."""
    pinned, ranged = (kept, other) if kept.status is PinStatus.PINNED else (other, kept)
    if pinned.status is not PinStatus.PINNED:
        return kept  # two ranges: still unpinned, the resolver decides
    if ranged.status is PinStatus.PINNED and ranged.version != pinned.version:
        raise _conflict(other, kept)
    if ranged.specifier is not None and not ranged.specifier.contains(pinned.version, prereleases=True):  # type: ignore[arg-type]
        raise _conflict(other, kept)
    hashes = kept.hashes & other.hashes if (kept.hashes and other.hashes) else kept.hashes | other.hashes
    if kept.hashes and other.hashes and not hashes:
        raise LockfileError(
            other.source, other.line, f"no hash allowed here is allowed at {kept.location} as well ({kept.name})"
        )
    if kept.status is PinStatus.PINNED:
        return replace(kept, hashes=hashes, extras=kept.extras | other.extras)
    how = "constraint" if constraint else "requirement"
    return replace(
        kept,
        version=pinned.version,
        status=PinStatus.PINNED,
        hashes=hashes,
        extras=kept.extras | other.extras,
        reason=f"pinned by the {how} '{clip(other.requirement)}' at {other.location}",
    )


def _conflict(here: LockedPackage, there: LockedPackage) -> LockfileError:
    return LockfileError(
        here.source,
        here.line,
        f"conflicting requirements for {here.name}: '{clip(here.requirement)}' here, "
        f"'{clip(there.requirement)}' at {there.location}",
    )
