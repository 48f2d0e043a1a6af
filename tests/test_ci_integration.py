"""The repository's pre-commit hook and GitHub Action: their definitions validated, their commands run."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_manifest

from interlock.demo import build_demo_releases

ROOT = Path(__file__).resolve().parent.parent
INTERLOCK = shutil.which("interlock", path=str(Path(sys.executable).parent)) or "interlock"


def test_the_pre_commit_hook_definition_is_valid_and_picks_lockfiles() -> None:
    (hook,) = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "interlock-audit" and hook["entry"] == "interlock audit"
    files = re.compile(hook["files"])
    for name in (
        "requirements.txt",
        "requirements-dev.txt",
        "sub/uv.lock",
        "poetry.lock",
        "pylock.toml",
        "pylock.ci.toml",
        "Pipfile.lock",
    ):
        assert files.search(name), name
    for name in ("setup.py", "requirements.in", "uv.lock.bak", "README.md"):
        assert not files.search(name), name


def _audit_step() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    (step,) = [step for step in action["runs"]["steps"] if step["name"] == "Audit"]
    return step["run"]


def _run_action(tmp_path: Path, index_url: str, lockfile: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(INTERLOCK).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PIP_INDEX_URL": index_url,
        "LOCKFILES": str(lockfile),
        "FAIL_ON": "suspicious",
        "SARIF": str(tmp_path / "interlock.sarif"),
    }
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", _audit_step()],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.e2e
def test_the_action_blocks_a_trojaned_pin_and_writes_sarif(served_demo: str, tmp_path: Path) -> None:
    _, trojaned = build_demo_releases(tmp_path / "local")
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"acme-greeter==1.0.1 --hash=sha256:{hashlib.sha256(trojaned.read_bytes()).hexdigest()}\n")
    run = _run_action(tmp_path, served_demo, lock)
    assert run.returncode == 1, run.stderr
    assert "MALICIOUS" in run.stdout and "acme_greeter_init.pth" in run.stdout
    assert '"ruleId"' in (tmp_path / "interlock.sarif").read_text()


@pytest.mark.e2e
def test_the_action_passes_a_genuine_pin(served_demo: str, tmp_path: Path) -> None:
    genuine, _ = build_demo_releases(tmp_path / "local")
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"acme-greeter==1.0.0 --hash=sha256:{hashlib.sha256(genuine.read_bytes()).hexdigest()}\n")
    run = _run_action(tmp_path, served_demo, lock)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("CLEAN")


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash, as the action does")
def test_the_hook_entry_runs_on_the_files_pre_commit_passes(served_demo: str, tmp_path: Path) -> None:
    (hook,) = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    genuine, _ = build_demo_releases(tmp_path / "local")
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"acme-greeter==1.0.0 --hash=sha256:{hashlib.sha256(genuine.read_bytes()).hexdigest()}\n")
    command = [INTERLOCK, *hook["entry"].split()[1:], *hook["args"], str(lock)]
    env = {**os.environ, "PIP_INDEX_URL": served_demo}
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
