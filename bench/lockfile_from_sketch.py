"""Rebuild a hash-pinned lockfile from a sketch: each pin with the first hex digits of its files' hashes.

    python bench/lockfile_from_sketch.py SKETCH... --out FILE [--format requirements|poetry] [--header TEXT]

How the lockfiles of bench/data/lockfiles/ were made. Public lockfiles can only be read as text
here, a page at a time, and copying thousands of 64-digit hashes by hand invites mistakes; so
each package of the source lockfile was noted as one sketch line::

    name[extras]==version 526a04eada 7820790efb ...

with the first ten hex digits of every sha256 the lockfile lists for it (a line may repeat a pin
to add more, and may end with ``; MARKER`` when the lockfile locks the package in several versions,
one per environment: the marker is then written after the requirement). This script looks each
release up on the index pip is configured with (the same client and cache as an audit) and writes,
for every prefix, the one file of that release whose sha256 starts with it: the full hash, and for
a poetry.lock the filename. A prefix that matches no file, or more than one, is reported and left
out; a pin with no file left is reported and left out.
Nothing is downloaded but the index's project pages.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from packaging.requirements import Requirement  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402

from interlock.index.client import IndexClient  # noqa: E402
from interlock.index.errors import IndexProblem  # noqa: E402
from interlock.index.models import IndexFile  # noqa: E402

_PREFIX = re.compile(r"^[0-9a-f]{6,64}$")


@dataclass
class Pin:
    requirement: str
    """``name[extras]==version`` as the sketch writes it."""
    prefixes: list[str] = field(default_factory=list)
    marker: str | None = None
    """The environment marker of a pin locked in several versions, as the sketch writes it."""

    @property
    def parsed(self) -> Requirement:
        return Requirement(self.requirement)

    @property
    def version(self) -> str:
        return next(iter(self.parsed.specifier)).version


def read_sketches(paths: list[Path]) -> list[Pin]:
    """Pins in the order first seen; a repeated pin adds its prefixes to the first."""
    pins: dict[str, Pin] = {}
    for path in paths:
        for number, raw in enumerate(path.read_text().splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            line, _, marker = line.partition(";")
            requirement, *prefixes = line.split()
            bad = [p for p in prefixes if not _PREFIX.match(p)]
            if "==" not in requirement or bad:
                raise SystemExit(f"{path}:{number}: not 'name==version prefix... [; marker]': {raw!r}")
            pin = pins.setdefault(requirement.lower(), Pin(requirement, marker=marker.strip() or None))
            pin.prefixes.extend(p for p in prefixes if p not in pin.prefixes)
    return list(pins.values())


def resolve(pin: Pin, client: IndexClient, problems: list[str]) -> list[IndexFile]:
    """The release files whose sha256 starts with one of the pin's prefixes, in the index's order."""
    name = canonicalize_name(pin.parsed.name)
    try:
        files = client.release_files(name, pin.version)
    except IndexProblem as exc:
        problems.append(f"{pin.requirement}: {exc}")
        return []
    chosen: list[IndexFile] = []
    for prefix in pin.prefixes:
        matching = [f for f in files if f.sha256 and f.sha256.startswith(prefix)]
        if len(matching) != 1:
            problems.append(f"{pin.requirement}: prefix {prefix} matches {len(matching)} files")
            continue
        if matching[0] not in chosen:
            chosen.append(matching[0])
    if not chosen:
        problems.append(f"{pin.requirement}: no file left, pin dropped")
    return chosen


def as_requirements(resolved: list[tuple[Pin, list[IndexFile]]], header: str) -> str:
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for pin, files in resolved:
        hashes = " \\\n".join(f"    --hash=sha256:{f.sha256}" for f in sorted(files, key=lambda f: f.sha256 or ""))
        marker = f" ; {pin.marker}" if pin.marker else ""
        lines.append(f"{pin.requirement}{marker} \\\n{hashes}")
    return "\n".join(lines) + "\n"


def as_poetry_lock(resolved: list[tuple[Pin, list[IndexFile]]], header: str) -> str:
    parts = [f"# {line}".rstrip() for line in header.splitlines()]
    for pin, files in resolved:
        listed = "\n".join(
            f'    {{file = "{f.filename}", hash = "sha256:{f.sha256}"}},'
            for f in sorted(files, key=lambda f: f.filename)
        )
        parts.append(
            f'\n[[package]]\nname = "{pin.parsed.name}"\nversion = "{pin.version}"\ndescription = ""\n'
            f'optional = false\npython-versions = "*"\nfiles = [\n{listed}\n]'
        )
    parts.append('\n[metadata]\nlock-version = "2.0"\npython-versions = "*"\ncontent-hash = ""')
    return "\n".join(parts) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sketches", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--format", choices=("requirements", "poetry"), default="requirements")
    parser.add_argument("--header", default="", help="comment lines put at the top (\\n between lines)")
    parser.add_argument("--cache", type=Path, default=REPO / ".bench-cache" / "real-lockfiles-cache")
    options = parser.parse_args()
    pins = read_sketches(options.sketches)
    problems: list[str] = []
    # The layout an audit run with XDG_CACHE_HOME=<cache>/cache uses: its pages serve both.
    cache = options.cache / "cache" / "interlock"
    with IndexClient.from_pip(cache_dir=cache / "artifacts", http_cache_dir=cache / "http") as client:
        client.prefetch([p.parsed.name for p in pins])
        resolved = [(pin, resolve(pin, client, problems)) for pin in pins]
    kept = [(pin, files) for pin, files in resolved if files]
    write = as_poetry_lock if options.format == "poetry" else as_requirements
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(write(kept, options.header.replace("\\n", "\n")))
    hashes = sum(len(files) for _, files in kept)
    print(f"{options.out}: {len(kept)} of {len(pins)} pins, {hashes} file hashes")
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
