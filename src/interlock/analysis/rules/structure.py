"""Rules about the archive and its files as objects: layout, start-up hooks, entry points."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

from packaging.utils import canonicalize_name

from interlock.analysis.evidence import Evidence
from interlock.analysis.extract import patterns
from interlock.analysis.extract.entry_points import ConsoleScript
from interlock.analysis.extract.pickles import dangerous_calls, looks_like_pickle
from interlock.analysis.extract.roles import is_test_or_example, module_file
from interlock.analysis.facts import Capability, Fact, Tag, action
from interlock.analysis.rules.base import checks, files_rule, register_check
from interlock.artifact.model import ProblemKind
from interlock.artifact.reader import is_disguised_zip
from interlock.model.findings import Finding, Severity
from interlock.model.rules import RuleInfo

_ARCHIVE_SEVERITY = {
    ProblemKind.PATH_TRAVERSAL: Severity.HIGH,
    ProblemKind.ABSOLUTE_PATH: Severity.HIGH,
    ProblemKind.DEVICE: Severity.HIGH,
    ProblemKind.LINK: Severity.MEDIUM,
    ProblemKind.DUPLICATE: Severity.MEDIUM,
    ProblemKind.RATIO: Severity.HIGH,
    ProblemKind.MEMBER_TOO_LARGE: Severity.MEDIUM,
    ProblemKind.NESTING: Severity.LOW,
    ProblemKind.UNREADABLE_MEMBER: Severity.LOW,
}


def _archive_rule(kind: ProblemKind) -> RuleInfo:
    """One rule per kind of structural problem the archive reader reports."""
    severity = _ARCHIVE_SEVERITY[kind]
    info = files_rule(
        f"archive-{kind.value}",
        f"archive structure: {kind.value.replace('-', ' ')}",
        (severity,),
        "A structural oddity no genuine build tool produces (path traversal, absolute paths, links, devices, "
        "duplicate members, zip bombs). Reported as a finding; the member is not analysed.",
        limit=kind is ProblemKind.MEMBER_TOO_LARGE,
    )

    def check(evidence: Evidence) -> Iterable[Finding]:
        for problem in evidence.artifact.problems:
            if problem.kind is kind:
                yield info.finding(severity, problem.path, None, problem.detail, problem.path)

    register_check(info, check)
    return info


ARCHIVE_RULES = {kind: _archive_rule(kind) for kind in ProblemKind}


_SOURCE_PROBLEMS = {
    "unparseable": (
        Severity.LOW,
        "Python source that does not parse",
        "Python 2, damaged, or hostile source; it is scanned line by line instead, so it is still judged.",
    ),
    "null-bytes": (
        Severity.MEDIUM,
        "Python source containing NUL bytes",
        "Python refuses to run such a file: damaged or hostile. It is scanned with the NULs removed.",
    ),
    "not-utf8": (
        Severity.LOW,
        "source not valid in its declared encoding",
        "Source that is not valid in the encoding it declares (UTF-8 by default): read as Latin-1 and analysed anyway.",
    ),
    "too-deep": (
        Severity.MEDIUM,
        "source nested too deeply to parse",
        "Nesting deep enough to break parsers is a known trick against analysers; the file is scanned line by line.",
    ),
    "too-large": (
        Severity.MEDIUM,
        "Python file over the analysis size limit",
        "Too large to analyse in full (too many tokens to parse, too large to keep whole, or hidden payloads "
        "over their budget): it is read a cheaper way instead (line by line as text, or from an excerpt "
        "with comments emptied and giant lines cut to their ends), so it is still judged, more coarsely. "
        "Genuine generated modules (cloud SDK models, protobufs) get this; it counts towards no verdict.",
    ),
    "not-judged": (
        Severity.HIGH,
        "code that runs on its own but could not be judged",
        "A Python file or .pth that runs at install, start-up or import, which not even the cheaper ways of "
        "reading could cover: over the excerpt limit, or over the member limit and not read at all. A limit "
        "must not turn a payload into silence, so the release is at least suspicious. Benign matches: none "
        "known; genuine generated modules are far smaller.",
    ),
}


def _source_rule(kind: str) -> RuleInfo:
    """One rule per kind of problem the source reader reports."""
    severity, summary, description = _SOURCE_PROBLEMS[kind]
    info = files_rule(f"source-{kind}", summary, (severity,), description, limit=kind in ("too-large", "not-judged"))

    def check(evidence: Evidence) -> Iterable[Finding]:
        for path, problem in evidence.source_problems:
            if problem.kind == kind:
                yield info.finding(severity, path, problem.line, problem.detail, "")

    register_check(info, check)
    return info


SOURCE_RULES = {kind: _source_rule(kind) for kind in _SOURCE_PROBLEMS}


_HARMLESS_AT_STARTUP = {Capability.FILE_WRITE}


STARTUP_PTH_EXEC = files_rule(
    "startup-pth-exec",
    "a .pth file line that runs code at every interpreter start",
    (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH),
    "site.py executes `.pth` lines starting with `import`. Known shapes (setuptools' distutils hook, "
    "namespace packages, virtualenv, editable finders, coverage and pytest-cov) are info only when they "
    "match exactly. A line that only imports the release's own modules (and the standard library), even "
    "through literal exec'd code, is low: it hooks the release's own code, which is analysed as start-up "
    "code. Any other line is medium when nothing in it is dangerous, and high when it spawns, decodes, "
    "executes or connects — those capabilities are then critical in their own rules. litellm 1.82.8's "
    "litellm_init.pth is the example.",
)


@checks(STARTUP_PTH_EXEC)
def _pth_exec(evidence: Evidence) -> Iterable[Finding]:
    for path, line in evidence.pth_lines:
        evidence_text = line.code if len(line.code) <= 160 else line.code[:140] + " …"
        if line.shape:
            message = f"runs at every interpreter start; recognised as the {line.shape}"
            yield STARTUP_PTH_EXEC.finding(Severity.INFO, path, line.line, message, evidence_text, "startup")
            continue
        dangerous = [
            f
            for f in evidence.facts
            if f.path == path
            and f.line == line.line
            and f.capability not in _HARMLESS_AT_STARTUP
            and Tag.LITERAL_CODE not in f.tags
        ]
        shipped = [module for module in line.imports if module in evidence.shipped_modules]
        foreign = [m for m in line.imports if m not in evidence.shipped_modules and m not in sys.stdlib_module_names]
        if dangerous:
            message = (
                f"runs code at every interpreter start that {action(dangerous[0].capability)} ({dangerous[0].detail})"
            )
            yield STARTUP_PTH_EXEC.finding(Severity.HIGH, path, line.line, message, evidence_text, "startup")
        elif shipped and not foreign:
            # A hook into the release's own code (coverage's subprocess hook): what runs is that
            # code, judged as start-up code by every other rule; the line itself hides nothing.
            message = (
                f"runs at every interpreter start: a hook into this release's own {', '.join(shipped)} "
                "(analysed as start-up code; nothing dangerous in the line itself)"
            )
            yield STARTUP_PTH_EXEC.finding(Severity.LOW, path, line.line, message, evidence_text, "startup")
        else:
            imported = f"; imports {', '.join(shipped)} from this release, analysed as start-up code" if shipped else ""
            message = (
                f"runs code at every interpreter start ({len(line.code)} characters, "
                f"nothing dangerous in the line itself{imported})"
            )
            yield STARTUP_PTH_EXEC.finding(Severity.MEDIUM, path, line.line, message, evidence_text, "startup")


STARTUP_SITECUSTOMIZE = files_rule(
    "startup-sitecustomize",
    "ships sitecustomize.py or usercustomize.py at the top level",
    (Severity.HIGH, Severity.CRITICAL),
    "Python imports these at every start. A library has no business installing them. Critical when a "
    "release adds one that its predecessor did not have.",
)


@checks(STARTUP_SITECUSTOMIZE)
def _sitecustomize(evidence: Evidence) -> Iterable[Finding]:
    for path in evidence.startup_modules:
        if path.rsplit("/", 1)[-1] in ("sitecustomize.py", "usercustomize.py"):
            yield STARTUP_SITECUSTOMIZE.finding(
                Severity.HIGH,
                path,
                None,
                f"installs {path}, which Python imports at every start",
                path,
                "startup",
            )


ENTRYPOINT_SHADOWS_COMMAND = files_rule(
    "entrypoint-shadows-command",
    "console script named like a common command (pip, python, sudo, ls…)",
    (Severity.HIGH, Severity.CRITICAL),
    "An entry point (or a script a wheel installs to bin/) called `pip` or `python` replaces the real one on "
    "PATH and sees everything typed into it, index credentials included: high, and critical when the "
    "function it names sends data out. Versioned names count as the command (`pip3.13`). The project that "
    "is the command owns it and its versioned names (pip's own `pip`, `pip3` and `pip3.13`).",
)


@checks(ENTRYPOINT_SHADOWS_COMMAND)
def _shadowed_commands(evidence: Evidence) -> Iterable[Finding]:
    project = canonicalize_name(evidence.artifact.name or "")
    for script in evidence.console_scripts:
        command = script.command.lower()
        if _base_command(command) in patterns.SHADOWED_COMMANDS and not _owns(project, command):
            message = f"console script '{script.command}' would replace the system's '{command}' with {script.target}"
            sends = _what_the_script_sends(evidence, script)
            yield ENTRYPOINT_SHADOWS_COMMAND.finding(
                Severity.CRITICAL if sends else Severity.HIGH,
                script.path,
                script.line,
                f"{message}, which {action(sends[0].capability)} ({sends[0].detail})" if sends else message,
                f"{script.command} = {script.target}",
            )


_VERSION_SUFFIX = re.compile(r"[\d.]+$")


def _base_command(command: str) -> str:
    """`pip3.13` → `pip`, `python3` → `python`: the command a versioned name stands for."""
    return _VERSION_SUFFIX.sub("", command) or command


def _owns(project: str, command: str) -> bool:
    """Whether the project is the command: pip's `pip`, `pip3` and `pip3.13`; ipython's `ipython3`."""
    return canonicalize_name(_base_command(command)) == project


# What a stand-in for pip or sudo has no reason to do: it sees every index URL and password typed.
_LEAKS = (
    Capability.NETWORK,
    Capability.CREDENTIALS,
    Capability.ENV_DUMP,
    Capability.SHELL_DOWNLOAD,
    Capability.EXFIL_ENDPOINT,
)


def _what_the_script_sends(evidence: Evidence, script: ConsoleScript) -> list[Fact]:
    """Facts that take data out, of the entry point's own function (``module:function``) or anywhere in
    the script file."""
    if script.is_file:
        return [f for f in evidence.facts if f.path == script.path and f.capability in _LEAKS]
    module, _, function = script.target.partition(":")
    path = module_file(evidence.artifact, module) if module and function else None
    if path is None:
        return []
    scope = f"<module>.{function.split('.')[0]}"
    return [
        f
        for f in evidence.facts
        if f.path == path and f.capability in _LEAKS and (f.scope == scope or f.scope.startswith(f"{scope}."))
    ]


_CODE_SUFFIXES = (".py", ".pyw", ".pyc")
# What runs without Python: native libraries, programs and scripts.
_EXECUTABLE_SUFFIXES = (".so", ".pyd", ".dll", ".dylib", ".exe", ".sh", ".bat", ".cmd", ".ps1", ".js", ".vbs")


ARCHIVE_DISGUISED = files_rule(
    "archive-disguised",
    "a zip archive hidden under a name that is not an archive's",
    (Severity.LOW, Severity.MEDIUM, Severity.HIGH),
    "Zip content under a name like `_websocket.typed` or `logo.dat`: Python imports modules straight from "
    "such a file once it is on sys.path, so it is a way to ship code no reviewer opens. High when the hidden "
    "archive holds Python code (which is then analysed like any other member), medium when it holds programs "
    "or native libraries, low when it holds neither (many document formats are zips: .vsdx, .xlsm, .odg). "
    "Formats that are zips by design (.jar, .docx, .npz, .pt, .pyz…), and PyTorch's saved-model layout "
    "under any name (`data.pkl`, `version`, TorchScript in `code/`), are not reported.",
)


@checks(ARCHIVE_DISGUISED)
def _disguised_archives(evidence: Evidence) -> Iterable[Finding]:
    """Zips under names that are not an archive's. Many document formats are zips too (a `.vsdx`
    drawing in a test suite, an `.xlsm` workbook), so what counts is what the zip holds."""
    members = evidence.artifact.members
    for member in members.values():
        if not is_disguised_zip(member):
            continue
        inside = f"{member.path}!/"
        held = sorted(path[len(inside) :] for path in members if path.startswith(inside))
        if _is_pytorch_archive(held):
            continue  # a saved model (`torch.jit.save`): its code/ is TorchScript, its pickles are analysed
        code = [path for path in held if path.endswith(_CODE_SUFFIXES)]
        programs = [path for path in held if path.lower().endswith(_EXECUTABLE_SUFFIXES)]
        if code:
            message = f"a zip archive of Python code ({_some(code)}) hidden under a name that is not an archive's"
            yield ARCHIVE_DISGUISED.finding(Severity.HIGH, member.path, None, message, member.name)
        elif programs:
            message = f"a zip archive of programs ({_some(programs)}) under a name that is not an archive's"
            yield ARCHIVE_DISGUISED.finding(Severity.MEDIUM, member.path, None, message, member.name)
        else:
            message = (
                "a zip archive under a name that is not an archive's, holding no code (a document format, perhaps)"
            )
            yield ARCHIVE_DISGUISED.finding(Severity.LOW, member.path, None, message, member.name)


def _is_pytorch_archive(held: list[str]) -> bool:
    """The layout PyTorch saves models in, under any extension (`.jit`, `.pth`, `.bin`): one top
    directory with `data.pkl` and a `version` record, TorchScript under `code/__torch__/`. What runs
    when it is loaded is its pickles, which the pickle rule reads like any other."""
    tops = {path.split("/", 1)[0] for path in held}
    if len(tops) != 1:
        return False
    top = tops.pop()
    code_outside = [p for p in held if p.endswith(_CODE_SUFFIXES) and not p.startswith(f"{top}/code/")]
    return {f"{top}/data.pkl", f"{top}/version"} <= set(held) and not code_outside


PICKLE_CODE = files_rule(
    "pickle-code",
    "a pickle that starts programs or runs code when loaded",
    (Severity.LOW, Severity.CRITICAL),
    "Loading a pickle calls whatever it names: a shipped model or data file naming os.system, subprocess, "
    "eval or exec runs them for whoever loads it (read from its opcodes, never loaded). Low in tests, "
    "where pickle scanners keep such files on purpose.",
)


@checks(PICKLE_CODE)
def _pickled_code(evidence: Evidence) -> Iterable[Finding]:
    """Pickles that start programs or run code when loaded. Test data of a pickle scanner may hold
    such files on purpose: low there."""
    for member in evidence.artifact.members.values():
        content = member.readable  # whole, or (too large to keep) its opcodes with long arguments cut
        if content is None or not looks_like_pickle(member.name, member.head):
            continue
        calls = dangerous_calls(content)
        if calls:
            where = member.path.split("!/")[0]
            severity = Severity.LOW if is_test_or_example(where) else Severity.CRITICAL
            named = ", ".join(dict.fromkeys(calls))
            yield PICKLE_CODE.finding(severity, member.path, None, f"a pickle that calls {named} when loaded", named)


def _some(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


INSTALL_HOOK = files_rule(
    "install-hook",
    "setup.py overrides an install-time command",
    (Severity.LOW, Severity.MEDIUM),
    "cmdclass overrides of install/develop/egg_info/build_py run arbitrary code during pip install. "
    "Common for building native code; what the override does is judged by the capability rules. "
    "Medium when a release adds an override its predecessor did not have.",
)


@checks(INSTALL_HOOK)
def _install_hooks(evidence: Evidence) -> Iterable[Finding]:
    for hook in evidence.install_hooks:
        yield INSTALL_HOOK.finding(
            Severity.LOW,
            hook.path,
            hook.line,
            f"class {hook.class_name} overrides the '{hook.command}' command: its code runs during pip install",
            hook.snippet,
            "install",
        )
