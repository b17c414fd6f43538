"""The phone API under random and hostile requests: never a 5xx, always a JSON 4xx
with a sentence, and a refused request changes nothing.

tests/test_web.py already walks a fixed list of hostile note bodies, the key checks
and the facilitator commands. Here hypothesis mixes everything at once, on every route
and every kind of step: methods, tokens, keys (missing, forged, someone else's, a
removed participant's), content types, bodies (random JSON of the right and the wrong
shape, bytes that are not UTF-8, control characters, bodies over the limit). Then a few
requests no HTTP client library would send, written straight to a real server's socket.

Deterministic (``derandomize=True``) and bounded in examples and time.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import (
    ALL_STEPS,
    ANON,
    JOT,
    MAP,
    RATE,
    VOTE_NOTES,
    WRITE,
    ListJournal,
    go,
    make_engine,
)
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.web import ParticipantServer, WebLimits, create_app

TOKEN = "adversarial-token-42"
API = f"/j/{TOKEN}/api"
LIMITS = WebLimits(
    rate=1e9,
    burst=10**9,
    anonymous_rate=1e9,
    anonymous_burst=10**9,
    view_cache_seconds=0.0,
    urgent_delay=0.01,
    bulk_delay=0.01,
)


class Room:
    """One engine and app shared by every example of a test, driven from a private loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.engine: Engine = make_engine(journal=ListJournal())
        self.app = create_app(self.engine, token=TOKEN, limits=LIMITS)
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://phone"
        )
        self.keys: dict[str, str] = {}
        self.statuses: list[int] = []
        for name in ("ann", "bo", "gone"):
            r = self.run(
                self.http.post(
                    f"{API}/join", json={"name": name, "client_id": f"{name}-join-client-id-0001"}
                )
            )
            assert r.status_code == 201, r.text
            self.keys[name] = r.json()["key"]
            self.keys[name + "_id"] = r.json()["participant"]
        self.engine.execute(c.StartSession())
        ann = self.engine.state.participants[self.keys["ann_id"]].id
        for text, category in (("rose one", "rose"), ("thorn one", "thorn")):
            self.engine.execute(
                c.AddNote(text=text, category=category, client_id=f"n-{text[:4]}"), ann
            )
        self.engine.execute(c.RemoveParticipant(participant=self.keys["gone_id"]))

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        self.run(self.http.aclose())
        self.loop.close()


@pytest.fixture
def room() -> Iterator[Room]:
    r = Room()
    yield r
    r.close()


# ---------------------------------------------------------------- strategies


METHODS = [
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "HEAD",
    "TRACE",
    "PROPFIND",
    "BREW",
    "get",
]
ROUTES = [
    "join",
    "state",
    "notes",
    "notes/{x}",
    "votes",
    "votes/{x}",
    "rating",
    "command",
    "events",
    "",
    "nope",
    "notes/{x}/{x}",
    "../../etc/passwd",
]
TOKENS = [
    TOKEN,
    TOKEN + "x",
    TOKEN.upper(),
    TOKEN[:-1],
    "",
    "%00",
    "..%2F..",
    "a" * 300,
    "t%C3%A9st",
    "%FF%FE",
    quote("<script>"),
]
CONTROL = "\x00\x07\x1b\x7f\x85\x9b\u202e\ud800"

hostile_text = st.one_of(
    st.sampled_from(["hello", "a note", "café ☕ 💡", "  padded  ", "x" * 500]),
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(list(CONTROL) + list("ab [/]")), max_size=20),
    st.sampled_from(
        [
            "[@click=app.quit]x[/]",
            "unbalanced [/]",
            "<img src=x onerror=alert(1)>",
            '=HYPERLINK("http://x")',
            "\u001b]8;;http://evil\u001b\\x",
            "a" * 501,
            "n1",
            "p1",
            "0.0",
            "rose",
            "doing",
            "facilitator",
            "newcomer",
        ]
    ),
)
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "text",
    "client_id",
    "category",
    "region",
    "step",
    "target",
    "value",
    "name",
    "type",
    "note",
    "author_name",
    "key",
    "participant",
    "actor",
    "seq",
    "__proto__",
    "",
]
shaped = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), hostile_text), st.one_of(json_leaf, json_value), max_size=6
)
plausible = st.fixed_dictionaries(
    {"client_id": st.one_of(st.text("abcdef0123456789-", min_size=1, max_size=70), json_leaf)},
    optional={
        "text": hostile_text,
        "category": st.sampled_from(["rose", "thorn", "nope", ""]),
        "region": st.sampled_from(["doing", "feeling", "x"]),
        "target": hostile_text,
        "value": st.one_of(st.integers(-200, 200), json_leaf),
        "name": hostile_text,
        "type": st.sampled_from(
            [
                "add_note",
                "cast_vote",
                "rate",
                "next_step",
                "reveal",
                "goto",
                "join",
                "edit_note",
                "hide_note",
                "x",
            ]
        ),
        "step": st.sampled_from([*list(ALL_STEPS), "9.9", "-1.0", "x"]),
    },
)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


bodies = st.one_of(
    st.none(),
    st.just(b""),
    st.binary(max_size=200),
    json_value.map(_dumps),
    shaped.map(_dumps),
    plausible.map(_dumps),
    plausible.map(lambda d: _dumps(d).replace(b"client_id", b"client_id\xff", 1)),
    plausible.map(lambda d: json.dumps(d).encode("latin-1", "replace")[:-1]),  # cut short
    st.integers(8 * 1024 - 64, 64 * 1024).map(
        lambda n: b'{"text": "' + b"a" * n + b'", "client_id": "big"}'
    ),
    st.sampled_from(
        [
            b"\xef\xbb\xbf{}",
            b'{"text": "x"}' * 2,
            b"[" * 5000,
            b'{"a":' * 40 + b"1" + b"}" * 40,
            b'{"text": "\xed\xa0\x80", "client_id": "a"}',
            b"\x00" * 64,
        ]
    ),
)
CONTENT_TYPES = [
    None,
    "application/json",
    "application/json; charset=latin-1",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "text/event-stream",
    "json",
    "*/*",
    ";;;",
]
KEYS = ["none", "ann", "bo", "gone", "ann_id", "forged", "long", "latin1", "empty"]


client_ids = st.one_of(
    st.from_regex(r"[a-z0-9]{16,24}", fullmatch=True),
    st.text("abcdef0123456789-_.:", min_size=1, max_size=64),
    st.text(max_size=70),
    st.just("a" * 65),
)
WELL_FORMED = {
    "join": st.fixed_dictionaries({"client_id": client_ids}, optional={"name": hostile_text}),
    "notes": st.fixed_dictionaries(
        {"text": hostile_text, "client_id": client_ids},
        optional={
            "category": st.sampled_from(["rose", "thorn", "nope", ""]),
            "region": st.sampled_from(["doing", "feeling", "x"]),
            "step": st.sampled_from([*list(ALL_STEPS), "9.9", "x"]),
        },
    ),
    "notes/{x}": st.fixed_dictionaries(
        {},
        optional={
            "text": hostile_text,
            "category": st.sampled_from(["rose", "thorn", "x"]),
            "region": st.sampled_from(["doing", "x"]),
        },
    ),
    "votes": st.fixed_dictionaries(
        {"target": st.sampled_from(["n4", "n5", "n999", "c1", ""]), "client_id": client_ids}
    ),
    "rating": st.fixed_dictionaries(
        {"value": st.one_of(st.integers(-200, 200), json_leaf), "client_id": client_ids}
    ),
    "command": plausible,
}

STEP_FOR = {
    "notes": [ANON, JOT, WRITE, MAP],
    "notes/{x}": [WRITE, ANON],
    "votes": [VOTE_NOTES],
    "votes/{x}": [VOTE_NOTES],
    "rating": [RATE],
    "command": [ANON, VOTE_NOTES, RATE],
    "join": [ANON],
    "state": list(ALL_STEPS),
    "events": [ANON],
}
ROUTE_METHOD = {
    "join": "POST",
    "state": "GET",
    "notes": "POST",
    "notes/{x}": "PATCH",
    "votes": "POST",
    "votes/{x}": "DELETE",
    "rating": "POST",
    "command": "POST",
    "events": "GET",
}


@st.composite
def requests(draw: st.DrawFn, astray: bool) -> dict[str, Any]:
    """``astray=False``: the right token, method, key and content type, so that hostile
    bodies reach the parsing and the engine. ``astray=True``: one or more of method,
    token, route, key and content type goes wrong as well."""
    wrong = (
        draw(st.sets(st.sampled_from(["method", "token", "route", "key", "type"]), min_size=1))
        if astray
        else set()
    )
    route = draw(st.sampled_from(ROUTES if "route" in wrong else list(ROUTE_METHOD)))
    x = draw(
        st.sampled_from(
            ["n4", "n5", "n999", "p1", "%00", "%FF", quote("[@click]"), "a" * 50, quote("n1/../n2")]
        )
    )
    token = draw(st.sampled_from(TOKENS)) if "token" in wrong else TOKEN
    well_formed = route in WELL_FORMED and draw(st.booleans())
    return {
        "method": (
            draw(st.sampled_from(METHODS)) if "method" in wrong else ROUTE_METHOD.get(route, "GET")
        ),
        "path": f"/j/{token}/api/{route.replace('{x}', x)}",
        "key": draw(st.sampled_from(KEYS if "key" in wrong else ["ann", "bo"])),
        "key_via": draw(
            st.sampled_from(
                ["header", "bearer", "query", "basic"] if "key" in wrong else ["header", "bearer"]
            )
        ),
        "content_type": draw(
            st.sampled_from(
                CONTENT_TYPES if "type" in wrong else [None, "application/json", "text/plain"]
            )
        ),
        "body": draw(WELL_FORMED[route].map(_dumps) if well_formed else bodies),
        "query": draw(
            st.sampled_from(
                [
                    None,
                    "client_id=a",
                    "client_id=",
                    "client_id=%00",
                    "client_id=" + "z" * 80,
                    "key=",
                    "a=1&a=2",
                ]
            )
        ),
        "step": draw(st.sampled_from(STEP_FOR.get(route, list(ALL_STEPS)))),
        "vote_open": draw(st.booleans()),
        "locked": draw(st.sampled_from([False, False, False, True])),
    }


def key_value(room: Room, which: str) -> bytes | None:
    return {
        "none": None,
        "ann": room.keys["ann"].encode(),
        "bo": room.keys["bo"].encode(),
        "gone": room.keys["gone"].encode(),
        "ann_id": room.keys["ann_id"].encode(),
        "forged": b"f" * 32,
        "long": b"k" * 4000,
        "latin1": b"\xe9\xff\xa0key",
        "empty": b"",
    }[which]


def prepare_step(room: Room, req: dict[str, Any]) -> None:
    """The facilitator's part: move to the example's step, open or lock as drawn."""
    engine = room.engine
    if engine.state.step_key != req["step"]:
        go(engine, req["step"])
    if (
        req["step"] == VOTE_NOTES
        and req["vote_open"]
        and engine.state.step_state(VOTE_NOTES).vote != "open"
    ):
        engine.execute(c.OpenVote())
    if engine.state.step_state(req["step"]).locked != req["locked"]:
        engine.execute(c.LockInput(locked=req["locked"]))


async def send(room: Room, req: dict[str, Any]) -> httpx.Response:
    headers: list[tuple[bytes, bytes]] = []
    key = key_value(room, req["key"])
    path = req["path"]
    query = req["query"]
    if key is not None:
        if req["key_via"] == "header":
            headers.append((b"x-participant-key", key))
        elif req["key_via"] == "bearer":
            headers.append((b"authorization", b"Bearer " + key))
        elif req["key_via"] == "basic":
            headers.append((b"authorization", b"Basic " + key))
        else:
            query = (query + "&" if query else "") + "key=" + quote(key, safe="")
    if req["content_type"] is not None:
        headers.append((b"content-type", req["content_type"].encode()))
    url = path + ("?" + query if query else "")
    return await room.http.request(req["method"], url, content=req["body"], headers=headers)


def is_open_stream(room: Room, req: dict[str, Any]) -> bool:
    """A GET of the event stream with a good key never ends: not for this test."""
    return req["path"] == f"{API}/events" and req["method"] == "GET" and req["key"] in ("ann", "bo")


def check_refusal(response: httpx.Response, method: str) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers.get("x-content-type-options") == "nosniff"
    if method == "HEAD":
        return  # no body by definition
    if "/api/" not in response.request.url.path:
        return  # e.g. "/j/x/api/../../etc" is "/etc" once normalised: a page, not the API
    assert response.headers["content-type"].startswith("application/json"), response.text[:300]
    body = response.json()
    assert isinstance(body.get("error"), str) and len(body["error"]) > 5, body
    assert "Traceback" not in body["error"] and 'File "' not in body["error"]


def check_one(room: Room, req: dict[str, Any]) -> None:
    prepare_step(room, req)
    if is_open_stream(room, req):
        req = {**req, "method": "POST"}
    before = room.engine.state.model_dump()
    journal_before = len(room.engine.journal.events)
    response = room.run(send(room, req))
    room.statuses.append(response.status_code)
    assert response.status_code < 500, (req, response.status_code, response.text[:300])
    if response.status_code >= 400:
        check_refusal(response, req["method"].upper())
        assert room.engine.state.model_dump() == before, req
        assert len(room.engine.journal.events) == journal_before
    else:
        assert 200 <= response.status_code < 300
        assert response.request.url.path.startswith(API + "/"), req  # only real routes say yes
        assert req["key"] in ("ann", "bo") or req["path"] == f"{API}/join"


PROPERTY = settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@PROPERTY
@given(req=requests(astray=False))
def test_hostile_bodies_on_every_route_and_step(room: Room, req):
    check_one(room, req)


@PROPERTY
@given(req=requests(astray=True))
def test_hostile_methods_tokens_keys_and_content_types(room: Room, req):
    check_one(room, req)


def test_the_harness_sees_acceptances_and_refusals(room: Room):
    """The properties above are only as good as their check: an accepted note must pass
    it, and a refusal by the engine (input locked) must be seen as one."""
    note = {
        "method": "POST",
        "path": f"{API}/notes",
        "key": "ann",
        "key_via": "header",
        "content_type": None,
        "body": b'{"text": "hello", "client_id": "ok-1"}',
        "query": None,
        "step": ANON,
        "vote_open": False,
        "locked": False,
    }
    check_one(room, note)
    check_one(room, {**note, "body": b'{"text": "hello", "client_id": "ok-2"}', "locked": True})
    assert room.statuses == [201, 423]
    assert len(room.engine.state.notes) == 3


# ---------------------------------------------------------------- someone else's identity


async def test_another_participants_note_vote_key_and_client_id(room_async):
    engine, http, keys = room_async
    ann, bo = {"X-Participant-Key": keys["ann"]}, {"X-Participant-Key": keys["bo"]}
    go(engine, ANON)
    made = await http.post(
        f"{API}/notes", headers=ann, json={"text": "ann's", "client_id": "same-id"}
    )
    assert made.status_code == 201
    note = made.json()["note"]
    before = engine.state.model_dump()
    refusals = [
        await http.patch(f"{API}/notes/{note}", headers=bo, json={"text": "bo was here"}),
        await http.post(
            f"{API}/command",
            headers=bo,
            json={"type": "edit_note", "note": note, "text": "bo was here"},
        ),
        await http.post(
            f"{API}/notes",
            headers={"X-Participant-Key": keys["ann_id"]},
            json={"text": "id as key", "client_id": "x1"},
        ),
        await http.post(
            f"{API}/notes",
            headers=bo,
            json={"text": "as ann", "client_id": "x2", "participant": keys["ann_id"]},
        ),
        await http.post(
            f"{API}/notes",
            headers={"X-Participant-Key": keys["ann"] + " "},
            json={"text": "padded key", "client_id": "x3"},
        ),
        await http.post(
            f"{API}/notes",
            headers={"X-Participant-Key": keys["ann"].upper()},
            json={"text": "case", "client_id": "x4"},
        ),
        await http.post(
            f"{API}/notes",
            headers={"X-Participant-Key": keys["gone"]},
            json={"text": "removed", "client_id": "x5"},
        ),
    ]
    for response in refusals:
        assert 400 <= response.status_code < 500, response.text
        assert response.json()["error"]
    assert engine.state.model_dump() == before
    # Bo reusing Ann's client_id is Bo's own new note, not a replay of Ann's.
    reuse = await http.post(
        f"{API}/notes", headers=bo, json={"text": "bo's", "client_id": "same-id"}
    )
    assert reuse.status_code == 201 and reuse.json()["duplicate"] is False
    assert reuse.json()["note"] != note and engine.state.notes[note].text == "ann's"
    assert "ann's" not in reuse.text
    # Bo cannot take back a dot Ann placed.
    go(engine, VOTE_NOTES)
    engine.execute(c.OpenVote())
    first = next(n for n in engine.state.notes_in(WRITE))
    assert (
        await http.post(f"{API}/votes", headers=ann, json={"target": first.id, "client_id": "v1"})
    ).status_code == 201
    before = engine.state.model_dump()
    taken = await http.delete(f"{API}/votes/{first.id}", headers=bo, params={"client_id": "v1"})
    assert taken.status_code == 409 and engine.state.model_dump() == before
    # Nothing Ann wrote privately leaks into Bo's view.
    bo_view = (await http.get(f"{API}/state", headers=bo)).text
    assert keys["ann"] not in bo_view and keys["ann_id"] not in bo_view


@pytest.fixture
async def room_async():
    engine = make_engine(journal=ListJournal())
    app = create_app(engine, token=TOKEN, limits=LIMITS)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://phone"
    ) as http:
        keys: dict[str, str] = {}
        for name in ("ann", "bo", "gone"):
            r = await http.post(
                f"{API}/join", json={"name": name, "client_id": f"{name}-join-client-id-0001"}
            )
            keys[name], keys[name + "_id"] = r.json()["key"], r.json()["participant"]
        engine.execute(c.StartSession())
        engine.execute(
            c.AddNote(text="private rose", category="rose", client_id="p-1"), keys["ann_id"]
        )
        engine.execute(c.RemoveParticipant(participant=keys["gone_id"]))
        yield engine, http, keys


async def test_odd_methods_on_every_route(room_async):
    engine, http, keys = room_async
    go(engine, MAP)
    before = engine.state.model_dump()
    for route in (
        "join",
        "state",
        "notes",
        "notes/n1",
        "votes",
        "votes/n1",
        "rating",
        "command",
        "events",
    ):
        for method in ("PUT", "OPTIONS", "TRACE", "PROPFIND", "BREW"):
            response = await http.request(
                method,
                f"{API}/{route}",
                headers={"X-Participant-Key": keys["ann"]},
                content=b'{"text": "x", "client_id": "m"}',
            )
            assert response.status_code == 405, (method, route, response.status_code)
            check_refusal(response, method)
    assert engine.state.model_dump() == before


# ---------------------------------------------------------------- on the wire


def _raw(port: int, data: bytes, timeout: float = 3.0) -> bytes:
    """Send bytes no HTTP library would, read until the server answers or hangs up."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


WIRE = [
    # request line and headers
    b"GARBAGE\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,  # a TLS hello
    b"POST /j/"
    + TOKEN.encode()
    + b"/api/notes HTTP/1.1\r\nHost: x\r\nX-Participant-Key: "
    + b"k" * 70000
    + b"\r\n\r\n",  # a 70 KB header
    b"POST /j/" + TOKEN.encode() + b"/api/notes HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    b"POST /j/" + TOKEN.encode() + b"/api/notes HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
    b"Content-Length: 6\r\n\r\nhello!",
    b"POST /j/" + TOKEN.encode() + b"/api/notes HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /j/" + TOKEN.encode() + b"/api/notes HTTP/1.1\r\nHost: x\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nzz\r\nnot hex\r\n0\r\n\r\n",
    b"GET /j/" + TOKEN.encode() + b"/api/state\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /j/\xff\xfe/api/state HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET http://evil.example/j/" + TOKEN.encode() + b"/api/state HTTP/1.1\r\nHost: x\r\n\r\n",
]


async def test_bytes_on_the_wire_never_reach_the_engine_or_stop_the_server():
    engine = make_engine(journal=ListJournal())
    engine.execute(c.StartSession())
    go(engine, ANON)
    server = ParticipantServer(create_app(engine, token=TOKEN, limits=LIMITS), graceful_seconds=1)
    server.bind("127.0.0.1", 0)
    task = asyncio.create_task(server.serve())
    await server.wait_started()
    try:
        before = engine.state.model_dump()
        loop = asyncio.get_running_loop()
        for data in WIRE:
            answer = await loop.run_in_executor(None, _raw, server.port, data)
            if answer:  # h11 answers what it cannot parse with a 4xx; some are hung up on
                status = int(answer.split(b" ", 2)[1])
                assert 400 <= status < 500, (data[:60], answer[:200])
        # Half a body, then the phone goes away: nothing is recorded.
        cut = (
            b"POST " + API.encode() + b"/join HTTP/1.1\r\nHost: x\r\n"
            b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"client_id": '
        )
        await loop.run_in_executor(None, _raw, server.port, cut, 1.0)
        assert engine.state.model_dump() == before
        # ...and the server still answers properly.
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", timeout=5) as http:
            r = await http.post(f"{API}/join", json={"client_id": "still-alive-0000001"})
            assert r.status_code == 201
    finally:
        server.stop()
        await asyncio.wait_for(task, 5)
