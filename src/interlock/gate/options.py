"""What each `pip install` / `uv pip install` option means to the gate.

Every option the installer accepts has a role: it names what to install (read first, so nothing
unjudgeable reaches the resolver), changes what the resolver picks (resolving only), says how or
where to install (both phases), names the index (it becomes the gate's upstream), or would let
files in around the gate (refused, with the reason). An option missing from the table is a usage
error: a gate cannot pass on what it does not understand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(Enum):
    REQUIREMENT = "requirement"
    """A requirement file (`-r`), read and checked before resolving; resolving only."""
    CONSTRAINT = "constraint"
    """A constraints-like file (`-c`, overrides), read and checked too; resolving only."""
    EDITABLE = "editable"
    """`-e`: local code or a VCS checkout, never judgeable."""
    RESOLVE = "resolve"
    """Changes which releases are picked: resolving only (the install is of exact files)."""
    BOTH = "both"
    """How or where to install: given to both phases."""
    INDEX = "index"
    """The index: becomes the gate's upstream."""
    DRY_RUN = "dry-run"
    """Judge only, install nothing."""
    DROP = "drop"
    """The gate sets this itself (caches, configuration files)."""
    REFUSE = "refuse"
    """Would take files from elsewhere than the gate, or clashes with how the gate runs the installer."""


@dataclass(frozen=True)
class Option:
    takes_value: bool
    role: Role
    why: str = ""
    """For refused options: what to do instead."""


def _flag(role: Role, why: str = "") -> Option:
    return Option(False, role, why)


def _value(role: Role, why: str = "") -> Option:
    return Option(True, role, why)


def _spellings(options: dict[str, Option], *aliases: tuple[str, str]) -> dict[str, Option]:
    """`options` plus each `(alias, name)`: another spelling of the same option."""
    return {**options, **{alias: options[name] for alias, name in aliases}}


_SECOND_INDEX = "the gate serves one index; a second one is how dependency confusion gets in"
_LOCAL_FILES = "files from a directory or page are not on the index, so they cannot be judged"
_INTERLOCK_PYTHON = "name the target interpreter with interlock's own --python, before the --"
_CERT = "interlock reads the CA bundle from pip's configuration (PIP_CERT or cert= in pip.conf)"
_GROUP = "dependency groups are not read by the gate yet: list the requirements in a requirements file"
_PROXY = "interlock reaches the index itself (HTTPS_PROXY applies to it); the installer only talks to the gate"

PIP_OPTIONS: dict[str, Option] = _spellings(
    {
        "--requirement": _value(Role.REQUIREMENT),
        "--constraint": _value(Role.CONSTRAINT),
        "--build-constraint": _value(Role.CONSTRAINT),
        "--editable": _value(Role.EDITABLE),
        "--requirements-from-script": _value(
            Role.REFUSE, "a script's inline requirements are not read by the gate yet"
        ),
        "--group": _value(Role.REFUSE, _GROUP),
        "--no-deps": _flag(Role.RESOLVE),
        "--only-deps": _flag(Role.RESOLVE),
        "--dry-run": _flag(Role.DRY_RUN),
        "--target": _value(Role.BOTH),
        "--platform": _value(Role.BOTH),
        "--python-version": _value(Role.BOTH),
        "--implementation": _value(Role.BOTH),
        "--abi": _value(Role.BOTH),
        "--user": _flag(Role.BOTH),
        "--root": _value(Role.BOTH),
        "--prefix": _value(Role.BOTH),
        "--src": _value(Role.BOTH),
        "--upgrade": _flag(Role.RESOLVE),
        "--upgrade-strategy": _value(Role.RESOLVE),
        "--force-reinstall": _flag(Role.BOTH),
        "--ignore-installed": _flag(Role.BOTH),
        "--ignore-requires-python": _flag(Role.BOTH),
        "--no-build-isolation": _flag(Role.BOTH),
        "--check-build-dependencies": _flag(Role.BOTH),
        "--break-system-packages": _flag(Role.BOTH),
        "--config-settings": _value(Role.BOTH),
        "--compile": _flag(Role.BOTH),
        "--no-compile": _flag(Role.BOTH),
        "--no-warn-script-location": _flag(Role.BOTH),
        "--no-warn-conflicts": _flag(Role.BOTH),
        "--require-hashes": _flag(Role.RESOLVE),
        "--no-require-hashes": _flag(Role.RESOLVE),
        "--progress-bar": _value(Role.BOTH),
        "--root-user-action": _value(Role.BOTH),
        "--report": _value(Role.REFUSE, "interlock writes its own report: use --format json -o FILE"),
        "--no-clean": _flag(Role.BOTH),
        "--pre": _flag(Role.RESOLVE),
        "--all-releases": _value(Role.RESOLVE),
        "--only-final": _value(Role.RESOLVE),
        "--no-binary": _value(Role.BOTH),
        "--only-binary": _value(Role.BOTH),
        "--prefer-binary": _flag(Role.RESOLVE),
        "--uploaded-prior-to": _value(Role.RESOLVE),
        "--refresh-package": _value(Role.DROP),
        "--index-url": _value(Role.INDEX),
        "--extra-index-url": _value(Role.REFUSE, _SECOND_INDEX),
        "--no-index": _flag(Role.REFUSE, _LOCAL_FILES),
        "--find-links": _value(Role.REFUSE, _LOCAL_FILES),
        "--trusted-host": _value(
            Role.REFUSE, "the installer only talks to the gate on loopback; interlock checks the index's TLS"
        ),
        "--cert": _value(Role.REFUSE, _CERT),
        "--client-cert": _value(Role.REFUSE, "client certificates for the index are not supported by the gate"),
        "--proxy": _value(Role.REFUSE, _PROXY),
        "--no-proxy-env": _flag(Role.REFUSE, _PROXY),
        "--keyring-provider": _value(Role.REFUSE, "credentials for the index belong in the index URL interlock reads"),
        "--python": _value(Role.REFUSE, _INTERLOCK_PYTHON),
        "--help": _flag(Role.REFUSE, "see 'interlock install --help'"),
        "--debug": _flag(Role.BOTH),
        "--isolated": _flag(Role.BOTH),
        "--require-virtualenv": _flag(Role.BOTH),
        "--verbose": _flag(Role.BOTH),
        "--quiet": _flag(Role.BOTH),
        "--log": _value(Role.BOTH),
        "--no-input": _flag(Role.DROP),
        "--retries": _value(Role.BOTH),
        "--timeout": _value(Role.DROP),  # the gate sets it: the installer must wait for judging
        "--exists-action": _value(Role.BOTH),
        "--cache-dir": _value(Role.DROP),
        "--no-cache-dir": _flag(Role.DROP),
        "--disable-pip-version-check": _flag(Role.DROP),
        "--no-color": _flag(Role.BOTH),
        "--use-feature": _value(Role.BOTH),
        "--use-deprecated": _value(Role.BOTH),
        "--resume-retries": _value(Role.BOTH),
    },
    ("-r", "--requirement"),
    ("-c", "--constraint"),
    ("-e", "--editable"),
    ("-t", "--target"),
    ("-U", "--upgrade"),
    ("-I", "--ignore-installed"),
    ("-C", "--config-settings"),
    ("-i", "--index-url"),
    ("-f", "--find-links"),
    ("-h", "--help"),
    ("-v", "--verbose"),
    ("-q", "--quiet"),
)
"""`pip install` options (pip 24 to 26)."""

UV_OPTIONS: dict[str, Option] = _spellings(
    {
        "--requirements": _value(Role.REQUIREMENT),
        "--constraints": _value(Role.CONSTRAINT),
        "--overrides": _value(Role.CONSTRAINT),
        "--excludes": _value(Role.CONSTRAINT),
        "--build-constraints": _value(Role.CONSTRAINT),
        "--editable": _value(Role.EDITABLE),
        "--group": _value(Role.REFUSE, _GROUP),
        "--no-editable": _flag(Role.RESOLVE),
        "--no-editable-package": _value(Role.RESOLVE),
        "--extra": _value(Role.RESOLVE),
        "--all-extras": _flag(Role.RESOLVE),
        "--no-deps": _flag(Role.RESOLVE),
        "--require-hashes": _flag(Role.RESOLVE),
        "--no-verify-hashes": _flag(Role.RESOLVE),
        "--require-build-hashes": _flag(Role.BOTH),
        "--system": _flag(Role.BOTH),
        "--break-system-packages": _flag(Role.BOTH),
        "--no-break-system-packages": _flag(Role.BOTH),
        "--target": _value(Role.BOTH),
        "--prefix": _value(Role.BOTH),
        "--user": _flag(Role.BOTH),
        "--no-build": _flag(Role.BOTH),
        "--no-binary": _value(Role.BOTH),
        "--only-binary": _value(Role.BOTH),
        "--python-version": _value(Role.BOTH),
        "--python-platform": _value(Role.BOTH),
        "--exact": _flag(
            Role.REFUSE,
            "the gate installs the resolved files one by one; run 'uv pip sync' on a judged lockfile instead",
        ),
        "--strict": _flag(Role.BOTH),
        "--dry-run": _flag(Role.DRY_RUN),
        "--check": _flag(Role.REFUSE, "nothing to judge: run uv pip install --check directly"),
        "--output-format": _value(Role.REFUSE, "interlock writes its own report: use --format json -o FILE"),
        "--torch-backend": _value(Role.REFUSE, "it switches to other indexes than the one the gate serves"),
        "--index": _value(Role.REFUSE, _SECOND_INDEX),
        "--default-index": _value(Role.INDEX),
        "--index-url": _value(Role.INDEX),
        "--extra-index-url": _value(Role.REFUSE, _SECOND_INDEX),
        "--find-links": _value(Role.REFUSE, _LOCAL_FILES),
        "--no-index": _flag(Role.REFUSE, _LOCAL_FILES),
        "--index-strategy": _value(Role.REFUSE, _SECOND_INDEX),
        "--keyring-provider": _value(Role.REFUSE, "credentials for the index belong in the index URL interlock reads"),
        "--upgrade": _flag(Role.RESOLVE),
        "--upgrade-package": _value(Role.RESOLVE),
        "--upgrade-group": _value(Role.RESOLVE),
        "--resolution": _value(Role.RESOLVE),
        "--prerelease": _value(Role.RESOLVE),
        "--pre": _flag(Role.RESOLVE),
        "--prerelease-package": _value(Role.RESOLVE),
        "--fork-strategy": _value(Role.RESOLVE),
        "--exclude-newer": _value(Role.RESOLVE),
        "--exclude-newer-package": _value(Role.RESOLVE),
        "--no-sources": _flag(Role.RESOLVE),
        "--no-sources-package": _value(Role.RESOLVE),
        "--reinstall": _flag(Role.BOTH),
        "--reinstall-package": _value(Role.BOTH),
        "--link-mode": _value(Role.BOTH),
        "--compile-bytecode": _flag(Role.BOTH),
        "--config-setting": _value(Role.BOTH),
        "--config-settings-package": _value(Role.BOTH),
        "--no-build-isolation": _flag(Role.BOTH),
        "--no-build-isolation-package": _value(Role.BOTH),
        "--no-cache": _flag(Role.DROP),
        "--cache-dir": _value(Role.DROP),
        "--refresh": _flag(Role.DROP),
        "--refresh-package": _value(Role.DROP),
        "--python": _value(Role.REFUSE, _INTERLOCK_PYTHON),
        "--managed-python": _flag(Role.BOTH),
        "--no-managed-python": _flag(Role.BOTH),
        "--no-python-downloads": _flag(Role.BOTH),
        "--quiet": _flag(Role.BOTH),
        "--verbose": _flag(Role.BOTH),
        "--color": _value(Role.BOTH),
        "--system-certs": _flag(Role.DROP),
        "--native-tls": _flag(Role.DROP),
        "--offline": _flag(Role.REFUSE, "the installer must reach the gate (on loopback) to get judged files"),
        "--allow-insecure-host": _value(
            Role.REFUSE, "the installer only talks to the gate on loopback; interlock checks the index's TLS"
        ),
        "--cert": _value(Role.REFUSE, _CERT),
        "--no-progress": _flag(Role.BOTH),
        "--directory": _value(Role.REFUSE, "run interlock from that directory instead"),
        "--project": _value(Role.REFUSE, "run interlock from that directory instead"),
        "--config-file": _value(
            Role.REFUSE, "the gate runs uv without configuration files, so no index in them goes around it"
        ),
        "--no-config": _flag(Role.DROP),
        "--help": _flag(Role.REFUSE, "see 'interlock uv --help'"),
    },
    ("-r", "--requirements"),
    ("--requirement", "--requirements"),
    ("-c", "--constraints"),
    ("--constraint", "--constraints"),
    ("--override", "--overrides"),
    ("-b", "--build-constraints"),
    ("--build-constraint", "--build-constraints"),
    ("-e", "--editable"),
    ("-t", "--target"),
    ("-i", "--index-url"),
    ("-f", "--find-links"),
    ("-U", "--upgrade"),
    ("-P", "--upgrade-package"),
    ("-C", "--config-setting"),
    ("--config-settings", "--config-setting"),
    ("-n", "--no-cache"),
    ("-p", "--python"),
    ("-q", "--quiet"),
    ("-v", "--verbose"),
    ("-h", "--help"),
)
"""`uv pip install` options (uv 0.4 to 0.13)."""
