"""What each phone is shown, on every kind of step of the standard plan: clusters, votes
on themes, and private notes that never reach another phone before they are revealed."""

from __future__ import annotations

import json

import httpx

from factories import (
    ALL_STEPS,
    GROUP,
    JOT,
    SORT,
    VOTE_NOTES,
    VOTE_THEMES,
    WRITE,
    go,
    make_engine,
)
from sessionkit.core import commands as c
from sessionkit.web import WebLimits, create_app

TOKEN = "views-token-123"
API = f"/j/{TOKEN}/api"
LIMITS = WebLimits(
    rate=1e6, burst=10**6, anonymous_rate=1e6, anonymous_burst=10**6, view_cache_seconds=0.0
)


def _client(engine) -> httpx.AsyncClient:
    app = create_app(engine, token=TOKEN, limits=LIMITS)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p")


async def _join(http: httpx.AsyncClient, n: int) -> list[dict]:
    keys = []
    for i in range(n):
        r = await http.post(
            f"{API}/join", json={"name": f"P{i}", "client_id": f"join-client-{i:08d}"}
        )
        keys.append({"X-Participant-Key": r.json()["key"]})
    return keys


async def test_private_notes_never_reach_another_phone_on_any_step():
    engine = make_engine()
    async with _client(engine) as http:
        ann, bo = await _join(http, 2)
        go(engine, WRITE)
        secret = "PRIVATE-NOTE-TEXT"
        r = await http.post(
            f"{API}/notes",
            headers=ann,
            json={"text": secret, "category": "rose", "client_id": "s1"},
        )
        assert r.status_code == 201
        for key in ALL_STEPS:
            go(engine, key)
            seen = await http.get(f"{API}/state", headers=bo)
            assert seen.status_code == 200
            assert secret not in seen.text, key
        go(engine, VOTE_NOTES)
        engine.execute(c.OpenVote())
        body = (await http.get(f"{API}/state", headers=bo)).json()
        assert body["public"]["notes"] == [] and body["public"]["unseen"] == 1
        go(engine, WRITE)
        engine.execute(c.Reveal())
        for key in (WRITE, GROUP, VOTE_NOTES):
            go(engine, key)
            assert secret in (await http.get(f"{API}/state", headers=bo)).text, key


async def test_cluster_step_and_vote_on_themes():
    engine = make_engine()
    async with _client(engine) as http:
        ann, bo = await _join(http, 2)
        go(engine, JOT)
        ids = []
        for text in ("queues", "forms", "kind staff"):
            r = await http.post(
                f"{API}/notes",
                headers=ann,
                json={"text": text, "client_id": text.replace(" ", "-")},
            )
            ids.append(r.json()["note"])
        go(engine, SORT)
        engine.execute(c.CreateCluster(label="Waiting", notes=ids[:2]))
        state = (await http.get(f"{API}/state", headers=bo)).json()["public"]
        assert state["input"] == {"kind": "cluster"}
        assert [cl["label"] for cl in state["clusters"]] == ["Waiting"]
        assert [n["text"] for n in state["clusters"][0]["notes"]] == ["queues", "forms"]
        assert [n["text"] for n in state["notes"]] == ["kind staff"]  # not yet grouped
        # Phones cannot cluster.
        r = await http.post(
            f"{API}/command", headers=bo, json={"type": "create_cluster", "label": "Mine"}
        )
        assert r.status_code == 403

        go(engine, GROUP)
        go(engine, "0.0")
        await http.post(
            f"{API}/notes",
            headers=ann,
            json={"text": "a rose", "category": "rose", "client_id": "r1"},
        )
        go(engine, GROUP)
        themes = [
            engine.execute(c.CreateCluster(label=label)).data["cluster"]
            for label in ("Access", "Trust")
        ]
        go(engine, VOTE_THEMES)
        engine.execute(c.OpenVote())
        state = (await http.get(f"{API}/state", headers=bo)).json()
        assert [cl["id"] for cl in state["public"]["clusters"]] == themes
        assert state["me"]["dots_left"] == 2
        r = await http.post(
            f"{API}/votes", headers=bo, json={"target": themes[1], "client_id": "v1"}
        )
        assert r.status_code == 201 and r.json()["me"]["ballot"] == {themes[1]: 1}
        engine.execute(c.CloseVote())
        results = (await http.get(f"{API}/state", headers=bo)).json()["public"]["results"]
        assert results == {
            "kind": "vote",
            "tally": [{"target": themes[1], "dots": 1, "text": "Trust"}],
            "tally_total": 1,
        }


async def test_named_private_notes_show_names_only_after_reveal():
    engine = make_engine()
    async with _client(engine) as http:
        ann, bo = await _join(http, 2)
        go(engine, WRITE)  # private, not anonymous
        await http.post(
            f"{API}/notes", headers=ann, json={"text": "hi", "category": "rose", "client_id": "n1"}
        )
        assert "P0" not in (await http.get(f"{API}/state", headers=bo)).text
        engine.execute(c.Reveal())
        notes = (await http.get(f"{API}/state", headers=bo)).json()["public"]["notes"]
        assert notes[0]["author_name"] == "P0"
        assert "author" not in json.dumps(notes).replace("author_name", "")
