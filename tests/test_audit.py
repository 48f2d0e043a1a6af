"""`interlock audit`: every artifact a lockfile pins, judged by the file its hash names, from an index on loopback."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from interlock.cli import main
from interlock.demo import build_demo_releases


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path]:
    # The same bytes as the served_demo index serves: build_demo_releases is deterministic.
    return build_demo_releases(tmp_path / "local")


def test_a_pinned_trojaned_release_is_judged_malicious_by_its_hash(served_demo: str, demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    genuine, trojaned = demo
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"acme-greeter==1.0.1 --hash=sha256:{sha256(trojaned)}\nrich>=13\n")
    status, out, _ = run(capsys, "audit", "--index-url", served_demo, "--format", "json", str(lock))
    document = json.loads(out)
    assert status == 1
    (result,) = document["results"]
    assert result["verdict"] == "malicious" and result["filename"] == trojaned.name
    assert result["findings"][0]["path"] == "acme_greeter_init.pth"
    assert [(item["requirement"], item["location"]) for item in document["unjudged"]] == [("rich>=13", f"{lock}:2")]


def test_the_genuine_pin_passes(served_demo: str, demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"acme-greeter==1.0.0 --hash=sha256:{sha256(demo[0])}\n")
    status, out, _ = run(capsys, "audit", "--index-url", served_demo, str(lock))
    assert status == 0 and out.startswith("CLEAN")


def test_a_hash_the_index_does_not_have_is_an_error_not_a_pass(served_demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"acme-greeter==1.0.0 --hash=sha256:{'0' * 64}\n")
    status, out, _ = run(capsys, "audit", "--index-url", served_demo, "--format", "json", str(lock))
    (result,) = json.loads(out)["results"]
    assert status == 3 and result["verdict"] == "error" and "hash" in result["error"]


def test_a_malformed_lockfile_is_a_line_precise_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text("rich==13.0\nacme-greeter===\n")
    status, out, err = run(capsys, "audit", str(lock))
    assert status == 2 and out == ""
    assert err.startswith(f"interlock: error: {lock}:2:") and "Traceback" not in err


def test_audit_needs_something_to_audit(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "audit")
    assert status == 2 and "LOCKFILE" in err
