"""Cache control: where the cache lives (--cache-dir, INTERLOCK_CACHE_DIR), the size cap on downloaded
artifacts with least-recently-used eviction that never removes a file in use, `interlock cache
info|prune`, and `error` verdicts never served from the cache. Real files, a real index on loopback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from interlock.artifact.limits import Limits
from interlock.demo.wheel import wheel_bytes, wheel_filename
from interlock.index.cache_location import CACHE_DIR_ENV, CacheLayout
from interlock.model.verdict import Verdict
from interlock.scanner import Scanner, ScanOptions
from interlock.store.artifacts import ArtifactCache, parse_size
from interlock.targets import expand
from tests.conftest import run
from tests.fake_index import FakeIndex

CLEAN = {"acme_tool/__init__.py": "def greet(name):\n    return f'hello {name}'\n"}


def serve(index: FakeIndex, project: str = "acme-tool", versions: tuple[str, ...] = ("1.0", "1.1", "1.2")) -> None:
    """`project` at each version on the loopback index, each wheel with 64 KiB of data of its own."""
    index.json_project(
        project,
        {
            wheel_filename(project, version): wheel_bytes(
                project, version, {**CLEAN, "acme_tool/blob.bin": os.urandom(64 * 1024)}
            )
            for version in versions
        },
    )


def files_under(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file()) if directory.exists() else []


def artifact_names(root: Path) -> set[str]:
    return {path.name for path in files_under(root / "artifacts") if path.suffix == ".whl"}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path) -> list[Path]:
    """HOME and every XDG directory in temporary places: where nothing may be written."""
    places = [tmp_path / "home", isolated_cache]
    monkeypatch.setenv("HOME", str(places[0]))
    for variable in ("XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        places.append(tmp_path / variable.lower())
        monkeypatch.setenv(variable, str(places[-1]))
    monkeypatch.delenv(CACHE_DIR_ENV, raising=False)
    for place in places:
        place.mkdir(parents=True, exist_ok=True)
    return places


# -- where -------------------------------------------------------------------------------------


def test_a_scan_with_cache_dir_writes_only_under_it(
    index: FakeIndex,
    tmp_path: Path,
    home: list[Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve(index)
    monkeypatch.delenv("INTERLOCK_NO_HISTORY")  # history too: the previous release is downloaded as well
    cache = tmp_path / "chosen"
    status, out, _err = run(capsys, "scan", "acme-tool==1.2", "--index-url", index.simple, "--cache-dir", str(cache))
    assert status == 0, out
    assert "CLEAN" in out
    for place in home:
        assert files_under(place) == [], place
    layout = CacheLayout(cache)
    assert artifact_names(cache) == {"acme_tool-1.1-py3-none-any.whl", "acme_tool-1.2-py3-none-any.whl"}
    assert layout.results.is_file() and layout.artifact_index.is_file() and files_under(layout.http)


def test_the_environment_variable_moves_the_cache_and_the_flag_wins_over_it(
    index: FakeIndex,
    tmp_path: Path,
    home: list[Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve(index)
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "from-env"))
    assert run(capsys, "scan", "acme-tool==1.0", "--index-url", index.simple)[0] == 0
    assert artifact_names(tmp_path / "from-env") == {"acme_tool-1.0-py3-none-any.whl"}
    assert (
        run(capsys, "scan", "acme-tool==1.1", "--index-url", index.simple, "--cache-dir", str(tmp_path / "flag"))[0]
        == 0
    )
    assert artifact_names(tmp_path / "flag") == {"acme_tool-1.1-py3-none-any.whl"}
    assert artifact_names(tmp_path / "from-env") == {"acme_tool-1.0-py3-none-any.whl"}
    for place in home:
        assert files_under(place) == [], place


# -- sizes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [("5GB", 5 * 10**9), ("500 MB", 500 * 10**6), ("1.5GiB", 3 * 2**29), ("0", 0), ("1048576", 2**20), ("2kb", 2000)],
)
def test_sizes_are_read_in_the_units_given(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "five", "5 GBs", "-1GB", "1e9"])
def test_a_size_that_is_not_one_is_a_usage_error(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(text)
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "scan", "x==1", "--cache-max-size", text)
    assert exit_info.value.code == 2


def test_a_bad_size_in_the_environment_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INTERLOCK_CACHE_MAX_SIZE", "lots")
    status, _out, err = run(capsys, "scan", "x==1", "--cache-dir", str(tmp_path))
    assert status == 2
    assert err.strip().splitlines() == [
        "interlock: error: INTERLOCK_CACHE_MAX_SIZE: 'lots' is not a size (examples: 5GB, 500MB, 2GiB, 0)"
    ]


# -- least recently used -----------------------------------------------------------------------


def put(root: Path, digest_char: str, size: int) -> Path:
    """A file where the index client keeps an artifact, `size` bytes."""
    digest = digest_char * 64
    path = root / digest[:2] / digest / f"pkg_{digest_char}-1.0-py3-none-any.whl"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x" * size)
    return path


@pytest.fixture
def store(tmp_path: Path) -> ArtifactCache:
    with ArtifactCache(tmp_path / "artifacts", tmp_path / "artifacts.sqlite3", max_bytes=2500) as opened:
        yield opened


def test_the_least_recently_used_go_first(store: ArtifactCache) -> None:
    a, b, c = (put(store.directory, char, 1000) for char in "abc")
    for path in (b, a, c):  # a judgement used b, then a, then c
        store.used(path)
    evicted = store.evict()
    assert (evicted.files, evicted.bytes) == (1, 1000)
    assert not b.exists() and not b.parent.exists() and a.exists() and c.exists()
    store.used(a)  # a is now more recent than c
    assert store.evict(1000).files == 1
    assert a.exists() and not c.exists()


def test_use_is_the_caches_own_record_not_the_file_systems(store: ArtifactCache) -> None:
    a, b = put(store.directory, "a", 1500), put(store.directory, "b", 1500)
    store.used(a)
    store.used(b)
    os.utime(a, (4_000_000_000, 4_000_000_000))  # reading or touching a file does not make it recent
    store.evict()
    assert not a.exists() and b.exists()


def test_a_file_in_use_is_never_evicted_here_or_by_another_process(store: ArtifactCache, tmp_path: Path) -> None:
    a, b, c = (put(store.directory, char, 1000) for char in "abc")
    for path in (a, b, c):
        store.used(path)
    with store.lease("a" * 64):
        evicted = store.evict(0)
        assert a.exists() and not b.exists() and not c.exists()
        assert evicted.kept_in_use == 1
    # Another process (a child of this one, alive) holds a lease on d; a dead one held one on e.
    d, e = put(store.directory, "d", 1000), put(store.directory, "e", 1000)
    store.used(d)
    store.used(e)
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    with sqlite3.connect(tmp_path / "artifacts.sqlite3") as connection:
        connection.execute("INSERT INTO leases (sha256, pid) VALUES (?, ?)", ("d" * 64, child.pid))
        connection.execute("INSERT INTO leases (sha256, pid) VALUES (?, ?)", ("e" * 64, int(dead.stdout)))
    try:
        store.evict(0)
        assert d.exists() and not e.exists() and not a.exists()
    finally:
        child.communicate(b"")
    store.evict(0)
    assert not d.exists()


def test_files_an_older_interlock_left_are_counted_and_evicted(store: ArtifactCache) -> None:
    old = put(store.directory, "a", 2000)
    os.utime(old, (1_000_000_000, 1_000_000_000))
    new = put(store.directory, "b", 2000)
    store.used(new)
    store.evict()
    assert not old.exists() and new.exists()


def test_the_scanner_evicts_after_each_judgement_what_the_cap_leaves_out(index: FakeIndex, tmp_path: Path) -> None:
    serve(index)
    scanner = Scanner(ScanOptions(index_url=index.simple, cache_dir=tmp_path, cache_max_bytes=100 * 1024, history=True))
    results = [scanner.scan(target) for target in expand(["acme-tool==1.1", "acme-tool==1.2"])]
    # Each judgement read two releases (the previous one for history) over a cap that holds one: both
    # were there while it ran, since it was judged against its predecessor.
    assert [r.verdict for r in results] == [Verdict.CLEAN, Verdict.CLEAN]
    assert all(r.history_note is None for r in results), [r.history_note for r in results]
    assert artifact_names(tmp_path) == {"acme_tool-1.2-py3-none-any.whl"}


def test_with_a_cap_of_nothing_the_judgement_still_has_its_files_and_the_cache_ends_empty(
    index: FakeIndex, tmp_path: Path
) -> None:
    serve(index)
    scanner = Scanner(ScanOptions(index_url=index.simple, cache_dir=tmp_path, cache_max_bytes=0, history=True))
    (result,) = [scanner.scan(target) for target in expand(["acme-tool==1.2"])]
    assert result.verdict is Verdict.CLEAN and result.history_note is None
    assert artifact_names(tmp_path) == set()


# -- interlock cache info | prune -----------------------------------------------------------------


def test_cache_info_and_prune(index: FakeIndex, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    serve(index)
    cache = str(tmp_path / "c")
    for version in ("1.0", "1.1", "1.2"):
        assert run(capsys, "scan", f"acme-tool=={version}", "--index-url", index.simple, "--cache-dir", cache)[0] == 0
    status, out, _ = run(capsys, "cache", "info", "--cache-dir", cache)
    assert status == 0
    assert out.splitlines()[0] == f"cache: {cache}"
    assert any(line.split()[:3] == ["artifacts", "3", "files"] for line in out.splitlines()), out
    assert any(line.split()[:4] == ["scan", "results", "3", "entries"] for line in out.splitlines()), out
    info = json.loads(run(capsys, "cache", "info", "--cache-dir", cache, "--format", "json")[1])
    parts = {part["kind"]: part for part in info["parts"]}
    assert parts["artifacts"]["entries"] == 3 and parts["artifacts"]["bytes"] > 3 * 64 * 1024
    assert info["total_bytes"] == sum(part["bytes"] for part in info["parts"])

    status, out, _ = run(capsys, "cache", "prune", "--cache-dir", cache, "--max-size", "70kB")
    assert status == 0 and out.startswith("evicted 2 artifact(s)")
    assert artifact_names(Path(cache)) == {"acme_tool-1.2-py3-none-any.whl"}  # the one used last stays

    status, out, _ = run(capsys, "cache", "prune", "--cache-dir", cache, "--all")
    assert status == 0 and "removed the scan results" in out
    assert artifact_names(Path(cache)) == set()
    assert not CacheLayout(Path(cache)).results.exists()
    again = json.loads(run(capsys, "cache", "info", "--cache-dir", cache, "-f", "json")[1])
    assert {part["kind"]: part["entries"] for part in again["parts"]}["scan results"] == 0


def test_cache_info_on_a_cache_that_does_not_exist_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "cache", "info", "--cache-dir", str(tmp_path / "none"))
    assert status == 0 and "0 bytes" in out.splitlines()[-1]
    assert not (tmp_path / "none").exists()


def test_prune_with_both_a_size_and_all_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "cache", "prune", "--cache-dir", str(tmp_path), "--all", "--max-size", "1GB")
    assert status == 2 and err.startswith("interlock: error:")


# -- errors are retried --------------------------------------------------------------------------


def test_an_error_verdict_is_not_served_from_the_cache_the_next_scan_judges_again(tmp_path: Path) -> None:
    artifact = tmp_path / wheel_filename("acme-tool", "1.0")
    artifact.write_bytes(wheel_bytes("acme-tool", "1.0", CLEAN))
    cache_dir = tmp_path / "cache"
    hurried = Scanner(ScanOptions(cache_dir=cache_dir, limits=Limits(max_seconds=-1, seconds_per_source_mib=0)))
    failed = hurried.scan_file(artifact, "first")
    assert failed.verdict is Verdict.ERROR and "analysis took longer than -1 s" in (failed.error or "")
    patient = Scanner(ScanOptions(cache_dir=cache_dir))
    second = patient.scan_file(artifact, "second")
    assert (second.verdict, second.cached) == (Verdict.CLEAN, False)
    third = patient.scan_file(artifact, "third")
    assert (third.verdict, third.cached) == (Verdict.CLEAN, True)


@pytest.mark.e2e
def test_the_gate_keeps_its_caches_under_cache_dir_and_what_it_judged_until_installed(
    index: FakeIndex, tmp_path: Path, home: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.gate_packages import projects

    index.json_project("acme-clock", projects()["acme-clock"])
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    cache = tmp_path / "chosen"
    # A cap of nothing: every download is over it, yet the installer must still get what was judged.
    status, out, err = run(
        capsys,
        "install",
        "--python",
        str(venv),
        "--cache-dir",
        str(cache),
        "--cache-max-size",
        "0",
        "--",
        "-i",
        index.simple,
        "acme-clock==1.0.0",
    )
    assert status == 0, out + err
    assert list(venv.glob("lib/python*/site-packages/acme_clock-1.0.0.dist-info"))
    assert artifact_names(cache) == {"acme_clock-1.0.0-py3-none-any.whl"}
    # pip itself may leave a file in HOME (its user agent asks `rustc --version`, and a rustup proxy
    # on PATH writes its settings): nothing of Interlock's may be anywhere but under the cache dir.
    for place in home:
        assert [path for path in files_under(place) if ".rustup" not in path.parts] == [], place
