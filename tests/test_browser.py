"""A phone's browser against a real server: scan, join, write, vote, survive a restart.

Chromium (Debian's, at /usr/bin/chromium) drives the real phone page over HTTP from a
real uvicorn, all in the test's event loop, so the facilitator's commands run on the
engine exactly as the TUI would run them. Set SESSIONKIT_SCREENSHOTS=DIR to keep the
screenshots (360 px wide) for a look.

Every wait is for something to show or be recorded, with a generous safety deadline; how
fast a step change reaches the phones is measured by bench/ (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import httpx
import pytest

from helpers.phones import ARGS, CHROMIUM
from helpers.waiting import SAFETY_MS, start_server, until
from sessionkit import qr
from sessionkit.core import commands as c
from sessionkit.netaddr import join_link
from sessionkit.web import create_app
from test_web import MAP, OPEN, RATE, VOTE, fast_limits, make_engine

TOKEN = "browser-token-42"

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)
zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is not installed")

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)


async def start(app, port: int = 0):
    """Serve on a port the server binds itself (0), or come back on a stopped one's."""
    return await start_server(app, port, graceful_seconds=1)


def scan(url: str, tmp_path: Path) -> str:
    """What a phone camera reads from the code the facilitator shows."""
    from PIL import Image

    png = qr.write(url, tmp_path / "join.png")
    found = [b.text for b in zxingcpp.read_barcodes(Image.open(png).convert("RGB"))]
    assert len(found) == 1
    return found[0]


async def test_phone_joins_writes_votes_and_survives_a_restart(tmp_path: Path):
    shots = Path(os.environ.get("SESSIONKIT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    engine = make_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    server, task = await start(app)
    port = server.port
    link = join_link(TOKEN, port=port, host="127.0.0.1")
    url = scan(link.local_url, tmp_path)
    assert url == f"http://127.0.0.1:{port}/j/{TOKEN}"

    problems: list[str] = []
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page(
                viewport={"width": 360, "height": 740},
                device_scale_factor=1,
                is_mobile=True,
                has_touch=True,
            )
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda msg: (
                    problems.append(f"console: {msg.text}") if msg.type == "error" else None
                ),
            )
            expect = type(playwright_api.expect)()  # this test's own, not the global one
            expect.set_options(timeout=SAFETY_MS)  # a safety net, never the thing tested

            # Join with a name.
            await page.goto(url)
            await expect(page.locator("#join-view")).to_be_visible()
            await page.screenshot(path=str(shots / "1-join.png"), full_page=True)
            await page.fill("#name", "Ann")
            await page.click("#join-named")
            await expect(page.locator("#step-title")).to_have_text("Waiting to start")
            await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
            assert [p.name for p in engine.state.participants.values()] == ["Ann"]

            # The facilitator starts: the phone shows the first step by itself.
            engine.execute(c.StartSession())
            await expect(page.locator("#step-title")).to_have_text("Write")
            await expect(page.locator("#timer")).to_be_visible()

            # Write a note (it needs a kind) and see it under "Your notes".
            await page.fill("#note-text", "Handovers are clearer <b>now</b>")
            await page.click("#note-add")
            await expect(page.locator("#alert")).to_contain_text("Choose a kind of note")
            await page.click("label.chip:has-text('Rose')")
            await page.click("#note-add")
            await expect(page.locator("#my-notes li")).to_have_count(1)
            await expect(page.locator("#my-notes li").first).to_contain_text(
                "Handovers are clearer <b>now</b>"
            )  # shown as text, never as markup
            await until(lambda: len(engine.state.notes) == 1, "the note to be recorded")
            await page.screenshot(path=str(shots / "2-notes.png"), full_page=True)

            # Someone else writes too; the facilitator reveals, then opens the vote.
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                joined = (
                    await http.post(
                        f"/j/{TOKEN}/api/join", json={"client_id": "other-phone-0000001"}
                    )
                ).json()
                other = {"X-Participant-Key": joined["key"]}
                for i, text in enumerate(
                    ("Too many forms to fill in", "A shared calendar could help")
                ):
                    response = await http.post(
                        f"/j/{TOKEN}/api/notes",
                        headers=other,
                        json={"text": text, "category": "thorn", "client_id": f"o-{i}"},
                    )
                    assert response.status_code == 201
            await expect(page.locator("#all-notes li")).to_have_count(0)  # still private
            engine.execute(c.Reveal())
            await expect(page.locator("#all-notes li")).to_have_count(2)
            engine.execute(c.GoTo(item=0, step=VOTE))
            engine.execute(c.OpenVote())
            await expect(page.locator("#targets li")).to_have_count(3)
            await (
                page.locator("#targets li", has_text="Too many forms").locator("button.add").click()
            )
            await expect(page.locator("#dots")).to_contain_text("1 of 2 dots left")
            await until(lambda: engine.state.dots_used("0.1", "p1") == 1, "the dot")
            await page.screenshot(path=str(shots / "3-vote.png"), full_page=True)
            await (
                page.locator("#targets li", has_text="Too many forms")
                .locator("button.take")
                .click()
            )
            await until(lambda: engine.state.dots_used("0.1", "p1") == 0, "the dot back")
            await expect(page.locator("#dots")).to_contain_text("2 of 2 dots left")
            await (
                page.locator("#targets li", has_text="shared calendar")
                .locator("button.add")
                .click()
            )
            await until(lambda: engine.state.dots_used("0.1", "p1") == 1, "the dot")
            engine.execute(c.CloseVote())
            await expect(page.locator("#results li")).to_have_count(1)
            await expect(page.locator("#targets button.add").first).to_be_disabled()
            await page.screenshot(path=str(shots / "3b-vote-results.png"), full_page=True)

            # The server goes away (laptop lid, Wi-Fi) while the phone writes a note...
            engine.execute(c.GoTo(item=0, step=OPEN))
            await expect(page.locator("#step-title")).to_have_text("Open board")
            server.stop()
            await asyncio.wait_for(task, 30)
            await expect(page.locator("#conn")).not_to_have_attribute("data-state", "live")
            await page.fill("#note-text", "Written while the server was down")
            await page.click("#note-add")
            await expect(page.locator("#my-notes li.pending")).to_have_count(1)
            # The page keeps it to send later (and says so); with the server stopped it
            # cannot have reached the engine: what matters is that it arrives once below.
            await expect(page.locator("#conn")).to_contain_text("1 unsent")
            await page.screenshot(path=str(shots / "4-offline.png"), full_page=True)
            assert not [n for n in engine.state.notes.values() if "server was down" in n.text]

            # ...and comes back on the same port: the page recovers by itself, sends the
            # note exactly once, and hears about the next step change.
            server, task = await start(app, port)
            await until(
                lambda: any("server was down" in n.text for n in engine.state.notes.values()),
                "the offline note to be delivered",
            )
            await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
            await expect(page.locator("#my-notes li.pending")).to_have_count(0)
            await expect(page.locator("#my-notes li")).to_have_count(1)
            engine.execute(c.GoTo(item=0, step=MAP))
            await expect(page.locator("#step-title")).to_have_text("Map")
            # A reload keeps the identity (no second join) and nothing is resent: once the
            # reloaded page is live it has sent its outbox, and "Live" with no "unsent"
            # means every item in it (if any) has been answered by the server.
            await page.reload()
            await expect(page.locator("#step-title")).to_have_text("Map")
            await expect(page.locator("#conn")).to_have_text("Live")
            offline = [n for n in engine.state.notes.values() if "server was down" in n.text]
            assert len(offline) == 1
            assert len(engine.state.participants) == 2
            await page.screenshot(path=str(shots / "5-canvas.png"), full_page=True)

            # A rating, and the room's results once this phone has rated.
            engine.execute(c.GoTo(item=0, step=RATE))
            await expect(page.locator("#scale button")).to_have_count(5)
            await expect(page.locator("#results-panel")).to_be_hidden()
            await page.click("#scale button:has-text('4')")
            await until(lambda: engine.state.ratings.get("0.2", {}).get("p1") == 4, "the rating")
            await expect(page.locator("#scale button[aria-pressed=true]")).to_have_text("4")
            await expect(page.locator("#results-panel")).to_be_visible()
            await page.screenshot(path=str(shots / "6-rating.png"), full_page=True)

            # Removed by the facilitator: the page says so.
            engine.execute(c.RemoveParticipant(participant="p1"))
            await expect(page.locator("#removed-view")).to_be_visible()
        finally:
            await browser.close()
            server.stop()
            await asyncio.wait_for(task, 30)
    # CSP violations and script errors show up as console errors.
    real = [
        p
        for p in problems
        if "Failed to load resource" not in p and "ERR_CONNECTION_REFUSED" not in p
    ]
    assert not real, real
