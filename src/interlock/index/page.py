"""A project's page, read once and kept grouped by version; ``IndexFile`` values are made only for
the versions a caller asks for.

A large project lists tens of thousands of files, while judging a release needs the files of that
release, the list of versions and the files of the release before it. Making every ``IndexFile``
of a 200-project lockfile costs more than reading the pages themselves, so that work waits until
a version is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from packaging.utils import NormalizedName
from packaging.version import Version

from interlock.index.models import FileKind, IndexFile
from interlock.index.selection import releases_among


class ProjectPage:
    """The files one project page lists, in page order, grouped by version.

    Filled by the page parser with ``add``, then only read: safe to share between threads (two
    threads building the same version at once make equal lists, and either may be kept).
    """

    def __init__(self, project: NormalizedName, make: Callable[[Any], IndexFile]) -> None:
        self.project = project
        self._make = make
        self._pending: dict[Version, list[Any]] = {}
        self._kinds: dict[Version, dict[FileKind, bool]] = {}
        """Per version, the kinds it has files of, each with whether one of them is not yanked (PEP 592)."""
        self._order: list[Version] = []
        self._built: dict[Version, list[IndexFile]] = {}

    @classmethod
    def of(cls, project: NormalizedName, files: list[IndexFile]) -> ProjectPage:
        """A page of files already made (an HTML page is parsed whole)."""
        page = cls(project, lambda file: file)
        for file in files:
            page.add(file.version, file.kind, file.yanked, file)
        return page

    def add(self, version: Version, kind: FileKind, yanked: bool, entry: Any) -> None:
        """One listed file, in page order; ``make(entry)`` is its ``IndexFile``."""
        pending = self._pending.get(version)
        if pending is None:
            pending = self._pending[version] = []
            self._kinds[version] = {}
        pending.append(entry)
        self._order.append(version)
        kinds = self._kinds[version]
        kinds[kind] = kinds.get(kind, False) or not yanked

    def __len__(self) -> int:
        """How many files the page lists for the project."""
        return len(self._order)

    def versions(self) -> list[Version]:
        """Every version with at least one file, oldest first."""
        return sorted(self._pending)

    def release_versions(self, *, prereleases: bool = False, yanked: bool = False, kind: FileKind | None = None) -> list[Version]:
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
            built = self._built[version] = [self._make(entry) for entry in self._pending.get(version, [])]
        return list(built)

    def all_files(self) -> list[IndexFile]:
        """Every file, in page order."""
        releases = {version: iter(self.files(version)) for version in self._pending}
        return [next(releases[version]) for version in self._order]
