"""pip and uv as the gate drives them: the resolve command, reading its plan, the install command.

Both run against the gate index only: their configuration files and PIP_*/UV_* variables are
set aside (an extra index or find-links there would go around the gate), and their proxy is a
loopback port that refuses every connection, so a direct URL reached any other way fails
instead of fetching unjudged code. Caches are off, so every file they use came through the gate
in this run. They wait as long as judging takes: see `ANSWER_WAIT_SECONDS`.
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from packaging.utils import canonicalize_name

from interlock.gate.arguments import InstallerArguments
from interlock.gate.options import PIP_OPTIONS, UV_OPTIONS, Option

ANSWER_WAIT_SECONDS = 3600
"""How long pip or uv waits for the gate's answer to one request (their read timeout; pip's own
default is 15 s, uv's 30 s). The gate is on loopback and sends nothing until the file asked for
is judged, and judging one file can take its download, up to three analysis deadlines (the file,
the previous release for the history diff, the sdist beside a wheel: `Limits.max_seconds` each,
120 s by default), their downloads, and the files queued ahead of it (`--jobs` at a time). No
fixed figure bounds every queue; an hour is far beyond any judgement seen (litellm's wheel and
its predecessor: under a minute), so only a gate that truly hung makes the installer give up.
Meanwhile the terminal says what is being judged. The user's own `--timeout` is dropped: it was
meant for the network, which only the gate talks to."""


class PlanError(Exception):
    """The installer's account of what it would install could not be read."""


@dataclass(frozen=True)
class Planned:
    """One distribution the installer would install."""

    name: str
    """Canonical name."""
    version: str
    key: str | None
    """The gate's key of the exact file (pip says which); None when the installer does not say (uv)."""
    url: str | None = None
    """Where the installer would take it from, when it says."""


class Installer(ABC):
    """One installer front end, targeting one interpreter."""

    tool: str
    options: Mapping[str, Option]

    def __init__(self, command: list[str], python: Path) -> None:
        self.command = command
        """How to run the installer (`python -m pip`, or the uv executable)."""
        self.python = python
        """The interpreter installed into."""

    @abstractmethod
    def resolve_command(self, index: str, arguments: InstallerArguments, report: Path) -> list[str]:
        """A dry run through `index` that says what would be installed (in `report`, or on standard output)."""

    @abstractmethod
    def read_plan(self, report: Path, stdout: str, gate: str) -> list[Planned]:
        """What the dry run would install; `PlanError` when its account is unreadable."""

    @abstractmethod
    def install_command(self, index: str, arguments: InstallerArguments, requirements: Path) -> list[str]:
        """Install exactly the pinned, hashed files of `requirements` through `index`, without dependencies."""

    def environment(self, refusing_port: int, base: Mapping[str, str] = os.environ) -> dict[str, str]:
        """The installer's environment: its own settings set aside, a proxy that refuses everything but loopback."""
        env = {name: value for name, value in base.items() if not name.upper().startswith(("PIP_", "UV_"))}
        env["PIP_CONFIG_FILE"] = os.devnull  # pip reads no configuration file at all
        proxy = f"http://127.0.0.1:{refusing_port}"
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            env[name] = env[name.lower()] = proxy
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
        return env


class Pip(Installer):
    tool = "pip"
    options = PIP_OPTIONS
    # No retries: the gate is on loopback, and it retries the index itself.
    _common = (
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--no-input",
        "--progress-bar=off",
        "--retries=0",
        f"--timeout={ANSWER_WAIT_SECONDS}",
    )

    def resolve_command(self, index: str, arguments: InstallerArguments, report: Path) -> list[str]:
        return [
            *self.command,
            "install",
            "--dry-run",
            f"--report={report}",
            f"--index-url={index}",
            *self._common,
            *arguments.resolve,
        ]

    def read_plan(self, report: Path, stdout: str, gate: str) -> list[Planned]:
        try:
            document = json.loads(report.read_text(encoding="utf-8"))
            planned = []
            for item in document["install"]:
                url = str(item["download_info"]["url"])
                metadata = item["metadata"]
                planned.append(
                    Planned(
                        canonicalize_name(str(metadata["name"])), str(metadata["version"]), _gate_key(url, gate), url
                    )
                )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PlanError(f"pip's report could not be read ({type(exc).__name__}: {exc})") from None
        return planned

    def install_command(self, index: str, arguments: InstallerArguments, requirements: Path) -> list[str]:
        return [
            *self.command,
            "install",
            "--no-deps",
            "--require-hashes",
            f"--requirement={requirements}",
            f"--index-url={index}",
            *self._common,
            *arguments.install,
        ]


class Uv(Installer):
    tool = "uv"
    options = UV_OPTIONS

    def environment(self, refusing_port: int, base: Mapping[str, str] = os.environ) -> dict[str, str]:
        # No retries: the gate is on loopback, and it retries the index itself.
        return {
            **super().environment(refusing_port, base),
            "UV_HTTP_RETRIES": "0",
            "UV_HTTP_TIMEOUT": str(ANSWER_WAIT_SECONDS),
        }

    def _common(self, index: str) -> list[str]:
        return [f"--python={self.python}", f"--index-url={index}", "--no-config", "--no-cache", "--no-progress"]

    def resolve_command(self, index: str, arguments: InstallerArguments, report: Path) -> list[str]:
        return [
            *self.command,
            "pip",
            "install",
            "--dry-run",
            "--output-format=json",
            *self._common(index),
            *arguments.resolve,
        ]

    def read_plan(self, report: Path, stdout: str, gate: str) -> list[Planned]:
        try:
            changes = json.loads(stdout)["changes"]
            return [
                Planned(canonicalize_name(str(change["name"])), str(change["version"]), None)
                for change in changes
                if change.get("action") != "removed"
            ]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise PlanError(f"uv's plan could not be read ({type(exc).__name__}: {exc})") from None

    def install_command(self, index: str, arguments: InstallerArguments, requirements: Path) -> list[str]:
        return [
            *self.command,
            "pip",
            "install",
            "--no-deps",
            "--require-hashes",
            f"--requirements={requirements}",
            *self._common(index),
            *arguments.install,
        ]


def _gate_key(url: str, gate: str) -> str | None:
    """The key in a gate file URL (`GATE/files/KEY/FILENAME`); None for a URL elsewhere."""
    if not url.startswith(gate + "/files/"):
        return None
    parts = unquote(urlsplit(url).path).split("/")
    return parts[2] if len(parts) == 4 else None
