"""The analysis deadline grows with the source an artifact holds, and a deadline hit says which file
was being read. Artifacts are built in memory and read back as the scanner reads them."""

from __future__ import annotations

from pathlib import Path

from interlock.analysis.engine import analyse, source_bytes
from interlock.artifact.limits import DEFAULT_LIMITS, Deadline, Limits, MiB
from interlock.demo.wheel import wheel_bytes, wheel_filename
from interlock.model.verdict import Verdict
from interlock.scanner import Scanner, ScanOptions
from tests.builders import wheel

SMALL = {"acme/__init__.py": "def greet():\n    return 'hello'\n"}
# Three MiB of source that is cheap to analyse: comment lines.
LARGE = {**SMALL, **{f"acme/generated_{n}.py": "# generated table\n" * (MiB // 18) for n in range(3)}}


def test_the_budget_is_the_base_plus_a_share_per_mib_of_source() -> None:
    limits = Limits(max_seconds=100, seconds_per_source_mib=10)
    small, large = wheel(SMALL), wheel(LARGE)
    budgets = {}
    for name, artifact in (("small", small), ("large", large)):
        deadline = limits.deadline()
        analysis = analyse(artifact, deadline=deadline)
        assert analysis.error is None
        assert deadline.source_bytes == source_bytes(artifact)
        budgets[name] = deadline.seconds
    assert source_bytes(large) > 3 * MiB - 1024
    assert budgets["small"] < 100.01
    assert budgets["large"] == 100 + 10 * source_bytes(large) / MiB
    assert budgets["large"] > 129


def test_the_default_limits_scale_too() -> None:
    deadline = DEFAULT_LIMITS.deadline()
    deadline.allow_for(10 * MiB)
    assert deadline.seconds == DEFAULT_LIMITS.max_seconds + 10 * DEFAULT_LIMITS.seconds_per_source_mib
    assert deadline.seconds > DEFAULT_LIMITS.max_seconds


def test_a_deadline_hit_during_analysis_names_the_file_it_was_reading() -> None:
    artifact = wheel(LARGE)
    analysis = analyse(artifact, deadline=Deadline(-1))
    assert analysis.error is not None
    assert analysis.error.startswith("analysis took longer than -1 s, while reading acme/")
    assert analysis.error.removeprefix("analysis took longer than -1 s, while reading ") in artifact.members


def test_the_message_says_what_the_budget_was_allowed_for() -> None:
    deadline = Deadline(0, per_source_mib=0.000001)
    deadline.allow_for(3 * MiB)
    deadline.reading("acme/big.py")
    assert deadline.exceeded() == (
        "analysis took longer than 3e-06 s, allowed for 3 MiB of source, while reading acme/big.py"
    )


def test_a_scan_that_runs_out_of_time_says_where_and_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / wheel_filename("acme", "1.0")
    path.write_bytes(wheel_bytes("acme", "1.0", SMALL))
    # A budget already spent: the first check fails, whatever the clock's resolution.
    scanner = Scanner(ScanOptions(use_cache=False, limits=Limits(max_seconds=-1, seconds_per_source_mib=0)))
    result = scanner.scan_file(path, "acme")
    assert result.verdict is Verdict.ERROR
    assert result.error is not None and ", while reading " in result.error
    named = result.error.split(", while reading ")[1]
    assert named in {
        "acme/__init__.py",
        "acme-1.0.dist-info/METADATA",
        "acme-1.0.dist-info/WHEEL",
        "acme-1.0.dist-info/RECORD",
    }, named
