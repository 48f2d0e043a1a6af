"""Durations as a policy writes them: `3d`, `12h`, `1w`, `90m`, `1d12h`, or `0`."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_PART = re.compile(r"(\d{1,6})([wdhm])")
_WHOLE = re.compile(r"(?:\d{1,6}[wdhm])+")


def parse_duration(text: str) -> timedelta:
    """`3d` → 3 days. Parts in weeks (w), days (d), hours (h) and minutes (m) add up (`1d12h`);
    `0` alone means no wait. Raises ValueError for anything else (`3 days`, `-1d`, `1.5d`)."""
    compact = text.strip().lower()
    if compact == "0":
        return timedelta(0)
    if not _WHOLE.fullmatch(compact):
        raise ValueError(f'expected a duration like "3d" or "12h", got {text!r}')
    try:
        return sum((int(count) * _UNITS[unit] for count, unit in _PART.findall(compact)), timedelta(0))
    except OverflowError:  # parts add up past what a timedelta holds (about 2.7 million years)
        raise ValueError(f"duration {text[:40]!r}… is longer than any date can hold") from None


def format_duration(duration: timedelta) -> str:
    """The shortest form `parse_duration` reads back: 3 days → `3d`, 36 hours → `1d12h`, 0 → `0`.
    Seconds are dropped (a cooldown is never that precise); a negative duration reads as `0`."""
    minutes = max(0, int(duration.total_seconds()) // 60)
    if minutes == 0:
        return "0"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    return "".join(parts)


def format_age(age: timedelta) -> str:
    """An age for a person: `2d 3h`, `5h 10m`, `12m`, `under a minute` (two largest units)."""
    if age < timedelta(minutes=1):
        return "under a minute"
    text = format_duration(age)
    parts = re.findall(r"\d+[dhm]", text)
    return " ".join(parts[:2])
