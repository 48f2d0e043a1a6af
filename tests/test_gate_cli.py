"""`interlock install` / `interlock uv` given bad input: a clear message, the documented exit status,
nothing installed, never a traceback. Real pip and uv against an index on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run
from tests.fake_index import FakeIndex
from tests.gate_packages import projects


@pytest.fixture
def served(index: FakeIndex) -> FakeIndex:
    for project, files in projects().items():
        index.json_project(project, files)
    return index


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True, timeout=60)
    return tmp_path / "venv"


def installed(venv: Path) -> list[Path]:
    return list(venv.glob("lib/python*/site-packages/*.dist-info"))


@pytest.mark.e2e
@pytest.mark.slow
def test_an_unreachable_index_is_could_not_analyse(
    venv: Path, unreachable_index: str, capsys: pytest.CaptureFixture[str]
) -> None:
    index = unreachable_index
    status, out, _ = run(capsys, "install", "--python", str(venv), "--", "-i", index, "acme-clock==1.0.0")
    assert status == 3
    assert f"index: acme-clock: {index}/acme-clock/" in out and "nothing was installed" in out
    assert installed(venv) == []


@pytest.mark.e2e
@pytest.mark.parametrize("command", ["install", "uv"])
def test_a_package_the_index_lacks_is_named(
    command: str, served: FakeIndex, venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys,
        command,
        "--python",
        str(venv),
        "--format",
        "json",
        "--",
        "-i",
        served.simple,
        "acme-clock==1.0.0",
        "acme-nowhere",
    )
    gate = json.loads(out)["gate"]
    assert status == 3 and gate["status"] == "unjudged"
    assert "acme-nowhere: not on the index" in gate["problems"]
    assert installed(venv) == []


@pytest.mark.e2e
@pytest.mark.parametrize("command", ["install", "uv"])
def test_requirements_no_release_satisfies_are_refused_with_the_installer_s_reason(
    command: str, served: FakeIndex, venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # acme-app 1.0.0 needs acme-clock>=1.0; the index has nothing below 1.0.
    status, out, _ = run(
        capsys, command, "--python", str(venv), "--", "-i", served.simple, "acme-app==1.0.0", "acme-clock<1.0"
    )
    assert status == 3
    assert "could not settle on what to install" in out and "acme-clock" in out
    assert installed(venv) == []


def test_unjudgeable_requirements_stop_everything_before_any_installer_runs(
    served: FakeIndex, venv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = tmp_path / "project"
    local.mkdir()
    url = f"{served.root}/files/acme_tz-2.0.1.tar.gz"
    status, out, _ = run(
        capsys,
        "install",
        "--python",
        str(venv),
        "--format",
        "json",
        "--",
        "-i",
        served.simple,
        "acme-clock==1.0.0",
        str(local),
        url,
    )
    document = json.loads(out)
    assert status == 3 and document["results"] == []
    assert [item["requirement"] for item in document["gate"]["unjudged"]] == [str(local), url]
    assert served.requests == []  # nothing was resolved, downloaded or built
    assert installed(venv) == []


@pytest.mark.parametrize(
    ("installer_args", "message"),
    [
        (["--frobnicate", "acme-clock"], "pip option --frobnicate is not one the gate knows"),
        (["--extra-index-url", "http://127.0.0.1:9/simple", "acme-clock"], "dependency confusion"),
        ([], "nothing to install"),
    ],
)
def test_malformed_installer_arguments_are_usage_errors(
    installer_args: list[str], message: str, venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "install", "--python", str(venv), "--", *installer_args)
    assert status == 2 and out == "" and message in err


def test_an_index_named_inside_a_requirements_file_is_a_usage_error(
    served: FakeIndex, venv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"--index-url {served.simple}\nacme-clock==1.0.0\n")
    status, _, err = run(capsys, "install", "--python", str(venv), "--", "-r", str(requirements))
    assert status == 2 and f"{requirements}: names an index" in err
    assert served.requests == []


def test_a_target_that_is_not_an_interpreter_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "install", "--python", str(tmp_path / "nowhere"), "--", "acme-clock")
    assert status == 2 and "not an executable Python interpreter" in err


def test_without_uv_the_uv_command_says_how_to_get_it(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no uv on PATH...
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))  # ...nor beside interlock
    status, _, err = run(capsys, "uv", "--python", str(venv), "--", "acme-clock")
    assert status == 2 and "uv is not on PATH" in err


@pytest.mark.e2e
def test_the_text_report_has_the_summary_table_and_the_evidence(
    served: FakeIndex, venv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "gate.md"
    status, out, err = run(
        capsys,
        "install",
        "--python",
        str(venv),
        "-o",
        str(report),
        "--format",
        "markdown",
        "--",
        "-i",
        served.simple,
        "acme-app",
    )
    assert status == 1 and out == "" and "refused while resolving: acme_clock-1.0.1-py3-none-any.whl" in err
    markdown = report.read_text()
    assert "| acme-clock | 1.0.1 | acme\\_clock-1.0.1-py3-none-any.whl | malicious | refused |" in markdown
    status, out, _ = run(capsys, "install", "--python", str(venv), "--", "-i", served.simple, "acme-app")
    assert status == 1 and "Files judged by the gate" in out and "decoded-exec" in out
    assert [line for line in out.splitlines() if "acme-app" in line and "passed" in line]
    assert installed(venv) == []


@pytest.mark.e2e
def test_the_policy_decides_a_cooldown_refuses_a_clean_release_too_new(
    served: FakeIndex, venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys,
        "install",
        "--python",
        str(venv),
        "--min-age",
        "100000d",
        "--format",
        "json",
        "--",
        "-i",
        served.simple,
        "acme-clock==1.0.0",
    )
    (entry,) = json.loads(out)["gate"]["files"]
    assert status == 1 and entry["verdict"] == "clean" and not entry["allowed"]
    assert entry["reason"].startswith("too-new: ")
    assert installed(venv) == []
