"""What a release does on its own that no earlier code of the project did anywhere.

A trojaned update of an established package adds, to code that runs at import (or install, or
start-up), a capability the package never had: the cluster API called with a service-account
token, other processes' memory read, computed code executed. Each such fact alone may be
routine in some other project; what makes it the signal is that *this* project never did it, in
any file, at any time, before this release. The predecessor's facts are the baseline.
"""

from __future__ import annotations

from collections.abc import Iterable

from interlock.analysis.facts import Capability, Fact, Tag, When
from interlock.analysis.rules.base import finding_from
from interlock.model.findings import Finding, Severity
from interlock.model.rules import Stage, declare

NEW_CAPABILITY = declare(
    "new-capability-on-its-own",
    "code that runs on its own does what no earlier code of the project did",
    (Severity.HIGH, Severity.CRITICAL),
    "A release whose import-, start-up- or install-time code connects out, starts processes, executes "
    "computed code, reads credentials or the environment, or persists — a capability that no file of "
    "the previous release had, even in functions that only run when called. High alone; critical "
    "when the same file's code that runs on its own also reads secrets, runs a hidden payload, starts "
    "a process or persists. Build tools (git, compilers), plugin imports, literal exec, setup.py's "
    "exec of its version file and reading the working directory's `.env` (settings classes do) are not "
    "counted.",
    Stage.HISTORY,
)

# Capabilities a package does not grow overnight in code that runs on its own.
_WATCHED = frozenset(
    {
        Capability.NETWORK,
        Capability.DNS,
        Capability.PROCESS,
        Capability.EXEC,
        Capability.DECODED_EXEC,
        Capability.DOWNLOAD_EXEC,
        Capability.CREDENTIALS,
        Capability.ENV_DUMP,
        Capability.KUBERNETES,
        Capability.PERSISTENCE,
        Capability.INPUT_CAPTURE,
        Capability.EVASION,
        Capability.SHELL_DOWNLOAD,
        Capability.ENCODED_SHELL,
        Capability.MINER,
        Capability.EXFIL_ENDPOINT,
        Capability.CHMOD_EXEC,
    }
)
# With a new capability, any of these in the same file's early code makes an attack.
_AGGRAVATING = frozenset(
    {
        Capability.ENV_SECRET,
        Capability.ENV_DUMP,
        Capability.CREDENTIALS,
        Capability.KUBERNETES,
        Capability.DECODED_EXEC,
        Capability.DOWNLOAD_EXEC,
        Capability.OBFUSCATION,
        Capability.PROCESS,
        Capability.PERSISTENCE,
        Capability.INPUT_CAPTURE,
    }
)


def _counts(fact: Fact) -> bool:
    """A fact that says what the code does, not routine build or plugin machinery."""
    if fact.capability is Capability.PROCESS and Tag.BUILD_TOOL in fact.tags and Tag.RUNS_PYTHON not in fact.tags:
        return False
    if fact.capability is Capability.CREDENTIALS and fact.kind == "dotenv":
        return False  # a settings class reading the project's own `.env` (pydantic-settings' env_file)
    if fact.capability is Capability.EXEC and fact.when is When.INSTALL:
        return False  # setup.py exec'ing its version file: the old idiom, new in a release when it is rewritten
    return not (fact.capability is Capability.EXEC and (Tag.LITERAL_CODE in fact.tags or Tag.MODULE_NAME in fact.tags))


def novelty_findings(old_facts: Iterable[Fact], new_facts: Iterable[Fact]) -> list[Finding]:
    """One finding per file of NEW whose code running on its own has a capability OLD never had."""
    baseline = {fact.capability for fact in old_facts if _counts(fact)}
    early: dict[str, list[Fact]] = {}
    for fact in new_facts:
        if fact.when >= When.IMPORT and _counts(fact):
            early.setdefault(fact.path, []).append(fact)
    findings = []
    for facts in early.values():
        novel = [f for f in facts if f.capability in _WATCHED and f.capability not in baseline]
        if not novel:
            continue
        first = novel[0]
        aggravating = [f for f in facts if f.capability in _AGGRAVATING and f.capability is not first.capability]
        severity = Severity.CRITICAL if aggravating else Severity.HIGH
        message = f"{first.capability.action} {first.when.label} ({first.detail}): no earlier code of the project did"
        if aggravating:
            message += f", and {aggravating[0].capability.action} ({aggravating[0].detail})"
        findings.append(finding_from(NEW_CAPABILITY, severity, first, message))
    return findings
