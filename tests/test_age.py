"""Release age: a cooldown (`--min-age`) holds back releases the index says are too new."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from interlock.analysis.rules.age import parse_duration, too_new
from interlock.cli import main
from interlock.demo import build_demo_releases

NOW = datetime(2026, 3, 24, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("text", "expected"), [("3d", timedelta(days=3)), ("12h", timedelta(hours=12)), ("90m", timedelta(minutes=90)), ("2w", timedelta(weeks=2)), (" 1.5D ", timedelta(hours=36))])
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "3", "three days", "3y", "-1d", "1d2h"])
def test_bad_durations_name_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(text)


def test_a_release_within_the_cooldown_is_too_new_and_one_past_it_is_not() -> None:
    finding = too_new("2026-03-24T11:20:00Z", timedelta(days=1), "litellm-1.82.8-py3-none-any.whl", NOW)
    assert finding is not None and finding.rule == "too-new" and "40 minutes ago" in finding.message
    assert too_new("2026-03-23T11:59:00Z", timedelta(days=1), "x.whl", NOW) is None
    assert too_new("2026-03-23T12:00:00+00:00", timedelta(days=1), "x.whl", NOW) is None  # exactly the cooldown: old enough


def test_no_or_unreadable_upload_time_cannot_pass_a_cooldown() -> None:
    assert "no upload time" in too_new(None, timedelta(days=1), "x.whl", NOW).message  # type: ignore[union-attr]
    assert "unreadable" in too_new("yesterday", timedelta(days=1), "x.whl", NOW).message  # type: ignore[union-attr]
    assert too_new(None, timedelta(0), "x.whl", NOW) is None  # no cooldown asked for


def test_scan_with_a_cooldown_holds_back_a_fresh_release(index, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    genuine, _ = build_demo_releases(tmp_path)
    fresh = (datetime.now(timezone.utc) - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    index.json_project("acme-greeter", {genuine.name: genuine.read_bytes()}, **{genuine.name: {"upload-time": fresh}})
    status, out = main(["scan", "--min-age", "1d", "--index-url", index.simple, "--format", "json", "acme-greeter==1.0.0"]), capsys.readouterr().out
    result = json.loads(out)["results"][0]
    assert status == 1 and result["verdict"] == "suspicious" and [f["rule"] for f in result["findings"]] == ["too-new"]
    status, out = main(["scan", "--min-age", "10m", "--index-url", index.simple, "--format", "json", "acme-greeter==1.0.0"]), capsys.readouterr().out
    assert status == 0 and json.loads(out)["results"][0]["findings"] == []


def test_a_bad_duration_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", "--min-age", "soon", "x==1.0"])
    assert exit_info.value.code == 2 and "expected a duration" in capsys.readouterr().err
