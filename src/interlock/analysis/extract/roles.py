"""When each file of an artifact runs: the execution plan analysis is done against.

The same `subprocess` call is routine in a function a user calls and alarming in setup.py or in
a module a `.pth` imports at every interpreter start; this module decides which is which.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from interlock.analysis.facts import When
from interlock.artifact.model import Artifact, ArtifactKind
from interlock.artifact.reader import is_disguised_zip

_TEST_DIRS = {
    "tests",
    "test",
    "testing_data",
    "docs",
    "doc",
    "examples",
    "example",
    "samples",
    "sample",
    "benchmarks",
    "bench",
}
# Directories of an sdist that hold the maintainers' helper scripts; they are neither
# installed nor imported (unless they are packages, or setup.py runs or imports them: see engine).
_SDIST_HELPER_DIRS = {
    "tools",
    "tool",
    "scripts",
    "script",
    "ci",
    ".github",
    ".circleci",
    "dev",
    "devtools",
    "maint",
    "release",
    "build_tools",
}
_STARTUP_MODULES = {"sitecustomize.py", "usercustomize.py"}


@dataclass(frozen=True)
class Role:
    when: When
    everything_runs: bool = False
    """Every function in the file exists to run at `when` (setup.py, build backends)."""
    reason: str = ""


def is_python(path: str) -> bool:
    return path.endswith((".py", ".pyw"))


def is_test_or_example(path: str) -> bool:
    """Tests, documentation, examples and benchmarks, by their directory or file name."""
    parts = path.split("/")
    name = parts[-1]
    return (
        any(part in _TEST_DIRS or part.endswith("tests") for part in parts[:-1])
        or name == "conftest.py"
        or name.startswith("test_")
        or name.endswith("_test.py")
    )


def is_test(path: str) -> bool:
    """A test suite's file (not documentation or an example), by its directory or file name."""
    parts = path.split("/")
    name = parts[-1]
    return (
        any(part in ("test", "testing") or part.endswith("tests") for part in parts[:-1])
        or name == "conftest.py"
        or name.startswith("test_")
        or name.endswith("_test.py")
    )


def is_python_script(artifact: Artifact, path: str) -> bool:
    """A file a wheel installs to bin/ whose first line runs it with Python (`#!python`, which the
    installer rewrites to the environment's interpreter, or any `#!…python…`)."""
    if artifact.kind is not ArtifactKind.WHEEL:
        return False
    parts = path.split("/")
    if not (len(parts) == 3 and parts[0].endswith(".data") and parts[1] == "scripts"):
        return False
    member = artifact.members.get(path)
    first_line = (member.data or b"")[:200].split(b"\n", 1)[0] if member is not None else b""
    return first_line.startswith(b"#!") and b"python" in first_line


def is_pth(artifact: Artifact, path: str) -> bool:
    """A .pth that site.py would process: at the root of site-packages once installed."""
    if not path.endswith(".pth") or "!/" in path:
        return False
    return "/" not in install_path(artifact, path)


def install_path(artifact: Artifact, path: str) -> str:
    """Where a member lands relative to site-packages (wheel .data/purelib and platlib unwrapped)."""
    if artifact.kind is ArtifactKind.WHEEL:
        parts = path.split("/")
        if len(parts) > 2 and parts[0].endswith(".data") and parts[1] in ("purelib", "platlib"):
            return "/".join(parts[2:])
    return path


def build_backend_paths(artifact: Artifact) -> set[str]:
    """Module files of an in-tree build backend (`backend-path` in pyproject.toml)."""
    text = artifact.text("pyproject.toml")
    if text is None:
        return set()
    try:
        build_system = tomllib.loads(text).get("build-system", {})
    except (tomllib.TOMLDecodeError, AttributeError):
        return set()
    backend = build_system.get("build-backend")
    directories = build_system.get("backend-path")
    if not isinstance(backend, str) or not isinstance(directories, list):
        return set()
    module = backend.split(":")[0].replace(".", "/")
    found = set()
    for directory in directories:
        if not isinstance(directory, str):
            continue
        base = directory.strip("./").rstrip("/")
        prefix = f"{base}/" if base else ""
        for candidate in (f"{prefix}{module}.py", f"{prefix}{module}/__init__.py"):
            if candidate in artifact.members:
                found.add(candidate)
    return found


def module_file(artifact: Artifact, module: str) -> str | None:
    """The member that `import module` (dotted: `tools.fetch`) would load from this artifact once installed."""
    relative = module.replace(".", "/")
    for path in artifact.members:
        installed = install_path(artifact, path)
        if installed in (f"{relative}.py", f"{relative}/__init__.py"):
            return path
    return None


def role_of(artifact: Artifact, path: str, backends: set[str]) -> Role:
    if "!/" in path:
        outer = artifact.members.get(path.rsplit("!/", 1)[0])
        if outer is not None and is_disguised_zip(outer):
            # Put on sys.path, its modules import like any other: we cannot tell when, so judge them.
            return Role(When.CALL, reason="inside a zip archive disguised as another kind of file")
        return Role(When.NEVER, reason="inside a nested archive")
    installed = install_path(artifact, path)
    parts = installed.split("/")
    is_sdist = artifact.kind in (ArtifactKind.SDIST, ArtifactKind.ZIP)
    if is_sdist and installed == "setup.py":
        return Role(When.INSTALL, True, "setup.py runs when the sdist is built or installed")
    if path in backends:
        return Role(When.INSTALL, True, "in-tree build backend runs when the sdist is built")
    if artifact.kind is ArtifactKind.WHEEL and len(parts) >= 3 and parts[0].endswith(".data") and parts[1] == "scripts":
        return Role(When.CALL, reason="script installed to bin/")
    if len(parts) == 1 and parts[0] in _STARTUP_MODULES and not is_sdist:
        return Role(When.STARTUP, reason=f"{parts[0]} is imported at every interpreter start")
    if is_test_or_example(installed):
        return Role(When.CALL, reason="test, documentation or example code")
    if is_sdist and any(
        part in _SDIST_HELPER_DIRS and "/".join([*parts[:depth], "__init__.py"]) not in artifact.members
        for depth, part in enumerate(parts[:-1], 1)
    ):
        return Role(When.CALL, reason="a maintainer's script in the sdist, not part of any package")
    return Role(When.IMPORT, reason="module top level runs at import")
