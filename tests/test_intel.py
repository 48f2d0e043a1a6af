"""Known-malicious advisories: OSV records imported into a real store, and scans that cite them."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from interlock.demo import build_demo_releases
from interlock.intel.osv import Advisory, Skipped, read_records
from interlock.store.advisories import AdvisoryStore
from tests.conftest import corpus_or_skip, run


def record(identifier: str = "MAL-2026-1", name: str = "acme-greeter", **affected: object) -> dict[str, object]:
    return {
        "id": identifier,
        "modified": "2026-03-24T11:00:00Z",
        "summary": f"Malicious code in {name} (PyPI)",
        "affected": [{"package": {"ecosystem": "PyPI", "name": name}, **affected}],
    }


def write(directory: Path, *records: object) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for index, item in enumerate(records):
        (directory / f"r{index}.json").write_text(item if isinstance(item, str) else json.dumps(item))
    return directory


def test_the_real_litellm_record_names_the_two_trojaned_releases(tmp_path: Path) -> None:
    source = corpus_or_skip("osv")
    store = AdvisoryStore(tmp_path / "a.sqlite3")
    store.add(item for item in read_records(source) if isinstance(item, Advisory))
    assert [a.id for a in store.lookup("litellm", "1.82.8")] == ["MAL-2026-2144"]
    assert [a.id for a in store.lookup("LiteLLM", "1.82.7")] == ["MAL-2026-2144"]
    assert store.lookup("litellm", "1.82.6") == []


@pytest.mark.parametrize(
    ("affected", "hits", "misses"),
    [
        ({}, ["0.1", "9.9"], []),  # no versions, no ranges: the whole project (the usual MAL- shape)
        ({"versions": ["1.0.1"]}, ["1.0.1", "1.0.1.0"], ["1.0.0", "1.0.2"]),
        ({"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}, ["0.0.1", "5.0"], []),
        (
            {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.2"}, {"fixed": "1.4"}]}]},
            ["1.2", "1.3.9"],
            ["1.1", "1.4"],
        ),
        (
            {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"last_affected": "2.1"}]}]},
            ["2.0", "2.1"],
            ["2.1.1"],
        ),
    ],
)
def test_versions_and_ranges(tmp_path: Path, affected: dict[str, object], hits: list[str], misses: list[str]) -> None:
    store = AdvisoryStore(tmp_path / "a.sqlite3")
    store.add(item for item in read_records(write(tmp_path / "osv", record(**affected))) if isinstance(item, Advisory))
    assert all(store.lookup("acme-greeter", version) for version in hits)
    assert not any(store.lookup("acme-greeter", version) for version in misses)


def test_broken_foreign_and_withdrawn_records_are_skipped_not_fatal(tmp_path: Path) -> None:
    records = [
        "{not json",
        {"no": "id"},
        {"id": "GHSA-x", "affected": [{"package": {"ecosystem": "npm", "name": "acme"}}]},
        {**record("MAL-2026-9"), "withdrawn": "2026-04-01T00:00:00Z"},
        record("MAL-2026-2"),
        "[" * 100_000,
    ]
    items = list(read_records(write(tmp_path / "osv", *records)))
    assert [a.id for a in items if isinstance(a, Advisory)] == ["MAL-2026-2"]
    assert len([s for s in items if isinstance(s, Skipped)]) == 3  # bad JSON, no id, too deeply nested


def test_a_zip_is_read_in_memory_and_its_names_are_never_paths(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("../../escape.json", json.dumps(record("MAL-2026-3")))
        archive.writestr("big.json", b" " * (5 * 1024 * 1024))  # over the cap, and highly compressible
    path = tmp_path / "osv.zip"
    path.write_bytes(buffer.getvalue())
    items = list(read_records(path))
    assert [a.id for a in items if isinstance(a, Advisory)] == ["MAL-2026-3"]
    assert [s.reason for s in items if isinstance(s, Skipped)] == ["larger than 4096 KiB"]
    assert not (tmp_path.parent / "escape.json").exists()


def test_reimporting_keeps_the_newer_copy(tmp_path: Path) -> None:
    store = AdvisoryStore(tmp_path / "a.sqlite3")
    newer = Advisory("MAL-1", "2026-05-01", "newer", "acme", ("1.0",), ())
    assert store.add([newer]).stored == 1
    assert store.add([Advisory("MAL-1", "2026-01-01", "older", "acme", ("1.0",), ())]).stored == 0
    assert [a.summary for a in store.lookup("acme")] == ["newer"]


def test_a_scan_of_a_named_release_is_malicious_citing_the_advisory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, _trojaned = build_demo_releases(tmp_path / "demo")
    osv = write(tmp_path / "osv", record("MAL-2026-7", versions=["1.0.0"]))
    status, out, _ = run(capsys, "intel", "update", "--from", str(osv))
    assert status == 0 and "1 PyPI advisories read: 1 stored" in out
    status, out, _ = run(capsys, "scan", "--format", "json", str(genuine))
    result = json.loads(out)["results"][0]
    assert status == 1 and result["verdict"] == "malicious"
    assert result["findings"][0]["rule"] == "known-malicious" and "MAL-2026-7" in result["findings"][0]["message"]
    status, out, _ = run(capsys, "intel", "show", "acme-greeter")
    assert status == 1 and out.startswith("MAL-2026-7")


def test_a_release_no_advisory_names_is_judged_as_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    genuine, _ = build_demo_releases(tmp_path / "demo")
    run(capsys, "intel", "update", "--from", str(write(tmp_path / "osv", record("MAL-2026-8", versions=["0.9"]))))
    status, out, _ = run(capsys, "scan", "--format", "json", str(genuine))
    result = json.loads(out)["results"][0]
    assert (
        status == 0
        and result["verdict"] == "clean"
        and "known-malicious" not in [f["rule"] for f in result["findings"]]
    )


def test_update_from_a_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "intel", "update", "--from", str(tmp_path / "nothing"))
    assert status == 2 and err.startswith("interlock: error: --from:") and "Traceback" not in err
