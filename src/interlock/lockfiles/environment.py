"""The distributions installed for an interpreter, as a ``Lockfile`` of what is there now.

``read_environment()`` reads the running interpreter's environment in process;
``read_environment(Path("/venv/bin/python"))`` reads another interpreter's by running it as
``python -I -S -c <_environment_probe.py>``, which prints JSON:

- ``-I`` (isolated): ``PYTHON*`` variables, the working directory and the user's site are not
  consulted, so nothing beside the command decides what gets imported;
- ``-S``: ``site`` does not run, so no ``.pth`` file (where the litellm payload sat) and no
  ``sitecustomize``/``usercustomize`` executes at start-up. Without it, ``-I`` alone would still
  run every ``import`` line of every ``.pth`` in site-packages before our script started;
- the probe then computes the site-packages directories ``site`` would have used (venv via
  ``pyvenv.cfg``, system and user site as configured) and the directories ``.pth`` path lines add
  (read as text, ``import`` lines skipped), and reads metadata there with ``importlib.metadata``.

Only the interpreter runs, never a package's code. Both ways use the same probe, so they agree.
Every distribution found is listed, including one shadowed by another of the same name in an
earlier directory: its files are on disk, and its ``.pth`` files run at start-up all the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packaging.direct_url import DirectUrl, DirectUrlValidationError
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from interlock.artifact.limits import describe_size
from interlock.lockfiles import _environment_probe
from interlock.lockfiles._fields import clip, filename_from_url, normalise_hash
from interlock.lockfiles.interface import (
    ArtifactFile,
    LockedPackage,
    Lockfile,
    LockfileError,
    LockfileFormat,
    MiB,
    PinStatus,
    Problem,
    display_url,
)

PROBE_TIMEOUT = 60.0
MAX_PROBE_OUTPUT = 64 * MiB
_PROBE = Path(_environment_probe.__file__)


def read_environment(python: Path | None = None) -> Lockfile:
    """Installed distributions of the running interpreter, or of the interpreter at ``python``."""
    if python is None:
        executable = Path(sys.executable)
        answer = _environment_probe.probe(sys.executable)
    else:
        executable = Path(python)
        answer = _run_probe(executable)
    return _lockfile(executable, answer)


def _run_probe(python: Path) -> dict[str, Any]:
    """The probe's JSON from ``python -I -S``; output goes to temporary files so a runaway one cannot fill memory."""
    command = [str(python), "-I", "-S", "-c", _PROBE.read_text(encoding="utf-8")]
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        try:
            completed = subprocess.run(
                command, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, timeout=PROBE_TIMEOUT, check=False
            )
        except FileNotFoundError:
            raise LockfileError(python, None, "no such interpreter") from None
        except PermissionError:
            raise LockfileError(python, None, "not executable") from None
        except OSError as exc:
            raise LockfileError(python, None, f"cannot run: {exc.strerror or exc}") from None
        except subprocess.TimeoutExpired:
            raise LockfileError(
                python, None, f"listing installed distributions took longer than {PROBE_TIMEOUT:g} s"
            ) from None
        if completed.returncode != 0:
            stderr.seek(0)
            lines = stderr.read(MiB).decode("utf-8", errors="replace").strip().splitlines()
            detail = clip(lines[-1]) if lines else f"exit status {completed.returncode}"
            raise LockfileError(
                python, None, f"cannot list installed distributions (a Python 3.8+ interpreter?): {detail}"
            )
        size = stdout.seek(0, 2)
        if size > MAX_PROBE_OUTPUT:
            raise LockfileError(
                python, None, f"listing of installed distributions is larger than {describe_size(MAX_PROBE_OUTPUT)}"
            )
        stdout.seek(0)
        output = stdout.read()
    try:
        answer = json.loads(output)
    except (ValueError, RecursionError):
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("distributions"), list):
        raise LockfileError(
            python, None, "the interpreter's listing of installed distributions is not the expected JSON"
        )
    return answer


def _lockfile(executable: Path, answer: Mapping[str, Any]) -> Lockfile:
    packages: list[LockedPackage] = []
    problems: list[Problem] = []
    for found in answer["distributions"]:
        if not isinstance(found, dict):
            continue
        where = Path(str(found.get("path") or executable))
        try:
            packages.append(_package(where, found))
        except ValueError as exc:
            problems.append(Problem(where, None, str(exc)))
    return Lockfile(
        path=executable, format=LockfileFormat.ENVIRONMENT, packages=tuple(packages), problems=tuple(problems)
    )


def _package(where: Path, found: Mapping[str, Any]) -> LockedPackage:
    """One installed distribution; ``ValueError`` with a message for one too broken to list."""
    if isinstance(found.get("error"), str):
        raise ValueError(f"unreadable metadata: {clip(found['error'])}")
    raw_name, raw_version = found.get("name"), found.get("version")
    if not isinstance(raw_name, str) or not raw_name.strip():
        raise ValueError("installed distribution without a name in its metadata")
    name = canonicalize_name(raw_name)
    raw_installer = found.get("installer")
    installer = (raw_installer.strip() or None) if isinstance(raw_installer, str) else None
    common: dict[str, Any] = dict(name=name, source=where, installer=installer)
    try:
        version = Version(raw_version) if isinstance(raw_version, str) else None
    except InvalidVersion:
        version = None
    if version is None:
        reason = f"installed version {clip(str(raw_version))!r} is not a valid version"
        return LockedPackage(version=None, status=PinStatus.UNVERIFIABLE, requirement=name, reason=reason, **common)
    common.update(version=version, requirement=f"{name}=={version}")
    direct_url = found.get("direct_url")
    if isinstance(direct_url, str):
        return _direct(direct_url, common)
    return LockedPackage(status=PinStatus.PINNED, **common)


def _direct(text: str, common: dict[str, Any]) -> LockedPackage:
    """A distribution installed from a URL, VCS or directory (PEP 610 ``direct_url.json``)."""
    try:
        data = json.loads(text)
        direct = DirectUrl.from_dict(data) if isinstance(data, dict) else None
    except (ValueError, RecursionError, DirectUrlValidationError):
        direct = None
    if direct is None:
        return LockedPackage(
            status=PinStatus.UNVERIFIABLE, reason="installed from a direct URL (direct_url.json unreadable)", **common
        )
    files: tuple[ArtifactFile, ...] = ()
    if direct.vcs_info:
        reason = f"installed from VCS ({direct.vcs_info.vcs} commit {clip(direct.vcs_info.commit_id, 64)})"
    elif direct.dir_info:
        kind = "editable install of" if direct.dir_info.editable else "installed from"
        reason = f"{kind} local directory {clip(display_url(direct.url))}"
    else:
        archive = direct.archive_info
        hashes = {normalise_hash(f"{a}:{d}") for a, d in ((archive.hashes or {}).items() if archive else [])}
        files = (
            ArtifactFile(
                filename=filename_from_url(direct.url), url=direct.url, hashes=frozenset(h for h in hashes if h)
            ),
        )
        source = "local file" if direct.url.startswith("file:") else "direct URL"
        reason = f"installed from a {source} ({clip(display_url(direct.url))}), not an index"
    return LockedPackage(
        status=PinStatus.UNVERIFIABLE,
        reason=reason,
        url=direct.url,
        files=files,
        hashes=frozenset().union(*(f.hashes for f in files)),
        **common,
    )
