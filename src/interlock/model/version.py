"""Versions derived from content: what cached facts and verdicts are keyed by.

A cached verdict must not outlive a change to the code that decided it, and nobody should have to
remember to bump a number. The versions are digests of the source files themselves (read as
files, not imported), taken once per process.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

_ANALYSER_PACKAGES = ("model", "artifact", "analysis")
"""What decides the facts a source file yields."""
_RULESET_PACKAGES = (*_ANALYSER_PACKAGES, "intel", "diff", "index/provenance")
"""What decides a release's findings and verdict: the facts, and every stage that adds findings."""
_SUFFIXES = (".py", ".txt", ".yar")
_SHOWN = 12


@cache
def analyser_version() -> str:
    """Digest of the fact extractors' sources (the fact cache's key)."""
    return _digest(_ANALYSER_PACKAGES)[:_SHOWN]


@cache
def ruleset_version() -> str:
    """Digest of every source that decides a verdict (the result cache's key, shown as 'rule set')."""
    return _digest(_RULESET_PACKAGES)[:_SHOWN]


_ROOT = Path(__file__).resolve().parent.parent
"""The interlock package's folder (read as files: importlib.resources would add a fifth to `--version`)."""


def _digest(packages: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for package in packages:
        folder = _ROOT.joinpath(*package.split("/"))
        for relative, item in sorted(_source_files(folder, package)):
            digest.update(relative.encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


def _source_files(folder: Path, prefix: str) -> list[tuple[str, Path]]:
    found = []
    for item in folder.iterdir():
        if item.is_dir():
            if item.name != "__pycache__":
                found.extend(_source_files(item, f"{prefix}/{item.name}"))
        elif item.name.endswith(_SUFFIXES):
            found.append((f"{prefix}/{item.name}", item))
    return found
