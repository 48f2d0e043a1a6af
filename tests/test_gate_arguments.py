"""How the gate sorts pip and uv arguments, and what it refuses before any installer runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from interlock.gate.arguments import ArgumentError, split_arguments
from interlock.gate.options import PIP_OPTIONS, UV_OPTIONS
from interlock.gate.sources import unjudgeable


def pip(*arguments: str):
    return split_arguments("pip", arguments, PIP_OPTIONS)


def test_the_index_becomes_the_upstream_and_is_not_passed_on() -> None:
    split = pip("-i", "http://127.0.0.1:9/simple", "--pre", "--target", "out", "requests>=2")
    assert split.index_url == "http://127.0.0.1:9/simple"
    assert split.resolve == ("--pre", "--target=out", "requests>=2")
    assert split.install == ("--target=out",)  # how and where to install; what to pick was settled
    assert split.requirements == ("requests>=2",)


def test_short_options_grouped_or_with_attached_values_are_read_as_optparse_reads_them(tmp_path: Path) -> None:
    split = pip("-qq", f"-r{tmp_path / 'req.txt'}", "-Uq", "--index-url=http://127.0.0.1:9/simple")
    assert split.files == (("-r", tmp_path / "req.txt"),)
    assert split.resolve == ("-q", "-q", f"-r{tmp_path / 'req.txt'}", "-U", "-q")
    assert split.install == ("-q", "-q", "-q")
    assert split.index_url == "http://127.0.0.1:9/simple"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--extra-index-url", "http://127.0.0.1:9/simple", "x"], "dependency confusion"),
        (["-f", "wheels/", "x"], "cannot be judged"),
        (["--no-index", "x"], "cannot be judged"),
        (["--python", "/usr/bin/python3", "x"], "interlock's own --python"),
        (["--report", "out.json", "x"], "--format json"),
        (["--frobnicate", "x"], "not one the gate knows"),
        (["-r"], "needs a value"),
        (["--pre=yes", "x"], "takes no value"),
        (["--pre"], "nothing to install"),
    ],
)
def test_options_the_gate_cannot_pass_on_are_usage_errors(arguments: list[str], message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        pip(*arguments)


def test_uv_spellings_are_uv_s() -> None:
    split = split_arguments(
        "uv", ["--default-index", "http://127.0.0.1:9/simple", "--reinstall", "-P", "x", "x"], UV_OPTIONS
    )
    assert split.index_url == "http://127.0.0.1:9/simple"
    assert split.resolve == ("--reinstall", "-Px", "x") and split.install == ("--reinstall",)
    with pytest.raises(ArgumentError, match="one index"):
        split_arguments("uv", ["--index", "http://127.0.0.1:9/simple", "x"], UV_OPTIONS)


def test_paths_urls_vcs_and_editables_cannot_be_judged(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("acme-clock==1.0.0\ngit+https://example.invalid/acme.git#egg=acme\n")
    split = pip(
        "./local",
        "acme-tz @ https://example.invalid/acme_tz-2.0.0.tar.gz",
        "-e",
        "src/",
        "-r",
        str(requirements),
        "acme-app",
    )
    found = unjudgeable("pip", split)
    assert [(item.requirement, item.location) for item in found] == [
        ("./local", "command line"),
        ("acme-tz @ https://example.invalid/acme_tz-2.0.0.tar.gz", "command line"),
        ("-e src/", "command line"),
        ("git+https://example.invalid/acme.git#egg=acme", f"{requirements}:2"),
    ]
    assert "local path" in found[0].reason and "direct URL" in found[1].reason and "VCS" in found[3].reason


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("--index-url http://127.0.0.1:9/simple", "names an index"),
        ("--extra-index-url http://127.0.0.1:9/simple", "names an index"),
        ("--find-links ./wheels", ":1: --find-links"),
        ("--no-index", ":1: --no-index"),
    ],
)
def test_a_requirements_file_that_would_send_the_installer_around_the_gate_is_refused(
    tmp_path: Path, line: str, message: str
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"{line}\nacme-clock==1.0.0\n")
    with pytest.raises(ArgumentError, match=message):
        unjudgeable("pip", pip("-r", str(requirements)))


def test_conflicting_pins_are_a_line_precise_usage_error(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("acme-clock==1.0.0\nacme-clock==1.0.1\n")
    with pytest.raises(ArgumentError, match=rf"{requirements.name}:2: conflicting requirements for acme-clock"):
        unjudgeable("pip", pip("-r", str(requirements)))


def test_uv_project_metadata_files_are_not_judgeable_requirement_lists(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    found = unjudgeable("uv", split_arguments("uv", ["-r", str(tmp_path / "pyproject.toml")], UV_OPTIONS))
    assert [item.requirement for item in found] == [f"-r {tmp_path / 'pyproject.toml'}"]
