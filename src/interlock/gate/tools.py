"""Which Python the install targets, and which pip and uv do the installing.

- The target: `--python PATH` (an interpreter or a virtualenv directory); else the active
  virtualenv (`$VIRTUAL_ENV`); else the `python3` on PATH. Never Interlock's own interpreter
  unless it is one of those.
- pip: the target's own (`PYTHON -m pip`); when the target has none (a venv made with
  `--without-pip`), the pip beside Interlock, pointed at the target with pip's `--python`.
- uv: the `uv` on PATH, else the one installed beside Interlock.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

_PROBE_TIMEOUT = 30.0


class ToolMissing(Exception):
    """The interpreter, pip or uv the gate needs is not there; `str()` says what to do."""


def target_python(given: Path | None, environ: Mapping[str, str] = os.environ) -> Path:
    """The interpreter to install into (see the module docstring)."""
    if given is not None:
        candidate = _interpreter_in(given) if given.is_dir() else given
        where = f"--python {given}"
    elif environ.get("VIRTUAL_ENV"):
        candidate = _interpreter_in(Path(environ["VIRTUAL_ENV"]))
        where = f"the active virtualenv ($VIRTUAL_ENV={environ['VIRTUAL_ENV']})"
    else:
        found = shutil.which("python3", path=environ.get("PATH"))
        if found is None:
            raise ToolMissing("no python3 on PATH to install into: activate a virtualenv or pass --python PATH")
        candidate, where = Path(found), "the python3 on PATH"
    if not candidate.is_file() or not os.access(candidate, os.X_OK):
        raise ToolMissing(f"{where}: {candidate} is not an executable Python interpreter")
    return candidate


def _interpreter_in(environment: Path) -> Path:
    for relative in ("bin/python", "Scripts/python.exe"):
        if (environment / relative).exists():
            return environment / relative
    return environment / "bin/python"


def pip_command(python: Path) -> list[str]:
    """How to run pip for `python` (see the module docstring)."""
    if _has_pip(python):
        return [str(python), "-m", "pip"]
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip", "--python", str(python)]
    raise ToolMissing(
        f"{python} has no pip, and neither has interlock's environment: install pip there, or use 'interlock uv'"
    )


def _has_pip(python: Path) -> bool:
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('pip') is None)"
    try:
        return (
            subprocess.run(
                [str(python), "-I", "-c", probe], capture_output=True, timeout=_PROBE_TIMEOUT, check=False
            ).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


def uv_command(environ: Mapping[str, str] = os.environ) -> str:
    """The uv executable (see the module docstring)."""
    found = shutil.which("uv", path=environ.get("PATH")) or shutil.which("uv", path=str(Path(sys.executable).parent))
    if found is None:
        raise ToolMissing("uv is not on PATH: install it (pip install uv), or use 'interlock install' for pip")
    return found
