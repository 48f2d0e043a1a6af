"""Threats: capabilities that together, in one file or one function, make an attack."""

from __future__ import annotations

from collections.abc import Iterable

from interlock.analysis.evidence import Evidence
from interlock.analysis.extract import patterns
from interlock.analysis.extract.roles import is_python, is_test, is_test_or_example
from interlock.analysis.facts import Capability, Fact, Tag, When, action
from interlock.analysis.rules.base import checks, files_rule, finding_from
from interlock.model.findings import Finding, Severity

_SENDS = {Capability.NETWORK, Capability.EXFIL_ENDPOINT, Capability.DNS}
_RUNS = {Capability.PROCESS, Capability.EXEC, Capability.CHMOD_EXEC}
_IDENTITY = {
    Capability.SYSINFO,
    Capability.ENV_DUMP,
    Capability.ENV_SECRET,
    Capability.CREDENTIALS,
    Capability.INPUT_CAPTURE,
}
_ACTS = {Capability.EXEC, Capability.PROCESS, Capability.NETWORK, Capability.DECODED_EXEC, Capability.DOWNLOAD_EXEC}
_HARVEST_CATEGORIES = 3
_CONTACTS = {Capability.NETWORK, Capability.DNS, Capability.PROCESS}
_THREAT_KINDS_FOR_MALICIOUS = 3
_LITTLE_ELSE_BYTES = 64 * 1024


def _category(fact: Fact) -> str:
    """The credential store a credentials fact touches (`ssh`, `aws`, `browser`, …)."""
    return fact.kind


CREDENTIAL_EXFILTRATION = files_rule(
    "credential-exfiltration",
    "reads credential stores and sends data out",
    (Severity.CRITICAL,),
    "A file that reads several kinds of credentials (SSH, cloud, kube, docker, .env, browsers, wallets) "
    "and talks to the network, or reads any credential and sends data without being called. This is the "
    "litellm 1.82.8 payload's core. A cloud SDK reading its own credential file when called does not match.",
)


@checks(CREDENTIAL_EXFILTRATION)
def _credential_exfiltration(evidence: Evidence) -> Iterable[Finding]:
    for facts in evidence.by_path().values():
        running = [f for f in facts if f.when >= When.CALL]
        credentials = [f for f in running if f.capability is Capability.CREDENTIALS]
        sends = [f for f in running if f.capability in _SENDS]
        if not credentials or not sends:
            continue
        categories = sorted({_category(f) for f in credentials})
        early_credentials = [f for f in credentials if f.when >= When.IMPORT]
        early_sends = [f for f in sends if f.when >= When.IMPORT]
        stolen = sorted(set(categories) & patterns.STEALER_CATEGORIES)
        if len(stolen) >= 2:
            yield finding_from(
                CREDENTIAL_EXFILTRATION,
                Severity.CRITICAL,
                next(f for f in credentials if _category(f) in stolen),
                f"reads another program's secrets ({', '.join(stolen)}) and sends data ({sends[0].detail})",
            )
        elif len(categories) >= _HARVEST_CATEGORIES:
            yield finding_from(
                CREDENTIAL_EXFILTRATION,
                Severity.CRITICAL,
                credentials[0],
                f"reads {len(categories)} kinds of credentials ({', '.join(categories)}) "
                f"and sends data ({sends[0].detail})",
            )
        elif pair := next(((c, s) for c in early_credentials for s in early_sends if _act_together(c, s)), None):
            credential, send = pair
            yield finding_from(
                CREDENTIAL_EXFILTRATION,
                Severity.CRITICAL,
                credential,
                f"reads {_category(credential)} credentials and sends data {send.when.label} ({send.detail})",
            )


CREDENTIAL_HARVEST = files_rule(
    "credential-harvest",
    "collects other programs' secrets without being called",
    (Severity.HIGH,),
    "Browser profiles, chat-client token stores, wallet files, FTP client configs and DPAPI decryption of "
    "another program's master key — two or more of those kinds in one file, at install, start-up or import. "
    "Cookie libraries read a browser's store when asked to; nothing reads several programs' stores on its own.",
)


@checks(CREDENTIAL_HARVEST)
def _credential_harvest(evidence: Evidence) -> Iterable[Finding]:
    for facts in evidence.by_path().values():
        early = [f for f in facts if f.capability is Capability.CREDENTIALS and f.when >= When.IMPORT]
        stolen = sorted({_category(f) for f in early} & patterns.STEALER_CATEGORIES)
        if len(stolen) >= 2:
            first = next(f for f in early if _category(f) in stolen)
            yield finding_from(
                CREDENTIAL_HARVEST,
                Severity.HIGH,
                first,
                f"collects other programs' secrets ({', '.join(stolen)}) {first.when.label}",
            )


WALLET_SECRET_SENT = files_rule(
    "wallet-secret-sent",
    "sends a wallet private key or seed phrase over the network",
    (Severity.HIGH, Severity.CRITICAL),
    "A request whose JSON, form or query payload has a field named for a private key, mnemonic or seed "
    "phrase. Wallet libraries sign locally and send signatures; a key or seed leaves the machine only when "
    "it is being stolen. High in a function that runs when called, critical at import or earlier, or "
    "in a release that has little else (then stealing is what it is for).",
)


@checks(WALLET_SECRET_SENT)
def _wallet_secret_sent(evidence: Evidence) -> Iterable[Finding]:
    small: bool | None = None
    for fact in evidence.facts:
        if fact.capability is Capability.CREDENTIALS and fact.kind == patterns.WALLET_SECRET_SENT:
            if small is None:
                small = _has_little_else(evidence)
            severity = Severity.CRITICAL if fact.when >= When.IMPORT or small else Severity.HIGH
            purpose = ", in a release that has little else" if small and fact.when < When.IMPORT else ""
            yield finding_from(WALLET_SECRET_SENT, severity, fact, f"{fact.detail} {fact.when.label}{purpose}")


HOST_EXFILTRATION = files_rule(
    "host-exfiltration",
    "sends host identity or secrets from code that runs on its own",
    (Severity.CRITICAL,),
    "User name, host name, the environment, a secret-named environment variable (GITHUB_TOKEN) or credentials "
    "collected and sent (HTTP, socket, DNS) by setup.py, "
    "a build backend, a start-up hook, or one function or module body that runs at import: the "
    "dependency-confusion probe and the install-time stealer. Product analytics — host identity alone, "
    "sent at import by code that names a telemetry opt-out — do not match.",
)


@checks(HOST_EXFILTRATION)
def _host_exfiltration(evidence: Evidence) -> Iterable[Finding]:
    """Host identity or secrets sent out by code that runs on its own."""
    for facts in _groups_running_on_their_own(evidence):
        secrets = [f for f in facts if f.capability is Capability.ENV_SECRET and not f.loose]
        # A client sending its own API key to its service reads one variable; a stealer reads several.
        stolen = secrets if len({name for f in secrets for name in _variable_names(f)}) >= 2 else []
        identity = [
            f for f in facts if f.capability in _IDENTITY and f.capability is not Capability.ENV_SECRET
        ] + stolen
        sends = [f for f in facts if f.capability in _SENDS]
        if identity and sends and not all(_analytics(f) for f in identity):
            yield finding_from(
                HOST_EXFILTRATION,
                Severity.CRITICAL,
                sends[0],
                f"collects {identity[0].detail} and sends it out {sends[0].when.label}",
            )


EXFILTRATION_WHEN_CALLED = files_rule(
    "exfiltration-when-called",
    "a function sends the environment or another program's secrets to a fixed address",
    (Severity.HIGH, Severity.CRITICAL),
    "One function that copies the whole environment, or reads a browser, chat, wallet or SSH secret "
    "store, and sends to an address written in the source — even if nothing calls it at import: the "
    "class that posts os.environ when constructed, the helper that steals when used. High; critical "
    f"when the release has little else ({_LITTLE_ELSE_BYTES // 1024} KiB of Python or less outside tests), "
    "so that stealing is what it is for. A client sending to an address its caller passes does not match.",
    threat=True,
)


@checks(EXFILTRATION_WHEN_CALLED)
def _exfiltration_when_called(evidence: Evidence) -> Iterable[Finding]:
    small = _has_little_else(evidence)
    reported: set[str] = set()
    for (path, _), facts in _by_outer_function(evidence).items():
        if path in reported or facts[0].when is not When.CALL:
            continue
        taken = [
            f
            for f in facts
            if f.capability is Capability.ENV_DUMP
            or (f.capability is Capability.CREDENTIALS and _category(f) in patterns.STEALER_CATEGORIES)
        ]
        sends = [
            f
            for f in facts
            if (f.capability is Capability.NETWORK and Tag.FIXED_ADDRESS in f.tags)
            or f.capability is Capability.EXFIL_ENDPOINT
        ]
        if taken and sends:
            reported.add(path)
            purpose = ", in a release that has little else" if small else ""
            yield finding_from(
                EXFILTRATION_WHEN_CALLED,
                Severity.CRITICAL if small else Severity.HIGH,
                taken[0],
                f"{action(taken[0].capability)} ({taken[0].detail}) and sends it to a fixed address "
                f"({sends[0].detail}) when called{purpose}",
            )


def _has_little_else(evidence: Evidence) -> bool:
    """Whether the release's Python outside tests and examples is small enough that one stealing
    function is its purpose rather than a corner of a library."""
    total = 0
    for path, member in evidence.artifact.members.items():
        if is_python(path) and not is_test_or_example(path):
            total += member.size
            if total > _LITTLE_ELSE_BYTES:
                return False
    return True


def _analytics(fact: Fact) -> bool:
    """The platform or host name, read at import by code that offers a telemetry opt-out: product
    analytics. (No secret is in it; install and start-up code has no business reporting either.)"""
    return fact.capability is Capability.SYSINFO and Tag.OPT_OUT in fact.tags and fact.when is When.IMPORT


def _variable_names(fact: Fact) -> list[str]:
    """The environment variables an env-secret fact names (one, or a list in parentheses)."""
    return list(fact.names)


BEACON = files_rule(
    "beacon",
    "contacts a data-drop endpoint",
    (Severity.CRITICAL,),
    "A request to a webhook, out-of-band-testing, paste or tunnel service, or a raw IP, made at install, "
    "start-up or import: the call-home of probes and stealers. Even in a function that only runs when "
    "called: a request to a chat webhook or bot with its secret token in the URL, a raw paste page, an "
    "anonymous file host, or an address the source hides in encoded form.",
)


@checks(BEACON)
def _beacon(evidence: Evidence) -> Iterable[Finding]:
    """A request to a data-drop endpoint made by code that runs on its own, or — even in code that
    only runs when called — to a drop no library hard-codes or to an address the source hides."""
    reported: set[str] = set()
    for facts in _groups_running_on_their_own(evidence):
        endpoints = [f for f in facts if f.capability is Capability.EXFIL_ENDPOINT]
        sends = [f for f in facts if f.capability in _CONTACTS]
        if endpoints and sends:
            reported.add(sends[0].path)
            yield finding_from(
                BEACON, Severity.CRITICAL, sends[0], f"contacts {endpoints[0].detail} {sends[0].when.label}"
            )
    for (path, _), facts in _by_outer_function(evidence).items():
        drops = [
            f
            for f in facts
            if f.capability is Capability.EXFIL_ENDPOINT and (Tag.HIDDEN_PAYLOAD in f.tags or Tag.DROP_SITE in f.tags)
        ]
        sends = [f for f in facts if f.capability in _CONTACTS or f.capability is Capability.EXEC]
        if drops and sends and path not in reported:
            reported.add(path)
            yield finding_from(
                BEACON,
                Severity.CRITICAL,
                drops[0],
                f"contacts {drops[0].detail} {sends[0].when.label} ({sends[0].detail})",
            )


def _by_outer_function(evidence: Evidence) -> dict[tuple[str, str], list[Fact]]:
    groups: dict[tuple[str, str], list[Fact]] = {}
    for fact in evidence.facts:
        if fact.when >= When.CALL:
            groups.setdefault((fact.path, _outer_function(fact.scope)), []).append(fact)
    return groups


PERSISTENCE_INSTALL = files_rule(
    "persistence-install",
    "writes or enables a persistence location from code that runs on its own",
    (Severity.CRITICAL,),
    "A systemd unit, cron entry, shell rc file, autorun key or authorized_keys written or enabled (file "
    "write, systemctl, crontab) by setup.py, a start-up hook or code that runs at import: the litellm "
    "payload's sysmon service. In a function that only runs when called it is what service installers "
    "and configuration tools do, and is left to the other rules.",
)


@checks(PERSISTENCE_INSTALL)
def _installs_persistence(evidence: Evidence) -> Iterable[Finding]:
    """A persistence location written or enabled by code that runs on its own. (In code that only
    runs when called this is what service installers and configuration tools do; not reported.)"""
    for facts in _groups_running_on_their_own(evidence):
        found = _persistence_step(facts)
        if found:
            spot, act = found
            yield finding_from(
                PERSISTENCE_INSTALL,
                Severity.CRITICAL,
                spot,
                f"sets up {spot.detail} ({act.detail}) {spot.when.label}",
            )


def _persistence_step(facts: list[Fact]) -> tuple[Fact, Fact] | None:
    spots = [f for f in facts if f.capability is Capability.PERSISTENCE]
    acts = [f for f in facts if f.capability in (Capability.FILE_WRITE, Capability.PROCESS, Capability.CHMOD_EXEC)]
    return (spots[0], acts[0]) if spots and acts else None


HIDDEN_COMMAND = files_rule(
    "hidden-command",
    "runs a decoded command line that downloads or hides itself",
    (Severity.CRITICAL,),
    "A shell or PowerShell command that was base64/hex-encoded in the source, and downloads (curl, wget, "
    "Invoke-WebRequest) or runs hidden: no library has a reason to hide such a command, whenever it runs.",
)


@checks(HIDDEN_COMMAND)
def _hidden_command(evidence: Evidence) -> Iterable[Finding]:
    """A command line that was base64/hex-decoded before running, and downloads or hides itself."""
    by_line: dict[tuple[str, int], list[Fact]] = {}
    for fact in evidence.facts:
        if fact.when >= When.CALL:
            by_line.setdefault((fact.path, fact.line), []).append(fact)
    for facts in by_line.values():
        decoded = [f for f in facts if f.capability is Capability.DECODED_EXEC and Tag.DECODED_COMMAND in f.tags]
        shells = [f for f in facts if f.capability in (Capability.SHELL_DOWNLOAD, Capability.ENCODED_SHELL)]
        if decoded and shells:
            yield finding_from(
                HIDDEN_COMMAND,
                Severity.CRITICAL,
                decoded[0],
                f"runs a decoded command that {action(shells[0].capability)}: {shells[0].detail}",
            )


def _act_together(first: Fact, second: Fact) -> bool:
    """Whether two early facts of one file run in the same go (see `_groups_running_on_their_own`)."""
    return _group_key(first) == _group_key(second)


def _group_key(fact: Fact) -> str:
    if fact.when in (When.INSTALL, When.STARTUP):
        return ""
    return _outer_function(fact.scope) if fact.loose else "import"


def _groups_running_on_their_own(evidence: Evidence) -> Iterable[list[Fact]]:
    """Facts that act together without anyone calling them, per file: install and start-up code runs
    whole, and import-time facts come from the module body and the functions it calls. A function
    merely named at import (handed to a helper, stored in a table) may never run: its facts act
    only with each other, or a file's utility functions would add up to a dropper."""
    groups: dict[tuple[str, str], list[Fact]] = {}
    for fact in evidence.facts:
        if fact.when >= When.IMPORT:
            groups.setdefault((fact.path, _group_key(fact)), []).append(fact)
    return groups.values()


DOWNLOAD_AND_RUN = files_rule(
    "download-and-run",
    "fetches or unpacks code and executes it",
    (Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL),
    "A network fetch (or decoded data written to a file) and a process, exec or chmod +x in setup.py, a "
    "start-up hook, or one function or module body that runs at import: a dropper (critical). A download "
    "(a shell download, or a fetch written to a file) and execution in one function that only runs when "
    "called is what tool installers do: medium in plain sight, high when the function also decodes or "
    "hides something, critical from a raw IP or drop site. Running one program named bare, from PATH "
    "(`db2cli validate`, `chtag -r …`), is not running what was fetched.",
    threat=True,
)


@checks(DOWNLOAD_AND_RUN)
def _download_and_run(evidence: Evidence) -> Iterable[Finding]:
    """Fetched or unpacked data, then execution, in code that runs on its own: a dropper."""
    for facts in _groups_running_on_their_own(evidence):
        fetches = [f for f in facts if f.capability in (Capability.NETWORK, Capability.SHELL_DOWNLOAD)]
        # Unpacking embedded data to a file counts in install and start-up code (import-time code
        # legitimately decodes and writes, e.g. caches).
        writes_decoded = (
            facts[0].when >= When.STARTUP
            and any(f.capability is Capability.DECODE for f in facts)
            and any(f.capability is Capability.FILE_WRITE for f in facts)
        )
        if not fetches and not writes_decoded:
            continue
        runs = [
            f
            for f in facts
            if f.capability in _RUNS
            and not _is_compiler_step(f)
            and not _is_plugin_import(f)
            and not _runs_from_path(f)
        ]
        if runs:
            source = fetches[0].detail if fetches else "decoded data written to a file"
            yield finding_from(
                DOWNLOAD_AND_RUN,
                Severity.CRITICAL,
                runs[0],
                f"fetches or unpacks ({source}) and runs ({runs[0].detail}) {runs[0].when.label}",
            )
    # A download written to a file and run, or a shell download and a run, in one function that only
    # runs when called: high (installers of tool binaries do the former; they are worth a look).
    scopes: dict[tuple[str, str], list[Fact]] = {}
    for fact in evidence.facts:
        if fact.when is When.CALL:
            scopes.setdefault((fact.path, _outer_function(fact.scope)), []).append(fact)
    corroborated = any(f.when >= When.CALL and f.capability in _CORROBORATING for f in evidence.facts)
    for (path, _), facts in scopes.items():
        # Test suites start servers, fetch fixtures and run snippets of code: there it is worth a look only.
        dropper = _call_time_dropper(facts, corroborated=corroborated, in_tests=is_test(path))
        if dropper is not None:
            yield dropper


def _outer_function(scope: str) -> str:
    """`<module>.install.download` → `<module>.install`: helpers nested in a function act with it."""
    return ".".join(scope.split(".")[:2])


# What a tool installer's file never also does: a dropper that waits to be called keeps such company.
_CORROBORATING = {
    Capability.PERSISTENCE,
    Capability.EVASION,
    Capability.ENCODED_SHELL,
    Capability.DECODED_EXEC,
    Capability.DOWNLOAD_EXEC,
    Capability.EXFIL_ENDPOINT,
    Capability.MINER,
    Capability.INPUT_CAPTURE,
}


def _call_time_dropper(facts: list[Fact], *, corroborated: bool = True, in_tests: bool = False) -> Finding | None:
    """A download and a run in one function that only runs when called. `corroborated`: the
    release also does something only malware does (_CORROBORATING), which a tool installer does not;
    `in_tests`: the function is in a test suite, where fetching and running is routine."""
    downloads = [f for f in facts if f.capability is Capability.SHELL_DOWNLOAD]
    fetches = [f for f in facts if f.capability is Capability.NETWORK]
    writes = [f for f in facts if f.capability is Capability.FILE_WRITE]
    runs = [
        f
        for f in facts
        if f.capability in (Capability.PROCESS, Capability.CHMOD_EXEC)
        and not _is_compiler_step(f)
        and not _runs_from_path(f)
    ]
    # A tool installer fetches a named release in plain sight, in a release that does nothing else
    # of note; a dropper that waits to be called hides something on the way, or keeps bad company.
    hiding = any(
        Tag.HIDDEN_PAYLOAD in f.tags or f.capability in (Capability.DECODE, Capability.OBFUSCATION) for f in facts
    )
    plain = Severity.HIGH if (hiding or corroborated) and not in_tests else Severity.MEDIUM
    if downloads and any(f.line != downloads[0].line for f in runs):
        return finding_from(
            DOWNLOAD_AND_RUN,
            plain,
            downloads[0],
            f"downloads with a shell command ({downloads[0].detail}) and runs ({runs[0].detail}) when called",
        )
    if fetches and writes and runs:
        # Fetching from a raw IP address or a paste/drop site and running the result is no installer.
        endpoints = [f for f in facts if f.capability is Capability.EXFIL_ENDPOINT]
        severity = Severity.CRITICAL if endpoints else plain
        source = f" from {endpoints[0].detail}" if endpoints else ""
        return finding_from(
            DOWNLOAD_AND_RUN,
            severity,
            runs[0],
            f"fetches ({fetches[0].detail}){source}, writes a file and runs ({runs[0].detail}) when called",
        )
    return None


_THREAT_KINDS = {
    Capability.PERSISTENCE: "persistence",
    Capability.EVASION: "defence evasion",
    Capability.SHELL_DOWNLOAD: "shell download",
    Capability.ENCODED_SHELL: "hidden PowerShell",
    Capability.DECODED_EXEC: "hidden payload",
    Capability.DOWNLOAD_EXEC: "remote code execution",
    Capability.EXFIL_ENDPOINT: "data-drop endpoint",
}


MULTIPLE_THREATS = files_rule(
    "multiple-threats",
    "one file combines several behaviours only malware has",
    (Severity.CRITICAL,),
    "Three or more of: persistence, defence evasion, shell downloads, hidden PowerShell, hidden (decoded) "
    "payloads, remote code execution, data-drop endpoints, download-write-run — in one file, even in "
    "functions that only run when called. Each alone has rare benign uses; together they are a toolkit.",
)


@checks(MULTIPLE_THREATS)
def _many_threats(evidence: Evidence) -> Iterable[Finding]:
    """One file doing several distinct things only malware does, even if only when called."""
    for facts in evidence.by_path().values():
        kinds: dict[str, Fact] = {}
        for fact in facts:
            if fact.when >= When.CALL and fact.capability in _THREAT_KINDS:
                kinds.setdefault(_THREAT_KINDS[fact.capability], fact)
        scopes: dict[str, list[Fact]] = {}
        for fact in facts:
            if fact.when >= When.CALL:
                scopes.setdefault(_outer_function(fact.scope), []).append(fact)
        dropper = next((d for d in map(_call_time_dropper, scopes.values()) if d is not None), None)
        # A shell download that is also the dropper's download is one threat, not two.
        shell_download = kinds.get(_THREAT_KINDS[Capability.SHELL_DOWNLOAD])
        if dropper is not None and (shell_download is None or shell_download.line != dropper.line):
            kinds.setdefault("dropper", next(f for f in facts if f.line == dropper.line))
        if len(kinds) >= _THREAT_KINDS_FOR_MALICIOUS:
            first = min(kinds.values(), key=lambda f: f.line)
            yield finding_from(MULTIPLE_THREATS, Severity.CRITICAL, first, f"combines {', '.join(sorted(kinds))}")


def _runs_from_path(fact: Fact) -> bool:
    """A process that runs one program named bare, from PATH (`db2cli validate`, fastapi's docs
    scripts running `fastapi run`): what was fetched is a file, and this names none."""
    return fact.capability is Capability.PROCESS and Tag.PROGRAM_FROM_PATH in fact.tags


def _is_plugin_import(fact: Fact) -> bool:
    """`importlib.import_module(name)` loads installed code (plugins), not what was just fetched."""
    return fact.capability is Capability.EXEC and Tag.MODULE_NAME in fact.tags


def _is_compiler_step(fact: Fact) -> bool:
    """git, cmake, a compiler: routine in builds. A Python interpreter running fetched code is not."""
    return Tag.BUILD_TOOL in fact.tags and Tag.RUNS_PYTHON not in fact.tags


def _technique(fact: Fact) -> str:
    """How code was obfuscated (`identifiers`, `escapes`, `blob`, `pyarmor`, …), from the extractor."""
    return fact.kind


OBFUSCATED_EXEC = files_rule(
    "obfuscated-exec",
    "obfuscated code that also executes, spawns or connects, on its own",
    (Severity.HIGH, Severity.CRITICAL),
    "Obfuscation (high-entropy blobs, obfuscator-style names, eval-assembled names, PyArmor) in a file that "
    "also executes code, starts processes or connects out when imported (high) or installed / at start-up "
    "(critical), or that writes files at install time or start-up (dropping the blob): packed malware, even "
    "when the unpacking chain is too convoluted to fold statically.",
    threat=True,
)


@checks(OBFUSCATED_EXEC)
def _obfuscated_execution(evidence: Evidence) -> Iterable[Finding]:
    """Obfuscation and execution in one file that runs on its own: packed malware, even when the
    unpacking chain is too convoluted to fold statically."""
    for facts in evidence.by_path().values():
        hidden = [f for f in facts if f.capability is Capability.OBFUSCATION and f.when >= When.IMPORT]
        acting = [
            f
            for f in facts
            if (f.capability in _ACTS and f.when >= When.IMPORT and Tag.BUILD_TOOL not in f.tags)
            or (f.capability is Capability.FILE_WRITE and f.when >= When.STARTUP)
        ]
        if hidden and acting:
            # Two different obfuscation techniques (say, mangled names and escape-spelled strings) in
            # code that runs on import is an obfuscator's output, not a vendor's packed build.
            techniques = {_technique(f) for f in hidden}
            early = max(f.when for f in hidden + acting) >= When.STARTUP
            worst = Severity.CRITICAL if early or len(techniques) >= 2 else Severity.HIGH
            yield finding_from(
                OBFUSCATED_EXEC,
                worst,
                hidden[0],
                f"obfuscated code ({hidden[0].detail}) that also {action(acting[0].capability)} "
                f"({acting[0].detail}) {acting[0].when.label}",
            )
