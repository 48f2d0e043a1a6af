"""Checks over every rule's cases: each rule has a release that must trigger it and a benign look-alike.

The cases live in tests/test_rules_<module>.py, one file per rule module (see tests/rule_cases.py for
what a case is and how it runs). A new rule fails `test_every_rule_has_a_positive_case` until it gets
cases there, or is named in TESTED_WITH_AN_INDEX with the module that tests it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interlock.ruleset import ALL_RULES, RULES_BY_ID
from tests import (
    test_rules_capabilities,
    test_rules_combinations,
    test_rules_consistency,
    test_rules_structure,
    test_rules_typosquat,
)
from tests.rule_cases import Negative, Positive

RULE_MODULES = (
    test_rules_combinations,
    test_rules_capabilities,
    test_rules_structure,
    test_rules_consistency,
    test_rules_typosquat,
)
POSITIVE: dict[str, Positive] = {case_id: case for m in RULE_MODULES for case_id, case in m.POSITIVE.items()}
NEGATIVE: dict[str, Negative] = {case_id: case for m in RULE_MODULES for case_id, case in m.NEGATIVE.items()}


# Rules raised from what the index says about a release, or from two releases, not from one
# release's files: their malicious and benign examples live in these modules.
TESTED_WITH_AN_INDEX = {
    "provenance-invalid": "test_provenance.py",
    "provenance-missing": "test_provenance.py",
    "publisher-changed": "test_provenance.py",
    # Rules over two releases' metadata: their examples are diffs.
    "version-jump": "test_diff.py",
    "dependency-added-in-patch": "test_diff.py",
    "maintainer-changed": "test_diff.py",
    "project-urls-changed": "test_diff.py",
    "wheel-not-from-sdist": "test_diff.py",
    "new-capability-on-its-own": "test_diff_novelty.py",
    "known-malicious": "test_intel.py",
    # A failure of Interlock itself, and of a user's YARA rules: their examples break the analysis.
    "analysis-error": "test_fail_closed.py",
    "yara-error": "test_fail_closed.py",
}


def test_every_rule_has_a_positive_case() -> None:
    missing = sorted(
        {rule.id for rule in ALL_RULES} - {case.rule for case in POSITIVE.values()} - set(TESTED_WITH_AN_INDEX)
    )
    assert not missing, f"rules without a positive example in tests/test_rules_<module>.py: {missing}"


def test_every_rule_has_a_negative_case() -> None:
    missing = sorted(
        {rule.id for rule in ALL_RULES} - {case.rule for case in NEGATIVE.values()} - set(TESTED_WITH_AN_INDEX)
    )
    assert not missing, f"rules without a benign look-alike in tests/test_rules_<module>.py: {missing}"


@pytest.mark.parametrize("rule_id", sorted(TESTED_WITH_AN_INDEX))
def test_rules_tested_with_an_index_are_tested_there(rule_id: str) -> None:
    source = (Path(__file__).parent / TESTED_WITH_AN_INDEX[rule_id]).read_text()
    assert rule_id in RULES_BY_ID
    assert source.count(rule_id) >= 2, f"{TESTED_WITH_AN_INDEX[rule_id]} should show {rule_id} raised and not raised"


def test_cases_name_existing_rules() -> None:
    named = {case.rule for case in POSITIVE.values()} | {case.rule for case in NEGATIVE.values()}
    assert named <= set(RULES_BY_ID), f"cases for rules that no longer exist: {sorted(named - set(RULES_BY_ID))}"
    for case_id, case in [*POSITIVE.items(), *NEGATIVE.items()]:
        assert case_id.split("/")[0] == case.rule, f"case {case_id!r} is filed under the wrong rule"
