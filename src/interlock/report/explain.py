"""`interlock explain`: every signal about one release, and how the policy weighed each into the decision.

The scan report answers "is it safe?"; this answers "why?" — for the engineer deciding whether to
allow, deny, wait or dig in. Everything from the release or the index goes through `printable`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from interlock.analysis.rules.typosquat import TYPOSQUAT, TYPOSQUAT_DEPENDENCY
from interlock.index.selection import upload_datetime
from interlock.intel.advisory_rules import KNOWN_MALICIOUS
from interlock.model.result import ScanResult
from interlock.policy.duration import format_age, format_duration
from interlock.policy.model import Policy
from interlock.policy.show import summarise
from interlock.report.common import (
    accepted_by,
    accepted_findings,
    history_line,
    plural,
    printable,
    split_baseline,
    verdict_after_policy,
)
from interlock.report.text import TextFormatter

_MARKS = {True: "✗", False: "·"}
"""A reason that keeps the release out, and one that is only noted."""


@dataclass(frozen=True)
class Cooldown:
    """What the cooldown allows instead, for a release that is too new."""

    newest_passing: str | None
    """The newest version old enough, or None when none is."""


def explain(
    result: ScanResult,
    policy: Policy,
    now: datetime,
    cooldown: Cooldown | None = None,
    *,
    color: bool = False,
    width: int | None = None,
) -> str:
    """The explanation of one result, ending with a newline."""
    lines = [_title(result), ""]
    lines += _signals(result, now)
    lines += ["", _analysis_line(result)]
    # The findings as the scan report shows them; what the lines above already say is left out.
    findings_only = replace(result, decision=None, previous=None, history_note=None)
    report = TextFormatter(color=color, width=width).render([findings_only]).rstrip("\n").split("\n")
    lines += ["  " + line for line in report[1:] if line.strip()]
    lines += ["", *_policy_block(result, policy, cooldown)]
    return "\n".join(lines) + "\n"


def _title(result: ScanResult) -> str:
    name = f"{result.name}=={result.version}" if result.name and result.version else result.target
    return printable(f"{name}  {result.filename}" if result.filename else name)


def _signals(result: ScanResult, now: datetime) -> list[str]:
    rows = [("sha256", result.sha256 or "not read")]
    record = result.index
    if record is None and not result.filename:
        # A NAME==VERSION the index never served (a local file always has a file name).
        rows.append(("source", f"the index did not serve this release: {result.error or 'no reason given'}"))
    elif record is None:
        rows.append(("source", "a local file: no upload time, provenance or index history"))
    else:
        rows.append(("source", record.url))
        uploaded = upload_datetime(record.upload_time)
        age = (
            f"{uploaded:%Y-%m-%d %H:%M} UTC, {format_age(now - uploaded)} ago"
            if uploaded
            else "unknown (the index does not say)"
        )
        rows.append(("uploaded", age))
        provenance = record.provenance or "not checked"
        if record.publisher:
            provenance += f", published by {record.publisher}"
        if record.provenance_reason:
            provenance += f" ({record.provenance_reason})"
        rows.append(("provenance", provenance))
    rows.append(("history", history_line(result) or "not compared with an earlier release"))
    advisories = [f.message for f in result.findings if f.rule == KNOWN_MALICIOUS.id]
    rows.append(("advisories", "; ".join(advisories) if advisories else "none of the imported advisories names it"))
    squats = [f.message for f in result.findings if f.rule in (TYPOSQUAT.id, TYPOSQUAT_DEPENDENCY.id)]
    rows.append(("name", "; ".join(squats) if squats else "not a near miss of a popular project's name"))
    return [f"  {label:<11} {printable(value)}" for label, value in rows]


def _analysis_line(result: ScanResult) -> str:
    if result.error:
        return f"analysis    could not be analysed: {printable(result.error)}"
    counted, baseline = split_baseline(result)
    line = (
        f"analysis    {result.verdict.value.upper()}, score {result.score}, {plural(len(counted), 'finding')} counted"
    )
    if baseline:
        line += f" ({len(baseline)} more the previous release had too)"
    accepted = accepted_findings(result)
    if accepted:
        after = verdict_after_policy(result).value.upper()
        line += f"; {len(accepted)} of them accepted by {accepted_by(accepted)}: {after} without them"
    return line


def _policy_block(result: ScanResult, policy: Policy, cooldown: Cooldown | None) -> list[str]:
    source = f"{policy.source}" if policy.source else "the built-in policy"
    lines = [f"policy      {printable(source)}: {summarise(policy)}"]
    decision = result.decision
    if decision is None:
        return [*lines, "decision    none (the policy was not applied)"]
    lines.append(
        f"  cooldown for {printable(result.name or 'it')}: {format_duration(policy.cooldown_for(result.name))}"
    )
    lines.append(f"  provenance: {policy.provenance_for(result.name).value}")
    if not decision.reasons:
        lines.append("  · nothing in the policy stands in the way")
    lines += [f"  {_MARKS[reason.blocks]} {printable(reason.message)}" for reason in decision.reasons]
    lines.append(f"decision    {decision.status.value.upper()}")
    if cooldown is not None:
        older = cooldown.newest_passing
        lines.append(
            f"  newest version old enough: {printable(older)}" if older else "  no version of it is old enough yet"
        )
    return lines
