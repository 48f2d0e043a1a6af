"""The shared attack corpus, read as archives only: each trojaned release is caught on its own, the
litellm 1.82.8 reproduction names its .pth, and the genuine look-alikes stay clean. Skipped when
../shared/corpus is not present."""

from __future__ import annotations

import csv

import pytest

from interlock.analysis.engine import scan_artifact
from interlock.artifact.reader import read_artifact
from tests.conftest import SHARED_CORPUS, corpus_or_skip

# A release of a megabyte or more takes seconds to scan: `make test-fast` leaves it out.
SLOW_BYTES = 1_000_000


def _cases() -> list[dict[str, str]]:
    try:
        manifest = corpus_or_skip("attacks", "manifest.tsv")
    except pytest.skip.Exception:
        return []
    return list(csv.DictReader(manifest.open(), delimiter="\t"))


def _params() -> list[object]:
    params = []
    for case in _cases():
        if case["case"] == "litellm-1.82.7":
            continue
        artifact = SHARED_CORPUS / "attacks" / case["artifact"]
        slow = artifact.is_file() and artifact.stat().st_size >= SLOW_BYTES
        params.append(pytest.param(case, id=case["case"], marks=[pytest.mark.slow] if slow else []))
    return params


def test_corpus_present_or_skipped() -> None:
    corpus_or_skip("attacks", "manifest.tsv")
    assert _cases(), "manifest lists no cases"


@pytest.mark.parametrize("case", _params())
def test_attack_case_scanned_alone(case: dict[str, str]) -> None:
    path = corpus_or_skip("attacks", case["artifact"])
    result = scan_artifact(read_artifact(path), str(path))
    if case["expected"] == "malicious":
        assert result.verdict.value in ("malicious", "suspicious"), result.findings[:3]
    else:
        assert result.verdict.value == "clean", result.findings[:3]


@pytest.mark.slow
def test_litellm_1_82_8_is_malicious_because_of_its_pth() -> None:
    path = corpus_or_skip("attacks", "litellm", "1.82.8", "litellm-1.82.8-py3-none-any.whl")
    result = scan_artifact(read_artifact(path), str(path))
    assert result.verdict.value == "malicious"
    assert result.findings[0].path == "litellm_init.pth"
    assert result.findings[0].severity.label == "critical"
