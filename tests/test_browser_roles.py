"""The phone page in Chromium asks for a role and a table when the plan declares them:
"Prefer not to say" is the first choice, a table the room does not have is refused with
the server's own message, and the corrected join goes through.

Same set-up as tests/test_browser.py: Debian's Chromium, a real uvicorn in the test's
loop. Set SESSIONKIT_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.waiting import SAFETY_MS, start_server, until
from sessionkit.core.engine import Engine
from sessionkit.core.plan import Plan
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.web import create_app
from test_web import fast_limits

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TOKEN = "browser-roles-77"

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)
ROLES = ["Housing", "Adult social care", "Health <i>x</i>"]


async def test_the_join_page_asks_for_a_role_and_a_table(tmp_path: Path):
    shots = Path(os.environ.get("SESSIONKIT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    plan = Plan.model_validate({**sample_plan().model_dump(), "join_roles": ROLES, "tables": 6})
    engine = Engine(plan, sample_methods(), run_id="browser-roles")
    server, task = await start_server(create_app(engine, token=TOKEN, limits=fast_limits()), 0)
    url = f"http://127.0.0.1:{server.port}/j/{TOKEN}"
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            expect = type(playwright_api.expect)()
            expect.set_options(timeout=SAFETY_MS)
            page = await (
                await browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
            ).new_page()
            await page.goto(url)
            options = page.locator("#join-role option")
            await expect(options).to_have_text(["Prefer not to say", *ROLES])  # as text
            await expect(page.locator("#join-table-field")).to_be_visible()
            await page.screenshot(path=str(shots / "join-roles.png"), full_page=True)
            await page.fill("#name", "Ann")
            await page.select_option("#join-role", "Adult social care")
            await page.fill("#join-table", "9")
            await page.click("#join-named")
            await expect(page.locator("#alert")).to_contain_text("There is no table 9")
            assert not engine.state.participants
            await page.fill("#join-table", "4")
            await page.click("#join-named")
            await expect(page.locator("#session-view")).to_be_visible()
            await until(lambda: len(engine.state.participants) == 1, "Ann to join")
            (person,) = engine.state.participants.values()
            assert (person.name, person.role, person.table) == ("Ann", "Adult social care", 4)
        finally:
            await browser.close()
            server.stop()
            await task
