"""Write small, valid wheels and sdists from in-memory files (for the demo and for tests)."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

from packaging.utils import canonicalize_name


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def wheel_bytes(
    name: str,
    version: str,
    files: Mapping[str, str | bytes],
    *,
    entry_points: str | None = None,
    requires: tuple[str, ...] = (),
) -> bytes:
    """A py3-none-any wheel holding `files` plus complete .dist-info metadata (with `requires` as
    Requires-Dist) and RECORD."""
    distribution = canonicalize_name(name).replace("-", "_")
    dist_info = f"{distribution}-{version}.dist-info"
    members: dict[str, bytes] = {path: data.encode() if isinstance(data, str) else data for path, data in files.items()}
    dependencies = "".join(f"Requires-Dist: {requirement}\n" for requirement in requires)
    members[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{dependencies}".encode()
    )
    members[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: interlock-demo\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    if entry_points:
        members[f"{dist_info}/entry_points.txt"] = entry_points.encode()
    record = "".join(f"{path},{_record_hash(data)},{len(data)}\n" for path, data in members.items())
    members[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def wheel_filename(name: str, version: str) -> str:
    return f"{canonicalize_name(name).replace('-', '_')}-{version}-py3-none-any.whl"


def sdist_bytes(name: str, version: str, files: Mapping[str, str | bytes]) -> bytes:
    """A .tar.gz sdist with `files` under the conventional `name-version/` root, plus PKG-INFO."""
    root = f"{canonicalize_name(name).replace('-', '_')}-{version}"
    members = {path: data.encode() if isinstance(data, str) else data for path, data in files.items()}
    members.setdefault("PKG-INFO", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode())
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, data in members.items():
            info = tarfile.TarInfo(f"{root}/{path}")
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sdist_filename(name: str, version: str) -> str:
    return f"{canonicalize_name(name).replace('-', '_')}-{version}.tar.gz"


def write(directory: Path, filename: str, data: bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / filename
    path.write_bytes(data)
    return path
