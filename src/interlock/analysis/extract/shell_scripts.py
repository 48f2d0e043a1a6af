"""Shell scripts a release ships, read line by line for what their commands do.

A script runs when something starts it: a person, or the release's own Python code (`sh
pkg/scripts/setup.sh` at import). Only scripts the release's own code starts on its own are read
(see `engine`), at the time of the earliest-running process fact that names the script's file:
maintainers' scripts that only a person runs (CI, release helpers) download things by design.
"""

from __future__ import annotations

import re

from interlock.analysis.extract.strings import Sighting, command_capabilities, short
from interlock.analysis.facts import Capability, Fact, When
from interlock.artifact.model import Member

_SHELL_SUFFIXES = (".sh", ".bash", ".zsh", ".ksh", ".command")
_SHELL_SHEBANG = re.compile(rb"^#!\s*\S*/(env\s+)?(ba|z|k|da)?sh\b")
# A command line that sends data with curl or wget (an upload, a form or a request body).
_UPLOAD = re.compile(
    r"\b(curl|wget)\b[^\n]*(\s-(T|F|d)\b|--(upload-file|form|data(-binary|-raw|-urlencode)?|post-(data|file))\b)"
)


def is_shell_script(member: Member) -> bool:
    return member.data is not None and (
        member.path.lower().endswith(_SHELL_SUFFIXES) or bool(_SHELL_SHEBANG.match(member.head))
    )


def shell_script_facts(member: Member, when: When) -> list[Fact]:
    """Facts of each line of a shell script that runs at `when`."""
    facts: list[Fact] = []
    text = (member.data or b"").decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.strip()
        if not code or code.startswith("#"):
            continue
        found = command_capabilities(code)
        if _UPLOAD.search(code):
            found.append(Sighting(Capability.NETWORK, f"uploads with {short(code, 80)}"))
        facts.extend(
            Fact(
                seen.capability,
                when,
                member.path,
                number,
                short(code, 120),
                seen.detail,
                "<script>",
                tags=seen.tags,
                kind=seen.kind,
                names=seen.names,
            )
            for seen in found
        )
    return facts


def started_at(script_path: str, facts: list[Fact]) -> When | None:
    """When the release's own code starts the script (the earliest-running process fact naming its
    file, install before import before call); None when nothing in the release starts it."""
    name = script_path.rsplit("/", 1)[-1]
    whens = [
        f.when
        for f in facts
        if f.capability is Capability.PROCESS and (any(name in word for word in f.names) or name in f.snippet)
    ]
    return max(whens, default=None)
