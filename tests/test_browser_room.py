"""The room page in a real browser beside the running app: step by step, it shows what
the room may see, and none of what it may not, as the facilitator works.

The app runs as ``sessionkit run`` runs it (a :class:`Live` with a record and the phone
server on a loopback port); the facilitator presses keys through Pilot; phones talk to the
server over real HTTP; Chromium shows the room page at 1280x720. Set
SESSIONKIT_SCREENSHOTS=DIR to keep the screenshots.

A reveal is taken back with ctrl+z, as the facilitator would: the room page must drop
the note again, and show it once more after ctrl+y.
"""

from __future__ import annotations

import os
import re
import shutil
from itertools import count
from pathlib import Path

import httpx
import pytest

from helpers.phones import ARGS, CHROMIUM
from helpers.waiting import SAFETY_MS, until
from room_plan import FACILITATOR_NOTE, NAME, PRIVATE, SHOWN, room_plan
from sessionkit.core import commands as c
from sessionkit.core.redaction import REMOVED_TEXT
from sessionkit.live import Live, ServerOptions
from sessionkit.netaddr import join_code, spaced_code
from sessionkit.tui import SessionkitApp

PUBLIC = "http://join.example.test"

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)

NEVER = ("quokka", "wombat", "dingo", FACILITATOR_NOTE.split(":")[0])
"""On the room page at no point: facilitator notes, hidden notes, removed text."""
_ids = count()


def cid() -> str:
    return f"room-browser-{next(_ids):010d}"


class Phone:
    """One participant's phone, over HTTP."""

    def __init__(self, http: httpx.AsyncClient, base: str) -> None:
        self.http, self.base, self.headers = http, base, {}

    async def join(self, name: str) -> Phone:
        got = await self.http.post(f"{self.base}/join", json={"name": name, "client_id": cid()})
        assert got.status_code == 201, got.text
        self.headers = {"X-Participant-Key": got.json()["key"]}
        return self

    async def post(self, path: str, **body) -> dict:
        got = await self.http.post(
            f"{self.base}/{path}", json={**body, "client_id": cid()}, headers=self.headers
        )
        assert got.is_success, got.text
        return got.json()


async def test_the_room_page_follows_the_run_showing_only_what_the_room_may_see(
    tmp_path: Path,
) -> None:
    shots = Path(os.environ.get("SESSIONKIT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    live = Live(tmp_path, ServerOptions(host="127.0.0.1", port=0, public_url=PUBLIC))
    engine = live.new_run(*room_plan())
    app = SessionkitApp(engine=engine, serve=live.serve, room_link=live.room_link)
    problems: list[str] = []
    async with (
        app.run_test(size=(120, 36)) as pilot,
        httpx.AsyncClient(timeout=10) as http,
        playwright_api.async_playwright() as pw,
    ):
        await until(lambda: app.join_url, "the participant server to start")
        link = live.room_link(engine)
        assert link is not None and link.local_url.startswith("http://127.0.0.1:")
        token = app.join_url.rsplit("/", 1)[1]
        assert token not in link.local_url  # a secret of its own
        port = live._server.port
        ann = await Phone(http, f"http://127.0.0.1:{port}/j/{token}/api").join(NAME)
        bo = await Phone(http, f"http://127.0.0.1:{port}/j/{token}/api").join("Bo")
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 720})
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        expect = type(playwright_api.expect)()
        expect.set_options(timeout=SAFETY_MS)  # a safety net, never the thing tested
        shot = count(1)

        async def looks_right(name: str) -> str:
            """Nothing the room may not see, no internal ids; keep a screenshot."""
            await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
            text = await page.locator("body").inner_text()
            for mark in NEVER:
                assert mark.casefold() not in text.casefold(), (name, mark)
            assert not re.search(r"\b[npcqar]\d+\b", text), (name, text)  # no n6, c11...
            await page.screenshot(path=str(shots / f"room-{next(shot):02d}-{name}.png"))
            return text

        board, prompt = page.locator("#board"), page.locator("#prompt")
        try:
            # Before the start: the join code, big; no timer.
            await page.goto(link.local_url)
            await expect(page.locator("#title")).to_have_text("Starting soon")
            await expect(page.locator("#join-qr")).to_be_visible()
            # The short code to type at the root page (easier than the join address).
            await expect(page.locator("#join-code")).to_have_text(spaced_code(join_code(token)))
            await expect(page.locator("#join-url")).to_have_text(f"or type the code at {PUBLIC}/")
            await expect(page.locator("#timer")).to_be_hidden()
            await looks_right("waiting")

            # A private step: what is written stays off the wall until revealed.
            await pilot.press("n")
            await expect(prompt).to_have_text("Prompt for jot")
            await expect(page.locator("#timer")).to_contain_text("5:00")
            private = (await ann.post("notes", text=PRIVATE, category="rose"))["note"]
            await expect(page.locator("#answered")).to_have_text("1 of 2 have written")
            await expect(board).to_contain_text("Notes appear here when they are revealed.")
            assert PRIVATE not in await looks_right("private")

            # Reveal (shift+r): the note is on the wall, under its kind.
            await pilot.press("R")
            await expect(board.locator(".column", has_text="Rose")).to_contain_text(PRIVATE)
            await looks_right("revealed")

            # Undone (ctrl+z): off the wall again, and the room is told at once.
            await pilot.press("ctrl+z")
            await expect(board).not_to_contain_text(PRIVATE)
            await expect(board).to_contain_text("Notes appear here when they are revealed.")
            await looks_right("reveal-undone")
            # Redone (ctrl+y): back on the wall; then hidden, which takes one note off it.
            await pilot.press("ctrl+y")
            await expect(board.locator(".column", has_text="Rose")).to_contain_text(PRIVATE)
            assert app.link.do(c.HideNote, note=private) is not None
            await expect(board).not_to_contain_text(PRIVATE)
            hidden = await bo.post("notes", text="Hidden-wombat note", category="thorn")
            assert app.link.do(c.HideNote, note=hidden["note"]) is not None
            shown = (await bo.post("notes", text=SHOWN, category="rose"))["note"]
            await expect(board).to_contain_text(SHOWN)
            await looks_right("taken-back")

            # A named step shows names; the anonymous ones before did not.
            await pilot.press("n")
            await ann.post("notes", text="Named koala")
            await expect(board.locator(".card", has_text="Named koala")).to_contain_text(NAME)
            await looks_right("named")

            # A grid is a table, rings are rings.
            await pilot.press("n")
            await ann.post("notes", text="Grid koala", region="front.after")
            cell = board.locator("table.grid tr", has_text="Front stage").locator("td").nth(1)
            await expect(cell).to_contain_text("Grid koala")
            await looks_right("grid")
            await pilot.press("n")
            await ann.post("notes", text="Ring koala", region="team")
            await expect(board.locator(".rings .ring")).to_have_count(2)
            await expect(board.locator(".rings .card")).to_have_text("Ring koala")
            await looks_right("rings")

            # A grouped step: each group's notes, by letter, never who is in it.
            await pilot.press("n")
            await bo.post("notes", text="Pair koala")
            await expect(board.locator(".section", has_text="Group A")).to_contain_text(
                "Pair koala"
            )
            await looks_right("groups")

            # Clustering: themes with their notes under them.
            await pilot.press("n")
            assert app.link.do(c.CreateCluster, label="Handovers", notes=[shown]) is not None
            await expect(board.locator(".column", has_text="Handovers")).to_contain_text(SHOWN)
            await looks_right("cluster")

            # The vote: what is voted on, not the running tally; results at the close.
            await pilot.press("n")
            await expect(page.locator("#title")).to_have_text("Dots")
            await pilot.press("o")
            await ann.post("votes", target=shown)
            await expect(page.locator("#answered")).to_have_text("1 of 2 have voted")
            await expect(board.locator(".bar")).to_have_count(0)
            await expect(board).to_contain_text(SHOWN)
            await looks_right("vote-open")
            await pilot.press("o")
            await expect(board.locator(".bar", has_text=SHOWN)).to_contain_text("1")
            await looks_right("vote-closed")

            # Words: a cloud, bigger for words given more; a removed one is gone.
            for _ in range(3):
                await pilot.press("n")
            await expect(page.locator("#title")).to_have_text("Words")
            await ann.post("command", type="add_words", text="koala")
            await bo.post("command", type="add_words", text="koala")
            await ann.post("command", type="add_words", text="dingo")
            await expect(board.locator(".cloud span")).to_have_count(2)
            sizes = await board.locator(".cloud span").evaluate_all(
                "spans => spans.map(s => [s.textContent, parseFloat(s.style.fontSize)])"
            )
            assert dict(sizes)["koala"] > dict(sizes)["dingo"]
            assert app.link.do(c.HideWord, word="dingo") is not None
            await expect(board.locator(".cloud span")).to_have_count(1)
            await looks_right("words")

            # Questions: removed text reads as removed.
            await pilot.press("n")
            await ann.post("command", type="ask_question", text="Dingo question?")
            asked = list(engine.state.questions)[-1]
            assert app.link.do(c.RedactText, item=asked, reason="other")
            await expect(board).to_contain_text(REMOVED_TEXT)
            await looks_right("questions")

            # The end: thanks, and no join code.
            app.link.do(c.EndSession)
            await expect(prompt).to_contain_text("The session has ended")
            await expect(page.locator("#join")).to_be_hidden()
            await looks_right("ended")
        finally:
            await browser.close()
    live.close()
    assert problems == []
