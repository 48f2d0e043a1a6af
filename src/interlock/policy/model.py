"""What a policy says, as values: read by `load.py`, applied by `evaluate.py`.

Package names are canonical (PEP 503: `Foo_Bar` → `foo-bar`) from the moment they are read, so
every comparison here is a plain string comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from interlock.model.verdict import Verdict


class FailOn(StrEnum):
    """The analysis verdict from which a release is blocked."""

    SUSPICIOUS = "suspicious"
    MALICIOUS = "malicious"
    NEVER = "never"
    """The analysis verdict never blocks (report only); deny, cooldown and provenance still do."""

    @property
    def threshold(self) -> Verdict | None:
        return {FailOn.SUSPICIOUS: Verdict.SUSPICIOUS, FailOn.MALICIOUS: Verdict.MALICIOUS, FailOn.NEVER: None}[self]


class Provenance(StrEnum):
    REQUIRED = "required"
    """The release must carry provenance that verifies, or it is blocked."""
    OPTIONAL = "optional"
    """Provenance is checked when published, but its absence does not block."""


@dataclass(frozen=True)
class PackageEntry:
    """One entry of the allow or deny list."""

    package: str
    """Canonical project name."""
    specifier: SpecifierSet = field(default_factory=SpecifierSet)
    """Versions the entry covers; empty means every version."""
    reason: str = ""
    """Why the entry exists: shown with every decision it makes."""
    expires: date | None = None
    """Last day the entry applies; after it the entry is ignored with a warning."""
    origin: str = ""
    """Where it was written, `interlock.toml:12`, so a decision can point at it."""

    def covers(self, name: str | None, version: str | None, *, unknown_version: bool) -> bool:
        """Whether the entry names this release. A release whose version is missing or not a valid
        version is covered only by an entry without a specifier, or when `unknown_version` says so
        (a deny entry errs towards blocking, an allow entry towards not allowing)."""
        return (
            name is not None
            and canonicalize_name(name) == self.package
            and _in(self.specifier, version, unknown_version)
        )

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    @property
    def scope(self) -> str:
        """`litellm==1.82.8`, or the bare name when every version is covered."""
        return f"{self.package}{self.specifier}"


@dataclass(frozen=True)
class IgnoreEntry:
    """Findings of one rule that are not counted, everywhere or for one package."""

    rule: str
    """Rule id, one of `interlock rules`."""
    package: str | None = None
    """Canonical project name the ignore is scoped to; None ignores the rule for every package."""
    specifier: SpecifierSet = field(default_factory=SpecifierSet)
    """Versions of `package` it covers (only with a package); empty means every version."""
    reason: str = ""
    """Why the findings are not counted: shown with every decision it changes."""
    expires: date | None = None
    """Last day the ignore applies; after it the findings count again, with a warning."""
    origin: str = ""
    """Where it was written, `interlock.toml:20`."""

    def covers(self, rule: str, name: str | None, version: str | None) -> bool:
        if rule != self.rule:
            return False
        if self.package is None:
            return True
        return name is not None and canonicalize_name(name) == self.package and _in(self.specifier, version, False)

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    @property
    def scope(self) -> str:
        """`rule network-access for requests <3`, as a person reads it."""
        where = f" for {self.package}{self.specifier}" if self.package else ""
        return f"rule {self.rule}{where}"


@dataclass(frozen=True)
class Policy:
    """Everything a policy file says, with the defaults for what it leaves out."""

    fail_on: FailOn = FailOn.SUSPICIOUS
    """The analysis verdict from which a release is blocked."""
    cooldown: timedelta = timedelta(0)
    """Minimum age of a release before it may be installed; 0 means no wait."""
    cooldown_exceptions: Mapping[str, timedelta] = field(default_factory=lambda: MappingProxyType({}))
    """Per-package cooldowns (canonical name → duration) that replace `cooldown`, e.g. 0 for your own."""
    allow: tuple[PackageEntry, ...] = ()
    """Releases whose analysis verdict does not block (known false positives). Known-malicious
    advisories, the cooldown and provenance requirements still apply; a deny entry wins."""
    deny: tuple[PackageEntry, ...] = ()
    """Releases that are always blocked, whatever the analysis says."""
    ignore: tuple[IgnoreEntry, ...] = ()
    """Findings that are not counted towards the verdict."""
    provenance_default: Provenance = Provenance.OPTIONAL
    """Whether provenance is required of packages not named in `provenance`."""
    provenance: Mapping[str, Provenance] = field(default_factory=lambda: MappingProxyType({}))
    """Per-package provenance requirement (canonical name → required/optional)."""
    source: Path | None = None
    """The file it was read from; None for the built-in defaults."""

    def cooldown_for(self, name: str | None) -> timedelta:
        if name is not None:
            return self.cooldown_exceptions.get(canonicalize_name(name), self.cooldown)
        return self.cooldown

    def provenance_for(self, name: str | None) -> Provenance:
        if name is not None:
            return self.provenance.get(canonicalize_name(name), self.provenance_default)
        return self.provenance_default


def _in(specifier: SpecifierSet, version: str | None, unknown_version: bool) -> bool:
    if not specifier:
        return True
    try:
        parsed = Version(version) if version is not None else None
    except InvalidVersion:
        parsed = None
    if parsed is None:
        return unknown_version
    return specifier.contains(parsed, prereleases=True)
