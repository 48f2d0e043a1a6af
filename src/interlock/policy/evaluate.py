"""Applying a policy to a scan result: the decision a gate acts on, with every reason for it.

The order, and what overrides what:

1. **ignore** entries drop the findings of their rule (for their package and versions), and the
   verdict is decided again from what is left (`analysis/verdict.py`).
2. **deny**: a release on the deny list is blocked, whatever the analysis says (it need not even
   be analysed), and regardless of `fail-on`.
3. a **known-malicious** finding (a published advisory names the release) blocks; neither the
   allow list nor an ignore entry can lift it, nor `fail-on = "never"`.
4. **allow**: a release on the allow list is not blocked by its analysis verdict (a known false
   positive). Allow does not lift a deny entry, a known-malicious advisory, the cooldown or a
   provenance requirement: each of those is a separate statement the policy makes.
5. the **verdict**: `error` (could not analyse) blocks — fail closed; otherwise a verdict at or
   above `fail-on` blocks.
6. **provenance**: a package whose provenance is required is blocked unless its provenance
   verified (absent, invalid, unverifiable or not checked all block).
7. **cooldown**: a release younger than its cooldown is `too-new` — a status of its own, so a
   gate can block it without calling it malicious and say when it may pass, or offer
   `newest_passing()`. When an index serves a release without an upload time, its age cannot
   be shown and the cooldown fails closed (`block`); a local file has no upload time to check,
   and a warning reason says the cooldown was not applied.

Expired entries are not applied; each adds a warning reason naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from packaging.version import InvalidVersion, Version

from interlock.analysis.verdict import decide
from interlock.index.selection import upload_datetime
from interlock.model.decision import Accepted, PolicyDecision, Reason, ReasonCode, Status
from interlock.model.findings import Finding
from interlock.model.result import ScanResult
from interlock.model.verdict import Verdict
from interlock.policy.duration import format_age, format_duration
from interlock.policy.load import KNOWN_MALICIOUS_RULE
from interlock.policy.model import FailOn, IgnoreEntry, PackageEntry, Policy, Provenance

VERIFIED_PROVENANCE = "verified"
"""The provenance status that satisfies a requirement (the provenance layer's `verified`)."""


def apply_policy(
    policy: Policy,
    result: ScanResult,
    *,
    now: datetime,
    upload_time: datetime | None = None,
    provenance_status: str | None = None,
    from_index: bool = False,
) -> PolicyDecision:
    """Decide what happens to the release `result` describes. `now` and `upload_time` are
    timezone-aware (naive ones are taken as UTC); entry expiry is judged on `now`'s date.
    `provenance_status` is the provenance layer's status (`verified`, `none`, `invalid`,
    `unverifiable`), or None when provenance was not checked. `from_index` says the release was
    served by an index: then an unknown upload time fails the cooldown closed (the index could
    have said and did not), where for a local file it is only a warning."""
    now = _aware(now)
    today = now.date()
    reasons: list[Reason] = []
    name, version = result.name, result.version

    findings, accepted = _apply_ignores(policy.ignore, result, today, reasons)
    verdict, score = result.verdict, result.score
    if accepted and verdict is not Verdict.ERROR:
        # In a diff, what the predecessor had too still does not count (see Previous.counts).
        previous = result.previous
        verdict, score = decide([f for f in findings if previous is None or previous.counts(f)])

    deny = _matching(policy.deny, name, version, today, "deny", reasons, unknown_version=True)
    allow = _matching(policy.allow, name, version, today, "allow", reasons, unknown_version=False)
    if deny is not None:
        reasons.append(Reason(ReasonCode.DENIED, f"on the deny list ({deny.origin}): {deny.reason}", True))
    advisories = [f for f in findings if f.rule == KNOWN_MALICIOUS_RULE]
    for advisory in advisories:
        reasons.append(Reason(ReasonCode.KNOWN_MALICIOUS, f"known malicious: {advisory.message}", True))
    if allow is not None and deny is None:
        reasons.append(
            Reason(
                ReasonCode.ALLOWED,
                f"on the allow list ({allow.origin}): {allow.reason}; verdict {verdict.value} does not block",
                False,
            )
        )
    else:
        reasons.extend(_verdict_reasons(policy.fail_on, verdict, result))

    reasons.extend(_provenance_reasons(policy, name, provenance_status))
    age = _aware(now) - _aware(upload_time) if upload_time is not None else None
    reasons.extend(_cooldown_reasons(policy.cooldown_for(name), age, upload_time, from_index))

    blocking = [r for r in reasons if r.blocks]
    if not blocking:
        status = Status.PASS
    elif all(r.code is ReasonCode.TOO_NEW for r in blocking):
        status = Status.TOO_NEW
    else:
        status = Status.BLOCK
    ordered = tuple(sorted(reasons, key=lambda r: not r.blocks))
    return PolicyDecision(status, verdict, score, tuple(findings), ordered, age, accepted)


def newest_passing(
    versions_with_upload_times: Iterable[tuple[Version | str, datetime | None]],
    cooldown: timedelta,
    now: datetime,
    *,
    prereleases: bool = False,
) -> Version | None:
    """The newest version at least `cooldown` old at `now`, or None. With a cooldown, a version
    whose upload time is unknown does not pass (its age cannot be shown); strings that are not
    valid versions are skipped; pre-releases only count with `prereleases`, as with pip."""
    now = _aware(now)
    passing: list[Version] = []
    for raw, uploaded in versions_with_upload_times:
        try:
            version = raw if isinstance(raw, Version) else Version(raw)
        except InvalidVersion:
            continue
        if version.is_prerelease and not prereleases:
            continue
        if cooldown > timedelta(0) and (uploaded is None or now - _aware(uploaded) < cooldown):
            continue
        passing.append(version)
    return max(passing, default=None)


def _apply_ignores(
    ignores: tuple[IgnoreEntry, ...], result: ScanResult, today: date, reasons: list[Reason]
) -> tuple[list[Finding], tuple[Accepted, ...]]:
    """The findings that still count, and those dropped with the entry that dropped each. A finding
    is dropped by the first live entry covering it; an expired entry that covers it is only noted."""
    kept: list[Finding] = []
    accepted: list[Accepted] = []
    dropped: dict[IgnoreEntry, int] = {}
    expired: dict[IgnoreEntry, None] = {}
    for finding in result.findings:
        covering = [e for e in ignores if e.covers(finding.rule, result.name, result.version)]
        live = next((e for e in covering if not e.expired(today)), None)
        if live is not None and finding.rule != KNOWN_MALICIOUS_RULE:
            dropped[live] = dropped.get(live, 0) + 1
            accepted.append(Accepted(finding, live.origin, live.reason))
            continue
        kept.append(finding)
        expired.update(dict.fromkeys(e for e in covering if e.expired(today)))
    for entry, count in dropped.items():
        plural = "finding" if count == 1 else "findings"
        reasons.append(
            Reason(
                ReasonCode.IGNORED, f"{count} {plural} of {entry.scope} ignored ({entry.origin}): {entry.reason}", False
            )
        )
    reasons.extend(_expired_reason("ignore", entry) for entry in expired)
    return kept, tuple(accepted)


def _matching(
    entries: tuple[PackageEntry, ...],
    name: str | None,
    version: str | None,
    today: date,
    kind: str,
    reasons: list[Reason],
    *,
    unknown_version: bool,
) -> PackageEntry | None:
    """The first live entry covering the release; expired ones that would have covered it are noted."""
    for entry in entries:
        if not entry.covers(name, version, unknown_version=unknown_version):
            continue
        if entry.expired(today):
            reasons.append(_expired_reason(kind, entry))
            continue
        return entry
    return None


def _expired_reason(kind: str, entry: PackageEntry | IgnoreEntry) -> Reason:
    return Reason(
        ReasonCode.EXPIRED,
        f"{kind} entry for {entry.scope} ({entry.origin}) expired on {entry.expires}: not applied",
        False,
    )


def _verdict_reasons(fail_on: FailOn, verdict: Verdict, result: ScanResult) -> list[Reason]:
    if verdict is Verdict.ERROR:
        return [Reason(ReasonCode.ERROR, f"could not be analysed: {result.error or 'unknown error'}", True)]
    threshold = fail_on.threshold
    if threshold is not None and verdict.rank >= threshold.rank:
        return [Reason(ReasonCode.VERDICT, f"verdict {verdict.value} is at or above fail-on {fail_on.value}", True)]
    return []


def _provenance_reasons(policy: Policy, name: str | None, status: str | None) -> list[Reason]:
    if policy.provenance_for(name) is not Provenance.REQUIRED or status == VERIFIED_PROVENANCE:
        return []
    found = "was not checked" if status is None else f"is {status}"
    return [Reason(ReasonCode.PROVENANCE, f"provenance is required for {name or 'this release'} but {found}", True)]


def _cooldown_reasons(
    cooldown: timedelta, age: timedelta | None, upload_time: datetime | None, from_index: bool
) -> list[Reason]:
    if cooldown <= timedelta(0):
        return []
    if age is None:
        if from_index:
            message = (
                f"the index gives no upload time: the cooldown of {format_duration(cooldown)} "
                "cannot be shown to have passed"
            )
            return [Reason(ReasonCode.COOLDOWN_UNCHECKED, message, True)]
        message = f"upload time unknown: the cooldown of {format_duration(cooldown)} could not be checked"
        return [Reason(ReasonCode.COOLDOWN_UNCHECKED, message, False)]
    if age >= cooldown:
        return []
    assert upload_time is not None
    passes = _aware(upload_time) + cooldown
    message = (
        f"too new (uploaded {format_age(age)} ago, cooldown {format_duration(cooldown)}); "
        f"passes after {passes:%Y-%m-%d %H:%M} UTC"
    )
    return [Reason(ReasonCode.TOO_NEW, message, True)]


def _aware(moment: datetime) -> datetime:
    """Naive datetimes are UTC (index upload times are); everything is compared in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def decide_result(policy: Policy, result: ScanResult, now: datetime) -> PolicyDecision:
    """`apply_policy` with what the result carries about where it came from: the upload time and
    provenance status the index gave, for a release judged from an index."""
    record = result.index
    if record is None:
        return apply_policy(policy, result, now=now)
    return apply_policy(
        policy,
        result,
        now=now,
        upload_time=upload_datetime(record.upload_time),
        provenance_status=record.provenance,
        from_index=True,
    )
