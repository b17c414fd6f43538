"""Every screen of the phone page at 360 px and at 200% zoom, in English and in Welsh:
nothing wider than the screen (Welsh words are long), and a screenshot of each for a
person to look at.

The screenshots go to $SESSIONKIT_SCREENSHOTS (``tests/artefacts/`` is ignored by git:
``SESSIONKIT_SCREENSHOTS=tests/artefacts/screens pytest tests/test_browser_screens.py``),
else the test's temporary folder. 200% zoom on a 360 px phone lays the page out in 180
CSS pixels, two device pixels each.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.phones import CHROMIUM, phone_room, screenshots
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.web import create_app
from test_browser_welsh import welsh_method
from test_web import MAP, OPEN, PLAN, RATE, TALK, VOTE, WRITE, MemoryJournal, fast_limits

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)

TOKEN = "screens-token-4242"
ZOOMS = {
    "360px": {"width": 360, "height": 740, "scale": 1},
    "200pc": {"width": 180, "height": 370, "scale": 2},
}
STEPS = [("notes", WRITE), ("vote", VOTE), ("rating", RATE), ("open", OPEN), ("map", MAP)]
STEPS += [("talk", TALK)]

WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const over = [];
  for (const node of document.querySelectorAll("body *")) {
    if (node.closest("[hidden], .visually-hidden")) continue;
    const box = node.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1)) {
      over.push(node.tagName + (node.id ? "#" + node.id : "") + " " + (node.textContent || "").trim().slice(0, 40));
    }
  }
  return { page: document.documentElement.scrollWidth, width, over: over.slice(0, 5) };
}"""


def method() -> Method:
    """The tests' method with Welsh on its first step, and the rest English (shown as
    English in a Welsh page): both cases on screen."""
    return welsh_method()


@pytest.mark.parametrize("zoom", sorted(ZOOMS))
@pytest.mark.parametrize("language", ["en", "cy"])
async def test_every_phone_screen_fits_the_screen(tmp_path: Path, language: str, zoom: str):
    shots = screenshots(tmp_path)
    engine = Engine(Plan.model_validate(PLAN), {"retro": method()}, journal=MemoryJournal())
    app = create_app(engine, token=TOKEN, limits=fast_limits(), language=language)
    size = ZOOMS[zoom]
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        context = await room.browser.new_context(
            viewport={"width": size["width"], "height": size["height"]},
            device_scale_factor=size["scale"],
            is_mobile=True,
            has_touch=True,
        )
        page = await context.new_page()
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        await page.goto(room.url)
        too_wide: list[str] = []

        async def look(name: str) -> None:
            await page.screenshot(
                path=str(shots / f"phone-{language}-{zoom}-{name}.png"), full_page=True
            )
            assert "[object Object]" not in await page.locator("body").inner_text(), name
            seen = await page.evaluate(WIDEST)
            if seen["page"] > seen["width"] + 1 or seen["over"]:
                too_wide.append(f"{name}: {seen}")

        await expect(page.locator("#join-view")).to_be_visible()
        await look("01-join")
        await page.fill("#name", "Rhiannon Llewelyn-Prydderch")
        await page.click("#join-named")
        await expect(page.locator("#session-view")).to_be_visible()
        await look("02-waiting")
        engine.execute(c.StartSession())
        for n, (name, step) in enumerate(STEPS, start=3):
            engine.execute(c.GoTo(item=0, step=step))
            await expect(page.locator("#step-title")).not_to_be_empty()
            await expect(page.locator("#step-where")).to_contain_text(str(step + 1))
            await look(f"{n:02d}-{name}")
        where = page.locator("#step-where")
        engine.execute(c.NextStep())  # the break
        await expect(where).not_to_contain_text(str(TALK + 1))
        await look("09-break")
        title = await page.locator("#step-title").inner_text()
        engine.execute(c.EndSession())
        await expect(page.locator("#step-title")).not_to_have_text(title)
        await look("10-ended")
        await context.close()
    assert problems == []
    assert too_wide == []
