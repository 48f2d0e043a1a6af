"""Static evaluation of the constant decoding chains that hide payloads, and its bounds."""

from __future__ import annotations

import ast
import base64
import bz2
import codecs
import gzip
import lzma
import tracemalloc
import zlib

import pytest

from interlock.analysis.extract.constant_fold import ConstantFolder, FoldResult
from interlock.artifact.limits import MAX_FOLD_OUTPUT as MAX_OUTPUT
from tests.builders import analyse


def _qualify(node: ast.expr) -> str | None:
    """Dotted names as written (the analyser resolves aliases; these tests use full names)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _qualify(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def fold(expression: str, **variables: str | bytes | FoldResult) -> FoldResult | None:
    node = ast.parse(expression, mode="eval").body
    known = {
        name: value if isinstance(value, FoldResult) else FoldResult(value, False) for name, value in variables.items()
    }
    return ConstantFolder(_qualify, known).fold(node)


def value(expression: str, **variables: str | bytes | FoldResult) -> tuple[str | bytes, bool]:
    result = fold(expression, **variables)
    assert result is not None, f"{expression[:80]!r} did not fold"
    return result.value, result.decoded


SECRET = "import os; os.system('id')"


# -- string operations: folded, not marked decoded -------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'os.' + 'sys' + 'tem'", "os.system"),
        ("b'ab' + b'cd'", b"abcd"),
        ("'%s.%s' % ('os', 'system')", "os.system"),
        ("'~/%s' % '.ssh'", "~/.ssh"),
        ("'{}.{}'.format('os', 'system')", "os.system"),
        ("'{0}{1}{0}'.format('a', 'b')", "aba"),
        ("f'{a}.{b}'", "os.system"),
        ("'metsys.so'[::-1]", "os.system"),
        ("'xxos.systemxx'[2:-2]", "os.system"),
        ("'o-s-.-s-y-s-t-e-m'[::2]", "os.system"),
        ("'.'.join(['os', 'system'])", "os.system"),
        ("'OS.SYSTEM'.lower()", "os.system"),
        ("'  os.system  '.strip()", "os.system"),
        ("'os#system'.replace('#', '.')", "os.system"),
        ("'os.system'.encode()", b"os.system"),
        ("b'os.system'.decode()", "os.system"),
        ("a + '.' + b", "os.system"),
    ],
)
def test_string_operations_fold(expression: str, expected: str | bytes) -> None:
    assert value(expression, a="os", b="system") == (expected, False)


@pytest.mark.parametrize(
    "expression",
    [
        "unknown + 'x'",
        "'x' + b'y'",
        "'%s' % unknown",
        "'{}'.format(unknown)",
        "f'{unknown}'",
        "f'{a:>10}'",
        "'abc'[unknown:]",
        "'%d' % 'x'",
        "'{2}'.format('a')",
        "len('abc')",
        "open('x').read()",
        "[1, 2, 3]",
    ],
)
def test_what_cannot_be_known_does_not_fold(expression: str) -> None:
    assert fold(expression, a="os") is None


# -- decoders: folded and marked decoded -----------------------------------------------------


ENCODED = {
    "base64.b64decode": base64.b64encode(SECRET.encode()).decode(),
    "base64.urlsafe_b64decode": base64.urlsafe_b64encode(SECRET.encode()).decode(),
    "base64.b32decode": base64.b32encode(SECRET.encode()).decode(),
    "base64.b16decode": base64.b16encode(SECRET.encode()).decode().lower(),
    "base64.b85decode": base64.b85encode(SECRET.encode()).decode(),
    "base64.a85decode": base64.a85encode(SECRET.encode()).decode(),
    "base64.decodebytes": base64.encodebytes(SECRET.encode()).decode(),
    "binascii.unhexlify": SECRET.encode().hex(),
    "binascii.a2b_base64": base64.b64encode(SECRET.encode()).decode(),
    "bytes.fromhex": SECRET.encode().hex(),
}


@pytest.mark.parametrize("decoder", sorted(ENCODED))
def test_byte_decoders(decoder: str) -> None:
    assert value(f"{decoder}({ENCODED[decoder]!r})") == (SECRET.encode(), True)


@pytest.mark.parametrize(
    ("kind", "compress"),
    [("zlib", zlib.compress), ("gzip", gzip.compress), ("bz2", bz2.compress), ("lzma", lzma.compress)],
)
def test_decompression_of_base64_data(kind: str, compress: object) -> None:
    blob = base64.b64encode(compress(SECRET.encode())).decode()  # type: ignore[operator]
    assert value(f"{kind}.decompress(base64.b64decode({blob!r}))") == (SECRET.encode(), True)


def test_reversed_base64_then_zlib_then_decode() -> None:
    blob = base64.b64encode(zlib.compress(SECRET.encode())).decode()[::-1]
    assert value(f"zlib.decompress(base64.b64decode({blob!r}[::-1])).decode()") == (SECRET, True)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (f"codecs.decode({codecs.encode(SECRET, 'rot13')!r}, 'rot13')", SECRET),
        (f"codecs.decode({codecs.encode(SECRET, 'rot13')!r}, 'rot_13')", SECRET),
        (f"codecs.decode({SECRET.encode().hex()!r}, 'hex')", SECRET.encode()),
        (f"codecs.decode({base64.b64encode(SECRET.encode()).decode()!r}, 'base64')", SECRET.encode()),
        (f"codecs.decode({zlib.compress(SECRET.encode())!r}, 'zlib')", SECRET.encode()),
        (f"codecs.decode({bz2.compress(SECRET.encode())!r}, 'bz2_codec')", SECRET.encode()),
        (f"{SECRET.encode().hex().encode()!r}.decode('hex')", SECRET.encode()),
    ],
    ids=["rot13", "rot_13", "hex", "base64", "zlib", "bz2_codec", "bytes-decode-hex"],
)
def test_codecs(expression: str, expected: str | bytes) -> None:
    assert value(expression) == (expected, True)


@pytest.mark.parametrize(
    "expression",
    [
        f"bytes({list(SECRET.encode())})",
        f"''.join(map(chr, {list(SECRET.encode())}))",
        f"''.join(chr(c) for c in {list(SECRET.encode())})",
        f"''.join([chr(c) for c in {tuple(SECRET.encode())}])",
        "".join(f"chr({c}) + " for c in SECRET.encode()) + "''",
    ],
    ids=["bytes-list", "map-chr", "generator-chr", "listcomp-chr", "chr-concatenation"],
)
def test_character_code_assembly(expression: str) -> None:
    folded, decoded = value(expression)
    assert (folded.decode() if isinstance(folded, bytes) else folded) == SECRET
    assert decoded


def test_decoded_flag_survives_later_string_operations() -> None:
    blob = base64.b64encode(b"os.").decode()
    assert value(f"base64.b64decode({blob!r}).decode() + 'system'") == ("os.system", True)
    assert value("x + '.system'", x=FoldResult("os", True)) == ("os.system", True)


@pytest.mark.parametrize(
    "expression",
    [
        "base64.b64decode('not base64!!')",
        "zlib.decompress(b'not zlib')",
        "bytes.fromhex('zz')",
        "bytes([256])",
        "''.join(map(chr, [-1]))",
        "codecs.decode('x', 'no-such-codec')",
    ],
)
def test_invalid_encoded_data_does_not_fold_or_raise(expression: str) -> None:
    assert fold(expression) is None


# -- bounds ----------------------------------------------------------------------------------


def _zlib_bomb(gibibytes: int) -> bytes:
    """A zlib stream inflating to `gibibytes` GiB of zeros, built in milliseconds: the same
    full-flushed 1 MiB block repeated (its trailing checksum is not the real one; a decompressor
    only finds out after producing every byte)."""
    compressor = zlib.compressobj(9)
    block = bytes(1024 * 1024)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + again * (1024 * gibibytes - 1) + compressor.flush()


def test_the_bomb_really_inflates_past_the_bound() -> None:
    bomb = _zlib_bomb(1)
    assert len(bomb) < 2 * 1024 * 1024
    inflated = zlib.decompressobj().decompress(bomb, 8 * MAX_OUTPUT)
    assert len(inflated) == 8 * MAX_OUTPUT and not inflated.strip(b"\0")


@pytest.mark.parametrize("kind", ["zlib", "codecs"])
def test_zlib_bomb_inside_base64_is_refused_without_allocating_gigabytes(kind: str) -> None:
    blob = base64.b64encode(_zlib_bomb(1)).decode()
    expression = (
        "zlib.decompress(base64.b64decode(BLOB))" if kind == "zlib" else "codecs.decode(base64.b64decode(BLOB), 'zlib')"
    )
    tracemalloc.start()
    try:
        result = fold(expression, BLOB=blob)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result is None
    assert peak < 4 * MAX_OUTPUT, f"peak {peak / 2**20:.0f} MiB while refusing a 1 GiB bomb"


def test_output_just_under_the_bound_is_kept() -> None:
    blob = base64.b64encode(zlib.compress(bytes(MAX_OUTPUT))).decode()
    result = fold(f"zlib.decompress(base64.b64decode({blob!r}))")
    assert result is not None and len(result.value) == MAX_OUTPUT


def test_output_just_over_the_bound_is_refused() -> None:
    blob = base64.b64encode(zlib.compress(bytes(MAX_OUTPUT + 1))).decode()
    assert fold(f"zlib.decompress(base64.b64decode({blob!r}))") is None


def test_concatenation_past_the_bound_is_refused() -> None:
    big = FoldResult("a" * (MAX_OUTPUT // 2 + 1), False)
    assert fold("x + x", x=big) is None


@pytest.mark.parametrize("terms", [500, 1500])
def test_deeply_nested_concatenation_does_not_raise(terms: int) -> None:
    expression = " + ".join(["'a'"] * terms)
    node = ast.parse(expression, mode="eval").body
    folder = ConstantFolder(_qualify, {})
    folder.fold(node)  # may give up (None), must not raise


def test_deeply_nested_calls_do_not_raise() -> None:
    expression = "base64.b64decode(" * 200 + "'YQ=='" + ")" * 200
    assert fold(expression) is None


def test_analysing_a_module_of_long_concatenations_does_not_raise() -> None:
    report = analyse("x = " + " + ".join(["'a'"] * 1500) + "\n")
    assert {problem.kind for problem in report.problems} <= {"too-deep"}


def test_long_concatenation_of_short_pieces_folds() -> None:
    expression = " + ".join(repr(ch) for ch in SECRET * 4)
    assert value(expression) == (SECRET * 4, False)


AMPLIFIERS = {
    "percent-width": "'%67108864s' % 'a'",
    "format-width": "'{:>67108864}'.format('a')",
    "join-of-capped-values": "''.join([" + "X, " * 20 + "])",
    "format-of-capped-values": "'" + "{}" * 20 + "'.format(" + "X, " * 20 + ")",
    "percent-of-capped-values": "'" + "%s" * 20 + "' % (" + "X, " * 20 + ")",
    "fstring-of-capped-values": "f'" + "{X}" * 20 + "'",
    "replace-amplifies": "('%2000s' % 'b').replace(' ', '%100000s' % 'a')",
}


@pytest.mark.parametrize("expression", list(AMPLIFIERS.values()), ids=list(AMPLIFIERS))
def test_operations_that_amplify_are_refused_before_allocating(expression: str) -> None:
    capped = FoldResult("a" * (3 * 1024 * 1024), False)
    tracemalloc.start()
    try:
        result = fold(expression, X=capped)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result is None
    assert peak < 3 * MAX_OUTPUT, f"peak {peak / 2**20:.0f} MiB for {len(expression)} characters of source"


def test_analysing_an_amplifying_module_stays_within_the_bound() -> None:
    tracemalloc.start()
    try:
        report = analyse("PAD = '%67108864s' % 'a'\nMORE = PAD.replace(' ', 'ab')\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.facts == []
    assert peak < 3 * MAX_OUTPUT, f"peak {peak / 2**20:.0f} MiB"
