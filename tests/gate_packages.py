"""Genuine releases and trojans built from them, for the install-gate tests (built here, never taken from the corpus).

- acme-clock 1.0.0 (wheel) and 1.0.1, the same plus `acme_clock_init.pth` that runs a base64-hidden
  payload at every interpreter start (as litellm 1.82.8 did);
- acme-tz 2.0.0 (sdist) and 2.0.1, whose setup.py runs a base64-hidden payload when the sdist is
  built — which a resolver does just to read its metadata;
- acme-app 1.0.0 (wheel), clean itself, depending on `acme-clock>=1.0`: the resolver picks 1.0.1;
- acme-brittle 1.0.0 (sdist), clean, whose metadata can be read but whose wheel cannot be built.
- acme-atlas 1.0.0 and 1.1.0 (wheels), clean: served slowly by the tests of how long installers wait.

The payload only writes a marker file, `<NAME>-ran`, into the directory named by
`INTERLOCK_TROJAN_MARKERS` (and does nothing when it is unset): its presence proves the code ran.
The sdists build with a small in-tree PEP 517 backend that reads the metadata from setup.py, as
setuptools does, and needs nothing from an index.
"""

from __future__ import annotations

import base64

from interlock.demo.wheel import sdist_bytes, sdist_filename, wheel_bytes, wheel_filename

MARKERS_VARIABLE = "INTERLOCK_TROJAN_MARKERS"
WHEEL_MARKER = "wheel-trojan-ran"
SDIST_MARKER = "sdist-trojan-ran"

_PAYLOAD = f"""\
import os
folder = os.environ.get("{MARKERS_VARIABLE}")
if folder:
    open(os.path.join(folder, "{{marker}}"), "w").write("ran")
"""

_BACKEND = '''\
"""A minimal in-tree PEP 517 backend: the project's metadata comes from setup.py, as with setuptools."""

import base64
import hashlib
import os
import zipfile

import setup


def _dist():
    return setup.NAME.replace("-", "_")


def _dist_info():
    return f"{_dist()}-{setup.VERSION}.dist-info"


def _metadata():
    return f"Metadata-Version: 2.1\\nName: {setup.NAME}\\nVersion: {setup.VERSION}\\n"


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    os.makedirs(os.path.join(metadata_directory, _dist_info()))
    with open(os.path.join(metadata_directory, _dist_info(), "METADATA"), "w") as handle:
        handle.write(_metadata())
    return _dist_info()


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    if getattr(setup, "BROKEN", False):
        raise RuntimeError("this project cannot be built")
    members = {}
    for folder, _dirs, names in os.walk(_dist()):
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                members[os.path.join(folder, name)] = handle.read()
    members[f"{_dist_info()}/METADATA"] = _metadata().encode()
    members[f"{_dist_info()}/WHEEL"] = b"Wheel-Version: 1.0\\nGenerator: backend\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
    record = ""
    for path, data in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record += f"{path},sha256={digest},{len(data)}\\n"
    members[f"{_dist_info()}/RECORD"] = (record + f"{_dist_info()}/RECORD,,\\n").encode()
    filename = f"{_dist()}-{setup.VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return filename
'''  # noqa: E501 - lines of a lockfile or module as written

_PYPROJECT = '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'


def hidden_payload(marker: str) -> str:
    """`exec(base64.b64decode(...))` of the marker-writing payload: what the trojans add."""
    encoded = base64.b64encode(_PAYLOAD.format(marker=marker).encode()).decode()
    return f'import base64; exec(base64.b64decode("{encoded}"))\n'


def _sdist(name: str, version: str, setup_py: str) -> tuple[str, bytes]:
    module = name.replace("-", "_")
    files = {
        "pyproject.toml": _PYPROJECT,
        "backend.py": _BACKEND,
        "setup.py": setup_py,
        f"{module}/__init__.py": "OFFSET = 0\n",
    }
    return sdist_filename(name, version), sdist_bytes(name, version, files)


def _setup_py(name: str, version: str, extra: str = "") -> str:
    return f'NAME = "{name}"\nVERSION = "{version}"\n{extra}'


def projects() -> dict[str, dict[str, bytes]]:
    """project -> {filename: bytes}, for an index to serve."""
    clock = {"acme_clock/__init__.py": "def now():\n    return 0\n"}
    trojaned_clock = {**clock, "acme_clock_init.pth": hidden_payload(WHEEL_MARKER)}
    app = {"acme_app/__init__.py": "from acme_clock import now\n"}
    return {
        "acme-clock": {
            wheel_filename("acme-clock", "1.0.0"): wheel_bytes("acme-clock", "1.0.0", clock),
            wheel_filename("acme-clock", "1.0.1"): wheel_bytes("acme-clock", "1.0.1", trojaned_clock),
        },
        "acme-tz": dict(
            [
                _sdist("acme-tz", "2.0.0", _setup_py("acme-tz", "2.0.0")),
                _sdist("acme-tz", "2.0.1", _setup_py("acme-tz", "2.0.1", hidden_payload(SDIST_MARKER))),
            ]
        ),
        "acme-app": {
            wheel_filename("acme-app", "1.0.0"): wheel_bytes("acme-app", "1.0.0", app, requires=("acme-clock>=1.0",))
        },
        "acme-brittle": dict([_sdist("acme-brittle", "1.0.0", _setup_py("acme-brittle", "1.0.0", "BROKEN = True\n"))]),
    }


SLOW_PROJECT = "acme-atlas"
SLOW_WHEEL = "acme_atlas-1.1.0-py3-none-any.whl"


def slow_project() -> dict[str, bytes]:
    """acme-atlas 1.0.0 and 1.1.0 (wheels), clean: the release the wait tests serve slowly.

    Judging 1.1.0 reads 1.0.0 too (the history diff), as judging litellm 1.82.6 reads 1.82.5.
    """
    atlas = {"acme_atlas/__init__.py": "def where(name):\n    return name.upper()\n"}
    return {
        wheel_filename(SLOW_PROJECT, version): wheel_bytes(SLOW_PROJECT, version, atlas)
        for version in ("1.0.0", "1.1.0")
    }
