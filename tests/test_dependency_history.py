"""A dependency named one letter from a popular project is judged by its own history on the index:
years of releases make it a neighbour (no finding); a days-old project is the imitation it looks like."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interlock.cli import main
from interlock.demo.wheel import wheel_bytes, wheel_filename
from tests.fake_index import FakeIndex

# `reqeusts` swaps two letters of `requests`: a lookalike strong enough to accuse a dependency.
LOOKALIKE = "reqeusts"


def _uploaded(ago: timedelta) -> str:
    return (datetime.now(UTC) - ago).strftime("%Y-%m-%dT%H:%M:%SZ")


def _serve(index: FakeIndex, lookalike_ages: list[timedelta]) -> None:
    """acme-app 1.0 depending on the lookalike, and the lookalike's releases, uploaded that long ago."""
    app = wheel_filename("acme-app", "1.0")
    index.json_project(
        "acme-app",
        {app: wheel_bytes("acme-app", "1.0", {"acme_app/__init__.py": "X = 1\n"}, requires=(f"{LOOKALIKE}>=1",))},
        **{app: {"upload-time": _uploaded(timedelta(days=90))}},
    )
    releases = {f"{LOOKALIKE}-{n}.0.tar.gz": f"release {n}".encode() for n in range(1, len(lookalike_ages) + 1)}
    ages = dict(zip(releases, lookalike_ages, strict=True))
    index.json_project(LOOKALIKE, releases, **{name: {"upload-time": _uploaded(age)} for name, age in ages.items()})


def _scan(index: FakeIndex, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    main(["scan", "--format", "json", "--no-cache", "--index-url", index.simple, "acme-app==1.0"])
    return json.loads(capsys.readouterr().out)["results"][0]


def test_a_lookalike_with_years_of_releases_is_a_neighbour_not_a_squat(
    index: FakeIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(index, [timedelta(days=days) for days in (1500, 900, 400, 30)])
    result = _scan(index, capsys)
    assert "typosquat-dependency" not in {f["rule"] for f in result["findings"]}  # type: ignore[index]
    assert result["verdict"] == "clean"


def test_a_days_old_lookalike_stays_a_suspected_squat(index: FakeIndex, capsys: pytest.CaptureFixture[str]) -> None:
    _serve(index, [timedelta(days=3), timedelta(days=1)])
    result = _scan(index, capsys)
    assert "typosquat-dependency" in {f["rule"] for f in result["findings"]}  # type: ignore[index]
    assert result["verdict"] == "suspicious"


def test_without_an_index_a_local_file_keeps_the_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / wheel_filename("acme-app", "1.0")
    path.write_bytes(wheel_bytes("acme-app", "1.0", {"acme_app/__init__.py": "X = 1\n"}, requires=(f"{LOOKALIKE}>=1",)))
    main(["scan", "--format", "json", "--no-cache", "--no-history", str(path)])
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert "typosquat-dependency" in {f["rule"] for f in result["findings"]}
