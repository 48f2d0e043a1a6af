"""Helpers the formats share: making untrusted text safe to show, ordering findings and results,
grouping findings by place, and what the policy made of a result."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from interlock.model.decision import Accepted
from interlock.model.findings import Finding, Severity
from interlock.model.result import Changes, ScanResult
from interlock.model.verdict import Verdict

VERDICT_ORDER = (Verdict.MALICIOUS, Verdict.SUSPICIOUS, Verdict.ERROR, Verdict.CLEAN)
"""Most urgent first: the order of summaries."""

MAX_MINOR_SHOWN = 5
"""Low and info findings shown per result before the rest are summarised as a count."""

_MINOR = (Severity.LOW, Severity.INFO)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": " "}
# Cc: C0/C1 controls (ESC starts terminal escape sequences, U+009B is a one-byte CSI);
# Cf: invisible format characters (bidi overrides hide code, as in "Trojan Source");
# Zl/Zp: line and paragraph separators; Cs: lone surrogates, which cannot even be encoded.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def printable(text: object) -> str:
    """`text` with every control or invisible character replaced by a visible escape like `\\x1b`.

    Evidence comes from the package under inspection and may carry terminal escape sequences or
    bidi overrides meant to hide what it is; escaping the introducer makes the rest inert text.
    """
    text = "" if text is None else str(text)
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif unicodedata.category(char) in _UNSAFE_CATEGORIES:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, saying how much was left out.

    A limit shorter than that notice itself gets just the notice.
    """
    if len(text) <= limit:
        return text
    keep = limit
    # The suffix takes room from the text, and its count must include the characters it displaced.
    while True:
        suffix = f"… ({len(text) - keep} more characters)"
        if keep + len(suffix) <= limit or keep == 0:
            return text[:keep] + suffix
        keep = max(0, limit - len(suffix))


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first. Within a severity the engine's order is kept (a stable sort): it puts the
    finding that explains most — the earliest-running code, the threat before its parts — first."""
    return sorted(findings, key=lambda finding: -int(finding.severity))


def split_shown(findings: Sequence[Finding], max_minor: int = MAX_MINOR_SHOWN) -> tuple[list[Finding], int]:
    """The findings to list (all medium and above, at most `max_minor` low/info) and how many were left out."""
    shown: list[Finding] = []
    hidden = 0
    minor = 0
    for finding in by_severity(findings):
        if finding.severity in _MINOR:
            minor += 1
            if minor > max_minor:
                hidden += 1
                continue
        shown.append(finding)
    return shown, hidden


def same_evidence(first: Finding, second: Finding) -> bool:
    """Whether two findings point at the same code: several rules often fire on one line."""
    return (first.path, first.line, first.evidence) == (second.path, second.line, second.evidence)


def positive_line(line: object) -> bool:
    """Whether `line` is a usable 1-based line number (bool is an int, but not a line)."""
    return type(line) is int and line >= 1


def location(finding: Finding) -> str:
    """`path:line`, `path`, or a placeholder for findings about the artifact as a whole."""
    path = printable(finding.path) or "(whole artifact)"
    return f"{path}:{finding.line}" if positive_line(finding.line) else path


def display_name(result: ScanResult) -> str:
    """`name version` when known, else what the user asked for."""
    if result.name:
        return printable(f"{result.name} {result.version}" if result.version else result.name)
    return printable(result.target or result.filename or "(unnamed target)")


def verdict_counts(results: Iterable[ScanResult]) -> list[tuple[Verdict, int]]:
    """(verdict, count) for every verdict present, most urgent first."""
    counts = Counter(result.verdict for result in results)
    return [(verdict, counts[verdict]) for verdict in VERDICT_ORDER if counts[verdict]]


def plural(count: int, noun: str) -> str:
    """`1 finding`, `2 findings`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def split_baseline(result: ScanResult) -> tuple[list[Finding], list[Finding]]:
    """(findings that count, findings the previous release had too). Outside a diff all count;
    in one, see `Previous.counts`."""
    previous = result.previous
    if previous is None:
        return list(result.findings), []
    counted = [f for f in result.findings if previous.counts(f)]
    baseline = [f for f in result.findings if not previous.counts(f)]
    return counted, baseline


def history_line(result: ScanResult) -> str:
    """`compared with NAME==1.0 (file)`, or why the release was judged alone."""
    if result.previous is not None:
        previous = result.previous
        filename = printable(previous.filename)
        label = printable(previous.label)
        shown = label if filename in label else f"{label} ({filename})"
        return f"compared with {shown}: findings marked NEW are not in it"
    return printable(result.history_note or "")


# Added files that deserve a name in the summary, not just a count.
_NOTABLE_SUFFIXES = {
    ".pth": "start-up hook",
    ".so": "binary",
    ".pyd": "binary",
    ".dll": "binary",
    ".exe": "binary",
    ".dylib": "binary",
}
_NOTABLE_NAMES = {
    "sitecustomize.py": "start-up hook",
    "usercustomize.py": "start-up hook",
    "setup.py": "install script",
    "entry_points.txt": "entry points",
}


def notable_files(paths: Iterable[str]) -> list[tuple[str, str]]:
    """(path, kind) for start-up hooks, install scripts, entry points and binaries among `paths`."""
    notable = []
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        kind = _NOTABLE_NAMES.get(name) or next(
            (k for suffix, k in _NOTABLE_SUFFIXES.items() if name.endswith(suffix)), None
        )
        if kind:
            notable.append((path, kind))
    return notable


def changes_line(changes: Changes) -> str:
    """One line: counts of added/removed/changed files, naming added hooks and binaries."""
    line = (
        f"files: {len(changes.added)} added, {len(changes.removed)} removed, "
        f"{len(changes.changed)} changed, {changes.unchanged} unchanged"
    )
    notable = notable_files(changes.added)
    if notable:
        shown = ", ".join(f"{printable(path)} ({kind})" for path, kind in notable[:5])
        line += f"; added {shown}" + (f" and {len(notable) - 5} more" if len(notable) > 5 else "")
    if changes.removed:
        shown = ", ".join(printable(path) for path in changes.removed[:5])
        line += f"; removed {shown}" + (f" and {len(changes.removed) - 5} more" if len(changes.removed) > 5 else "")
    return line


def policy_notes(result: ScanResult) -> list[tuple[str, str, bool]]:
    """What the policy adds to the verdict, as (label, message, blocks): the reasons the headline
    does not already say (a verdict at or above fail-on, an analysis error), blocking ones first.
    An ignore entry that took findings out of the count is labelled `accepted`."""
    if result.decision is None:
        return []
    notes = []
    for reason in result.decision.reasons:
        if reason.code.value in {"verdict", "error"}:
            continue
        if reason.blocks:
            label = "TOO NEW" if reason.code.value == "too-new" else "BLOCKED"
        else:
            label = "accepted" if reason.code.value == "ignored" else "policy"
        notes.append((label, printable(reason.message), reason.blocks))
    return notes


# --- What the policy made of a result -------------------------------------------------------


def verdict_after_policy(result: ScanResult) -> Verdict:
    """The verdict once the policy's ignore entries took out the findings they accept: what a
    person should read in a headline. Without a decision, the analysis verdict."""
    return result.decision.verdict if result.decision is not None else result.verdict


def score_after_policy(result: ScanResult) -> int:
    """The score once accepted findings are taken out."""
    return result.decision.score if result.decision is not None else result.score


def accepted_findings(result: ScanResult) -> tuple[Accepted, ...]:
    """The findings an ignore entry of the policy accepted, each with the entry's file:line."""
    return result.decision.accepted if result.decision is not None else ()


def accepted_by(accepted: Iterable[Accepted], most: int = 4) -> str:
    """The policy lines that accepted findings, compactly: `interlock.toml:12,20 and 3 more`."""
    lines_by_file: dict[str, list[str]] = {}
    for item in accepted:
        origin = printable(item.origin) or "the policy"
        file, colon, line = origin.rpartition(":")
        if not (colon and line.isdigit()):
            file, line = origin, ""
        lines = lines_by_file.setdefault(file, [])
        if line not in lines:
            lines.append(line)
    parts = []
    for file, lines in lines_by_file.items():
        numbers = [line for line in lines if line]
        shown = ",".join(numbers[:most])
        more = f" and {len(numbers) - most} more" if len(numbers) > most else ""
        parts.append(f"{file}:{shown}{more}" if numbers else file)
    return ", ".join(parts)


def counted_findings(result: ScanResult) -> tuple[list[Finding], list[Finding]]:
    """`split_baseline` without the findings the policy accepted: (findings that count, findings
    the previous release had too)."""
    counted, baseline = split_baseline(result)
    accepted = [item.finding for item in accepted_findings(result)]
    if not accepted:
        return counted, baseline
    return _without(counted, accepted), _without(baseline, accepted)


def _without(findings: list[Finding], removed: list[Finding]) -> list[Finding]:
    """`findings` less one occurrence of each of `removed` (findings are values: two may be equal)."""
    left = list(removed)
    kept = []
    for finding in findings:
        if finding in left:
            left.remove(finding)
        else:
            kept.append(finding)
    return kept


def is_flagged(result: ScanResult) -> bool:
    """Whether a person must look at it: kept out by the policy, a verdict other than clean once
    accepted findings are taken out, or not analysed."""
    blocked = result.decision is not None and result.decision.blocked
    return blocked or verdict_after_policy(result) is not Verdict.CLEAN


def urgency(result: ScanResult) -> tuple[int, int, int]:
    """Sort key, most urgent first: kept out before let through, then by verdict (malicious first),
    then what the policy accepted before what had nothing to accept."""
    blocked = result.decision is not None and result.decision.blocked
    return (
        0 if blocked else 1,
        VERDICT_ORDER.index(verdict_after_policy(result)),
        0 if accepted_findings(result) else 1,
    )


def verdict_counts_after_policy(results: Iterable[ScanResult]) -> list[tuple[Verdict, int]]:
    """`verdict_counts` of the verdicts after the policy: an accepted finding is not counted."""
    counts = Counter(verdict_after_policy(result) for result in results)
    return [(verdict, counts[verdict]) for verdict in VERDICT_ORDER if counts[verdict]]


def counts_line(results: Sequence[ScanResult]) -> str:
    """`4 artifacts: 1 malicious, 1 error, 2 clean (1 with accepted findings)`."""
    counts = ", ".join(f"{count} {verdict.value}" for verdict, count in verdict_counts_after_policy(results))
    line = f"{plural(len(results), 'artifact')}: {counts}"
    with_accepted = sum(1 for result in results if accepted_findings(result))
    if with_accepted:
        line += f" ({with_accepted} with accepted findings)"
    return line


# --- Triage: what a report of many results lists ---------------------------------------------


class Show(StrEnum):
    """Which results a report of several lists in full."""

    TRIAGE = "triage"
    """The flagged ones, most urgent first, then a one-line count of the rest (a lone result is always shown)."""
    ALL = "all"
    """Every result, most urgent first."""
    FLAGGED = "flagged"
    """Only the flagged ones (kept out, not clean, or not analysed)."""


@dataclass(frozen=True)
class Triage:
    """The results a report lists, and how many clean ones it only counts."""

    listed: list[ScanResult]
    """Most urgent first."""
    unlisted: list[ScanResult]
    """Not flagged and not listed: counted on one line."""
    show: Show


def triage(results: Sequence[ScanResult], show: Show = Show.TRIAGE) -> Triage:
    """Which of `results` a report lists, most urgent first (a stable sort: input order within a rank)."""
    ordered = sorted(results, key=urgency)
    if show is Show.ALL or (show is Show.TRIAGE and len(ordered) == 1):
        return Triage(ordered, [], show)
    listed = [result for result in ordered if is_flagged(result)]
    unlisted = [result for result in ordered if not is_flagged(result)]
    return Triage(listed, unlisted, show)


def unlisted_line(triaged: Triage) -> str:
    """`312 clean releases not listed (--all lists them)`, or '' when every result is listed."""
    if not triaged.unlisted:
        return ""
    count = len(triaged.unlisted)
    line = f"{count} clean {'release' if count == 1 else 'releases'} not listed"
    with_accepted = sum(1 for result in triaged.unlisted if accepted_findings(result))
    if with_accepted:
        line += f", {with_accepted} of them with accepted findings"
    return line + " (--all lists them)"


# --- Places: findings grouped by file and line -----------------------------------------------


@dataclass(frozen=True)
class Place:
    """Every finding at one file:line, most severe first: one headline in a report."""

    path: str
    line: int | None
    findings: tuple[Finding, ...]
    kind: str
    """What the file is when that matters (`new start-up hook`, `install script`, `new file`), or ''."""

    @property
    def lead(self) -> Finding:
        """The finding the headline speaks for: the most severe, the engine's first among equals."""
        return self.findings[0]

    @property
    def others(self) -> tuple[Finding, ...]:
        return self.findings[1:]

    @property
    def severity(self) -> Severity:
        return self.lead.severity

    @property
    def location(self) -> str:
        return location(self.lead)

    @property
    def new(self) -> bool:
        """In a diff: whether anything at this place is new."""
        return any(finding.new for finding in self.findings)

    @property
    def tags(self) -> list[str]:
        """The rule ids found here, the lead's first, each once: what the code at this place can do."""
        return list(dict.fromkeys(printable(finding.rule) for finding in self.findings))

    @property
    def snippet(self) -> Finding | None:
        """The finding whose code (the change around it, or the line) is shown for the place."""
        for finding in self.findings:
            if finding.context or printable(finding.evidence).strip():
                return finding
        return None

    def headline(self) -> str:
        """`litellm_init.pth:1 — new start-up hook: <the lead's message>` (already printable)."""
        kind = f"{self.kind}: " if self.kind else ""
        return f"{self.location} — {kind}{printable(self.lead.message)}"


def group_by_place(findings: Iterable[Finding], added: Iterable[str] = ()) -> list[Place]:
    """`findings` grouped by file and line, the worst place first: by its most severe finding, then
    by how many findings of that severity it has, then by where the engine put its first finding.
    `added` names the files the previous release lacked (`Changes.added`), to call them new."""
    ordered = by_severity(findings)
    # Dicts keep insertion order: places come out in the order of their first (most severe) finding.
    groups: dict[tuple[str, int | None], list[Finding]] = {}
    for finding in ordered:
        line = finding.line if positive_line(finding.line) else None
        groups.setdefault((finding.path, line), []).append(finding)
    new_files = frozenset(added)
    places = [Place(path, line, tuple(group), _place_kind(path, new_files)) for (path, line), group in groups.items()]
    return sorted(
        places, key=lambda place: (-int(place.severity), -sum(f.severity is place.severity for f in place.findings))
    )


def _place_kind(path: str, added: frozenset[str]) -> str:
    """`new start-up hook`, `install script`, `new file`, or '' for an ordinary file."""
    if not path:
        return ""
    notable = notable_files([path])
    kind = notable[0][1] if notable else ""
    # Changes name files as installed; an sdist's findings carry its root folder in front.
    new = path in added or any(path.endswith("/" + name) for name in added)
    if new:
        return f"new {kind}" if kind else "new file"
    return kind


def middle_shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, the middle replaced by `…`: a file name keeps its
    project at the front and its version and tags at the end."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    # The end (version, tags, suffix) tells files of one project apart: it gets the odd character.
    tail = limit // 2
    head = limit - 1 - tail
    return text[:head] + "…" + text[len(text) - tail :]
