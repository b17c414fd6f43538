"""A review of 250 carried actions on a phone, and long lists on the room page, in a
real browser.

The phone: the first 100 actions and "Show more" (focus on the first new one), an
action far down marked done and still shown done once the answer is back (a row loaded
after the first page is not refreshed with the view), a search; axe-core finds nothing
at 360 px and 200% zoom. The room page (1280x720): a closed vote's top 100 bars, named
by their texts, under "Showing 100 of 260." (in sight: the wall shows what fits); a
words cloud of 250 words the same.

SESSIONKIT_SCREENSHOTS=DIR keeps the screenshots.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers.phones import phone_room, screenshots
from helpers.waiting import until
from sessionkit.web import create_app
from test_browser import pytestmark  # noqa: F401 (pytestmark: skip without Chromium)
from test_browser_result_pages import audited
from test_browser_room_welsh import ROOM, open_room
from test_room_wall import review_engine
from test_web import fast_limits
from test_web_long_lists import TOKEN, go
from test_web_result_pages import MANY, closed_results, words_engine


async def test_a_long_review_shows_more_and_keeps_a_far_mark(tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    engine = review_engine(250)
    actions = list(engine.state.reviews)
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        expect = room.expect
        page = await room.join("Di")
        rows = page.locator("#reviews > li")
        await expect(rows).to_have_count(100)
        more = page.locator("#reviews-more")
        await expect(more).to_have_text("Show more (100 of 250)")
        await more.click()
        await expect(rows).to_have_count(200)
        await expect(page.locator(":focus")).to_have_attribute(
            "data-focus-key", f"item:{actions[100]}"
        )
        far = rows.nth(150)
        await expect(far).to_contain_text("Action 0150")
        await far.get_by_role("button", name="Done").click()
        await until(lambda: engine.state.reviews[actions[150]].status == "done", "the far mark")
        await expect(far.locator(".status")).to_have_text("Now: Done")
        await expect(far).to_have_class(re.compile(r"\bdone\b"))
        # Focus stays on the button pressed, through the redraws (not the panel's heading).
        await expect(page.locator(":focus")).to_have_attribute(
            "data-focus-key", f"status:{actions[150]}:done"
        )

        await page.fill("#reviews-find", "action 0242")
        await expect(rows).to_have_count(1)
        await expect(page.locator("#reviews-found")).to_have_text("1 match for “action 0242”.")
        await page.screenshot(path=str(shots / "review-found.png"), full_page=True)
        found = await audited(room, "review", "#reviews-more", shots)
        assert not any(found.values()), found
        assert room.problems == []


async def test_the_room_page_shows_the_first_100_and_says_how_many_more(tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    engine, _ = closed_results("vote")
    go(engine, "vote")
    app = create_app(engine, token=TOKEN, limits=fast_limits(), room_token=ROOM)
    async with phone_room(app, TOKEN) as room:
        expect = room.expect
        page = await open_room(room, room.problems)
        bars = page.locator("#board .bar")
        await expect(bars).to_have_count(100)
        await expect(bars.first.locator(".label")).to_contain_text("Note 00000")
        await expect(page.locator("#board > p.more")).to_have_text(f"Showing 100 of {MANY}.")
        await expect(page.locator("#board > p.more")).to_be_in_viewport()
        await page.screenshot(path=str(shots / "room-vote-top-100.png"), full_page=True)
    words = words_engine(250)
    app = create_app(words, token=TOKEN, limits=fast_limits(), room_token=ROOM)
    async with phone_room(app, TOKEN) as room:
        page = await open_room(room, room.problems)
        await room.expect(page.locator("#board .cloud span")).to_have_count(100)
        await room.expect(page.locator("#board > p.more")).to_have_text("Showing 100 of 250.")
        await page.screenshot(path=str(shots / "room-cloud.png"), full_page=True)
        assert room.problems == []
