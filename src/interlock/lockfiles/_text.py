"""Reading a lockfile into text, TOML or JSON: size-capped, and every failure a line-precise ``LockfileError``."""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any, BinaryIO

from interlock.artifact.limits import describe_size
from interlock.lockfiles.interface import MAX_FILE_BYTES, LockfileError

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def read_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's text (UTF-8, a BOM dropped); refuses non-regular files, oversized files and binary data."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise LockfileError(path, None, "no such file") from None
    except OSError as exc:
        raise LockfileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise LockfileError(path, None, "is a directory, not a lockfile")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device could block or never end
        raise LockfileError(path, None, "not a regular file")
    if info.st_size > max_bytes:
        raise LockfileError(
            path,
            None,
            f"file is {describe_size(info.st_size)}, larger than the {describe_size(max_bytes)} a lockfile may be",
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        raise LockfileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise LockfileError(path, None, f"file is larger than the {describe_size(max_bytes)} a lockfile may be")
    return decode(path, data)


def read_stream(stream: BinaryIO, path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a stream (standard input), with the checks ``read_text`` makes; ``path`` names it in messages."""
    try:
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise LockfileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise LockfileError(path, None, f"larger than the {describe_size(max_bytes)} a lockfile may be")
    return decode(path, data)


def is_blank(text: str) -> bool:
    """Whether the text holds nothing but blank lines and ``#`` comments: a lockfile that pins nothing."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text; undecodable bytes or a NUL are an error naming the line (binary data is not a lockfile)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LockfileError(path, line, "not UTF-8 text (binary data?)") from None
    if (nul := text.find("\0")) >= 0:
        raise LockfileError(path, text.count("\n", 0, nul) + 1, "contains a NUL byte (binary data?)")
    return text


def load_toml(path: Path, text: str) -> dict[str, Any]:
    """Parsed TOML; a syntax error names its line, as tomllib reports it."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line = int(position[1]) if position else None
        if position:
            message = f"{message[: position.start()]} (column {position[2]})"
        raise LockfileError(path, line, f"invalid TOML: {message}") from None
    except RecursionError:
        raise LockfileError(path, None, "invalid TOML: nested too deeply") from None


def load_json(path: Path, text: str) -> Any:
    """Parsed JSON; a syntax error names its line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LockfileError(path, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise LockfileError(path, None, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise LockfileError(path, None, f"invalid JSON: {str(exc).split(';')[0]}") from None


def table_lines(text: str, header: str) -> list[int]:
    """1-based lines of each ``[[header]]`` array-of-tables header, in order.

    TOML parsers drop positions; lock writers put one header per entry, so the n-th header is
    the n-th entry. Callers use these only when the count matches the parsed entries.
    """
    pattern = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(header)}[ \t]*\]\][ \t]*(?:#.*)?$", re.MULTILINE)
    lines, line, counted_to = [], 1, 0
    for match in pattern.finditer(text):  # count newlines only since the previous header: linear
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        lines.append(line)
    return lines


def key_line(text: str, start: int | None, key: str) -> int | None:
    """The first line at or after ``start`` that assigns ``key`` in the same table, else ``start``."""
    if start is None:
        return None
    lines = text.splitlines()
    assignment = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=")
    for number in range(start, len(lines)):  # `start` is 1-based: this begins on the line after the header
        line = lines[number]
        if line.lstrip().startswith("["):
            break
        if assignment.match(line):
            return number + 1
    return start
