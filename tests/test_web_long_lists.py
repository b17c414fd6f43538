"""Long lists reach a phone a page at a time (issue 16 item 2, issue 15 item 12).

At 6,000 notes the public part of a vote, cluster, sort or rank step stays under a stated
bound (it once listed every note: 3.1 MB per phone); ``GET api/items`` pages through the
whole list, each item exactly once, and searches it on the server, so a note far past
the first page can be found and voted on; its bad parameters are 4xx with a message;
a phone's own votes, placements and scores are in its own part wherever they lie.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from factories import make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.web import WebLimits, create_app
from sessionkit.web.windows import PAGE, THEME_NOTES

TOKEN = "long-lists-token-16"
API = f"/j/{TOKEN}/api"
LIMITS = WebLimits(
    rate=1e6, burst=10**6, anonymous_rate=1e6, anonymous_burst=10**6, view_cache_seconds=0.0
)
MANY = 6000
BOUND = 100_000
"""Bytes of a whole view at 6,000 notes of 80 characters, on every step below: at most
a page of 100 items, or on a cluster step a page of themes with five notes under each
and a page of the notes in none (600 notes). It was 3.1 MB on a vote."""

STEPS = {"board": "0.0", "vote": "0.1", "cluster": "0.2", "sort": "0.3", "rank": "0.4"}


def long_method() -> Any:
    return make_method(
        "long",
        [
            step("list", {"kind": "notes", "max_per_person": 5}),
            step(
                "vote",
                {"kind": "vote", "target_step": "list", "dots_per_person": 3, "max_per_item": 1},
            ),
            step("group", {"kind": "cluster", "source_steps": ["list"]}),
            step(
                "sort",
                {
                    "kind": "sort",
                    "target_step": "list",
                    "buckets": ["Now", "Later"],
                    "order_by": "Now",
                },
            ),
            step("rank", {"kind": "rank", "target_step": "list", "top": 3}),
        ],
    )


def text_of(i: int) -> str:
    return f"Note {i:05d}: the discharge letter should reach the GP before the patient does"


def long_engine(many: int = MANY, themes: int = 0) -> tuple[Engine, list[str]]:
    engine = make_engine(make_plan([{"method": "long"}], id="long-plan"), {"long": long_method()})
    engine.execute(c.StartSession())
    ids = [engine.execute(c.AddNote(text=text_of(i))).data["note"] for i in range(many)]
    if themes:
        engine.execute(c.GoTo(item=0, step=2))
    for t in range(themes):  # themes of half the notes, a share of them in each
        share = ids[t * len(ids) // (2 * themes) : (t + 1) * len(ids) // (2 * themes)]
        engine.execute(c.CreateCluster(label=f"Theme {t}", notes=share))
    return engine, ids


def client(engine: Engine) -> httpx.AsyncClient:
    app = create_app(engine, token=TOKEN, limits=LIMITS)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://p")


async def joined(http: httpx.AsyncClient, name: str = "Ann") -> dict[str, str]:
    r = await http.post(f"{API}/join", json={"name": name, "client_id": f"join-{name}-000000000"})
    return {"X-Participant-Key": r.json()["key"]}


def go(engine: Engine, kind: str) -> None:
    item, index = (int(p) for p in STEPS[kind].split("."))
    engine.execute(c.GoTo(item=item, step=index))


@pytest.fixture(scope="module")
def big() -> tuple[Engine, list[str]]:
    """6,000 notes and 150 themes of half of them (built once: it takes a while)."""
    return long_engine(MANY, themes=150)


LISTS = {
    "board": "notes",
    "vote": "targets",
    "cluster": "clusters",
    "sort": "items",
    "rank": "items",
}


@pytest.mark.parametrize("kind", list(LISTS))
async def test_the_view_stays_small_at_6000_notes(big, kind) -> None:
    engine, _ = big
    go(engine, kind)
    async with client(engine) as http:
        me = await joined(http, f"Size{kind}")
        r = await http.get(f"{API}/state", headers=me)
        public = r.json()["public"]
        size = len(r.content)
        assert size < BOUND, f"{kind}: {size} bytes"
        name = LISTS[kind]
        if kind != "board":  # a board keeps its own cap (newest 300) and total
            assert len(public[name]) == PAGE and public[f"{name}_total"] > PAGE
        if kind == "cluster":
            assert all(len(t["notes"]) <= THEME_NOTES for t in public["clusters"])
            assert public["clusters"][0]["count"] == MANY // 300
            assert len(public["notes"]) == PAGE and public["notes_total"] == MANY // 2


async def page_through(
    http: httpx.AsyncClient, me: dict[str, str], name: str, step: str, query: str = ""
) -> tuple[list[dict[str, Any]], int]:
    got: list[dict[str, Any]] = []
    total = -1
    while total < 0 or len(got) < total:
        params = {"list": name, "step": step, "offset": str(len(got))}
        if query:
            params["q"] = query
        r = await http.get(f"{API}/items", headers=me, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["offset"] == len(got) and len(body["items"]) <= PAGE
        total = body["total"]
        if not body["items"]:
            break
        got += body["items"]
    return got, total


async def test_paging_returns_every_item_exactly_once() -> None:
    engine, ids = long_engine(345)
    go(engine, "vote")
    async with client(engine) as http:
        me = await joined(http)
        first = (await http.get(f"{API}/state", headers=me)).json()["public"]
        assert first["targets_total"] == 345
        got, total = await page_through(http, me, "targets", STEPS["vote"])
        assert total == 345 and [t["id"] for t in got] == ids
        assert [t["id"] for t in got[:PAGE]] == [t["id"] for t in first["targets"]]
        past = await http.get(
            f"{API}/items", headers=me, params={"list": "targets", "step": "0.1", "offset": "400"}
        )
        assert past.json()["items"] == [] and past.json()["total"] == 345


async def test_a_board_pages_its_older_notes_from_the_newest() -> None:
    engine, _ = long_engine(0)
    async with client(engine) as http:
        people = [await joined(http, f"W{i}") for i in range(70)]
        for n, me in enumerate(people * 5):
            await http.post(
                f"{API}/notes", headers=me, json={"text": text_of(n), "client_id": f"n{n:06d}"}
            )
        me = await joined(http, "Reader")
        public = (await http.get(f"{API}/state", headers=me)).json()["public"]
        assert public["notes_total"] == 350 and len(public["notes"]) == 300
        got, total = await page_through(http, me, "notes", STEPS["board"])
        assert total == 350 and [n["text"] for n in got] == [
            text_of(n) for n in reversed(range(350))
        ]


async def test_search_finds_an_item_past_the_first_page_and_a_phone_votes_on_it() -> None:
    engine, ids = long_engine(306)
    go(engine, "vote")
    engine.execute(c.OpenVote())
    async with client(engine) as http:
        me = await joined(http)
        first = (await http.get(f"{API}/state", headers=me)).json()
        assert ids[290] not in {t["id"] for t in first["public"]["targets"]}
        r = await http.get(
            f"{API}/items", headers=me, params={"list": "targets", "step": "0.1", "q": "NOTE 00290"}
        )
        assert r.status_code == 200
        found = r.json()
        assert found["total"] == 1 and [t["id"] for t in found["items"]] == [ids[290]]
        many, total = await page_through(http, me, "targets", "0.1", query="note 002")
        assert total == 100 and len(many) == 100  # notes 00200 to 00299
        v = await http.post(
            f"{API}/votes", headers=me, json={"target": ids[290], "client_id": "v-far-1"}
        )
        assert v.status_code == 201, v.text
        mine = (await http.get(f"{API}/state", headers=me)).json()["me"]
        assert mine["voted"] == [{"id": ids[290], "text": text_of(290)}]


async def test_own_placements_and_rankings_are_in_the_own_part() -> None:
    engine, ids = long_engine(250)
    async with client(engine) as http:
        me = await joined(http)
        pid = list(engine.state.participants)[-1]
        go(engine, "sort")
        engine.execute(c.PlaceItem(item=ids[240], bucket="Now"), pid)
        mine = (await http.get(f"{API}/state", headers=me)).json()["me"]
        assert mine["placed_items"] == [{"id": ids[240], "text": text_of(240)}]
        go(engine, "rank")
        engine.execute(c.SubmitRanking(items=[ids[249], ids[0]]), pid)
        mine = (await http.get(f"{API}/state", headers=me)).json()["me"]
        assert [i["id"] for i in mine["ranked_items"]] == [ids[249], ids[0]]


async def test_a_theme_search_finds_its_notes() -> None:
    engine, ids = long_engine(600, themes=2)
    go(engine, "cluster")
    async with client(engine) as http:
        me = await joined(http)
        public = (await http.get(f"{API}/state", headers=me)).json()["public"]
        assert public["clusters"][0]["count"] == 150 and len(public["clusters"][0]["notes"]) == 5
        r = await http.get(
            f"{API}/items",
            headers=me,
            params={"list": "clusters", "step": "0.2", "q": "note 00123"},
        )
        theme = r.json()["items"]
        assert [t["label"] for t in theme] == ["Theme 0"] and theme[0]["notes"][0]["id"] == ids[123]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        (
            {"list": "targets", "step": "0.1", "offset": "-1"},
            400,
            "'offset' must be a whole number",
        ),
        (
            {"list": "targets", "step": "0.1", "offset": "ten"},
            400,
            "'offset' must be a whole number",
        ),
        ({"list": "targets", "step": "0.1", "offset": "1e3"}, 400, "'offset'"),
        ({"list": "secrets", "step": "0.1"}, 400, "'list' must be one of"),
        ({"list": "targets"}, 400, "'step' is required"),
        ({"list": "targets", "step": "0.4"}, 409, "no longer on screen"),
        ({"list": "questions", "step": "0.1"}, 404, "no list called 'questions'"),
        ({"list": "targets", "step": "0.1", "q": "x" * 101}, 400, "too long"),
        ({"list": "targets", "step": "0.1", "q": "a\x1bb"}, 422, "control characters"),
    ],
)
async def test_bad_parameters_get_a_4xx_saying_what_was_wrong(params, status, words) -> None:
    engine, _ = long_engine(3)
    go(engine, "vote")
    async with client(engine) as http:
        me = await joined(http)
        r = await http.get(f"{API}/items", headers=me, params=params)
        assert r.status_code == status and words in r.json()["error"], r.text


async def test_items_need_the_participant_key() -> None:
    engine, _ = long_engine(3)
    go(engine, "vote")
    async with client(engine) as http:
        r = await http.get(f"{API}/items", params={"list": "targets", "step": "0.1"})
        assert r.status_code == 401 and "error" in r.json()
        wrong = {"X-Participant-Key": "not-a-key-of-anyone"}
        r = await http.get(f"{API}/items", headers=wrong, params={"list": "targets", "step": "0.1"})
        assert r.status_code in (401, 403) and "error" in r.json()


async def test_every_phone_and_every_page_share_one_build(monkeypatch) -> None:
    engine, _ = long_engine(250)
    go(engine, "vote")
    app = create_app(engine, token=TOKEN, limits=LIMITS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://p") as http:
        phones = [await joined(http, f"P{i}") for i in range(3)]
        views = app.state.context.views
        builds: list[int] = []
        real = views.build_public
        monkeypatch.setattr(views, "build_public", lambda: builds.append(1) or real())
        for me in phones:
            assert (await http.get(f"{API}/state", headers=me)).status_code == 200
            page = {"list": "targets", "step": "0.1", "offset": "100", "q": "note"}
            assert (await http.get(f"{API}/items", headers=me, params=page)).status_code == 200
        assert len(builds) <= 1  # the joins' view may be reused, or built once for all
