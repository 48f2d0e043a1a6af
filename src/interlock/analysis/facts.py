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
    PROCESS = "process"
    """Starts another program."""
    SHELL_DOWNLOAD = "shell-download"
    """A command line that fetches from the network (curl, wget, Invoke-WebRequest, certutil…)."""
    ENCODED_SHELL = "encoded-shell"
    """PowerShell -EncodedCommand or a hidden window, or a shell fed a decoded string."""
    EXEC = "exec"
    """Runs code built at run time (exec, eval, compile, __import__ of a computed name…)."""
    DECODE = "decode"
    """Decodes hidden data (base64, hex, zlib, marshal, rot13, chr joins, Fernet…)."""
    DECODED_EXEC = "decoded-exec"
    """Decoded or downloaded data flows into exec/eval or a `python -c` process."""
    DOWNLOAD_EXEC = "download-exec"
    """Data fetched from the network is executed or written and then executed."""
    NETWORK = "network"
    """Talks to the network (HTTP clients, sockets, mail, FTP)."""
    DNS = "dns"
    """Resolves a host name (a common covert channel for dependency-confusion probes)."""
    EXFIL_ENDPOINT = "exfil-endpoint"
    """A URL of a service typical for receiving stolen data (webhooks, bots, paste and tunnel sites, raw IPs)."""
    CREDENTIALS = "credentials"
    """Reads a credential store (SSH keys, cloud CLI credentials, kube config, browser or wallet data)."""
    ENV_DUMP = "env-dump"
    """Copies the whole process environment (where tokens live), or every entry of it a filter keeps."""
    ENV_SECRET = "env-secret"
    """Reads an environment variable named like a secret (…_TOKEN, …SECRET…, …API_KEY, …PASSWORD).
    Libraries read their own keys so; it counts only when sent out by code that runs on its own."""
    SYSINFO = "sysinfo"
    """Collects host identity (user name, host name, IP, platform)."""
    PERSISTENCE = "persistence"
    """Writes somewhere that runs code later (systemd units, cron, shell rc files, autorun keys)."""
    KUBERNETES = "kubernetes"
    """Uses a Kubernetes service-account token or creates privileged pods."""
    INPUT_CAPTURE = "input-capture"
    """Hooks the keyboard or reads and rewrites the clipboard (keyloggers, wallet-address swappers)."""
    FILE_WRITE = "file-write"
    CHMOD_EXEC = "chmod-exec"
    """Makes a file executable."""
    OBFUSCATION = "obfuscation"
    """Packed, encrypted or deliberately unreadable code."""
    EVASION = "evasion"
    """Disables defences or hides itself (Defender exclusions, UAC bypass, hidden files, firewall rules)."""
    MINER = "miner"
    """Runs a cryptocurrency miner (mining-pool protocols, miner binaries, pool and wallet arguments)."""


_ACTIONS = {
    "process": "starts a process",
    "shell-download": "downloads with a shell command",
    "encoded-shell": "runs hidden or encoded PowerShell",
    "exec": "executes computed code",
    "decode": "decodes hidden data",
    "decoded-exec": "executes decoded data",
    "download-exec": "executes downloaded code",
    "network": "connects to the network",
    "dns": "resolves host names",
    "exfil-endpoint": "contacts a data-drop endpoint",
    "credentials": "reads credentials",
    "env-dump": "copies the environment",
    "sysinfo": "collects host identity",
    "persistence": "touches a persistence location",
    "kubernetes": "uses Kubernetes credentials",
    "file-write": "writes files",
    "chmod-exec": "makes files executable",
    "obfuscation": "is obfuscated",
    "evasion": "evades defences",
    "miner": "mines cryptocurrency",
}


def action(capability: Capability) -> str:
    """A verb phrase for messages: 'starts a process', 'connects to the network'."""
    return _ACTIONS[capability.value]


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
    """What exactly was seen, e.g. the call `subprocess.Popen` or the path `~/.ssh/id_rsa`."""
    scope: str = "<module>"
    """The function (dotted) the code is in; facts in one scope act together."""
    loose: bool = False
    """In a function only the loose reading of reachability runs at import (it is named there, not
    certainly called): it may never run, so it combines only with facts of its own function."""
