"""Focus and announcements on the phone page, as a keyboard or screen-reader user meets them.

One phone in Chromium against a real server. Every screen change takes focus to the new
screen's heading (joining, each step, being removed); a button that disables itself
hands focus to its neighbour or its panel's heading, never to the page; a vote opening
and closing, notes being revealed and input being paused are each announced once; and
no live region is ever rewritten with the words it already holds (a screen reader would
read them again). A MutationObserver in the page records every write to a live region.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from helpers.waiting import SAFETY_MS, start_server, until
from sessionkit.core import commands as c
from sessionkit.web import create_app
from test_browser import ARGS, CHROMIUM, playwright_api, pytestmark  # noqa: F401
from test_web import VOTE, fast_limits, make_engine

TOKEN = "browser-focus-token-6"

# Installed before the page's own script: every change to a live region, with whether
# the words are the ones it already had.
RECORD_LIVE_REGIONS = """
window.__live = [];
document.addEventListener("DOMContentLoaded", () => {
    const regions = document.querySelectorAll("[aria-live], [role=status], [role=alert]");
    const last = new Map();
    regions.forEach(region => last.set(region, region.textContent));
    new MutationObserver(records => {
        const touched = new Set(records.map(r =>
            Array.from(regions).find(region => region.contains(r.target) || region === r.target)));
        touched.forEach(region => {
            if (!region) return;
            const text = region.textContent;
            window.__live.push({ id: region.id, text: text, same: text === last.get(region) });
            last.set(region, text);
        });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
});
"""


async def focused(page: Any) -> str:
    """What has focus: its id, or its focus key, or its tag."""
    return str(
        await page.evaluate(
            "() => { const a = document.activeElement;"
            " return a.id || (a.dataset && a.dataset.focusKey) || a.tagName.toLowerCase(); }"
        )
    )


async def test_focus_follows_every_screen_and_changes_are_announced_once() -> None:
    engine = make_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    server, task = await start_server(app, 0, graceful_seconds=1)
    base = f"http://127.0.0.1:{server.port}"
    problems: list[str] = []
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            expect = type(playwright_api.expect)()
            expect.set_options(timeout=SAFETY_MS)
            context = await browser.new_context(
                viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
            )
            page = await context.new_page()
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            await page.add_init_script(RECORD_LIVE_REGIONS)

            async def live() -> list[dict[str, Any]]:
                return list(await page.evaluate("() => window.__live"))

            async def announcements() -> list[str]:
                return [r["text"] for r in await live() if r["id"] == "announce"]

            async def focus_on(what: str) -> None:
                await until_async(lambda: focused(page), what)

            async def until_async(get, want: str) -> None:
                deadline = asyncio.get_running_loop().time() + SAFETY_MS / 1000
                while (now := await get()) != want:
                    if asyncio.get_running_loop().time() > deadline:
                        raise AssertionError(f"focus is on {now}, not {want}")
                    await asyncio.sleep(0.02)

            # Joining by keyboard: focus goes to the first screen's heading, not the page.
            await page.goto(f"{base}/j/{TOKEN}")
            await page.fill("#name", "Ann")
            await page.press("#name", "Enter")
            await expect(page.locator("#step-title")).to_have_text("Waiting to start")
            await focus_on("step-title")

            # A new step: its title takes focus (and is read); nothing else is announced.
            engine.execute(c.StartSession())
            await expect(page.locator("#step-title")).to_have_text("Write")
            await focus_on("step-title")
            await page.locator("label.chip", has_text="Rose").click()
            await page.fill("#note-text", "Handovers are clearer")
            await page.press("#note-add", "Enter")
            await expect(page.locator("#my-notes li")).to_have_count(1)
            await focus_on("note-text")  # ready for the next note
            assert await announcements() == []

            # Revealed, paused, opened again: each said once, however often it redraws.
            async with httpx.AsyncClient(base_url=base) as http:
                other = (
                    await http.post(
                        f"/j/{TOKEN}/api/join", json={"client_id": "other-phone-focus-0001"}
                    )
                ).json()
                headers = {"X-Participant-Key": other["key"]}
                response = await http.post(
                    f"/j/{TOKEN}/api/notes",
                    headers=headers,
                    json={
                        "text": "Too many forms",
                        "category": "thorn",
                        "client_id": "focus-note-000001",
                    },
                )
                assert response.status_code == 201
                engine.execute(c.Reveal())
                await expect(page.locator("#all-notes li")).to_have_count(1)
                engine.execute(c.LockInput())
                await expect(page.locator("#step-status")).to_contain_text("paused")
                engine.execute(c.LockInput(locked=False))
                await expect(page.locator("#step-status")).to_be_hidden()
                assert await announcements() == [
                    "The facilitator has shared everyone's notes.",
                    "The facilitator has paused input for this step.",
                    "The facilitator has opened input again.",
                ]

                # A vote: the step's title takes focus; opening is announced once.
                engine.execute(c.GoTo(item=0, step=VOTE))
                await expect(page.locator("#step-title")).to_have_text("Vote")
                await focus_on("step-title")
                engine.execute(c.OpenVote())
                await expect(page.locator("#targets button.add:enabled")).to_have_count(2)
                adds = page.locator("#targets button.add")
                await adds.nth(0).focus()
                await page.keyboard.press("Enter")
                await expect(page.locator("#dots")).to_contain_text("1 of 2 dots left")
                # The other phone votes: this page redraws, its dots unchanged.
                target = engine.vote_targets(engine.state.step_key)[0]
                response = await http.post(
                    f"/j/{TOKEN}/api/votes",
                    headers=headers,
                    json={"target": target, "client_id": "focus-vote-000001"},
                )
                assert response.status_code == 201, response.text
                await until(lambda: engine.state.dots_used(VOTE_KEY, other["participant"]), "vote")
                # The last dot: every "+ dot" disables itself; focus goes to "− dot" for
                # the same item, which has just appeared.
                await adds.nth(1).focus()
                await page.keyboard.press("Enter")
                await expect(page.locator("#dots")).to_contain_text("0 of 2 dots left")
                await until_async(lambda: focused(page), await take_key(page, 1))
                # Closed: the "− dot" disables itself too; focus goes to the panel's heading.
                engine.execute(c.CloseVote())
                await expect(page.locator("#results li")).to_have_count(2)
                await focus_on("vote-h")
            assert (await announcements())[-2:] == [
                "Voting is open. You have 2 dots.",
                "Voting has closed. The results are below.",
            ]

            # Removed: the removed screen's heading has focus, and nothing says it is
            # reconnecting.
            engine.execute(c.RemoveParticipant(participant="p1"))
            await expect(page.locator("#removed-view")).to_be_visible()
            await focus_on("removed-h")
            await expect(page.locator("#conn")).to_have_text("Left the session")
            assert await page.locator("#conn").get_attribute("class") == "conn"  # no dot

            writes = await live()
            again = [w for w in writes if w["same"]]
            assert not again, f"live regions rewritten with unchanged text: {again}"
            said = await announcements()
            assert len(said) == len(set(said)) == 5, said
        finally:
            await browser.close()
            server.stop()
            await asyncio.wait_for(task, 30)
    assert not problems, problems


VOTE_KEY = f"0.{VOTE}"


async def take_key(page: Any, n: int) -> str:
    """The focus key of the "− dot" button on the n-th item."""
    return str(
        await page.locator("#targets li")
        .nth(n)
        .locator("button.take")
        .get_attribute("data-focus-key")
    )
