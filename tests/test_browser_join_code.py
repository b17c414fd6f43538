"""Joining by the short code in Chromium at 360 px: typed at the server's root page as a
person would (small letters, a space), a wrong code told as such, then the phone page.

Same set-up as tests/test_browser_joining.py. Set SESSIONKIT_SCREENSHOTS=DIR to keep
the screenshots.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from helpers.waiting import SAFETY_MS, SAFETY_SECONDS, start_server, until
from sessionkit.netaddr import join_code, spaced_code
from sessionkit.web import create_app
from test_web import OPEN, fast_limits, goto, make_engine

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TOKEN = "browser-code-token-31"

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)


async def test_a_phone_joins_by_typing_the_short_code(tmp_path: Path) -> None:
    shots = Path(os.environ.get("SESSIONKIT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    engine = make_engine()
    goto(engine, OPEN)
    server, task = await start_server(create_app(engine, token=TOKEN, limits=fast_limits()), 0)
    root = f"http://127.0.0.1:{server.port}/"
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            expect = type(playwright_api.expect)()
            expect.set_options(timeout=SAFETY_MS)
            phone = await browser.new_context(
                viewport={"width": 360, "height": 740}, is_mobile=True
            )
            page = await phone.new_page()
            await page.goto(root)
            await page.get_by_label("Join code").fill("ACD")
            await page.get_by_role("button", name="Join").click()
            await expect(page.locator("#code-error")).to_contain_text("has 6 letters and numbers")
            await expect(page.get_by_label("Join code")).to_be_focused()
            await page.screenshot(path=str(shots / "code-wrong.png"), full_page=True)

            await page.get_by_label("Join code").fill(spaced_code(join_code(TOKEN)).lower())
            await page.get_by_role("button", name="Join").click()
            await page.wait_for_url(f"{root}j/{TOKEN}")
            await page.fill("#name", "Ann")
            await page.click("#join-named")
            await expect(page.locator("#step-title")).to_have_text("Open board")
            await page.screenshot(path=str(shots / "code-joined.png"), full_page=True)
            await until(lambda: len(engine.state.participants) == 1, "Ann to join")
        finally:
            await browser.close()
            server.stop()
            await asyncio.wait_for(task, SAFETY_SECONDS)
