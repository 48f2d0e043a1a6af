"""List the distributions installed for an interpreter, without running any of their code.

Imports only the standard library (and keeps to Python 3.8 syntax), so it runs in process or,
for another interpreter, as ``python -I -S -c <this file's source>``, printing JSON. With ``-S``
the interpreter does not run ``site``, so no ``.pth`` file and no ``sitecustomize`` executes;
this module then works out the site-packages directories ``site`` would have used (the
virtual environment from ``pyvenv.cfg``, the base prefix when the venv includes system site
packages, the user site when it would be enabled) and reads the path lines of their ``.pth``
files as text, never executing ``import`` lines. ``importlib.metadata`` reads only metadata
files in those directories.
"""

from __future__ import annotations

import json
import os
import site
import sys

MAX_PTH_BYTES = 1024 * 1024
MAX_TEXT = 64 * 1024


def probe(executable: str) -> dict:
    """What is installed for ``executable``, as
    ``{"python", "site_dirs", "distributions": [{"name", "version", "installer", "direct_url", "path", "error"}]}``."""
    from importlib import metadata

    directories = search_path(site_directories(executable))
    distributions = []
    for directory in directories:
        for distribution in metadata.distributions(path=[directory]):
            distributions.append(_describe(distribution))
    return {"python": sys.version.split()[0], "site_dirs": directories, "distributions": distributions}


def _pyvenv(executable: str) -> tuple:
    """(venv directory, includes system site packages) when ``executable`` belongs to a venv, else (None, True)."""
    bin_directory = os.path.dirname(os.path.abspath(executable))
    for candidate in (bin_directory, os.path.dirname(bin_directory)):
        config = os.path.join(candidate, "pyvenv.cfg")
        if os.path.isfile(config):
            system_site = True
            with open(config, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    key, _, value = line.partition("=")
                    if key.strip().lower() == "include-system-site-packages":
                        system_site = value.strip().lower() == "true"
            return os.path.dirname(bin_directory), system_site
    return None, True


def site_directories(executable: str) -> list:
    """The site-packages directories ``site`` would add for ``executable``, existing ones, in order."""
    venv, system_site = _pyvenv(executable)
    prefixes = [venv] if venv else []
    if system_site:
        prefixes += [sys.base_prefix, sys.base_exec_prefix]
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    candidates = []
    for prefix in prefixes:
        candidates += [
            os.path.join(prefix, getattr(sys, "platlibdir", "lib"), version, "site-packages"),
            os.path.join(prefix, "lib", version, "site-packages"),
            os.path.join(prefix, "Lib", "site-packages"),
        ]
        if prefix != venv:
            candidates += site.getsitepackages([prefix])  # distributions patch this (dist-packages)
    if system_site and _user_site_enabled():
        candidates.append(site.getusersitepackages())
    found: list[str] = []
    for candidate in candidates:
        if os.path.isdir(candidate) and os.path.realpath(candidate) not in [os.path.realpath(f) for f in found]:
            found.append(candidate)
    return found


def _user_site_enabled() -> bool:
    """As ``site.check_enableusersite`` decides for a normal start (``-I`` here turns it off for us)."""
    if os.environ.get("PYTHONNOUSERSITE"):
        return False
    setuid = hasattr(os, "getuid") and hasattr(os, "geteuid") and os.geteuid() != os.getuid()
    setgid = hasattr(os, "getgid") and hasattr(os, "getegid") and os.getegid() != os.getgid()
    return not (setuid or setgid)


def search_path(directories: list) -> list:
    """The directories plus those their ``.pth`` files add by path; ``import`` lines are code and skipped."""
    found = list(directories)
    for directory in directories:
        try:
            names = sorted(name for name in os.listdir(directory) if name.endswith(".pth"))
        except OSError:
            continue
        for name in names:
            for line in _pth_lines(os.path.join(directory, name)):
                if not line or line.startswith("#") or line.startswith(("import ", "import\t")):
                    continue
                added = os.path.join(directory, line)
                if os.path.isdir(added) and added not in found:
                    found.append(added)
    return found


def _pth_lines(path: str) -> list:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PTH_BYTES)
    except OSError:
        return []
    return [line.rstrip() for line in data.decode("utf-8", errors="replace").splitlines()]


def _describe(distribution) -> dict:
    found = {"path": str(getattr(distribution, "_path", "") or "")}
    try:
        metadata = distribution.metadata
        found["name"] = metadata["Name"]
        found["version"] = metadata["Version"]
        found["installer"] = _text(distribution, "INSTALLER")
        found["direct_url"] = _text(distribution, "direct_url.json")
    except Exception as exc:  # a broken metadata directory is reported, not fatal
        found["error"] = f"{type(exc).__name__}: {exc}"
    return found


def _text(distribution, name: str):
    text = distribution.read_text(name)
    return text[:MAX_TEXT] if text is not None else None


if __name__ == "__main__":
    json.dump(probe(sys.executable), sys.stdout)
