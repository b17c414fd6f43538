"""Long results, a long words cloud and a long ranking in a real browser: the first 100
and how many there are in all, "Show more" with focus on the first newly shown row
(never on the page's body), a search past the first page; axe-core finds nothing on
these screens on a 360 px phone and at 200% zoom.

SESSIONKIT_SCREENSHOTS=DIR keeps the screenshots.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from helpers.a11y import AUDITED, PHONES, audit, axe_source, layout_problems, report
from helpers.phones import phone_room, screenshots
from sessionkit.core import commands as c
from sessionkit.web import create_app
from test_browser import pytestmark  # noqa: F401 (pytestmark: skip without Chromium)
from test_web import fast_limits
from test_web_long_lists import TOKEN, go, long_engine, text_of
from test_web_result_pages import MANY, closed_results, voters, words_engine


async def focused_key(page: Any) -> str | None:
    return await page.evaluate("() => document.activeElement.dataset.focusKey || null")


async def audited(room: Any, screen: str, ready: str, shots: Path) -> dict[str, list[str]]:
    """axe-core's and the layout checks' findings on a fresh phone of each audited size
    (joined, showing ``ready``), after "Show more" once on the list it names."""
    axe = axe_source()
    found: dict[str, list[str]] = {}
    for name in AUDITED:
        context = await room.browser.new_context(is_mobile=True, has_touch=True, **PHONES[name])
        page = await context.new_page()
        page.on("pageerror", lambda error: room.problems.append(f"page error: {error}"))
        await page.goto(room.url)
        await page.fill("#name", f"Audit {name}")
        await page.click("#join-named")
        await room.expect(page.locator(ready)).to_be_visible()
        await page.locator(ready).click()
        await room.expect(page.locator(":focus")).to_have_attribute(
            "data-focus-key", re.compile("item:.*")
        )
        await page.screenshot(path=str(shots / f"{screen}@{name}.png"), full_page=True)
        found[f"{screen}@{name}"] = await layout_problems(page) + await audit(page, axe)
        await context.close()
    return found


async def test_a_long_tally_shows_more_with_its_total_and_focus(tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    engine, ids = closed_results("vote")
    go(engine, "vote")
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        expect = room.expect
        page = await room.join("Ann")
        rows = page.locator("#results li")
        await expect(rows).to_have_count(100)
        await expect(page.locator("#results-note")).to_have_text(f"The top 100 of {MANY}.")
        more = page.locator("#results-more")
        await expect(more).to_have_text(f"Show more (100 of {MANY})")
        await more.click()
        await expect(rows).to_have_count(200)
        tally = list(engine.state.tally("0.1"))
        await expect(page.locator(":focus")).to_have_attribute(
            "data-focus-key", f"item:result:{tally[100]}"
        )
        await expect(page.locator("#announce")).to_have_text(f"Showing 200 of {MANY}.")
        await expect(page.locator("#results-note")).to_have_text(f"The top 200 of {MANY}.")
        await more.click()
        await expect(rows).to_have_count(MANY)
        await expect(more).to_be_hidden()  # focus is on the first new row, not lost with it
        assert await focused_key(page) == f"item:result:{tally[200]}"
        await expect(page.locator("#results-note")).to_be_hidden()

        far = text_of(ids.index(tally[-1]))
        await page.fill("#results-find", far.split(":")[0])
        await expect(rows).to_have_count(1)
        await expect(rows.first).to_contain_text(far)
        await expect(page.locator("#results-found")).to_have_text(
            f"1 match for “{far.split(':')[0]}”."
        )
        await page.screenshot(path=str(shots / "results-found.png"), full_page=True)
        found = await audited(room, "vote-results", "#results-more", shots)
        assert not any(found.values()), report(found)
        assert room.problems == []


async def test_a_long_ranking_shows_more_items_and_focus_lands_on_the_first_new_one(
    tmp_path: Path,
) -> None:
    shots = screenshots(tmp_path)
    engine, ids = long_engine(230)
    go(engine, "rank")
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        expect = room.expect
        page = await room.join("Bo")
        listed = page.locator("#score-items li.sort-item")
        await expect(listed).to_have_count(100)
        await expect(page.locator("#rank-items-h")).to_have_text("Items to choose from")
        options = page.locator("#rank-place-0 option")
        await expect(options).to_have_count(101)  # and "(none)"
        more = page.locator("#score-items-more")
        await expect(more).to_have_text("Show more (100 of 230)")
        await more.click()
        await expect(listed).to_have_count(200)
        await expect(page.locator(":focus")).to_have_attribute("data-focus-key", f"item:{ids[100]}")
        await expect(options).to_have_count(201)  # a place can take the new ones too
        await more.click()
        await expect(listed).to_have_count(230)
        await expect(more).to_be_hidden()
        assert await focused_key(page) == f"item:{ids[200]}"
        assert await page.evaluate("() => document.activeElement !== document.body")

        await page.select_option("#rank-place-0", ids[229])
        await page.click("#rank-save")
        await expect(page.locator("#rank-places select").first).to_have_value(ids[229])
        found = await audited(room, "rank-items", "#score-items-more", shots)
        assert not any(found.values()), report(found)

        # Closed: the results page the same way (one person ranked two items).
        people = voters(engine, 60)
        for n, pid in enumerate(people):
            engine.execute(c.SubmitRanking(items=ids[2 * n : 2 * n + 2]), pid)
        engine.execute(c.CloseRank())
        results = page.locator("#rank-results li")
        await expect(results).to_have_count(100)
        await expect(page.locator("#rank-results-note")).to_contain_text("The top 100 of")
        await page.locator("#rank-results-more").click()
        await expect(page.locator(":focus")).to_have_attribute(
            "data-focus-key", re.compile("item:result:.*")
        )
        assert room.problems == []


async def test_a_long_words_cloud_says_how_many_words_and_shows_more(tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    engine = words_engine(250)
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        expect = room.expect
        page = await room.join("Cy")
        words = page.locator("#cloud li")
        await expect(words).to_have_count(100)
        await expect(page.locator("#cloud-note")).to_have_text("The 100 most given of 250 words.")
        more = page.locator("#cloud-more")
        await expect(more).to_have_text("Show more (100 of 250)")
        await more.click()
        await expect(words).to_have_count(200)
        await expect(page.locator(":focus")).to_have_attribute(
            "data-focus-key", re.compile("item:word:.*")
        )
        await expect(page.locator("#cloud-note")).to_have_text("The 200 most given of 250 words.")
        await page.fill("#cloud-find", "word0242")
        await expect(words).to_have_count(1)
        await expect(words.first).to_have_attribute("aria-label", "word0242: 1")
        await page.screenshot(path=str(shots / "cloud-found.png"), full_page=True)
        found = await audited(room, "cloud", "#cloud-more", shots)
        assert not any(found.values()), report(found)
        assert room.problems == []
