"""Results the phones are shown are the engine's: a rating reaches every phone, and a
phone's own change is in the next view it fetches (read-your-writes), even while the
shared view is served from its cache."""

from __future__ import annotations

import json
from types import SimpleNamespace

import httpx
import pytest

from factories import ANON, GROUP, VOTE_THEMES, go
from factories import make_engine as standard_engine
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.inputs.rating import summarise
from sessionkit.web import create_app
from sessionkit.web import views as views_module
from test_web import API, RATE, TOKEN, cid, fast_limits, goto, join, make_engine

VALUES = (4, 5, 2, 3, 4)


def truth(engine) -> dict:
    """The rating results as the engine has them, in the shape a phone is sent."""
    spec = engine.step_def()[1].input
    summary = summarise(list(engine.state.ratings.get(engine.state.step_key, {}).values()), spec)
    return {
        "count": summary.count,
        "average": round(summary.mean, 2) if summary.mean is not None else None,
        "counts": {str(value): n for value, _, n in summary.distribution},
    }


def shown(view: dict) -> dict:
    results = view["public"]["results"]
    return {k: results[k] for k in ("count", "average", "counts")}


@pytest.fixture
def frozen(monkeypatch):
    """The views' clock stands still: a cached shared view stays 'fresh enough' for as
    long as the test likes, as it does for 0.25 s while a room rates at once."""
    clock = [1000.0]
    monkeypatch.setattr(views_module, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    return clock


async def test_each_raters_next_view_counts_its_own_rating_even_from_the_cache(frozen):
    engine = make_engine()
    app = create_app(
        engine,  # notices flushed by hand below, never by the loop
        token=TOKEN,
        limits=fast_limits(view_cache_seconds=0.25, bulk_delay=600, urgent_delay=600),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        phones = [await join(http) for _ in VALUES]
        goto(engine, RATE)

        async def view(key) -> dict:
            return (await http.get(f"{API}/state", headers=key)).json()

        for _, key in phones:
            await view(key)  # every phone has a view: the shared part is cached now
        for n, ((_, key), value) in enumerate(zip(phones, VALUES, strict=True)):
            r = await http.post(
                f"{API}/rating", headers=key, json={"value": value, "client_id": cid()}
            )
            assert r.status_code == 201
            seen = await view(key)
            assert seen["me"]["rating"] == value
            assert shown(seen) == truth(engine), f"phone {n} after rating {value}"
            assert shown(seen)["count"] == n + 1

        # Bo fetched before the change of mind; Ann changes hers from 4 to 2.
        bo_before = await view(phones[4][1])
        r = await http.post(
            f"{API}/rating", headers=phones[0][1], json={"value": 2, "client_id": cid()}
        )
        assert r.status_code == 201
        ann = await view(phones[0][1])
        assert (
            shown(ann)
            == truth(engine)
            == {
                "count": 5,
                "average": 3.2,
                "counts": {"1": 0, "2": 2, "3": 1, "4": 1, "5": 1},
            }
        )
        # The notice goes out; every phone that does what app.js does (refetch when the
        # notice's seq is not its view's) shows the truth.
        app.state.hub.flush()
        notice = json.loads(app.state.hub.message().split(b"data: ")[1])
        assert notice["seq"] == engine.state.seq != bo_before["me"]["seq"]
        for _, key in phones:
            assert shown(await view(key)) == truth(engine)


async def test_a_rating_sends_a_notice_to_every_phone_and_at_once_to_the_rater():
    engine = make_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits(bulk_delay=0.05))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        people = [await join(http) for _ in range(3)]
        hub = app.state.hub
        streams = [hub.connect(pid) for pid, _ in people]
        for s in streams:
            s.pending = None  # not the greeting connect() pushes: the step change's
        goto(engine, RATE)
        await until(lambda: all(s.pending for s in streams), "the step change to reach all")
        for s in streams:
            s.pending = None
        rater = people[0][1]
        r = await http.post(f"{API}/rating", headers=rater, json={"value": 3, "client_id": cid()})
        assert r.status_code == 201
        # The rater's own phone was told while the rating was recorded, not a batch later.
        assert streams[0].pending is not None
        await until(lambda: streams[1].pending and streams[2].pending, "the room's notice")
        for s in streams:
            assert json.loads(s.pending.split(b"data: ")[1])["seq"] == engine.state.seq
            hub.disconnect(s)


async def test_a_vote_on_themes_counts_the_notes_written_for_each_theme():
    """The themes' notes were written in the steps the cluster step groups, not in the
    cluster step itself: each theme's count is how many of them it holds."""
    engine = standard_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        people = [await join(http) for _ in range(3)]
        engine.execute(c.StartSession())
        go(engine, ANON)
        notes = []
        for n, (_, key) in enumerate(people):
            for m in range(2):
                r = await http.post(
                    f"{API}/notes", headers=key, json={"text": f"idea {n}.{m}", "client_id": cid()}
                )
                notes.append(r.json()["note"])
        go(engine, GROUP)
        loose = (await http.get(f"{API}/state", headers=people[0][1])).json()["public"]
        assert sorted(n["id"] for n in loose["notes"]) == sorted(notes)  # before any theme
        waiting = engine.execute(c.CreateCluster(label="Waiting", notes=notes[:3]))
        forms = engine.execute(c.CreateCluster(label="Forms", notes=notes[3:4]))
        go(engine, VOTE_THEMES)
        engine.execute(c.OpenVote())
        public = (await http.get(f"{API}/state", headers=people[1][1])).json()["public"]
        counts = {t["text"]: t["count"] for t in public["targets"]}
        assert counts == {"Waiting": 3, "Forms": 1}
        members = {cl["id"]: len(cl["notes"]) for cl in public["clusters"]}
        assert members == {
            waiting.data["cluster"]: 3,
            forms.data["cluster"]: 1,
        }
