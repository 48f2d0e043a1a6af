"""Build release artifacts in memory and scan them: the shared helpers of the detection tests.

Nothing here writes to disk, installs, imports or runs what it builds: artifacts are bytes read
back with the same reader the product uses, then scanned with the same engine.
"""

from __future__ import annotations

import io
import json
import tarfile
import textwrap
import warnings
import zipfile
from collections.abc import Iterable

from interlock.analysis.engine import scan_artifact
from interlock.analysis.extract.python.reader import analyse_python
from interlock.analysis.extract.python.report import SourceReport
from interlock.analysis.facts import Capability, Fact, When
from interlock.artifact.limits import DEFAULT_LIMITS, Deadline, Limits
from interlock.artifact.model import Artifact
from interlock.artifact.reader import read_artifact_bytes
from interlock.demo.wheel import sdist_bytes, sdist_filename, wheel_bytes, wheel_filename
from interlock.model.findings import Finding
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict

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


# -- hostile archives: exactly the entries given ------------------------------------------------

ZipEntry = tuple[str | zipfile.ZipInfo, bytes | str]
TarEntry = tarfile.TarInfo | tuple[str | tarfile.TarInfo, bytes]


def zip_bytes(entries: Iterable[ZipEntry], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip with exactly these entries, in order, duplicates and odd names kept.

    A ZipInfo entry takes the archive's compression unless it names another than ZIP_STORED.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo) and name.compress_type == zipfile.ZIP_STORED:
                name.compress_type = compression
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": that is the point
                archive.writestr(name, data)
    return buffer.getvalue()


def zip_artifact(
    entries: Iterable[ZipEntry],
    filename: str = "demo-1.0-py3-none-any.whl",
    limits: Limits = DEFAULT_LIMITS,
    *,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Artifact:
    """`zip_bytes` read back as a wheel (by default) with the product's reader."""
    return read_artifact_bytes(filename, zip_bytes(entries, compression), limits)


def bare_wheel_bytes(files: dict[str, bytes | str]) -> bytes:
    """demo 1.0 as a wheel with no more than WHEEL and METADATA before `files` (no RECORD): the bytes
    a test then truncates or patches. `files` keys may be ZipInfo, for links and odd modes."""
    entries: list[ZipEntry] = [
        ("demo-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        ("demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"),
    ]
    return zip_bytes(entries + list(files.items()))


def tar_info(name: str, kind: bytes = tarfile.REGTYPE, size: int = 0, linkname: str = "") -> tarfile.TarInfo:
    """A tar header; its size is a claim, whatever data follows it."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = size
    info.linkname = linkname
    return info


def tar_member(
    name: str, data: bytes = b"", *, kind: bytes = tarfile.REGTYPE, linkname: str = ""
) -> tuple[tarfile.TarInfo, bytes]:
    """A member for `tar_bytes`: a regular file holding `data`, or a link, device or fifo."""
    return tar_info(name, kind, len(data) if kind == tarfile.REGTYPE else 0, linkname), data


def tar_bytes(members: Iterable[TarEntry], compression: str = "gz", fmt: int = tarfile.PAX_FORMAT) -> bytes:
    """A tar (.tar.gz by default) with exactly these members, in order, links and odd names kept.

    A bare TarInfo is written as its header alone; (name, data) is a regular file; (TarInfo, data)
    writes data after regular files only.
    """
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=f"w:{compression}" if compression else "w", format=fmt) as archive:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                archive.addfile(member)
                continue
            name, data = member
            info = tar_info(name, size=len(data)) if isinstance(name, str) else name
            archive.addfile(info, io.BytesIO(data) if info.type == tarfile.REGTYPE else None)
    return buffer.getvalue()


def tar_artifact(
    members: Iterable[TarEntry], filename: str = "demo-1.0.tar.gz", limits: Limits = DEFAULT_LIMITS
) -> Artifact:
    """`tar_bytes` as a .tar.gz read back with the product's reader."""
    return read_artifact_bytes(filename, tar_bytes(members), limits)


def bare_sdist_bytes(files: dict[str, bytes | str]) -> bytes:
    """demo 1.0 as a .tar.gz with PKG-INFO and a plain setup.py before `files` under demo-1.0/."""
    members: list[TarEntry] = [
        ("demo-1.0/PKG-INFO", b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"),
        ("demo-1.0/setup.py", b"from setuptools import setup\nsetup(name='demo', version='1.0')\n"),
    ]
    members += [(f"demo-1.0/{path}", data.encode() if isinstance(data, str) else data) for path, data in files.items()]
    return tar_bytes(members)


# -- scanning bytes, and what a result says -----------------------------------------------------


def check_well_formed(result: ScanResult) -> None:
    """A verdict with its evidence: an error has a clear one-line reason; output encodes cleanly."""
    assert isinstance(result.verdict, Verdict)
    if result.verdict is Verdict.ERROR:
        assert result.error and "\n" not in result.error and len(result.error) <= 300, result.error
    else:
        assert result.error is None
    for finding in result.findings:
        assert finding.message and "\n" not in finding.message, finding
    json.dumps({"results": [result.to_json()]}).encode("utf-8")


def scan_bytes(filename: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[Artifact, ScanResult]:
    """Read `data` as `filename` and scan it within the limits' time budget; the result must be well formed."""
    artifact = read_artifact_bytes(filename, data, limits)
    result = scan_artifact(artifact, filename, deadline=Deadline(limits.max_seconds))
    check_well_formed(result)
    return artifact, result


def messages_of(result: ScanResult, rule: str) -> list[str]:
    return [f.message for f in findings_of(result, rule)]


def message_of(result: ScanResult, rule: str) -> str:
    """The message of the first finding of `rule` (fails if there is none)."""
    messages = messages_of(result, rule)
    assert messages, f"no {rule} finding in {sorted(rule_ids(result))}"
    return messages[0]


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
