"""The effective policy written out as an `interlock.toml` that reads back to the same policy."""

from __future__ import annotations

import json
from datetime import date

from interlock.policy.duration import format_duration
from interlock.policy.model import IgnoreEntry, PackageEntry, Policy, Provenance


def format_policy(policy: Policy, *, today: date | None = None) -> str:
    """Every setting, defaults included, each list entry with a comment saying where it was
    written (and, given `today`, whether it has expired)."""
    lines = [
        f"# effective policy from {policy.source}" if policy.source else "# no policy file: the defaults",
        f"fail-on = {_string(policy.fail_on.value)}",
        f"cooldown = {_string(format_duration(policy.cooldown))}",
        "",
        "[cooldown-exceptions]",
        *(
            f"{name} = {_string(format_duration(duration))}"
            for name, duration in sorted(policy.cooldown_exceptions.items())
        ),
        "",
        "[provenance]",
        f"default = {_string(policy.provenance_default.value)}",
    ]
    for requirement in Provenance:
        names = sorted(name for name, value in policy.provenance.items() if value is requirement)
        lines.append(f"{requirement.value} = [{', '.join(_string(name) for name in names)}]")
    for kind, entries in (("allow", policy.allow), ("deny", policy.deny), ("ignore", policy.ignore)):
        for entry in entries:
            lines += ["", f"[[{kind}]]  # {_note(entry, today)}", *_entry_lines(entry)]
    return "\n".join(lines) + "\n"


def _entry_lines(entry: PackageEntry | IgnoreEntry) -> list[str]:
    lines = [f"rule = {_string(entry.rule)}"] if isinstance(entry, IgnoreEntry) else []
    if entry.package is not None:
        lines.append(f"package = {_string(entry.package)}")
    if entry.specifier:
        lines.append(f"version = {_string(str(entry.specifier))}")
    lines.append(f"reason = {_string(entry.reason)}")
    if entry.expires is not None:
        lines.append(f"expires = {entry.expires.isoformat()}")
    return lines


def _note(entry: PackageEntry | IgnoreEntry, today: date | None) -> str:
    if today is not None and entry.expired(today):
        return f"{entry.origin}, EXPIRED on {entry.expires}: not applied"
    return entry.origin


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are all valid TOML escapes; TOML also forbids a raw DEL."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def summarise(policy: Policy) -> str:
    """`fail-on suspicious, cooldown 3d (1 exception), 2 allow, 1 deny, 0 ignore, 1 provenance entries`."""
    exceptions = len(policy.cooldown_exceptions)
    cooldown = format_duration(policy.cooldown)
    if exceptions:
        cooldown += f" ({exceptions} exception{'s' if exceptions != 1 else ''})"
    return (
        f"fail-on {policy.fail_on.value}, cooldown {cooldown}, {len(policy.allow)} allow, {len(policy.deny)} deny, "
        f"{len(policy.ignore)} ignore, {len(policy.provenance)} provenance entries "
        f"(default {policy.provenance_default.value})"
    )


def expired_warnings(policy: Policy, today: date) -> list[str]:
    """One line per entry that has expired by `today` and is therefore no longer applied."""
    entries: list[tuple[str, PackageEntry | IgnoreEntry]] = [
        *(("allow", e) for e in policy.allow),
        *(("deny", e) for e in policy.deny),
        *(("ignore", e) for e in policy.ignore),
    ]
    return [
        f"{entry.origin}: {kind} entry for {entry.scope} expired on {entry.expires}: no longer applied"
        for kind, entry in entries
        if entry.expired(today)
    ]
