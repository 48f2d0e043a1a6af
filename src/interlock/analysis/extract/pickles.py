"""What a shipped pickle would call when loaded, read from its opcodes without loading it.

Unpickling runs whatever callables the pickle names (GLOBAL / STACK_GLOBAL, then REDUCE): a model
file naming `os.system` is a program. `pickletools.genops` walks the opcodes without building any
object, so nothing of the file runs here. A pickle too large to keep whole is walked the same way on
its excerpt (`interlock.artifact.pickles`: its opcodes with long arguments cut), which names the
same callables.
"""

from __future__ import annotations

import io
import pickletools
import re

from interlock.artifact.limits import MAX_PICKLE_OPCODES
from interlock.artifact.pickles import looks_like_pickle

__all__ = ["dangerous_calls", "looks_like_pickle"]

# Callables no data file has a reason to name: they start programs, run code or open connections.
_DANGEROUS_MODULES = frozenset(
    {"os", "posix", "nt", "subprocess", "pty", "runpy", "socket", "commands", "webbrowser", "ctypes", "code"}
)
_DANGEROUS_BUILTINS = frozenset({"eval", "exec", "compile", "__import__", "open", "breakpoint"})
_BUILTINS = frozenset({"builtins", "__builtin__"})
_STRING_OPS = frozenset(
    {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING", "BINSTRING", "STRING"}
)
# How a module name appears in a pickle's bytes, opcode included: after GLOBAL or INST
# (`cos\nsystem\n`), or as a string STACK_GLOBAL takes (UNICODE, STRING, or SHORT_BINUNICODE,
# BINUNICODE, BINUNICODE8, SHORT_BINSTRING, BINSTRING with its length). A pickle with none of them names no dangerous
# module, and its opcodes (a second or more for a large model) need not be walked.
_MARKERS = re.compile(
    b"|".join(
        re.escape(marker)
        for module in sorted(_DANGEROUS_MODULES | _BUILTINS)
        for name in [module.encode()]
        for marker in (
            b"c" + name + b"\n",
            b"i" + name + b"\n",
            b"V" + name + b"\n",
            b"S'" + name + b"'",
            b'S"' + name + b'"',
            b"\x8c" + bytes([len(name)]) + name,
            b"X" + len(name).to_bytes(4, "little") + name,
            b"\x8d" + len(name).to_bytes(8, "little") + name,
            b"U" + bytes([len(name)]) + name,
            b"T" + len(name).to_bytes(4, "little") + name,
        )
    )
)


def dangerous_calls(data: bytes) -> list[str]:
    """`module.name` of each dangerous callable the pickle names, in order (a damaged or truncated
    pickle is read as far as it goes)."""
    found: list[str] = []
    if not _MARKERS.search(data):
        return found
    strings: list[str] = []
    memo: dict[int, str] = {}
    try:
        for count, (opcode, argument, _) in enumerate(pickletools.genops(io.BytesIO(data))):
            if count > MAX_PICKLE_OPCODES:
                break
            name = opcode.name
            if name in _STRING_OPS and isinstance(argument, (str, bytes)):
                strings.append(argument if isinstance(argument, str) else argument.decode("latin-1"))
            elif name in ("BINPUT", "LONG_BINPUT", "PUT") and strings and isinstance(argument, (int, str)):
                memo[int(argument)] = strings[-1]
            elif name == "MEMOIZE" and strings:
                memo[len(memo)] = strings[-1]
            elif (
                name in ("BINGET", "LONG_BINGET", "GET") and isinstance(argument, (int, str)) and int(argument) in memo
            ):
                strings.append(memo[int(argument)])
            elif name in ("GLOBAL", "INST") and isinstance(argument, str):
                module, _, attribute = argument.partition(" ")
                _check(module, attribute, found)
            elif name == "STACK_GLOBAL" and len(strings) >= 2:
                _check(strings[-2], strings[-1], found)
    except (ValueError, EOFError, KeyError, TypeError, UnicodeDecodeError, OverflowError):
        pass  # damaged or truncated: what was read before still counts
    return found


def _check(module: str, attribute: str, found: list[str]) -> None:
    root = module.split(".")[0]
    if root in _DANGEROUS_MODULES or (module in _BUILTINS and attribute in _DANGEROUS_BUILTINS):
        found.append(f"{module}.{attribute}")
