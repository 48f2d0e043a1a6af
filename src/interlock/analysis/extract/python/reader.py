"""Reading one Python file: decode it as Python would, parse it within the memory budget, and
walk it, or scan it line by line when it cannot be parsed."""

from __future__ import annotations

import ast
import io
import re
import tokenize

from interlock.analysis.extract.python.fallback import scan_text_fallback
from interlock.analysis.extract.python.report import FAILED, SourceProblem, SourceReport
from interlock.analysis.extract.python.visitor import SourceVisitor
from interlock.analysis.extract.setup_commands import never_run_by_pip
from interlock.analysis.facts import When
from interlock.artifact.limits import MAX_PARSE_TOKENS

# A string literal (even an unterminated one) counts as one token, so a file that is one big
# constant still parses. No alternative can fail after a long scan (a failure retried at every
# quote would be quadratic), so counting stays linear.
_TOKEN = re.compile(
    r'"""[\s\S]*?(?:"""|\Z)'
    r"|'''[\s\S]*?(?:'''|\Z)"
    r'|"(?:[^"\\\n]|\\[\s\S]?)*+(?:"|$)'
    r"|'(?:[^'\\\n]|\\[\s\S]?)*+(?:'|$)"
    r"|#[^\n]*|\w+|[^\w\s]",
    re.MULTILINE,
)


def decode_source(data: bytes, report: SourceReport) -> str:
    """Decode as Python would (PEP 263 cookie, UTF-8 default); record anything odd."""
    if b"\x00" in data:
        report.problems.append(SourceProblem("null-bytes", 1, "source contains NUL bytes; Python refuses to run it"))
        data = data.replace(b"\x00", b"")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        report.problems.append(SourceProblem("not-utf8", 1, "source is not valid in its declared encoding"))
        return data.decode("latin-1")


def analyse_python(
    path: str,
    data: bytes,
    when: When,
    *,
    everything_runs: bool = False,
    roots: frozenset[str] = frozenset(),
    setup_script: bool = False,
) -> SourceReport:
    """Facts for one Python file whose top level runs at `when`.

    `everything_runs` marks files such as setup.py, where every function exists to be run
    at that time, so function bodies are not demoted to call time. `roots` names functions
    that some other code calls at that time (setup.py calling `mypkg.helpers.fetch()`).
    `setup_script`: the file is an sdist's setup.py as pip runs it, so the commands it defines
    for people to type (`setup.py publish`) run only when called (see `setup_commands.never_run_by_pip`).
    """
    report = SourceReport()
    try:
        text = decode_source(data, report)
        analyse_text(
            path,
            text,
            when,
            everything_runs,
            report,
            payload_depth=0,
            origin=None,
            roots=roots,
            setup_script=setup_script,
        )
    except Exception as exc:
        report.problems.append(SourceProblem(FAILED, 1, f"{type(exc).__name__}: {exc}"[:300]))
    return report


def analyse_text(
    path: str,
    text: str,
    when: When,
    everything_runs: bool,
    report: SourceReport,
    payload_depth: int,
    origin: tuple[int, str] | None,
    scope: str = "<module>",
    roots: frozenset[str] = frozenset(),
    setup_script: bool = False,
) -> None:
    if _count_tokens(text, MAX_PARSE_TOKENS) > MAX_PARSE_TOKENS:
        line = origin[0] if origin else 1
        detail = f"over {MAX_PARSE_TOKENS} tokens: too many to parse within the memory budget; scanned as text"
        report.problems.append(SourceProblem("too-large", line, detail))
        scan_text_fallback(path, text, when, report, origin, scope)
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        if origin is None:
            report.problems.append(
                SourceProblem("unparseable", line, f"not valid Python 3: {str(exc).splitlines()[0][:120]}")
            )
        scan_text_fallback(path, text, when, report, origin, scope)
        return
    except (RecursionError, MemoryError):
        report.problems.append(SourceProblem("too-deep", 1, "nested too deeply for the parser"))
        scan_text_fallback(path, text, when, report, origin, scope)
        return
    analyser = SourceVisitor(
        path, text, when, everything_runs, report, payload_depth, origin, scope, roots, analyse_text
    )
    if setup_script:
        analyser.never_run = never_run_by_pip(tree, text)
    try:
        analyser.run(tree)
    except RecursionError:
        report.problems.append(SourceProblem("too-deep", 1, "expression nested too deeply to analyse completely"))
        scan_text_fallback(path, text, when, report, origin, scope)
    finally:
        # The folder calls back into the analyser: break that cycle so the syntax tree is freed at
        # once even while the cycle collector is paused (see engine.scan_artifact).
        analyser.folder = None  # type: ignore[assignment]


def _count_tokens(text: str, stop: int) -> int:
    """Rough count of tokens, an upper bound on syntax-tree nodes; stops counting past `stop`."""
    if len(text) <= stop:
        return 0  # every token is at least one character: no need to count
    count = 0
    for _ in _TOKEN.finditer(text):
        count += 1
        if count > stop:
            break
    return count
