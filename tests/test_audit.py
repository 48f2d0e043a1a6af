"""`interlock audit`: every artifact a lockfile pins, judged by the file its hash names, from an index on loopback."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from interlock.demo import build_demo_releases
from tests.conftest import run


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path]:
    # The same bytes as the served_demo index serves: build_demo_releases is deterministic.
    return build_demo_releases(tmp_path / "local")


def test_a_pinned_trojaned_release_is_judged_malicious_by_its_hash(
    served_demo: str, demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _genuine, trojaned = demo
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"acme-greeter==1.0.1 --hash=sha256:{sha256(trojaned)}\nrich>=13\n")
    status, out, _ = run(capsys, "audit", "--index-url", served_demo, "--format", "json", str(lock))
    document = json.loads(out)
    assert status == 1
    (result,) = document["results"]
    assert result["verdict"] == "malicious" and result["filename"] == trojaned.name
    assert result["findings"][0]["path"] == "acme_greeter_init.pth"
    assert [(item["requirement"], item["location"]) for item in document["unjudged"]] == [("rich>=13", f"{lock}:2")]


def test_the_genuine_pin_passes(
    served_demo: str, demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"acme-greeter==1.0.0 --hash=sha256:{sha256(demo[0])}\n")
    status, out, _ = run(capsys, "audit", "--index-url", served_demo, str(lock))
    assert status == 0 and out.startswith("CLEAN")


def test_a_hash_the_index_does_not_have_is_an_error_not_a_pass(
    served_demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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


def _served_packages(index, count: int) -> dict[str, str]:
    """`count` small genuine projects on the index: name → sha256 of its one wheel."""
    from interlock.demo.wheel import wheel_bytes, wheel_filename

    hashes = {}
    for number in range(count):
        name = f"pkg{number:02d}"
        data = wheel_bytes(name, "1.0", {f"{name}/__init__.py": f"VALUE = {number}\n"})
        index.json_project(name, {wheel_filename(name, "1.0"): data})
        hashes[name] = hashlib.sha256(data).hexdigest()
    return hashes


def test_many_pins_are_judged_at_once_and_reported_in_lockfile_order(
    index, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hashes = _served_packages(index, 12)
    lock = tmp_path / "requirements.txt"
    names = sorted(hashes, reverse=True)  # not alphabetical: the order must be the file's
    lock.write_text("".join(f"{name}==1.0 --hash=sha256:{hashes[name]}\n" for name in names))
    status, out, err = run(capsys, "audit", "--jobs", "4", "--index-url", index.simple, "--format", "json", str(lock))
    results = json.loads(out)["results"]
    assert status == 0 and err == ""  # no progress bar when standard error is not a terminal
    assert [r["name"] for r in results] == names and {r["sha256"] for r in results} == set(hashes.values())
    assert all(r["policy"]["status"] == "pass" for r in results)


def test_the_text_report_ends_with_a_summary_table_blocked_first(
    served_demo: str, demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, trojaned = demo
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"acme-greeter==1.0.0 --hash=sha256:{sha256(genuine)}\n")
    other = tmp_path / "requirements-next.txt"
    other.write_text(f"acme-greeter==1.0.1 --hash=sha256:{sha256(trojaned)}\n")
    status, out, _ = run(capsys, "audit", "--all", "--index-url", served_demo, str(lock), str(other))
    table = out[out.index("package ") :].splitlines()
    assert status == 1
    assert table[0].split() == ["package", "file", "verdict", "decision"]
    assert table[1].split()[:5] == ["acme-greeter", "1.0.1", trojaned.name, "malicious", "block"]
    assert table[2].split()[:5] == ["acme-greeter", "1.0.0", genuine.name, "clean", "pass"]
    assert table[3] == "2 artifacts: 1 malicious, 1 clean"


def test_a_package_the_index_does_not_have_is_an_error(
    served_demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text("no-such-project==1.0\nacme-greeter==9.9\n")
    status, out, err = run(capsys, "audit", "--index-url", served_demo, "--format", "json", str(lock))
    first, second = json.loads(out)["results"]
    assert status == 3 and "Traceback" not in err
    assert first["verdict"] == "error" and "no-such-project: no such project" in first["error"]
    assert second["verdict"] == "error" and "acme-greeter==9.9: not on the index" in second["error"]
    assert first["policy"]["status"] == "block"  # fail closed


@pytest.mark.slow
def test_an_unreachable_index_is_an_error_for_every_pin_not_a_crash(
    tmp_path: Path, unreachable_index: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text("acme-greeter==1.0.0\nrich==13.0\n")
    status, out, err = run(capsys, "audit", "--index-url", unreachable_index, "--format", "json", str(lock))
    results = json.loads(out)["results"]
    assert status == 3 and "Traceback" not in err
    assert [r["verdict"] for r in results] == ["error", "error"] and all(
        urlsplit(unreachable_index).netloc in r["error"] for r in results
    )


def test_conflicting_pins_in_one_file_are_a_line_precise_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text("six==1.16.0\nsix==1.17.0\n")
    status, out, err = run(capsys, "audit", str(lock))
    assert status == 2 and out == "" and f"{lock}:2: conflicting requirements for six" in err


def test_an_unknown_lockfile_format_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lock = tmp_path / "deps.lock.json"
    lock.write_text("{}")
    status, out, err = run(capsys, "audit", str(lock))
    assert status == 2 and out == "" and str(lock) in err and "Traceback" not in err


@pytest.mark.e2e
def test_audit_python_judges_what_another_environment_has_installed(
    served_demo: str, demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real virtualenv, the genuine release installed into it by real pip, audited by its interpreter."""
    import subprocess
    import sys

    from interlock.intel.osv import Advisory
    from interlock.store.advisories import AdvisoryStore

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--quiet",
        "--no-deps",
        "--index-url",
        served_demo,
        "acme-greeter==1.0.0",
    ]
    subprocess.run(pip, check=True, env={**os.environ, "PIP_CONFIG_FILE": os.devnull})
    status, out, _ = run(capsys, "audit", "--python", str(python), "--index-url", served_demo, "--format", "json")
    [result] = [r for r in json.loads(out)["results"] if r["name"] == "acme-greeter"]
    assert (
        status == 0
        and result["version"] == "1.0.0"
        and result["verdict"] == "clean"
        and result["sha256"] == sha256(demo[0])
    )
    AdvisoryStore().add(
        [Advisory("MAL-2026-7", "2026-03-24T12:00:00Z", "credential stealer", "acme-greeter", ("1.0.0",), ())]
    )
    status, out, _ = run(capsys, "audit", "--python", str(python), "--index-url", served_demo)
    assert status == 1 and "MAL-2026-7" in out
