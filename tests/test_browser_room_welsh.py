"""The room page in a real browser: in the run's language (Welsh, English, both, each
part with its lang, participants' text left as written), and its chime at a timer's
zero: once per zero, not when muted on the page or silenced by the facilitator (``S``
in the app runs the same SetTimers command used here), with "Click to allow sound" while
the browser keeps the page silent.

The chime is heard through a stand-in AudioContext (``page.add_init_script``) that
counts the tones started; the page also counts its chimes in ``data-chimes``. Set
SESSIONKIT_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import copy
import os
import shutil
import time
from pathlib import Path

import pytest

from helpers.a11y import audit, axe_source
from helpers.phones import CHROMIUM, phone_room, screenshots
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import NEWCOMER
from sessionkit.web import create_app
from sessionkit.web.pages import welsh_catalogue
from test_web import METHOD, PLAN, MemoryJournal, fast_limits

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)

TOKEN = "room-welsh-join-4242"
ROOM = "room-welsh-room-4242"
WELSH = welsh_catalogue()
OWN_TEXT = "Send"
"""A note that is also one of the pages' own strings: it must stay as written."""
WALL = {"width": 1280, "height": 720}

FAKE_AUDIO = """
window.__tones = 0;
window.AudioContext = function () {
  var ctx = this;
  this.state = window.__audioState || "running";
  this.currentTime = 0;
  this.destination = {};
  this.onstatechange = null;
  this.resume = function () {
    ctx.state = "running";
    if (ctx.onstatechange) ctx.onstatechange();
    return Promise.resolve();
  };
  var param = function () {
    return { value: 0, setValueAtTime: function () {}, exponentialRampToValueAtTime: function () {} };
  };
  this.createOscillator = function () {
    return { type: "", frequency: param(), connect: function () {},
             start: function () { window.__tones += 1; }, stop: function () {} };
  };
  this.createGain = function () { return { gain: param(), connect: function () {} }; };
};
"""


class Clock:
    """The engine's clock, which a test can move on (to bring a countdown near zero)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def engine_with(clock: Clock | None = None) -> Engine:
    data = copy.deepcopy(METHOD)
    write = data["steps"][0]
    write["input"]["private"] = False  # the room sees notes as they come
    write["cy"] = {"title": "Ysgrifennu", "prompt": "Beth aeth yn dda, beth nad aeth?"}
    write["input"]["categories"][0]["cy"] = {"label": "Rhosyn"}  # the thorn has none
    method = Method.model_validate(data)
    return Engine(
        Plan.model_validate(PLAN),
        {"retro": method},
        journal=MemoryJournal(),
        clock=clock or time.time,
    )


def add_note(engine: Engine, text: str) -> None:
    who = engine.execute(c.Join(name="Ann"), NEWCOMER).data["participant"]
    engine.execute(c.AddNote(text=text, category="rose"), who)


async def open_room(room, problems: list[str], *, audio: str = "running"):
    page = await room.browser.new_page(viewport=WALL)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    await page.add_init_script(f"window.__audioState = {audio!r};" + FAKE_AUDIO)
    await page.goto(f"{room.base}/room/{ROOM}")
    return page


async def test_a_welsh_run_shows_the_room_welsh_and_leaves_notes_as_written(tmp_path: Path):
    shots = screenshots(tmp_path)
    engine = engine_with()
    app = create_app(engine, token=TOKEN, limits=fast_limits(), room_token=ROOM, language="cy")
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        page = await open_room(room, problems)
        assert await page.get_attribute("html", "lang") == "cy"
        await expect(page.locator("#title")).to_have_text(WELSH["Starting soon"])
        await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
        await expect(page.locator("#sound-mute")).to_have_text(WELSH["Mute the chime"])
        await expect(page.locator("#join")).to_have_attribute(
            "aria-label", WELSH["Join from your phone"]
        )

        engine.execute(c.StartSession())
        add_note(engine, OWN_TEXT)
        await expect(page.locator("#title")).to_have_text("Ysgrifennu")
        await expect(page.locator("#prompt")).to_have_text("Beth aeth yn dda, beth nad aeth?")
        # A category with Welsh shows it; one without shows its English.
        await expect(page.locator(".column h2")).to_have_text(["Rhosyn (1)", "Thorn (0)"])
        await expect(page.locator(".card")).to_have_text([OWN_TEXT])  # not "Anfon"
        await expect(page.locator("#answered")).to_have_text("Mae 1 o 1 wedi ysgrifennu")
        assert await page.title() == "Ystafell: Test workshop"
        await page.screenshot(path=str(shots / "room-cy-notes.png"))
    assert problems == []


async def test_a_bilingual_room_marks_each_part_with_its_language(tmp_path: Path):
    shots = screenshots(tmp_path)
    engine = engine_with()
    app = create_app(engine, token=TOKEN, limits=fast_limits(), room_token=ROOM, language="cy+en")
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        page = await open_room(room, problems)
        assert await page.get_attribute("html", "lang") == "cy"
        title = page.locator("#title")
        await expect(title.locator("[lang=cy]")).to_have_text(WELSH["Starting soon"])
        await expect(title.locator("[lang=en]")).to_have_text("Starting soon")

        engine.execute(c.StartSession())
        add_note(engine, OWN_TEXT)
        await expect(title.locator("[lang=cy]")).to_have_text("Ysgrifennu")
        await expect(title.locator("[lang=en]")).to_have_text("Write")
        heading = page.locator(".column h2").first
        await expect(heading.locator("[lang=cy]")).to_have_text("Rhosyn")
        await expect(heading.locator("[lang=en]")).to_have_text("Rose")
        # The participant's note: as written, in no language's span.
        card = page.locator(".card")
        await expect(card).to_have_text([OWN_TEXT])
        assert await card.locator("[lang]").count() == 0
        answered = page.locator("#answered")
        await expect(answered.locator("[lang=cy]")).to_have_text("Mae 1 o 1 wedi ysgrifennu")
        await expect(answered.locator("[lang=en]")).to_have_text("1 of 1 have written")
        await page.screenshot(path=str(shots / "room-cy+en-notes.png"))
        # The mute and allow-sound buttons and both languages' text pass axe-core.
        assert await audit(page, axe_source()) == []
    assert problems == []


def near_zero(engine: Engine, clock: Clock, seconds: float = 3) -> None:
    """Move the clock on so the running countdown has ``seconds`` left."""
    clock.offset += engine.state.timer.remaining_at(clock()) - seconds


async def test_the_room_chimes_once_at_zero_unless_muted_or_silenced(tmp_path: Path):
    clock = Clock()
    engine = engine_with(clock)
    app = create_app(engine, token=TOKEN, limits=fast_limits(), room_token=ROOM)
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        engine.execute(c.StartSession())
        if not engine.state.timer.running:
            engine.execute(c.TimerCommand(action="start"))
        near_zero(engine, clock)
        page = await open_room(room, problems)
        wall, timer = page.locator("#room"), page.locator("#timer")
        await expect(page.locator("#sound-allow")).to_be_hidden()  # the page may play

        # Zero: one chime (two tones), and the timer says so.
        await expect(wall).to_have_attribute("data-chimes", "1")
        await expect(wall).to_have_attribute("data-zeros", "1")
        await expect(timer).to_have_class("timer up")
        assert await page.evaluate("window.__tones") == 2

        # Muted on the page, from the keyboard: the next zero is quiet.
        mute = page.get_by_role("button", name="Mute the chime")
        await mute.focus()
        await page.keyboard.press("Enter")
        await expect(mute).to_have_attribute("aria-pressed", "true")
        near_zero(engine, clock, -57)  # extending by 60 leaves 3 s
        engine.execute(c.TimerCommand(action="extend", seconds=60))
        await expect(wall).to_have_attribute("data-zeros", "2")
        await expect(wall).to_have_attribute("data-chimes", "1")

        # Unmuted, but the facilitator silenced the signal (S): the page says so, no chime.
        await page.keyboard.press("Enter")
        await expect(mute).to_have_attribute("aria-pressed", "false")
        engine.execute(c.SetTimers(signal=False))
        await expect(page.locator("#sound-silenced")).to_be_visible()
        near_zero(engine, clock, -57)
        engine.execute(c.TimerCommand(action="extend", seconds=60))
        await expect(wall).to_have_attribute("data-zeros", "3")
        await expect(wall).to_have_attribute("data-chimes", "1")

        # The signal back on, live: the next zero chimes again, once.
        engine.execute(c.SetTimers(signal=True))
        await expect(page.locator("#sound-silenced")).to_be_hidden()
        near_zero(engine, clock, -57)
        engine.execute(c.TimerCommand(action="extend", seconds=60))
        await expect(wall).to_have_attribute("data-zeros", "4")
        await expect(wall).to_have_attribute("data-chimes", "2")
        assert await page.evaluate("window.__tones") == 4
    assert problems == []


async def test_a_blocked_page_offers_to_allow_sound(tmp_path: Path):
    engine = engine_with()
    app = create_app(engine, token=TOKEN, limits=fast_limits(), room_token=ROOM)
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        page = await open_room(room, problems, audio="suspended")
        allow = page.get_by_role("button", name="Click to allow sound")
        await expect(allow).to_be_visible()
        await allow.click()
        await expect(allow).to_be_hidden()
    assert problems == []
