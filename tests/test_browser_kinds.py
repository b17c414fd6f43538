"""Phones in a real browser through a words step, a questions step and an actions step.

Like tests/test_browser.py: Debian's Chromium drives the real phone page over HTTP from a
real uvicorn in the test's event loop; the facilitator's commands run on the engine as
the TUI would run them. Four phones, each in its own browser context (its own identity).
SESSIONKIT_SCREENSHOTS=DIR keeps the screenshots (360 px wide).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from factories import kinds_methods, kinds_plan, make_engine
from helpers.phones import phone_room
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.inputs.words import cloud
from sessionkit.web import create_app
from test_browser import CHROMIUM
from test_web import fast_limits

TOKEN = "browser-kinds-token"

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)


async def test_phones_through_words_questions_and_actions(tmp_path: Path) -> None:
    shots = Path(os.environ.get("SESSIONKIT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    engine = make_engine(kinds_plan(), kinds_methods())
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        url, problems, expect = room.url, room.problems, room.expect
        phones = []
        for name in ("Ann", "Bob", "Cai", "Dee"):
            page = await room.join(name)
            await expect(page.locator("#step-title")).to_have_text("Waiting to start")
            phones.append(page)
        ann, bob, cai, dee = phones
        _, bob_id, cai_id, dee_id = list(engine.state.participants)

        # A words step: answers become one cloud, counted per normalised word.
        engine.execute(c.StartSession())
        engine.execute(c.GoTo(item=0, step=1))
        for page in phones:
            await expect(page.locator("#words-panel")).to_be_visible()
        await ann.fill("#words-text", "Trust")
        await ann.click("#words-add")
        await bob.fill("#words-text", "  trust! ")
        await bob.click("#words-add")
        await bob.fill("#words-text", "far too many")
        await bob.click("#words-add")
        await expect(bob.locator("#alert")).to_contain_text("Use at most 2 words (3 written)")
        await bob.fill("#words-text", "<b>more</b> time")
        await bob.click("#words-add")
        for page, answer in ((cai, "TRUST"), (dee, "trust")):
            await page.fill("#words-text", answer)
            await page.click("#words-add")
        await until(lambda: len(engine.state.words) == 5, "five answers recorded")
        assert cloud(engine.state, "0.1") == [("trust", 4), ("<b>more</b> time", 1)]
        for page in phones:
            words = page.locator("#cloud li")
            await expect(words).to_have_count(2)
            await expect(words.first).to_have_text("trust4")
            await expect(words.nth(1)).to_have_text("<b>more</b> time1")  # text, not HTML
        sizes = await ann.eval_on_selector_all(
            "#cloud li", "items => items.map(i => parseFloat(getComputedStyle(i).fontSize))"
        )
        assert sizes[0] > sizes[1]  # a real cloud: the word given more is bigger
        await expect(bob.locator("#words-add")).to_be_disabled()  # 2 answers each
        await ann.screenshot(path=str(shots / "k1-words.png"), full_page=True)

        # A questions step: ask, upvote others' once, take it back, answered.
        engine.execute(c.GoTo(item=0, step=2))
        await ann.fill("#question-text", "When will the lift be fixed?")
        await ann.click("#question-add")
        await bob.fill("#question-text", "Who decides?")
        await bob.click("#question-add")
        await until(lambda: len(engine.state.questions) == 2, "two questions")
        lift = next(q for q in engine.state.questions.values() if "lift" in q.text)
        row = bob.locator("#questions li", has_text="lift")
        await expect(row.locator("button.up")).to_have_text("▲ 0")
        await expect(
            ann.locator("#questions li", has_text="lift").locator("button.up")
        ).to_be_disabled()  # not one's own
        await row.locator("button.up").click()
        await until(lambda: lift.voters == [bob_id], "Bob's upvote")
        await expect(row.locator("button.up")).to_have_attribute("aria-pressed", "true")
        await expect(ann.locator("#questions li").first).to_contain_text("lift")
        await row.locator("button.up").click()  # again: taken back
        await until(lambda: lift.voters == [], "the upvote taken back")
        await row.locator("button.up").click()
        await until(lambda: lift.voters == [bob_id], "upvoted again")
        # The other two phones back the question too, each once its page shows the
        # upvotes so far (a click while the list is being redrawn could be lost).
        for n, (page, pid) in enumerate(((cai, cai_id), (dee, dee_id)), 1):
            button = page.locator("#questions li", has_text="lift").locator("button.up")
            await expect(button).to_have_text(f"▲ {n}")
            await button.click()
            await until(lambda pid=pid: pid in lift.voters, "an upvote from another phone")
        await until(lambda: lift.voters == [bob_id, cai_id, dee_id], "three upvotes")
        await expect(row.locator("button.up")).to_have_text("▲ 3")
        # A second upvote from the same phone (a replayed request) is a 409 with a message.
        bob_key = await bob.evaluate(
            f"JSON.parse(localStorage.getItem('sessionkit:{TOKEN}:me')).key"
        )
        async with httpx.AsyncClient(base_url=url.rsplit("/j/", 1)[0]) as http:
            again = await http.post(
                f"/j/{TOKEN}/api/command",
                headers={"X-Participant-Key": bob_key},
                json={"type": "upvote", "question": lift.id, "client_id": "replayed-1"},
            )
        assert again.status_code == 409
        assert "already upvoted" in again.json()["error"]
        assert lift.voters == [bob_id, cai_id, dee_id]
        engine.execute(c.MarkAnswered(question=lift.id))
        await expect(bob.locator("#questions li", has_text="lift")).to_contain_text("answered")
        await bob.screenshot(path=str(shots / "k2-questions.png"), full_page=True)

        # An actions step: a phone proposes one; an impossible date is refused.
        engine.execute(c.GoTo(item=0, step=3))
        await ann.fill("#action-what", "Write to the council")
        await ann.fill("#action-who", "Ann")
        await ann.fill("#action-due", "2026-03-14")
        await ann.click("#action-add")
        await until(lambda: len(engine.state.actions) == 1, "the action")
        await expect(bob.locator("#actions li")).to_contain_text("by 2026-03-14")
        await expect(ann.locator("#actions li")).to_contain_text("proposed by you")
        await expect(bob.locator("#actions li")).not_to_contain_text("proposed by you")
        async with httpx.AsyncClient(base_url=url.rsplit("/j/", 1)[0]) as http:
            bad = await http.post(
                f"/j/{TOKEN}/api/command",
                headers={"X-Participant-Key": bob_key},
                json={"type": "add_action", "what": "x", "due": "2026-02-30"},
            )
        assert bad.status_code == 422
        assert "February 2026 has 28 days" in bad.json()["error"]
        assert len(engine.state.actions) == 1
        await bob.screenshot(path=str(shots / "k3-actions.png"), full_page=True)
    # Script errors and CSP violations show up as console errors; a refused request (the
    # three-word answer above, a 422) is logged by the browser as a failed resource.
    real = [p for p in problems if "Failed to load resource" not in p]
    assert not real, real
