"""Scan targets end to end: fetch if needed, read, compare with the previous release, analyse, cache."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

from interlock.analysis.engine import ruleset_of, scan_artifact, tidy
from interlock.analysis.extract.yara_rules import YaraRules
from interlock.analysis.rules.typosquat import TYPOSQUAT_DEPENDENCY, squatted_dependency
from interlock.analysis.verdict import decide
from interlock.artifact.limits import DEFAULT_LIMITS, Deadline, Limits
from interlock.artifact.model import Artifact
from interlock.artifact.reader import UnsupportedArtifact, file_sha256, read_artifact
from interlock.diff.clone import MIN_SHARED, copied_project, shared_share
from interlock.diff.compare import DiffError, diff_artifacts
from interlock.diff.metadata import sdist_wheel_findings
from interlock.index.cache_location import CacheLayout
from interlock.index.errors import IndexProblem, ProjectNotFound, VersionNotFound
from interlock.index.models import FileKind
from interlock.index.provenance.rules import PROVENANCE_INVALID
from interlock.index.selection import is_established_project, upload_datetime
from interlock.index.urls import redact
from interlock.intel.advisory_rules import known_malicious
from interlock.intel.popular import shipped_popular_names
from interlock.model.findings import Finding, Severity
from interlock.model.result import IndexRecord, ScanResult
from interlock.model.verdict import Verdict
from interlock.policy.evaluate import decide_result
from interlock.policy.model import Policy
from interlock.store.advisories import AdvisoryStore
from interlock.store.artifacts import DEFAULT_MAX_BYTES, ArtifactCache
from interlock.store.cache import ResultCache
from interlock.store.facts import FactCache
from interlock.targets import Target

if TYPE_CHECKING:
    from interlock.index.client import DownloadObserver, IndexClient
    from interlock.index.models import IndexFile
    from interlock.index.provenance import ProvenanceResult


_UNAVAILABLE = "history unavailable"
_ANALYSES_AT_ONCE = 2


class ScanObserver(Protocol):
    """Hears what a scanner does as it goes (a progress display); called from any thread."""

    def download_started(self, file: IndexFile) -> None: ...
    def received(self, count: int) -> None: ...
    def download_finished(self, file: IndexFile) -> None: ...

    def judging(self, key: str, label: str, size: int | None = None) -> None:
        """A judgement began: of the file `label` (`size` bytes, when known)."""

    def scan_result(self, key: str, result: ScanResult) -> None:
        """The judgement `judging` announced under `key` ended."""


@dataclass
class ScanOptions:
    index_url: str | None = None
    """Overrides the index pip is configured with."""
    use_cache: bool = True
    """Read and write the result, fact and page caches (downloads are kept either way)."""
    cache_dir: Path | None = None
    """The cache root (`--cache-dir`); None: `$INTERLOCK_CACHE_DIR`, else the user's cache directory."""
    cache_max_bytes: int = DEFAULT_MAX_BYTES
    """Downloaded artifacts beyond this are evicted, least recently used first, after each judgement."""
    hold_judged: bool = False
    """Keep every artifact judged from eviction until the process ends (the gate serves them later)."""
    observer: ScanObserver | None = None
    yara: YaraRules | None = None
    limits: Limits = DEFAULT_LIMITS
    cache: ResultCache | None = None
    history: bool = False
    """Judge each release against the closest lower release on the index."""
    policy: Policy = field(default_factory=Policy)
    """How every signal is weighed into a decision (fail-on, cooldown, allow/deny, provenance)."""


class Scanner:
    """Judges targets; cheap to construct, opens the index and caches lazily, safe to share between threads."""

    def __init__(self, options: ScanOptions) -> None:
        self.options = options
        self._client: IndexClient | None = None  # made on first use of the index
        self._cache = options.cache
        self._facts: FactCache | None = None
        self._advisories: AdvisoryStore | None = None
        self._lock = threading.Lock()  # the lazily made parts above are shared by an audit's worker threads
        # Downloads run many at once; analysis holds a release in memory and is CPU-bound under the
        # GIL, so only a couple of releases are read and analysed at a time whatever the thread count.
        self._analysis_slots = threading.BoundedSemaphore(_ANALYSES_AT_ONCE)
        self._index_down: str | None = None
        """Why history is unavailable, once the index has failed: later artifacts do not retry."""
        self.layout = CacheLayout.resolve(options.cache_dir)
        self._artifacts: ArtifactCache | None = None
        self._held = ExitStack()  # leases kept for the scanner's life (`hold_judged`)

    @property
    def ruleset(self) -> str:
        return ruleset_of(self.options.yara)

    def client(self) -> IndexClient:
        with self._lock:
            if self._client is None:
                from interlock.index.client import IndexClient

                # The index, and the CA bundle, pip is configured with (or the --index-url flag).
                self._client = IndexClient.from_pip(
                    self.options.index_url,
                    http_cache=self.options.use_cache,
                    cache_dir=self.layout.artifacts,
                    http_cache_dir=self.layout.http,
                )
            return self._client

    def cache(self) -> ResultCache | None:
        if not self.options.use_cache:
            return None
        with self._lock:
            if self._cache is None:
                self._cache = ResultCache(self.layout.results)
            return self._cache

    def facts(self) -> FactCache | None:
        if not self.options.use_cache:
            return None
        with self._lock:
            if self._facts is None:
                self._facts = FactCache(self.layout.facts, self.options.limits)
            return self._facts

    def artifacts(self) -> ArtifactCache:
        """The downloaded artifacts' use and size cap."""
        with self._lock:
            if self._artifacts is None:
                self._artifacts = ArtifactCache(
                    self.layout.artifacts, self.layout.artifact_index, self.options.cache_max_bytes
                )
            return self._artifacts

    def scan_all(
        self, targets: Iterable[Target], progress: Callable[[Target, ScanResult], None] | None = None
    ) -> list[ScanResult]:
        """Each target scanned in turn; `progress` hears of each as it is done."""
        results = []
        for target in targets:
            results.append(self.scan(target))
            if progress is not None:
                progress(target, results[-1])
        return results

    def scan(self, target: Target) -> ScanResult:
        """A target judged and weighed by the policy: a local file on its contents, a NAME==VERSION
        also on what the index says about it."""
        if target.path is not None:
            observer = self.options.observer
            key = str(target.path)
            if observer is not None:
                observer.judging(key, target.path.name, _size_of(target.path))
            try:
                result = self.decided(
                    with_signals_for_name(self.scan_file(target.path, target.text), self.advisories())
                )
            finally:
                self._trim()  # its previous release may have been downloaded
            if observer is not None:
                observer.scan_result(key, result)
            return result
        try:
            file = self._resolve(target)
        except IndexProblem as exc:
            return self.decided(_error_result(target, str(exc)))
        return self.judge_index_file(file, target.text)

    def decided(self, result: ScanResult) -> ScanResult:
        """`result` with the policy's decision on it, as of now."""
        result.decision = decide_result(self.options.policy, result, datetime.now(UTC))
        return result

    def advisories(self) -> AdvisoryStore:
        with self._lock:
            if self._advisories is None:
                self._advisories = AdvisoryStore()
            return self._advisories

    def judge_index_file(self, file: IndexFile, label: str) -> ScanResult:
        """The verdict on one file the index lists: downloaded (hash verified), analysed, and weighed
        with what the index says about the release (age, provenance, advisories). Index failures
        come back as an `error` result: a gate fails closed on them.

        Every artifact the judgement reads is held against eviction until it ends; then the
        downloads beyond the cache's cap are evicted, least recently used first."""
        observer = self.options.observer
        if observer is not None:
            observer.judging(file.url, file.filename, file.size)
        try:
            with ExitStack() as leases:
                result = self._judge_index_file(file, label, self._held if self.options.hold_judged else leases)
        finally:
            self._trim()
        if observer is not None:
            observer.scan_result(file.url, result)
        return result

    def _judge_index_file(self, file: IndexFile, label: str, leases: ExitStack) -> ScanResult:
        record = IndexRecord(redact(file.url), file.upload_time)
        try:
            path = self._download(file, leases)
        except IndexProblem as exc:
            failed = ScanResult(
                label, file.filename, file.project, str(file.version), file.sha256, Verdict.ERROR, 0, [], str(exc)
            )
            failed.index = record
            return self.decided(failed)
        result = self.scan_file(path, label, file.sha256, leases)  # download() hash-checked these bytes
        result = self._without_established_dependencies(result)
        result.index = record
        if result.verdict is not Verdict.ERROR:
            result = with_signals(result, self.release_signals(file, path, result, leases))
        return self.decided(with_signals_for_name(result, self.advisories()))

    def _trim(self) -> None:
        """Evict downloads beyond the cap, if this scanner downloaded anything."""
        if self._artifacts is not None:
            self._artifacts.evict()

    def _download(self, file: IndexFile, leases: ExitStack) -> Path:
        """`file` on disk, held against eviction for as long as `leases` lasts (taken before the
        download, so a copy found on disk cannot go between the check and the read)."""
        artifacts = self.artifacts()
        leases.enter_context(artifacts.lease(file.sha256))
        observer: DownloadObserver | None = self.options.observer
        path = self.client().download(file, observer=observer)
        artifacts.used(path)
        return path

    def _without_established_dependencies(self, result: ScanResult) -> ScanResult:
        """`result` without the typosquat-dependency findings whose dependency the index shows to be
        a project with years of releases of its own: a neighbour of a popular name, not its imitation.
        (Without an index the finding stands: a scan of a local file cannot tell.)"""
        squats = [f for f in result.findings if f.rule == TYPOSQUAT_DEPENDENCY.id]
        if not squats:
            return result
        genuine = {f for f in squats if self._has_history(squatted_dependency(f))}
        if not genuine:
            return result
        result.findings = [f for f in result.findings if f not in genuine]
        previous = result.previous
        result.verdict, result.score = decide([f for f in result.findings if previous is None or previous.counts(f)])
        return result

    def _has_history(self, project: str) -> bool:
        try:
            return is_established_project(self.client().project_files(project))
        except IndexProblem:
            return False  # not on the index, or the index cannot say: the imitation stays suspect

    def release_signals(
        self, file: IndexFile, path: Path, result: ScanResult, leases: ExitStack | None = None
    ) -> list[Finding]:
        """What the index says about a release it served: provenance, and the sdist beside a wheel.
        The provenance itself is recorded on `result.index` (a policy can require it)."""
        provenance, signals = self._provenance_findings(file, path)
        if provenance is not None and result.index is not None:
            result.index = replace(
                result.index,
                provenance=provenance.status.value,
                provenance_reason=provenance.reason,
                publisher=provenance.publisher if provenance.kind else None,
            )
        if self.options.history:
            with ExitStack() as own:
                signals += self._sdist_findings(file, path, leases if leases is not None else own)
        return signals

    def _sdist_findings(self, wheel: IndexFile, path: Path, leases: ExitStack) -> list[Finding]:
        """Code in the wheel that the same release's sdist lacks (nothing to say for an sdist, or
        without one). Cached by the two files' sha256: reading both is most of a warm audit's time."""
        if wheel.kind is not FileKind.WHEEL or wheel.sha256 is None:
            return []
        try:
            sdists = [f for f in self.client().release_files(wheel.project, wheel.version) if f.kind is FileKind.SDIST]
            if not sdists or sdists[0].sha256 is None:
                return []
            key = f"{self.ruleset}+sdist:{sdists[0].sha256}"
            cache = self.cache()
            if cache is not None and (known := cache.get(wheel.sha256, key, wheel.filename)) is not None:
                return known.findings
            deadline = self.options.limits.deadline()
            sdist = read_artifact(self._download(sdists[0], leases), self.options.limits, deadline)
            built = read_artifact(path, self.options.limits, deadline)
        except (IndexProblem, UnsupportedArtifact, OSError):
            return []  # the comparison is a bonus: a wheel is judged without it when the sdist cannot be had
        if sdist.fatal or built.fatal:
            return []
        findings = sdist_wheel_findings(built, sdist)
        if cache is not None:
            verdict, score = decide(findings)
            cache.put(
                ScanResult(
                    wheel.filename,
                    wheel.filename,
                    wheel.project,
                    str(wheel.version),
                    wheel.sha256,
                    verdict,
                    score,
                    findings,
                    ruleset=key,
                )
            )
        return findings

    def _provenance_findings(self, file: IndexFile, path: Path) -> tuple[ProvenanceResult | None, list[Finding]]:
        """Where the release came from (PEP 740), against where the project's releases came from
        before; with this file's provenance (None when it could not be checked)."""
        from interlock.index.provenance import provenance_findings

        try:
            return provenance_findings(self.client(), file, path)
        except (IndexProblem, OSError) as exc:
            return None, [
                PROVENANCE_INVALID.finding(
                    Severity.HIGH,
                    "",
                    None,
                    f"provenance could not be checked: {exc}",
                    file.filename,
                )
            ]

    def scan_file(
        self, path: Path, label: str, sha256: str | None = None, leases: ExitStack | None = None
    ) -> ScanResult:
        """The verdict on one artifact file; `sha256` when the caller has just verified it (a download);
        `leases` holds what it downloads (its previous release) until the caller is done."""
        if not path.is_file():
            # A FIFO or device named like an artifact would block the read forever.
            return _error_result_for_file(path, label, f"{path}: not a regular file")
        try:
            digest = sha256 or file_sha256(path)
        except OSError as exc:
            return _error_result_for_file(path, label, f"cannot read {path}: {exc.strerror or exc}")
        previous, note = self._previous_file(path.name) if self.options.history else (None, None)
        ruleset = self.ruleset + (f"+history:{previous.sha256}" if previous is not None else "")
        cache = self.cache()
        if cache is not None:
            cached = cache.get(digest, ruleset, label)
            if cached is not None:
                cached.history_note = cached.history_note or note
                return cached
        with self._analysis_slots:
            try:
                artifact = read_artifact(path, self.options.limits, self.options.limits.deadline())
            except (UnsupportedArtifact, OSError) as exc:
                return _error_result_for_file(path, label, str(exc))
            with ExitStack() as own:
                result, history_failed = self._judge(artifact, label, previous, leases if leases is not None else own)
        result.ruleset = ruleset
        result.history_note = result.history_note or note
        # A result judged alone because the index could not be asked is not what this key names.
        if cache is not None and not history_failed and not (note or "").startswith(_UNAVAILABLE):
            cache.put(result)
        return result

    def diff(self, old: Target, new: Target) -> ScanResult:
        """NEW judged against OLD. Raises DiffError when they cannot be compared."""
        observer = self.options.observer
        if observer is not None:
            observer.judging(new.text, f"{old.text} → {new.text}")
        try:
            with ExitStack() as leases:
                result = self._diff(old, new, leases)
        finally:
            self._trim()
        if observer is not None:
            observer.scan_result(new.text, result)
        return result

    def _diff(self, old: Target, new: Target, leases: ExitStack) -> ScanResult:
        try:
            old_file = None
            if old.path is not None:
                old_path = old.path
            else:
                old_file = self._resolve(old)
                old_path = self._download(old_file, leases)
            new_path = new.path if new.path is not None else self._fetch(new, leases)
        except IndexProblem as exc:
            return self.decided(_error_result(new, str(exc)))
        deadline = self.options.limits.deadline()
        try:
            old_artifact = read_artifact(old_path, self.options.limits, deadline)
            new_artifact = read_artifact(new_path, self.options.limits, deadline)
        except (UnsupportedArtifact, OSError) as exc:
            return self.decided(_error_result(new, str(exc)))
        result = diff_artifacts(
            old_artifact,
            new_artifact,
            target=new.text,
            previous_label=old.text,
            yara=self.options.yara,
            deadline=deadline,
            facts=self.facts(),
            established=old_file is not None and is_established(old_file),
        )
        return self.decided(with_signals_for_name(result, self.advisories()))

    def _judge(
        self, artifact: Artifact, label: str, previous: IndexFile | None, leases: ExitStack
    ) -> tuple[ScanResult, bool]:
        """The result, against `previous` when given; and whether that comparison failed."""
        deadline = self.options.limits.deadline()
        if previous is not None:
            try:
                old_path = self._download(previous, leases)
                old_artifact = read_artifact(old_path, self.options.limits, deadline)
                return self._diff_files(
                    old_artifact, artifact, label, previous, deadline, is_established(previous)
                ), False
            except (IndexProblem, UnsupportedArtifact, OSError, DiffError) as exc:
                result = scan_artifact(artifact, label, self.options.yara, deadline, self.facts())
                result.history_note = f"{_UNAVAILABLE} ({exc}); judged on its own"
                return result, True
        if self.options.history and self._index_down is None:
            copied = self._judge_as_copy(artifact, label, deadline, leases)
            if copied is not None:
                return copied, False
        return scan_artifact(artifact, label, self.options.yara, deadline, self.facts()), False

    def _diff_files(
        self,
        old: Artifact,
        new: Artifact,
        label: str,
        old_file: IndexFile,
        deadline: Deadline,
        established: bool,
        *,
        copy: bool = False,
    ) -> ScanResult:
        """NEW judged against OLD, the release `old_file` names."""
        return diff_artifacts(
            old,
            new,
            target=label,
            previous_label=f"{old_file.project}=={old_file.version}",
            yara=self.options.yara,
            deadline=deadline,
            facts=self.facts(),
            established=established,
            copy=copy,
        )

    def _judge_as_copy(
        self, artifact: Artifact, label: str, deadline: Deadline, leases: ExitStack
    ) -> ScanResult | None:
        """A release with no history of its own that ships a popular project's package, judged
        against that project's release (see `diff.clone`); None when it is no such copy."""
        original_name = copied_project(artifact, shipped_popular_names())
        if original_name is None:
            return None
        try:
            original = self._original_release(original_name, artifact.version)
            original_artifact = read_artifact(self._download(original, leases), self.options.limits, deadline)
        except (IndexProblem, UnsupportedArtifact, OSError):
            return None  # the original cannot be had: the copy is judged on its own, as before
        share = shared_share(original_artifact, artifact)
        if share < MIN_SHARED:
            return None
        try:
            result = self._diff_files(
                original_artifact, artifact, label, original, deadline, established=True, copy=True
            )
        except DiffError:
            return None
        result.history_note = (
            f"ships {original.project}'s package ({share:.0%} of its Python files identical to "
            f"{original.project}=={original.version}): judged on what it adds to that project"
        )
        return result

    def _original_release(self, name: str, version: str | None) -> IndexFile:
        """The release of `name` a copy is compared with: the copy's own version when the original
        has it, else the original's latest final release."""
        client = self.client()
        versions = client.release_versions(name)
        chosen = next((v for v in versions if version is not None and str(v) == version), None)
        if chosen is None:
            if not versions:
                raise VersionNotFound(f"{name}: no final release on the index")
            chosen = max(versions)
        return client.select_file(client.release_files(name, chosen), chosen)

    def _previous_file(self, filename: str) -> tuple[IndexFile | None, str | None]:
        """The previous release's file to compare with, or why there is none."""
        pinned = _name_and_version(filename)
        if pinned is None:
            return None, "name and version not readable from the file name: judged on its own"
        name, version = pinned
        if self._index_down is not None:
            return None, self._index_down
        try:
            previous = self.client().previous_release_file(name, filename, version)
        except ProjectNotFound:
            return None, f"{name} is not on the index: no history, judged on its own"
        except IndexProblem as exc:
            # Once the index cannot be reached, a directory of artifacts must not wait on it for each one.
            self._index_down = f"{_UNAVAILABLE} ({exc}); judged on its own"
            return None, self._index_down
        if previous is None:
            return None, f"no earlier release of {name} on the index: first release, judged on its own"
        return previous, None

    def _resolve(self, target: Target) -> IndexFile:
        assert target.pin is not None
        name, version = target.pin
        return self.client().resolve(f"{name}=={version}")

    def _fetch(self, target: Target, leases: ExitStack) -> Path:
        return self._download(self._resolve(target), leases)


ESTABLISHED_AFTER = timedelta(days=30)
"""A predecessor public this long is the project's baseline in a diff: its findings are not news."""


def is_established(file: IndexFile, now: datetime | None = None) -> bool:
    """Whether `file` was uploaded at least ESTABLISHED_AFTER ago (unknown upload time: no)."""
    uploaded = upload_datetime(file.upload_time)
    return uploaded is not None and (now or datetime.now(UTC)) - uploaded >= ESTABLISHED_AFTER


def with_signals_for_name(result: ScanResult, advisories: AdvisoryStore) -> ScanResult:
    """`result` with a critical finding when an imported advisory names its project and version."""
    if not result.name or not result.version:
        return result
    named = advisories.lookup(result.name, result.version)
    return with_signals(result, [known_malicious(named, result.filename)]) if named else result


def with_signals(result: ScanResult, findings: list[Finding]) -> ScanResult:
    """`result` with findings about the release that are not in its files (provenance, advisories),
    its verdict decided again. In a diff, what the previous release had too still does not count."""
    if not findings:
        return result
    result.findings = tidy([*result.findings, *findings])
    previous = result.previous
    counted = [f for f in result.findings if previous is None or previous.counts(f)]
    result.verdict, result.score = decide(counted)
    return result


def _size_of(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _name_and_version(filename: str) -> tuple[str, Version] | None:
    try:
        if filename.endswith(".whl"):
            name, version, _build, _tags = parse_wheel_filename(filename)
        else:
            name, version = parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return str(name), version


def _error_result(target: Target, reason: str) -> ScanResult:
    name, version = target.pin if target.pin else (None, None)
    return ScanResult(
        target.text, target.path.name if target.path else "", name, version, None, Verdict.ERROR, 0, [], reason
    )


def _error_result_for_file(path: Path, label: str, reason: str) -> ScanResult:
    return ScanResult(label, path.name, None, None, None, Verdict.ERROR, 0, [], reason)
