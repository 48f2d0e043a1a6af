"""Decoding and obfuscation as they look in a syntax tree: decoder calls and helpers, strings
assembled from character codes, obfuscators' identifiers and escape-spelled text."""

from __future__ import annotations

import ast
import re

OBFUSCATED_NAME = re.compile(r"(?<![\w.])(?:_{4,}|[Il]{7,}|O[O0]{6,})(?![\w(])")


NON_ASCII_ASSIGNMENT = re.compile(r"^[ \t]*[^\x00-\x7f\s=]+[ \t]*=[^=]", re.MULTILINE)


OBFUSCATED_NAMES_MIN = 20


# "\x70\x72\x69\x6e\x74": printable ASCII spelled as escapes, which only obfuscators write.
ESCAPED_ASCII_RUN = re.compile(r"(?:\\(?:x[2-7][0-9a-fA-F]|1[0-7]{2}|[4-7][0-7])){6,}")


ESCAPED_RUNS_MIN = 10


DECODER_HINT = re.compile(r"b(64|32|16|85)decode|a85decode|decodebytes|decompress|fromhex|unhexlify|a2b_|decrypt")


_DECODER_CALLS = {
    "b64decode", "b32decode", "b16decode", "a85decode", "b85decode", "decodebytes", "urlsafe_b64decode",
    "unhexlify", "a2b_base64", "a2b_hex", "fromhex", "decompress", "decrypt",
}  # fmt: skip


def decoder_functions(tree: ast.Module) -> set[str]:
    """Local helpers such as `def b64d(s): return base64.b64decode(s).decode()`: calling one decodes."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            body = node.body if isinstance(node.body, list) else [node.body]
            calls = {
                (sub.func.attr if isinstance(sub.func, ast.Attribute) else getattr(sub.func, "id", ""))
                for statement in body
                for sub in ast.walk(statement)
                if isinstance(sub, ast.Call)
            }
            if calls & _DECODER_CALLS and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.add(node.name)
    return found


LOOKS_LIKE_CODE = re.compile(r"\bimport\s+\w|\bexec\s*\(|\beval\s*\(|__import__")


_FOLDABLE_METHODS = {"decode", "encode", "join", "replace", "format", "strip", "lower", "upper"}


def may_fold(node: ast.expr) -> bool:
    """Worth trying to fold: literals, concatenations, slices, and string or decoding calls."""
    if isinstance(node, (ast.Constant, ast.BinOp, ast.JoinedStr, ast.Subscript)):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            return func.attr in _FOLDABLE_METHODS or func.attr.endswith(
                ("decode", "decompress", "fromhex", "unhexlify", "which")
            )
        return isinstance(func, ast.Name) and func.id in (
            "bytes",
            "chr",
            "b64decode",
            "decompress",
            "unhexlify",
            "which",
        )
    return False


def is_decode_method(node: ast.Call) -> bool:
    return (
        isinstance(node.func, ast.Attribute)
        and node.func.attr == "decode"
        and len(node.args) >= 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and node.args[0].value.lower().replace("-", "_")
        in ("hex", "base64", "rot13", "rot_13", "zlib", "hex_codec", "base64_codec")
    )


def is_chr_join(node: ast.Call) -> bool:
    """`''.join(map(chr, ...))` or `''.join(chr(c) for c in ...)`."""
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "join" and len(node.args) == 1):
        return False
    argument = node.args[0]
    if (
        isinstance(argument, ast.Call)
        and isinstance(argument.func, ast.Name)
        and argument.func.id == "map"
        and argument.args
    ):
        return isinstance(argument.args[0], ast.Name) and argument.args[0].id == "chr"
    if isinstance(argument, (ast.GeneratorExp, ast.ListComp)):
        element = argument.elt
        return isinstance(element, ast.Call) and isinstance(element.func, ast.Name) and element.func.id == "chr"
    return False


def is_xor_chr(node: ast.Call) -> bool:
    """`chr(ord(c) ^ key)`: one character of an XOR-decoded string."""
    if not (isinstance(node.func, ast.Name) and node.func.id == "chr" and len(node.args) == 1):
        return False
    argument = node.args[0]
    return isinstance(argument, ast.BinOp) and isinstance(argument.op, ast.BitXor)


def obfuscation_marks(text: str) -> list[tuple[str, str]]:
    """(technique, detail) for names like `_____`, `IlIlIl`, a wall of CJK variables, or text
    spelled as escapes: an obfuscator's output."""
    marks = []
    # Cheap substring tests first: the regexes below are costly over megabytes of source.
    odd = 0
    if "____" in text or "IlI" in text or "lIl" in text or "OO0" in text:
        odd += len(OBFUSCATED_NAME.findall(text))
    if not text.isascii():
        odd += len(NON_ASCII_ASSIGNMENT.findall(text))
    if odd >= OBFUSCATED_NAMES_MIN:
        marks.append(("identifiers", f"{odd} obfuscator-style identifiers"))
    if "\\x" in text or "\\1" in text:
        escaped = len(ESCAPED_ASCII_RUN.findall(text))
        if escaped >= ESCAPED_RUNS_MIN:
            marks.append(("escapes", f"{escaped} strings of plain text spelled as escapes"))
    return marks
