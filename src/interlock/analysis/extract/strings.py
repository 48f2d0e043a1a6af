"""What a string constant reveals: credential paths, persistence spots, drop URLs, command lines, blobs."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from typing import NamedTuple

from interlock.analysis.extract import patterns
from interlock.analysis.facts import Capability, Tag
from interlock.artifact.limits import MAX_STRING_SCAN

_BLOB_MIN = 1024
# Kinds of hidden PowerShell: a base64 -EncodedCommand, or only a hidden window (the command readable).
ENCODED, HIDDEN_WINDOW = "encoded-command", "hidden-window"
# A bare (dotted) identifier such as `properties.exclusionPath` names a field of a data structure —
# a cloud SDK's model of an antivirus setting — not an action: the setting is changed by a command
# (`Add-MpPreference -ExclusionPath …`), which has spaces. (A bare `vmtoolsd` or `IsDebuggerPresent`
# is still a sign: only sandbox checks look those names up.)
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_SETTING_NAMES = frozenset({"exclusionpath", "disablerealtimemonitoring"})


class Sighting(NamedTuple):
    """A capability a string reveals, with what rules need to know of it."""

    capability: Capability
    detail: str
    """For people: the string, shortened."""
    kind: str = ""
    """The credential store a path belongs to (`ssh`, `aws`, …)."""
    tags: frozenset[Tag] = frozenset()
    names: tuple[str, ...] = ()
    """The URL, for an endpoint."""


def string_capabilities(value: str) -> list[Sighting]:
    """Capabilities that a string constant reveals (credential paths, persistence spots, URLs)."""
    text = value[:MAX_STRING_SCAN]
    if len(text) < 4 or (len(text) > 200 and "\n" in text) or not patterns.DATA_PREFILTER.search(text.lower()):
        return []  # too short to mean anything, or documentation and templates rather than a path or URL
    return list(_data_capabilities(text))


@functools.lru_cache(maxsize=4096)
def _data_capabilities(text: str) -> tuple[Sighting, ...]:
    found = [
        Sighting(Capability.CREDENTIALS, f"{category}: {short(text)}", kind=category)
        for category in patterns.credential_categories(text)
    ]
    if patterns.PERSISTENCE_PATTERN.search(text):
        found.append(Sighting(Capability.PERSISTENCE, short(text)))
    if patterns.KUBERNETES_PATTERN.search(text):
        found.append(Sighting(Capability.KUBERNETES, short(text)))
    if patterns.is_exfil_endpoint(text):
        found.append(endpoint_sighting(text))
    evasion = patterns.EVASION_PATTERN.search(text)
    if evasion and not (_IDENTIFIER.match(text) and evasion.group(0).lower() in _SETTING_NAMES):
        found.append(Sighting(Capability.EVASION, short(text)))
    if patterns.MINER_PATTERN.search(text):
        found.append(Sighting(Capability.MINER, short(text)))
    return tuple(found)


def endpoint_sighting(url: str) -> Sighting:
    """A data-drop endpoint; tagged when it is one no library has reason to hard-code."""
    tags = frozenset({Tag.DROP_SITE}) if patterns.STRONG_DROP_PATTERN.search(url) else frozenset()
    return Sighting(Capability.EXFIL_ENDPOINT, short(url), tags=tags, names=(short(url),))


def command_capabilities(command: str) -> list[Sighting]:
    """What a command line (run by a process call, or a decoded shell payload) does."""
    found = string_capabilities(command)
    if patterns.SHELL_DOWNLOAD_PATTERN.search(command[:MAX_STRING_SCAN]):
        found.append(Sighting(Capability.SHELL_DOWNLOAD, short(command)))
    if patterns.ENCODED_SHELL_PATTERN.search(command[:MAX_STRING_SCAN]):
        encoded = patterns.ENCODED_COMMAND_PATTERN.search(command[:MAX_STRING_SCAN])
        found.append(Sighting(Capability.ENCODED_SHELL, short(command), kind=ENCODED if encoded else HIDDEN_WINDOW))
    return found


def short(text: str, limit: int = 100) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shannon_entropy(text: str) -> float:
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def is_blob(value: str | bytes) -> bool:
    """A long run of encoded data: base64/hex-like alphabet and high entropy."""
    if len(value) < _BLOB_MIN:
        return False
    sample = value[:8192]
    text = sample if isinstance(sample, str) else sample.decode("latin-1")
    if " " in text[:200] and text.count(" ") > len(text) / 50:
        return False  # prose, not encoding
    return shannon_entropy(text) > 4.5


def is_blob_line(line: str) -> bool:
    return len(line) >= 4 * _BLOB_MIN and is_blob(max(re.findall(r"[A-Za-z0-9+/=_-]{64,}", line) or [""], key=len))
