"""Phones in a real browser through a sort step: a bucket button per item (no dragging),
moved and taken back, a bad bucket refused with a message, the counts after the close.

Like tests/test_browser_kinds.py. SESSIONKIT_SCREENSHOTS=DIR keeps the screenshots.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from factories import make_engine, make_plan
from helpers.phones import phone_room
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.inputs.sort import placements
from sessionkit.web import create_app
from test_browser import CHROMIUM
from test_kind_sort import KEY, sort_methods
from test_web import fast_limits

TOKEN = "browser-sort-token"

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)


async def test_phones_sort_every_item_and_see_the_counts_after_the_close(tmp_path: Path) -> None:
    shots = Path(os.environ.get("SESSIONKIT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    engine = make_engine(make_plan([{"method": "recognise"}], id="sort-plan"), sort_methods())
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        url, problems, expect = room.url, room.problems, room.expect
        phones = []
        for name in ("Ann", "Bob", "Cai", "Dee"):
            page = await room.join(name)
            await expect(page.locator("#step-title")).to_have_text("Waiting to start")
            phones.append(page)
        ann, bob, cai, dee = phones
        ann_id, bob_id, cai_id, dee_id = list(engine.state.participants)

        engine.execute(c.StartSession())
        first = engine.execute(c.AddNote(text="Fifty indicators")).data["note"]
        second = engine.execute(c.AddNote(text="<b>Monthly</b> reports")).data["note"]
        engine.execute(c.NextStep())
        for page in phones:
            await expect(page.locator("#sort-panel")).to_be_visible()
            await expect(page.locator("#sort-items li.sort-item")).to_have_count(2)
        ann_rows = ann.locator("#sort-items li.sort-item")
        await expect(ann_rows.nth(1).locator(".text")).to_have_text("<b>Monthly</b> reports")
        await expect(ann.locator("#sort-progress")).to_have_text("0 of 2 sorted")
        await ann_rows.nth(0).get_by_role("button", name="We do this").click()
        await ann_rows.nth(1).get_by_role("button", name="We don't").click()
        await expect(ann.locator("#sort-progress")).to_have_text("2 of 2 sorted")
        bob_first = bob.locator("#sort-items li.sort-item").nth(0)
        await bob_first.get_by_role("button", name="A little").click()
        await until(lambda: placements(engine.state, KEY).get(bob_id), "Bob placed one")
        await bob_first.get_by_role("button", name="We do this").click()  # moved
        await until(lambda: placements(engine.state, KEY)[bob_id] == {first: "We do this"}, "moved")
        pressed = bob_first.get_by_role("button", name="We do this")
        await expect(pressed).to_have_attribute("aria-pressed", "true")
        await pressed.click()  # pressed again: taken back out
        await until(lambda: placements(engine.state, KEY)[bob_id] == {}, "taken back")
        await pressed.click()
        await until(
            lambda: (
                placements(engine.state, KEY)[ann_id]
                == {
                    first: "We do this",
                    second: "We don't",
                }
            ),
            "Ann's sort",
        )
        for page, buckets in ((cai, ("We do this", "A little")), (dee, ("We don't",) * 2)):
            rows = page.locator("#sort-items li.sort-item")
            for index, bucket in enumerate(buckets):
                await rows.nth(index).get_by_role("button", name=bucket).click()
        await until(
            lambda: (
                placements(engine.state, KEY).get(cai_id)
                == {first: "We do this", second: "A little"}
                and placements(engine.state, KEY).get(dee_id)
                == {first: "We don't", second: "We don't"}
            ),
            "Cai's and Dee's sorts",
        )
        # A bucket that does not exist (a hand-made request) is a 4xx with a message.
        bob_key = await bob.evaluate(
            f"JSON.parse(localStorage.getItem('sessionkit:{TOKEN}:me')).key"
        )
        async with httpx.AsyncClient(base_url=url.rsplit("/j/", 1)[0]) as http:
            bad = await http.post(
                f"/j/{TOKEN}/api/command",
                headers={"X-Participant-Key": bob_key},
                json={"type": "place_item", "item": second, "bucket": "Maybe"},
            )
        assert 400 <= bad.status_code < 500
        assert "'Maybe' is not one of the buckets" in bad.json()["error"]
        await until(lambda: placements(engine.state, KEY)[bob_id] == {first: "We do this"}, "kept")
        await ann.screenshot(path=str(shots / "s1-sorting.png"), full_page=True)

        # The facilitator closes the sort: phones see the counts, ordered by the bucket.
        engine.execute(c.CloseSort())
        for page in phones:
            await expect(page.locator("#step-status")).to_contain_text("The sort has closed")
            results = page.locator("#results li")
            await expect(results).to_have_count(2)
            await expect(results.first).to_contain_text("Fifty indicators")
            await expect(results.first).to_contain_text("We do this 3 · A little 0 · We don't 1")
            await expect(results.first.locator(".stack .part")).to_have_count(2)
            await expect(results.nth(1)).to_contain_text("We do this 0 · A little 1 · We don't 2")
            buttons = page.locator("#sort-items button")
            for i in range(await buttons.count()):
                await expect(buttons.nth(i)).to_be_disabled()
        await bob.screenshot(path=str(shots / "s2-results.png"), full_page=True)
    real = [p for p in problems if "Failed to load resource" not in p]
    assert not real, real
