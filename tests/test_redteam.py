"""The red-team samples (bench/redteam_samples.py), built in memory and scanned with the engine.

Every benign look-alike must stay clean, and every trojan must be judged at least the verdict
recorded for it, so that README's figure ("43 of 48 malicious, 17 of 17 look-alikes clean") cannot
fall silently. Nothing is written, installed or run: the samples are strings turned into archive
bytes by the same builders bench/redteam.py uses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bench.redteam_samples import SAMPLES, Sample

from interlock.analysis.engine import scan_artifact
from interlock.artifact.reader import read_artifact_bytes
from interlock.model.verdict import Verdict

README = Path(__file__).resolve().parents[1] / "README.md"


def _summary(sample: Sample) -> str:
    return f"{sample.name} ({sample.where})"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.name)
def test_each_sample_is_judged_at_least_as_recorded(sample: Sample) -> None:
    result = scan_artifact(read_artifact_bytes(sample.filename, sample.build()), sample.filename)
    found = [f"{f.rule}/{f.severity.label} {f.path}:{f.line}" for f in result.findings]
    assert result.verdict is not Verdict.ERROR, f"{_summary(sample)}: {result.error}"
    if sample.malicious:
        assert result.verdict.rank >= Verdict(sample.expect).rank, (
            f"{_summary(sample)} fell to {result.verdict} from {sample.expect}: {found}"
        )
    else:
        assert result.verdict is Verdict.CLEAN, f"look-alike {_summary(sample)} is {result.verdict}: {found}"


def test_the_samples_are_the_red_team_pass_and_readme_states_their_floors() -> None:
    trojans = [s for s in SAMPLES if s.malicious]
    look_alikes = [s for s in SAMPLES if not s.malicious]
    caught = sum(s.expect == "malicious" for s in trojans)
    assert (len(trojans), len(look_alikes)) == (48, 17)
    assert len({s.pkg for s in SAMPLES}) == len({s.filename for s in SAMPLES}) == len(SAMPLES)
    readme = " ".join(README.read_text(encoding="utf-8").split())
    claim = re.search(r"\*\*(\d+) of (\d+)\*\* `malicious`.*?(\d+) of (\d+) look-alikes `clean`", readme)
    assert claim, "README no longer states the red-team figures"
    assert tuple(map(int, claim.groups())) == (caught, len(trojans), len(look_alikes), len(look_alikes))
