"""Rules about a release contradicting itself: its RECORD, its metadata, its file name.

A wheel's RECORD lists every file with its sha256 and size, written by the build tool. A file the
RECORD does not list, or whose hash differs, was put there after the build — the mark of a wheel
opened by hand and trojaned. Installers do not check it, so the trojan installs.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
from collections.abc import Iterable, Iterator
from email.parser import HeaderParser

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from interlock.analysis.evidence import Evidence
from interlock.analysis.rules.base import checks, files_rule
from interlock.artifact.limits import MAX_RECORD_BYTES
from interlock.artifact.model import Artifact, ArtifactKind
from interlock.model.findings import Finding, Severity

# Files whose tampering changes what runs: code, start-up hooks, native libraries, scripts.
_RUNNABLE = (".py", ".pyw", ".pth", ".so", ".pyd", ".dll", ".dylib", ".exe", ".sh")
_RECORD_SIGNATURES = ("RECORD.jws", "RECORD.p7s")


def metadata_headers(artifact: Artifact) -> dict[str, list[str]] | None:
    """The core metadata headers (wheel METADATA, sdist PKG-INFO), lower-cased names → values."""
    path = metadata_path(artifact)
    text = artifact.text(path) if path else None
    if text is None:
        return None
    headers: dict[str, list[str]] = {}
    for name, value in HeaderParser().parsestr(text, headersonly=True).items():
        headers.setdefault(name.lower(), []).append(str(value).strip())
    return headers


def metadata_path(artifact: Artifact) -> str | None:
    if artifact.kind is ArtifactKind.WHEEL:
        return next((p for p in artifact.members if p.count("/") == 1 and p.endswith(".dist-info/METADATA")), None)
    return "PKG-INFO" if "PKG-INFO" in artifact.members else None


RECORD_MISMATCH = files_rule(
    "record-mismatch",
    "a wheel file its RECORD does not vouch for",
    (Severity.LOW, Severity.MEDIUM, Severity.HIGH),
    "A wheel's RECORD lists each file with its sha256 and size as the build tool wrote it. A file missing "
    "from RECORD, or whose hash or size differs, was added or edited after the build: a wheel unpacked, "
    "trojaned and zipped again. High for code, start-up hooks and native libraries, medium for other "
    "files, low when the wheel has no RECORD at all. Installers do not check this; Interlock does.",
)


@checks(RECORD_MISMATCH)
def _record(evidence: Evidence) -> Iterable[Finding]:
    artifact = evidence.artifact
    if artifact.kind is not ArtifactKind.WHEEL or artifact.fatal:
        return
    record_path = next((p for p in artifact.members if p.count("/") == 1 and p.endswith(".dist-info/RECORD")), None)
    if record_path is None:
        yield RECORD_MISMATCH.finding(
            Severity.LOW,
            "",
            None,
            "the wheel has no RECORD: nothing vouches for its files",
            artifact.filename,
        )
        return
    member = artifact.members[record_path]
    content = member.readable
    if content is None or member.size > MAX_RECORD_BYTES:
        yield RECORD_MISMATCH.finding(
            Severity.HIGH,
            record_path,
            None,
            f"the wheel's RECORD is {member.size} bytes, too large to compare with the files: nothing vouches for them",
            record_path,
        )
        return
    listed = dict(_record_entries(content))
    dist_info = record_path.rsplit("/", 1)[0]
    for number, (path, file) in enumerate(artifact.members.items()):
        if number % 1000 == 0:
            evidence.deadline.check()
        if "!/" in path or path == record_path or path in {f"{dist_info}/{name}" for name in _RECORD_SIGNATURES}:
            continue
        severity = Severity.HIGH if path.lower().endswith(_RUNNABLE) else Severity.MEDIUM
        if path not in listed:
            yield RECORD_MISMATCH.finding(
                severity,
                path,
                None,
                "a file the wheel's RECORD does not list: added after the wheel was built",
                path,
            )
            continue
        digest, size = listed[path]
        if digest is not None and digest != file.sha256:
            yield RECORD_MISMATCH.finding(
                severity,
                path,
                None,
                "the file's sha256 is not the one RECORD lists: changed after the wheel was built",
                path,
            )
        elif size is not None and size != file.size:
            yield RECORD_MISMATCH.finding(
                severity,
                path,
                None,
                f"the file is {file.size} bytes, RECORD says {size}: changed after the wheel was built",
                path,
            )


def _record_entries(data: bytes) -> Iterator[tuple[str, tuple[str | None, int | None]]]:
    """(path, (sha256 hex or None, size or None)) for each readable RECORD row."""
    text = data.decode("utf-8", errors="replace")
    # newline="": csv reads line ends itself (a bare CR inside a row raised csv.Error otherwise).
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in rows:
            if not row or not row[0]:
                continue
            path = row[0].removeprefix("./")
            digest = _sha256_hex(row[1]) if len(row) > 1 else None
            size = _record_size(row[2]) if len(row) > 2 else None
            yield path, (digest, size)
    except csv.Error:
        return  # a field over csv's size limit: the rows after it vouch for nothing


def _record_size(field: str) -> int | None:
    """The size column as a number, None when it is not one."""
    text = field.strip()
    if not text.isdecimal():  # not isdigit(): that accepts superscripts ("²"), which int() refuses
        return None
    try:
        return int(text)
    except ValueError:  # more digits than int() converts
        return None


def _sha256_hex(field: str) -> str | None:
    algorithm, _, value = field.partition("=")
    if algorithm != "sha256" or not value:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()
    except (binascii.Error, ValueError):
        return "unreadable"  # never equal to a real digest: a garbled hash is a mismatch


METADATA_MISMATCH = files_rule(
    "metadata-mismatch",
    "metadata that contradicts the file name",
    (Severity.MEDIUM, Severity.HIGH),
    "The METADATA (or PKG-INFO) names another project or version than the file name does. An installer "
    "trusts one, a reviewer reads the other. High when the project names differ.",
)


@checks(METADATA_MISMATCH)
def _metadata(evidence: Evidence) -> Iterable[Finding]:
    artifact = evidence.artifact
    if artifact.fatal or not artifact.name:
        return
    headers = metadata_headers(artifact)
    path = metadata_path(artifact)
    if headers is None or path is None:
        return
    name = (headers.get("name") or [""])[0]
    version = (headers.get("version") or [""])[0]
    if name and canonicalize_name(name) != canonicalize_name(artifact.name):
        yield METADATA_MISMATCH.finding(
            Severity.HIGH,
            path,
            None,
            f"the metadata names the project {name!r}, the file name {artifact.name!r}: one of them lies",
            f"Name: {name}",
        )
    if version and artifact.version and not _same_version(version, artifact.version):
        yield METADATA_MISMATCH.finding(
            Severity.MEDIUM,
            path,
            None,
            f"the metadata says version {version}, the file name {artifact.version}",
            f"Version: {version}",
        )


def _same_version(first: str, second: str) -> bool:
    try:
        return Version(first) == Version(second)
    except InvalidVersion:
        return first.strip() == second.strip()
