"""A phone's own note is in its own list only, never under "Everyone else's notes": not
from a delta that reaches the phone before the answer to its own POST (the server has
the note, the phone does not yet know its id), and not in a full view.

The answer to Ana's POST is held back in Playwright (the request reaches the server and
is answered; the page is given the answer only when the test says) while Bo's note
makes a delta that carries Ana's note too, and then while a summary makes the phone
fetch its whole view. Every wait is for something to show.
"""

from __future__ import annotations

import asyncio

from helpers.phones import phone_room
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.web import create_app
from test_browser import pytestmark  # noqa: F401 (pytestmark: skip without Chromium)
from test_web import OPEN, fast_limits, goto, make_engine

TOKEN = "browser-own-notes-token-5"


async def test_a_delta_before_the_answer_keeps_the_own_note_out_of_the_others() -> None:
    engine = make_engine()
    engine.execute(c.StartSession())
    goto(engine, OPEN)
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    hub = app.state.hub
    async with phone_room(app, TOKEN) as room:
        expect = room.expect
        ana = await room.join("Ana")
        await expect(ana.locator("#step-title")).to_have_text("Open board")
        await until(lambda: len(hub.connections) == 1, "Ana listening")
        answered = asyncio.Event()
        release = asyncio.Event()

        async def held(route) -> None:
            response = await route.fetch()  # the server takes the note and answers
            answered.set()
            await release.wait()
            await route.fulfill(response=response)

        await ana.route("**/api/notes", held)
        mine = "Ana's own idea about the ward round"
        await ana.fill("#note-text", mine)
        await ana.click("#note-add")
        await until(answered.is_set, "the server to answer Ana's note")
        bo = engine.execute(c.Join(name="Bo")).data["participant"]
        engine.execute(c.AddNote(text="Bo's note"), bo)

        others = ana.locator("#all-notes li")
        # Bo's note came by a delta after (or with) the one carrying Ana's own note.
        await expect(others.filter(has_text="Bo's note")).to_have_count(1)
        await expect(others).to_have_count(1)
        await expect(ana.locator("#all-h")).to_have_text("Everyone else's notes (1)")
        own = ana.locator("#my-notes li")
        await expect(own).to_have_count(1)
        await expect(own.first).to_contain_text(mine)

        # A full view fetched before the answer (a summary makes every phone refetch):
        # its own part has the note, and the note is shown once, in the own list.
        engine.execute(c.SetSummary(text="Talked about the ward round"))
        await expect(ana.locator("#summary-text")).to_have_text("Talked about the ward round")
        await expect(own).to_have_count(1)
        await expect(own.first).not_to_have_class("note pending")
        await expect(others).to_have_count(1)
        await expect(ana.locator("#all-h")).to_have_text("Everyone else's notes (1)")

        release.set()
        await expect(own.first).not_to_have_class("note pending")
        await expect(own).to_have_count(1)
        await expect(others).to_have_count(1)
        await expect(ana.locator("#all-h")).to_have_text("Everyone else's notes (1)")

        await ana.reload()  # a full view: the same
        await expect(own.first).to_contain_text(mine)
        await expect(own).to_have_count(1)
        await expect(others).to_have_count(1)
        await expect(others.first).to_contain_text("Bo's note")
        assert room.problems == []
