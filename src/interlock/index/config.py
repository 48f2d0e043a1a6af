"""Which index to use: the one the user's pip is configured with.

Precedence for the index URL, first found wins:

1. ``explicit`` (the ``--index-url`` flag);
2. the ``PIP_INDEX_URL`` environment variable;
3. pip's configuration files, as ``pip install`` reads them: an ``[install]`` section beats
   ``[global]``; of the files, ``PIP_CONFIG_FILE`` beats the site (virtualenv) file, which beats
   the user file, which beats the global one (``PIP_CONFIG_FILE=/dev/null`` turns files off);
4. pip's own default, asked of pip at run time (never written here).

Extra index URLs (``PIP_EXTRA_INDEX_URL``, then ``extra-index-url``) and the CA bundle
(``PIP_CERT``, then ``cert``) are read the same way. Environment variables are read without
importing pip, so an explicit flag or ``PIP_INDEX_URL`` costs nothing. Otherwise pip is asked in
process (about 0.1 s); if it is not importable beside Interlock, the ``python3``/``python`` on
PATH is asked in a subprocess, and if that fails too the error says how to name an index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interlock.index.errors import IndexConfigError

_PROBE = Path(__file__).with_name("_pip_probe.py")
_PROBE_TIMEOUT = 15.0


@dataclass(frozen=True)
class IndexSettings:
    """The index pip would use, and where that came from."""

    index_url: str
    """Root of the simple API (PEP 503/691), as configured."""
    source: str
    """Where ``index_url`` came from, for messages: ``--index-url``, ``PIP_INDEX_URL``, a pip config
    key and file, or pip's default."""
    extra_index_urls: tuple[str, ...] = ()
    """Other indexes pip also searches; worth reporting (a name on two indexes is a dependency-confusion risk)."""
    cert: str | None = None
    """CA bundle pip verifies TLS with (``PIP_CERT`` / ``cert``), when configured."""


def configured_index_url(explicit: str | None = None) -> str:
    """The index URL to fetch from; see the module docstring for the precedence."""
    if explicit and explicit.strip():
        return explicit.strip()
    if from_env := _env("PIP_INDEX_URL"):
        return from_env
    return configured_index(None).index_url


def configured_index(explicit: str | None = None) -> IndexSettings:
    """Index URL, extra index URLs and CA bundle, each with pip's precedence."""
    from_env = {
        name: _env(variable)
        for name, variable in (
            ("index-url", "PIP_INDEX_URL"),
            ("extra-index-url", "PIP_EXTRA_INDEX_URL"),
            ("cert", "PIP_CERT"),
        )
    }
    pip = _ask_pip()
    values: dict[str, list[str]] = pip.get("values", {})

    if explicit and explicit.strip():
        index_url, source = explicit.strip(), "--index-url"
    elif from_env["index-url"]:
        index_url, source = from_env["index-url"], "PIP_INDEX_URL"
    elif "index-url" in values:
        index_url, source = values["index-url"][0], values["index-url"][1]
    elif isinstance(pip.get("default"), str):
        index_url, source = pip["default"], "pip's default"
    else:
        raise IndexConfigError("pip did not say what its default index is; pass --index-url or set PIP_INDEX_URL")

    extra = from_env["extra-index-url"] or (values["extra-index-url"][0] if "extra-index-url" in values else "")
    cert = from_env["cert"] or (values["cert"][0] if "cert" in values else None)
    return IndexSettings(index_url, source, tuple(extra.split()), cert)


def _env(variable: str) -> str | None:
    value = os.environ.get(variable, "").strip()
    return value or None  # pip ignores empty settings too


def _ask_pip() -> dict[str, Any]:
    """pip's view (see ``_pip_probe.probe``), in process if pip is importable, else from a PATH python."""
    try:
        from interlock.index import _pip_probe

        return _pip_probe.probe()
    except ImportError:
        pass
    except Exception as exc:  # pip's ConfigurationError: a config file pip itself would refuse
        raise IndexConfigError(f"pip's configuration could not be read: {exc}") from None
    return _ask_pip_in_subprocess()


def _ask_pip_in_subprocess() -> dict[str, Any]:
    tried: list[str] = []
    here = os.path.realpath(sys.executable)
    for command in ("python3", "python"):
        executable = shutil.which(command)
        if executable is None or os.path.realpath(executable) in {here, *tried}:
            continue
        tried.append(os.path.realpath(executable))
        try:
            # -I: neither the working directory nor PYTHON* variables may change what gets imported.
            completed = subprocess.run(
                [executable, "-I", "-c", _PROBE.read_text(encoding="utf-8")],
                capture_output=True,
                text=True,
                timeout=_PROBE_TIMEOUT,
                check=False,
            )
            if completed.returncode == 0:
                answer = json.loads(completed.stdout)
                if isinstance(answer, dict):
                    return answer
        except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
            continue
    raise IndexConfigError(
        "cannot tell which package index pip uses: pip is not importable here"
        + (f" nor by {', '.join(tried)}" if tried else " and no python is on PATH")
        + "; pass --index-url or set PIP_INDEX_URL"
    )
