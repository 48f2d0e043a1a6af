"""What real lockers write into a ``pylock.toml`` that PEP 751 (and ``packaging.pylock``) refuse,
made readable with a warning rather than rejected whole.

pipenv, for one, writes project names as Pipfile.lock keys them (``jaraco.classes``) and a
package it has no hashes for with neither files nor a source. Each such oddity is read the way
an installer would read it and reported as a ``Problem``; anything else the validator refuses
is still an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from interlock.lockfiles._fields import clip
from interlock.lockfiles.interface import Problem

_PROJECT_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_DISTRIBUTIONS = ("sdist", "wheels")
_DIRECT_SOURCES = ("vcs", "directory", "archive")


def tolerated(
    document: dict[str, Any], path: Path, line_of: Callable[[int], int | None]
) -> tuple[dict[str, Any], list[Problem]]:
    """The document with unnormalised names normalised and a missing ``created-by`` filled in,
    and a problem for each change; ``line_of(i)`` is the line of ``packages[i]``, when known."""
    problems: list[Problem] = []
    fixed = dict(document)
    if "created-by" not in fixed:
        fixed["created-by"] = "unknown"
        problems.append(Problem(path, None, "no created-by: the tool that wrote this lock is not named"))
    extras = fixed.get("extras")
    if isinstance(extras, list):
        fixed["extras"] = [_normalised(path, None, "extra", extra, problems) for extra in extras]
    packages = fixed.get("packages")
    if isinstance(packages, list):
        fixed["packages"] = [
            {**package, "name": _normalised(path, line_of(index), "package name", package.get("name"), problems)}
            if isinstance(package, Mapping) and "name" in package
            else package
            for index, package in enumerate(packages)
        ]
    return fixed, problems


def is_bare(package: object) -> bool:
    """A package table with neither files nor a direct source: PEP 751 requires one, pipenv omits them."""
    return isinstance(package, Mapping) and not any(key in package for key in (*_DISTRIBUTIONS, *_DIRECT_SOURCES))


def _normalised(path: Path, line: int | None, what: str, name: object, problems: list[Problem]) -> object:
    """``name`` in its normal form when it is a valid but unnormalised project name (noted); else as it was."""
    if not isinstance(name, str) or not _PROJECT_NAME.match(name):
        return name  # the validator names what is wrong with it
    normal = canonicalize_name(name)
    if normal != name:
        problems.append(
            Problem(path, line, f"{what} {clip(name)!r} is not normalised (PEP 751 asks for {normal!r}); read as that")
        )
    return normal
