"""`interlock explain`: every signal about one release and how the policy weighed it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interlock.cli import main
from interlock.demo import build_demo_releases
from interlock.demo.wheel import wheel_bytes, wheel_filename
from tests.fake_index import FakeIndex

GREETER = {"greeter/__init__.py": "def greet(name):\n    return f'hello {name}'\n"}


def _ago(delta: timedelta) -> str:
    return (datetime.now(UTC) - delta).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def releases(index: FakeIndex) -> str:
    """greeter 1.0 (30 days old), 1.1 (5 days old) and 1.2 (one hour old), all genuine."""
    ages = {"1.0": timedelta(days=30), "1.1": timedelta(days=5), "1.2": timedelta(hours=1)}
    files = {wheel_filename("greeter", v): wheel_bytes("greeter", v, GREETER) for v in ages}
    index.json_project(
        "greeter", files, **{wheel_filename("greeter", v): {"upload-time": _ago(age)} for v, age in ages.items()}
    )
    return index.simple


def test_a_too_new_release_is_explained_with_the_newest_version_old_enough(
    releases: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("INTERLOCK_NO_HISTORY")  # explain compares with the previous release by default
    status = main(["explain", "--min-age", "3d", "--index-url", releases, "greeter==1.2"])
    out = capsys.readouterr().out
    assert status == 1
    assert "uploaded    " in out and "1h ago" in out
    assert "provenance  none" in out
    assert "compared with greeter==1.1" in out
    assert "analysis    CLEAN" in out
    assert "✗ too new (uploaded 1h ago, cooldown 3d)" in out
    assert "decision    TOO-NEW" in out
    assert "newest version old enough: 1.1" in out


def test_a_release_that_passes_says_nothing_stands_in_the_way(
    releases: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["explain", "--index-url", releases, "greeter==1.1"])
    out = capsys.readouterr().out
    assert status == 0 and "nothing in the policy stands in the way" in out and "decision    PASS" in out


def test_every_reason_the_policy_weighed_is_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, trojaned = build_demo_releases(tmp_path)
    policy = tmp_path / "interlock.toml"
    policy.write_text(
        '[[allow]]\npackage = "acme-greeter"\nreason = "reviewed in SEC-1"\nexpires = 2020-01-01\n\n'
        '[[deny]]\npackage = "acme-greeter"\nversion = "==1.0.1"\nreason = "trojaned release"\n'
    )
    status = main(["explain", "--policy", str(policy), str(trojaned)])
    out = capsys.readouterr().out
    assert status == 1
    assert "analysis    MALICIOUS" in out and "credential-exfiltration" in out
    assert "✗ on the deny list (interlock.toml:6): trojaned release" in out
    assert "· allow entry for acme-greeter (interlock.toml:1) expired on 2020-01-01: not applied" in out
    assert "decision    BLOCK" in out and "source      a local file" in out


def test_json_is_the_scan_result_with_the_decision(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    genuine, _ = build_demo_releases(tmp_path)
    assert main(["explain", "--format", "json", str(genuine)]) == 0
    [result] = json.loads(capsys.readouterr().out)["results"]
    assert result["verdict"] == "clean" and result["policy"]["status"] == "pass"


def test_explain_takes_exactly_one_release(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_demo_releases(tmp_path)
    assert main(["explain", str(tmp_path)]) == 2
    assert "names 2 artifacts" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("target", "why"),
    [("nosuchpkg==1.0", "nosuchpkg: no such project on"), ("greeter==9.9", "greeter==9.9: not on")],
)
def test_a_release_the_index_does_not_have_is_said_to_be_missing_from_the_index(
    releases: str, capsys: pytest.CaptureFixture[str], target: str, why: str
) -> None:
    status = main(["explain", "--index-url", releases, target])
    out = capsys.readouterr().out
    assert status == 3
    [source] = [line for line in out.splitlines() if line.startswith("  source")]
    assert source.startswith(f"  source      the index did not serve this release: {why}")
    assert releases in source and "local file" not in out
