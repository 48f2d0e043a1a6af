"""Every module of interlock imports on its own, in a fresh interpreter.

An import cycle only breaks when one of its modules is the first to be imported: within a test
run everything is already loaded, so each module is imported here by a new `python -c`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "interlock"


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _modules()


def _import_alone(module: str) -> str | None:
    """None when `module` imports in a new interpreter, else what the interpreter printed."""
    # The tree under test comes first, whatever interlock the environment has installed.
    path = os.pathsep.join(filter(None, [str(PACKAGE.parent), os.environ.get("PYTHONPATH")]))
    run = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": path},
    )
    return None if run.returncode == 0 else run.stderr or f"exit status {run.returncode}"


@pytest.fixture(scope="module")
def import_failures() -> dict[str, str]:
    """What went wrong importing each module that failed; several interpreters run at once."""
    with ThreadPoolExecutor(max_workers=max(4, os.cpu_count() or 1)) as pool:
        outcomes = dict(zip(MODULES, pool.map(_import_alone, MODULES), strict=True))
    return {module: problem for module, problem in outcomes.items() if problem is not None}


def test_every_module_is_found() -> None:
    assert len(MODULES) > 50 and "interlock.cli" in MODULES and "interlock.model.result" in MODULES


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_in_a_fresh_interpreter(module: str, import_failures: dict[str, str]) -> None:
    assert module not in import_failures, import_failures.get(module)
