"""What the user asked to scan: artifact files, directories of them, or NAME==VERSION pins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from interlock.artifact.reader import is_artifact_name

# NAME==VERSION, as pip writes pins (extras are not meaningful for one artifact).
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*$")


class TargetError(ValueError):
    """A target that names nothing scannable; the message says what was wrong."""


@dataclass(frozen=True)
class Target:
    text: str
    """As the user wrote it."""
    path: Path | None = None
    """A local artifact file."""
    pin: tuple[str, str] | None = None
    """(name, version) to fetch from the index."""


def expand(arguments: list[str]) -> list[Target]:
    """Targets in the order given; directories contribute their artifacts sorted by name."""
    targets: list[Target] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and is_artifact_name(p.name))
            if not found:
                raise TargetError(f"{argument}: directory holds no artifacts (.whl, .tar.gz, .zip, .egg)")
            targets.extend(Target(str(p), path=p) for p in found)
        elif path.is_file():
            if not is_artifact_name(path.name):
                raise TargetError(f"{argument}: not a wheel, sdist (.tar.gz/.zip) or egg")
            targets.append(Target(argument, path=path))
        elif match := _PIN.match(argument):
            targets.append(Target(argument, pin=(match[1], match[2])))
        elif "==" in argument or not any(sep in argument for sep in "/\\."):
            raise TargetError(f"{argument}: expected NAME==VERSION (an exact pin), a file or a directory")
        else:
            raise TargetError(f"{argument}: no such file or directory")
    return targets
