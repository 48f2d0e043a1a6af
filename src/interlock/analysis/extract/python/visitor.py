"""The walk over one syntax tree: every call, import, assignment and constant, with when it runs.

Reachability (`..reachability`) says which functions run at import; names are resolved through
imports and aliases; data decoded or downloaded is followed into exec and processes; payloads
hidden in constants are folded and handed back to the reader to analyse as code in turn.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from interlock.analysis.extract import patterns
from interlock.analysis.extract.constant_fold import ConstantFolder, FoldResult
from interlock.analysis.extract.python.commands import (
    PYTHON_C,
    is_build_step,
    literal_parts,
    runs_program_from_path,
)
from interlock.analysis.extract.python.decoders import (
    DECODER_HINT,
    LOOKS_LIKE_CODE,
    decoder_functions,
    is_chr_join,
    is_decode_method,
    is_xor_chr,
    may_fold,
    obfuscation_marks,
)
from interlock.analysis.extract.python.fallback import snippet_of
from interlock.analysis.extract.python.report import SourceProblem, SourceReport
from interlock.analysis.extract.reachability import is_main_guard, reachability
from interlock.analysis.extract.setup_commands import NeverRunByPip
from interlock.analysis.extract.strings import (
    Sighting,
    command_capabilities,
    endpoint_sighting,
    is_blob,
    short,
    string_capabilities,
)
from interlock.analysis.facts import Capability, Fact, Tag, When
from interlock.artifact.limits import MAX_PAYLOAD_BYTES, MAX_PAYLOAD_DEPTH

PayloadReader = Callable[..., None]
"""The reader's `analyse_text`, which the visitor calls for each payload it reveals."""


# Calls that return the module they name (`builtins.__import__` bound to a name is the same call).
_IMPORT_CALLS = ("__import__", "builtins.__import__", "__builtins__.__import__", "importlib.import_module")
_DOTTED_NAME = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")
# A file name with an extension that is not Python's: `cert.pem`, `logo.png`, `data/x.json`.
_DATA_FILE_NAME = re.compile(r"^[\w./\\-]*\w\.(?!pyw?$)[A-Za-z][A-Za-z0-9]{0,9}$")
# Calls that open or read a file named by their first argument (pkgutil.get_data: the last). A
# `pathlib.Path(...)` reads nothing until `.read_text()`/`.read_bytes()`/`.open()` (see _data_file_read).
_FILE_OPENERS = ("open", "io.open", "codecs.open", "pkgutil.get_data")
# importlib.resources' readers, which take (package, resource name).
_RESOURCE_READERS = (
    "importlib.resources.read_text",
    "importlib.resources.read_binary",
    "importlib.resources.open_text",
    "importlib.resources.open_binary",
    "importlib_resources.read_text",
    "importlib_resources.read_binary",
)
# A URL whose scheme and host are written out: `https://collector.example.com/…`.
_FIXED_URL = re.compile(r"^(https?|wss?)://[A-Za-z0-9._-]+[.:][A-Za-z0-9]")
# Process calls that always hand their command line to a shell.
_SHELL_CALLS = frozenset(
    {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput", "commands.getoutput"}
)
# The last call of an expression that may hand over a file's contents (`open(p).read()`,
# `json.loads(...)`, `files(pkg).joinpath(n).read_text()`, `pkgutil.get_data(...)`): only such
# assignments are searched for a data file read, which spares a walk of every other one.
_READING_CALLS = frozenset(
    {"read", "read_text", "read_bytes", "readlines", "get_data", "load", "loads", "decode", "open"}
    | {"read_binary", "open_text", "open_binary"}
)


def _may_read_a_file(value: ast.expr) -> bool:
    while isinstance(value, ast.Subscript):
        value = value.value  # `...read_bytes()[2048:]`
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in _READING_CALLS


# Taint kinds, strongest first: what a name's value carries into exec or a process.
_DOWNLOADED, _DECODED, _DATA_FILE = "downloaded", "decoded", "data-file"


# Fields of `os.uname()` / `platform.uname()` that describe the platform (system, release, version,
# machine, processor), by position and by name: all but the host name (index 1, node / nodename).
_UNAME_PLATFORM_INDEXES = frozenset({0, 2, 3, 4, 5})


_UNAME_PLATFORM_FIELDS = frozenset({"sysname", "system", "release", "version", "machine", "processor"})


class SourceVisitor(ast.NodeVisitor):
    """Facts of one syntax tree (or of a payload revealed in one), appended to `report`."""

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
        read_payload: PayloadReader,
    ) -> None:
        self.path = path
        self.read_payload = read_payload
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
        self._opt_out: bool | None = None
        """Whether the file names a telemetry opt-out (see Tag.OPT_OUT); read on first need."""
        self.platform_probes: set[int] = set()
        """`uname()` calls of which only a field naming the platform is read, not the host's name."""
        self.folder = ConstantFolder(self.qualify, _ChainMap(self.constants))

    # -- entry ---------------------------------------------------------------------------

    def run(self, tree: ast.Module) -> None:
        if not self.everything_runs:
            self.reachable, self.certainly_reachable = reachability(tree, self.roots)
            if self.payload_depth == 0:
                self.report.reached = _reached_names(tree, self.reachable)
        if DECODER_HINT.search("\n".join(self.lines[:20000])):
            self.decoder_functions = decoder_functions(tree)
        self.visit(tree)
        if self.payload_depth == 0:
            self._check_identifiers()

    def _check_identifiers(self) -> None:
        """An obfuscator's output, read from the whole text (see `decoders.obfuscation_marks`)."""
        first = snippet_of(self.lines[0]) if self.lines else ""
        for technique, detail in obfuscation_marks("\n".join(self.lines)):
            fact = Fact(Capability.OBFUSCATION, self.base_when, self.path, 1, first, detail, kind=technique)
            self.report.facts.append(fact)

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
            snippet = snippet_of(self.lines[line - 1]) if 0 < line <= len(self.lines) else ""
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
            if callee in _IMPORT_CALLS and first is not None:
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
        elif not (self.everything_runs or id(node) in self.certainly_reachable) or id(node) in self.never_run.functions:
            # Only functions called (or handed to a runner) by code that runs do run: one merely
            # named — a default argument, an alias, a registry entry — runs when someone calls it.
            self.when = min(self.when, When.CALL)
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

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function
    visit_Lambda = _visit_function

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
        """'downloaded', 'decoded' or 'data-file' (read from one of the release's data files) if
        the expression carries such data; the strongest when it carries several."""
        kinds: set[str] = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                for scope in reversed(self.tainted):
                    if sub.id in scope:
                        kinds.add(scope[sub.id])
                        break
            elif isinstance(sub, ast.Call):
                name = self.qualify(sub.func) or ""
                capability = self._capability_of(name)
                if capability is Capability.NETWORK:
                    return _DOWNLOADED
                if capability is Capability.DECODE or is_decode_method(sub) or is_chr_join(sub):
                    kinds.add(_DECODED)
        return next((kind for kind in (_DOWNLOADED, _DECODED, _DATA_FILE) if kind in kinds), None)

    def visit_Assign(self, node: ast.Assign) -> None:
        # Calls inside the value report what they are as they are visited (see visit_Call), which
        # spares a second walk of every assigned expression.
        self.value_calls.append(set())
        self.visit(node.value)
        seen = self.value_calls.pop()
        if self.value_calls:
            self.value_calls[-1] |= seen
        taint = _DOWNLOADED if Capability.NETWORK in seen else _DECODED if Capability.DECODE in seen else None
        if taint is None and any(self.tainted):
            taint = self._taint_of(node.value)
        if taint is None and _may_read_a_file(node.value) and self._data_file_read(node.value) is not None:
            taint = _DATA_FILE
        folded = self.folder.fold(node.value) if may_fold(node.value) else None
        client = self._client_of(node.value) or self._callable_alias(node.value) or self._module_alias(node.value)
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
        taint = _DOWNLOADED if Capability.NETWORK in seen else _DECODED if Capability.DECODE in seen else None
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

    def _module_alias(self, node: ast.expr) -> str | None:
        """`m = __import__('os')` or `m = builtins.__import__('os')`: the name now stands for the module,
        so `m.system(…)` reads as `os.system(…)`, as `__import__('os').system(…)` does."""
        if isinstance(node, ast.Call) and self.qualify(node.func) in _IMPORT_CALLS:
            module = self.qualify(node)
            if module and _DOTTED_NAME.match(module):
                return module
        return None

    def _callable_alias(self, node: ast.expr) -> str | None:
        """`run = os.system` or `e = eval('eval')`: the name now stands for a dangerous callable."""
        if isinstance(node, (ast.Name, ast.Attribute, ast.Call)):
            name = self.qualify(node)
            if name and (name in patterns.CALLS or name in ("eval", "exec", "compile", "getattr", *_IMPORT_CALLS)):
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
            elif capability is Capability.DECODE or is_decode_method(node) or is_chr_join(node) or is_xor_chr(node):
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
            tags: set[Tag] = set()
            if capability is Capability.INPUT_CAPTURE and "clip" in name.lower():
                tags.add(Tag.CLIPBOARD)
            if capability is Capability.SYSINFO and self._names_an_opt_out():
                tags.add(Tag.OPT_OUT)
            if capability is Capability.NETWORK and self._fixed_address(node):
                tags.add(Tag.FIXED_ADDRESS)
            self.add(capability, node, name, tags=frozenset(tags))
            if capability is Capability.NETWORK and (field := _wallet_secret_field(node)) is not None:
                detail = f"{name} sends the field '{field}'"
                self.add(Capability.CREDENTIALS, node, detail, kind=patterns.WALLET_SECRET_SENT)
            if capability in (Capability.NETWORK, Capability.DNS):
                self._named_endpoint(node)
        elif name in _IMPORT_CALLS and node.args and not isinstance(node.args[0], ast.Constant):
            self.add(Capability.EXEC, node, f"{name} of a computed module name", tags=frozenset({Tag.MODULE_NAME}))
        elif (
            name == "getattr"
            and len(node.args) >= 2
            and self._is_builtins(node.args[0])
            and self.folder.fold(node.args[1]) is None
        ):
            self.add(Capability.EXEC, node, "builtin looked up by a computed name")
        elif is_decode_method(node):
            self.add(Capability.DECODE, node, f".decode({node.args[0].value!r})")  # type: ignore[attr-defined]
            self._reveal_payload(node)
        elif is_chr_join(node):
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

    def _names_an_opt_out(self) -> bool:
        """Whether the file (not a payload it hides) names a telemetry opt-out: searched once, and
        only in files that collect host identity."""
        if self._opt_out is None:
            head = "\n".join(self.lines[:20000])
            self._opt_out = self.payload_depth == 0 and bool(patterns.TELEMETRY_OPT_OUT.search(head))
        return self._opt_out

    def _fixed_address(self, node: ast.Call) -> bool:
        """Whether a request's first argument (or `url=`) names its host in the source."""
        target = node.args[0] if node.args else _keyword(node, "url")
        if target is None:
            return False
        folded = self.folder.fold(target)
        text = folded.value if folded is not None and isinstance(folded.value, str) else literal_parts(target)
        return bool(_FIXED_URL.match(text))

    def _named_endpoint(self, node: ast.Call) -> None:
        """The address a request goes to, when the source names it elsewhere (`WEBHOOK = "https://…"`
        at module level, `requests.post(WEBHOOK)` at import): the constant alone reads as data for
        later, so the endpoint is noted again where the request is made."""
        target = node.args[0] if node.args else _keyword(node, "url")
        if target is None or isinstance(target, ast.Constant):
            return  # a literal is checked where it stands
        folded = self.folder.fold(target)
        text = folded.value if folded is not None and isinstance(folded.value, str) else literal_parts(target)
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
            if self._copies_the_environment(generator.iter, generator.ifs):
                self.add(Capability.ENV_DUMP, node, "entries of os.environ collected one by one")
                break
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        # `for key, value in os.environ.items(): data += value`: the loop form of the comprehension.
        filters = [statement.test for statement in node.body if isinstance(statement, ast.If)]
        if self._copies_the_environment(node.iter, filters):
            self.add(Capability.ENV_DUMP, node, "entries of os.environ read one by one in a loop")
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def _copies_the_environment(self, iterated: ast.expr, filters: list[ast.expr]) -> bool:
        """Iterating os.environ (or its items, keys, values) unfiltered, or filtered for secrets. A
        filter on the program's own prefix (`k.startswith('COV_CORE')`, pytest-cov) is configuration."""
        if (
            isinstance(iterated, ast.Call)
            and not iterated.args
            and self.qualify(iterated.func) in ("os.environ.items", "os.environ.keys", "os.environ.values")
        ):
            iterated = iterated.func.value  # type: ignore[attr-defined]
        if self.qualify(iterated) != "os.environ":
            return False
        kept_by = [
            sub.value
            for test in filters
            for sub in ast.walk(test)
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
        ]
        return not filters or any(patterns.SECRET_ENV_WORD.search(text) for text in kept_by)

    visit_ListComp = _visit_comprehension
    visit_SetComp = _visit_comprehension
    visit_DictComp = _visit_comprehension
    visit_GeneratorExp = _visit_comprehension

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
        if taint == _DOWNLOADED:
            self.add(Capability.DOWNLOAD_EXEC, node, f"{name} of data fetched from the network")
        elif taint == _DECODED or (folded is not None and folded.decoded):
            self.add(Capability.DECODED_EXEC, node, f"{name} of decoded data")
        elif (data_file := self._data_file_read(argument)) is not None or taint == _DATA_FILE:
            # exec(open('pkg/version.py').read()) is an old setup.py idiom; code kept in a data file is hidden.
            where = f"the data file {data_file}" if data_file else "a data file of the release"
            self.add(Capability.DECODED_EXEC, node, f"{name} of code hidden in {where}")
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
        if all(not word.strip("…") for word in words):
            words = []  # nothing of the command is known
        program = words[0].rsplit("/", 1)[-1] if words else ""
        detail = f"{name}: {short(' '.join(words), 80)}" if words else name
        tags: set[Tag] = set() if words else {Tag.COMPUTED_COMMAND}
        if name in _SHELL_CALLS or any(
            k.arg == "shell" and not (isinstance(k.value, ast.Constant) and not k.value.value) for k in node.keywords
        ):
            tags.add(Tag.VIA_SHELL)
        if any("python" in word or word == "sys.executable" for word in words):
            tags.add(Tag.RUNS_PYTHON)
        if words and is_build_step(program, words) and not self._python_dash_c(words, command):
            detail += " (build tool)"
            tags.add(Tag.BUILD_TOOL)
        elif words and self._names_its_program(command) and runs_program_from_path(words):
            detail += " (program from PATH)"
            tags.add(Tag.PROGRAM_FROM_PATH)
        if words and program in patterns.RECON_COMMANDS:
            self.add(Capability.SYSINFO, node, f"{name}: {short(' '.join(words), 80)} (host reconnaissance)")
        self.add(Capability.PROCESS, node, detail, tags=frozenset(tags), names=tuple(words))
        if len(words) >= 2 and PYTHON_C.match(program):
            if words[1] == "-m" and len(words) >= 3:
                self.report.python_runs.add(words[2])
            elif words[1].endswith(".py"):
                self.report.python_runs.add(words[1])
        if command is not None and not self._python_dash_c(words, command):
            folded_command = self.folder.fold(command) if not isinstance(command, (ast.List, ast.Tuple)) else None
            if self._taint_of(command) == _DECODED or (folded_command is not None and folded_command.decoded):
                detail = f"{name} of a decoded command line"
                self.add(Capability.DECODED_EXEC, node, detail, tags=frozenset({Tag.DECODED_COMMAND}))
            elif self._taint_of(command) == _DOWNLOADED:
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
                if taint == _DOWNLOADED:
                    self.add(Capability.DOWNLOAD_EXEC, node, "python -c with data fetched from the network")
                elif taint == _DECODED or (folded is not None and folded.decoded):
                    self.add(Capability.DECODED_EXEC, node, "python -c with decoded code")
                if folded is not None:
                    self._analyse_payload(folded, node)

    def _data_file_read(self, node: ast.expr) -> str | None:
        """The name of a non-Python file whose contents `node` reads, if it names one:
        `open('x.dat').read()`, `open(os.path.join(here, 'cert.pem'))`, `pkgutil.get_data(pkg, 'x.bin')`,
        `(Path(__file__).parent / 'logo.png').read_bytes()`, `importlib.resources.read_text(pkg, 'x.txt')`,
        `files(pkg).joinpath('x.json').read_text()`."""
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call):
                continue
            callee = self.qualify(sub.func) or ""
            if callee in _FILE_OPENERS and sub.args:
                target = sub.args[-1] if callee == "pkgutil.get_data" else sub.args[0]
            elif callee in _RESOURCE_READERS and len(sub.args) >= 2:
                target = sub.args[1]
            elif isinstance(sub.func, ast.Attribute) and sub.func.attr in ("read_text", "read_bytes", "open"):
                target = sub.func.value  # a path object: Path(...) / 'x.bin', files(pkg).joinpath('x.bin')
            else:
                continue
            name = self._data_file_named(target)
            if name is not None:
                return name
        return None

    def _data_file_named(self, target: ast.expr) -> str | None:
        """The data file a path expression names: its folded value, or a file name written in it."""
        folded = self.folder.fold(target)
        if folded is not None:
            value = folded.value
            return value if isinstance(value, str) and value and not value.endswith((".py", ".pyw")) else None
        for sub in ast.walk(target):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and _DATA_FILE_NAME.match(sub.value):
                return sub.value
        return None

    def _python_dash_c(self, words: list[str], command: ast.expr | None) -> bool:
        return len(words) >= 2 and bool(PYTHON_C.match(words[0].rsplit("/", 1)[-1])) and words[1] == "-c"

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
        words = literal_parts(command).split()
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
                    # `sys.executable` names a program; a local variable (`[command] + args`) does not.
                    name = self.qualify(element)
                    words.append(name if name and "." in name else "…")
            return words
        folded = self.folder.fold(command)
        if folded is not None:
            value = folded.value if isinstance(folded.value, str) else folded.value.decode("latin-1")
            return value.split()
        return literal_parts(command).split()

    # -- payloads ------------------------------------------------------------------------

    def _written_code(self, node: ast.Call) -> None:
        """Python source written to a file (to be run next) is analysed as if it ran here."""
        folded = self.folder.fold(node.args[0])
        if folded is None:
            return
        text = folded.value if isinstance(folded.value, str) else folded.value.decode("utf-8", errors="replace")
        if len(text) >= 16 and LOOKS_LIKE_CODE.search(text):
            self._analyse_payload(folded, node)

    def _reveal_payload(self, node: ast.Call) -> None:
        if self.report.payload_bytes >= MAX_PAYLOAD_BYTES:
            return  # folding (decompressing) costs time even when the result would not be analysed
        folded = self.folder.fold(node)
        if folded is not None:
            self._analyse_payload(folded, node)

    def _analyse_payload(self, folded: FoldResult, node: ast.AST) -> None:
        if self.payload_depth >= MAX_PAYLOAD_DEPTH:
            return
        value = folded.value
        text = value if isinstance(value, str) else value.decode("utf-8", errors="replace")
        if not text.strip() or hash(text) in self.report.payloads_seen:
            return
        if self.report.payload_bytes + len(text) > MAX_PAYLOAD_BYTES:
            if self.report.payload_bytes < MAX_PAYLOAD_BYTES:
                line = self.origin[0] if self.origin else getattr(node, "lineno", 1)
                detail = (
                    f"hidden payloads over {MAX_PAYLOAD_BYTES // (1024 * 1024)} MiB in total; the rest are not analysed"
                )
                self.report.problems.append(SourceProblem("too-large", line, detail))
                self.report.payload_bytes = MAX_PAYLOAD_BYTES
            return
        self.report.payloads_seen.add(hash(text))
        self.report.payload_bytes += len(text)
        origin = self.origin or (
            getattr(node, "lineno", 1),
            snippet_of(self.lines[getattr(node, "lineno", 1) - 1]) if self.lines else "",
        )
        self.read_payload(self.path, text, self.when, True, self.report, self.payload_depth + 1, origin, self.scope)

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


class _ChainMap(dict[str, FoldResult]):
    """Read-only view looking a name up from the innermost scope outward."""

    def __init__(self, scopes: list[dict[str, FoldResult]]) -> None:
        super().__init__()
        self._scopes = scopes

    def get(self, key: str, default: FoldResult | None = None) -> FoldResult | None:  # type: ignore[override]
        for scope in reversed(self._scopes):
            if key in scope:
                return scope[key]
        return default


_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")


def _is_secret_env_name(text: str) -> bool:
    """`GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`: written like an environment variable, named like a secret."""
    return bool(_ENV_NAME.match(text)) and bool(patterns.SECRET_ENV_NAME.search(text))


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


def _reached_names(tree: ast.Module, reachable: set[int]) -> set[str]:
    """Names of reached functions, and of classes whose constructor was reached."""
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    names = set()
    for statement in tree.body:
        if isinstance(statement, functions) and id(statement) in reachable:
            names.add(statement.name)
        elif isinstance(statement, ast.ClassDef):
            methods = [child for child in statement.body if isinstance(child, functions)]
            if any(id(method) in reachable for method in methods):
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
            if (
                isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and key.value.lower().replace("_", "").replace("-", "") in patterns.WALLET_SECRET_FIELDS
            ):
                return key.value
    return None


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
