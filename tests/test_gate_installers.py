"""How long pip and uv wait for the gate: far longer than judging a file can take, whatever the
user's own settings say (the end-to-end proof is in test_gate_e2e.py)."""

from __future__ import annotations

from pathlib import Path

from interlock.artifact.limits import DEFAULT_LIMITS
from interlock.gate.arguments import split_arguments
from interlock.gate.installers import ANSWER_WAIT_SECONDS, Pip, Uv

INDEX = "http://127.0.0.1:1/simple"


def test_the_wait_covers_every_analysis_deadline_of_a_file_with_room_to_spare() -> None:
    # One file's judgement reads up to three artifacts (it, its predecessor, the sdist beside it),
    # each under the analysis deadline; downloads and the files queued ahead of it come on top.
    assert ANSWER_WAIT_SECONDS / (3 * DEFAULT_LIMITS.max_seconds) >= 10


def test_pip_waits_for_the_gate_and_the_user_s_network_timeout_is_set_aside(tmp_path: Path) -> None:
    pip = Pip(["python", "-m", "pip"], Path("/venv/bin/python"))
    arguments = split_arguments("pip", ["--timeout", "5", "--retries=2", "acme-clock==1.0.0"], pip.options)
    for command in (
        pip.resolve_command(INDEX, arguments, tmp_path / "report.json"),
        pip.install_command(INDEX, arguments, tmp_path / "requirements.txt"),
    ):
        assert [part for part in command if part.startswith("--timeout")] == [f"--timeout={ANSWER_WAIT_SECONDS}"]
        assert "--retries=2" in command  # other options pass as before


def test_uv_waits_for_the_gate_whatever_its_environment_said() -> None:
    uv = Uv(["uv"], Path("/venv/bin/python"))
    environment = uv.environment(1, {"PATH": "/usr/bin", "UV_HTTP_TIMEOUT": "5", "UV_REQUEST_TIMEOUT": "5"})
    assert environment["UV_HTTP_TIMEOUT"] == str(ANSWER_WAIT_SECONDS)
    assert "UV_REQUEST_TIMEOUT" not in environment  # uv's older spelling, which would also be read
