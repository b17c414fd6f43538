"""The phone page in Welsh, English and both: the run's language, each phone's own
choice, the lang of every part, a method's Welsh, and participants' text left alone.

Set SESSIONKIT_SCREENSHOTS=DIR to keep the screenshots (360 px wide) for a look.
"""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import httpx
import pytest

from helpers.phones import open_phone, phone_room, screenshots
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.web import create_app
from sessionkit.web.pages import welsh_catalogue
from test_browser import CHROMIUM
from test_web import METHOD, PLAN, VOTE, MemoryJournal, fast_limits

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)

TOKEN = "welsh-token-4242"
WELSH = welsh_catalogue()
# A note a participant writes that is also one of the page's own strings: it must stay
# exactly as written whatever language the page is in.
OWN_TEXT = "Send"


def welsh_method() -> Method:
    data = copy.deepcopy(METHOD)
    write = data["steps"][0]
    write["cy"] = {"title": "Ysgrifennu", "prompt": "Beth aeth yn dda, beth nad aeth?"}
    write["input"]["categories"][0]["cy"] = {"label": "Rhosyn"}
    # The thorn has no Welsh: the page shows the English for it.
    return Method.model_validate(data)


def make_engine() -> Engine:
    return Engine(Plan.model_validate(PLAN), {"retro": welsh_method()}, journal=MemoryJournal())


async def test_a_welsh_run_speaks_welsh_and_a_phone_can_change_language(tmp_path: Path):
    shots = screenshots(tmp_path)
    engine = make_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits(), language="cy")
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        page = await open_phone(room.browser, room.url, problems, console=False)

        # The join screen, from the catalogue, with the page's lang.
        assert await page.get_attribute("html", "lang") == "cy"
        await expect(page.locator("#join-h")).to_have_text(WELSH["Join the session"])
        await expect(page.locator("#join-anon")).to_have_text(WELSH["Join without a name"])
        await expect(page.locator("#lang-options button")).to_have_text(["English"])
        assert await page.get_attribute("#lang-options button", "lang") == "en"
        await page.screenshot(path=str(shots / "cy-1-join.png"), full_page=True)

        await page.click("#join-anon")
        await expect(page.locator("#step-title")).to_have_text("Aros i ddechrau")
        engine.execute(c.StartSession())
        await expect(page.locator("#step-title")).to_have_text("Ysgrifennu")
        await expect(page.locator("#step-prompt")).to_have_text("Beth aeth yn dda, beth nad aeth?")
        await expect(page.locator("label.chip")).to_have_text(["Rhosyn", "Thorn"])
        await expect(page.locator("#note-add")).to_have_text(WELSH["Add note"])

        # A participant's note that reads like one of the page's strings stays as written.
        await page.click("label.chip:has-text('Rhosyn')")
        await page.fill("#note-text", OWN_TEXT)
        await page.click("#note-add")
        await expect(page.locator("#my-notes li")).to_have_count(1)
        note = page.locator("#my-notes li").first
        await expect(note).to_contain_text(OWN_TEXT)
        assert WELSH[OWN_TEXT] not in (await note.inner_text())
        await page.screenshot(path=str(shots / "cy-2-notes.png"), full_page=True)

        # The phone changes to English: everything follows, the note does not change.
        await page.click("#lang-options button:has-text('English')")
        assert await page.get_attribute("html", "lang") == "en"
        await expect(page.locator("#step-title")).to_have_text("Write")
        await expect(page.locator("#compose-h")).to_have_text("Add a note")
        await expect(page.locator("label.chip")).to_have_text(["Rose", "Thorn"])
        await expect(note).to_contain_text(OWN_TEXT)
        await expect(page.locator("#lang-options button")).to_have_text(["Cymraeg"])
        # The choice is the phone's: it survives a reload.
        await page.reload()
        await expect(page.locator("#step-title")).to_have_text("Write")
        assert await page.get_attribute("html", "lang") == "en"

        # A step without Welsh shows its English, in a Welsh page too.
        await page.click("#lang-options button:has-text('Cymraeg')")
        engine.execute(c.GoTo(item=0, step=VOTE))
        await expect(page.locator("#step-title")).to_have_text("Vote")
        await expect(page.locator("#vote-h")).to_have_text(WELSH["Your dots"])
    assert problems == []


async def test_a_bilingual_run_marks_each_part_with_its_language(tmp_path: Path):
    shots = screenshots(tmp_path)
    engine = make_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits(), language="cy+en")
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        page = await open_phone(room.browser, room.url, problems, console=False)
        assert await page.get_attribute("html", "lang") == "cy"
        # Welsh first, then English, each in a span that says its language.
        heading = page.locator("#join-h")
        await expect(heading.locator("[lang=cy]")).to_have_text(WELSH["Join the session"])
        await expect(heading.locator("[lang=en]")).to_have_text("Join the session")
        assert await heading.inner_text() == f"{WELSH['Join the session']} / Join the session"
        # Both single languages are offered, each named in its own language.
        await expect(page.locator("#lang-options button")).to_have_text(["English", "Cymraeg"])

        async with httpx.AsyncClient(base_url=room.base) as http:
            other = (await http.post(f"/j/{TOKEN}/api/join", json={"client_id": "x" * 20})).json()
        await page.click("#join-anon")
        engine.execute(c.StartSession())
        title = page.locator("#step-title")
        await expect(title.locator("[lang=cy]")).to_have_text("Ysgrifennu")
        await expect(title.locator("[lang=en]")).to_have_text("Write")
        rose = page.locator("label.chip").first
        await expect(rose.locator("[lang=cy]")).to_have_text("Rhosyn")
        await expect(rose.locator("[lang=en]")).to_have_text("Rose")
        # The thorn has no Welsh: its English alone, not twice.
        await expect(page.locator("label.chip").nth(1)).to_have_text("Thorn")
        await page.screenshot(path=str(shots / "cy+en-notes.png"), full_page=True)

        # A refusal from the server is shown in both languages too.
        engine.execute(c.LockInput(locked=True))
        async with httpx.AsyncClient(base_url=room.base) as http:
            refused = await http.post(
                f"/j/{TOKEN}/api/notes",
                headers={"X-Participant-Key": other["key"]},
                json={"text": "late", "category": "rose", "client_id": "late-note-1"},
            )
        message = refused.json()["error"]
        assert message in WELSH, message
        await expect(page.locator("#step-status [lang=cy]")).to_have_text(WELSH[message])
    assert problems == []
