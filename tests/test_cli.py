"""The `interlock` command end to end, in-process: real artifacts built by the tests, real output."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from interlock.demo import build_demo_releases
from interlock.demo.wheel import wheel_bytes, wheel_filename, write
from interlock.index.http_cache import default_http_cache_dir
from tests.conftest import run


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path]:
    genuine, trojaned = build_demo_releases(tmp_path / "demo")
    return genuine, trojaned


def test_scan_trojaned_wheel_is_malicious_and_names_the_pth(
    demo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "scan", "--format", "json", str(demo[1]))
    assert status == 1
    result = json.loads(out)["results"][0]
    assert result["verdict"] == "malicious"
    assert result["name"] == "acme-greeter" and result["version"] == "1.0.1"
    assert result["findings"][0]["path"] == "acme_greeter_init.pth"
    assert result["findings"][0]["severity"] == "critical"
    assert {"rule", "severity", "path", "line", "message", "evidence"} <= set(result["findings"][0])


def test_scan_genuine_wheel_is_clean_and_exits_zero(
    demo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "scan", "--format", "json", str(demo[0]))
    assert status == 0
    assert json.loads(out)["results"][0]["verdict"] == "clean"


def test_scan_directory_scans_every_artifact(demo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "scan", "--format", "json", str(demo[0].parent))
    verdicts = {Path(r["target"]).name: r["verdict"] for r in json.loads(out)["results"]}
    assert verdicts == {demo[0].name: "clean", demo[1].name: "malicious"}
    assert status == 1


def test_fail_on_levels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A .pth that runs harmless code is medium: below 'suspicious' the verdict is clean; a sitecustomize is high.
    suspicious = write(
        tmp_path,
        wheel_filename("custom", "1.0"),
        wheel_bytes("custom", "1.0", {"sitecustomize.py": "import sys\n", "custom/__init__.py": ""}),
    )
    assert run(capsys, "scan", "--format", "json", str(suspicious))[0] == 1
    assert run(capsys, "scan", "--fail-on", "malicious", str(suspicious))[0] == 0
    assert run(capsys, "scan", "--fail-on", "never", str(suspicious))[0] == 0


def test_text_output_shows_verdict_location_and_evidence(
    demo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "scan", str(demo[1]))
    assert "MALICIOUS" in out.upper()
    assert "acme_greeter_init.pth:1" in out
    assert "subprocess.Popen" in out


@pytest.mark.parametrize("fmt", ["sarif", "markdown"])
def test_other_formats_render(demo: tuple[Path, Path], capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    status, out, _ = run(capsys, "scan", "--format", fmt, str(demo[1]))
    assert status == 1
    if fmt == "sarif":
        assert json.loads(out)["version"] == "2.1.0"
    else:
        assert "acme_greeter_init.pth" in out


def test_output_file(demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "out.json"
    status, out, _ = run(capsys, "scan", "--format", "json", "-o", str(report), str(demo[1]))
    assert status == 1 and out == ""
    assert json.loads(report.read_text())["results"][0]["verdict"] == "malicious"


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run(capsys, "scan", str(tmp_path / "nope.whl"))
    assert status == 2
    assert "no such file" in err and "Traceback" not in err


def test_unsupported_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    status, _, err = run(capsys, "scan", str(text))
    assert status == 2 and "not a wheel" in err


def test_loose_requirement_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "scan", "requests>=2")
    assert status == 2 and "NAME==VERSION" in err


def test_corrupt_artifact_is_an_error_verdict_with_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken-1.0-py3-none-any.whl"
    broken.write_bytes(b"PK\x03\x04 this is not a zip archive at all")
    status, out, _ = run(capsys, "scan", "--format", "json", str(broken))
    assert status == 3
    result = json.loads(out)["results"][0]
    assert result["verdict"] == "error" and "corrupt" in result["error"]


def test_second_scan_is_served_from_the_cache(demo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from interlock.scanner import Scanner, ScanOptions
    from interlock.targets import expand

    scanner = Scanner(ScanOptions())
    first = scanner.scan_all(expand([str(demo[1])]))[0]
    second = Scanner(ScanOptions()).scan_all(expand([str(demo[1])]))[0]
    assert not first.cached and second.cached
    assert second.verdict == first.verdict and second.findings == first.findings


def test_rules_lists_and_explains(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules")
    assert status == 0 and "decoded-exec" in out and "startup-pth-exec" in out
    status, out, _ = run(capsys, "rules", "startup-pth-exec")
    assert status == 0 and "litellm" in out
    status, _, err = run(capsys, "rules", "pth")
    assert status == 2 and "startup-pth-exec" in err


def test_demo_builds_and_scans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--dir", str(tmp_path / "d"))
    assert status == 0
    assert "acme_greeter-1.0.0" in out and "acme_greeter-1.0.1" in out
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [
        "acme_greeter-1.0.0-py3-none-any.whl",
        "acme_greeter-1.0.1-py3-none-any.whl",
    ]


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys)
    assert status == 2 and "scan" in out and "demo" in out


# -- NAME==VERSION from an index on loopback -----------------------------------------------------


def test_scan_by_name_fetches_from_the_index_and_judges(served_demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "scan", "--index-url", served_demo, "--format", "json", "acme-greeter==1.0.1", "acme-greeter==1.0.0"
    )
    results = json.loads(out)["results"]
    assert [(r["target"], r["verdict"]) for r in results] == [
        ("acme-greeter==1.0.1", "malicious"),
        ("acme-greeter==1.0.0", "clean"),
    ]
    assert results[0]["findings"][0]["path"] == "acme_greeter_init.pth"
    assert status == 1


def test_scan_by_name_of_a_missing_version_is_an_error_verdict(
    served_demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "scan", "--index-url", served_demo, "--format", "json", "acme-greeter==9.9")
    result = json.loads(out)["results"][0]
    assert status == 3
    assert result["verdict"] == "error" and "9.9" in result["error"]


@pytest.mark.slow
def test_a_damaged_http_cache_is_passed_over_without_a_traceback(
    served_demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "scan", "--index-url", served_demo, "acme-greeter==1.0.0")[0] == 0  # fills the cache
    with sqlite3.connect(default_http_cache_dir() / "documents.sqlite") as connection:
        connection.execute("UPDATE entries SET data = x'00'")  # every stored answer undecodable
    connection.close()
    # In a process of its own: pytest's log capture would hide what a user's terminal shows.
    program = "import sys; from interlock.cli import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", program, "scan", "--index-url", served_demo, "--format", "json", "acme-greeter==1.0.0"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "CI": "1"},
    )  # fmt: skip
    assert done.returncode == 0 and json.loads(done.stdout)["results"][0]["verdict"] == "clean"
    assert "Traceback" not in done.stderr and "hishel" not in done.stderr


@pytest.mark.slow
def test_scan_by_name_with_the_index_down_is_an_error_verdict(
    unreachable_index: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "scan", "--index-url", unreachable_index, "--format", "json", "acme-greeter==1.0.1")
    assert status == 3
    assert json.loads(out)["results"][0]["verdict"] == "error"
    assert "Traceback" not in err


def test_demo_shows_the_gate_decision_and_succeeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--dir", str(tmp_path / "demo"))
    assert status == 0  # the demo ran; finding the trojan is what it is for
    table = out[out.index("package ") :].splitlines()
    assert table[1].split()[3:5] == ["malicious", "block"] and table[2].split()[3:5] == ["clean", "pass"]
    assert "nothing was installed or run" in out
