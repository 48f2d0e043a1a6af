"""Known-malicious releases from OSV records (the `MAL-` advisories of the malicious-packages project).

Records are read from a directory tree of `.json` files or from a `.zip` of them, as data: a zip
is never extracted and its member names are never used as paths. A broken record is skipped and
counted with its reason; it never stops an import.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

MAX_RECORD_BYTES = 4 * 1024 * 1024
"""A real OSV record is a few KiB; anything this large is not one."""
MAX_ZIP_MEMBERS = 2_000_000


@dataclass(frozen=True)
class Advisory:
    """One OSV record's verdict on one PyPI project."""

    id: str
    modified: str
    summary: str
    project: str
    """Canonical project name."""
    versions: tuple[str, ...]
    """Versions the record lists explicitly."""
    ranges: tuple[tuple[str | None, str | None, str | None], ...]
    """ECOSYSTEM ranges as (introduced, fixed, last_affected); "0" introduced means from the start."""

    @property
    def every_version(self) -> bool:
        """A record with neither versions nor ranges names the whole project (the usual MAL- shape)."""
        return not self.versions and not self.ranges

    def affects(self, version: str) -> bool:
        if self.every_version:
            return True
        parsed = _version(version)
        if any(listed == version or (parsed is not None and _version(listed) == parsed) for listed in self.versions):
            return True
        return parsed is not None and any(_in_range(parsed, *bounds) for bounds in self.ranges)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "modified": self.modified,
            "summary": self.summary,
            "project": self.project,
            "versions": list(self.versions),
            "ranges": [list(r) for r in self.ranges],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Advisory:
        """An advisory as `to_json` wrote it (the store's own rows)."""
        ranges = tuple((bound[0], bound[1], bound[2]) for bound in data["ranges"])
        return cls(
            str(data["id"]),
            str(data["modified"]),
            str(data["summary"]),
            str(data["project"]),
            tuple(str(version) for version in data["versions"]),
            ranges,
        )


@dataclass(frozen=True)
class Skipped:
    """A record that could not be used, and why (one line)."""

    source: str
    reason: str


def read_records(path: Path) -> Iterator[Advisory | Skipped]:
    """Advisories for PyPI projects in `path` (a directory of .json files or a .zip); others are skipped silently,
    broken ones reported as `Skipped`. Raises OSError when `path` itself cannot be read."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            if not file.is_file():
                continue
            if file.stat().st_size > MAX_RECORD_BYTES:
                yield Skipped(str(file), f"larger than {MAX_RECORD_BYTES // 1024} KiB")
                continue
            yield from _parse(file.read_bytes(), str(file))
        return
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                entries = [info for info in archive.infolist() if info.filename.endswith(".json") and not info.is_dir()]
                if len(entries) > MAX_ZIP_MEMBERS:
                    raise OSError(f"{path}: more than {MAX_ZIP_MEMBERS} records")
                for info in entries:
                    source = f"{path.name}!/{info.filename}"
                    if info.file_size > MAX_RECORD_BYTES:
                        yield Skipped(source, f"larger than {MAX_RECORD_BYTES // 1024} KiB")
                        continue
                    try:
                        with archive.open(info) as member:
                            data = member.read(
                                MAX_RECORD_BYTES + 1
                            )  # never more than the cap, whatever the header says
                    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                        yield Skipped(source, f"unreadable: {exc}")
                        continue
                    if len(data) > MAX_RECORD_BYTES:
                        yield Skipped(source, f"larger than {MAX_RECORD_BYTES // 1024} KiB")
                        continue
                    yield from _parse(data, source)
        except zipfile.BadZipFile as exc:
            raise OSError(f"{path}: not a readable zip ({exc})") from None
        return
    if path.is_file() and path.suffix == ".json":
        yield from _parse(path.read_bytes(), str(path))
        return
    raise OSError(f"{path}: expected a directory of OSV .json files, a .zip of them, or one .json file")


def _parse(data: bytes, source: str) -> Iterator[Advisory | Skipped]:
    try:
        record = json.loads(data)
    except (ValueError, RecursionError) as exc:
        yield Skipped(source, f"not JSON ({str(exc)[:80]})")
        return
    if (
        not isinstance(record, dict)
        or not isinstance(record.get("id"), str)
        or not isinstance(record.get("affected"), list)
    ):
        yield Skipped(source, "not an OSV record (no id or affected list)")
        return
    if record.get("withdrawn"):
        return  # withdrawn: the record no longer accuses anyone
    modified = record["modified"] if isinstance(record.get("modified"), str) else ""
    summary = record["summary"] if isinstance(record.get("summary"), str) else ""
    for affected in record["affected"]:
        package = affected.get("package") if isinstance(affected, dict) else None
        if (
            not isinstance(package, dict)
            or package.get("ecosystem") != "PyPI"
            or not isinstance(package.get("name"), str)
        ):
            continue
        versions = tuple(v for v in affected.get("versions", ()) if isinstance(v, str))
        ranges = tuple(_ranges(affected.get("ranges", ())))
        yield Advisory(
            record["id"][:100], modified[:40], summary[:300], canonicalize_name(package["name"]), versions, ranges
        )


def _ranges(ranges: object) -> Iterator[tuple[str | None, str | None, str | None]]:
    if not isinstance(ranges, list):
        return
    for entry in ranges:
        if not isinstance(entry, dict) or entry.get("type") != "ECOSYSTEM" or not isinstance(entry.get("events"), list):
            continue
        introduced = fixed = last = None
        for event in entry["events"]:
            if not isinstance(event, dict):
                continue
            if isinstance(event.get("introduced"), str):
                if introduced is not None:
                    yield introduced, fixed, last
                    fixed = last = None
                introduced = event["introduced"]
            elif isinstance(event.get("fixed"), str):
                fixed = event["fixed"]
            elif isinstance(event.get("last_affected"), str):
                last = event["last_affected"]
        if introduced is not None:
            yield introduced, fixed, last


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _in_range(version: Version, introduced: str | None, fixed: str | None, last: str | None) -> bool:
    start = Version("0") if introduced is None or introduced == "0" else _version(introduced)
    if start is None or version < start:
        return False
    if fixed is not None and (end := _version(fixed)) is not None and version >= end:
        return False
    return last is None or (end := _version(last)) is None or version <= end
