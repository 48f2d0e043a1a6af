"""PEP 751 lock files (``pylock.toml``, ``pylock.NAME.toml``), validated by ``packaging.pylock``.

A package with an ``sdist`` and/or ``wheels`` from an index is ``PINNED`` and lists them as its
exact files (its ``index`` URL, when given, in ``index_urls``). Files given only by local
``path``, and ``vcs``, ``directory`` and ``archive`` packages, are ``UNVERIFIABLE``; an archive
still lists its one file and hashes. Validation errors name the entry (``packages[2].wheels[0]``)
and, where the lock has one header per package, its line.

What real lockers write beyond the letter of PEP 751 is read with a warning (``Lockfile.problems``)
rather than refused: unnormalised names, no ``created-by``, and a package with neither files nor a
source (``PINNED`` at its version from the index, without a hash; ``UNPINNED`` without a version).
See ``_pylock_tolerance``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from packaging.pylock import (
    Package,
    PackageArchive,
    PackageSdist,
    PackageWheel,
    Pylock,
    PylockValidationError,
    is_valid_pylock_path,
)
from packaging.utils import parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

from interlock.lockfiles._fields import (
    DIRECT_URL,
    EDITABLE_DIRECTORY,
    LOCAL_DIRECTORY,
    LOCAL_FILE,
    Entry,
    canonical_name,
    filename_from_url,
    first_line,
    hash_problems,
    hash_set,
    index_urls_of,
    local_file_url,
)
from interlock.lockfiles._pylock_tolerance import is_bare, tolerated
from interlock.lockfiles._text import load_toml, read_text, table_lines
from interlock.lockfiles.interface import (
    ArtifactFile,
    LockedPackage,
    Lockfile,
    LockfileError,
    LockfileFormat,
    LockfileReader,
    PinStatus,
    Problem,
)

_CONTEXT_PACKAGE = re.compile(r"^packages\[(\d+)\]")


class PylockReader(LockfileReader):
    format = LockfileFormat.PYLOCK

    def claims_name(self, name: str) -> bool:
        return is_valid_pylock_path(Path(name))

    def claims_content(self, text: str) -> bool:
        return bool(re.search(r"^lock-version\s*=", text, re.MULTILINE)) and bool(
            re.search(r"^\[\[packages\]\]|^packages\s*=", text, re.MULTILINE)
        )

    def read(self, path: Path, text: str | None = None) -> Lockfile:
        return read_pylock(path, text)


def read_pylock(path: Path, text: str | None = None) -> Lockfile:
    """The packages of a PEP 751 lock file; see the module docstring."""
    text = read_text(path) if text is None else text
    lines = table_lines(text, "packages")
    parsed = load_toml(path, text)
    count = len(parsed["packages"]) if isinstance(parsed.get("packages"), list) else -1

    def line_of(index: int) -> int | None:
        return lines[index] if len(lines) == count and 0 <= index < count else None

    document, problems = tolerated(parsed, path, line_of)
    raw_packages: list[Any] = document["packages"] if count >= 0 else []
    bare = {i for i, raw in enumerate(raw_packages) if is_bare(raw)}
    validated = [i for i in range(count) if i not in bare]  # packages[j] of what is validated is packages[validated[j]]
    try:
        lock = Pylock.from_dict({**document, "packages": [raw_packages[i] for i in validated]} if bare else document)
    except PylockValidationError as exc:
        context = exc.context or ""
        match = _CONTEXT_PACKAGE.match(context)
        line = None
        if match and int(match[1]) < len(validated):
            original = validated[int(match[1])]
            line = line_of(original)
            context = f"packages[{original}]" + context[match.end() :]
        where = f"{context}: " if context else ""
        raise LockfileError(path, line, f"invalid pylock: {where}{first_line(ValueError(exc.message))}") from None
    packages = []
    checked = iter(lock.packages)
    for index in range(len(lock.packages) + len(bare)):
        raw = raw_packages[index]
        if index in bare:
            packages.append(_bare_package(Entry(raw, path, f"package #{index + 1}", line_of(index), text), problems))
            continue
        package = next(checked)
        packages.append(_package(Entry(raw, path, f"package {package.name!r}", line_of(index), text), package))
    return Lockfile(
        path=path,
        format=LockfileFormat.PYLOCK,
        packages=tuple(packages),
        problems=(*problems, *hash_problems(packages)),
        index_urls=index_urls_of(packages),
        files_read=(path,),
    )


def _bare_package(entry: Entry, problems: list[Problem]) -> LockedPackage:
    """A package the lock gives neither files nor a source: the index's release of its version, without
    a hash to check, or nothing to judge without a version."""
    name = canonical_name(entry)
    version = entry.version()
    index = entry.string("index")
    if version is not None:
        problems.append(
            Problem(
                entry.path,
                entry.line,
                f"package {name!r} lists no files and no source; judged as the index's {name}=={version}, "
                "with no hash to check it against",
            )
        )
    return LockedPackage(
        name=name,
        version=version,
        status=PinStatus.PINNED if version is not None else PinStatus.UNPINNED,
        requirement=f"{name}=={version}" if version is not None else name,
        source=entry.path,
        line=entry.line,
        marker=entry.marker(entry.string("marker"), "marker"),
        index_urls=(index,) if index else (),
        reason=None if version is not None else "the lock gives it no version, no files and no source",
    )


def _package(entry: Entry, package: Package) -> LockedPackage:
    files = tuple(_file(entry, f) for f in ([package.sdist] if package.sdist else []) + list(package.wheels or []))
    if package.archive:
        files = (_file(entry, package.archive),)
    version = package.version or _version_from_files(files)
    status = PinStatus.UNVERIFIABLE
    reason: str | None = None
    url: str | None = None
    index_urls: tuple[str, ...] = ()
    if package.vcs:
        reason = f"VCS reference ({package.vcs.type} commit {package.vcs.commit_id}; no index release behind it)"
        url = package.vcs.url or package.vcs.path
    elif package.directory:
        reason = EDITABLE_DIRECTORY if package.directory.editable else LOCAL_DIRECTORY
        url = package.directory.path
    elif package.archive:
        reason = DIRECT_URL if package.archive.url else LOCAL_FILE
        url = files[0].url
    elif not package.index and all(f.url is None or f.url.startswith("file:") for f in files):
        reason = "local files (no index release behind them)"
    else:
        status = PinStatus.PINNED
        index_urls = (package.index,) if package.index else ()
    return LockedPackage(
        name=package.name,
        version=version,
        status=status,
        requirement=f"{package.name}=={version}" if version else package.name,
        source=entry.path,
        line=entry.line,
        marker=package.marker,
        hashes=frozenset().union(*(f.hashes for f in files)),
        files=files,
        index_urls=index_urls,
        reason=reason,
        url=url,
    )


def _file(entry: Entry, file: PackageSdist | PackageWheel | PackageArchive) -> ArtifactFile:
    url = file.url or (local_file_url(entry.path, file.path) if file.path else None)
    if isinstance(file, PackageArchive):
        filename = filename_from_url(file.url) if file.url else Path(file.path or "").name
    else:
        filename = file.filename
    return ArtifactFile(filename=filename, url=url, hashes=hash_set(entry, dict(file.hashes), "hashes"), size=file.size)


def _version_from_files(files: tuple[ArtifactFile, ...]) -> Version | None:
    """The version in a wheel's or sdist's file name (packaging checked they agree with the package)."""
    for file in files:
        try:
            if file.filename.endswith(".whl"):
                return parse_wheel_filename(file.filename)[1]
            return parse_sdist_filename(file.filename)[1]
        except ValueError:
            continue
    return None
