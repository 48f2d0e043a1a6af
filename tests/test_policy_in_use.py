"""The policy in effect when scanning, diffing and auditing: the file found or named, weighed into
each result's decision and the exit status, overridden by --fail-on and --min-age."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interlock.cli import main
from interlock.demo import build_demo_releases
from interlock.intel.osv import Advisory
from interlock.store.advisories import AdvisoryStore


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path]:
    """The genuine acme-greeter 1.0.0 and the trojaned 1.0.1, as local files."""
    return build_demo_releases(tmp_path / "built")


def _policy(directory: Path, text: str) -> Path:
    path = directory / "interlock.toml"
    path.write_text(text)
    return path


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, object]]]:
    status = main([*argv, "--format", "json"])
    return status, json.loads(capsys.readouterr().out)["results"]


def test_a_deny_entry_blocks_a_clean_release_and_cites_its_line(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, _ = demo
    policy = _policy(
        tmp_path, 'fail-on = "suspicious"\n\n[[deny]]\npackage = "Acme_Greeter"\nreason = "withdrawn by the vendor"\n'
    )
    status, [result] = _json(capsys, "scan", "--policy", str(policy), str(genuine))
    assert status == 1 and result["verdict"] == "clean"
    decision = result["policy"]
    assert decision["status"] == "block"  # type: ignore[index]
    assert decision["reasons"][0] == {
        "code": "denied",
        "message": "on the deny list (interlock.toml:3): withdrawn by the vendor",
        "blocks": True,
    }  # type: ignore[index]


def test_an_allow_entry_lets_a_flagged_release_pass_but_says_so(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, trojaned = demo
    policy = _policy(
        tmp_path, '[[allow]]\npackage = "acme-greeter"\nversion = "==1.0.1"\nreason = "reviewed in SEC-1"\n'
    )
    status, [result] = _json(capsys, "scan", "--policy", str(policy), str(trojaned))
    assert status == 0 and result["verdict"] == "malicious"
    assert result["policy"]["status"] == "pass"  # type: ignore[index]
    assert [r["code"] for r in result["policy"]["reasons"]] == ["allowed"]  # type: ignore[index]


def test_a_known_malicious_advisory_blocks_even_an_allowed_release(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, _ = demo
    AdvisoryStore().add(
        [Advisory("MAL-2026-1", "2026-03-24T12:00:00Z", "credential stealer", "acme-greeter", ("1.0.0",), ())]
    )
    policy = _policy(tmp_path, 'fail-on = "never"\n\n[[allow]]\npackage = "acme-greeter"\nreason = "trusted vendor"\n')
    status, [result] = _json(capsys, "scan", "--policy", str(policy), str(genuine))
    assert status == 1 and result["policy"]["status"] == "block"  # type: ignore[index]
    codes = [r["code"] for r in result["policy"]["reasons"] if r["blocks"]]  # type: ignore[index]
    assert codes == ["known-malicious"]


def test_an_ignore_entry_drops_its_rule_and_the_verdict_is_decided_again(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, trojaned = demo
    status, [plain] = _json(capsys, "scan", str(trojaned))
    rules = sorted({f["rule"] for f in plain["findings"]})  # type: ignore[union-attr]
    ignores = "".join(f'[[ignore]]\nrule = "{rule}"\npackage = "acme-greeter"\nreason = "test"\n\n' for rule in rules)
    status, [result] = _json(capsys, "scan", "--policy", str(_policy(tmp_path, ignores)), str(trojaned))
    assert plain["verdict"] == "malicious" and status == 0
    assert result["policy"]["status"] == "pass" and result["policy"]["verdict"] == "clean"  # type: ignore[index]
    assert all(r["code"] == "ignored" for r in result["policy"]["reasons"])  # type: ignore[index]


def test_fail_on_comes_from_the_policy_and_the_flag_overrides_it(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, trojaned = demo
    policy = _policy(tmp_path, 'fail-on = "never"\n')
    assert main(["scan", "--policy", str(policy), str(trojaned)]) == 0
    assert main(["scan", "--policy", str(policy), "--fail-on", "malicious", str(trojaned)]) == 1
    capsys.readouterr()


def test_required_provenance_blocks_a_release_whose_provenance_was_not_verified(
    demo: tuple[Path, Path], served_demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, _ = demo
    policy = _policy(tmp_path, '[provenance]\nrequired = ["acme-greeter"]\n')
    status, [local] = _json(capsys, "scan", "--policy", str(policy), str(genuine))
    assert (
        status == 1
        and "provenance is required for acme-greeter but was not checked" in local["policy"]["reasons"][0]["message"]
    )  # type: ignore[index]
    status, [served] = _json(capsys, "scan", "--policy", str(policy), "--index-url", served_demo, "acme-greeter==1.0.0")
    assert status == 1 and served["index"]["provenance"] == "none"  # type: ignore[index]
    assert "provenance is required for acme-greeter but is none" in served["policy"]["reasons"][0]["message"]  # type: ignore[index]


def test_the_policy_is_found_from_the_current_directory(
    demo: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, _ = demo
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[[tool.interlock.deny]]\npackage = "acme-greeter"\nreason = "no"\n'
    )
    monkeypatch.chdir(project)
    status, [result] = _json(capsys, "scan", str(genuine))
    assert status == 1 and "pyproject.toml:4" in result["policy"]["reasons"][0]["message"]  # type: ignore[index]


def test_a_broken_policy_is_a_usage_error_with_its_line(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = _policy(tmp_path, 'fail-on = "suspicious"\ncooldown = "three days"\n')
    assert main(["scan", "--policy", str(policy), str(demo[0])]) == 2
    err = capsys.readouterr().err
    assert f"{policy}:2: cooldown" in err


def test_a_policy_directory_without_a_policy_is_a_usage_error(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty" / ".git").mkdir(parents=True)
    assert main(["scan", "--policy", str(tmp_path / "empty"), str(demo[0])]) == 2
    assert "no policy found" in capsys.readouterr().err


def test_audit_weighs_each_pin_by_the_policy(
    served_demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("acme-greeter==1.0.0\n")
    policy = _policy(tmp_path, '[[deny]]\npackage = "acme-greeter"\nversion = "<2"\nreason = "pinned for removal"\n')
    status, [result] = _json(capsys, "audit", "--policy", str(policy), "--index-url", served_demo, str(requirements))
    assert status == 1 and result["verdict"] == "clean" and result["policy"]["status"] == "block"  # type: ignore[index]


def test_diff_weighs_the_new_release_by_the_policy(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, trojaned = demo
    policy = _policy(tmp_path, '[[allow]]\npackage = "acme-greeter"\nreason = "reviewed"\n')
    status, [result] = _json(capsys, "diff", "--policy", str(policy), str(genuine), str(trojaned))
    assert status == 0 and result["verdict"] == "malicious" and result["policy"]["status"] == "pass"  # type: ignore[index]


def test_the_text_report_shows_what_the_policy_decided(
    demo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, _ = demo
    policy = _policy(tmp_path, '[[deny]]\npackage = "acme-greeter"\nreason = "withdrawn by the vendor"\n')
    assert main(["scan", "--policy", str(policy), str(genuine)]) == 1
    out = capsys.readouterr().out
    assert "BLOCKED" in out and "withdrawn by the vendor" in out
