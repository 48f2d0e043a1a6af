"""Console scripts an artifact declares, from wheel metadata or sdist configuration, and the script
files a wheel installs to bin/ (``NAME.data/scripts/``)."""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
from dataclasses import dataclass

from interlock.artifact.model import Artifact

_SCRIPT_SPEC = re.compile(r"^\s*([\w.+-]+)\s*=\s*([\w.]+(?::[\w.]+)?)")


@dataclass(frozen=True)
class ConsoleScript:
    command: str
    target: str
    """`module:function`, or for a script file "the script PATH"."""
    path: str
    line: int
    is_file: bool = False
    """A script file installed to bin/ (`path`), not an entry point."""


def console_scripts(artifact: Artifact) -> list[ConsoleScript]:
    scripts: list[ConsoleScript] = []
    for path in artifact.members:
        if "!/" in path:
            continue
        if path.endswith("entry_points.txt") and path.count("/") == 1:
            scripts.extend(_from_entry_points_txt(artifact, path))
        elif path == "pyproject.toml":
            scripts.extend(_from_pyproject(artifact, path))
        elif path == "setup.cfg":
            scripts.extend(_from_setup_cfg(artifact, path))
        elif path == "setup.py":
            scripts.extend(_from_setup_py(artifact, path))
        elif (script := _installed_script(path)) is not None:
            scripts.append(ConsoleScript(script, f"the script {path}", path, 1, is_file=True))
    return scripts


def _installed_script(path: str) -> str | None:
    """The command name of a file a wheel installs to bin/ (``demo-1.0.data/scripts/pip`` is ``pip``)."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0].endswith(".data") and parts[1] == "scripts" and parts[2]:
        return parts[2]
    return None


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _from_entry_points_txt(artifact: Artifact, path: str) -> list[ConsoleScript]:
    text = artifact.text(path) or ""
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",), strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    found = []
    for section in ("console_scripts", "gui_scripts"):
        if parser.has_section(section):
            for command, target in parser.items(section):
                found.append(ConsoleScript(command.strip(), target.strip(), path, _line_of(text, command)))
    return found


def _from_pyproject(artifact: Artifact, path: str) -> list[ConsoleScript]:
    text = artifact.text(path) or ""
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return []
    found = []
    for table in ("scripts", "gui-scripts"):
        entries = project.get(table) if isinstance(project, dict) else None
        if isinstance(entries, dict):
            for command, target in entries.items():
                found.append(ConsoleScript(str(command), str(target), path, _line_of(text, str(command))))
    return found


def _from_setup_cfg(artifact: Artifact, path: str) -> list[ConsoleScript]:
    text = artifact.text(path) or ""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
        value = parser.get("options.entry_points", "console_scripts", fallback="")
    except configparser.Error:
        return []
    found = []
    for spec in value.splitlines():
        match = _SCRIPT_SPEC.match(spec)
        if match:
            found.append(ConsoleScript(match[1], match[2], path, _line_of(text, spec.strip())))
    return found


def _from_setup_py(artifact: Artifact, path: str) -> list[ConsoleScript]:
    """`'pip = evil.mod:main'` strings written inside setup.py's entry_points."""
    try:
        tree = ast.parse(artifact.text(path) or "")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
            match = _SCRIPT_SPEC.fullmatch(node.value.strip())
            if match and ":" in match[2]:
                found.append(ConsoleScript(match[1], match[2], path, node.lineno))
    return found
