"""Build release artifacts in memory and scan them: the shared helpers of the detection tests.

Nothing here writes to disk, installs, imports or runs what it builds: artifacts are bytes read
back with the same reader the product uses, then scanned with the same engine.
"""

from __future__ import annotations

import io
import tarfile
import textwrap
import zipfile
from collections.abc import Iterable

from interlock.analysis.engine import scan_artifact
from interlock.analysis.extract.python.reader import analyse_python
from interlock.analysis.extract.python.report import SourceReport
from interlock.analysis.facts import Capability, Fact, When
from interlock.artifact.limits import DEFAULT_LIMITS, Limits
from interlock.artifact.model import Artifact
from interlock.artifact.reader import read_artifact_bytes
from interlock.demo.wheel import sdist_bytes, sdist_filename, wheel_bytes, wheel_filename
from interlock.model.findings import Finding
from interlock.model.result import ScanResult

Files = dict[str, str | bytes]


def _dedent(files: Files) -> Files:
    """Sources are written indented inside tests; installers see them flush left."""
    return {path: textwrap.dedent(data).lstrip("\n") if isinstance(data, str) else data for path, data in files.items()}


def wheel(files: Files, name: str = "demo", version: str = "1.0", *, entry_points: str | None = None) -> Artifact:
    """A py3-none-any wheel of `files` (plus .dist-info), read back as the scanner reads it."""
    data = wheel_bytes(name, version, _dedent(files), entry_points=entry_points)
    return read_artifact_bytes(wheel_filename(name, version), data)


def sdist(files: Files, name: str = "demo", version: str = "1.0") -> Artifact:
    """A .tar.gz sdist of `files` under `name-version/`, read back as the scanner reads it."""
    return read_artifact_bytes(sdist_filename(name, version), sdist_bytes(name, version, _dedent(files)))


def scan(artifact: Artifact) -> ScanResult:
    return scan_artifact(artifact, artifact.filename)


def scan_wheel(
    files: Files, name: str = "demo", version: str = "1.0", *, entry_points: str | None = None
) -> ScanResult:
    return scan(wheel(files, name, version, entry_points=entry_points))


def scan_sdist(files: Files, name: str = "demo", version: str = "1.0") -> ScanResult:
    return scan(sdist(files, name, version))


def findings_of(result: ScanResult, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


def rule_ids(result: ScanResult) -> set[str]:
    return {f.rule for f in result.findings}


# -- hostile archives --------------------------------------------------------------------------


def zip_artifact(
    entries: Iterable[tuple[str | zipfile.ZipInfo, bytes]],
    filename: str = "demo-1.0-py3-none-any.whl",
    limits: Limits = DEFAULT_LIMITS,
    *,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Artifact:
    """A zip (wheel by default) with exactly these entries, in order, duplicates and odd names kept."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return read_artifact_bytes(filename, buffer.getvalue(), limits)


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_member(
    name: str, data: bytes = b"", *, kind: bytes = tarfile.REGTYPE, linkname: str = ""
) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = 0o644
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data


def tar_artifact(
    members: Iterable[tuple[tarfile.TarInfo, bytes]], filename: str = "demo-1.0.tar.gz", limits: Limits = DEFAULT_LIMITS
) -> Artifact:
    """A .tar.gz with exactly these members (links, devices, odd names kept as given)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if info.type == tarfile.REGTYPE else None)
    return read_artifact_bytes(filename, buffer.getvalue(), limits)


# -- source analysis ---------------------------------------------------------------------------


def analyse(
    source: str | bytes, when: When = When.IMPORT, *, path: str = "pkg/mod.py", everything_runs: bool = False
) -> SourceReport:
    """Facts of one file whose top level runs at `when` (sources may be written indented)."""
    data = textwrap.dedent(source).lstrip("\n").encode() if isinstance(source, str) else source
    return analyse_python(path, data, when, everything_runs=everything_runs)


def facts_of(report: SourceReport, capability: Capability) -> list[Fact]:
    return [f for f in report.facts if f.capability is capability]


def only(items: list[Fact]) -> Fact:
    """The single element, with a readable failure when there are none or several."""
    assert len(items) == 1, f"expected exactly one, got {items!r}"
    return items[0]


# setuptools' namespace-package line, exactly as its -nspkg.pth files carry it.
NSPKG = (
    "import sys, types, os;has_mfs = sys.version_info > (3, 5);"
    "p = os.path.join(sys._getframe(1).f_locals['sitedir'], *('zope',));"
    "importlib = has_mfs and __import__('importlib.util');"
    "has_mfs and __import__('importlib.machinery');"
    "m = has_mfs and sys.modules.setdefault('zope', importlib.util.module_from_spec("
    "importlib.machinery.PathFinder.find_spec('zope', [os.path.dirname(p)])));"
    "m = m or sys.modules.setdefault('zope', types.ModuleType('zope'));"
    "mp = (m or []) and m.__dict__.setdefault('__path__',[]);"
    "(p not in mp) and mp.append(p)"
)
