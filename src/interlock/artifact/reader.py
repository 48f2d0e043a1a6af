"""Read wheels, sdists and eggs into memory without extracting or running anything.

Every structural oddity (traversal, links, devices, duplicates, bombs) is recorded as an
`ArchiveProblem`; anything that stops us reading the whole artifact sets `Artifact.fatal`.
Nothing here raises on hostile input except `OSError` for a file that cannot be opened.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import re
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

from interlock.artifact.limits import (
    DEFAULT_LIMITS,
    EXCERPT_LINE_BYTES,
    MAX_TAR_RECORD_BYTES,
    Deadline,
    LimitExceeded,
    Limits,
    describe_size,
)
from interlock.artifact.model import ArchiveProblem, Artifact, ArtifactKind, Excerpt, Member, ProblemKind
from interlock.artifact.pickles import looks_like_pickle, pickle_excerpt

HEAD_BYTES = 512
_CHUNK = 1024 * 1024
_NESTED_SUFFIXES = (".whl", ".zip", ".egg", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")
ZIP_MAGIC = b"PK\x03\x04"
# Formats that are zip archives by design; a zip under any other name is hiding what it is.
ZIP_BASED_SUFFIXES = (
    *_NESTED_SUFFIXES,
    ".pyz",
    ".pex",
    ".jar",
    ".war",
    ".ear",
    ".aar",
    ".apk",
    ".xpi",
    ".crx",
    ".vsix",
    ".nupkg",
    ".docx",
    ".xlsx",
    ".pptx",
    ".odt",
    ".ods",
    ".odp",
    ".epub",
    ".npz",
    ".kmz",
    ".3mf",
    ".usdz",
    ".cbz",
    ".keras",
    ".pt",
    ".pth",
    ".ptl",
    ".ckpt",
    ".mar",
    ".onnx",
    ".sublime-package",
    ".msix",
    ".appx",
)
_EGG_NAME = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-py\d[\d.]*)?(-.+)?\.egg$")
ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".zip", ".egg", ".tar.bz2", ".tar.xz")
_ZIP_SUFFIXES = (".whl", ".zip", ".egg")
# Members analysed as text: always kept in memory, within the per-member cap.
_TEXT_SUFFIXES = (
    ".py",
    ".pyw",
    ".pth",
    ".pyi",
    ".txt",
    ".cfg",
    ".toml",
    ".json",
    ".sh",
    ".ps1",
    ".bat",
    ".cmd",
    ".js",
    "metadata",
    "record",
    "wheel",
    "pkg-info",
)
CORRUPT_ARCHIVE = "corrupt or truncated archive"
"""How `Artifact.fatal` begins when the bytes themselves are damaged (not a limit being hit)."""
# PAX and GNU long-name records hold a path or a few attributes; tarfile reads each one whole
# into memory, so a record declaring gigabytes (of well-compressed zeros) is a memory bomb.
_TAR_RECORD_TYPES = (
    tarfile.XHDTYPE,
    tarfile.XGLTYPE,
    tarfile.SOLARIS_XHDTYPE,
    tarfile.GNUTYPE_LONGNAME,
    tarfile.GNUTYPE_LONGLINK,
)


class UnsupportedArtifact(ValueError):
    """The file is not an artifact type Interlock reads."""


def is_artifact_name(filename: str) -> bool:
    return filename.lower().endswith(ARCHIVE_SUFFIXES)


def read_artifact(path: Path, limits: Limits = DEFAULT_LIMITS, deadline: Deadline | None = None) -> Artifact:
    """Read an artifact file. Raises `UnsupportedArtifact` for unknown types, `OSError` if unreadable."""
    filename = path.name
    if not is_artifact_name(filename):
        raise UnsupportedArtifact(f"{filename}: not a wheel, sdist (.tar.gz/.zip) or egg")
    if path.exists() and not path.is_file():
        # Opening a FIFO named like an artifact would block forever.
        raise UnsupportedArtifact(f"{filename}: not a regular file")
    with path.open("rb") as handle:
        digest = _file_sha256(handle)
        size = handle.tell()
        handle.seek(0)
        return _read(handle, filename, digest, size, limits, deadline or limits.deadline())


def read_artifact_bytes(filename: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Artifact:
    """Read an artifact held in memory (for example, just downloaded)."""
    if not is_artifact_name(filename):
        raise UnsupportedArtifact(f"{filename}: not a wheel, sdist (.tar.gz/.zip) or egg")
    digest = hashlib.sha256(data).hexdigest()
    return _read(io.BytesIO(data), filename, digest, len(data), limits, limits.deadline())


def artifact_kind(filename: str) -> ArtifactKind:
    lower = filename.lower()
    if lower.endswith(".whl"):
        return ArtifactKind.WHEEL
    if lower.endswith(".egg"):
        return ArtifactKind.EGG
    if lower.endswith(".zip"):
        return ArtifactKind.ZIP
    return ArtifactKind.SDIST


def name_and_version(filename: str) -> tuple[str | None, str | None]:
    """Project name and version as the file name states them (None where it does not)."""
    try:
        if filename.endswith(".whl"):
            wheel_name, wheel_version, _, _ = parse_wheel_filename(filename)
            return str(wheel_name), str(wheel_version)
        if filename.endswith((".tar.gz", ".zip")):
            sdist_name, sdist_version = parse_sdist_filename(filename)
            return str(sdist_name), str(sdist_version)
    except (InvalidWheelFilename, InvalidSdistFilename):
        pass
    match = _EGG_NAME.match(filename)
    if match:
        return match["name"], match["version"]
    stem = re.sub(r"\.(tar\.gz|tgz|zip|whl|egg|tar\.bz2|tar\.xz)$", "", filename, flags=re.I)
    if "-" in stem:
        name, _, version = stem.rpartition("-")
        return name, version
    return stem or None, None


def file_sha256(path: Path) -> str:
    """The sha256 of the file at `path`, read in chunks (an artifact can be hundreds of MiB)."""
    with path.open("rb") as handle:
        return _file_sha256(handle)


def _file_sha256(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Budget:
    """Counters shared by an artifact and the archives nested inside it."""

    limits: Limits
    deadline: Deadline
    total_bytes: int = 0
    members: int = 0
    kept_bytes: int = 0

    def may_keep(self, path: str, size: int) -> bool:
        """Source and text are always kept (up to the per-member cap); other content only while the
        budget lasts — a 400 MB wheel of GPU kernels must not end up in memory whole."""
        if size > self.limits.max_kept_bytes:
            return False
        if not path.lower().endswith(_TEXT_SUFFIXES) and self.kept_bytes + size > self.limits.max_kept_total_bytes:
            return False
        self.kept_bytes += size
        return True

    def may_hold(self, size: int) -> bool:
        """Whether an archive too large to keep may be held while the files in it are read (the kept
        budget for non-text content lasting); `release` gives the room back once they are."""
        if self.kept_bytes + size > self.limits.max_kept_total_bytes:
            return False
        self.kept_bytes += size
        return True

    def release(self, size: int) -> None:
        self.kept_bytes -= size

    def add_entry(self, declared_size: int) -> None:
        """Count every entry (directories, links and rejected names too): each costs memory to list."""
        self.members += 1
        self.total_bytes += declared_size
        if self.members > self.limits.max_members:
            raise LimitExceeded(f"more than {self.limits.max_members} archive entries")
        if self.total_bytes > self.limits.max_total_bytes:
            raise LimitExceeded(f"more than {describe_size(self.limits.max_total_bytes)} uncompressed in total")
        self.deadline.check()


@dataclass
class _Entry:
    """A member as the archive lists it, before its content is read."""

    raw_name: str
    """The name exactly as the archive stores it (a zip name may hold a NUL)."""
    name: str
    """The name an installer uses (zipfile cuts a zip name at its first NUL)."""
    declared_size: int
    compressed_size: int | None
    is_file: bool
    is_dir: bool
    is_link: bool
    is_device: bool
    has_content: bool
    """Zip entries carry bytes whatever their mode bits say; installers write them as files."""
    link_target: str | None
    streamed: bool
    """A tar member: a failure while reading it leaves the stream unusable for what follows."""
    open: object  # callable returning a binary stream


def _read(handle: IO[bytes], filename: str, digest: str, size: int, limits: Limits, deadline: Deadline) -> Artifact:
    kind = artifact_kind(filename)
    name, version = name_and_version(filename)
    artifact = Artifact(filename=filename, sha256=digest, size=size, kind=kind, name=name, version=version)
    budget = _Budget(limits, deadline)
    raw: dict[str, Member] = {}
    try:
        _read_archive(handle, filename, "", 0, budget, raw, artifact.problems)
    except LimitExceeded as exc:
        artifact.fatal = str(exc)
    except Exception as exc:
        # zipfile, tarfile and the decompressors raise a grab-bag of types on damaged input
        # (BadZipFile, ReadError, EOFError, LZMAError, NotImplementedError, TypeError, IndexError…):
        # every one of them means "cannot read this artifact", never a crash of the scan.
        artifact.fatal = f"{CORRUPT_ARCHIVE}: {_describe(exc)}"
    if kind is ArtifactKind.SDIST and any(_is_wheel_metadata(path) for path in raw):
        kind = artifact.kind = ArtifactKind.WHEEL  # a wheel uploaded under an sdist's name
        # Its name is a wheel's name (`pkg-1.0-py3-none-any.tar.gz`): read it as one.
        wheel_name = re.sub(r"\.(tar\.gz|tgz|zip|tar\.bz2|tar\.xz)$", ".whl", filename, flags=re.I)
        artifact.name, artifact.version = name_and_version(wheel_name)
    artifact.members = _strip_sdist_root(raw) if kind is ArtifactKind.SDIST else raw
    return artifact


def _is_wheel_metadata(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "WHEEL"


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else ""
    return (f"{type(exc).__name__}: {line}" if line else type(exc).__name__)[:200]


def _read_archive(
    handle: IO[bytes],
    filename: str,
    prefix: str,
    depth: int,
    budget: _Budget,
    out: dict[str, Member],
    problems: list[ArchiveProblem],
) -> None:
    entries = _zip_entries(handle) if _is_zip(handle, filename) else _tar_entries(handle)
    for entry in entries:
        budget.deadline.reading(prefix + _printable(entry.name))
        budget.add_entry(entry.declared_size)
        shown = _printable(entry.raw_name)
        if "\x00" in entry.raw_name and "\x00" not in entry.name:
            # zipfile (and so pip) cuts the name at the NUL: analyse the file under that name.
            problems.append(
                ArchiveProblem(
                    ProblemKind.PATH_TRAVERSAL,
                    shown,
                    f"member name contains a NUL byte; installers read it as {_printable(entry.name)!r}",
                )
            )
        path = _safe_path(entry.name, shown, problems)
        if path is None or entry.is_dir:
            continue
        if not path:
            problems.append(ArchiveProblem(ProblemKind.UNREADABLE_MEMBER, shown, "member has an empty name"))
            continue
        if entry.is_link:
            target = f" to {_printable(entry.link_target)!r}" if entry.link_target else ""
            problems.append(
                ArchiveProblem(ProblemKind.LINK, shown, f"symbolic or hard link{target} inside the archive")
            )
        elif entry.is_device or not entry.is_file:
            problems.append(ArchiveProblem(ProblemKind.DEVICE, shown, "device, FIFO or other special file"))
        if not (entry.is_file or entry.has_content):
            continue
        full_path = prefix + path
        if full_path in out:
            # Installers write members in order, so the last copy is the one that lands on disk.
            problems.append(
                ArchiveProblem(
                    ProblemKind.DUPLICATE,
                    shown,
                    "the same path appears twice; the last copy is the one installed and analysed",
                )
            )
        if entry.declared_size > budget.limits.max_member_bytes:
            problems.append(
                ArchiveProblem(ProblemKind.MEMBER_TOO_LARGE, shown, f"declares {entry.declared_size} bytes; not read")
            )
            continue
        if _is_bomb(entry, budget.limits):
            problems.append(
                ArchiveProblem(
                    ProblemKind.RATIO,
                    shown,
                    f"expands {entry.declared_size} bytes from {entry.compressed_size} "
                    f"(ratio over {budget.limits.max_ratio:g}); not read",
                )
            )
            continue
        nest = depth + 1 <= budget.limits.max_nesting
        try:
            member, held = _read_member(entry, full_path, budget, nest)
        except LimitExceeded:
            raise
        except Exception as exc:
            if entry.streamed:
                raise  # nothing after a broken tar member can be read: the artifact is unreadable
            problems.append(ArchiveProblem(ProblemKind.UNREADABLE_MEMBER, shown, _describe(exc)))
            continue
        out.pop(full_path, None)  # keep the order of appearance of the copy that is kept
        out[full_path] = member
        if not is_archive(member.name, member.head):
            continue
        if not nest:
            problems.append(
                ArchiveProblem(
                    ProblemKind.NESTING,
                    full_path,
                    f"archive nested more than {budget.limits.max_nesting} deep; not read",
                )
            )
        elif member.data is not None or held is not None:
            _read_nested(member.data or held or b"", member.name, full_path, depth, budget, out, problems)
            if held is not None:
                budget.release(entry.declared_size)
        else:
            # A limit must not hide what is inside: say that it was not read.
            problems.append(
                ArchiveProblem(
                    ProblemKind.MEMBER_TOO_LARGE,
                    full_path,
                    f"an archive of {member.size} bytes, more than the "
                    f"{describe_size(budget.limits.max_kept_total_bytes)} of archives and data held in memory "
                    "allow: the files in it are not read",
                )
            )


def is_archive(name: str, head: bytes) -> bool:
    """An archive whose files are read as part of the release: by its name, or a zip under a name that
    does not say so (code hidden as `_websocket.typed`, say)."""
    return name.lower().endswith(_NESTED_SUFFIXES) or _is_disguised(name, head)


def is_disguised_zip(member: Member) -> bool:
    """A zip archive under a name that does not say so (code hidden as `_websocket.typed`, say)."""
    return _is_disguised(member.name, member.head)


def _is_disguised(name: str, head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC) and not name.lower().endswith(ZIP_BASED_SUFFIXES)


def _read_nested(
    data: bytes,
    name: str,
    full_path: str,
    depth: int,
    budget: _Budget,
    out: dict[str, Member],
    problems: list[ArchiveProblem],
) -> None:
    try:
        _read_archive(io.BytesIO(data), name, full_path + "!/", depth + 1, budget, out, problems)
    except LimitExceeded:
        raise
    except Exception as exc:
        # A damaged archive inside a release is odd but not a reason to stop reading the release.
        problems.append(
            ArchiveProblem(ProblemKind.UNREADABLE_MEMBER, full_path, f"nested archive unreadable: {_describe(exc)}")
        )


def _is_bomb(entry: _Entry, limits: Limits) -> bool:
    if entry.compressed_size is None or entry.declared_size < limits.min_bomb_bytes:
        return False
    return entry.declared_size / max(entry.compressed_size, 1) > limits.max_ratio


def is_text_name(path: str) -> bool:
    """Members analysed as text (source, .pth, metadata, scripts), kept whole or as an excerpt."""
    return path.lower().endswith(_TEXT_SUFFIXES)


def _read_member(entry: _Entry, path: str, budget: _Budget, nest: bool) -> tuple[Member, bytes | None]:
    """The member, and (with `nest`) the bytes of an archive too large to keep, held only until it is read.

    What is kept of a member over the kept limit depends on what it is: a text file keeps an excerpt
    of its lines, a pickle an excerpt of its opcodes, an archive is held while the kept budget lasts
    (its files are what counts), anything else only its size, digest and first bytes.
    """
    keep = budget.may_keep(path, entry.declared_size)
    name = path.rsplit("/", 1)[-1]
    data = held = None
    excerpt = None
    with entry.open() as raw:  # type: ignore[operator]
        stream = _MemberStream(raw, entry.declared_size, budget.deadline)
        first = stream.read_head()
        if keep:
            data = stream.read_all(first)
        elif is_text_name(path):
            excerpt = _text_excerpt(stream, first, budget.limits.max_excerpt_bytes)
        elif nest and is_archive(name, stream.head) and budget.may_hold(entry.declared_size):
            held = stream.read_all(first)
        elif looks_like_pickle(name, stream.head):
            excerpt = pickle_excerpt(stream.read, first, budget.limits.max_excerpt_bytes, budget.deadline)
        stream.drain()
    digest = stream.digest.hexdigest()
    return Member(path, stream.total, digest, stream.head, data, excerpt), held


class _MemberStream:
    """A member's bytes as they are read: hashed, counted against the size its header declared (never
    trusted further), the deadline checked at every chunk — one member may inflate for a long time."""

    def __init__(self, raw: IO[bytes], declared_size: int, deadline: Deadline) -> None:
        self.raw = raw
        self.declared_size = declared_size
        self.deadline = deadline
        self.digest = hashlib.sha256()
        self.total = 0
        self.head = b""

    def read(self, size: int = _CHUNK) -> bytes:
        """Up to `size` bytes; b'' at the end."""
        chunk = self.raw.read(size)
        self.deadline.check()
        if not chunk:
            return b""
        self.total += len(chunk)
        if self.total > self.declared_size:
            raise ValueError(f"member produces more bytes than its declared {self.declared_size}")
        self.digest.update(chunk)
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[: HEAD_BYTES - len(self.head)]
        return chunk

    def read_head(self) -> bytes:
        """The first chunk, long enough to hold `head` (unless the member is shorter)."""
        first = self.read()
        while first and len(self.head) < HEAD_BYTES and (more := self.read()):
            first += more
        return first

    def read_all(self, first: bytes) -> bytes:
        chunks = [first]
        while chunk := self.read():
            chunks.append(chunk)
        return b"".join(chunks)

    def drain(self) -> None:
        """Read the rest, for the digest and the size."""
        while self.read():
            pass


def _text_excerpt(stream: _MemberStream, first: bytes, limit: int) -> Excerpt:
    builder = _ExcerptBuilder(limit)
    chunk = first
    while chunk:
        builder.feed(chunk)
        chunk = stream.read()
    return builder.finish()


# Comment lines are emptied in an excerpt (so that padding with comments costs nothing), except an
# encoding declaration (PEP 263), which decides how the rest is read.
_COMMENT_LINE = re.compile(rb"^[ \t]*#(?![^\n]*coding[:=])[^\n]*", re.MULTILINE)
# Anchored at a line's start: unanchored, every position of a long line would be tried (quadratic).
_LONG_LINE = re.compile(rb"^[^\n]{%d,}" % (2 * EXCERPT_LINE_BYTES + 1), re.MULTILINE)


def _cut_line(match: re.Match[bytes]) -> bytes:
    """A long line's first and last bytes, joined: cut inside a string literal, it still parses."""
    return match[0][:EXCERPT_LINE_BYTES] + match[0][-EXCERPT_LINE_BYTES:]


class _ExcerptBuilder:
    """Builds an `Excerpt` from a member's chunks, in memory bounded by `limit` (plus a line's ends)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.cut_lines = 0
        self.complete = True
        self.line = b""
        """The unfinished line so far; its first bytes only once it is cut."""
        self.tail = b""
        """The last bytes of the unfinished line, once it is cut."""
        self.cut = False

    def feed(self, chunk: bytes) -> None:
        if not self.complete:
            return
        first = chunk.find(b"\n")
        if first < 0:
            self._extend(chunk)
            return
        self._extend(chunk[:first])
        self._end_line()
        last = chunk.rfind(b"\n")
        if last > first:
            self._add(chunk[first + 1 : last + 1])
        self._extend(chunk[last + 1 :])

    def finish(self) -> Excerpt:
        if self.complete and (self.line or self.cut):
            self._end_line()
        return Excerpt(b"".join(self.parts), self.cut_lines, self.complete)

    def _extend(self, part: bytes) -> None:
        if self.cut:
            self.tail = (self.tail + part)[-EXCERPT_LINE_BYTES:]
            return
        self.line += part
        if len(self.line) > 2 * EXCERPT_LINE_BYTES:
            self.tail = self.line[-EXCERPT_LINE_BYTES:]
            self.line = self.line[:EXCERPT_LINE_BYTES]
            self.cut = True

    def _end_line(self) -> None:
        line = self.line + self.tail if self.cut else self.line
        self.cut_lines += self.cut
        self.line, self.tail, self.cut = b"", b"", False
        self._add(line + b"\n")

    def _add(self, lines: bytes) -> None:
        lines = _COMMENT_LINE.sub(b"", lines)
        lines, cut = _LONG_LINE.subn(_cut_line, lines)
        self.cut_lines += cut
        if self.size + len(lines) > self.limit:
            self.complete = False
            lines = lines[: max(self.limit - self.size, 0)]
            lines = lines[: lines.rfind(b"\n") + 1]  # whole lines only
        self.parts.append(lines)
        self.size += len(lines)


def _is_zip(handle: IO[bytes], filename: str) -> bool:
    """Read as a zip whenever pip would: by name, or by content wherever the zip starts.

    pip unzips anything named .zip/.whl *or* that `zipfile.is_zipfile` accepts, and zipfile
    finds a zip at the end of a file; a .tar.gz with a zip appended must be read as pip reads it.
    """
    if filename.lower().endswith(_ZIP_SUFFIXES):
        return True
    start = handle.tell()
    try:
        return zipfile.is_zipfile(handle)
    finally:
        handle.seek(start)


def _zip_entries(handle: IO[bytes]) -> Iterator[_Entry]:
    archive = zipfile.ZipFile(handle)
    for info in archive.infolist():
        mode = info.external_attr >> 16
        file_type = stat.S_IFMT(mode)
        is_link = file_type == stat.S_IFLNK
        is_device = file_type in (stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK)
        is_dir = info.filename.endswith("/")  # ZipInfo.is_dir() fails on an empty name
        yield _Entry(
            raw_name=info.orig_filename,
            name=info.filename,
            declared_size=info.file_size,
            compressed_size=info.compress_size,
            is_file=not is_dir and not is_link and not is_device,
            is_dir=is_dir,
            is_link=is_link,
            is_device=is_device,
            has_content=not is_dir,
            link_target=None,
            streamed=False,
            open=lambda info=info: archive.open(info),
        )


class _BoundedTarInfo(tarfile.TarInfo):
    """Refuses oversized PAX/long-name records before tarfile reads them into memory."""

    def _proc_member(self, tarfile_: tarfile.TarFile) -> tarfile.TarInfo:
        # tarfile's documented extension point for processing headers by type.
        if self.type in _TAR_RECORD_TYPES and self.size > MAX_TAR_RECORD_BYTES:
            raise LimitExceeded(
                f"tar header record of {describe_size(self.size)} (PAX or long name); genuine ones are tiny"
            )
        return super()._proc_member(tarfile_)  # type: ignore[misc]


def _tar_entries(handle: IO[bytes]) -> Iterator[_Entry]:
    # Stream mode: members are read in order and never seeked, so a huge member costs time, not memory.
    with tarfile.open(fileobj=_decompressed(handle), mode="r|", tarinfo=_BoundedTarInfo) as archive:
        for info in archive:
            # Other types that tarfile skips over by size (unknown types) count against the budget too.
            carries_data = info.isreg() or info.type not in tarfile.SUPPORTED_TYPES
            yield _Entry(
                raw_name=_clean_surrogates(info.name),
                name=_clean_surrogates(info.name),
                declared_size=info.size if carries_data else 0,
                compressed_size=None,
                is_file=info.isreg(),
                is_dir=info.isdir(),
                is_link=info.issym() or info.islnk(),
                is_device=info.ischr() or info.isblk() or info.isfifo(),
                has_content=False,
                link_target=_clean_surrogates(info.linkname) if info.issym() or info.islnk() else None,
                streamed=True,
                open=lambda info=info: _tar_stream(archive, info),
            )


def _decompressed(handle: IO[bytes]) -> IO[bytes]:
    """The tar stream inside gzip/bzip2/xz, decompressed the way pip's `tarfile.open('r:*')` does.

    tarfile's own stream mode reads only the first gzip member and never checks the trailer, so
    files appended as a second gzip member (which pip does extract) would go unseen, and a
    truncated download would read as a shorter, valid archive.
    """
    start = handle.tell()
    magic = handle.read(6)
    handle.seek(start)
    if magic.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    if magic.startswith(b"BZh"):
        return bz2.BZ2File(handle)
    if magic.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(handle)
    return handle


def _tar_stream(archive: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    stream = archive.extractfile(info)
    if stream is None:
        raise ValueError("member has no content")
    return stream


def _clean_surrogates(name: str) -> str:
    """tarfile decodes undecodable name bytes as lone surrogates, which nothing downstream can print.

    U+FFFD stands in for them (a backslash escape would read as a path separator later).
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _printable(name: str) -> str:
    return name.encode("unicode_escape", errors="backslashreplace").decode("ascii")[:300]


def _safe_path(raw_name: str, shown: str, problems: list[ArchiveProblem]) -> str | None:
    """Normalise a member name; None (with a problem recorded) if it escapes the archive root."""
    name = raw_name.replace("\\", "/")
    if "\x00" in name:
        problems.append(ArchiveProblem(ProblemKind.PATH_TRAVERSAL, shown, "member name contains a NUL byte"))
        return None
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        problems.append(
            ArchiveProblem(
                ProblemKind.ABSOLUTE_PATH, shown, "absolute path would be written outside the install directory"
            )
        )
        return None
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        problems.append(
            ArchiveProblem(ProblemKind.PATH_TRAVERSAL, shown, "'..' in the path would escape the install directory")
        )
        return None
    return "/".join(parts)


def _strip_sdist_root(members: dict[str, Member]) -> dict[str, Member]:
    """Remove an sdist's single top-level directory (`name-1.0/`) so paths read as in the project."""
    roots = {path.split("/", 1)[0] for path in members}
    if len(roots) != 1 or all("/" not in path for path in members):
        return members
    root = next(iter(roots)) + "/"
    stripped: dict[str, Member] = {}
    for path, member in members.items():
        new_path = path[len(root) :] if path.startswith(root) else path
        stripped[new_path] = Member(new_path, member.size, member.sha256, member.head, member.data, member.excerpt)
    return stripped
