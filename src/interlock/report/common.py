"""Helpers the formats share: making untrusted text safe to show, and ordering findings."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

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
    does not already say (a verdict at or above fail-on, an analysis error), blocking ones first."""
    if result.decision is None:
        return []
    notes = []
    for reason in result.decision.reasons:
        if reason.code.value in {"verdict", "error"}:
            continue
        label = ("TOO NEW" if reason.code.value == "too-new" else "BLOCKED") if reason.blocks else "policy"
        notes.append((label, printable(reason.message), reason.blocks))
    return notes
