"""The phone page in Chromium when joining is refused: a removed phone that presses "Join
again" (or forgets everything the page stored) is still turned away, a phone joining
after the end is told the session has ended, and the messages are the server's own.

Same set-up as tests/test_browser.py: Debian's Chromium, a real uvicorn in the test's
loop. Set SESSIONKIT_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.waiting import SAFETY_MS, start_server, until
from sessionkit.core import commands as c
from sessionkit.web import create_app
from test_web import OPEN, fast_limits, goto, make_engine

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TOKEN = "browser-token-77"

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)


async def test_a_removed_phone_stays_out_and_a_late_phone_is_told_why(tmp_path: Path):
    shots = Path(os.environ.get("SESSIONKIT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    engine = make_engine()
    goto(engine, OPEN)
    server, task = await start_server(create_app(engine, token=TOKEN, limits=fast_limits()), 0)
    url = f"http://127.0.0.1:{server.port}/j/{TOKEN}"
    phone_size = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            expect = type(playwright_api.expect)()
            expect.set_options(timeout=SAFETY_MS)
            phone = await browser.new_context(**phone_size)
            page = await phone.new_page()
            await page.goto(url)
            await page.fill("#name", "Ann")
            await page.click("#join-named")
            await expect(page.locator("#step-title")).to_have_text("Open board")
            # The device cookie is the server's: the page's script cannot read it.
            assert await page.evaluate("document.cookie") == ""
            assert [k["name"] for k in await phone.cookies()] == ["sessionkit_device"]

            engine.execute(c.RemoveParticipant(participant="p1"))
            await expect(page.locator("#removed-view")).to_be_visible()
            await page.click("#rejoin")
            await page.click("#join-anon")
            await expect(page.locator("#alert")).to_contain_text("cannot join again")
            await page.screenshot(path=str(shots / "banned.png"), full_page=True)

            # Forgetting everything the page kept does not help either.
            await page.evaluate("localStorage.clear()")
            await page.reload()
            await page.click("#join-anon")
            await expect(page.locator("#alert")).to_contain_text("cannot join again")
            assert len(engine.state.participants) == 1

            # The session ends: another phone (another browser) is told why it cannot join.
            engine.execute(c.EndSession())
            late = await (await browser.new_context(**phone_size)).new_page()
            await late.goto(url)
            await late.click("#join-anon")
            await expect(late.locator("#alert")).to_contain_text("The session has ended")
            await late.screenshot(path=str(shots / "ended.png"), full_page=True)

            # The facilitator reopens joining and lets Ann back in: both phones join.
            engine.execute(c.SetJoining(open=True))
            engine.execute(c.LetBackIn(participant="p1"))
            await page.click("#join-anon")
            await expect(page.locator("#session-view")).to_be_visible()
            await late.click("#join-anon")
            await expect(late.locator("#session-view")).to_be_visible()
            await until(lambda: len(engine.state.active_participants()) == 2, "both to join")
        finally:
            await browser.close()
            server.stop()
            await task
