"""decide(): the verdict policy over findings, and the score that goes with it."""

from __future__ import annotations

import itertools

import pytest

from interlock.analysis.verdict import THREAT_RULES, WEIGHTS, decide
from interlock.model.findings import Finding, Severity
from interlock.model.verdict import Verdict

C, H, M, L, I = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO  # noqa: E741


_LINES = itertools.count(1)


def finding(severity: Severity, rule: str = "some-rule", path: str = "pkg/mod.py", line: int | None = None) -> Finding:
    """A finding at its own place (a fresh line) unless `line` says where."""
    return Finding(rule, severity, path, next(_LINES) if line is None else line, "message", "evidence")


def test_no_findings_is_clean_with_score_zero() -> None:
    assert decide([]) == (Verdict.CLEAN, 0)


def test_any_critical_is_malicious() -> None:
    assert decide([finding(L), finding(C, "decoded-exec")]) == (Verdict.MALICIOUS, 100)


def test_any_high_is_suspicious() -> None:
    # 25 by weight, raised to the bottom of the suspicious band.
    assert decide([finding(H, "network-access")]) == (Verdict.SUSPICIOUS, 30)


def test_critical_outranks_high() -> None:
    verdict, _ = decide([finding(H, "a"), finding(C, "b"), finding(H, "c")])
    assert verdict is Verdict.MALICIOUS


def test_high_findings_from_two_different_threat_rules_are_malicious() -> None:
    assert {"decoded-exec", "persistence"} <= THREAT_RULES
    assert decide([finding(H, "decoded-exec"), finding(H, "persistence")]) == (Verdict.MALICIOUS, 70)


def test_two_high_findings_of_one_threat_rule_are_only_suspicious() -> None:
    assert decide([finding(H, "decoded-exec", line=1), finding(H, "decoded-exec", line=9)]) == (Verdict.SUSPICIOUS, 50)


def test_a_threat_high_with_a_non_threat_high_is_only_suspicious() -> None:
    assert "network-access" not in THREAT_RULES
    assert decide([finding(H, "decoded-exec"), finding(H, "network-access")]) == (Verdict.SUSPICIOUS, 50)


def test_medium_findings_of_threat_rules_do_not_corroborate() -> None:
    assert decide([finding(M, "shell-download"), finding(M, "credential-access")]) == (Verdict.CLEAN, 10)


def test_three_different_medium_rules_are_suspicious() -> None:
    findings = [finding(M, "credential-access"), finding(M, "env-dump"), finding(M, "dns-lookup")]
    assert decide(findings) == (Verdict.SUSPICIOUS, 30)


def test_medium_rules_describing_one_place_count_once() -> None:
    # A shell download that is also a download-and-run, on one line: one observation.
    same_line = [finding(M, "shell-download", line=9), finding(M, "download-and-run", line=9)]
    assert decide([*same_line, finding(M, "credential-access")]) == (Verdict.CLEAN, 15)
    assert decide([*same_line, finding(M, "credential-access"), finding(M, "env-dump")])[0] is Verdict.SUSPICIOUS


def test_two_different_medium_rules_are_clean() -> None:
    assert decide([finding(M, "credential-access"), finding(M, "env-dump")]) == (Verdict.CLEAN, 10)


def test_analysis_limits_do_not_count_towards_three_medium_rules() -> None:
    findings = [finding(M, "credential-access"), finding(M, "network-access"), finding(M, "source-too-large")]
    assert decide(findings)[0] is Verdict.CLEAN
    assert decide([*findings, finding(M, "dns-lookup")])[0] is Verdict.SUSPICIOUS


def test_many_mediums_of_one_rule_count_once_for_the_verdict() -> None:
    findings = [finding(M, "obfuscated-code", line=n) for n in range(1, 11)]
    findings += [finding(M, "env-dump")]
    assert decide(findings) == (Verdict.CLEAN, 29)  # 55 by weight: a clean release stays in the clean band


def test_lows_and_infos_never_make_a_release_suspicious() -> None:
    findings = [finding(L, f"low-{n}") for n in range(50)] + [finding(I, f"info-{n}") for n in range(50)]
    assert decide(findings) == (Verdict.CLEAN, 29)


def test_score_is_the_weighted_sum() -> None:
    findings = [finding(H, "a"), finding(M, "b"), finding(L, "c"), finding(I, "d")]
    assert decide(findings) == (Verdict.SUSPICIOUS, WEIGHTS[H] + WEIGHTS[M] + WEIGHTS[L] + WEIGHTS[I])
    assert (WEIGHTS[H], WEIGHTS[M], WEIGHTS[L], WEIGHTS[I]) == (25, 5, 1, 0)


@pytest.mark.parametrize(
    "findings",
    [
        [finding(C, "a"), finding(C, "b")],
        [finding(H, f"h{n}") for n in range(5)],
        [finding(M, f"m{n}") for n in range(30)],
    ],
    ids=["two-criticals", "five-highs", "thirty-mediums"],
)
def test_score_is_capped_by_its_verdict_band(findings: list[Finding]) -> None:
    verdict, score = decide(findings)
    assert score == {Verdict.MALICIOUS: 100, Verdict.SUSPICIOUS: 69}[verdict]


def test_score_below_the_cap_is_not_rounded() -> None:
    assert decide([finding(H, f"h{n}") for n in range(2)] + [finding(L, "l")]) == (Verdict.SUSPICIOUS, 51)


def test_accepts_any_iterable_once() -> None:
    assert decide(f for f in [finding(M, "a"), finding(M, "b"), finding(M, "c")]) == (Verdict.SUSPICIOUS, 30)


def test_decide_never_returns_error() -> None:
    # `error` means "could not analyse": the engine sets it, findings alone never do.
    for severity in Severity:
        verdict, _ = decide([finding(severity)])
        assert verdict is not Verdict.ERROR


def test_verdict_rank_orders_error_above_malicious() -> None:
    ranks = [v.rank for v in (Verdict.CLEAN, Verdict.SUSPICIOUS, Verdict.MALICIOUS, Verdict.ERROR)]
    assert ranks == sorted(ranks) and len(set(ranks)) == 4
