"""Rule too-new: a release younger than the cooldown the user asked for.

The litellm 1.82.7/1.82.8 releases were live for under an hour; a cooldown of a day would have
kept every one of their installs out. The age is what the index says the upload time was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from interlock.analysis.evidence import Evidence
from interlock.analysis.findings import Finding, Severity
from interlock.analysis.rules.base import Rule

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([wdhm])\s*$", re.IGNORECASE)
_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}


def parse_duration(text: str) -> timedelta:
    """`3d`, `12h`, `90m`, `2w` → a timedelta; ValueError naming the text otherwise."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r}: expected a duration like 3d, 12h, 90m or 2w")
    return float(match[1]) * _UNITS[match[2].lower()]


def describe(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} minutes"
    if minutes < 48 * 60:
        return f"{minutes // 60} hours"
    return f"{minutes // (24 * 60)} days"


def too_new(upload_time: str | None, cooldown: timedelta, filename: str, now: datetime | None = None) -> Finding | None:
    """A finding when the index says `filename` was uploaded less than `cooldown` ago; None otherwise.

    An index that gives no upload time cannot show the release is old enough: that is a finding too.
    """
    if cooldown <= timedelta(0):
        return None
    if not upload_time:
        return Finding("too-new", Severity.HIGH, "", None, f"the index gives no upload time, so the {describe(cooldown)} cooldown cannot be checked", filename)
    try:
        uploaded = datetime.fromisoformat(upload_time.replace("Z", "+00:00"))
    except ValueError:
        return Finding("too-new", Severity.HIGH, "", None, f"the index gives an unreadable upload time {upload_time[:40]!r}", filename)
    if uploaded.tzinfo is None:
        uploaded = uploaded.replace(tzinfo=timezone.utc)
    age = (now or datetime.now(timezone.utc)) - uploaded
    if age >= cooldown:
        return None
    return Finding(
        "too-new", Severity.HIGH, "", None,
        f"uploaded {describe(max(age, timedelta(0)))} ago, within the {describe(cooldown)} cooldown: too new to trust yet",
        f"{filename} uploaded {upload_time}",
    )


def _raised_from_index_signals(_evidence: Evidence) -> Iterable[Finding]:
    # The age of a release is what the index says about it, not something in its files.
    return ()


RULES = [
    Rule(
        "too-new",
        "a release younger than the cooldown (--min-age)",
        (Severity.HIGH,),
        "With a cooldown (`--min-age 3d`), a release the index says was uploaded more recently is held back: "
        "most malicious releases are found and removed within hours (litellm 1.82.8 lasted under one). Not a "
        "judgement of the code: wait, or pin the previous release.",
        _raised_from_index_signals,
    ),
]
