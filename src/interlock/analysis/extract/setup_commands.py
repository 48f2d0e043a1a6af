"""setup.py as pip runs it: as ``__main__``, with one of the commands pip runs. The commands it
defines for people to type (``setup.py publish``) are code that installing never runs."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from interlock.analysis.extract import patterns


@dataclass(frozen=True)
class NeverRunByPip:
    """Code in setup.py that building or installing the sdist never runs (setuptools' build backend
    runs setup.py as ``__main__`` with one of ``patterns.PIP_RUN_COMMANDS`` as its command)."""

    functions: frozenset[int]
    """``id()`` of the methods of command classes registered only under commands pip never runs."""
    branches: frozenset[int]
    """``id()`` of ``if`` statements whose body runs only for such a command (``if sys.argv[1] == 'publish':``)."""


def never_run_by_pip(tree: ast.Module, text: str) -> NeverRunByPip:
    """What of setup.py only runs for a command a person types (``setup.py publish``), never for pip.

    Only what is certain counts: a command class is left out only if it is registered under other
    commands alone, is named nowhere else, subclasses no command pip runs, and nothing in the file
    could make pip run it (``sub_commands``, ``run_command``, its command's name appearing again).
    """
    if "sub_commands" in text or "run_command" in text:
        return NeverRunByPip(frozenset(), _argv_branches(tree))
    classes = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    registered: dict[str, set[str]] = {}
    for command, value in _registrations(tree):
        if isinstance(value, ast.Name) and value.id in classes:
            registered.setdefault(value.id, set()).add(command)
    mentions: dict[str, int] = {}
    strings: dict[str, int] = {}  # string constants in the code (comments and prose do not run)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            mentions[node.id] = mentions.get(node.id, 0) + 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings[node.value] = strings.get(node.value, 0) + 1
    functions: set[int] = set()
    for name, commands in registered.items():
        node = classes[name]
        if (
            commands & patterns.PIP_RUN_COMMANDS
            or mentions.get(name, 0) != len(commands)
            or any(command_name(base) in patterns.PIP_RUN_COMMANDS for base in node.bases)
            or any(strings.get(command, 0) > 1 for command in commands)
        ):
            continue
        functions.update(
            id(child) for child in ast.walk(node) if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
        )
    return NeverRunByPip(frozenset(functions), _argv_branches(tree))


def _registrations(tree: ast.Module) -> list[tuple[str, ast.expr]]:
    """``(command, value)`` of every string-keyed entry that could be a cmdclass: ``{'publish': C}``,
    ``dict(publish=C)``, ``commands['publish'] = C``."""
    entries: list[tuple[str, ast.expr]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            entries.extend(
                (key.value, value)
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            )
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            entries.extend((keyword.arg, keyword.value) for keyword in node.keywords if keyword.arg is not None)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.slice, ast.Constant)
                    and isinstance(target.slice.value, str)
                ):
                    entries.append((target.slice.value, node.value))
    return entries


def _argv_branches(tree: ast.Module) -> frozenset[int]:
    """``if`` statements whose test holds only when the command line names commands pip never runs."""
    return frozenset(
        id(node) for node in ast.walk(tree) if isinstance(node, ast.If) and _only_for_other_commands(node.test)
    )


def _only_for_other_commands(test: ast.expr) -> bool:
    """``sys.argv[1] == 'publish'``, ``argv[-1] in ('gen', 'clean')``, ``'upload' in sys.argv``, or an
    ``and`` with one of those among its terms."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_only_for_other_commands(value) for value in test.values)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    left, operator, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(operator, ast.Eq):
        pairs = [(left, right), (right, left)]
        return any(_is_argv_word(argv) and _other_commands(words) for argv, words in pairs)
    if isinstance(operator, ast.In):
        return (_is_argv_word(left) and _other_commands(right)) or (_is_argv(right) and _other_commands(left))
    return False


def _other_commands(node: ast.expr) -> bool:
    """A string, or a tuple, list or set of strings, none of them a command pip runs."""
    words = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return bool(words) and all(
        isinstance(word, ast.Constant) and isinstance(word.value, str) and word.value not in patterns.PIP_RUN_COMMANDS
        for word in words
    )


def _is_argv(node: ast.expr) -> bool:
    """``sys.argv``, or ``argv`` (a ``main(argv)`` handed ``sys.argv``)."""
    return (isinstance(node, ast.Attribute) and node.attr == "argv") or (
        isinstance(node, ast.Name) and node.id == "argv"
    )


def _is_argv_word(node: ast.expr) -> bool:
    """``sys.argv[i]`` or ``argv[i]``."""
    return isinstance(node, ast.Subscript) and _is_argv(node.value)


def command_name(node: ast.expr) -> str:
    """`setuptools.command.install.install` and `_install` alike name the command `install`."""
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Name):
        name = node.id
    else:
        return ""
    return name.lstrip("_").removeprefix("orig_").removeprefix("base_")
