"""The participant server: joining, submitting, limits, tokens, hostile bodies, SSE.

Runs the ASGI app in the test's own event loop (httpx's ASGITransport), the way the TUI
runs it in Textual's; the SSE tests start a real uvicorn on a port its socket is bound to
by the kernel (port 0). Nothing here waits for wall-clock time or asserts how fast
something happens (bench/ measures that, see docs/benchmarks.md): the tests wait for the
condition, with a generous safety deadline.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket

import httpx
import pytest

from helpers.waiting import SAFETY_SECONDS, start_server, until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine, Limits
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.netaddr import check_public_url, join_link, lan_address
from sessionkit.web import ParticipantServer, ServerError, WebLimits, create_app, free_port_near

TOKEN = "test-token-1234"

METHOD = {
    "id": "retro",
    "name": "Retro",
    "summary": "A method for tests.",
    "purpose": "Testing.",
    "phase": "reflect",
    "duration": {"min": 1, "typical": 16, "max": 120},
    "group_size": {"min": 1, "max": 1000},
    "steps": [
        {
            "id": "write",
            "title": "Write",
            "prompt": "What went well, what did not?",
            "timebox": 5,
            "input": {
                "kind": "notes",
                "max_per_person": 3,
                "private": True,
                "categories": [
                    {"id": "rose", "label": "Rose", "colour": "#f4a6b7"},
                    {"id": "thorn", "label": "Thorn", "colour": "#b7e4c7"},
                ],
            },
        },
        {
            "id": "vote",
            "title": "Vote",
            "prompt": "Put your dots on what matters most.",
            "timebox": 3,
            "input": {
                "kind": "vote",
                "target_step": "write",
                "dots_per_person": 2,
                "max_per_item": 1,
            },
        },
        {
            "id": "rate",
            "title": "Rate",
            "prompt": "How useful was this?",
            "timebox": 2,
            "input": {"kind": "rating", "scale_min": 1, "scale_max": 5},
        },
        {
            "id": "open",
            "title": "Open board",
            "prompt": "Anything else?",
            "timebox": 2,
            "input": {"kind": "notes", "max_per_person": 5, "anonymous": False},
        },
        {
            "id": "map",
            "title": "Map",
            "prompt": "Where does it hurt?",
            "timebox": 2,
            "input": {
                "kind": "canvas",
                "regions": [{"id": "before", "label": "Before"}, {"id": "after", "label": "After"}],
            },
        },
        {
            "id": "talk",
            "title": "Talk",
            "prompt": "Discuss.",
            "timebox": 2,
            "input": {"kind": "discussion"},
        },
    ],
}
PLAN = {
    "id": "test-plan",
    "title": "Test workshop",
    "days": [{"start": "09:00", "end": "12:00", "agenda": [{"method": "retro"}, {"break": 10}]}],
}

WRITE, VOTE, RATE, OPEN, MAP, TALK = range(6)


class MemoryJournal:
    def __init__(self) -> None:
        self.events: list = []
        self.fail = False

    def append(self, events) -> None:
        if self.fail:
            raise OSError(28, "No space left on device")
        self.events.extend(events)


def make_engine(max_participants: int = 1000) -> Engine:
    method = Method.model_validate(METHOD)
    plan = Plan.model_validate(PLAN)
    return Engine(
        plan,
        {"retro": method},
        journal=MemoryJournal(),
        limits=Limits(max_participants=max_participants),
    )


def goto(engine: Engine, step: int) -> None:
    engine.execute(c.GoTo(item=0, step=step))


def fast_limits(**overrides) -> WebLimits:
    values = dict(
        rate=1000.0,
        burst=1000,
        anonymous_rate=1000.0,
        anonymous_burst=1000,
        view_cache_seconds=0.0,
        urgent_delay=0.01,
        bulk_delay=0.05,
    )
    values.update(overrides)
    return WebLimits(**values)


@pytest.fixture
def engine() -> Engine:
    return make_engine()


@pytest.fixture
async def client(engine: Engine):
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://phone") as http:
        http.app = app  # type: ignore[attr-defined]
        yield http


API = f"/j/{TOKEN}/api"
_ids = iter(range(10**9))


def cid() -> str:
    return f"client-{next(_ids):012d}"


async def join(client: httpx.AsyncClient, name: str | None = None) -> tuple[str, dict]:
    response = await client.post(f"{API}/join", json={"name": name, "client_id": cid() + "-join"})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["participant"], {"X-Participant-Key": body["key"]}


def error_of(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/json"), response.text
    message = response.json()["error"]
    assert isinstance(message, str) and len(message) > 5
    assert "Traceback" not in message
    return message


# ---------------------------------------------------------------- page and routes


async def test_phone_page_is_served_with_a_strict_policy(client):
    response = await client.get(f"/j/{TOKEN}")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html and 'name="viewport"' in html
    assert "<script>" not in html and "<style>" not in html  # nothing inline to allow
    assert re.search(r'<script src="app\.js\?v=[0-9a-f]{16}"></script>', html)
    assert re.search(r'<link rel="stylesheet" href="app\.css\?v=[0-9a-f]{16}">', html)
    assert "http://" not in html and "https://" not in html  # nothing from elsewhere
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_bad_token_and_unknown_paths_are_404_with_a_message(client):
    page = await client.get("/j/not-the-token")
    assert page.status_code == 404 and "Scan the QR code again" in page.text
    api = await client.post("/j/not-the-token/api/join", json={"client_id": "x" * 20})
    assert api.status_code == 404 and "not for the session" in error_of(api)
    for path in ("/nothing", f"{API}/nothing", f"/j/{TOKEN}/api/notes/x/y", "/static/app.js"):
        response = await client.get(path)
        assert response.status_code == 404, path
    assert error_of(await client.get(f"{API}/nothing"))
    wrong_method = await client.get(f"{API}/join")
    assert wrong_method.status_code == 405 and error_of(wrong_method)


# ---------------------------------------------------------------- join and state


async def test_join_named_and_anonymous(client, engine):
    pid, key = await join(client, "Ann")
    assert engine.state.participants[pid].name == "Ann"
    anon, _ = await join(client)
    assert engine.state.participants[anon].name is None
    state = (await client.get(f"{API}/state", headers=key)).json()
    assert state["me"]["id"] == pid and state["me"]["name"] == "Ann"
    assert state["public"]["step"]["kind"] == "waiting"
    assert "key" not in json.dumps(state["me"])


async def test_join_is_idempotent_per_client_id(client, engine):
    body = {"name": "Bo", "client_id": "a" * 32}
    first = await client.post(f"{API}/join", json=body)
    again = await client.post(f"{API}/join", json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["key"] == again.json()["key"]
    assert first.json()["participant"] == again.json()["participant"]
    assert len(engine.state.participants) == 1


async def test_join_rejects_short_client_ids_and_bad_names(client, engine):
    short = await client.post(f"{API}/join", json={"client_id": "abc"})
    assert short.status_code == 422 and "16" in error_of(short)
    long_name = await client.post(f"{API}/join", json={"name": "x" * 41, "client_id": cid() + "jj"})
    assert long_name.status_code == 422 and "40 characters" in error_of(long_name)
    escape = await client.post(
        f"{API}/join", json={"name": "\x1b]0;pwned\x07", "client_id": cid() + "jj"}
    )
    assert escape.status_code == 422 and "control characters" in error_of(escape)
    assert engine.state.participants == {}


async def test_session_full(engine):
    small = make_engine(max_participants=2)
    app = create_app(small, token=TOKEN, limits=fast_limits())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        await join(http)
        await join(http)
        full = await http.post(f"{API}/join", json={"client_id": cid() + "-join"})
        assert full.status_code == 409 and "full" in error_of(full)
    assert len(small.state.participants) == 2


# ---------------------------------------------------------------- notes


async def test_add_note_and_resend_does_not_duplicate(client, engine):
    _pid, key = await join(client)
    goto(engine, WRITE)
    body = {"text": "The new rota works", "category": "rose", "client_id": "note-1"}
    first = await client.post(f"{API}/notes", json=body, headers=key)
    assert first.status_code == 201, first.text
    assert first.json()["me"]["notes"][0]["text"] == "The new rota works"
    again = await client.post(f"{API}/notes", json=body, headers=key)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["note"] == first.json()["note"]
    assert len(engine.state.notes) == 1
    # The resend is recognised even after the step moved on...
    goto(engine, OPEN)
    late = await client.post(f"{API}/notes", json=body, headers=key)
    assert late.status_code == 200 and len(engine.state.notes) == 1
    # ...while a note written for a step that has ended does not land in the new one.
    stale = await client.post(
        f"{API}/notes",
        headers=key,
        json={"text": "queued offline", "client_id": "note-2", "step": "0.0"},
    )
    assert stale.status_code == 403 and "current step" in error_of(stale)
    assert len(engine.state.notes) == 1


async def test_note_limits(client, engine):
    _, key = await join(client)
    goto(engine, WRITE)
    no_kind = await client.post(f"{API}/notes", json={"text": "x", "client_id": cid()}, headers=key)
    assert no_kind.status_code == 422 and "Rose" in error_of(no_kind)
    too_long = await client.post(
        f"{API}/notes",
        headers=key,
        json={"text": "é" * 501, "category": "rose", "client_id": cid()},
    )
    assert too_long.status_code == 422 and "500 characters" in error_of(too_long)
    exactly = await client.post(
        f"{API}/notes",
        headers=key,
        json={"text": "é" * 500, "category": "rose", "client_id": cid()},
    )
    assert exactly.status_code == 201
    for _ in range(2):
        ok = await client.post(
            f"{API}/notes",
            headers=key,
            json={"text": "more", "category": "thorn", "client_id": cid()},
        )
        assert ok.status_code == 201
    fourth = await client.post(
        f"{API}/notes",
        headers=key,
        json={"text": "one too many", "category": "rose", "client_id": cid()},
    )
    assert fourth.status_code == 409 and fourth.json()["code"] == "limit"
    assert "3 notes" in error_of(fourth)
    assert len(engine.state.notes) == 3


async def test_locked_step_and_wrong_step(client, engine):
    _, key = await join(client)
    not_started = await client.post(
        f"{API}/notes", headers=key, json={"text": "early", "category": "rose", "client_id": cid()}
    )
    assert not_started.status_code == 423 and "not started" in error_of(not_started)
    goto(engine, WRITE)
    engine.execute(c.LockInput(locked=True))
    locked = await client.post(
        f"{API}/notes", headers=key, json={"text": "late", "category": "rose", "client_id": cid()}
    )
    assert locked.status_code == 423 and "paused" in error_of(locked)
    engine.execute(c.LockInput(locked=False))
    goto(engine, RATE)
    wrong = await client.post(
        f"{API}/notes", headers=key, json={"text": "here?", "client_id": cid()}
    )
    assert wrong.status_code == 409 and "does not collect notes" in error_of(wrong)
    assert engine.state.notes == {}


async def test_private_notes_stay_private_until_revealed(client, engine):
    _, ann = await join(client, "Ann")
    _, bo = await join(client, "Bo")
    goto(engine, WRITE)
    secret = "SECRET-thorn-about-my-manager"
    await client.post(
        f"{API}/notes", headers=ann, json={"text": secret, "category": "thorn", "client_id": cid()}
    )
    mine = await client.get(f"{API}/state", headers=ann)
    assert secret in mine.text
    theirs = await client.get(f"{API}/state", headers=bo)
    assert secret not in theirs.text and theirs.json()["public"]["notes"] == []
    engine.execute(c.Reveal())
    after = await client.get(f"{API}/state", headers=bo)
    assert [n["text"] for n in after.json()["public"]["notes"]] == [secret]
    assert "author" not in after.json()["public"]["notes"][0]  # anonymous step: no name
    engine.execute(c.HideNote(note=after.json()["public"]["notes"][0]["id"]))
    hidden = await client.get(f"{API}/state", headers=bo)
    assert secret not in hidden.text


async def test_open_board_names_and_canvas_regions(client, engine):
    _, ann = await join(client, "Ann")
    _, bo = await join(client, "Bo")
    goto(engine, OPEN)
    await client.post(f"{API}/notes", headers=ann, json={"text": "Hello", "client_id": cid()})
    seen = (await client.get(f"{API}/state", headers=bo)).json()["public"]["notes"]
    assert seen == [{"id": seen[0]["id"], "text": "Hello", "author_name": "Ann"}]
    goto(engine, MAP)
    nowhere = await client.post(f"{API}/notes", headers=ann, json={"text": "x", "client_id": cid()})
    assert nowhere.status_code == 422 and "Before" in error_of(nowhere)
    bad = await client.post(
        f"{API}/notes", headers=ann, json={"text": "x", "region": "<script>", "client_id": cid()}
    )
    assert bad.status_code == 422
    placed = await client.post(
        f"{API}/notes", headers=ann, json={"text": "x", "region": "after", "client_id": cid()}
    )
    assert placed.status_code == 201 and placed.json()["me"]["notes"][0]["region"] == "after"


async def test_a_busy_board_shows_the_newest_notes(engine):
    app = create_app(engine, token=TOKEN, limits=fast_limits(max_notes_shown=2))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        _, ann = await join(http)
        _, bo = await join(http)
        goto(engine, OPEN)
        for text in ("first", "second", "third"):
            await http.post(f"{API}/notes", headers=ann, json={"text": text, "client_id": cid()})
        public = (await http.get(f"{API}/state", headers=bo)).json()["public"]
        assert [n["text"] for n in public["notes"]] == ["second", "third"]
        assert public["notes_total"] == 3
        mine = (await http.get(f"{API}/state", headers=ann)).json()["me"]
        assert len(mine["notes"]) == 3  # your own are always all there


async def test_edit_own_note_only(client, engine):
    _, ann = await join(client)
    _, bo = await join(client)
    goto(engine, WRITE)
    note = (
        await client.post(
            f"{API}/notes",
            headers=ann,
            json={"text": "typo", "category": "rose", "client_id": cid()},
        )
    ).json()["note"]
    edited = await client.patch(f"{API}/notes/{note}", headers=ann, json={"text": "fixed"})
    assert edited.status_code == 200 and engine.state.notes[note].text == "fixed"
    theirs = await client.patch(f"{API}/notes/{note}", headers=bo, json={"text": "mine now"})
    assert theirs.status_code == 403 and "your own" in error_of(theirs)
    missing = await client.patch(f"{API}/notes/n999", headers=ann, json={"text": "x"})
    assert missing.status_code == 404
    nul = await client.patch(f"{API}/notes/%00", headers=ann, json={"text": "x"})
    assert nul.status_code == 422
    assert engine.state.notes[note].text == "fixed"


# ---------------------------------------------------------------- votes and ratings


async def _notes_to_vote_on(client, engine) -> tuple[dict, list[str]]:
    _, ann = await join(client)
    goto(engine, WRITE)
    ids = []
    for text in ("one", "two", "three"):
        r = await client.post(
            f"{API}/notes", headers=ann, json={"text": text, "category": "rose", "client_id": cid()}
        )
        ids.append(r.json()["note"])
    engine.execute(c.Reveal())
    goto(engine, VOTE)
    return ann, ids


async def test_votes_within_budget_and_withdraw(client, engine):
    _, ids = await _notes_to_vote_on(client, engine)
    _, bo = await join(client)
    closed = await client.post(
        f"{API}/votes", headers=bo, json={"target": ids[0], "client_id": cid()}
    )
    assert closed.status_code == 423 and "not open" in error_of(closed)
    engine.execute(c.OpenVote())
    state = (await client.get(f"{API}/state", headers=bo)).json()
    assert [n["id"] for n in state["public"]["notes"]] == ids
    assert state["me"]["dots_left"] == 2
    vote = {"target": ids[0], "client_id": "vote-1"}
    first = await client.post(f"{API}/votes", headers=bo, json=vote)
    assert first.status_code == 201 and first.json()["me"]["dots_left"] == 1
    resend = await client.post(f"{API}/votes", headers=bo, json=vote)
    assert resend.status_code == 200 and resend.json()["me"]["dots_left"] == 1
    same_item = await client.post(
        f"{API}/votes", headers=bo, json={"target": ids[0], "client_id": cid()}
    )
    assert same_item.status_code == 409 and "At most 1" in error_of(same_item)
    await client.post(f"{API}/votes", headers=bo, json={"target": ids[1], "client_id": cid()})
    over = await client.post(
        f"{API}/votes", headers=bo, json={"target": ids[2], "client_id": cid()}
    )
    assert over.status_code == 409 and "all 2" in error_of(over)
    unknown = await client.post(
        f"{API}/votes", headers=bo, json={"target": "n999", "client_id": cid()}
    )
    assert unknown.status_code == 404
    back = await client.delete(f"{API}/votes/{ids[0]}", headers=bo, params={"client_id": "w-1"})
    assert back.status_code == 200 and back.json()["me"]["dots_left"] == 1
    again = await client.delete(f"{API}/votes/{ids[0]}", headers=bo, params={"client_id": "w-1"})
    assert again.status_code == 200 and again.json()["duplicate"] is True
    nothing = await client.delete(f"{API}/votes/{ids[0]}", headers=bo, params={"client_id": "w-2"})
    assert nothing.status_code == 409
    no_id = await client.delete(f"{API}/votes/{ids[0]}", headers=bo)
    assert no_id.status_code == 422
    assert engine.state.votes["0.1"] == {
        engine.state.participants and list(engine.state.participants)[1]: {ids[1]: 1}
    }
    engine.execute(c.CloseVote())
    results = (await client.get(f"{API}/state", headers=bo)).json()["public"]["results"]
    assert results == {
        "kind": "vote",
        "tally": [{"target": ids[1], "dots": 1, "text": "two"}],
        "tally_total": 1,
    }


async def test_rating(client, engine):
    pid, key = await join(client)
    goto(engine, RATE)
    for bad, status in ((0, 422), (6, 422), (True, 422), ("5", 422), (4.5, 422), (10**30, 422)):
        response = await client.post(
            f"{API}/rating", headers=key, json={"value": bad, "client_id": cid()}
        )
        assert response.status_code == status, (bad, response.text)
        error_of(response)
    ok = await client.post(f"{API}/rating", headers=key, json={"value": 4, "client_id": cid()})
    assert ok.status_code == 201 and ok.json()["me"]["rating"] == 4
    public = (await client.get(f"{API}/state", headers=key)).json()["public"]
    assert public["results"]["average"] == 4 and public["input"]["scale_max"] == 5
    assert engine.state.ratings == {"0.2": {pid: 4}}


# ---------------------------------------------------------------- identity


async def test_keys(client, engine):
    pid, key = await join(client)
    goto(engine, OPEN)
    body = {"text": "x", "client_id": cid()}
    missing = await client.post(f"{API}/notes", json=body)
    assert missing.status_code == 401 and "Join" in error_of(missing)
    forged = await client.post(f"{API}/notes", json=body, headers={"X-Participant-Key": "f" * 32})
    assert forged.status_code == 403 and forged.json()["code"] == "unknown_key"
    huge = await client.post(f"{API}/notes", json=body, headers={"X-Participant-Key": "f" * 5000})
    assert huge.status_code in (403, 431)
    bearer = await client.post(
        f"{API}/notes", json=body, headers={"Authorization": "Bearer " + key["X-Participant-Key"]}
    )
    assert bearer.status_code == 201
    wrong_token = await client.post("/j/another-token/api/notes", json=body, headers=key)
    assert wrong_token.status_code == 404
    engine.execute(c.RemoveParticipant(participant=pid))
    removed = await client.post(f"{API}/notes", json={"text": "y", "client_id": cid()}, headers=key)
    assert removed.status_code == 403 and removed.json()["code"] == "removed"
    assert (await client.get(f"{API}/state", headers=key)).status_code == 403
    assert len(engine.state.notes) == 1


async def test_facilitator_commands_are_unreachable(client, engine):
    _, key = await join(client)
    goto(engine, WRITE)
    seq = engine.state.seq
    for body in (
        {"type": "next_step"},
        {"type": "reveal"},
        {"type": "goto", "item": 0, "step": 3},
        {"type": "goto"},
        {"type": "remove_participant", "participant": "p1"},
        {"type": "end_session"},
        {"type": "lock_input"},
        {"type": "open_vote"},
        {"type": "hide_note", "note": "n1"},
        {"type": "timer", "action": "pause"},
        {"type": "create_cluster", "label": "x"},
        {"type": "set_summary", "text": "x"},
        {"type": "join", "key": "k"},
        {"type": "add_note", "text": "x", "category": "rose", "step": "0.3", "client_id": "a"},
        {
            "type": "add_note",
            "text": "x",
            "category": "rose",
            "author_name": "Boss",
            "client_id": "a",
        },
    ):
        response = await client.post(f"{API}/command", json=body, headers=key)
        assert response.status_code == 403, (body, response.text)
        assert "facilitator" in error_of(response)
    unknown = await client.post(f"{API}/command", json={"type": "drop_tables"}, headers=key)
    assert unknown.status_code == 422
    # Facilitator fields smuggled into the participant routes are refused too.
    sneaky = await client.post(
        f"{API}/notes",
        headers=key,
        json={"text": "x", "category": "rose", "client_id": cid(), "author_name": "Boss"},
    )
    assert sneaky.status_code == 422 and "Unexpected field 'author_name'" in error_of(sneaky)
    other_step = await client.post(
        f"{API}/notes",
        headers=key,
        json={"text": "x", "category": "rose", "client_id": cid(), "step": "0.3"},
    )
    assert other_step.status_code == 403 and "current step" in error_of(other_step)
    assert engine.state.seq == seq
    ok = await client.post(
        f"{API}/command",
        headers=key,
        json={"type": "add_note", "text": "via command", "category": "rose", "client_id": "c-1"},
    )
    assert ok.status_code == 201


# ---------------------------------------------------------------- hostile bodies


HOSTILE = [
    (b"{not json", {}, 400),
    (b"", {}, 400),
    (b"[1,2,3]", {}, 422),
    (b"null", {}, 422),
    (b'"text"', {}, 422),
    (b"\xff\xfe{}", {}, 400),
    (b'{"text": "caf\xe9", "client_id": "a"}', {}, 400),  # latin-1, not UTF-8
    (b'{"text": 5, "client_id": "a"}', {}, 422),
    (b'{"text": ["a"], "client_id": "a"}', {}, 422),
    (b'{"text": {"$gt": ""}, "client_id": "a"}', {}, 422),
    (b'{"text": null, "client_id": "a"}', {}, 422),
    (b'{"text": "ok", "client_id": 7}', {}, 422),
    (b'{"text": "ok", "client_id": "has spaces and /slashes"}', {}, 422),
    (b'{"text": "ok", "client_id": "' + b"a" * 65 + b'"}', {}, 422),
    (b'{"text": "ok"}', {}, 422),
    (b'{"text": "bell\\u0007", "client_id": "a"}', {}, 422),
    (b'{"text": "nul\\u0000", "client_id": "a"}', {}, 422),
    (b'{"text": "\\u001b]8;;http://evil\\u001b\\\\x", "client_id": "a"}', {}, 422),
    (b'{"text": "c1\\u009b31m", "client_id": "a"}', {}, 422),
    (b'{"text": "lone \\ud800 surrogate", "client_id": "a"}', {}, 422),
    (b'{"text": NaN, "client_id": "a"}', {}, 400),
    (b'{"text": "ok", "client_id": "a", "extra": 1}', {}, 422),
    (b'{"text": "ok", "client_id": "a", "\\u0000": 1}', {}, 422),
    (b"[" * 3000 + b"]" * 3000, {}, 400),
    (b'{"a":' * 30 + b"1" + b"}" * 30, {}, 422),
    (
        b'{"text": "ok", "client_id": "a"}',
        {"content-type": "application/x-www-form-urlencoded"},
        415,
    ),
    (b'{"text": "ok", "client_id": "a"}', {"content-length": "abc"}, 400),
    (b"x" * 9000, {}, 413),
    (json.dumps({"text": "a" * 20000, "client_id": "a"}).encode(), {}, 413),
]


@pytest.mark.parametrize(
    "body,headers,status", HOSTILE, ids=[f"hostile-{i}" for i in range(len(HOSTILE))]
)
async def test_hostile_bodies_get_a_4xx_and_change_nothing(client, engine, body, headers, status):
    _, key = await join(client)
    goto(engine, WRITE)
    seq, notes = engine.state.seq, dict(engine.state.notes)
    response = await client.post(f"{API}/notes", content=body, headers={**key, **headers})
    assert response.status_code == status, response.text
    error_of(response)
    assert engine.state.seq == seq and engine.state.notes == notes


async def test_streamed_body_over_the_limit_is_refused(client, engine):
    _, key = await join(client)
    goto(engine, OPEN)

    async def chunks():
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 1024  # no Content-Length: the limit is enforced on the stream
        yield b'", "client_id": "a"}'

    response = await client.post(f"{API}/notes", content=chunks(), headers=key)
    assert response.status_code == 413 and "KiB" in error_of(response)
    assert engine.state.notes == {}


async def test_hostile_join_and_vote_bodies(client, engine):
    for body in (
        b"{",
        b"[]",
        b'{"name": 1, "client_id": "' + b"a" * 20 + b'"}',
        b'{"name": "x", "client_id": "' + b"a" * 20 + b'", "key": "mine"}',
        b'{"client_id": "' + b"a" * 20 + b'", "name": "\\u202e\\u0007"}',
    ):
        response = await client.post(f"{API}/join", content=body)
        assert 400 <= response.status_code < 500, body
        error_of(response)
    assert engine.state.participants == {}
    _, key = await join(client)
    goto(engine, VOTE)
    engine.execute(c.OpenVote())
    for body in (
        b'{"target": 1, "client_id": "a"}',
        b'{"target": "", "client_id": "a"}',
        b'{"target": "' + b"x" * 100 + b'", "client_id": "a"}',
    ):
        response = await client.post(f"{API}/votes", content=body, headers=key)
        assert 400 <= response.status_code < 500, body
        error_of(response)
    weird = await client.delete(f"{API}/votes/%00", headers=key, params={"client_id": "a"})
    assert weird.status_code == 422


async def test_unexpected_errors_are_a_json_503_not_a_traceback(client, engine, monkeypatch):
    _, key = await join(client)
    ctx = client.app.state.context

    def boom():
        raise RuntimeError("bug in the view")

    monkeypatch.setattr(ctx.views, "build_public", boom)
    response = await client.get(f"{API}/state", headers=key)
    assert response.status_code == 503
    assert "Traceback" not in response.text and "bug in the view" not in response.text
    error_of(response)


async def test_storage_failure_is_503_and_records_nothing(client, engine):
    _, key = await join(client)
    goto(engine, OPEN)
    engine.journal.fail = True
    response = await client.post(
        f"{API}/notes", headers=key, json={"text": "x", "client_id": "s-1"}
    )
    assert response.status_code == 503 and "could not be saved" in error_of(response)
    assert engine.state.notes == {}
    engine.journal.fail = False
    retry = await client.post(f"{API}/notes", headers=key, json={"text": "x", "client_id": "s-1"})
    assert retry.status_code == 201 and len(engine.state.notes) == 1


async def test_rate_limit_per_participant(engine):
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=1.0, burst=3))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        _, key = await join(http)
        statuses = [(await http.get(f"{API}/state", headers=key)).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
        limited = await http.get(f"{API}/state", headers=key)
        assert int(limited.headers["retry-after"]) >= 1 and "Too many" in error_of(limited)
        # Another participant has a bucket of their own.
        _, other = await join(http)
        assert (await http.get(f"{API}/state", headers=other)).status_code == 200


async def test_group_commit_of_concurrent_submissions(client, engine):
    keys = [(await join(client))[1] for _ in range(20)]
    goto(engine, OPEN)
    writes_before = len(engine.journal.events)
    responses = await asyncio.gather(
        *[
            client.post(
                f"{API}/notes", headers=k, json={"text": f"note {i}", "client_id": f"g-{i}"}
            )
            for i, k in enumerate(keys)
        ]
    )
    assert all(r.status_code == 201 for r in responses)
    assert len(engine.state.notes) == 20
    assert len(engine.journal.events) - writes_before == 20


# ---------------------------------------------------------------- views and the hub


async def test_state_shapes_for_every_kind_of_step(client, engine):
    _, key = await join(client)
    engine.execute(c.StartSession())
    seen = {}
    for step in range(6):
        goto(engine, step)
        state = (await client.get(f"{API}/state", headers=key)).json()
        seen[step] = state
        assert state["public"]["step"]["number"] == step + 1
        assert state["me"]["timer"]["duration"] > 0
    assert seen[WRITE]["public"]["input"]["categories"][0]["label"] == "Rose"
    assert seen[WRITE]["me"]["notes_left"] == 3
    assert seen[VOTE]["public"]["input"]["dots_per_person"] == 2
    assert seen[MAP]["public"]["input"]["regions"][1]["id"] == "after"
    assert seen[TALK]["public"]["step"]["kind"] == "discussion"
    engine.execute(c.GoTo(item=1))
    brk = (await client.get(f"{API}/state", headers=key)).json()
    assert brk["public"]["step"]["kind"] == "break"
    engine.execute(c.EndSession())
    end = (await client.get(f"{API}/state", headers=key)).json()
    assert end["public"]["step"]["kind"] == "ended"


async def test_a_notice_is_never_answered_with_a_stale_board(engine, monkeypatch):
    """The shared view may be up to ``view_cache_seconds`` old while notes pour in, but a
    phone that acts like the page (refetch when a notice's seq differs from the seq its
    view reported) must end up showing every note it was told about."""
    from types import SimpleNamespace

    from sessionkit.web import views as views_module

    clock = [1000.0]  # the views' clock only; the event loop keeps its own
    monkeypatch.setattr(views_module, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    app = create_app(
        engine,
        token=TOKEN,  # flushed by hand below, not by the loop
        limits=fast_limits(view_cache_seconds=0.25, bulk_delay=600, urgent_delay=600),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        _, ann = await join(http)
        _, bo = await join(http)
        goto(engine, OPEN)
        hub = app.state.hub

        async def note(text: str) -> str:
            r = await http.post(
                f"{API}/notes", headers=ann, json={"text": text, "client_id": cid()}
            )
            return r.json()["note"]

        async def view(key) -> dict:
            return (await http.get(f"{API}/state", headers=key)).json()

        await note("first")
        await view(ann)  # the shared view is built now, with "first"
        clock[0] += 0.1
        second = await note("second")  # a coalesced notice is due later
        clock[0] += 0.1
        seen = await view(bo)  # Bo fetches (woke up, voted...) from the cache
        last_seq = seen["me"]["seq"]
        hub.flush()  # the notice about "second" goes out
        notice = json.loads(hub.message().split(b"data: ")[1])
        assert notice["seq"] == engine.state.seq
        if notice["seq"] != last_seq:  # what app.js does
            seen = await view(bo)
        assert second in [n["id"] for n in seen["public"]["notes"]]


async def test_slow_reader_holds_only_the_newest_notice(client, engine):
    pid, _ = await join(client)
    hub = client.app.state.hub
    connection = hub.connect(pid)  # never read from: a phone that has stopped reading
    engine.execute(c.StartSession())
    for _ in range(200):
        engine.execute(c.TimerCommand(action="extend", seconds=1))
    hub.flush()
    assert connection.pending is not None
    assert json.loads(connection.pending.split(b"data: ")[1])["seq"] == engine.state.seq
    hub.disconnect(connection)


async def past_the_hubs_timers(hub) -> None:
    """Return once every notice the hub has scheduled so far has gone out.

    The hub sends a notice from a loop timer due ``urgent_delay`` or ``bulk_delay`` after
    the event. asyncio runs due timers in the order of their due times and a sleep is such
    a timer, so one set now for twice the longest of those delays fires after every notice
    already scheduled, however slow the machine: this waits for the loop to get past
    those timers (an ordering), not for some amount of time to be enough.
    """
    longest = max(
        hub.urgent_delay, hub.bulk_delay, len(hub.connections) * hub.bulk_delay_per_stream
    )
    await asyncio.sleep(2 * longest)


async def test_private_events_do_not_wake_other_phones(client, engine):
    ann_id, ann = await join(client)
    bo_id, _ = await join(client)
    hub = client.app.state.hub
    a, b = hub.connect(ann_id), hub.connect(bo_id)
    goto(engine, WRITE)
    a.pending = b.pending = None  # not the greeting connect() pushes: the step change's
    await until(lambda: a.pending and b.pending, "the step change to reach both phones")
    a.pending = b.pending = None
    await client.post(
        f"{API}/notes",
        headers=ann,
        json={"text": "private", "category": "rose", "client_id": cid()},
    )
    await until(lambda: a.pending, "the author's own phone to hear about the note")
    await past_the_hubs_timers(hub)  # a notice to the room, had the note set one off
    assert b.pending is None
    engine.execute(c.Reveal())
    await until(lambda: b.pending, "the reveal to reach the other phone")


# ---------------------------------------------------------------- a real server and SSE


async def read_event(lines, kind: str, timeout: float = SAFETY_SECONDS, where=None) -> dict:
    """Read SSE lines until an event of ``kind`` whose data satisfies ``where``; ``None``
    if the stream ends first. ``timeout`` is a safety net, never the thing tested."""

    async def scan():
        current = None
        async for line in lines:
            if line.startswith("event: "):
                current = line[7:]
            elif line.startswith("data: ") and current == kind:
                data = json.loads(line[6:])
                if where is None or where(data):
                    return data

    return await asyncio.wait_for(scan(), timeout)


async def test_event_stream_pushes_step_changes(engine):
    # How soon a step change reaches every phone is measured by bench/participants.py
    # ("step change -> seen by all" in docs/benchmarks.md), not asserted here.
    app = create_app(engine, token=TOKEN, limits=fast_limits(urgent_delay=0.05))
    server, task = await start_server(app)
    base = f"http://127.0.0.1:{server.port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            _, key = await join(http)
            async with http.stream(
                "GET", f"{API}/events", params={"key": key["X-Participant-Key"]}
            ) as stream:
                assert stream.status_code == 200
                assert stream.headers["content-type"].startswith("text/event-stream")
                lines = stream.aiter_lines()
                first = await read_event(lines, "changed")
                assert first["step"] is None
                engine.execute(c.StartSession())
                pushed = await read_event(lines, "changed", where=lambda d: d["step"] == "0.0")
                assert pushed["seq"] == engine.state.seq
                goto(engine, VOTE)
                moved = await read_event(lines, "changed", where=lambda d: d["step"] == "0.1")
                assert moved["seq"] == engine.state.seq
            bad = await http.get(f"{API}/events", params={"key": "forged"})
            assert bad.status_code == 403 and bad.headers["content-type"].startswith(
                "application/json"
            )
            none = await http.get(f"{API}/events")
            assert none.status_code == 401
    finally:
        server.stop()
        await asyncio.wait_for(task, SAFETY_SECONDS)
    assert not server.running


async def test_heartbeat_and_stop_ends_streams(engine):
    app = create_app(engine, token=TOKEN, limits=fast_limits(heartbeat_seconds=0.2))
    # A graceful period longer than the safety deadline below: if stop() left the event
    # streams open, uvicorn would wait for them and this test would fail, not just slow.
    server, task = await start_server(app, graceful_seconds=2 * SAFETY_SECONDS)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", timeout=5) as http:
        _, key = await join(http)
        async with http.stream("GET", f"{API}/events", headers=key) as stream:
            lines = stream.aiter_lines()
            await read_event(lines, "ping")
            server.stop()
            try:  # the stream ends (or the connection drops) rather than hanging
                assert await read_event(lines, "never") is None
            except httpx.HTTPError:
                pass
    await asyncio.wait_for(task, SAFETY_SECONDS)
    assert not server.running


async def test_taken_port_is_a_clear_error_and_restart_on_the_same_port(engine):
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    first = ParticipantServer(app)
    first.bind("127.0.0.1", 0)
    port = first.port
    with pytest.raises(
        ServerError, match=f"port {port} on 127.0.0.1 is already in use; choose another with --port"
    ):
        ParticipantServer(app).bind("127.0.0.1", port)
    task = asyncio.create_task(first.serve())
    await first.wait_started(timeout=SAFETY_SECONDS)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
        _, key = await join(http)
        first.stop()
        await asyncio.wait_for(task, SAFETY_SECONDS)
        with pytest.raises(httpx.ConnectError):
            await http.get(f"{API}/state", headers=key)
        second, task = await start_server(app, port)
        assert second.port == port
        assert (await http.get(f"{API}/state", headers=key)).status_code == 200
        second.stop()
        await asyncio.wait_for(task, SAFETY_SECONDS)


def test_bind_errors_are_sentences():
    server = ParticipantServer(object())
    with pytest.raises(ServerError, match="not a port number") as bad_port:
        server.bind("127.0.0.1", 70000)
    assert bad_port.value.option == "--port" and not bad_port.value.port_taken
    with pytest.raises(ServerError, match="not an address of this computer") as bad_host:
        server.bind("no-such-host.invalid", 8765)
    assert bad_host.value.option == "--host"


def test_a_taken_port_says_so_in_a_few_words_and_another_port_is_offered():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServerError) as error:
            ParticipantServer(object()).bind("127.0.0.1", port)
        assert error.value.short == f"port {port} is in use" and error.value.port_taken
        other = free_port_near("127.0.0.1", port)
        assert other is not None and other > port


# ---------------------------------------------------------------- join links


def test_join_links():
    link = join_link("tok", port=8765, public_url="https://example.org/workshop/")
    assert link.url == "https://example.org/workshop/j/tok" and link.problem is None
    with pytest.raises(ValueError, match="--public-url"):
        check_public_url("example.org")
    with pytest.raises(ValueError):
        check_public_url("ftp://example.org")
    local = join_link("tok", port=8765, host="127.0.0.1")
    assert local.url is None and "only this computer" in local.problem
    assert local.local_url == "http://127.0.0.1:8765/j/tok"
    lan = join_link("tok", port=8765)
    address = lan_address()
    if address is None:
        assert lan.url is None and "No network address" in lan.problem
    else:
        assert lan.url == f"http://{address}:8765/j/tok"
        assert not address.startswith("127.")
    fixed = join_link("tok", port=9000, host="192.168.1.20")
    assert fixed.url == "http://192.168.1.20:9000/j/tok"


def test_no_address_found(monkeypatch):
    import sessionkit.netaddr as netaddr

    def no_route(*args, **kwargs):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(netaddr.socket.socket, "connect", no_route)
    monkeypatch.setattr(netaddr.socket, "gethostbyname_ex", lambda name: (name, [], ["127.0.1.1"]))
    assert netaddr.lan_address() is None
    link = netaddr.join_link("tok", port=8765)
    assert link.url is None and "Wi-Fi" in link.problem


# ---------------------------------------------------------------- inside a Textual app


async def test_serve_in_app_runs_in_textuals_loop_and_stops_on_unmount(engine, capfd):
    from textual.app import App

    from sessionkit.web import serve_in_app

    started: dict = {}

    class Host(App[None]):
        async def on_mount(self) -> None:  # port 0: the kernel picks one, the link says which
            started["server"], started["link"] = await serve_in_app(
                self, engine, host="127.0.0.1", port=0, token=TOKEN, limits=fast_limits()
            )

        def on_unmount(self) -> None:
            started["server"].stop()

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        server, link = started["server"], started["link"]
        port = server.port
        assert port != 0 and server.running
        assert link.local_url == f"http://127.0.0.1:{port}/j/{TOKEN}"
        assert link.url is None and "only this computer" in link.problem
        async with httpx.AsyncClient(timeout=5) as http:
            assert (await http.get(link.local_url)).status_code == 200
            response = await http.post(
                f"http://127.0.0.1:{port}{API}/join", json={"client_id": "t" * 20}
            )
            assert response.status_code == 201
        # The port is now taken: a second server says so instead of exiting.
        with pytest.raises(ServerError, match="already in use"):
            await serve_in_app(app, engine, host="127.0.0.1", port=port)
    # Textual cancelled the server's worker on exit; serve() closes its socket last.
    await until(lambda: server.socket is None, "the server to close its listening socket")
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient(timeout=2) as http:
            await http.get(link.local_url)
    out, err = capfd.readouterr()
    assert "uvicorn" not in (out + err).lower() and "Started server" not in out + err
