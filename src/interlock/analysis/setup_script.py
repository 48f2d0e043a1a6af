"""Install-command overrides in setup.py: the hooks pip runs while installing an sdist."""

from __future__ import annotations

import ast

from interlock.analysis import patterns
from interlock.analysis.evidence import InstallHook


def install_hooks(path: str, text: str) -> list[InstallHook]:
    """Classes in setup.py that subclass an install-time command (install, develop, egg_info…)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    lines = text.splitlines()
    hooks = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            command = _base_name(base)
            if command in patterns.INSTALL_COMMANDS:
                snippet = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
                hooks.append(InstallHook(path, node.lineno, command, node.name, snippet))
                break
    return hooks


def _base_name(node: ast.expr) -> str:
    """`setuptools.command.install.install` and `_install` alike name the command `install`."""
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Name):
        name = node.id
    else:
        return ""
    return name.lstrip("_").removeprefix("orig_").removeprefix("base_")
