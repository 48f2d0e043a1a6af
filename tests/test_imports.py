"""Every module of interlock imports on its own, in a fresh interpreter.

An import cycle only breaks when one of its modules is the first to be imported: within a test
run everything is already loaded, so each module is imported here by a new `python -c`.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from interlock.demo import build_demo_releases

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


HEAVY = ("httpx", "hishel", "sigstore", "pypi_attestations", "pydantic", "rich", "confusable_homoglyphs")
"""What a short command must not pay for: the HTTP stack and its cache, provenance verification,
the terminal renderer, the Unicode confusables table."""

_MODULES_MARK = "--- modules loaded:"


def _run_fresh(code: str, **env: str) -> tuple[str, set[str]]:
    """What `code` printed in a new interpreter, and the modules loaded by the end (each top-level
    package by its own name too)."""
    path = os.pathsep.join(filter(None, [str(PACKAGE.parent), os.environ.get("PYTHONPATH")]))
    program = (
        f"import sys\ntry:\n    exec({code!r})\nexcept SystemExit:\n    pass\n"
        f"print({_MODULES_MARK!r}, *sorted({{name.split('.')[0] for name in sys.modules}} | set(sys.modules)))"
    )
    run = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": path, "COLUMNS": "100", **env},
    )
    assert run.returncode == 0, run.stderr
    output, _, modules = run.stdout.rpartition(_MODULES_MARK)
    return output, set(modules.split())


def test_importing_the_cli_loads_no_heavy_dependency() -> None:
    _, loaded = _run_fresh("import interlock.cli")
    assert "interlock" in loaded and "argparse" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))


@pytest.mark.parametrize(("arguments", "shown"), [(["--version"], "interlock 0.1.0 (rules "), (["--help"], "usage:")])
def test_version_and_help_load_no_heavy_dependency(arguments: list[str], shown: str) -> None:
    output, loaded = _run_fresh(f"from interlock.cli import main\nmain({arguments!r})")
    assert output.startswith(shown)
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))


def test_a_command_loads_what_its_own_options_need_not_the_others() -> None:
    # scan's options name the report formats and the policy's levels; cache's need neither.
    output, loaded = _run_fresh("from interlock.cli import main\nmain(['cache', 'prune', '--help'])")
    assert "--max-size SIZE" in output
    assert loaded.isdisjoint({"interlock.report", "interlock.policy", "interlock.scanner"} | set(HEAVY))


def test_listing_the_rules_loads_neither_the_index_client_nor_the_name_matchers() -> None:
    _, loaded = _run_fresh("import interlock.ruleset")
    heavy = {"httpx", "hishel", "sigstore", "pypi_attestations", "pydantic", "confusable_homoglyphs", "rapidfuzz"}
    assert loaded.isdisjoint(heavy | {"yara_x"}), sorted(loaded.intersection(heavy | {"yara_x"}))


def test_scanning_a_local_wheel_without_history_loads_no_http_stack(tmp_path: Path) -> None:
    _genuine, trojaned = build_demo_releases(tmp_path / "demo")
    arguments = ["scan", "--no-history", "--no-progress", "--format", "json", str(trojaned)]
    output, loaded = _run_fresh(
        f"from interlock.cli import main\nmain({arguments!r})", INTERLOCK_CACHE_DIR=str(tmp_path / "cache")
    )
    assert [result["verdict"] for result in json.loads(output)["results"]] == ["malicious"]
    assert loaded.isdisjoint({"httpx", "hishel", "sigstore", "pypi_attestations", "pydantic"})


def test_an_index_error_alone_does_not_load_the_http_stack() -> None:
    _, loaded = _run_fresh("import interlock.index.errors, interlock.index.models, interlock.index.cache_location")
    assert loaded.isdisjoint({"httpx", "hishel"})


@pytest.mark.parametrize("package", ["interlock.index", "interlock.index.provenance"])
def test_every_name_a_package_exports_lazily_resolves(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert getattr(importlib.import_module(value.__module__), name) is value
    with pytest.raises(ImportError, match="cannot import name 'NoSuchName'"):
        exec(f"from {package} import NoSuchName")
