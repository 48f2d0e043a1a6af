"""The line-by-line scan of source that does not parse (Python 2, damaged, or hostile): coarser
than the syntax tree, never silent."""

from __future__ import annotations

import re

from interlock.analysis.extract.python.report import SourceReport
from interlock.analysis.extract.strings import command_capabilities, is_blob_line
from interlock.analysis.facts import Capability, Fact, Tag, When
from interlock.artifact.limits import MAX_PAYLOAD_FALLBACK_LINES, MAX_STRING_SCAN

SNIPPET = 160


# Calls seen as plain text, for source that does not parse (Python 2, damaged, or hostile).
_FALLBACK_CALLS: list[tuple[re.Pattern[str], Capability]] = [
    (re.compile(r"\b(os\.system|os\.popen|subprocess\.\w+|Popen)\s*\("), Capability.PROCESS),
    (re.compile(r"(?<![\w.])(exec|eval|execfile)\s*[\( ]"), Capability.EXEC),
    (re.compile(r"\b(b64decode|b32decode|unhexlify|decompress|marshal\.loads|fromhex)\s*\("), Capability.DECODE),
    (
        re.compile(r"\b(urlopen|urlretrieve|requests\.(get|post)|socket\.socket|HTTPS?Connection)\s*\("),
        Capability.NETWORK,
    ),
    (re.compile(r"\b(gethostbyname|getaddrinfo)\s*\("), Capability.DNS),
    (re.compile(r"\b(gethostname|getuser|getlogin|platform\.node)\s*\("), Capability.SYSINFO),
]


_MAY_MATCH = re.compile(r"[(\"']|exec|eval")
_STRING_LITERAL = re.compile(r"""(?:[rRbBuU]{0,2})("[^"\n]{4,}"|'[^'\n]{4,}')""")


def scan_text_fallback(
    path: str, text: str, when: When, report: SourceReport, origin: tuple[int, str] | None, scope: str
) -> None:
    """Line-by-line scan used when the AST is unavailable; coarser, never silent. Every line is read
    (the text is bounded by what the archive reader keeps): a payload after padding is still seen."""
    functions = _FunctionBodies()
    base_when = when
    for number, line in enumerate(text.splitlines(), start=1):
        if origin is not None and number > MAX_PAYLOAD_FALLBACK_LINES:
            break  # a hidden payload: already reported as such, and every line of it is costly to read
        if origin is None:
            # Indentation still tells a function's body from the module's, as it does for Python 2.
            when = min(base_when, When.CALL) if functions.inside(line) else base_when
        if origin is None and not _MAY_MATCH.search(line):
            continue  # no call, string literal or exec statement: nothing the patterns below can match
        if len(line) > MAX_STRING_SCAN:
            line = line[:MAX_STRING_SCAN]
        at_line, shown = origin if origin else (number, snippet_of(line))
        hidden = " (in a hidden payload)" if origin is not None else ""
        in_payload = frozenset({Tag.HIDDEN_PAYLOAD}) if origin is not None else frozenset()
        for pattern, capability in _FALLBACK_CALLS:
            match = pattern.search(line)
            if match:
                # Seen as text, a process's command line is unknown.
                tags = in_payload | {Tag.COMPUTED_COMMAND} if capability is Capability.PROCESS else in_payload
                detail = f"{match.group(0).rstrip('( ')} (text match){hidden}"
                report.facts.append(Fact(capability, when, path, at_line, shown, detail, scope, tags=tags))
        # In a decoded payload every line may be a shell command; elsewhere only string literals count.
        texts = [line] if origin is not None else [literal.group(1)[1:-1] for literal in _STRING_LITERAL.finditer(line)]
        for text_part in texts:
            for seen in command_capabilities(text_part):
                report.facts.append(
                    Fact(
                        seen.capability,
                        when,
                        path,
                        at_line,
                        shown,
                        seen.detail + hidden,
                        scope,
                        tags=seen.tags | in_payload,
                        kind=seen.kind,
                        names=seen.names,
                    )
                )
        if "(" in line and is_blob_line(line):
            detail = f"high-entropy line of {len(line)} characters"
            report.facts.append(
                Fact(Capability.OBFUSCATION, when, path, at_line, shown, detail, scope, tags=in_payload, kind="line")
            )


_DEF = re.compile(r"(async\s+)?def\s")


class _FunctionBodies:
    """Follows `def` blocks by indentation, line by line: whether a line is inside a function body
    (which runs when called), not the module's own code (which runs on import)."""

    def __init__(self) -> None:
        self._indents: list[int] = []  # of the `def` lines whose bodies are open

    def inside(self, line: str) -> bool:
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            return bool(self._indents)  # blank lines and comments neither open nor close a block
        indent = len(line) - len(stripped)
        while self._indents and indent <= self._indents[-1]:
            self._indents.pop()
        inside = bool(self._indents)
        if _DEF.match(stripped):
            self._indents.append(indent)
        return inside


def snippet_of(line: str) -> str:
    line = line.strip()
    if len(line) <= SNIPPET:
        return line
    return line[: SNIPPET - 20] + " … " + line[-16:]
