"""A phone on a vote whose items were carried forward from an earlier agenda item sees
their text (clusters and notes in one list), where they came from, and can vote on them:
through the API, and in a real browser."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from carry_plan import GROUP, ON_CLUSTERS, OPTIONS, TALK, WRITE, carry_engine
from factories import go
from helpers.waiting import SAFETY_MS, start_server, until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.web import WebLimits, create_app

TOKEN = "carry-token-123"
API = f"/j/{TOKEN}/api"
LIMITS = WebLimits(
    rate=1e6, burst=10**6, anonymous_rate=1e6, anonymous_burst=10**6, view_cache_seconds=0.0
)
CHROMIUM = "/usr/bin/chromium"


def gathered(engine: Engine) -> dict[str, str]:
    """Two themes clustered in the first item, an option of the vote's own added."""
    go(engine, WRITE)
    ids = {t: engine.execute(c.AddNote(text=t)).data["note"] for t in ("queues", "forms", "art")}
    go(engine, GROUP)
    for label, notes in (("Waiting <b>lists</b>", ["queues", "forms"]), ("Paperwork", [])):
        event = engine.execute(c.CreateCluster(label=label, notes=[ids[n] for n in notes]))
        ids[label] = event.data["cluster"]
    go(engine, OPTIONS)
    ids["own"] = engine.execute(c.AddNote(text="Our own option")).data["note"]
    go(engine, ON_CLUSTERS)
    engine.execute(c.OpenVote())
    return ids


async def test_a_phone_sees_and_votes_on_carried_items():
    engine = carry_engine()
    app = create_app(engine, token=TOKEN, limits=LIMITS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://p") as http:
        joined = (await http.post(f"{API}/join", json={"client_id": "phone-carry-0001"})).json()
        me = {"X-Participant-Key": joined["key"]}
        ids = gathered(engine)
        public = (await http.get(f"{API}/state", headers=me)).json()["public"]
        assert public["input"]["carried_from"] == "'Gathering' (Group)"
        assert public["targets"] == [
            {
                "id": ids["Waiting <b>lists</b>"],
                "text": "Waiting <b>lists</b>",
                "cluster": True,
                "count": 2,
            },
            {"id": ids["Paperwork"], "text": "Paperwork", "cluster": True, "count": 0},
            {"id": ids["own"], "text": "Our own option"},
        ]
        assert [n["text"] for n in public["clusters"][0]["notes"]] == ["queues", "forms"]
        r = await http.post(
            f"{API}/votes", headers=me, json={"target": ids["Paperwork"], "client_id": "v-1"}
        )
        assert r.status_code == 201, r.text
        r = await http.post(
            f"{API}/votes", headers=me, json={"target": ids["art"], "client_id": "v-2"}
        )
        assert r.status_code == 404
        assert "not one of the things being voted on" in r.json()["error"]
        engine.execute(c.CloseVote())
        public = (await http.get(f"{API}/state", headers=me)).json()["public"]
        assert public["results"]["tally"] == [
            {"target": ids["Paperwork"], "dots": 1, "text": "Paperwork"}
        ]


async def test_nothing_carried_yet_is_an_empty_list_not_an_error():
    engine = carry_engine()
    app = create_app(engine, token=TOKEN, limits=LIMITS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://p") as http:
        joined = (await http.post(f"{API}/join", json={"client_id": "phone-carry-0002"})).json()
        go(engine, ON_CLUSTERS)
        r = await http.get(f"{API}/state", headers={"X-Participant-Key": joined["key"]})
        assert r.status_code == 200
        public = r.json()["public"]
        assert public["targets"] == [] and "carried_from" not in public["input"]


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}")
async def test_the_phone_page_lists_carried_clusters_with_the_vote(tmp_path: Path):
    playwright_api = pytest.importorskip("playwright.async_api")
    engine = carry_engine()
    app = create_app(engine, token=TOKEN, limits=LIMITS)
    server, task = await start_server(app, 0, graceful_seconds=1)
    shots = Path(os.environ.get("SESSIONKIT_SCREENSHOTS") or tmp_path)
    problems: list[str] = []
    try:
        async with playwright_api.async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = await browser.new_page(viewport={"width": 360, "height": 740})
            page.on("pageerror", lambda error: problems.append(str(error)))
            expect = type(playwright_api.expect)()
            expect.set_options(timeout=SAFETY_MS)
            await page.goto(f"http://127.0.0.1:{server.port}/j/{TOKEN}")
            await page.click("#join-anon")
            await expect(page.locator("#conn")).to_have_attribute("data-state", "live")
            ids = gathered(engine)
            targets = page.locator("#targets li")
            await expect(targets).to_have_count(3)
            await expect(targets.nth(0)).to_contain_text("Waiting <b>lists</b> (2 notes)")
            await expect(targets.nth(2)).to_contain_text("Our own option")
            await expect(page.locator("#vote-hint")).to_contain_text(
                "The items come from 'Gathering' (Group)."
            )
            await expect(page.locator("#clusters-panel")).to_be_visible()
            await targets.nth(1).locator("button.add").click()
            await until(lambda: engine.state.tally(ON_CLUSTERS) == {ids["Paperwork"]: 1}, "the dot")
            await page.screenshot(path=str(shots / "carried-vote.png"), full_page=True)
            await browser.close()
    finally:
        server.stop()
        await task
    assert problems == []


async def test_a_phone_during_a_talk_sees_its_title_and_nothing_to_do():
    engine = carry_engine()
    app = create_app(engine, token=TOKEN, limits=LIMITS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://p") as http:
        joined = (await http.post(f"{API}/join", json={"client_id": "phone-carry-0003"})).json()
        me = {"X-Participant-Key": joined["key"]}
        go(engine, TALK)
        step = (await http.get(f"{API}/state", headers=me)).json()["public"]["step"]
        assert (step["kind"], step["title"]) == ("talk", "Why we choose")
        assert step["prompt"].startswith("Nothing to write during this talk.")
        r = await http.post(f"{API}/notes", headers=me, json={"text": "hi", "client_id": "t-1"})
        assert r.status_code == 409 and r.json()["error"]
