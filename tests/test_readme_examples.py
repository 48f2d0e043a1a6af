"""Every `interlock ...` command the README (and each command's --help) shows is one the CLI accepts,
and the README's demo example runs as it says."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from interlock.cli import build_parser, main
from interlock.demo import build_demo_releases
from tests.conftest import run

README = Path(__file__).resolve().parents[1] / "README.md"
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _argv(command: str) -> list[str] | None:
    """The arguments after `interlock` in one shell line (the last stage of a pipe), or None."""
    stage = command.split("|")[-1].strip().removeprefix("$ ")
    if not re.match(r"^(\S*/)?interlock(\s|$)", stage):
        return None  # output, prose or another program's line
    words = shlex.split(stage, comments=True)[1:]
    redirection = next((i for i, word in enumerate(words) if word[:1] in "<>" or word[:2] in ("1>", "2>")), None)
    return words[:redirection]


def readme_examples() -> list[tuple[str, list[str]]]:
    examples = []
    for block in _FENCE.findall(README.read_text(encoding="utf-8")):
        for line in block.splitlines():
            argv = _argv(line)
            if argv is not None:
                examples.append((line.strip(), argv))
    return examples


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += _subparsers(sub)
    return found


def help_examples() -> list[tuple[str, list[str]]]:
    """The example lines of every command's --help: `  interlock ...`, then two spaces and what it does."""
    examples = []
    for parser in _subparsers(build_parser()):
        for line in (parser.epilog or "").splitlines():
            if "interlock " not in line or not re.match(r"^\s+(\S.*\| )?interlock ", line):
                continue
            command = re.split(r"\s{2,}", line.strip())[0]
            argv = _argv(command)
            if argv is not None:
                examples.append((command, argv))
    return examples


def test_the_readme_and_the_help_show_examples() -> None:
    assert len(readme_examples()) >= 15
    assert {argv[0] for _, argv in readme_examples()} >= {"scan", "diff", "audit", "explain", "install", "rules"}
    assert len(help_examples()) >= 10


def refusal(argv: list[str]) -> str | None:
    """Why the CLI refuses `argv` (argparse's message), or None when it accepts it and names a command."""
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            arguments = build_parser().parse_args(argv)
    except SystemExit:
        return errors.getvalue().strip().splitlines()[-1]
    return None if hasattr(arguments, "handler") else "names no command"


@pytest.mark.parametrize(
    "argv",
    [["audit", "--hash-only", "requirements.txt"], ["diff", "only-one.whl"], ["scna", "x.whl"], ["intel"]],
)
def test_the_check_refuses_what_the_cli_refuses(argv: list[str]) -> None:
    assert refusal(argv) is not None


@pytest.mark.parametrize(("line", "argv"), readme_examples() + help_examples(), ids=lambda value: str(value)[:60])
def test_every_example_is_accepted_by_the_cli(line: str, argv: list[str]) -> None:
    assert refusal(argv) is None, f"{line!r}: {refusal(argv)}"


def test_the_readme_demo_diff_runs_and_shows_the_trojan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    [argv] = [argv for _, argv in readme_examples() if argv[0] == "diff" and any(".demo/" in a for a in argv)]
    monkeypatch.chdir(tmp_path)
    build_demo_releases(Path(".demo"))
    status, out, _ = run(capsys, *argv)
    assert status == 1
    assert out.startswith("MALICIOUS   acme-greeter 1.0.1") and "compared with" in out


def test_the_demo_command_the_readme_starts_with_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--dir", str(tmp_path / ".demo")]) == 0
    assert "acme-greeter 1.0.1" in capsys.readouterr().out
