"""Code elsewhere in a release that runs because import-time code imports or calls it.

`from .z import start; start()` in a package's `__init__.py` runs `z.start` at import, and
`from pkg.tests import helpers` runs a module that would otherwise be judged as test code. The
engine analyses every file once on its own, then asks this module which files must be analysed
again, earlier or with more of their functions counted as running.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from interlock.analysis.extract import roles
from interlock.analysis.extract.python.report import SourceReport
from interlock.analysis.facts import When
from interlock.analysis.parallel import Job
from interlock.artifact.model import Artifact


class ModuleIndex:
    """Dotted module names of an artifact's Python files, as they import once installed."""

    def __init__(self, artifact: Artifact) -> None:
        self._files: dict[str, str] = {}
        self._modules: dict[str, str] = {}
        for path in artifact.members:
            if "!/" in path or not path.endswith(".py"):
                continue
            module = _dotted(roles.install_path(artifact, path))
            self._modules[path] = module
            self._files.setdefault(module, path)
            if module.startswith("src."):  # an sdist's src layout imports without the prefix
                self._files.setdefault(module[4:], path)

    def file_of(self, module: str) -> str | None:
        return self._files.get(module)

    def is_top_level(self, path: str) -> bool:
        """`pkg/__init__.py` or `mod.py` (or their src/ layout): what `import pkg` runs first."""
        module = self._modules.get(path, "")
        return module.count(".") == 0 or (module.startswith("src.") and module.count(".") == 1)

    def absolute(self, dotted: str, importer: str) -> str:
        """`..util.x` imported by `pkg/sub/mod.py` is `pkg.util.x`; absolute names are returned as they are."""
        dots = len(dotted) - len(dotted.lstrip("."))
        if not dots:
            return dotted
        module = self._modules.get(importer, "")
        is_package = importer.endswith("/__init__.py")
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = package[: len(package) - (dots - 1)] if dots - 1 <= len(package) else []
        rest = dotted[dots:]
        return ".".join([*base, rest] if rest else base)

    def callee(self, dotted: str, caller: str) -> tuple[str, str] | None:
        """(file, function) for a call like `pkg.z.start` or `.z.start`, when the module is shipped here."""
        name = self.absolute(dotted, caller)
        parts = name.split(".")
        for end in range(len(parts) - 1, 0, -1):
            path = self.file_of(".".join(parts[:end]))
            if path is not None:
                return path, parts[end]
        return None


def _dotted(installed: str) -> str:
    module = installed.removesuffix(".py").replace("/", ".")
    return module.removesuffix(".__init__")


def follow_ups(
    index: ModuleIndex,
    jobs: Mapping[str, Job],
    reports: Iterable[tuple[str, SourceReport]],
    known: Mapping[str, SourceReport],
) -> dict[str, Job]:
    """Jobs to redo: files imported by code that runs earlier than they were judged to, and
    files whose functions such code calls (as roots) when those did not run already. `known`
    holds every file's latest report. Only changes are returned."""
    raised: dict[str, When] = {}
    roots: dict[str, set[str]] = {}
    imported = import_closure(index, jobs, known)
    for caller, report in reports:
        caller_when = jobs[caller][1]
        if caller_when < When.IMPORT or caller not in imported:
            continue
        for module in report.imported_modules:
            path = index.file_of(index.absolute(module, caller))
            if path is not None and path != caller:
                raised[path] = max(raised.get(path, When.NEVER), caller_when)
        for call in report.calls:
            found = index.callee(call, caller)
            if found is not None:
                path, function = found
                raised[path] = max(raised.get(path, When.NEVER), caller_when)
                roots.setdefault(path, set()).add(function)
    changed: dict[str, Job] = {}
    for path, when in raised.items():
        if path not in jobs:
            continue
        _, old_when, everything_runs, old_roots = jobs[path]
        new_when = max(old_when, when)
        already = known[path].reached if path in known and new_when == old_when else set()
        new_roots = old_roots | (roots.get(path, set()) - already)
        if new_when != old_when or new_roots != old_roots:
            changed[path] = (path, new_when, everything_runs, frozenset(new_roots))
    return changed


def import_closure(index: ModuleIndex, jobs: Mapping[str, Job], known: Mapping[str, SourceReport]) -> set[str]:
    """Files whose top level runs when the release's top-level packages and modules are imported
    (or at start-up or install), following imports that run with each file.

    Only these files' calls are followed: a script such as `pkg/tools/migrate.py` also calls
    into the package at its top level, but nothing imports it, and following it would make the
    package's server look like it starts at import.
    """
    pending = [
        path
        for path, job in jobs.items()
        if job[1] > When.IMPORT or (job[1] == When.IMPORT and index.is_top_level(path))
    ]
    closure: set[str] = set()
    while pending:
        path = pending.pop()
        if path in closure:
            continue
        closure.add(path)
        report = known.get(path)
        if report is None:
            continue
        for module in report.imported_modules:
            target = index.file_of(index.absolute(module, path))
            if target is not None and target in jobs and target not in closure:
                pending.append(target)
    return closure
