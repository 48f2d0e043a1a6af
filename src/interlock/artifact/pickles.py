"""Pickles in an archive: recognised by their first bytes, and read as a stream when too large to keep.

Loading a pickle calls whatever it names, so a pickle is code; one padded past the in-memory limit
(a few megabytes of bytes before `os.system`) must still be read. Its opcodes are walked as the
member streams out of the archive, and what is kept is the same opcodes with every long argument
cut (a tensor's bytes, a padding string) to its first bytes, lengths rewritten: a small pickle that
any opcode reader walks as it would the whole one. Nothing is unpickled.
"""

from __future__ import annotations

import pickletools
from collections.abc import Callable

from interlock.artifact.limits import EXCERPT_LINE_BYTES, MAX_PICKLE_OPCODES, Deadline
from interlock.artifact.model import Excerpt

PICKLE_SUFFIXES = (".pkl", ".pickle", ".pck", ".pt", ".pth.tar", ".ckpt", ".joblib", ".sav", ".bin", ".data")

ARGUMENT_BYTES = 256
"""A string or bytes argument longer than this keeps only its first this-many bytes in an excerpt: no
module or attribute name is that long, and tensors are megabytes."""

_CHUNK = 1024 * 1024
_PROTOCOL_0_STARTS = (b"c", b"(", b"]", b"}")
# Length-prefixed arguments: the prefix's size, and whether it is signed (pickletools' ArgumentDescriptor.n).
_COUNTED = {
    pickletools.TAKEN_FROM_ARGUMENT1: (1, False),
    pickletools.TAKEN_FROM_ARGUMENT4: (4, True),
    pickletools.TAKEN_FROM_ARGUMENT4U: (4, False),
    pickletools.TAKEN_FROM_ARGUMENT8U: (8, False),
}
_TEXT_ARGUMENTS = frozenset({"unicodestring1", "unicodestring4", "unicodestring8"})
# What a newline-ended argument too long to keep becomes: the shortest value of its kind. (Such a line
# is a padding string or a number of more digits than an unpickler converts: nothing a loader names.)
_SHORTEST_LINE = {
    "stringnl": b"''\n",
    "stringnl_noescape": b"\n",
    "unicodestringnl": b"\n",
    "decimalnl_short": b"0\n",
    "decimalnl_long": b"0L\n",
    "floatnl": b"0\n",
}


def looks_like_pickle(name: str, head: bytes) -> bool:
    """A protocol 2+ pickle by its first bytes, or a file named like one that starts like protocol 0/1."""
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return True
    return name.lower().endswith(PICKLE_SUFFIXES) and head[:1] in _PROTOCOL_0_STARTS


_NO_ARGUMENT, _FIXED, _LINES, _COUNTED_KIND = range(4)


def _argument_kinds() -> list[tuple[int, int, str] | None]:
    """Per opcode byte: its argument's kind, pickletools' `n` for it (for lines, how many), and its
    name; None for a byte that is no opcode."""
    table: list[tuple[int, int, str] | None] = [None] * 256
    for opcode in pickletools.opcodes:
        argument = opcode.arg
        if argument is None:
            table[ord(opcode.code)] = (_NO_ARGUMENT, 0, "")
        elif argument.n >= 0:
            table[ord(opcode.code)] = (_FIXED, argument.n, argument.name)
        elif argument.n == pickletools.UP_TO_NEWLINE:
            lines = 2 if argument.name == "stringnl_noescape_pair" else 1  # GLOBAL and INST: module, name
            table[ord(opcode.code)] = (_LINES, lines, argument.name)
        else:
            table[ord(opcode.code)] = (_COUNTED_KIND, argument.n, argument.name)
    return table


_TABLE = _argument_kinds()
_STOP = ord(".")


class _Walk:
    """The opcodes of a pickle streamed from `read`, copied to `out` as they are except for long
    arguments, which are cut. Most opcodes are copied as runs of the buffer (`span` to `at`): a
    model's pickle holds millions of them."""

    def __init__(self, read: Callable[[int], bytes], first: bytes) -> None:
        self.read = read
        self.buffer = first
        self.at = 0
        """Where the next opcode starts in `buffer`."""
        self.span = 0
        """Where the bytes not yet copied to `out` start (up to `at`)."""
        self.out: list[bytes] = []
        self.size = 0
        self.opcodes = 0
        self.cut = 0

    def kept(self) -> int:
        return self.size + self.at - self.span

    def flush(self) -> None:
        if self.at > self.span:
            self.out.append(self.buffer[self.span : self.at])
            self.size += self.at - self.span
        self.span = self.at

    def ensure(self, count: int) -> bool:
        """At least `count` bytes from `at` in the buffer; False when the stream ends first."""
        while len(self.buffer) - self.at < count:
            more = self.read(_CHUNK)
            if not more:
                return False
            self.flush()
            self.buffer = self.buffer[self.at :] + more
            self.at = self.span = 0
        return True

    def emit(self, *parts: bytes) -> None:
        """Put `parts` in place of the bytes from `span` (the opcode's start) to `at`."""
        for part in parts:
            self.out.append(part)
            self.size += len(part)
        self.span = self.at

    def skip(self, count: int) -> bool:
        """Pass over `count` bytes without keeping them; False when the stream ends first."""
        while count > len(self.buffer) - self.at:
            count -= len(self.buffer) - self.at
            self.buffer, self.at, self.span = self.read(_CHUNK), 0, 0
            if not self.buffer:
                return False
        self.at += count
        self.span = self.at
        return True

    def line(self) -> tuple[bytes, bool] | None:
        """The line at `at`, with its newline, and whether it was longer than `EXCERPT_LINE_BYTES` (then
        only its first bytes are returned); `at` moves past it. None when the stream ends first."""
        while True:
            end = self.buffer.find(b"\n", self.at, self.at + EXCERPT_LINE_BYTES + 1)
            if end >= 0:
                line = self.buffer[self.at : end + 1]
                self.at = self.span = end + 1
                return line, False
            if len(self.buffer) - self.at > EXCERPT_LINE_BYTES:
                break
            if not self.ensure(len(self.buffer) - self.at + 1):
                return None
        # Too long: keep its start, pass over the rest to the newline.
        start = self.buffer[self.at : self.at + EXCERPT_LINE_BYTES]
        while (end := self.buffer.find(b"\n", self.at)) < 0:
            self.buffer, self.at, self.span = self.read(_CHUNK), 0, 0
            if not self.buffer:
                return None
        self.at = self.span = end + 1
        return start, True

    def run(self, limit: int, deadline: Deadline) -> bool:
        """Copy opcodes until STOP or the end (True), or until `limit` bytes or `MAX_PICKLE_OPCODES`
        opcodes are kept (False)."""
        while True:
            if self.opcodes % 100_000 == 0:
                deadline.check()
            if self.opcodes >= MAX_PICKLE_OPCODES or self.kept() >= limit:
                self.flush()
                return False
            if not self.ensure(1):
                self.flush()
                return True
            code = self.buffer[self.at]
            entry = _TABLE[code]
            if entry is None:
                self.flush()
                return True  # not a pickle from here on: an unpickler stops here too
            kind, n, name = entry
            if kind == _NO_ARGUMENT:
                self.at += 1
            elif kind == _FIXED:
                if not self.ensure(1 + n):
                    self.flush()
                    return True
                self.at += 1 + n
            elif not (self._lines(n, name) if kind == _LINES else self._counted(n, name)):
                self.flush()
                return True  # truncated inside an argument
            self.opcodes += 1
            if code == _STOP:
                self.flush()
                return True

    def _lines(self, count: int, kind: str) -> bool:
        """An opcode whose argument is `count` lines, copied with a line too long replaced."""
        self.flush()
        parts = [self.buffer[self.at : self.at + 1]]
        self.at += 1
        self.span = self.at  # from here the opcode is kept in `parts`, not copied from the buffer
        for _ in range(count):
            read = self.line()
            if read is None:
                self.span = self.at
                return False
            line, longer = read
            if longer:
                self.cut += 1
                line = _SHORTEST_LINE.get(kind, b"\n")
            parts.append(line)
        self.emit(*parts)
        return True

    def _counted(self, n: int, kind: str) -> bool:
        width, signed = _COUNTED[n]
        if not self.ensure(1 + width):
            return False
        prefix = self.buffer[self.at + 1 : self.at + 1 + width]
        size = int.from_bytes(prefix, "little", signed=signed)
        if size < 0:
            return False  # pickletools refuses a negative length, and so does an unpickler
        if size <= ARGUMENT_BYTES:
            if not self.ensure(1 + width + size):
                return False
            self.at += 1 + width + size
            return True
        self.flush()
        code = self.buffer[self.at : self.at + 1]
        if not self.ensure(1 + width + ARGUMENT_BYTES):
            return False
        data = self.buffer[self.at + 1 + width : self.at + 1 + width + ARGUMENT_BYTES]
        self.at += 1 + width + ARGUMENT_BYTES
        if kind in _TEXT_ARGUMENTS:
            data = _whole_characters(data)
        self.cut += 1
        self.emit(code, len(data).to_bytes(width, "little", signed=signed), data)
        return self.skip(size - ARGUMENT_BYTES)


def pickle_excerpt(read: Callable[[int], bytes], first: bytes, limit: int, deadline: Deadline) -> Excerpt:
    """The excerpt of the pickle in `first` followed by what `read` gives (see the module's docstring).

    It ends with the pickle's STOP, or where the stream ends or stops being a pickle (as an opcode
    reader stops); `complete` is False when `limit` bytes or `MAX_PICKLE_OPCODES` opcodes were kept
    before that, and the rest was not read.
    """
    walk = _Walk(read, first)
    complete = walk.run(limit, deadline)
    return Excerpt(b"".join(walk.out), walk.cut, complete)


def _whole_characters(data: bytes) -> bytes:
    """`data` without a UTF-8 character cut at its end (the reader decodes what it is given)."""
    for end in range(len(data), max(len(data) - 4, -1), -1):
        try:
            data[:end].decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            continue
        return data[:end]
    return data
