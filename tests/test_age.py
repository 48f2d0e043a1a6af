"""Release age: a cooldown (`--min-age`, or the policy's `cooldown`) holds back releases the index
says are too new — a decision of its own (`too-new`), not a verdict on the code."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interlock.cli import main
from interlock.demo import build_demo_releases
from tests.fake_index import FakeIndex


def _uploaded(ago: timedelta) -> str:
    return (datetime.now(UTC) - ago).strftime("%Y-%m-%dT%H:%M:%SZ")


def _scan_json(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, dict[str, object]]:
    status = main(["scan", "--format", "json", *arguments])
    return status, json.loads(capsys.readouterr().out)["results"][0]


@pytest.fixture
def fresh_release(index: FakeIndex, tmp_path: Path) -> str:
    """The index URL serving the genuine demo release, uploaded 30 minutes ago."""
    genuine, _ = build_demo_releases(tmp_path / "built")
    index.json_project(
        "acme-greeter",
        {genuine.name: genuine.read_bytes()},
        **{genuine.name: {"upload-time": _uploaded(timedelta(minutes=30))}},
    )
    return index.simple


def test_a_release_within_the_cooldown_is_too_new_not_suspicious(
    fresh_release: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, result = _scan_json(capsys, "--min-age", "1d", "--index-url", fresh_release, "acme-greeter==1.0.0")
    assert status == 1
    assert result["verdict"] == "clean" and result["findings"] == []  # the code is not the problem
    policy = result["policy"]
    assert policy["status"] == "too-new"  # type: ignore[index]
    [reason] = policy["reasons"]  # type: ignore[index]
    assert reason["code"] == "too-new" and reason["blocks"] is True
    assert (
        "uploaded 30m ago" in reason["message"]
        and "cooldown 1d" in reason["message"]
        and "passes after" in reason["message"]
    )


def test_a_release_past_the_cooldown_passes(fresh_release: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, result = _scan_json(capsys, "--min-age", "10m", "--index-url", fresh_release, "acme-greeter==1.0.0")
    assert status == 0 and result["policy"] == {
        "status": "pass",
        "verdict": "clean",
        "reasons": [],
        "age_seconds": pytest.approx(1800, abs=120),
    }


def test_the_policy_file_cooldown_and_its_exceptions_apply(
    fresh_release: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "interlock.toml"
    policy.write_text('cooldown = "3d"\n')
    status, result = _scan_json(capsys, "--policy", str(policy), "--index-url", fresh_release, "acme-greeter==1.0.0")
    assert status == 1 and result["policy"]["status"] == "too-new"  # type: ignore[index]
    policy.write_text('cooldown = "3d"\n\n[cooldown-exceptions]\nacme-greeter = "0"\n')
    status, result = _scan_json(capsys, "--policy", str(policy), "--index-url", fresh_release, "acme-greeter==1.0.0")
    assert status == 0 and result["policy"]["status"] == "pass"  # type: ignore[index]


def test_min_age_overrides_the_policy_cooldown(
    fresh_release: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "interlock.toml"
    policy.write_text('cooldown = "3d"\n')
    status, result = _scan_json(
        capsys, "--policy", str(policy), "--min-age", "10m", "--index-url", fresh_release, "acme-greeter==1.0.0"
    )
    assert status == 0 and result["policy"]["status"] == "pass"  # type: ignore[index]


def test_an_index_that_gives_no_upload_time_fails_the_cooldown_closed(
    index: FakeIndex, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, _ = build_demo_releases(tmp_path)
    index.html_project("acme-greeter", {genuine.name: genuine.read_bytes()})  # PEP 503 HTML: no upload times
    status, result = _scan_json(capsys, "--min-age", "1d", "--index-url", index.simple, "acme-greeter==1.0.0")
    assert status == 1 and result["policy"]["status"] == "block"  # type: ignore[index]
    [reason] = result["policy"]["reasons"]  # type: ignore[index]
    assert reason["code"] == "cooldown-unchecked" and reason["blocks"] is True and "no upload time" in reason["message"]


def test_a_local_file_has_no_age_to_check_and_is_not_held_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, _ = build_demo_releases(tmp_path)
    status, result = _scan_json(capsys, "--min-age", "1d", str(genuine))
    assert status == 0 and result["policy"]["status"] == "pass"  # type: ignore[index]
    [reason] = result["policy"]["reasons"]  # type: ignore[index]
    assert reason["code"] == "cooldown-unchecked" and reason["blocks"] is False


def test_the_text_report_says_too_new_and_when_it_passes(
    fresh_release: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["scan", "--min-age", "1d", "--index-url", fresh_release, "acme-greeter==1.0.0"])
    out = capsys.readouterr().out
    assert status == 1
    assert "TOO NEW" in out and "passes after" in out


def test_a_bad_duration_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", "--min-age", "soon", "x==1.0"])
    assert exit_info.value.code == 2 and "duration" in capsys.readouterr().err
