"""One rule per capability, its severity set by WHEN the code runs.

The same call is routine when a user invokes it and alarming when it runs by itself at install
time or at every interpreter start; the tables below say how alarming, per capability.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from interlock.analysis.evidence import Evidence
from interlock.analysis.extract.strings import HIDDEN_WINDOW
from interlock.analysis.facts import Capability, Fact, Tag, When
from interlock.analysis.rules.base import files_rule, finding_from, register_check
from interlock.model.findings import Finding, Severity
from interlock.model.rules import RuleInfo

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW

SeverityTable = dict[When, Severity]


def _capability_rule(
    rule_id: str,
    capability: Capability,
    table: SeverityTable,
    verb: str,
    description: str,
    adjust: Callable[[Fact, Severity], Severity | None] | None = None,
    extra_severities: tuple[Severity, ...] = (),
    *,
    threat: bool = False,
) -> RuleInfo:
    """Declare the rule for one capability and register its check. `extra_severities`: what
    `adjust` can report beyond the table."""
    summary = f"{verb} ({', '.join(w.label for w in sorted(table))})"
    info = files_rule(rule_id, summary, (*table.values(), *extra_severities), description, threat=threat)

    def check(evidence: Evidence) -> Iterable[Finding]:
        for fact in evidence.facts:
            if fact.capability is not capability or fact.when not in table:
                continue
            severity: Severity | None = table[fact.when]
            if adjust is not None:
                severity = adjust(fact, table[fact.when])
            if severity is None:
                continue
            yield finding_from(info, severity, fact, f"{verb} {fact.when.label}: {fact.detail}")

    register_check(info, check)
    return info


def _build_tools_are_routine(fact: Fact, severity: Severity) -> Severity | None:
    # setup.py calling git, cmake or a compiler is how native packages build.
    if Tag.BUILD_TOOL in fact.tags:
        return Severity.INFO if fact.when is When.INSTALL else None
    # A command computed at run time (compiler paths, version probes) is common in native builds; a
    # fixed command that is not a build tool is what droppers write.
    if fact.when is When.INSTALL and Tag.COMPUTED_COMMAND in fact.tags:
        return Severity.MEDIUM
    # One installed program asked something directly, no shell in between (`tesseract -v`,
    # `brew --prefix libomp`): a probe of the build machine, every word of it in plain sight.
    if fact.when is When.INSTALL and Tag.PROGRAM_FROM_PATH in fact.tags and Tag.VIA_SHELL not in fact.tags:
        return Severity.MEDIUM
    return severity


def _hidden_window_when_called(fact: Fact, severity: Severity) -> Severity | None:
    # A readable command in a hidden window, run when called: a desktop tool hiding a console flash.
    if fact.when is When.CALL and fact.kind == HIDDEN_WINDOW and Tag.HIDDEN_PAYLOAD not in fact.tags:
        return Severity.MEDIUM
    return severity


def _literal_exec_is_routine(fact: Fact, severity: Severity) -> Severity | None:
    # exec of a string written in the source hides nothing; the string itself is analysed.
    if Tag.LITERAL_CODE in fact.tags:
        return None
    # Importing a module by computed name is how plugins load: it runs installed code, not hidden
    # code. Low, and medium at interpreter start (where a plugin hook is still worth a look).
    if Tag.MODULE_NAME in fact.tags:
        return Severity.MEDIUM if fact.when is When.STARTUP else Severity.LOW
    return severity


def _top_level_network_is_worse(fact: Fact, severity: Severity) -> Severity | None:
    # A request made by the module body itself (not by a function it happens to call) is a beacon.
    if fact.when is When.IMPORT and fact.scope == "<module>":
        return Severity.HIGH
    return severity


def _clipboard_is_less(fact: Fact, severity: Severity) -> Severity | None:
    if Tag.CLIPBOARD in fact.tags and fact.when is not When.STARTUP:
        return min(severity, Severity.MEDIUM)
    return severity


def _pyarmor_is_worse(fact: Fact, severity: Severity) -> Severity | None:
    if fact.kind == "pyarmor":
        return max(severity, Severity.HIGH)
    return severity


PROCESS_SPAWN = _capability_rule(
    "process-spawn",
    Capability.PROCESS,
    {When.IMPORT: L, When.STARTUP: C, When.INSTALL: H},
    "starts a process",
    "Code that starts another program without anyone calling it: in setup.py or a build backend "
    "(install time), at every interpreter start, or at import. Build tools (git, cmake, compilers, "
    "pkg-config and its kin such as mecab-config) at install time are routine and reported as info only; "
    "a command computed at run time, or one installed program run directly without a shell, is medium. "
    "Commands setup.py defines for people to type "
    "(`setup.py publish`, `if sys.argv[1] == 'upload':`) are never run by pip: they count as called code.",
    _build_tools_are_routine,
    (Severity.INFO, Severity.MEDIUM),
)

SHELL_DOWNLOAD = _capability_rule(
    "shell-download",
    Capability.SHELL_DOWNLOAD,
    {When.CALL: M, When.IMPORT: C, When.STARTUP: C, When.INSTALL: C},
    "runs a command that downloads",
    "A command line that fetches from the network (curl/wget, Invoke-WebRequest, certutil "
    "-urlcache, bitsadmin, `| sh`): the classic first stage of a dropper.",
    threat=True,
)

POWERSHELL_HIDDEN = _capability_rule(
    "powershell-hidden",
    Capability.ENCODED_SHELL,
    {When.CALL: H, When.IMPORT: C, When.STARTUP: C, When.INSTALL: C},
    "runs hidden or encoded PowerShell",
    "PowerShell with -EncodedCommand or a hidden window: a command built to be unreadable and unseen. "
    "A hidden window alone, in a function that runs when called, is medium: desktop tools hide the "
    "console of a readable command (its command is judged by the other rules).",
    _hidden_window_when_called,
    (Severity.MEDIUM,),
    threat=True,
)

DYNAMIC_EXEC = _capability_rule(
    "dynamic-exec",
    Capability.EXEC,
    {When.IMPORT: L, When.STARTUP: H, When.INSTALL: M},
    "executes code built at run time",
    "exec/eval of a computed string, __import__ of a computed name, or a builtin reached through "
    "globals()/getattr with a computed key. Common in old setup.py files that exec a version file; "
    "alarming at every interpreter start. exec of a literal string is not reported (the string is analysed); "
    "importing a module by a computed name (plugin loading) is low, medium at interpreter start.",
    _literal_exec_is_routine,
    (Severity.LOW, Severity.MEDIUM),
)

DECODED_EXEC = _capability_rule(
    "decoded-exec",
    Capability.DECODED_EXEC,
    {When.CALL: H, When.IMPORT: C, When.STARTUP: C, When.INSTALL: C},
    "executes decoded data",
    "exec/eval (or `python -c`) of data that was base64/hex/zlib/rot13/chr-decoded first: a hidden "
    "payload. Interlock decodes such constants statically and analyses the payload too.",
    threat=True,
)

DOWNLOAD_EXEC = _capability_rule(
    "download-exec",
    Capability.DOWNLOAD_EXEC,
    {When.CALL: M, When.IMPORT: C, When.STARTUP: C, When.INSTALL: C},
    "executes code fetched from the network",
    "exec/eval or `python -c` of a network response: whoever controls the URL controls the machine. In a "
    "function only a caller runs it is medium: some libraries still eval() JSON-like responses.",
)

NETWORK_ACCESS = _capability_rule(
    "network-access",
    Capability.NETWORK,
    {When.IMPORT: M, When.STARTUP: C, When.INSTALL: H},
    "opens a network connection",
    "An HTTP client, socket, mail or FTP connection made without anyone calling for it. Installing or "
    "importing a library should not phone anywhere; a request made by a module body itself is high.",
    _top_level_network_is_worse,
)

DNS_LOOKUP = _capability_rule(
    "dns-lookup",
    Capability.DNS,
    {When.IMPORT: L, When.STARTUP: H, When.INSTALL: M},
    "resolves a host name",
    "DNS lookups at install time are the covert channel of dependency-confusion probes.",
)

EXFIL_ENDPOINT = _capability_rule(
    "exfil-endpoint",
    Capability.EXFIL_ENDPOINT,
    {When.CALL: L, When.IMPORT: M, When.STARTUP: C, When.INSTALL: H},
    "names a data-drop endpoint",
    "Webhook, chat-bot, paste, tunnel or out-of-band-testing services, public-IP lookups and raw-IP "
    "URLs: where stolen data is sent and payloads are fetched from.",
)

CREDENTIAL_ACCESS = _capability_rule(
    "credential-access",
    Capability.CREDENTIALS,
    {When.IMPORT: M, When.STARTUP: C, When.INSTALL: H},
    "touches a credential store",
    "SSH keys, cloud CLI credentials, kube config, docker config, .env, shell history, browser and "
    "wallet stores, /proc/*/environ. Libraries for those services read their own store when called; "
    "nothing should read them at install, start-up or import.",
    threat=True,
)

ENV_DUMP = _capability_rule(
    "env-dump",
    Capability.ENV_DUMP,
    {When.IMPORT: L, When.STARTUP: H, When.INSTALL: M},
    "copies the whole environment",
    "The process environment holds tokens and keys; serialising all of it is how they are stolen.",
)

HOST_FINGERPRINT = _capability_rule(
    "host-fingerprint",
    Capability.SYSINFO,
    {When.STARTUP: M, When.INSTALL: L},
    "collects host identity",
    "User name, host name, MAC address, the output of reconnaissance commands (whoami, ps, ipconfig): "
    "the payload of dependency-confusion probes. The platform fields of uname (machine, system, "
    "release) name no one and are not counted.",
)

PERSISTENCE = _capability_rule(
    "persistence",
    Capability.PERSISTENCE,
    {When.IMPORT: H, When.STARTUP: C, When.INSTALL: H},
    "touches a persistence location",
    "systemd units, cron, shell rc files, login items, autorun registry keys, IPython start-up, "
    "authorized_keys: places that make code run again later.",
    threat=True,
)

KUBERNETES_TAKEOVER = _capability_rule(
    "kubernetes-takeover",
    Capability.KUBERNETES,
    {When.IMPORT: L, When.STARTUP: C, When.INSTALL: H},
    "uses Kubernetes credentials",
    "The pod's service-account token or the pods API used without being called: how the litellm "
    "payload spread to every node of a cluster. Kubernetes client libraries name both in module-level "
    "constants, so at import it is low; at install or start-up it is not.",
)

INPUT_CAPTURE = _capability_rule(
    "input-capture",
    Capability.INPUT_CAPTURE,
    {When.IMPORT: H, When.STARTUP: C, When.INSTALL: H},
    "captures keystrokes or the clipboard",
    "A keyboard hook (pynput, keyboard, GetAsyncKeyState) or clipboard reads and writes (pyperclip, "
    "win32clipboard) started without anyone calling for them: keyloggers and wallet-address swappers. "
    "The clipboard alone is medium (a package's `python -m` entry copies to it at its top level); sent "
    "out by the same code, either is host exfiltration.",
    _clipboard_is_less,
    (Severity.MEDIUM,),
)

OBFUSCATED_CODE = _capability_rule(
    "obfuscated-code",
    Capability.OBFUSCATION,
    {When.CALL: L, When.IMPORT: L, When.STARTUP: M, When.INSTALL: M},
    "carries obfuscated code",
    "PyArmor-packed code (high), long high-entropy blobs and lines. Blobs alone are common (embedded "
    "fonts, certificates, protobuf descriptors); they matter with exec/decode nearby.",
    _pyarmor_is_worse,
    (Severity.HIGH,),
)

DEFENSE_EVASION = _capability_rule(
    "defense-evasion",
    Capability.EVASION,
    {When.CALL: H, When.IMPORT: C, When.STARTUP: C, When.INSTALL: C},
    "disables defences or hides itself",
    "Windows Defender exclusions, UAC bypasses (fodhelper, ms-settings), hidden files (attrib +h), firewall "
    "rules, shadow-copy deletion, debugger and VM checks: steps malware takes and libraries never need.",
    threat=True,
)

CRYPTO_MINER = _capability_rule(
    "crypto-miner",
    Capability.MINER,
    {When.CALL: H, When.IMPORT: C, When.STARTUP: C, When.INSTALL: C},
    "runs a cryptocurrency miner",
    "Mining-pool protocols (stratum+tcp://), miner programs (xmrig, cpuminer) and pool or wallet arguments: "
    "a release that mines on the machines that install it.",
    threat=True,
)

CHMOD_EXECUTABLE = _capability_rule(
    "chmod-executable",
    Capability.CHMOD_EXEC,
    {When.IMPORT: L, When.STARTUP: H, When.INSTALL: M},
    "makes a file executable",
    "Setting execute bits is the step between writing a dropped binary and running it.",
)
