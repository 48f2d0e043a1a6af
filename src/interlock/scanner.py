"""Scan targets end to end: fetch if needed, read, analyse, cache."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interlock.analysis.engine import scan_artifact
from interlock.analysis.result import ScanResult
from interlock.analysis.rules import RULESET_VERSION
from interlock.analysis.verdict import Verdict
from interlock.analysis.yara_rules import YaraRules
from interlock.artifact.limits import DEFAULT_LIMITS, Deadline, Limits
from interlock.artifact.reader import UnsupportedArtifact, read_artifact
from interlock.index.artifacts import file_sha256
from interlock.index.errors import IndexProblem
from interlock.store.cache import ResultCache
from interlock.targets import Target

if TYPE_CHECKING:
    from interlock.index.client import IndexClient


@dataclass
class ScanOptions:
    index_url: str | None = None
    """Overrides the index pip is configured with."""
    use_cache: bool = True
    yara: YaraRules | None = None
    limits: Limits = DEFAULT_LIMITS
    cache: ResultCache | None = None


class Scanner:
    """Scans targets one by one; cheap to construct, opens the index and cache lazily."""

    def __init__(self, options: ScanOptions) -> None:
        self.options = options
        self._client: IndexClient | None = None  # made on first NAME==VERSION: imports httpx
        self._cache = options.cache

    @property
    def ruleset(self) -> str:
        yara = self.options.yara
        return RULESET_VERSION + (f"+yara:{yara.digest[:12]}" if yara else "")

    def client(self) -> IndexClient:
        if self._client is None:
            from interlock.index.client import IndexClient

            # The index, and the CA bundle, pip is configured with (or the --index-url flag).
            self._client = IndexClient.from_pip(self.options.index_url)
        return self._client

    def cache(self) -> ResultCache | None:
        if not self.options.use_cache:
            return None
        if self._cache is None:
            self._cache = ResultCache()
        return self._cache

    def scan_all(self, targets: Iterable[Target], progress: Callable[[Target], None] | None = None) -> list[ScanResult]:
        results = []
        for target in targets:
            if progress is not None:
                progress(target)
            results.append(self.scan(target))
        return results

    def scan(self, target: Target) -> ScanResult:
        try:
            path = target.path if target.path is not None else self._fetch(target)
        except IndexProblem as exc:
            return _error_result(target, str(exc))
        return self.scan_file(path, target.text)

    def scan_file(self, path: Path, label: str) -> ScanResult:
        if not path.is_file():
            # A FIFO or device named like an artifact would block the read forever.
            return _error_result_for_file(path, label, f"{path}: not a regular file")
        try:
            digest = file_sha256(path)
        except OSError as exc:
            return _error_result_for_file(path, label, f"cannot read {path}: {exc.strerror or exc}")
        cache = self.cache()
        if cache is not None:
            cached = cache.get(digest, self.ruleset, label)
            if cached is not None:
                return cached
        try:
            artifact = read_artifact(path, self.options.limits, Deadline(self.options.limits.max_seconds))
        except (UnsupportedArtifact, OSError) as exc:
            return _error_result_for_file(path, label, str(exc))
        result = scan_artifact(artifact, label, self.options.yara, Deadline(self.options.limits.max_seconds))
        if cache is not None:
            cache.put(result)
        return result

    def _fetch(self, target: Target) -> Path:
        assert target.pin is not None
        name, version = target.pin
        client = self.client()
        return client.download(client.resolve(f"{name}=={version}"))


def _error_result(target: Target, reason: str) -> ScanResult:
    name, version = target.pin if target.pin else (None, None)
    return ScanResult(target.text, target.path.name if target.path else "", name, version, None, Verdict.ERROR, 0, [], reason)


def _error_result_for_file(path: Path, label: str, reason: str) -> ScanResult:
    return ScanResult(label, path.name, None, None, None, Verdict.ERROR, 0, [], reason)
