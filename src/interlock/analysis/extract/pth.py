"""`.pth` files: which lines run at every interpreter start, and which are known-benign shapes.

`site.py` executes every line of a `.pth` in site-packages that starts with `import ` or
`import\\t`; the rest are path entries. A handful of shapes are ubiquitous and benign; a line
is recognised as one only if it matches that shape exactly, so one that "looks like" a known
hook but carries more is judged on its own.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_WS = re.compile(r"\s+")

# Exact shapes (whitespace-normalised). Names inside are restricted to identifiers.
_SHAPES: dict[str, re.Pattern[str]] = {
    "setuptools distutils-precedence hook": re.compile(
        r"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os\.environ\.get\(var, '(local|stdlib)'\) == 'local'; "
        r"enabled and __import__\('_distutils_hack'\)\.add_shim\(\);?"
    ),
    "virtualenv bootstrap": re.compile(r"import _virtualenv"),
    "editable-install finder": re.compile(r"import (__editable___[\w]+_finder); \1\.install\(\)"),
    "coverage start-up hook": re.compile(r"import coverage; coverage\.process_startup\(\)"),
    "pywin32 bootstrap": re.compile(r"import pywin32_bootstrap"),
    "pytest-cov subprocess hook": re.compile(
        r"import os, sys;exec\('if \\'COV_CORE_SOURCE\\' in os\.environ:\\n try:\\n"
        r"  from pytest_cov\.embed import init\\n  init\(\)\\n"
        r" except Exception as exc:\\n  sys\.stderr\.write\(\\n"
        r"   \"pytest-cov: Failed to setup subprocess coverage\. \"\\n"
        r"   \"Environment variable COV_CORE_SOURCE was set but the initialization failed: "
        r"\{!r\}\\\\n\"\.format\(exc\)\\n  \)\\n'\)"
    ),
}

# Every name a setuptools namespace-package (-nspkg.pth) line uses; anything else is "more".
_NSPKG_NAMES = {
    "sys", "types", "os", "has_mfs", "p", "importlib", "m", "mp", "__import__", "version_info", "path", "join",
    "_getframe", "f_locals", "util", "machinery", "modules", "setdefault", "module_from_spec", "PathFinder",
    "find_spec", "dirname", "ModuleType", "__dict__", "append", "get", "__path__", "insert", "setattr",
    "ie", "exists",
}  # fmt: skip
_NSPKG_IMPORTS = {"importlib.util", "importlib.machinery"}
_NSPKG_STRINGS = re.compile(r"^(sitedir|__path__|importlib\.util|importlib\.machinery|[A-Za-z_][\w.]*)$")


_MAX_EXEC_DEPTH = 2


@dataclass(frozen=True)
class PthLine:
    """An executable line of a .pth file."""

    line: int
    code: str
    shape: str | None
    """Name of the known-benign shape it matches exactly, or None."""
    imports: tuple[str, ...]
    """Top-level modules the line imports (those shipped alongside run at every start too)."""


def executable_lines(text: str) -> list[PthLine]:
    """The lines site.py executes. It decodes a .pth as `utf-8-sig` (Python 3.13 on), so a byte-order
    mark before the first line does not stop that line from running."""
    lines = []
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not raw.startswith(("import ", "import\t")):
            continue
        code = raw.strip()
        lines.append(PthLine(number, code, _shape_of(code), tuple(sorted(_imported_modules(code)))))
    return lines


def _shape_of(code: str) -> str | None:
    normalised = _WS.sub(" ", code).strip()
    for name, pattern in _SHAPES.items():
        if pattern.fullmatch(normalised) or pattern.fullmatch(code):
            return name
    if _is_namespace_package_line(code):
        return "namespace-package (-nspkg.pth) hook"
    return None


def _is_namespace_package_line(code: str) -> bool:
    if not code.startswith("import sys, types, os;"):
        return False
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in _NSPKG_NAMES:
            return False
        if isinstance(node, ast.Attribute) and node.attr not in _NSPKG_NAMES:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and not _NSPKG_STRINGS.match(node.value):
            return False
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.ClassDef)):
            return False
        if isinstance(node, ast.Subscript) and not _is_allowed_subscript(node):
            return False
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
            and not (node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in _NSPKG_IMPORTS)
        ):
            return False
    return True


def _is_allowed_subscript(node: ast.Subscript) -> bool:
    """The shape reads `sys._getframe(1).f_locals['sitedir']` and `sys.modules['parent']`, nothing else."""
    if not isinstance(node.slice, ast.Constant) or not isinstance(node.slice.value, str):
        return False
    if node.slice.value == "sitedir":
        return True
    return isinstance(node.value, ast.Attribute) and node.value.attr == "modules"


def _imported_modules(code: str, depth: int = 0) -> set[str]:
    """Top-level modules the code imports, including those of literal code it hands to exec
    (`exec('import coverage; …')`), a level or two deep."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if (
            depth < _MAX_EXEC_DEPTH
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "exec"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            modules.update(_imported_modules(node.args[0].value, depth + 1))
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            modules.add(node.args[0].value.split(".")[0])
    return modules
