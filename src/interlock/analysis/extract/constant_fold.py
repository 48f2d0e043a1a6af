"""Evaluate the constant decoding chains malware uses to hide payloads — statically.

`exec(zlib.decompress(base64.b64decode('eJy...')[::-1]))` hides its payload from a reader but
not from an evaluator of pure, side-effect-free data transformations. Only decoders and
string operations are evaluated; nothing the input names is ever imported or called.
Output size and nesting are bounded so hostile input cannot exhaust memory or time.
"""

from __future__ import annotations

import ast
import base64
import binascii
import bz2
import codecs
import lzma
import re
import zlib
from collections.abc import Callable, Mapping

from interlock.artifact.limits import MAX_FOLD_DEPTH, MAX_FOLD_OUTPUT

Value = str | bytes

_BYTES_DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "base64.b64decode": base64.b64decode,
    "base64.standard_b64decode": base64.standard_b64decode,
    "base64.urlsafe_b64decode": base64.urlsafe_b64decode,
    "base64.decodebytes": base64.decodebytes,
    "base64.decodestring": base64.decodebytes,
    "base64.b32decode": base64.b32decode,
    "base64.b16decode": lambda data: base64.b16decode(data, casefold=True),
    "base64.a85decode": base64.a85decode,
    "base64.b85decode": base64.b85decode,
    "binascii.a2b_base64": binascii.a2b_base64,
    "binascii.unhexlify": binascii.unhexlify,
    "binascii.a2b_hex": binascii.unhexlify,
    "bytes.fromhex": lambda data: bytes.fromhex(data.decode("ascii")),
    "bytearray.fromhex": lambda data: bytes.fromhex(data.decode("ascii")),
}


_WIDE_FIELD = re.compile(r"%[-+ #0*]*\d{5,}|\{[^{}]*[:!][^{}]*\d{5,}")


def _check_size(size: int) -> None:
    """Refuse before building: checking the length afterwards is too late for a 4 GB string."""
    if size > MAX_FOLD_OUTPUT:
        raise ValueError("folded value too large")


def _check_template(template: str, values: list[FoldResult | None]) -> None:
    """A %- or {}-template can multiply its inputs (`'%9999999999s'`, `'{0}' * 10**6`)."""
    if _WIDE_FIELD.search(template):
        raise ValueError("format field too wide")
    placeholders = template.count("%") + template.count("{")
    longest = max((len(v.value) for v in values if v), default=0)
    _check_size(len(template) + placeholders * longest)


class FoldResult:
    """A folded constant and whether getting it took a decoding step."""

    __slots__ = ("decoded", "value")

    def __init__(self, value: Value, decoded: bool) -> None:
        self.value = value
        self.decoded = decoded


def _bounded_decompress(kind: str, data: bytes) -> bytes:
    if kind == "zlib":
        out = zlib.decompressobj().decompress(data, MAX_FOLD_OUTPUT + 1)
    elif kind == "gzip":
        out = zlib.decompressobj(wbits=31).decompress(data, MAX_FOLD_OUTPUT + 1)
    elif kind == "bz2":
        out = bz2.BZ2Decompressor().decompress(data, MAX_FOLD_OUTPUT + 1)
    else:
        out = lzma.LZMADecompressor().decompress(data, MAX_FOLD_OUTPUT + 1)
    if len(out) > MAX_FOLD_OUTPUT:
        raise ValueError("decompressed payload too large")
    return out


def _as_bytes(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1", errors="replace")


def _as_text(value: Value) -> str:
    return value if isinstance(value, str) else value.decode("utf-8", errors="replace")


class ConstantFolder:
    """Folds expressions to constants given a resolver for call names and known variables."""

    def __init__(self, qualify: Callable[[ast.expr], str | None], variables: Mapping[str, FoldResult]) -> None:
        self._qualify = qualify
        self._variables = variables

    def fold(self, node: ast.expr) -> FoldResult | None:
        try:
            return self._fold(node, 0)
        except (
            ValueError,
            TypeError,
            binascii.Error,
            zlib.error,
            lzma.LZMAError,
            OSError,
            EOFError,
            LookupError,
            OverflowError,
            RecursionError,
            MemoryError,
        ):
            return None

    def _fold(self, node: ast.expr, depth: int) -> FoldResult | None:
        if depth > MAX_FOLD_DEPTH:
            return None
        depth += 1
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            return FoldResult(node.value, False)
        if isinstance(node, ast.Name):
            return self._variables.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._fold_concatenation(node, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return self._fold_percent(node, depth)
        if isinstance(node, ast.JoinedStr):
            return self._fold_fstring(node, depth)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return self._fold_slice(node, depth)
        if isinstance(node, ast.Call):
            return self._fold_call(node, depth)
        if isinstance(node, (ast.List, ast.Tuple)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, int) for e in node.elts
        ):
            # A list of small ints is the raw material of bytes([...]) and chr-joins.
            return None
        return None

    def _fold_concatenation(self, node: ast.BinOp, depth: int) -> FoldResult | None:
        """'a' + 'b' + … folded iteratively: obfuscators chain thousands of one-letter pieces."""
        operands: list[ast.expr] = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            operands.append(node.right)
            node = node.left  # type: ignore[assignment]
        operands.append(node)
        pieces = [self._fold(operand, depth) for operand in reversed(operands)]
        if any(p is None for p in pieces) or len({type(p.value) for p in pieces if p}) != 1:
            return None
        _check_size(sum(len(p.value) for p in pieces if p))
        values = [p.value for p in pieces if p]
        joined = "".join(values) if isinstance(values[0], str) else b"".join(values)  # type: ignore[arg-type]
        return self._result(joined, any(p.decoded for p in pieces if p))

    def _result(self, value: Value, decoded: bool) -> FoldResult:
        if len(value) > MAX_FOLD_OUTPUT:
            raise ValueError("folded value too large")
        return FoldResult(value, decoded)

    def _fold_percent(self, node: ast.BinOp, depth: int) -> FoldResult | None:
        template = self._fold(node.left, depth)
        if template is None or not isinstance(template.value, str):
            return None
        elements = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        values = [self._fold(element, depth) for element in elements]
        if any(v is None or not isinstance(v.value, str) for v in values):
            return None
        _check_template(template.value, values)
        try:
            text = template.value % tuple(v.value for v in values if v)
        except (TypeError, ValueError, KeyError):
            return None
        return self._result(text, template.decoded or any(v.decoded for v in values if v))

    def _fold_fstring(self, node: ast.JoinedStr, depth: int) -> FoldResult | None:
        pieces: list[str] = []
        decoded = False
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                pieces.append(value.value)
                continue
            if not isinstance(value, ast.FormattedValue) or value.format_spec is not None:
                return None
            folded = self._fold(value.value, depth)
            if folded is None or not isinstance(folded.value, str):
                return None
            pieces.append(folded.value)
            decoded = decoded or folded.decoded
        _check_size(sum(len(piece) for piece in pieces))
        return self._result("".join(pieces), decoded)

    def _fold_slice(self, node: ast.Subscript, depth: int) -> FoldResult | None:
        inner = self._fold(node.value, depth)
        slice_ = node.slice
        assert isinstance(slice_, ast.Slice)
        parts: list[int | None] = []
        for part in (slice_.lower, slice_.upper, slice_.step):
            if part is None:
                parts.append(None)
            elif isinstance(part, ast.Constant) and isinstance(part.value, int):
                parts.append(part.value)
            elif (
                isinstance(part, ast.UnaryOp)
                and isinstance(part.op, ast.USub)
                and isinstance(part.operand, ast.Constant)
                and isinstance(part.operand.value, int)
            ):
                parts.append(-part.operand.value)
            else:
                return None
        if inner is None:
            return None
        return self._result(inner.value[slice(*parts)], inner.decoded)

    def _int_list(self, node: ast.expr) -> list[int] | None:
        if isinstance(node, (ast.List, ast.Tuple)) and len(node.elts) <= MAX_FOLD_OUTPUT:
            values = []
            for element in node.elts:
                if not (isinstance(element, ast.Constant) and isinstance(element.value, int)):
                    return None
                values.append(element.value)
            return values
        return None

    def _fold_call(self, node: ast.Call, depth: int) -> FoldResult | None:
        func = node.func
        name = self._qualify(func) or ""
        args = node.args
        if name in _BYTES_DECODERS and args:
            inner = self._fold(args[0], depth)
            return None if inner is None else self._result(_BYTES_DECODERS[name](_as_bytes(inner.value)), True)
        for kind in ("zlib", "gzip", "bz2", "lzma"):
            if name == f"{kind}.decompress" and args:
                inner = self._fold(args[0], depth)
                return None if inner is None else self._result(_bounded_decompress(kind, _as_bytes(inner.value)), True)
        if name == "codecs.decode" and len(args) >= 2:
            return self._fold_codec(args[0], args[1], depth)
        if name == "bytes" and len(args) == 1:
            values = self._int_list(args[0])
            return None if values is None else self._result(bytes(values), True)
        if name == "chr" and len(args) == 1 and isinstance(args[0], ast.Constant) and isinstance(args[0].value, int):
            return self._result(chr(args[0].value), True)
        if name == "shutil.which" and args:
            # Where a program is on PATH: as a command word, that program.
            return self._fold(args[0], depth)
        if isinstance(func, ast.Attribute):
            return self._fold_method(func, args, depth)
        return None

    def _fold_codec(self, data: ast.expr, codec: ast.expr, depth: int) -> FoldResult | None:
        inner = self._fold(data, depth)
        if inner is None or not (isinstance(codec, ast.Constant) and isinstance(codec.value, str)):
            return None
        codec_name = codec.value.lower().replace("-", "_")
        if codec_name in ("rot13", "rot_13"):
            return self._result(codecs.decode(_as_text(inner.value), "rot13"), True)
        if codec_name in ("hex", "hex_codec", "base64", "base64_codec", "zlib", "zlib_codec", "bz2", "bz2_codec"):
            if codec_name.startswith(("zlib", "bz2")):
                return self._result(_bounded_decompress(codec_name[:4].rstrip("_"), _as_bytes(inner.value)), True)
            return self._result(codecs.decode(_as_bytes(inner.value), codec_name), True)
        return None

    def _fold_method(self, func: ast.Attribute, args: list[ast.expr], depth: int) -> FoldResult | None:
        method = func.attr
        if method == "join" and len(args) == 1:
            return self._fold_join(func.value, args[0], depth)
        inner = self._fold(func.value, depth)
        if inner is None:
            return None
        value = inner.value
        if method == "decode" and isinstance(value, bytes):
            codec = (
                args[0].value
                if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
                else "utf-8"
            )
            if codec.lower() in ("hex", "base64", "rot13", "rot_13", "zlib"):
                return self._fold_codec(func.value, args[0], depth)
            return self._result(value.decode(codec, errors="replace"), inner.decoded)
        if method == "encode" and isinstance(value, str):
            return self._result(value.encode("utf-8", errors="replace"), inner.decoded)
        if method in ("strip", "lower", "upper") and not args:
            return self._result(getattr(value, method)(), inner.decoded)
        if method == "format" and isinstance(value, str):
            folded_args = [self._fold(arg, depth) for arg in args]
            if any(a is None or not isinstance(a.value, str) for a in folded_args):
                return None
            _check_template(value, folded_args)
            try:
                text = value.format(*(a.value for a in folded_args if a))
            except (IndexError, KeyError, ValueError):
                return None
            return self._result(text, inner.decoded or any(a.decoded for a in folded_args if a))
        if method == "replace" and len(args) == 2:
            old, new = self._fold(args[0], depth), self._fold(args[1], depth)
            if old is None or new is None or type(old.value) is not type(value) or type(new.value) is not type(value):
                return None
            if old.value:
                _check_size(len(value) + value.count(old.value) * max(0, len(new.value) - len(old.value)))  # type: ignore[arg-type]
            else:
                _check_size(len(value) * (len(new.value) + 1))
            return self._result(value.replace(old.value, new.value), inner.decoded)  # type: ignore[arg-type]
        return None

    def _fold_join(self, separator_node: ast.expr, iterable: ast.expr, depth: int) -> FoldResult | None:
        separator = self._fold(separator_node, depth)
        if separator is None or not isinstance(separator.value, str):
            return None
        pieces = self._chr_sequence(iterable)
        if pieces is not None:
            return self._result(separator.value.join(pieces), True)
        if isinstance(iterable, (ast.List, ast.Tuple)):
            folded = [self._fold(element, depth) for element in iterable.elts]
            if any(f is None or not isinstance(f.value, str) for f in folded):
                return None
            _check_size(sum(len(f.value) for f in folded if f) + len(separator.value) * len(folded))
            return self._result(separator.value.join(f.value for f in folded if f), any(f.decoded for f in folded if f))  # type: ignore[misc]
        return None

    def _chr_sequence(self, node: ast.expr) -> list[str] | None:
        """`map(chr, [..])` or `(chr(c) for c in [..])` over constant ints."""
        codes: list[int] | None = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "map"
            and len(node.args) == 2
        ):
            if isinstance(node.args[0], ast.Name) and node.args[0].id == "chr":
                codes = self._int_list(node.args[1])
        elif isinstance(node, (ast.GeneratorExp, ast.ListComp)) and len(node.generators) == 1:
            element = node.elt
            generator = node.generators[0]
            if (
                isinstance(element, ast.Call)
                and isinstance(element.func, ast.Name)
                and element.func.id == "chr"
                and len(element.args) == 1
                and isinstance(element.args[0], ast.Name)
                and isinstance(generator.target, ast.Name)
                and element.args[0].id == generator.target.id
                and not generator.ifs
            ):
                codes = self._int_list(generator.iter)
        if codes is None or not all(0 <= code < 0x110000 for code in codes):
            return None
        return [chr(code) for code in codes]
