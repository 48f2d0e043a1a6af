"""Every parser and the analyser, fuzzed at a small budget: a result or the module's own one-line error,
never another exception, never a write outside the temporary directory, within a deadline and a memory bound.

The targets and their properties are in tests/fuzz_targets.py; bench/fuzz.py runs them for longer.
Runs are derandomised (the same examples every time) so CI never fails on a new random draw: a long
bench run finds new inputs, and each crash it found is kept below as an explicit example and a test.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings

from interlock.analysis.extract.python.report import FAILED, SourceProblem, SourceReport
from interlock.analysis.facts import When
from interlock.index.errors import BadIndexResponse
from interlock.index.simple_api import JSON_TYPE, kept_json_page, parse_page
from interlock.policy.load import PolicyError, parse_policy
from tests import fuzz_targets as fuzz
from tests.builders import scan, zip_artifact

# Generous against a loaded CI machine; the inputs take milliseconds.
DEADLINE = timedelta(seconds=10)


def budget(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=DEADLINE,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


@pytest.fixture(autouse=True)
def quiet_zipfile() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)  # hostile archives repeat names on purpose
        yield


# -- the property checks themselves can fail ---------------------------------------------------------


def test_a_write_outside_the_temporary_directory_is_caught(tmp_path: Path) -> None:
    outside = Path.home() / ".interlock-fuzz-probe-never-created"
    with pytest.raises(AssertionError, match="wrote outside"), fuzz.no_writes_outside_tmp():
        try:
            outside.open("w")  # refused by the check, whether or not the open itself succeeds
        except OSError:
            pass
        finally:
            outside.unlink(missing_ok=True)
    with fuzz.no_writes_outside_tmp():
        (tmp_path / "inside").write_text("fine")


def test_memory_over_the_bound_and_multi_line_errors_are_caught() -> None:
    with pytest.raises(AssertionError, match="peak memory"), fuzz.bounded_memory(1024 * 1024):
        bytearray(8 * 1024 * 1024)
    with pytest.raises(AssertionError, match="spans lines"):
        fuzz.one_line("first\nsecond")


def test_a_python_reader_that_raised_inside_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # analyse_python never raises: a failure inside it is recorded as a FAILED problem, which the check looks for.
    original = fuzz.analyse_python

    def failing(*args: Any, **kwargs: Any) -> SourceReport:
        report = original(*args, **kwargs)
        report.problems.append(SourceProblem(FAILED, 1, "KeyError: 'x'"))
        return report

    monkeypatch.setattr(fuzz, "analyse_python", failing)
    with pytest.raises(AssertionError, match="the Python reader raised: KeyError"):
        fuzz.check_python((b"x = 1\n", When.IMPORT, False, False))


# -- the targets ------------------------------------------------------------------------------------------


@budget(150)
@given(fuzz.ARCHIVE_CASES)
def test_fuzz_archive_reader(case: tuple[str, bytes]) -> None:
    fuzz.check_archive(case)


@pytest.mark.slow
@budget(40)
@given(fuzz.pth_texts())
def test_fuzz_pth_lines(text: str) -> None:
    fuzz.check_pth(text)


@budget(150)
@given(fuzz.python_cases(grammar=True))
def test_fuzz_python_source(case: tuple[bytes, When, bool, bool]) -> None:
    fuzz.check_python(case)


@pytest.mark.slow
@budget(60)
@given(fuzz.metadata_files())
@example(({"demo-1.0.dist-info/RECORD": "demo/__init__.py,,²\n".encode(), "demo/__init__.py": b""}, "wheel", {}))
@example(({"demo-1.0.dist-info/RECORD": b"\ndemo/__init__.py,\r0", "demo/__init__.py": b""}, "wheel", {}))
def test_fuzz_release_metadata(case: tuple[dict[str, bytes], str, dict[str, bytes]]) -> None:
    fuzz.check_metadata(case)


@budget(200)
@given(fuzz.PICKLE_CASES)
def test_fuzz_pickles(data: bytes) -> None:
    fuzz.check_pickle(data)


@budget(120)
@given(fuzz.lock_cases())
def test_fuzz_lockfiles(case: tuple[str, str, str]) -> None:
    fuzz.check_lockfile(case)


@budget(25)
@given(fuzz.environment_cases())
def test_fuzz_installed_environment(distributions: list[dict[str, str]]) -> None:
    fuzz.check_environment(distributions)


@budget(100)
@given(fuzz.policy_texts())
@example(("interlock.toml", b'cooldown = "' + b"999999w" * 150 + b'"'))
def test_fuzz_policy(case: tuple[str, bytes]) -> None:
    fuzz.check_policy(case)


@pytest.mark.slow
@budget(150)
@given(fuzz.PAGE_CASES)
@example((b'{"files": ' + b"[" * 5000, JSON_TYPE))
@example((b'{"files": [], "x": 1' + b"9" * 5000 + b"}", JSON_TYPE))
def test_fuzz_index_pages(case: tuple[bytes, str]) -> None:
    fuzz.check_page(case)


@budget(100)
@given(fuzz.KEPT_PAGE_CASES)
@example(b"\xdb\x00\x00\x00 ")
def test_fuzz_kept_index_pages(data: bytes) -> None:
    fuzz.check_kept_page(data)


def test_a_kept_page_declaring_half_a_billion_items_is_refused_before_any_is_allocated() -> None:
    # marshal reads the count and allocates the list before reading a single item: 5 bytes asked for
    # 536 million slots (over 4 GB) until the header is checked against what the bytes can hold.
    with pytest.raises(ValueError, match="declares 536870912 items"):
        kept_json_page(b"\xdb\x00\x00\x00 ", "http://127.0.0.1/simple/demo/", "demo")


@pytest.mark.slow
def test_fuzz_gate_http() -> None:
    with fuzz.gate_session() as check:

        @budget(25)
        @given(fuzz.GATE_CASES)
        @example(((b'{"files": ' + b"[" * 5000, JSON_TYPE), 200, [("GET", "fuzzed page", "", "", {})], None))
        def run(case: Any) -> None:
            check(case)

        run()


# -- crashes the fuzzers found, each at its root ---------------------------------------------------------


@pytest.mark.parametrize("body", [b'{"files": ' + b"[" * 100_000, b'{"files": [], "n": ' + b"9" * 5000 + b"}"])
def test_a_json_page_nested_too_deep_or_with_a_huge_number_is_a_bad_response_not_a_crash(body: bytes) -> None:
    # json.loads raised RecursionError, and ValueError past int's 4300-digit limit: both escaped the parser.
    with pytest.raises(BadIndexResponse, match="not valid JSON"):
        parse_page(body, JSON_TYPE, "https://index.example/simple/demo/", "demo")


@pytest.mark.parametrize("size", ["²", "٣", "¹⁰", "9" * 5000])
def test_a_record_size_in_unicode_digits_is_a_mismatch_not_an_analysis_error(size: str) -> None:
    # str.isdigit() accepts superscripts that int() refuses, and int() refuses over 4300 digits: the
    # record-mismatch rule raised ValueError, and the analysis ended in `error`.
    module = b"import os\n"
    record = f"demo/__init__.py,,{size}\ndemo-1.0.dist-info/RECORD,,\n".encode()
    result = scan(
        zip_artifact([("demo/__init__.py", module), ("demo-1.0.dist-info/RECORD", record)], "demo-1.0-py3-none-any.whl")
    )
    assert result.error is None
    assert not [f for f in result.findings if f.rule == "analysis-error"]


@pytest.mark.parametrize("record", ["\ndemo/__init__.py,\r0", "x" * 200_000 + ",,\ndemo/__init__.py,,10\n"])
def test_a_record_with_a_bare_carriage_return_or_a_huge_field_is_read_not_an_analysis_error(record: str) -> None:
    # csv.reader raised csv.Error ("new-line character seen in unquoted field", "field larger than field
    # limit") out of the record-mismatch rule.
    files = [("demo/__init__.py", b"import os\n"), ("demo-1.0.dist-info/RECORD", record.encode())]
    result = scan(zip_artifact(files, "demo-1.0-py3-none-any.whl"))
    assert result.error is None
    assert [f.path for f in result.findings if f.rule == "record-mismatch"] in (["demo/__init__.py"], [])
    assert not [f for f in result.findings if f.rule == "analysis-error"]


def test_a_cooldown_longer_than_a_date_can_hold_is_a_policy_error_not_a_crash() -> None:
    # Parts add up (`1d12h`); 150 of `999999w` passed timedelta's maximum and raised OverflowError.
    with pytest.raises(PolicyError, match="cooldown: expected a duration"):
        parse_policy('cooldown = "' + "999999w" * 150 + '"\n', Path("interlock.toml"))
    with pytest.raises(PolicyError, match=r"cooldown-exceptions\.demo: expected a duration"):
        parse_policy('[cooldown-exceptions]\ndemo = "' + "999999w" * 150 + '"\n', Path("interlock.toml"))
