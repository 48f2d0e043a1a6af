"""A project's page, read once and kept grouped by version; ``IndexFile`` values are made only for
the versions a caller asks for.

A large project lists tens of thousands of files, while judging a release needs the files of that
release, the list of versions and the files of the release before it. Making every ``IndexFile``
of a 200-project lockfile costs more than reading the pages themselves, so that work waits until
a version is asked for.

A page whose entries are plain values (a JSON page's are) can be turned into bytes and back
(``to_bytes``, ``from_bytes``) to be kept across runs; each version's entries stay packed until
that version is asked for.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from typing import Any

from packaging.utils import NormalizedName
from packaging.version import Version

from interlock.index.errors import BadIndexResponse
from interlock.index.models import FileKind, IndexFile, parse_version
from interlock.index.selection import releases_among


class ProjectPage:
    """The files one project page lists, grouped by version.

    Filled by the page parser with ``add``, then only read: safe to share between threads (two
    threads building the same version at once make equal lists, and either may be kept).
    """

    def __init__(self, project: NormalizedName, make: Callable[[Any, FileKind, Version], IndexFile]) -> None:
        self.project = project
        self._make = make
        self._pending: dict[Version, list[_Group] | bytes] = {}
        """Per version, its files by kind and spelling; or those packed, for a page ``from_bytes``."""
        self._kinds: dict[Version, dict[FileKind, bool]] = {}
        """Per version, the kinds it has files of, each with whether one of them is not yanked (PEP 592)."""
        self._count = 0
        self._built: dict[Version, list[IndexFile]] = {}

    @classmethod
    def of(cls, project: NormalizedName, files: list[IndexFile]) -> ProjectPage:
        """A page of files already made (an HTML page is parsed whole)."""
        page = cls(project, lambda file, _kind, _version: file)
        for position, file in enumerate(files):
            page.add(file.version, file.kind, [(position, file)], live=not file.yanked)
        return page

    def add(self, version: Version, kind: FileKind, entries: list[tuple[int, Any]], *, live: bool) -> None:
        """Files of one ``kind`` and ``version``, each with its position on the page; ``make(entry,
        kind, version)`` is its ``IndexFile``. ``live``: one of them is not yanked."""
        # Versions spelled differently ("1.0", "1.0.0") are one release; each file keeps its own spelling.
        groups = self._pending.setdefault(version, [])
        assert isinstance(groups, list), "add is for a page being filled, not one read from bytes"
        groups.append((kind, version, entries))
        kinds = self._kinds.setdefault(version, {})
        kinds[kind] = kinds.get(kind, False) or live
        self._count += len(entries)

    def __len__(self) -> int:
        """How many files the page lists for the project."""
        return self._count

    def versions(self) -> list[Version]:
        """Every version with at least one file, oldest first."""
        return sorted(self._pending)

    def release_versions(
        self, *, prereleases: bool = False, yanked: bool = False, kind: FileKind | None = None
    ) -> list[Version]:
        """As ``selection.release_versions`` over the page's files (its files of ``kind`` only, when given),
        without making them."""
        live = {
            version: any(kinds.values()) if kind is None else kinds[kind]
            for version, kinds in self._kinds.items()
            if kind is None or kind in kinds
        }
        return releases_among(live, prereleases=prereleases, yanked=yanked)

    def files(self, version: Version) -> list[IndexFile]:
        """The files of ``version`` (none when the page lists none), in page order."""
        built = self._built.get(version)
        if built is None:
            built = self._built[version] = [file for _, file in self._positioned(version)]
        return list(built)

    def all_files(self) -> list[IndexFile]:
        """Every file, in page order."""
        return [
            file
            for _, file in sorted(
                (pair for version in self._pending for pair in self._positioned(version)), key=_position
            )
        ]

    def _positioned(self, version: Version) -> list[tuple[int, IndexFile]]:
        made = [
            (position, self._make(entry, kind, spelled))
            for kind, spelled, entries in self._groups(version)
            for position, entry in entries
        ]
        return sorted(made, key=_position)

    def _groups(self, version: Version) -> list[_Group]:
        groups = self._pending.get(version, [])
        return _unpacked(groups) if isinstance(groups, bytes) else groups

    def to_bytes(self) -> bytes:
        """The page for ``from_bytes``; ``ValueError`` when its entries are not plain values."""
        versions = [
            (
                str(version),
                tuple((kind.value, live) for kind, live in self._kinds[version].items()),
                sum(len(entries) for _, _, entries in self._groups(version)),
                marshal.dumps(
                    [(kind.value, str(spelled), entries) for kind, spelled, entries in self._groups(version)]
                ),
            )
            for version in self._pending
        ]
        return marshal.dumps(versions)

    @classmethod
    def from_bytes(
        cls, project: NormalizedName, make: Callable[[Any, FileKind, Version], IndexFile], data: bytes
    ) -> ProjectPage:
        """The page ``to_bytes`` gave, made with ``make``; ``ValueError`` when ``data`` is not such a page.

        Only the list of versions is read now. A version's entries are unpacked when it is asked for,
        and trusted to be as ``to_bytes`` wrote them: whoever keeps the bytes checks they are whole.
        """
        page = cls(project, make)
        try:
            for text, kinds, count, packed in _loads(data):
                version = parse_version(text)
                if version is None or not isinstance(count, int) or not isinstance(packed, bytes):
                    raise ValueError(f"version {text!r}")
                page._pending[version] = packed
                page._kinds[version] = {FileKind(kind): bool(live) for kind, live in kinds}
                page._count += count
        except (EOFError, TypeError, ValueError) as exc:
            raise ValueError(f"not a packed page ({exc})") from None
        return page


_Group = tuple[FileKind, Version, list[tuple[int, Any]]]
"""Files of one kind and one spelling of a version, each with its position on the page."""


def _unpacked(packed: bytes) -> list[_Group]:
    try:
        return [(FileKind(kind), _version(spelled), entries) for kind, spelled, entries in _loads(packed)]
    except Exception as exc:  # whole when written, and checked whole when read: this is a bug, said plainly
        raise BadIndexResponse(
            f"a page kept from an earlier run does not read back ({exc}); remove the HTTP cache"
        ) from None


def _position(pair: tuple[int, IndexFile]) -> int:
    return pair[0]


def _version(text: str) -> Version:
    version = parse_version(text)
    if version is None:
        raise ValueError(f"{text!r} is not a version")
    return version


# How marshal lays out the plain values a page holds, by type code (FLAG_REF, 0x80, may be set on any):
# a fixed number of bytes follows; a 1-byte or 4-byte length of bytes follows; a 4-byte count of
# values follows (each read in turn); a long's 4-byte count of 2-byte digits follows.
_SKIP, _SHORT, _SIZED, _COUNTED, _DIGITS, _BAD = 0, 1, 2, 3, 4, 5
_LAYOUT = [_BAD] * 128
for _code, _kind in {"N": 0, "F": 0, "T": 0, "0": 0, "{": 0, "i": 4, "g": 8, "r": 4, ")": 1}.items():
    _LAYOUT[ord(_code)] = _SKIP
for _code in "zZ":
    _LAYOUT[ord(_code)] = _SHORT
for _code in "stuaA":
    _LAYOUT[ord(_code)] = _SIZED
for _code in "([<>":
    _LAYOUT[ord(_code)] = _COUNTED
_LAYOUT[ord("l")] = _DIGITS
_FIXED = {ord("i"): 4, ord("g"): 8, ord("r"): 4, ord(")"): 1}
_MARSHAL_BUDGET = 1 << 30  # bytes of a kept page we read, far above any real one


def _loads(data: bytes) -> Any:
    """``marshal.loads`` of bytes Interlock wrote, refusing any that declare more items or bytes than
    they hold: marshal allocates what a header declares before reading it, so five tampered bytes
    would otherwise ask for gigabytes."""
    _check_marshal(data)
    return marshal.loads(data)


def _check_marshal(data: bytes) -> None:
    if len(data) > _MARSHAL_BUDGET:
        raise ValueError("packed page too large")
    size, position, layout, fixed = len(data), 0, _LAYOUT, _FIXED
    while position < size:
        code = data[position] & 0x7F
        position += 1
        kind = layout[code]
        if kind == _SKIP:
            position += fixed.get(code, 0)  # a small tuple's 1-byte count: its values are read in turn
        elif kind == _SHORT:
            position += 1 + (data[position] if position < size else 0)
        elif kind == _BAD:
            raise ValueError(f"marshal code {chr(code)!r} is not one a packed page uses")
        else:
            declared = abs(int.from_bytes(data[position : position + 4], "little", signed=True))
            position += 4
            if declared > size - position:
                raise ValueError(f"marshal header declares {declared} items with {size - position} bytes left")
            position += declared if kind == _SIZED else 2 * declared if kind == _DIGITS else 0
    if position > size:
        raise ValueError("packed page ends early")
