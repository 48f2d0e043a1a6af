"""User YARA rules, and code hidden in a package's data files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interlock.analysis.extract.yara_rules import YaraError, YaraRules
from interlock.artifact.limits import Deadline, Limits
from interlock.artifact.reader import read_artifact_bytes
from interlock.cli import main
from interlock.demo.wheel import wheel_bytes, wheel_filename, write
from tests.builders import findings_of, scan_sdist, scan_wheel, wheel

RULE = """
rule crypto_miner_pool {
    meta:
        severity = "critical"
        description = "names a mining pool protocol"
    strings:
        $pool = "stratum+tcp://"
    condition:
        $pool
}
"""


def test_yara_rule_match_becomes_a_finding_with_its_severity_and_line(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "miner.yar").write_text(RULE)
    rules = YaraRules(tmp_path / "rules")
    artifact = wheel({"pkg/__init__.py": "X = 1\nPOOL = 'stratum+tcp://pool.example.com:3333'\n"})
    findings = rules.scan(artifact, Deadline(10))
    assert [(f.rule, f.severity.label, f.path, f.line) for f in findings] == [
        ("yara:crypto_miner_pool", "critical", "pkg/__init__.py", 2)
    ]
    assert findings[0].message == "names a mining pool protocol"


def test_yara_rules_see_the_excerpt_of_a_file_too_large_to_keep_whole(tmp_path: Path) -> None:
    (tmp_path / "miner.yar").write_text(RULE)
    padding = "".join(f"value_{number} = {number}\n" for number in range(20_000))  # ~300 KiB
    data = wheel_bytes("demo", "1.0", {"pkg/__init__.py": padding + "POOL = 'stratum+tcp://pool.example.com:3333'\n"})
    artifact = read_artifact_bytes(wheel_filename("demo", "1.0"), data, Limits(max_kept_bytes=64 * 1024))
    assert artifact.members["pkg/__init__.py"].data is None  # kept as an excerpt
    findings = YaraRules(tmp_path).scan(artifact, Deadline(10))
    assert [(f.rule, f.path, f.line) for f in findings] == [("yara:crypto_miner_pool", "pkg/__init__.py", 20_001)]
    assert "too large to keep whole" in findings[0].message


def test_members_the_yara_rules_cannot_be_given_are_reported(tmp_path: Path) -> None:
    (tmp_path / "miner.yar").write_text(RULE)
    files: dict[str, str | bytes] = {"pkg/__init__.py": "", "pkg/_native.so": b"\x7fELF" + bytes(200_000)}
    data = wheel_bytes("demo", "1.0", {**files, "pkg/_other.so": b"\x7fELF" + bytes(100_000)})
    artifact = read_artifact_bytes(wheel_filename("demo", "1.0"), data, Limits(max_kept_bytes=64 * 1024))
    findings = YaraRules(tmp_path).scan(artifact, Deadline(10))
    assert [(f.rule, f.severity.label, f.path) for f in findings] == [("yara-error", "low", "pkg/_native.so")]
    assert findings[0].message.startswith("pkg/_native.so (200004 bytes) and 1 other member(s) too large")


def test_yara_rule_that_does_not_match_reports_nothing(tmp_path: Path) -> None:
    (tmp_path / "miner.yar").write_text(RULE)
    assert YaraRules(tmp_path).scan(wheel({"pkg/__init__.py": "print('hello')\n"}), Deadline(10)) == []


def test_broken_yara_rule_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.yar").write_text("rule broken { condition: }")
    with pytest.raises(YaraError, match=re.escape("broken.yar")):
        YaraRules(tmp_path)


def test_cli_yara_rules_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "miner.yar").write_text(RULE)
    artifact = write(
        tmp_path,
        wheel_filename("miner", "1.0"),
        wheel_bytes("miner", "1.0", {"miner/__init__.py": "P = 'stratum+tcp://x:1'\n"}),
    )
    assert main(["scan", "--yara-rules", str(tmp_path / "rules"), str(artifact)]) == 1
    assert "yara:crypto_miner_pool" in capsys.readouterr().out
    assert main(["scan", "--yara-rules", str(tmp_path / "missing"), str(artifact)]) == 2


def test_code_executed_from_a_data_file_is_a_hidden_payload() -> None:
    result = scan_wheel(
        {"pkg/__init__.py": "import os\nexec(open('pkg/logo.dat').read())\n", "pkg/logo.dat": "import os\n"}
    )
    found = findings_of(result, "decoded-exec")
    assert [(f.severity.label, f.line) for f in found] == [("critical", 2)]
    assert "data file pkg/logo.dat" in found[0].message


def test_setup_py_exec_of_its_version_file_is_not_a_hidden_payload() -> None:
    result = scan_sdist(
        {
            "setup.py": "exec(open('pkg/version.py').read())\nfrom setuptools import setup\nsetup(name='demo')\n",
            "pkg/version.py": "__version__ = '1.0'\n",
        }
    )
    assert findings_of(result, "decoded-exec") == []
    assert result.verdict.value == "clean"
