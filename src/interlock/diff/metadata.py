"""What a release's metadata says that its predecessor's did not: the marks of a takeover.

A hijacked project shows it in its metadata before its code: a dependency slipped into a patch
release, a version number far beyond the release line (dependency confusion), a new author
e-mail domain or project URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from interlock.analysis.extract.pth import executable_lines
from interlock.analysis.rules.consistency import metadata_headers, metadata_path
from interlock.artifact.model import Artifact
from interlock.model.findings import Finding, Severity
from interlock.model.rules import Stage, declare

WHEEL_NOT_FROM_SDIST = declare(
    "wheel-not-from-sdist",
    "wheel code that the same release's sdist does not contain",
    (Severity.MEDIUM, Severity.HIGH),
    "A module, or a .pth that runs code, in the wheel but not in the sdist published with it: code "
    "added outside the project's source, as litellm 1.82.8's litellm_init.pth was. High for a .pth, "
    "medium for a module (some projects generate code at build time). Version files and the "
    "namespace-package .pth files build tools write are expected.",
    Stage.HISTORY,
)
VERSION_JUMP = declare(
    "version-jump",
    "a version far beyond the release line",
    (Severity.HIGH,),
    "The major version leaps by more than ten, or to 99 and beyond, after ordinary releases: how a "
    "dependency-confusion upload makes installers prefer it to an internal package of the same name.",
    Stage.HISTORY,
)
DEPENDENCY_ADDED_IN_PATCH = declare(
    "dependency-added-in-patch",
    "a patch release adds a dependency",
    (Severity.MEDIUM,),
    "A bug-fix release (same major and minor version) that pulls in a new project: the quiet way to "
    "ship a payload in someone else's package. Benign when the changelog explains it.",
    Stage.HISTORY,
)
MAINTAINER_CHANGED = declare(
    "maintainer-changed",
    "the author and maintainer e-mail domains changed",
    (Severity.MEDIUM,),
    "None of the e-mail domains in Author-email / Maintainer-email is the same as in the previous "
    "release: what a taken-over account or a transferred project looks like. Benign after a move "
    "between organisations, which the project's history shows.",
    Stage.HISTORY,
)
PROJECT_URLS_CHANGED = declare(
    "project-urls-changed",
    "all of the project's URLs changed",
    (Severity.MEDIUM,),
    "Home page, repository and download URLs all differ from the previous release: a release pointing "
    "reviewers at a lookalike repository. Benign after a rename or a move to another forge.",
    Stage.HISTORY,
)

# A major version this far beyond the previous one is not a release line: it is how dependency
# confusion outbids an internal package (`1.4.2` → `99.0.0`).
_MAJOR_JUMP = 10
_CONFUSION_MAJOR = 99
_IDENTITY_HEADERS = ("author-email", "maintainer-email")
_URL_HEADERS = ("home-page", "project-url", "download-url")


def history_metadata_findings(old: Artifact, new: Artifact) -> list[Finding]:
    """Findings about NEW's metadata against OLD's; nothing when either has none."""
    old_headers, new_headers = metadata_headers(old), metadata_headers(new)
    path = metadata_path(new) or ""
    findings = list(_version_jump(old, new, path))
    if old_headers is None or new_headers is None:
        return findings
    findings += _dependencies_added_in_patch(old, new, old_headers, new_headers, path)
    findings += _identity_changed(old_headers, new_headers, path)
    return findings


def _version(artifact: Artifact) -> Version | None:
    try:
        return Version(artifact.version) if artifact.version else None
    except InvalidVersion:
        return None


def _version_jump(old: Artifact, new: Artifact, path: str) -> Iterable[Finding]:
    before, after = _version(old), _version(new)
    if before is None or after is None:
        return
    # Relative as well as absolute: calendar versions (2025.12 → 2026.1, 20251230 → 20260107) move by
    # thousands without leaving their release line.
    leap = after.major - before.major > _MAJOR_JUMP and after.major > _MAJOR_JUMP * max(before.major, 1)
    if leap or (after.major >= _CONFUSION_MAJOR > before.major):
        yield VERSION_JUMP.finding(
            Severity.HIGH,
            path,
            None,
            f"version {after} follows {before}: far beyond the release line, as dependency-confusion uploads are",
            f"{before} → {after}",
        )


def _requirements(headers: dict[str, list[str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for text in headers.get("requires-dist", []):
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        found[canonicalize_name(requirement.name)] = text
    return found


def _dependencies_added_in_patch(
    old: Artifact, new: Artifact, old_headers: dict[str, list[str]], new_headers: dict[str, list[str]], path: str
) -> Iterable[Finding]:
    before, after = _version(old), _version(new)
    if before is None or after is None or before.release[:2] != after.release[:2]:
        return  # new dependencies in a minor or major release are ordinary
    old_requirements = _requirements(old_headers)
    for name, text in sorted(_requirements(new_headers).items()):
        if name not in old_requirements:
            yield DEPENDENCY_ADDED_IN_PATCH.finding(
                Severity.MEDIUM,
                path,
                None,
                f"patch release {after} adds the dependency {name}, which {before} did not have",
                f"Requires-Dist: {text}",
            )


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip(" >").lower() if "@" in address else ""


def _identity_changed(
    old_headers: dict[str, list[str]], new_headers: dict[str, list[str]], path: str
) -> Iterable[Finding]:
    old_domains = {
        _domain(a) for header in _IDENTITY_HEADERS for value in old_headers.get(header, []) for a in value.split(",")
    } - {""}
    new_domains = {
        _domain(a) for header in _IDENTITY_HEADERS for value in new_headers.get(header, []) for a in value.split(",")
    } - {""}
    if old_domains and new_domains and not (old_domains & new_domains):
        yield MAINTAINER_CHANGED.finding(
            Severity.MEDIUM,
            path,
            None,
            f"author and maintainer e-mail domains changed from {', '.join(sorted(old_domains))} "
            f"to {', '.join(sorted(new_domains))}",
            ", ".join(sorted(new_domains)),
        )
    old_urls = {value for header in _URL_HEADERS for value in old_headers.get(header, [])}
    new_urls = {value for header in _URL_HEADERS for value in new_headers.get(header, [])}
    if old_urls and new_urls and not (old_urls & new_urls):
        yield PROJECT_URLS_CHANGED.finding(
            Severity.MEDIUM,
            path,
            None,
            "none of the project's URLs (home page, repository, download) is the same as in the previous release",
            "; ".join(sorted(new_urls))[:300],
        )


# Modules build tools write into a wheel that its sdist need not carry.
_GENERATED = ("_version.py", "version.py", "__version__.py", "_build_info.py")


def sdist_wheel_findings(wheel: Artifact, sdist: Artifact) -> list[Finding]:
    """Python files and executable .pth files of a wheel that the same release's sdist does not have:
    code that reached the wheel without passing through the published source."""
    in_sdist = set(sdist.members)
    findings = []
    for path in sorted(wheel.members):
        top = path.split("/", 1)[0]
        if "!/" in path or top.endswith((".dist-info", ".data")) or path.rsplit("/", 1)[-1] in _GENERATED:
            continue
        if not path.endswith((".py", ".pth")) or any(
            candidate in in_sdist for candidate in (path, f"src/{path}", f"lib/{path}")
        ):
            continue
        if path.endswith(".pth"):
            lines = executable_lines(wheel.text(path) or "")
            if all(line.shape for line in lines):
                continue  # nothing runs, or only a recognised shape (namespace packages are generated at build time)
            severity, what = Severity.HIGH, "a .pth file that runs code at every interpreter start"
        else:
            severity, what = Severity.MEDIUM, "a module"
        findings.append(
            WHEEL_NOT_FROM_SDIST.finding(
                severity,
                path,
                None,
                f"{what} in the wheel that the release's sdist ({sdist.filename}) does not contain",
                path,
            )
        )
    return findings
