"""Every screen of the phone page at 360 px and at 200% zoom, in English and in Welsh:
the reflow checks of the accessibility tests (no sideways scrolling, no word broken
inside itself, nothing off the screen: Welsh words are long), axe-core on the Welsh
screens (the English ones are audited by test_browser_a11y), and a screenshot of each for
a person to look at.

The screenshots go to $SESSIONKIT_ARTEFACTS/phone-screens (helpers.a11y.artefacts),
else a fresh temporary folder, never inside the repository.
"""

from __future__ import annotations

import os
import shutil

import pytest

from helpers.a11y import PHONES, artefacts, audit, axe_source, layout_problems, report
from helpers.phones import CHROMIUM, phone_room
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
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
STEPS = [("notes", WRITE), ("vote", VOTE), ("rating", RATE), ("open", OPEN), ("map", MAP)]
STEPS += [("talk", TALK)]


@pytest.mark.parametrize("phone", ["360px", "zoom200"])
@pytest.mark.parametrize("language", ["en", "cy"])
async def test_every_phone_screen_fits_the_screen(language: str, phone: str):
    """The tests' method has Welsh on its first step and English on the rest (shown as
    English in a Welsh page): both cases are on screen."""
    shots = artefacts("phone-screens")
    axe = axe_source() if language != "en" else ""
    engine = Engine(Plan.model_validate(PLAN), {"retro": welsh_method()}, journal=MemoryJournal())
    app = create_app(engine, token=TOKEN, limits=fast_limits(), language=language)
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        context = await room.browser.new_context(**PHONES[phone], is_mobile=True, has_touch=True)
        page = await context.new_page()
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        await page.goto(room.url)
        found: dict[str, list[str]] = {}

        async def look(name: str) -> None:
            await page.screenshot(
                path=str(shots / f"{language}-{phone}-{name}.png"), full_page=True
            )
            text = await page.locator("body").inner_text()
            found[name] = ["[object Object] on the page"] if "[object Object]" in text else []
            found[name] += await layout_problems(page)
            if axe:
                found[name] += await audit(page, axe)

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
    assert not any(found.values()), report(found)
