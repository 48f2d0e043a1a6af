"""What a rule case is, and the three tests every rule module's cases run.

Each case is a small artifact built in memory (a wheel, an sdist, or a hand-built hostile archive),
read with the product's reader and scanned with the product's engine. A positive case names the
finding it expects exactly: rule id, severity, member path, line and when the code runs. A negative
case is the closest benign look-alike, which must not raise the rule.

The cases live in tests/test_rules_<module>.py, one file per rule module; tests/test_rules.py sees
all of them and fails a new rule (`test_every_rule_has_a_positive_case`) until it gets cases.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from interlock.artifact.model import Artifact
from interlock.model.findings import Severity
from interlock.ruleset import RULES_BY_ID
from tests.builders import Files, findings_of, rule_ids, scan, sdist, wheel

C, H, M, L, I = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO  # noqa: E741

Build = Callable[[], Artifact]


def W(files: Files, **kwargs: object) -> Build:
    return lambda: wheel(files, **kwargs)  # type: ignore[arg-type]


def S(files: Files, **kwargs: object) -> Build:
    return lambda: sdist(files, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Positive:
    rule: str
    severity: Severity
    build: Build
    path: str
    line: int | None
    when: str | None


@dataclass(frozen=True)
class Negative:
    rule: str
    build: Build


# -- sample material ----------------------------------------------------------------------------

# 1500 random bytes as base64: a high-entropy blob like a packed payload (or an embedded font).
BLOB = base64.b64encode(random.Random(7).randbytes(1500)).decode()


# -- the tests ----------------------------------------------------------------------------------

CaseTest = Callable[[str], None]


def case_tests(POSITIVE: dict[str, Positive], NEGATIVE: dict[str, Negative]) -> tuple[CaseTest, CaseTest, CaseTest]:
    """The tests of one module's cases; the module binds them to test_* names so pytest collects them there."""

    @pytest.mark.parametrize("case_id", sorted(POSITIVE))
    def test_positive(case_id: str) -> None:
        case = POSITIVE[case_id]
        result = scan(case.build())
        assert result.error is None, result.error
        found = findings_of(result, case.rule)
        located = [f for f in found if f.path == case.path and f.line == case.line]
        assert located, (
            f"no {case.rule} at {case.path}:{case.line}; "
            f"got {[(f.path, f.line, f.severity.label) for f in found]} among {sorted(rule_ids(result))}"
        )
        assert located[0].severity is case.severity, (
            f"{case.rule} at {case.path}:{case.line} is {located[0].severity.label}"
        )
        assert located[0].when == case.when
        assert located[0].message

    @pytest.mark.parametrize("case_id", sorted(NEGATIVE))
    def test_negative(case_id: str) -> None:
        case = NEGATIVE[case_id]
        result = scan(case.build())
        assert result.error is None, result.error
        assert not findings_of(result, case.rule), [f.to_json() for f in findings_of(result, case.rule)]

    @pytest.mark.parametrize("case_id", sorted(POSITIVE))
    def test_positive_severity_is_one_the_rule_declares(case_id: str) -> None:
        case = POSITIVE[case_id]
        assert case.severity in RULES_BY_ID[case.rule].severities

    return test_positive, test_negative, test_positive_severity_is_one_the_rule_declares
