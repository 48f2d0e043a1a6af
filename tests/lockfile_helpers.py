"""Shared bits for the lockfile tests: writing files and realistic digests."""

from __future__ import annotations

import hashlib
from pathlib import Path
from textwrap import dedent

INDEX = "http://127.0.0.1:8080/simple"
EXTRA_INDEX = "http://127.0.0.1:8081/simple"
FILES = "http://127.0.0.1:8080/files"


def digest(seed: str) -> str:
    """A sha256 hex digest that looks like any other (derived from ``seed`` so tests can tell them apart)."""
    return hashlib.sha256(seed.encode()).hexdigest()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def by_name(lockfile) -> dict:  # type: ignore[no-untyped-def]
    """Packages keyed by name; fails if a name appears twice (tests that expect that look at the tuple)."""
    packages = {}
    for package in lockfile.packages:
        assert package.name not in packages, f"{package.name} listed twice"
        packages[package.name] = package
    return packages


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (so tests do not hard-code line numbers)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
