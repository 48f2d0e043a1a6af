"""What a file's code can do, and when it runs: the values rules are written over."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class When(IntEnum):
    """When code runs, ordered from latest to earliest: the earlier, the more dangerous."""

    NEVER = 0
    """Data, tests, examples: nothing installs or imports it."""
    CALL = 1
    """Only when a caller invokes it."""
    IMPORT = 2
    """At `import` (module top level, and functions called from there)."""
    STARTUP = 3
    """At every interpreter start (.pth import lines, sitecustomize/usercustomize)."""
    INSTALL = 4
    """At build/install time (setup.py, in-tree build backends, install command overrides)."""

    @property
    def label(self) -> str:
        return {
            When.NEVER: "never run",
            When.CALL: "when called",
            When.IMPORT: "at import",
            When.STARTUP: "at every interpreter start",
            When.INSTALL: "at install time",
        }[self]


class Capability(StrEnum):
    """What code can do. Each member carries the verb phrase messages use (`Capability.PROCESS.action`
    is "starts a process"), so a capability cannot be added without one."""

    action: str

    def __new__(cls, value: str, action: str) -> Capability:
        member = str.__new__(cls, value)
        member._value_ = value
        member.action = action
        return member

    PROCESS = "process", "starts a process"
    """Starts another program."""
    SHELL_DOWNLOAD = "shell-download", "downloads with a shell command"
    """A command line that fetches from the network (curl, wget, Invoke-WebRequest, certutil…)."""
    ENCODED_SHELL = "encoded-shell", "runs hidden or encoded PowerShell"
    """PowerShell -EncodedCommand or a hidden window, or a shell fed a decoded string."""
    EXEC = "exec", "executes computed code"
    """Runs code built at run time (exec, eval, compile, __import__ of a computed name…)."""
    DECODE = "decode", "decodes hidden data"
    """Decodes hidden data (base64, hex, zlib, marshal, rot13, chr joins, Fernet…)."""
    DECODED_EXEC = "decoded-exec", "executes decoded data"
    """Decoded or downloaded data flows into exec/eval or a `python -c` process."""
    DOWNLOAD_EXEC = "download-exec", "executes downloaded code"
    """Data fetched from the network is executed or written and then executed."""
    NETWORK = "network", "connects to the network"
    """Talks to the network (HTTP clients, sockets, mail, FTP)."""
    DNS = "dns", "resolves host names"
    """Resolves a host name (a common covert channel for dependency-confusion probes)."""
    EXFIL_ENDPOINT = "exfil-endpoint", "contacts a data-drop endpoint"
    """A URL of a service typical for receiving stolen data (webhooks, bots, paste and tunnel sites, raw IPs)."""
    CREDENTIALS = "credentials", "reads credentials"
    """Reads a credential store (SSH keys, cloud CLI credentials, kube config, browser or wallet data)."""
    ENV_DUMP = "env-dump", "copies the environment"
    """Copies the whole process environment (where tokens live), or every entry of it a filter keeps."""
    ENV_SECRET = "env-secret", "reads secret-named environment variables"
    """Reads an environment variable named like a secret (…_TOKEN, …SECRET…, …API_KEY, …PASSWORD).
    Libraries read their own keys so; it counts only when sent out by code that runs on its own."""
    SYSINFO = "sysinfo", "collects host identity"
    """Collects host identity (user name, host name, IP, platform)."""
    PERSISTENCE = "persistence", "touches a persistence location"
    """Writes somewhere that runs code later (systemd units, cron, shell rc files, autorun keys)."""
    KUBERNETES = "kubernetes", "uses Kubernetes credentials"
    """Uses a Kubernetes service-account token or creates privileged pods."""
    INPUT_CAPTURE = "input-capture", "captures keystrokes or the clipboard"
    """Hooks the keyboard or reads and rewrites the clipboard (keyloggers, wallet-address swappers)."""
    FILE_WRITE = "file-write", "writes files"
    """Opens a file for writing."""
    CHMOD_EXEC = "chmod-exec", "makes files executable"
    """Makes a file executable."""
    OBFUSCATION = "obfuscation", "is obfuscated"
    """Packed, encrypted or deliberately unreadable code."""
    EVASION = "evasion", "evades defences"
    """Disables defences or hides itself (Defender exclusions, UAC bypass, hidden files, firewall rules)."""
    MINER = "miner", "mines cryptocurrency"
    """Runs a cryptocurrency miner (mining-pool protocols, miner binaries, pool and wallet arguments)."""


class Tag(StrEnum):
    """What the extractor knew about a fact that rules decide on (never read from `Fact.detail`)."""

    BUILD_TOOL = "build-tool"
    """A process that is a build step: git, cmake, a compiler, pkg-config and its kin."""
    RUNS_PYTHON = "runs-python"
    """A process that starts a Python interpreter (`python…`, `sys.executable`)."""
    VIA_SHELL = "via-shell"
    """A process started through a shell (`os.system`, `shell=True`, `getoutput`): the command line
    is a script, which can chain, redirect and expand whatever it likes."""
    PROGRAM_FROM_PATH = "program-from-path"
    """A process that runs one program named bare, found on PATH: not a file the code wrote."""
    COMPUTED_COMMAND = "computed-command"
    """A process whose command line is computed at run time: none of it is written in the source."""
    LITERAL_CODE = "literal-code"
    """exec/eval of a string written in the source: it hides nothing (the string is analysed)."""
    MODULE_NAME = "module-name"
    """An import of a module by a computed name: how plugins load."""
    DECODED_COMMAND = "decoded-command"
    """A process fed a command line that was decoded first."""
    HIDDEN_PAYLOAD = "hidden-payload"
    """Seen inside a payload the source hides (decoded, decompressed, assembled) and Interlock revealed."""
    CLIPBOARD = "clipboard"
    """Input capture through the clipboard rather than a keyboard hook."""
    FIXED_ADDRESS = "fixed-address"
    """A request to an address the source writes (its scheme and host at least), not one a caller passes."""
    OPT_OUT = "opt-out"
    """Host identity collected in a file that names a telemetry opt-out (`DO_NOT_TRACK`, `…_TELEMETRY`):
    product analytics, which users can switch off, rather than a probe."""
    DROP_SITE = "drop-site"
    """An endpoint no library has reason to hard-code (a chat-bot token URL, a paste or out-of-band site)."""


_BY_VALUE = {capability.value: capability for capability in Capability}


def capability_of(value: str) -> Capability:
    """The capability named `value` (`Capability(value)` would ask for the phrase too)."""
    try:
        return _BY_VALUE[value]
    except KeyError:
        raise ValueError(f"unknown capability {value!r}") from None


def action(capability: Capability) -> str:
    """A verb phrase for messages: 'starts a process', 'connects to the network'."""
    return capability.action


@dataclass(frozen=True)
class Fact:
    """One thing a piece of code can do, located precisely."""

    capability: Capability
    when: When
    path: str
    line: int
    snippet: str
    """The offending source line (trimmed), shown as evidence."""
    detail: str
    """What exactly was seen, for people (the call `subprocess.Popen`, the path `~/.ssh/id_rsa`).
    Rules never read meaning out of it: what they decide on is in `tags`, `kind` and `names`."""
    scope: str = "<module>"
    """The function (dotted) the code is in; facts in one scope act together."""
    loose: bool = False
    """In a function only the loose reading of reachability runs at import (it is named there, not
    certainly called): it may never run, so it combines only with facts of its own function."""
    tags: frozenset[Tag] = frozenset()
    kind: str = ""
    """A sub-kind rules tell apart: the credential store (`ssh`, `aws`, …), the obfuscation technique."""
    names: tuple[str, ...] = ()
    """What the code names: the environment variables it reads, a process's command words, a URL."""
