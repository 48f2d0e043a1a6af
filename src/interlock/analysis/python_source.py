"""Facts from Python source: what the code can do and when each part of it runs.

The source is parsed with `ast`, never compiled or executed. Imports and aliases are resolved
so `import subprocess as s; s.Popen` and `__import__('os').system` read as what they are;
constant decoding chains are folded and the payloads they hide are analysed in turn.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, field

from interlock.analysis import patterns
from interlock.analysis.constant_fold import ConstantFolder, FoldResult
from interlock.analysis.facts import Capability, Fact, Tag, When
from interlock.analysis.reachability import is_main_guard, reachability
from interlock.analysis.setup_commands import NeverRunByPip, never_run_by_pip
from interlock.analysis.strings import (
    MAX_STRING_SCAN,
    Sighting,
    command_capabilities,
    endpoint_sighting,
    is_blob,
    is_blob_line,
    short,
    string_capabilities,
)

_MAX_PAYLOAD_DEPTH = 3
# ast.parse costs up to ~700 bytes of memory per token ("a,a,a,…" is the worst case): 8 MiB of it
# needs over 5 GB. Above this many tokens (about 1.5 MB of ordinary code) a file is scanned as text.
_MAX_PARSE_TOKENS = 400_000
# Hidden payloads of one file analysed in total: a few kilobytes of source can hold many
# compressed multi-megabyte payloads, each holding more in turn.
_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024
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
_SNIPPET = 160
_OBFUSCATED_NAME = re.compile(r"(?<![\w.])(?:_{4,}|[Il]{7,}|O[O0]{6,})(?![\w(])")
_NON_ASCII_ASSIGNMENT = re.compile(r"^[ \t]*[^\x00-\x7f\s=]+[ \t]*=[^=]", re.MULTILINE)
_OBFUSCATED_NAMES_MIN = 20
# "\x70\x72\x69\x6e\x74": printable ASCII spelled as escapes, which only obfuscators write.
_ESCAPED_ASCII_RUN = re.compile(r"(?:\\(?:x[2-7][0-9a-fA-F]|1[0-7]{2}|[4-7][0-7])){6,}")
_ESCAPED_RUNS_MIN = 10
_DOTTED_NAME = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")
_PYTHON_C = re.compile(r"^(python[\d.]*|sys\.executable)$")


FAILED = "analysis-failed"
"""The kind of problem recorded when the reader itself raised: not a finding about the source."""


@dataclass(frozen=True)
class SourceProblem:
    """Why a source file could not be analysed fully."""

    kind: str
    """`unparseable`, `null-bytes`, `not-utf8` or `too-deep`."""
    line: int
    detail: str


@dataclass
class SourceReport:
    facts: list[Fact] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    local_imports: set[str] = field(default_factory=set)
    """Top-level module names this file imports (to find modules a .pth or setup.py runs)."""
    calls: set[str] = field(default_factory=set)
    """Qualified names this file calls from code that runs when the file does (at import or
    earlier): `memlib.show_popup` called from setup.py means that function of a local module runs
    at install time too. Relative names keep their leading dots (`.z.start`)."""
    imported_modules: set[str] = field(default_factory=set)
    """Dotted modules (and names that may be modules) imported from code that runs when the file
    does, each parent package included; relative ones keep their leading dots (`..util`)."""
    reached: set[str] = field(default_factory=set)
    """Names of the functions and classes whose code runs when the file does: calls into them from
    elsewhere change nothing, so the file need not be analysed again for them."""
    python_runs: set[str] = field(default_factory=set)
    """Modules (`python -m x.y`) and scripts (`python x.py`) this file runs in a new interpreter."""
    payload_bytes: int = 0
    """Bytes of hidden payloads analysed so far (bounded by _MAX_PAYLOAD_BYTES)."""
    payloads_seen: set[int] = field(default_factory=set, repr=False)
    """Hashes of payloads already analysed: the same one is often revealed by several calls."""

    @property
    def failed(self) -> bool:
        """Whether the reader itself raised on this file (see `FAILED`)."""
        return any(problem.kind == FAILED for problem in self.problems)


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
        _analyse_text(
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


def _analyse_text(
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
    if _count_tokens(text, _MAX_PARSE_TOKENS) > _MAX_PARSE_TOKENS:
        line = origin[0] if origin else 1
        detail = f"over {_MAX_PARSE_TOKENS} tokens: too many to parse within the memory budget; scanned as text"
        report.problems.append(SourceProblem("too-large", line, detail))
        _scan_text_fallback(path, text, when, report, origin, scope)
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        if origin is None:
            report.problems.append(
                SourceProblem("unparseable", line, f"not valid Python 3: {str(exc).splitlines()[0][:120]}")
            )
        _scan_text_fallback(path, text, when, report, origin, scope)
        return
    except (RecursionError, MemoryError):
        report.problems.append(SourceProblem("too-deep", 1, "nested too deeply for the parser"))
        _scan_text_fallback(path, text, when, report, origin, scope)
        return
    analyser = _Analyser(path, text, when, everything_runs, report, payload_depth, origin, scope, roots)
    if setup_script:
        analyser.never_run = never_run_by_pip(tree, text)
    try:
        analyser.run(tree)
    except RecursionError:
        report.problems.append(SourceProblem("too-deep", 1, "expression nested too deeply to analyse completely"))
        _scan_text_fallback(path, text, when, report, origin, scope)
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


# Calls seen as plain text, for source that does not parse (Python 2, damaged, or hostile).
_FALLBACK_CALLS: list[tuple[re.Pattern[str], Capability]] = [
    (re.compile(r"\b(os\.system|os\.popen|subprocess\.\w+|Popen)\s*\("), Capability.PROCESS),
    (re.compile(r"(?<![\w.])(exec|eval|execfile)\s*[\( ]"), Capability.EXEC),
    (re.compile(r"\b(b64decode|b32decode|unhexlify|decompress|marshal\.loads|fromhex)\s*\("), Capability.DECODE),
    (
        re.compile(r"\b(urlopen|urlretrieve|requests\.(get|post)|socket\.socket|HTTPS?Connection)\s*\("),
        Capability.NETWORK,
    ),
    (re.compile(r"\b(gethostbyname|getaddrinfo)\s*\("), Capability.DNS),
    (re.compile(r"\b(gethostname|getuser|getlogin|platform\.node)\s*\("), Capability.SYSINFO),
]
# Fields of `os.uname()` / `platform.uname()` that describe the platform (system, release, version,
# machine, processor), by position and by name: all but the host name (index 1, node / nodename).
_UNAME_PLATFORM_INDEXES = frozenset({0, 2, 3, 4, 5})
_UNAME_PLATFORM_FIELDS = frozenset({"sysname", "system", "release", "version", "machine", "processor"})
# A program named bare, to be found on PATH (`db2cli`, `pg_config`): not a path, not a file name
# with an extension (Windows would look for `x.exe` in the current directory first).
_PLAIN_PROGRAM = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*$")
_STRING_LITERAL = re.compile(r"""(?:[rRbBuU]{0,2})("[^"\n]{4,}"|'[^'\n]{4,}')""")


def _scan_text_fallback(
    path: str, text: str, when: When, report: SourceReport, origin: tuple[int, str] | None, scope: str
) -> None:
    """Line-by-line scan used when the AST is unavailable; coarser, never silent."""
    for number, line in enumerate(text.splitlines()[:200_000], start=1):
        if len(line) > MAX_STRING_SCAN:
            line = line[:MAX_STRING_SCAN]
        at_line, snippet = origin if origin else (number, _snippet(line))
        hidden = " (in a hidden payload)" if origin is not None else ""
        in_payload = frozenset({Tag.HIDDEN_PAYLOAD}) if origin is not None else frozenset()
        for pattern, capability in _FALLBACK_CALLS:
            match = pattern.search(line)
            if match:
                # Seen as text, a process's command line is unknown.
                tags = in_payload | {Tag.COMPUTED_COMMAND} if capability is Capability.PROCESS else in_payload
                detail = f"{match.group(0).rstrip('( ')} (text match){hidden}"
                report.facts.append(Fact(capability, when, path, at_line, snippet, detail, scope, tags=tags))
        # In a decoded payload every line may be a shell command; elsewhere only string literals count.
        texts = [line] if origin is not None else [literal.group(1)[1:-1] for literal in _STRING_LITERAL.finditer(line)]
        for text_part in texts:
            for seen in command_capabilities(text_part):
                report.facts.append(
                    Fact(
                        seen.capability,
                        when,
                        path,
                        at_line,
                        snippet,
                        seen.detail + hidden,
                        scope,
                        tags=seen.tags | in_payload,
                        kind=seen.kind,
                        names=seen.names,
                    )
                )
        if "(" in line and is_blob_line(line):
            detail = f"high-entropy line of {len(line)} characters"
            report.facts.append(
                Fact(Capability.OBFUSCATION, when, path, at_line, snippet, detail, scope, tags=in_payload, kind="line")
            )


def _snippet(line: str) -> str:
    line = line.strip()
    if len(line) <= _SNIPPET:
        return line
    return line[: _SNIPPET - 20] + " … " + line[-16:]


class _Analyser(ast.NodeVisitor):
    def __init__(
        self,
        path: str,
        text: str,
        base_when: When,
        everything_runs: bool,
        report: SourceReport,
        payload_depth: int,
        origin: tuple[int, str] | None,
        scope: str,
        roots: frozenset[str],
    ) -> None:
        self.path = path
        self.roots = roots
        self.lines = text.splitlines()
        self.base_when = base_when
        self.everything_runs = everything_runs
        self.report = report
        self.payload_depth = payload_depth
        self.origin = origin
        self.aliases: dict[str, str] = {}
        self.star_modules: list[str] = []
        self.when = base_when
        self.scope = scope
        # Names bound to decoded / downloaded data or constants, per function scope.
        self.tainted: list[dict[str, str]] = [{}]
        self.constants: list[dict[str, FoldResult]] = [{}]
        self.reachable: set[int] = set()
        self.certainly_reachable: set[int] = set()
        self.certain = True
        """False inside functions that are only named, not called, by code that runs (see reachability)."""
        self.folded_concatenations: set[int] = set()
        self.value_calls: list[set[Capability]] = []
        self.decoder_functions: set[str] = set()
        self.call_depth = 0
        self.pyarmor_seen = False
        self.secret_env_names: dict[str, list[str]] = {}
        """Per scope, string constants that name secret-holding environment variables."""
        self.never_run = NeverRunByPip(frozenset(), frozenset())
        """Code of a setup.py that pip never runs (see `analyse_python`'s `setup_script`)."""
        self.platform_probes: set[int] = set()
        """`uname()` calls of which only a field naming the platform is read, not the host's name."""
        self.folder = ConstantFolder(self.qualify, _ChainMap(self.constants))

    # -- entry ---------------------------------------------------------------------------

    def run(self, tree: ast.Module) -> None:
        if not self.everything_runs:
            self.reachable, self.certainly_reachable = reachability(tree, self.roots)
            if self.payload_depth == 0:
                self.report.reached = _reached_names(tree, self.reachable)
        if _DECODER_HINT.search("\n".join(self.lines[:20000])):
            self.decoder_functions = _decoder_functions(tree)
        self.visit(tree)
        if self.payload_depth == 0:
            self._check_identifiers()

    def _check_identifiers(self) -> None:
        """Names like `_____`, `IlIlIl`, a wall of CJK variables, or text spelled as escapes: an obfuscator's output."""
        text = "\n".join(self.lines)
        snippet = _snippet(self.lines[0]) if self.lines else ""
        # Cheap substring tests first: the regexes below are costly over megabytes of source.
        odd = 0
        if "____" in text or "IlI" in text or "lIl" in text or "OO0" in text:
            odd += len(_OBFUSCATED_NAME.findall(text))
        if not text.isascii():
            odd += len(_NON_ASCII_ASSIGNMENT.findall(text))
        if odd >= _OBFUSCATED_NAMES_MIN:
            self.report.facts.append(
                Fact(
                    Capability.OBFUSCATION,
                    self.base_when,
                    self.path,
                    1,
                    snippet,
                    f"{odd} obfuscator-style identifiers",
                    kind="identifiers",
                )
            )
        if "\\x" in text or "\\1" in text:
            escaped = len(_ESCAPED_ASCII_RUN.findall(text))
            if escaped >= _ESCAPED_RUNS_MIN:
                self.report.facts.append(
                    Fact(
                        Capability.OBFUSCATION,
                        self.base_when,
                        self.path,
                        1,
                        snippet,
                        f"{escaped} strings of plain text spelled as escapes",
                        kind="escapes",
                    )
                )

    # -- facts ---------------------------------------------------------------------------

    def add(
        self,
        capability: Capability,
        node: ast.AST,
        detail: str,
        when: When | None = None,
        *,
        tags: frozenset[Tag] = frozenset(),
        kind: str = "",
        names: tuple[str, ...] = (),
    ) -> None:
        if self.origin is not None:
            line, snippet = self.origin
            detail = f"{detail} (in a hidden payload)"
            tags = tags | {Tag.HIDDEN_PAYLOAD}
        else:
            line = getattr(node, "lineno", 1)
            snippet = _snippet(self.lines[line - 1]) if 0 < line <= len(self.lines) else ""
        self.report.facts.append(
            Fact(
                capability,
                self.when if when is None else when,
                self.path,
                line,
                snippet,
                detail,
                self.scope,
                not self.certain,
                tags,
                kind,
                names,
            )
        )

    def add_sighting(self, seen: Sighting, node: ast.AST, when: When | None = None) -> None:
        self.add(seen.capability, node, seen.detail, when, tags=seen.tags, kind=seen.kind, names=seen.names)

    # -- names ---------------------------------------------------------------------------

    def qualify(self, node: ast.expr) -> str | None:
        """Dotted name a callee resolves to, following imports and aliases."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            return node.id
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            callee = self.qualify(node.func)
            first = node.args[0] if node.args else None
            # __import__('os') and importlib.import_module('o' + 's') name the module itself.
            if callee in ("__import__", "importlib.import_module") and first is not None:
                module = self.folder.fold(first)
                if module is not None and isinstance(module.value, str) and _DOTTED_NAME.match(module.value.strip()):
                    return module.value.strip()
            # eval('os.system') evaluates to os.system itself: obfuscators hide callees this way.
            if callee in ("eval", "builtins.eval") and first is not None:
                named = self.folder.fold(first)
                if named is not None and isinstance(named.value, str) and _DOTTED_NAME.match(named.value.strip()):
                    return self.qualify_text(named.value.strip())
            if callee == "getattr" and len(node.args) >= 2:
                attribute = self.folder.fold(node.args[1])
                base = self.qualify(node.args[0])
                if attribute is not None and isinstance(attribute.value, str) and base:
                    return f"{base}.{attribute.value}" if base not in ("__builtins__", "builtins") else attribute.value
            return f"{callee}()" if callee else None
        return None

    def qualify_text(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        base = self.aliases.get(head, head)
        return f"{base}.{rest}" if rest else base

    def _capability_of(self, name: str) -> Capability | None:
        if name in patterns.CALLS:
            return patterns.CALLS[name]
        if name in self.decoder_functions:
            return Capability.DECODE
        if "." not in name:
            for module in self.star_modules:
                candidate = f"{module}.{name}"
                if candidate in patterns.CALLS:
                    return patterns.CALLS[candidate]
        if name in patterns.CLIENT_CONSTRUCTORS:
            return None
        # requests.Session().post, httpx.Client().get: a method of a network library's client.
        head, _, method = name.partition("().")
        if method and head in patterns.CLIENT_CONSTRUCTORS and method in patterns.SENDING_METHODS:
            return Capability.NETWORK
        if method and patterns.CALLS.get(head) is Capability.NETWORK:
            return Capability.NETWORK
        return None

    # -- scopes --------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top
            self.report.local_imports.add(alias.name.split(".")[0])
            if self._runs_with_file():
                self._record_import(alias.name)

    def _runs_with_file(self) -> bool:
        """True in code that runs when the file itself runs (import time or earlier), not in a payload."""
        return (
            self.payload_depth == 0 and self.certain and self.when is self.base_when and self.base_when >= When.IMPORT
        )

    def _record_import(self, dotted: str) -> None:
        """`a.b.c` runs `a`, `a.b` and `a.b.c`; `..x.y` (relative) likewise from `..x`."""
        dots = len(dotted) - len(dotted.lstrip("."))
        parts = dotted[dots:].split(".")
        for end in range(1, len(parts) + 1):
            self.report.imported_modules.add("." * dots + ".".join(parts[:end]))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        pyarmor = (
            module == "pytransform"
            or module.startswith("pyarmor_runtime")
            or any(a.name.startswith("pyarmor_runtime") for a in node.names)
        )
        if pyarmor and not self.pyarmor_seen:
            self.pyarmor_seen = True
            self.add(Capability.OBFUSCATION, node, "PyArmor-protected code", kind="pyarmor")
        if node.level == 0 and module:
            self.report.local_imports.add(module.split(".")[0])
        # Relative imports keep their dots, so the engine can find the sibling module they name.
        source = "." * node.level + module
        separator = "." if module else ""
        record = self._runs_with_file() and source
        if record and module:
            self._record_import(source)
        for alias in node.names:
            if alias.name == "*":
                self.star_modules.append(module)
                continue
            self.aliases[alias.asname or alias.name] = f"{source}{separator}{alias.name}" if source else alias.name
            if record:
                self._record_import(f"{source}{separator}{alias.name}")

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        name = getattr(node, "name", "<lambda>")
        if not isinstance(node, ast.Lambda):
            for decorator in node.decorator_list:
                self.visit(decorator)
        self.visit(node.args)
        if not isinstance(node, ast.Lambda) and node.returns:
            self.visit(node.returns)
        saved = (self.when, self.scope, self.certain)
        if isinstance(node, ast.Lambda):
            pass  # lambdas run where they are used, which is almost always right here
        elif not (self.everything_runs or id(node) in self.reachable) or id(node) in self.never_run.functions:
            self.when = min(self.when, When.CALL)
        if (
            not (isinstance(node, ast.Lambda) or self.everything_runs or id(node) in self.certainly_reachable)
            or id(node) in self.never_run.functions
        ):
            self.certain = False
        self.scope = f"{self.scope}.{name}"
        self.tainted.append({})
        self.constants.append({})
        body = node.body if isinstance(node.body, list) else [node.body]
        for statement in body:
            self.visit(statement)
        self.tainted.pop()
        self.constants.pop()
        self.when, self.scope, self.certain = saved

    visit_FunctionDef = _visit_function  # type: ignore[assignment]
    visit_AsyncFunctionDef = _visit_function  # type: ignore[assignment]
    visit_Lambda = _visit_function  # type: ignore[assignment]

    def visit_If(self, node: ast.If) -> None:
        if (is_main_guard(node.test) and not self.everything_runs) or id(node) in self.never_run.branches:
            saved = self.when
            self.when = min(self.when, When.CALL)
            for statement in node.body:
                self.visit(statement)
            self.when = saved
            for statement in node.orelse:
                self.visit(statement)
            return
        self.generic_visit(node)

    # -- data flow -----------------------------------------------------------------------

    def _taint_of(self, node: ast.AST) -> str | None:
        """'decoded' or 'downloaded' if the expression carries such data."""
        kind = None
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                for scope in reversed(self.tainted):
                    if sub.id in scope:
                        kind = kind or scope[sub.id]
                        break
            elif isinstance(sub, ast.Call):
                name = self.qualify(sub.func) or ""
                capability = self._capability_of(name)
                if capability is Capability.NETWORK:
                    return "downloaded"
                if capability is Capability.DECODE or _is_decode_method(sub) or _is_chr_join(sub):
                    kind = kind or "decoded"
        return kind

    def visit_Assign(self, node: ast.Assign) -> None:
        # Calls inside the value report what they are as they are visited (see visit_Call), which
        # spares a second walk of every assigned expression.
        self.value_calls.append(set())
        self.visit(node.value)
        seen = self.value_calls.pop()
        if self.value_calls:
            self.value_calls[-1] |= seen
        taint = "downloaded" if Capability.NETWORK in seen else "decoded" if Capability.DECODE in seen else None
        if taint is None and any(self.tainted):
            taint = self._taint_of(node.value)
        folded = self.folder.fold(node.value) if _may_fold(node.value) else None
        client = self._client_of(node.value) or self._callable_alias(node.value)
        for target in node.targets:
            self.visit(target)
            if isinstance(target, ast.Name) and client:
                self.aliases[target.id] = client
            if isinstance(target, ast.Name):
                if taint:
                    self.tainted[-1][target.id] = taint
                if folded is not None:
                    self.constants[-1][target.id] = folded
                else:
                    self.constants[-1].pop(target.id, None)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        # `s += chr(ord(c) ^ k)` in a loop builds a value no single fold can know: the name is no
        # longer a constant, and it carries the taint of what was added to it.
        self.value_calls.append(set())
        self.visit(node.value)
        seen = self.value_calls.pop()
        if self.value_calls:
            self.value_calls[-1] |= seen
        self.visit(node.target)
        if not isinstance(node.target, ast.Name):
            return
        self.constants[-1].pop(node.target.id, None)
        taint = "downloaded" if Capability.NETWORK in seen else "decoded" if Capability.DECODE in seen else None
        if taint is None and any(self.tainted):
            taint = self._taint_of(node.value)
        if taint:
            self.tainted[-1][node.target.id] = taint

    def _client_of(self, node: ast.expr) -> str | None:
        """`requests.Session()` → 'requests.Session()', so `s.post` later reads as a network call."""
        if isinstance(node, ast.Call):
            name = self.qualify(node.func)
            if name in patterns.CLIENT_CONSTRUCTORS:
                return f"{name}()"
        return None

    def _callable_alias(self, node: ast.expr) -> str | None:
        """`run = os.system` or `e = eval('eval')`: the name now stands for a dangerous callable."""
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call)):
            name = self.qualify(node)
            if name and (name in patterns.CALLS or name in ("eval", "exec", "compile", "__import__", "getattr")):
                return name
        return None

    def visit_withitem(self, node: ast.withitem) -> None:
        client = self._client_of(node.context_expr)
        if client and isinstance(node.optional_vars, ast.Name):
            self.aliases[node.optional_vars.id] = client
        self.generic_visit(node)

    # -- calls ---------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        self.call_depth += 1
        try:
            self._visit_call(node)
        finally:
            self.call_depth -= 1

    def _visit_call(self, node: ast.Call) -> None:
        name = self.qualify(node.func) or ""
        capability = self._capability_of(name)
        if name == "__pyarmor__" and not self.pyarmor_seen:
            self.pyarmor_seen = True
            self.add(Capability.OBFUSCATION, node, "PyArmor-protected code", kind="pyarmor")
        if "." in name and self._runs_with_file():
            self.report.calls.add(name)
        if self.value_calls:
            if capability is Capability.NETWORK:
                self.value_calls[-1].add(Capability.NETWORK)
            elif capability is Capability.DECODE or _is_decode_method(node) or _is_chr_join(node) or _is_xor_chr(node):
                self.value_calls[-1].add(Capability.DECODE)
        if name in ("exec", "eval", "builtins.exec", "builtins.eval", "execfile") or (
            capability is Capability.EXEC and name.startswith("runpy")
        ):
            self._exec_call(node, name)
        elif capability is Capability.PROCESS:
            self._process_call(node, name)
        elif capability is Capability.CHMOD_EXEC:
            if len(node.args) >= 2 and _has_exec_bits(node.args[1]):
                self.add(Capability.CHMOD_EXEC, node, f"{name} with execute permission")
        elif capability is Capability.DECODE:
            self.add(Capability.DECODE, node, name)
            self._reveal_payload(node)
        elif capability is Capability.SYSINFO and id(node) in self.platform_probes:
            pass  # `os.uname().machine`, `os.uname()[4]`: which build to fetch, not whose machine it is
        elif capability is not None:
            clipboard = capability is Capability.INPUT_CAPTURE and "clip" in name.lower()
            self.add(capability, node, name, tags=frozenset({Tag.CLIPBOARD}) if clipboard else frozenset())
            if capability is Capability.NETWORK and (field := _wallet_secret_field(node)) is not None:
                detail = f"{name} sends the field '{field}'"
                self.add(Capability.CREDENTIALS, node, detail, kind=patterns.WALLET_SECRET_SENT)
            if capability in (Capability.NETWORK, Capability.DNS):
                self._named_endpoint(node)
        elif (
            name in ("__import__", "importlib.import_module")
            and node.args
            and not isinstance(node.args[0], ast.Constant)
        ):
            self.add(Capability.EXEC, node, f"{name} of a computed module name", tags=frozenset({Tag.MODULE_NAME}))
        elif (
            name == "getattr"
            and len(node.args) >= 2
            and self._is_builtins(node.args[0])
            and self.folder.fold(node.args[1]) is None
        ):
            self.add(Capability.EXEC, node, "builtin looked up by a computed name")
        elif _is_decode_method(node):
            self.add(Capability.DECODE, node, f".decode({node.args[0].value!r})")  # type: ignore[attr-defined]
            self._reveal_payload(node)
        elif _is_chr_join(node):
            self.add(Capability.DECODE, node, "string assembled from character codes")
            self._reveal_payload(node)
        elif name == "open" or name.endswith((".write_text", ".write_bytes", ".write")):
            if name != "open" or _opens_for_writing(node):
                self.add(Capability.FILE_WRITE, node, name)
            if name != "open" and node.args:
                self._written_code(node)
        category = patterns.CREDENTIAL_CALLS.get(name) or patterns.CREDENTIAL_CALLS.get(name.split(".")[0])
        if category:
            self.add(Capability.CREDENTIALS, node, f"{category}: {name}", kind=category)
        # Serialising the whole environment is how tokens leave; copying it (for a child process) is routine.
        if (
            name in ("str", "json.dumps", "repr", "pickle.dumps")
            and node.args
            and any(self._is_whole_environment(v) for v in _arguments(node))
        ):
            self.add(Capability.ENV_DUMP, node, f"{name}(os.environ)")
        elif capability is Capability.NETWORK and any(self._is_whole_environment(value) for value in _arguments(node)):
            self.add(Capability.ENV_DUMP, node, f"{name} sends os.environ")
        if name in ("os.getenv", "os.environ.get", "os.environ.pop", "os.environ.setdefault") and node.args:
            self._env_read(node, node.args[0])
        self.generic_visit(node)

    def _named_endpoint(self, node: ast.Call) -> None:
        """The address a request goes to, when the source names it elsewhere (`WEBHOOK = "https://…"`
        at module level, `requests.post(WEBHOOK)` at import): the constant alone reads as data for
        later, so the endpoint is noted again where the request is made."""
        target = node.args[0] if node.args else _keyword(node, "url")
        if target is None or isinstance(target, ast.Constant):
            return  # a literal is checked where it stands
        folded = self.folder.fold(target)
        text = folded.value if folded is not None and isinstance(folded.value, str) else _literal_parts(target)
        if patterns.is_exfil_endpoint(text):
            self.add_sighting(endpoint_sighting(text), node)

    def _env_read(self, node: ast.AST, key: ast.expr) -> None:
        """A secret-named environment variable read (`os.environ['GITHUB_TOKEN']`, `os.getenv('X_API_KEY')`),
        or one read by a name not known here, in code that names such variables (`for k in KEYS: os.getenv(k)`)."""
        folded = self.folder.fold(key)
        if folded is not None and isinstance(folded.value, str):
            if patterns.SECRET_ENV_NAME.search(folded.value):
                detail = f"the environment variable {short(folded.value, 60)}"
                self.add(Capability.ENV_SECRET, node, detail, names=(folded.value,))
        elif named := self.secret_env_names.get(self.scope):
            unique = tuple(dict.fromkeys(named))
            detail = f"environment variables named in this code ({short(', '.join(unique), 60)})"
            self.add(Capability.ENV_SECRET, node, detail, names=unique)

    def _visit_comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> None:
        # {k: v for k, v in os.environ.items() if 'TOKEN' in k}: the environment, entry by entry. A
        # filter on the program's own prefix (`k.startswith('COV_CORE')`, pytest-cov) is configuration.
        for generator in node.generators:
            # Names iterated over are known before the element reads them: `{k: os.getenv(k) for k in ("A_TOKEN", …)}`.
            for sub in ast.walk(generator.iter):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and _is_secret_env_name(sub.value):
                    self.secret_env_names.setdefault(self.scope, []).append(sub.value)
        for generator in node.generators:
            iterated = generator.iter
            if (
                isinstance(iterated, ast.Call)
                and not iterated.args
                and self.qualify(iterated.func) in ("os.environ.items", "os.environ.keys", "os.environ.values")
            ):
                iterated = iterated.func.value  # type: ignore[attr-defined]
            if self.qualify(iterated) != "os.environ":
                continue
            kept_by = [
                sub.value
                for test in generator.ifs
                for sub in ast.walk(test)
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
            ]
            if not generator.ifs or any(patterns.SECRET_ENV_WORD.search(text) for text in kept_by):
                self.add(Capability.ENV_DUMP, node, "entries of os.environ collected one by one")
                break
        self.generic_visit(node)

    visit_ListComp = _visit_comprehension  # type: ignore[assignment]
    visit_SetComp = _visit_comprehension  # type: ignore[assignment]
    visit_DictComp = _visit_comprehension  # type: ignore[assignment]
    visit_GeneratorExp = _visit_comprehension  # type: ignore[assignment]

    def _is_whole_environment(self, node: ast.expr) -> bool:
        """`os.environ`, `dict(os.environ)` or `os.environ.copy()`."""
        if isinstance(node, ast.Call):
            callee = self.qualify(node.func)
            if callee == "os.environ.copy":
                return True
            return callee == "dict" and len(node.args) == 1 and self.qualify(node.args[0]) == "os.environ"
        return self.qualify(node) == "os.environ"

    def _is_builtins(self, node: ast.expr) -> bool:
        name = self.qualify(node)
        return name in ("__builtins__", "builtins", "globals()", "vars()", "locals()")

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if (
            self._is_uname(node.value)
            and isinstance(node.slice, ast.Constant)
            and node.slice.value in _UNAME_PLATFORM_INDEXES
        ):
            self.platform_probes.add(id(node.value))
        if (
            isinstance(node.ctx, ast.Load)
            and isinstance(node.value, (ast.Attribute, ast.Name))
            and self.qualify(node.value) == "os.environ"
        ):
            self._env_read(node, node.slice)
        # globals()['ex' + 'ec'] / __builtins__.__dict__[name]: a builtin fetched by computed key.
        base = self.qualify(node.value)
        if base in ("globals()", "vars()", "locals()", "__builtins__.__dict__", "builtins.__dict__", "__builtins__"):
            key = self.folder.fold(node.slice) if isinstance(node.slice, ast.expr) else None
            if key is None or (isinstance(key.value, str) and key.value in ("exec", "eval", "__import__", "compile")):
                self.add(Capability.EXEC, node, f"{base}[…] used to reach a builtin")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in _UNAME_PLATFORM_FIELDS and self._is_uname(node.value):
            self.platform_probes.add(id(node.value))
        self.generic_visit(node)

    def _is_uname(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and self.qualify(node.func) in ("os.uname", "platform.uname")

    def _exec_call(self, node: ast.Call, name: str) -> None:
        if not node.args:
            return
        argument = node.args[0]
        if isinstance(argument, ast.Call) and self.qualify(argument.func) == "compile" and argument.args:
            argument = argument.args[0]
        folded = self.folder.fold(argument)
        taint = self._taint_of(argument)
        if taint == "downloaded":
            self.add(Capability.DOWNLOAD_EXEC, node, f"{name} of data fetched from the network")
        elif taint == "decoded" or (folded is not None and folded.decoded):
            self.add(Capability.DECODED_EXEC, node, f"{name} of decoded data")
        elif (data_file := self._data_file_read(argument)) is not None:
            # exec(open('pkg/version.py').read()) is an old setup.py idiom; code kept in a data file is hidden.
            self.add(Capability.DECODED_EXEC, node, f"{name} of code hidden in the data file {data_file}")
        elif folded is None:
            self.add(Capability.EXEC, node, f"{name} of a computed string")
        else:
            self.add(Capability.EXEC, node, f"{name} of literal code", tags=frozenset({Tag.LITERAL_CODE}))
        if folded is None:
            pass
        elif (
            isinstance(folded.value, str)
            and _DOTTED_NAME.match(folded.value.strip())
            and not isinstance(argument, ast.Constant)
        ):
            detail = f"{name}() assembles the name {folded.value.strip()!r} to hide it"
            self.add(Capability.OBFUSCATION, node, detail, kind="assembled-name")
        if folded is not None:
            self._analyse_payload(folded, node)

    def _process_call(self, node: ast.Call, name: str) -> None:
        command = node.args[0] if node.args else _keyword(node, "args")
        words = self._command_words(command)
        if all(word == "…" for word in words):
            words = []  # nothing of the command is known
        program = words[0].rsplit("/", 1)[-1] if words else ""
        detail = f"{name}: {short(' '.join(words), 80)}" if words else name
        tags: set[Tag] = set() if words else {Tag.COMPUTED_COMMAND}
        if any("python" in word or word == "sys.executable" for word in words):
            tags.add(Tag.RUNS_PYTHON)
        if words and _is_build_step(program, words) and not self._python_dash_c(words, command):
            detail += " (build tool)"
            tags.add(Tag.BUILD_TOOL)
        elif words and self._names_its_program(command) and _runs_program_from_path(words):
            detail += " (program from PATH)"
            tags.add(Tag.PROGRAM_FROM_PATH)
        if words and program in patterns.RECON_COMMANDS:
            self.add(Capability.SYSINFO, node, f"{name}: {short(' '.join(words), 80)} (host reconnaissance)")
        self.add(Capability.PROCESS, node, detail, tags=frozenset(tags), names=tuple(words))
        if len(words) >= 2 and _PYTHON_C.match(program):
            if words[1] == "-m" and len(words) >= 3:
                self.report.python_runs.add(words[2])
            elif words[1].endswith(".py"):
                self.report.python_runs.add(words[1])
        if command is not None and not self._python_dash_c(words, command):
            folded_command = self.folder.fold(command) if not isinstance(command, (ast.List, ast.Tuple)) else None
            if self._taint_of(command) == "decoded" or (folded_command is not None and folded_command.decoded):
                detail = f"{name} of a decoded command line"
                self.add(Capability.DECODED_EXEC, node, detail, tags=frozenset({Tag.DECODED_COMMAND}))
            elif self._taint_of(command) == "downloaded":
                self.add(Capability.DOWNLOAD_EXEC, node, f"{name} of a command fetched from the network")
        joined = " ".join(words)
        for seen in command_capabilities(joined):
            self.add_sighting(seen, node)
        if command is not None and self._python_dash_c(words, command):
            # [sys.executable, '-c', code]: the code argument is as good as exec'd.
            code = command.elts[2] if isinstance(command, (ast.List, ast.Tuple)) and len(command.elts) > 2 else None
            if code is not None:
                folded = self.folder.fold(code)
                taint = self._taint_of(code)
                if taint == "downloaded":
                    self.add(Capability.DOWNLOAD_EXEC, node, "python -c with data fetched from the network")
                elif taint == "decoded" or (folded is not None and folded.decoded):
                    self.add(Capability.DECODED_EXEC, node, "python -c with decoded code")
                if folded is not None:
                    self._analyse_payload(folded, node)

    def _data_file_read(self, node: ast.expr) -> str | None:
        """The name of a non-Python file whose contents `node` reads (`open('x.dat').read()`,
        `pkgutil.get_data(pkg, 'x.bin')`, `Path('x.png').read_bytes()`), if it names one."""
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call):
                continue
            callee = self.qualify(sub.func) or ""
            if callee in ("open", "io.open", "codecs.open", "pathlib.Path", "Path", "pkgutil.get_data") and sub.args:
                target = sub.args[-1] if callee == "pkgutil.get_data" else sub.args[0]
                folded = self.folder.fold(target)
                if folded is not None and isinstance(folded.value, str) and not folded.value.endswith((".py", ".pyw")):
                    return folded.value
        return None

    def _python_dash_c(self, words: list[str], command: ast.expr | None) -> bool:
        return len(words) >= 2 and bool(_PYTHON_C.match(words[0].rsplit("/", 1)[-1])) and words[1] == "-c"

    def _names_its_program(self, command: ast.expr | None) -> bool:
        """Whether the command's first word is written in the source (not a variable such as a path)."""
        if (
            isinstance(command, ast.BinOp)
            and isinstance(command.op, ast.Add)
            and isinstance(command.left, (ast.List, ast.Tuple))
        ):
            command = command.left
        if command is None:
            return False
        if isinstance(command, (ast.List, ast.Tuple)):
            first = self.folder.fold(command.elts[0]) if command.elts else None
            return first is not None and isinstance(first.value, str)
        if self.folder.fold(command) is not None:
            return True
        words = _literal_parts(command).split()
        return bool(words) and "…" not in words[0]

    def _command_words(self, command: ast.expr | None) -> list[str]:
        if command is None:
            return []
        if (
            isinstance(command, ast.BinOp)
            and isinstance(command.op, ast.Add)
            and isinstance(command.left, (ast.List, ast.Tuple))
        ):
            return [*self._command_words(command.left), "…"]  # ['cmake', '-S', src] + args
        if isinstance(command, (ast.List, ast.Tuple)):
            words = []
            for element in command.elts:
                folded = self.folder.fold(element)
                if folded is not None:
                    words.append(folded.value if isinstance(folded.value, str) else folded.value.decode("latin-1"))
                else:
                    words.append(self.qualify(element) or "…")
            return words
        folded = self.folder.fold(command)
        if folded is not None:
            value = folded.value if isinstance(folded.value, str) else folded.value.decode("latin-1")
            return value.split()
        return _literal_parts(command).split()

    # -- payloads ------------------------------------------------------------------------

    def _written_code(self, node: ast.Call) -> None:
        """Python source written to a file (to be run next) is analysed as if it ran here."""
        folded = self.folder.fold(node.args[0])
        if folded is None:
            return
        text = folded.value if isinstance(folded.value, str) else folded.value.decode("utf-8", errors="replace")
        if len(text) >= 16 and _LOOKS_LIKE_CODE.search(text):
            self._analyse_payload(folded, node)

    def _reveal_payload(self, node: ast.Call) -> None:
        if self.report.payload_bytes >= _MAX_PAYLOAD_BYTES:
            return  # folding (decompressing) costs time even when the result would not be analysed
        folded = self.folder.fold(node)
        if folded is not None:
            self._analyse_payload(folded, node)

    def _analyse_payload(self, folded: FoldResult, node: ast.AST) -> None:
        if self.payload_depth >= _MAX_PAYLOAD_DEPTH:
            return
        value = folded.value
        text = value if isinstance(value, str) else value.decode("utf-8", errors="replace")
        if not text.strip() or hash(text) in self.report.payloads_seen:
            return
        if self.report.payload_bytes + len(text) > _MAX_PAYLOAD_BYTES:
            if self.report.payload_bytes < _MAX_PAYLOAD_BYTES:
                line = self.origin[0] if self.origin else getattr(node, "lineno", 1)
                detail = f"hidden payloads over {_MAX_PAYLOAD_BYTES // (1024 * 1024)} MiB in total; the rest are not analysed"
                self.report.problems.append(SourceProblem("too-large", line, detail))
                self.report.payload_bytes = _MAX_PAYLOAD_BYTES
            return
        self.report.payloads_seen.add(hash(text))
        self.report.payload_bytes += len(text)
        origin = self.origin or (
            getattr(node, "lineno", 1),
            _snippet(self.lines[getattr(node, "lineno", 1) - 1]) if self.lines else "",
        )
        _analyse_text(self.path, text, self.when, True, self.report, self.payload_depth + 1, origin, self.scope)

    # -- strings -------------------------------------------------------------------------

    def visit_Expr(self, node: ast.Expr) -> None:
        # A bare string statement is a docstring or a comment: prose, not behaviour.
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return
        self.generic_visit(node)

    def _data_when(self) -> When:
        """A constant in a module-level table is data; it acts wherever it is used, typically in a
        function called later. One passed to a call at module level acts now."""
        if self.scope == "<module>" and not self.call_depth and not self.everything_runs and self.payload_depth == 0:
            return min(self.when, When.CALL)
        return self.when

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(value, str):
            return
        when = self._data_when()
        for seen in string_capabilities(value):
            self.add_sighting(seen, node, when)
        if _is_secret_env_name(value):
            self.secret_env_names.setdefault(self.scope, []).append(value)
        if is_blob(value):
            self.add(Capability.OBFUSCATION, node, f"high-entropy blob of {len(value)} characters", kind="blob")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        when = self._data_when()
        for seen in string_capabilities(literal):
            self.add_sighting(seen, node, when)
        for value in node.values:
            if not isinstance(value, ast.Constant):
                self.visit(value)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        # '~/.s' + 'sh/id_rsa': a concatenation of constants is checked as one string, once.
        if isinstance(node.op, ast.Add) and id(node) not in self.folded_concatenations:
            self.folded_concatenations.update(id(sub) for sub in ast.walk(node) if isinstance(sub, ast.BinOp))
            folded = self.folder.fold(node)
            if folded is not None and isinstance(folded.value, str):
                when = self._data_when()
                for seen in string_capabilities(folded.value):
                    self.add_sighting(seen, node, when)
        self.generic_visit(node)


class _ChainMap(dict):  # type: ignore[type-arg]
    """Read-only view looking a name up from the innermost scope outward."""

    def __init__(self, scopes: list[dict[str, FoldResult]]) -> None:
        super().__init__()
        self._scopes = scopes

    def get(self, key: str, default: FoldResult | None = None) -> FoldResult | None:  # type: ignore[override]
        for scope in reversed(self._scopes):
            if key in scope:
                return scope[key]
        return default


_DECODER_HINT = re.compile(r"b(64|32|16|85)decode|a85decode|decodebytes|decompress|fromhex|unhexlify|a2b_|decrypt")
_DECODER_CALLS = {
    "b64decode", "b32decode", "b16decode", "a85decode", "b85decode", "decodebytes", "urlsafe_b64decode",
    "unhexlify", "a2b_base64", "a2b_hex", "fromhex", "decompress", "decrypt",
}  # fmt: skip


def _decoder_functions(tree: ast.Module) -> set[str]:
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


_LOOKS_LIKE_CODE = re.compile(r"\bimport\s+\w|\bexec\s*\(|\beval\s*\(|__import__")
_FOLDABLE_METHODS = {"decode", "encode", "join", "replace", "format", "strip", "lower", "upper"}


def _may_fold(node: ast.expr) -> bool:
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


_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")


def _is_secret_env_name(text: str) -> bool:
    """`GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`: written like an environment variable, named like a secret."""
    return bool(_ENV_NAME.match(text)) and bool(patterns.SECRET_ENV_NAME.search(text))


_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")

# Programs that run whatever they are given: naming one of them bare says nothing about what runs.
_LAUNCHERS = frozenset(
    [
        "sh",
        "bash",
        "zsh",
        "dash",
        "ksh",
        "csh",
        "tcsh",
        "fish",
        "ash",
        "busybox",
        "cmd",
        "powershell",
        "pwsh",
        "py",
        "node",
        "nodejs",
        "deno",
        "bun",
        "perl",
        "ruby",
        "php",
        "lua",
        "java",
        "javaw",
        "wscript",
        "cscript",
        "mshta",
        "rundll32",
        "regsvr32",
        "msiexec",
        "start",
        "open",
        "xdg-open",
        "nohup",
        "setsid",
        "env",
        "sudo",
        "su",
        "doas",
        "runas",
        "nice",
        "ionice",
        "timeout",
        "xargs",
        "watch",
        "exec",
        "eval",
        "source",
        "osascript",
        "launchctl",
        "systemctl",
        "crontab",
        "at",
        "schtasks",
        "sc",
        "reg",
        "bitsadmin",
        "certutil",
        "curl",
        "wget",
        "chmod",
        "screen",
        "tmux",
        "installutil",
        "regasm",
        "regsvcs",
        "msbuild",
        "cmstp",
        "wmic",
        "forfiles",
        "pcalua",
        "explorer",
    ]
)
_INTERPRETER = re.compile(r"^(python|pypy|jython|ipython)\d*$")
_SHELL_SYNTAX = re.compile(r"[;&|`$<>()\n]")


def _runs_program_from_path(words: list[str]) -> bool:
    """`db2cli validate`, `['chtag', '-tc', '1047', f]`: one program named bare, that runs nothing it is handed."""
    program = words[0]
    return (
        bool(_PLAIN_PROGRAM.match(program))
        and program.lower() not in _LAUNCHERS
        and not _INTERPRETER.match(program.lower())
        and not any(_SHELL_SYNTAX.search(word) for word in words)
    )


def _is_build_step(program: str, words: list[str]) -> bool:
    if program in patterns.BUILD_TOOLS:
        return True
    # pkg-config's kin (mecab-config, llvm-config, pg_config) report where a library is installed.
    if _PLAIN_PROGRAM.match(program) and program.endswith(("-config", "_config")) and words[0] == program:
        return True
    # `rm -rf build dist` in a release helper; removing anything under / or ~ is not a build step.
    return program == "rm" and all(not w.startswith(("/", "~", "$", "…")) for w in words[1:])


def _literal_parts(node: ast.expr) -> str:
    """The constant text of an f-string, concatenation or `str.format` template whose variable
    parts are unknown ('…')."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _FORMAT_FIELD.sub("…", _literal_parts(node.func.value))
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "…" for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _literal_parts(node.left) + _literal_parts(node.right)
    return "…"


def _arguments(node: ast.Call) -> list[ast.expr]:
    """A call's arguments and keyword values, and one level into dicts and lists given there
    (`json={"env": dict(os.environ)}`)."""
    values = [*node.args, *(keyword.value for keyword in node.keywords)]
    nested = [
        item
        for value in values
        if isinstance(value, (ast.Dict, ast.List, ast.Tuple))
        for item in (value.values if isinstance(value, ast.Dict) else value.elts)
    ]
    return [*values, *(item for item in nested if item is not None)]


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    for keyword in node.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _is_decode_method(node: ast.Call) -> bool:
    return (
        isinstance(node.func, ast.Attribute)
        and node.func.attr == "decode"
        and len(node.args) >= 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and node.args[0].value.lower().replace("-", "_")
        in ("hex", "base64", "rot13", "rot_13", "zlib", "hex_codec", "base64_codec")
    )


def _is_chr_join(node: ast.Call) -> bool:
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


def _reached_names(tree: ast.Module, reachable: set[int]) -> set[str]:
    """Names of reached functions, and of classes whose constructor was reached."""
    names = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and id(statement) in reachable:
            names.add(statement.name)
        elif isinstance(statement, ast.ClassDef):
            if any(
                id(child) in reachable
                for child in statement.body
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            ):
                names.add(statement.name)
    return names


def _wallet_secret_field(call: ast.Call) -> str | None:
    """The key of a literal payload dict (`json={"mnemonic": m}`) that names a wallet secret."""
    payloads = [keyword.value for keyword in call.keywords if keyword.arg in patterns.PAYLOAD_KEYWORDS]
    payloads += call.args[1:]
    for payload in payloads:
        if not isinstance(payload, ast.Dict):
            continue
        for key in payload.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if key.value.lower().replace("_", "").replace("-", "") in patterns.WALLET_SECRET_FIELDS:
                    return key.value
    return None


def _is_xor_chr(node: ast.Call) -> bool:
    """`chr(ord(c) ^ key)`: one character of an XOR-decoded string."""
    if not (isinstance(node.func, ast.Name) and node.func.id == "chr" and len(node.args) == 1):
        return False
    argument = node.args[0]
    return isinstance(argument, ast.BinOp) and isinstance(argument.op, ast.BitXor)


def _opens_for_writing(node: ast.Call) -> bool:
    mode = node.args[1] if len(node.args) >= 2 else _keyword(node, "mode")
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(c in mode.value for c in "wax+")


def _has_exec_bits(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return bool(node.value & 0o111)
    return any(
        isinstance(sub, (ast.Name, ast.Attribute)) and re.search(r"S_IX|S_IEXEC|S_IRWX", ast.unparse(sub))
        for sub in ast.walk(node)
    )
