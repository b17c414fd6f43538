"""The room page's lists are cut for the wall, and a review's actions reach a phone a page
at a time (issues 15/16, "bounded views everywhere").

The room view (``room_view``) once sent every target, item, theme and result: a vote on
6,000 notes was megabytes to a projector that cannot show them. Now each list is its
first :data:`WALL` (a board's newest) with its length as ``<name>_total``, result rows
carry their texts, and a cluster step's themes share :data:`THEME_CARDS` notes between
them. A review step's carried actions are a long list on the phone like any other.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from factories import make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.web.room_view import THEME_CARDS, WALL, room_view
from sessionkit.web.views import Views
from sessionkit.web.windows import PAGE, THEME_NOTES
from test_web_long_lists import API, client, go, joined, long_engine, page_through, text_of
from test_web_result_pages import closed_results, voters

JOIN = {"url": "http://10.1.2.3:8765/j/join-token-1234", "open": True, "code": None}
MANY = 1000


def wall(engine: Engine) -> dict[str, Any]:
    return room_view(Views(engine), JOIN)


@pytest.fixture(scope="module")
def big() -> tuple[Engine, list[str]]:
    return long_engine(MANY, themes=150)


LISTS = {"board": "notes", "vote": "targets", "cluster": "clusters", "sort": "items"}


@pytest.mark.parametrize("kind", [*LISTS, "rank"])
def test_each_list_on_the_wall_is_its_first_100_and_a_total(big, kind) -> None:
    engine, ids = big
    go(engine, kind)
    view = wall(engine)
    assert len(json.dumps(view)) < 150_000  # a whole vote of these notes is ~250 kB
    name = LISTS.get(kind, "items")
    assert len(view[name]) == WALL
    if kind == "board":  # the newest, as on the phones
        assert view["notes_total"] == MANY and view["notes"][-1]["id"] == ids[-1]
    else:
        assert view[f"{name}_total"] == (150 if kind == "cluster" else MANY)
    if kind == "cluster":
        assert all(len(t["notes"]) <= THEME_NOTES for t in view["clusters"])
        assert view["clusters"][0]["count"] == MANY // 300
        assert len(view["notes"]) == WALL and view["notes_total"] == MANY // 2


def test_a_few_themes_are_shown_whole_and_many_share_the_cards() -> None:
    engine, _ = long_engine(400, themes=2)  # two themes of 100 notes each
    go(engine, "cluster")
    themes = wall(engine)["clusters"]
    assert [len(t["notes"]) for t in themes] == [100, 100] == [t["count"] for t in themes]
    engine, _ = long_engine(4000, themes=40)  # 40 themes of 50: 300 cards shared out
    go(engine, "cluster")
    themes = wall(engine)["clusters"]
    assert [len(t["notes"]) for t in themes] == [THEME_CARDS // 40] * 40
    assert all(t["count"] == 50 for t in themes)


@pytest.mark.parametrize(("kind", "name"), [("vote", "tally"), ("sort", "rows"), ("rank", "rows")])
def test_results_on_the_wall_are_the_top_100_named_by_their_texts(kind, name) -> None:
    engine, ids = closed_results(kind)
    go(engine, kind)
    # Reopened, the last notes gain more, so the top rows lie past the first 100 items.
    reopen, close = {
        "vote": (c.OpenVote(), c.CloseVote()),
        "sort": (c.CloseSort(closed=False), c.CloseSort()),
        "rank": (c.CloseRank(closed=False), c.CloseRank()),
    }[kind]
    engine.execute(reopen)
    late = voters(engine, 3)
    for pid in late:
        if kind == "vote":
            engine.execute(c.CastVote(target=ids[-1]), pid)
        elif kind == "sort":
            engine.execute(c.PlaceItem(item=ids[-1], bucket="Now"), pid)
        else:
            engine.execute(c.SubmitRanking(items=[ids[-1], ids[-2]]), pid)
    engine.execute(close)
    view = wall(engine)
    results = view["results"]
    rows = results[name]
    assert len(rows) == WALL and results[f"{name}_total"] >= 260
    texts = {i: text_of(n) for n, i in enumerate(ids)}
    assert all(r["text"] == texts[r.get("item", r.get("target"))] for r in rows)
    shown = {t["id"] for t in view.get("targets", view.get("items", []))}
    assert any(r.get("item", r.get("target")) not in shown for r in rows)  # past the cut


def carried(count: int) -> list[dict[str, Any]]:
    return [
        {
            "ref": f"earlier-run/a{n}",
            "what": f"Action {n:04d}: ask the ward clerk about the discharge lounge",
            "who": "Someone",
            "due": "2030-03-14",
            "origin": {"run": "earlier-run", "item": "Who does what next"},
        }
        for n in range(count)
    ]


def review_engine(count: int) -> Engine:
    method = make_method("review", [step("look", {"kind": "review"})])
    plan = make_plan([{"method": "review"}], id="review-plan")
    engine = make_engine(plan, {"review": method}, series="s", carried=carried(count))
    engine.execute(c.StartSession())
    return engine


async def test_a_review_pages_its_actions_and_finds_one_far_down() -> None:
    engine = review_engine(250)
    async with client(engine) as http:
        me = await joined(http)
        public = (await http.get(f"{API}/state", headers=me)).json()["public"]
        assert len(public["reviews"]) == PAGE and public["reviews_total"] == 250
        got, total = await page_through(http, me, "reviews", "0.0")
        assert total == 250 and [a["what"][:11] for a in got] == [
            f"Action {n:04d}" for n in range(250)
        ]
        r = await http.get(
            f"{API}/items",
            headers=me,
            params={"list": "reviews", "step": "0.0", "q": "action 0242"},
        )
        assert [a["what"][:11] for a in r.json()["items"]] == ["Action 0242"]
    view = wall(engine)
    assert len(view["reviews"]) == WALL and view["reviews_total"] == 250
