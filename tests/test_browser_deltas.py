"""Deltas in the browser: another phone's note reaches an open board without a refetch,
looks exactly as a full fetch shows it, and a phone that missed a delta refetches.

Two phones (and a third that joins later, to compare with a full fetch) in Chromium
against a real uvicorn in the test's loop; the state fetches are counted from
Playwright's request events. Every wait is for something to show or be recorded.
"""

from __future__ import annotations

from pathlib import Path

from helpers.phones import phone_room, screenshots
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.web import create_app
from test_browser import pytestmark  # noqa: F401 (pytestmark: skip without Chromium)
from test_web import OPEN, fast_limits, goto, make_engine

TOKEN = "browser-deltas-token-3"


async def test_a_note_reaches_the_other_phone_as_a_delta(tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    engine = make_engine()
    engine.execute(c.StartSession())
    goto(engine, OPEN)
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    hub = app.state.hub
    codings: list[bytes] = []  # how each event stream was sent

    async def recorded(scope, receive, send):
        async def sending(message):
            if message["type"] == "http.response.start" and "/api/events" in scope["path"]:
                codings.append(dict(message["headers"]).get(b"content-encoding", b"identity"))
            await send(message)

        await app(scope, receive, sending)

    async with phone_room(recorded, TOKEN) as room:
        expect = room.expect
        ana = await room.join("Ana")
        bo = await room.join("Bo")
        for page in (ana, bo):
            await expect(page.locator("#step-title")).to_have_text("Open board")
        await until(lambda: len(hub.connections) == 2, "both phones listening")
        # Chromium asks for gzip: the deltas below reach Bo through a gzipped stream.
        assert codings and set(codings) == {b"gzip"}, codings
        fetches: list = []
        bo.on("requestfinished", lambda r: fetches.append(r) if "/api/state" in r.url else None)

        async def fetched() -> list[str]:
            """What Bo's state fetches so far brought: every note text in them."""
            texts = []
            for request in fetches:
                view = await (await request.response()).json()
                texts += [n["text"] for n in view["public"].get("notes", [])]
            return texts

        text = "[b]Ana's[/b] <i>idea</i> =1+1"
        await ana.fill("#note-text", text)
        await ana.click("#note-add")
        note = bo.locator("#all-notes li", has_text=text)
        await expect(note).to_have_count(1)
        await expect(note).to_contain_text("Ana")  # a named board: the author's name
        await expect(bo.locator("#all-h")).to_have_text("Everyone else's notes (1)")
        # Bo may have fetched its first view meanwhile (the greeting notice), but no
        # fetch brought the note: the delta did.
        assert text not in await fetched(), "Bo fetched its whole view for a note"
        before = len(fetches)
        await bo.screenshot(path=str(shots / "delta-applied.png"), full_page=True)

        # What the delta drew is what a full fetch draws (Cy has written nothing either).
        cy = await room.join("Cy")
        await expect(cy.locator("#all-notes li")).to_have_count(1)
        for part in ("#all-notes", "#all-h"):
            drawn = await bo.locator(part).evaluate("n => n.outerHTML")
            assert drawn == await cy.locator(part).evaluate("n => n.outerHTML")

        # A gap: Bo's stream misses one delta (as when its one-slot mailbox held a newer
        # message), so the next one does not follow on from its view and it refetches.
        bo_id = next(p.id for p in engine.state.participants.values() if p.name == "Bo")
        ana_id = next(p.id for p in engine.state.participants.values() if p.name == "Ana")
        bo_streams = list(hub.by_participant[bo_id])
        for stream in bo_streams:
            hub.connections.discard(stream)
        engine.execute(c.AddNote(text="missed by Bo"), ana_id)
        await until(lambda: hub._flush_handle is None, "the delta Bo misses to go out")
        hub.connections.update(bo_streams)
        engine.execute(c.AddNote(text="after the gap"), ana_id)
        await expect(bo.locator("#all-notes li")).to_have_count(3)
        await expect(bo.locator("#all-notes li").first).to_contain_text("after the gap")
        await expect(bo.locator("#all-notes li", has_text="missed by Bo")).to_have_count(1)
        await until(lambda: len(fetches) > before, "Bo's refetch after the gap")
        assert "missed by Bo" in await fetched()  # the refetch filled the gap
        assert room.problems == []
