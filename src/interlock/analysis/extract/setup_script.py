"""Install-command overrides in setup.py: the hooks pip runs while installing an sdist."""

from __future__ import annotations

import ast

from interlock.analysis.evidence import InstallHook
from interlock.analysis.extract import patterns
from interlock.analysis.extract.setup_commands import command_name


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
            command = command_name(base)
            if command in patterns.INSTALL_COMMANDS:
                snippet = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
                hooks.append(InstallHook(path, node.lineno, command, node.name, snippet))
                break
    return hooks
