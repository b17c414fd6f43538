"""What the room page is sent: on a step of every input kind, exactly what the room may
see (no facilitator notes, no hidden or unrevealed notes, no names on anonymous steps,
removed text as [removed by the facilitator]), plus the timer, the answer counts and
the join link; and who may open it (the room token only)."""

from __future__ import annotations

import json

import httpx
import pytest

from helpers.waiting import until
from room_plan import (
    FACILITATOR_NOTE,
    KEY,
    PRIVATE,
    SECRET_MARKS,
    SHOWN,
    STEPS,
    fill,
    go,
    room_engine,
)
from sessionkit.core import commands as c
from sessionkit.core.inputs import KINDS
from sessionkit.core.redaction import REMOVED_TEXT
from sessionkit.netaddr import join_code, spaced_code
from sessionkit.web import create_app
from sessionkit.web.room import ROOM_VIEWER
from sessionkit.web.room_view import room_view
from sessionkit.web.views import Views

JOIN = {"url": "http://10.1.2.3:8765/j/join-token-1234", "open": True, "code": None}
JOIN_TOKEN = "join-token-1234"
ROOM_TOKEN = "room-token-5678"

REMOVED_ON = {"jot", "named", "map", "circles", "group", "dots", "words", "ask", "act"}
REMOVED_ON |= {"judge", "order", "needs"}
"""Steps whose room view shows an item whose text the facilitator removed."""
SHOWN_ON = {n for n, _ in STEPS} - {"rate", "talk", "words"}
"""Steps whose room view shows the note (or question, action, request) everyone may see."""


def test_the_plan_has_a_step_of_every_input_kind() -> None:
    assert {spec["kind"] for _, spec in STEPS} == set(KINDS)


@pytest.fixture
def filled():
    engine = room_engine()
    return engine, fill(engine)


def seen(engine) -> str:
    return json.dumps(room_view(Views(engine), JOIN), ensure_ascii=False)


@pytest.mark.parametrize("name", [name for name, _ in STEPS])
def test_every_kind_shows_the_room_only_what_it_may_see(filled, name: str) -> None:
    engine, _ = filled
    engine.execute(c.Reveal(step=KEY["jot"]))  # the later steps work on its notes
    go(engine, name)
    text = seen(engine)
    folded = text.casefold()
    for mark in SECRET_MARKS:
        assert mark not in folded, (name, mark)
    assert FACILITATOR_NOTE.casefold() not in folded
    assert ("bilbyname" in folded) == (name == "named"), name  # names on the named step only
    assert (REMOVED_TEXT in text) == (name in REMOVED_ON), name
    assert (SHOWN in text) == (name in SHOWN_ON), name
    view = json.loads(text)
    assert view["join"] == JOIN and view["timer"]["duration"] == 300


def test_the_room_is_told_how_many_have_answered(filled) -> None:
    engine, _ = filled
    lines = {}
    for name, _ in STEPS:
        go(engine, name)
        answered = room_view(Views(engine), JOIN).get("answered")
        lines[name] = answered["line"] if answered else None
    assert lines == {
        "jot": "3 of 3 have written",
        "named": "3 of 3 have written",
        "map": "3 of 3 have written",
        "circles": "3 of 3 have written",
        "pairs": "2 of 3 have written",
        "group": None,
        "dots": "1 of 3 have voted",
        "rate": "1 of 3 have rated",
        "talk": None,
        "words": "3 of 3 have sent words",
        "ask": "3 of 3 have asked",
        "act": "3 of 3 have added actions",
        "judge": "1 of 3 have sorted",
        "order": "1 of 3 have scored",
        "needs": "2 of 3 have sent requests",
        "look-back": None,  # a review is the room talking: no count of answers
    }


def test_private_notes_reach_the_room_when_revealed_and_a_hidden_one_when_shown(filled) -> None:
    engine, ids = filled
    for name in ("jot", "group", "dots", "judge", "order"):  # each works on the jot's notes
        go(engine, name)
        assert PRIVATE.casefold() not in seen(engine).casefold(), name
    go(engine, "jot")
    engine.execute(c.Reveal(step=KEY["jot"]))
    view = room_view(Views(engine), JOIN)
    assert PRIVATE in [n["text"] for n in view["notes"]]
    assert "wombat" not in json.dumps(view).casefold()
    engine.execute(c.HideNote(note=ids["private"]))
    assert PRIVATE not in seen(engine)
    engine.execute(c.HideNote(note=ids["jot_hidden"], hidden=False))
    assert "Hidden-wombat" in seen(engine)


def test_a_vote_shows_its_results_only_once_closed(filled) -> None:
    engine, ids = filled
    engine.execute(c.Reveal(step=KEY["jot"]))
    go(engine, "dots")
    view = room_view(Views(engine), JOIN)
    assert "results" not in view and SHOWN in [t["text"] for t in view["targets"]]
    engine.execute(c.CloseVote())
    view = room_view(Views(engine), JOIN)
    # Each row named by its text too: the top 100 may lie past the first 100 targets.
    assert {"target": ids["shown"], "dots": 1, "text": SHOWN} in view["results"]["tally"]


def test_a_grouped_step_shows_each_groups_notes_without_names(filled) -> None:
    engine, _ = filled
    go(engine, "pairs")
    view = room_view(Views(engine), JOIN)
    boards = view["groups"]
    assert [g["label"] for g in boards] == ["Group A"]  # three people make one group
    assert [n["text"] for g in boards for n in g["notes"]] == [SHOWN]
    assert sum(g["size"] or 0 for g in boards) == 3
    assert "bilbyname" not in json.dumps(view).casefold()


def test_before_the_start_and_after_the_end() -> None:
    engine = room_engine()
    engine.execute(c.EndSession())
    view = room_view(Views(engine), {**JOIN, "open": False})
    assert view["step"]["kind"] == "ended" and view["timer"] is None
    assert "answered" not in view


# ---------------------------------------------------------------- who may open it


@pytest.fixture
async def http(filled):
    engine, _ = filled
    app = create_app(engine, token=JOIN_TOKEN, room_token=ROOM_TOKEN)
    app.state.room.join_base = "http://10.1.2.3:8765"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://laptop"
    ) as client:
        yield client, app


async def test_only_the_room_token_opens_the_room_page(http, filled) -> None:
    client, _ = http
    engine, ids = filled
    page = await client.get(f"/room/{ROOM_TOKEN}")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    assert (
        "<script>" in page.text and "script-src 'sha256-" in page.headers["content-security-policy"]
    )
    state = await client.get(f"/room/{ROOM_TOKEN}/api/state")
    assert state.status_code == 200
    assert state.json()["join"]["url"] == f"http://10.1.2.3:8765/j/{JOIN_TOKEN}"
    # The short code to type at the root page, as the room view shows it.
    assert state.json()["join"]["code"] == spaced_code(join_code(JOIN_TOKEN))
    assert state.json()["join"]["where"] == "http://10.1.2.3:8765/"
    svg = await client.get(f"/room/{ROOM_TOKEN}/join.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    key = {"X-Participant-Key": engine.state.participants[ids["ann"]].key or "k"}
    for wrong in (JOIN_TOKEN, "room-token-5679", "x" * 20):
        for path in ("", "/api/state", "/join.svg", "/api/events"):
            got = await client.get(f"/room/{wrong}{path}", headers=key)
            assert got.status_code == 404, (wrong, path)
    refused = await client.get(f"/room/{JOIN_TOKEN}")
    assert "no room page" in refused.text.casefold()  # a page in words, not a traceback
    assert (await client.get(f"/j/{ROOM_TOKEN}")).status_code == 404  # not a join link either


def test_the_room_token_must_not_be_a_join_token(filled) -> None:
    engine, _ = filled
    with pytest.raises(ValueError, match="room token"):
        create_app(engine, token=JOIN_TOKEN, room_token=JOIN_TOKEN)


async def test_the_room_hears_of_what_only_the_writer_is_told(http, filled) -> None:
    """A vote is told only to the voter's phones, but the room's count changes."""
    _, app = http
    engine, ids = filled
    go(engine, "dots")
    hub = app.state.hub
    stream = hub.connect(ROOM_VIEWER)
    await until(lambda: stream.pending is not None, "the first notice")
    stream.pending = None
    cy = ids["cy"]
    engine.execute(c.CastVote(target=ids["shown"]), cy)
    await until(lambda: stream.pending is not None, "a notice to the room after a vote")
    assert room_view(Views(engine), JOIN)["answered"]["line"] == "2 of 3 have voted"
    hub.disconnect(stream)


def test_a_run_keeps_its_room_token_beside_the_join_token(tmp_path) -> None:
    from sessionkit import store

    first = store.room_token(tmp_path)
    assert (tmp_path / store.ROOM_TOKEN_FILE).stat().st_mode & 0o777 == 0o600
    assert store.room_token(tmp_path) == first
    assert first != store.join_tokens(tmp_path).current
