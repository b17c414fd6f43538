"""Results and the words cloud reach a phone a page at a time, like every long list
(issues 15/16, "bounded views everywhere").

A closed vote's tally, a sort's and a rank's result rows and a words step's cloud carry
their first :data:`PAGE` entries and a total in the view; ``GET api/items`` with
``list=results.tally``, ``results.rows`` or ``cloud`` pages through the rest (every row
once, in the results' order, each named by its text), searches them, and refuses bad
parameters with a 4xx sentence. A property test checks the paging itself (``cut`` and
``Lists.page``) for any length, offset and search.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factories import make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.web.windows import PAGE, cut
from test_web_long_lists import API, client, go, joined, long_engine, page_through, text_of

MANY = 260
"""Targets with a dot (or a place, or points) each: more than two pages."""


def voters(engine: Engine, count: int) -> list[str]:
    return [engine.execute(c.Join(name=f"P{i}")).data["participant"] for i in range(count)]


def closed_results(kind: str) -> tuple[Engine, list[str]]:
    """A long board's vote, sort or rank step, closed with ``MANY`` rows in its results
    (a dot, a place or points on each of the first ``MANY`` notes)."""
    engine, ids = long_engine(MANY + 20)
    go(engine, kind)
    people = voters(engine, MANY // 2)
    if kind == "vote":
        engine.execute(c.OpenVote())
        for n, pid in enumerate(people):  # one dot on each of two notes: every row 1 dot
            for target in ids[2 * n : 2 * n + 2]:
                engine.execute(c.CastVote(target=target), pid)
        engine.execute(c.CloseVote())
    elif kind == "sort":
        for n, pid in enumerate(people):
            for item in ids[2 * n : 2 * n + 2]:
                engine.execute(c.PlaceItem(item=item, bucket="Now"), pid)
        engine.execute(c.CloseSort())
    else:
        for n, pid in enumerate(people):
            engine.execute(c.SubmitRanking(items=ids[2 * n : 2 * n + 2]), pid)
        engine.execute(c.CloseRank())
    return engine, ids


RESULT_LISTS = {"vote": "tally", "sort": "rows", "rank": "rows"}


@pytest.fixture(scope="module", params=list(RESULT_LISTS))
def closed(request) -> tuple[str, Engine, list[str]]:
    return (request.param, *closed_results(request.param))


async def test_results_page_through_every_row_once_with_its_text(closed) -> None:
    kind, engine, ids = closed
    go(engine, kind)
    name = RESULT_LISTS[kind]
    async with client(engine) as http:
        me = await joined(http)
        public = (await http.get(f"{API}/state", headers=me)).json()["public"]
        results = public["results"]
        total = results[f"{name}_total"]
        assert len(results[name]) == PAGE and total >= MANY
        key = public["step"]["key"]
        rows, paged_total = await page_through(http, me, f"results.{name}", key)
        assert paged_total == total and len(rows) == total
        counted = [r.get("item", r.get("target")) for r in rows]
        assert len(set(counted)) == total  # each row once
        assert counted[:PAGE] == [r.get("item", r.get("target")) for r in results[name]]
        texts = {i: text_of(n) for n, i in enumerate(ids)}
        assert all(r["text"] == texts[i] for r, i in zip(rows, counted, strict=True))
        assert set(ids[:MANY]) <= set(counted)

        # A search finds a row far past the first page, by the words it is named by.
        far = rows[-1]
        number = far["text"].split(":")[0]  # "Note 00123"
        r = await http.get(
            f"{API}/items", headers=me, params={"list": f"results.{name}", "step": key, "q": number}
        )
        assert r.status_code == 200, r.text
        assert r.json()["total"] == 1 and r.json()["items"] == [far]
        past = await http.get(
            f"{API}/items",
            headers=me,
            params={"list": f"results.{name}", "step": key, "offset": str(total + 5)},
        )
        assert past.json()["items"] == [] and past.json()["total"] == total


def words_engine(count: int) -> Engine:
    method = make_method(
        "words", [step("cloud", {"kind": "words", "max_words": 1, "answers_per_person": 3})]
    )
    engine = make_engine(make_plan([{"method": "words"}], id="words-plan"), {"words": method})
    engine.execute(c.StartSession())
    people = voters(engine, (count + 2) // 3)
    for n in range(count):
        engine.execute(c.AddWords(text=f"word{n:04d}"), people[n // 3])
    return engine


async def test_the_words_cloud_pages_its_words_most_given_first() -> None:
    engine = words_engine(250)
    late = engine.execute(c.Join(name="Late")).data["participant"]
    engine.execute(c.AddWords(text="word0249"), late)  # the most given now: first
    async with client(engine) as http:
        me = await joined(http)
        public = (await http.get(f"{API}/state", headers=me)).json()["public"]
        assert len(public["cloud"]) == PAGE and public["cloud_total"] == 250
        assert public["cloud"][0] == {"word": "word0249", "count": 2}
        assert public["answers_total"] == 251  # every answer counted, not just the page
        words, total = await page_through(http, me, "cloud", "0.0")
        assert total == 250 and sorted(w["word"] for w in words) == [
            f"word{n:04d}" for n in range(250)
        ]
        r = await http.get(f"{API}/items", headers=me, params={"list": "cloud", "step": "0.0"})
        assert [w["word"] for w in r.json()["items"]] == [w["word"] for w in public["cloud"]]
        r = await http.get(
            f"{API}/items", headers=me, params={"list": "cloud", "step": "0.0", "q": "WORD0199"}
        )
        assert r.json()["items"] == [{"word": "word0199", "count": 1}]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"list": "results.tally", "step": "0.1"}, 404, "no list called 'results.tally'"),
        ({"list": "results.votes", "step": "0.1"}, 400, "'list' must be one of"),
        ({"list": "cloud", "step": "0.1"}, 404, "no list called 'cloud'"),
        ({"list": "results.tally", "step": "0.1", "offset": "x"}, 400, "'offset'"),
        ({"list": "results.tally", "step": "0.3"}, 409, "no longer on screen"),
    ],
)
async def test_bad_result_parameters_get_a_4xx_saying_what_was_wrong(params, status, words) -> None:
    engine, _ = long_engine(3)
    go(engine, "vote")
    engine.execute(c.OpenVote())  # open: no results yet
    async with client(engine) as http:
        me = await joined(http)
        r = await http.get(f"{API}/items", headers=me, params=params)
        assert r.status_code == status and words in r.json()["error"], r.text


def tally_view(count: int) -> dict[str, Any]:
    targets = [
        {"id": f"n{i}", "text": f"item {i} {'odd' if i % 2 else 'even'}"} for i in range(count)
    ]
    tally = [{"target": f"n{i}", "dots": count - i} for i in range(count)]
    return {"targets": targets, "results": {"kind": "vote", "tally": tally}}


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(0, 3 * PAGE + 7),
    offset=st.integers(0, 4 * PAGE),
    query=st.sampled_from(["", "odd", "EVEN", "item 1", "none such"]),
)
def test_result_pages_are_slices_of_the_whole_in_order(count, offset, query) -> None:
    public = tally_view(count)
    kept = cut(public, "0.1")
    results = public["results"]
    assert results["tally_total"] == count and len(results["tally"]) == min(count, PAGE)
    whole = kept.lists["results.tally"]
    matching = [r for r in whole if query.casefold() in r["text"].casefold()]
    page, total = kept.page("results.tally", offset, query)
    assert total == len(matching)
    assert page == matching[offset : offset + PAGE]
    assert all(r["text"] == f"item {r['target'][1:]} " + r["text"].split()[-1] for r in page)
