"""A phone in a real browser on a vote of 306 notes: the first 100, "Show more" (focus
on the first new one, the count said once), a search that finds a note far past the
first page and a dot put on it, and the dotted note still shown when the search is
cleared. Then a cluster step's themes and a sort step's items page the same way.

SESSIONKIT_SCREENSHOTS=DIR keeps the screenshots.
"""

from __future__ import annotations

from pathlib import Path

from helpers.phones import phone_room, screenshots
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.web import create_app
from test_browser import pytestmark  # noqa: F401
from test_web import fast_limits
from test_web_long_lists import TOKEN, go, long_engine, text_of


async def test_show_more_search_and_a_dot_on_a_far_note(tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    engine, ids = long_engine(306)
    go(engine, "vote")
    engine.execute(c.OpenVote())
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        expect = room.expect
        page = await room.join("Ann")
        rows = page.locator("#targets li.target")
        await expect(rows).to_have_count(100)
        more = page.locator("#targets-more")
        await expect(more).to_have_text("Show more (100 of 306)")
        await expect(page.locator("#targets-find")).to_be_visible()
        await page.screenshot(path=str(shots / "long-vote-first.png"))

        await more.click()
        await expect(rows).to_have_count(200)
        await expect(more).to_have_text("Show more (200 of 306)")
        focused = page.locator(":focus")
        await expect(focused).to_have_attribute("data-focus-key", f"item:{ids[100]}")
        await expect(page.locator("#announce")).to_have_text("Showing 200 of 306.")
        await more.click()
        await expect(rows).to_have_count(300)
        await expect(page.locator(":focus")).to_have_attribute("data-focus-key", f"item:{ids[200]}")
        await more.click()
        await expect(rows).to_have_count(306)
        await expect(more).to_be_hidden()  # focus is on the first new one, not lost with it
        await expect(page.locator(":focus")).to_have_attribute("data-focus-key", f"item:{ids[300]}")

        await page.fill("#targets-find", "note 00290")
        await expect(rows).to_have_count(1)
        await expect(rows.first.locator(".text")).to_contain_text(text_of(290))
        await expect(page.locator("#targets-found")).to_have_text("1 match for “note 00290”.")
        await expect(page.locator("#announce")).to_have_text("1 match for “note 00290”.")
        await rows.first.get_by_role("button", name="+ dot").click()
        await until(lambda: engine.state.tally("0.1") == {ids[290]: 1}, "the far dot")
        await expect(rows.first).to_have_class("target voted")
        await page.screenshot(path=str(shots / "long-vote-found.png"))

        await page.fill("#targets-find", "nothing like this")
        await expect(page.locator("#targets-found")).to_have_text(
            "Nothing matches “nothing like this”."
        )
        await expect(rows).to_have_count(0)
        await page.fill("#targets-find", "")
        # Back to what was loaded, and the dotted note is where it was.
        await expect(rows).to_have_count(306)
        await expect(page.locator("#targets-found")).to_be_hidden()

        await page.reload()  # a fresh page: the first 100, with the own dot first
        await expect(rows).to_have_count(101)
        await expect(rows.first).to_have_class("target voted")
        await expect(rows.first.locator(".text")).to_contain_text(text_of(290))
        assert room.problems == []


async def test_themes_and_sort_items_page_too() -> None:
    engine, _ = long_engine(600, themes=150)
    go(engine, "cluster")
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        expect = room.expect
        page = await room.join("Bo")
        themes = page.locator("#clusters li.cluster")
        await expect(themes).to_have_count(100)
        await expect(page.locator("#clusters-more")).to_have_text("Show more (100 of 150)")
        loose = page.locator("#loose-notes li")
        await expect(loose).to_have_count(100)
        await expect(page.locator("#loose-notes-more")).to_have_text("Show more (100 of 300)")
        await page.fill("#clusters-find", "note 00599")
        await expect(themes).to_have_count(0)  # that note is in no theme
        await page.fill("#loose-notes-find", "note 00599")
        await expect(loose).to_have_count(1)
        await page.fill("#clusters-find", "note 00297")
        await expect(themes).to_have_count(1)
        await expect(themes.first.locator("h3")).to_have_text("Theme 148")

        go(engine, "sort")
        items = page.locator("#sort-items li.sort-item")
        await expect(items).to_have_count(100)
        await expect(page.locator("#sort-progress")).to_have_text("0 of 600 sorted")
        await page.fill("#sort-items-find", "note 00555")
        await expect(items).to_have_count(1)
        await items.first.get_by_role("button", name="Later").click()
        await expect(page.locator("#sort-progress")).to_have_text("1 of 600 sorted")
        await page.fill("#sort-items-find", "")
        await expect(items).to_have_count(101)  # the placed one first
        assert room.problems == []
