"""The rank kind: each person orders their top N (Borda points, ties shown as ties) or
scores every item on a few criteria (means, and a 2x2 from two); exported and shown."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.errors import Rejected
from sessionkit.core.fold import apply
from sessionkit.core.inputs.rank import rankings, scores
from sessionkit.core.inputs.rank_tally import borda, quadrant_groups, rank_results, score_results
from sessionkit.core.record import Record
from sessionkit.core.state import FACILITATOR, NEWCOMER, SessionState
from sessionkit.export import export, load_record

KEY = "0.1"
IMPACT = {"id": "impact", "label": "Impact", "low_label": "little", "high_label": "a lot"}
EFFORT = {"id": "effort", "label": "Effort", "scale_min": 1, "scale_max": 5}


def engine_at(rank: dict) -> Engine:
    method = make_method(
        "choose", [step("ideas", {"kind": "notes"}), step("order", {"kind": "rank", **rank})]
    )
    engine = make_engine(make_plan([{"method": "choose"}], id="rank-plan"), {method.id: method})
    engine.execute(c.StartSession())
    return engine


def ranking_engine(top: int = 3) -> Engine:
    return engine_at({"target_step": "ideas", "top": top})


def scoring_engine() -> Engine:
    return engine_at({"target_step": "ideas", "mode": "score", "criteria": [IMPACT, EFFORT]})


def join(engine: Engine) -> str:
    return engine.execute(c.Join(), NEWCOMER).data["participant"]


def notes(engine: Engine, *texts: str) -> list[str]:
    ids = [engine.execute(c.AddNote(text=t)).data["note"] for t in texts]
    engine.execute(c.NextStep())
    return ids


def rank(engine: Engine, items: list[str], actor: str = FACILITATOR, **kw) -> None:
    engine.execute(c.SubmitRanking(items=items, **kw), actor)


def test_rankings_give_borda_points_with_ties_shown_as_ties() -> None:
    engine = ranking_engine(top=3)
    ann, bob = join(engine), join(engine)
    a, b, cc, d = notes(engine, "a", "b", "c", "d")
    rank(engine, [a, b, cc], ann)  # a 3, b 2, c 1
    rank(engine, [b, a, d], bob)  # b 3, a 2, d 1
    rank(engine, [cc], paper=1)  # c 3
    assert borda(engine.state, KEY, engine.step_def()[1].input) == {a: 5, b: 5, cc: 4, d: 1}
    rows = rank_results(engine.state, KEY, engine.step_def()[1].input, [a, b, cc, d])
    assert [(r.item, r.points, r.place) for r in rows] == [
        (a, 5, "=1"),
        (b, 5, "=1"),
        (cc, 4, "3"),
        (d, 1, "4"),
    ]
    rank(engine, [d], ann)  # a ranking sent again replaces the earlier one
    assert rankings(engine.state, KEY)[ann] == [d]


def test_bad_rankings_are_refused_and_nothing_is_lost() -> None:
    engine = ranking_engine(top=2)
    ann = join(engine)
    a, b, cc = notes(engine, "a", "b", "c")
    rank(engine, [a, b], ann)
    with pytest.raises(Rejected, match="rank at most your top 2"):
        rank(engine, [a, b, cc], ann)
    with pytest.raises(Rejected, match="in the ranking twice"):
        rank(engine, [a, a], ann)
    with pytest.raises(Rejected, match="not one of the things being ranked") as missing:
        rank(engine, [a, "n999"], ann)
    assert missing.value.code == "not_found"
    with pytest.raises(Rejected, match="which paper sheet"):
        rank(engine, [a])
    with pytest.raises(Rejected, match="no scoring"):
        engine.execute(c.ScoreItem(item=a, criterion="impact", value=3), ann)
    engine.execute(c.CloseRank())
    with pytest.raises(Rejected, match="ranking is closed") as closed:
        rank(engine, [b], ann)
    assert closed.value.code == "locked"
    assert rankings(engine.state, KEY) == {ann: [a, b]}
    engine.execute(c.CloseRank(closed=False))
    rank(engine, [], ann)  # taken back
    assert rankings(engine.state, KEY) == {}


def test_scores_give_means_counts_and_a_2x2() -> None:
    engine = scoring_engine()
    ann, bob = join(engine), join(engine)
    a, b = notes(engine, "Quick win", "Big job")
    for who, item, impact, effort in [(ann, a, 5, 1), (bob, a, 4, 2), (ann, b, 4, 5)]:
        engine.execute(c.ScoreItem(item=item, criterion="impact", value=impact), who)
        engine.execute(c.ScoreItem(item=item, criterion="effort", value=effort), who)
    with pytest.raises(Rejected, match="6 is outside the scale of Effort"):
        engine.execute(c.ScoreItem(item=a, criterion="effort", value=6), bob)
    with pytest.raises(Rejected, match="not one of the criteria"):
        engine.execute(c.ScoreItem(item=a, criterion="cost", value=2), bob)
    spec = engine.step_def()[1].input
    rows = score_results(engine.state, KEY, spec, [a, b])
    assert [(r.means, r.counts) for r in rows] == [((4.5, 1.5), (2, 2)), ((4.0, 5.0), (1, 1))]
    quads = dict(quadrant_groups(spec, rows))
    assert quads["Impact: a lot, Effort: low"] == [a]
    assert quads["Impact: a lot, Effort: high"] == [b]
    engine.execute(c.ScoreItem(item=b, criterion="effort", value=None), ann)  # taken back
    assert scores(engine.state, KEY)[ann][b] == {"impact": 4}


def test_exports_show_points_means_and_the_2x2(tmp_path) -> None:
    from sessionkit import store

    engine = scoring_engine()
    ann = join(engine)
    a, b = notes(engine, "Quick *win*", "=HYPERLINK(1)")
    engine.execute(c.ScoreItem(item=a, criterion="impact", value=5), ann)
    engine.execute(c.ScoreItem(item=a, criterion="effort", value=1), ann)
    engine.execute(c.ScoreItem(item=b, criterion="impact", value=2, paper=1))
    engine.execute(c.CloseRank())
    record = Record.from_engine(engine)
    md = export(record, "md")
    assert "| Quick \\*win\\* | 5.0 (1) | 1.0 (1) |" in md
    assert "| Impact: a lot, Effort: low | Quick \\*win\\* |" in md
    html = export(record, "html")
    assert 'class="rank"' in html and "Quick *win*" in html
    assert "'=HYPERLINK(1)" in export(record, "csv")
    for fmt in ("json", "toml"):
        back = load_record(export(record, fmt), fmt)
        assert back.rank(KEY) == record.rank(KEY)
        assert set(back.state.scores[KEY]) == {"scorer-1", "paper-1"}
    store.write_snapshot(tmp_path / "snapshot.toml", engine.state)
    assert store.read_snapshot(tmp_path / "snapshot.toml") == engine.state


def test_an_old_snapshot_without_rankings_or_scores_still_loads() -> None:
    old = SessionState(run_id="x", plan_id="p", created_at=0).model_dump()
    del old["rankings"], old["scores"]
    loaded = SessionState.model_validate(old)
    assert loaded.rankings == {} and loaded.scores == {}


OPS = st.lists(
    st.tuples(
        st.integers(0, 3),  # who (3: the facilitator, as a paper sheet)
        st.lists(st.integers(0, 4), max_size=4),  # which items (4: not an item)
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS, top=st.integers(1, 3))
def test_borda_totals_add_up_and_replay_reproduces_the_rankings(ops, top) -> None:
    engine = ranking_engine(top=top)
    people = [join(engine) for _ in range(3)]
    items = notes(engine, "a", "b", "c", "d")
    spec = engine.step_def()[1].input
    for who, which in ops:
        actor = people[who] if who < 3 else FACILITATOR
        kw = {"paper": 1} if actor == FACILITATOR else {}
        try:
            rank(engine, [items[i] if i < 4 else "n999" for i in which], actor, **kw)
        except Rejected:
            pass
        ranked = rankings(engine.state, KEY)
        assert all(len(r) <= top and len(set(r)) == len(r) for r in ranked.values())
        expected = sum(sum(top - i for i in range(len(r))) for r in ranked.values())
        assert sum(borda(engine.state, KEY, spec).values()) == expected
    for actor in people:  # everyone ranks a full top N
        try:
            rank(engine, items[:top], actor)
        except Rejected as same:
            assert same.code == "conflict"
    ranked = rankings(engine.state, KEY)
    full = len(ranked) * sum(range(1, top + 1))
    if all(len(r) == top for r in ranked.values()):
        assert sum(borda(engine.state, KEY, spec).values()) == full
    assert sum(r.points for r in rank_results(engine.state, KEY, spec, items)) == sum(
        borda(engine.state, KEY, spec).values()
    )
    fresh = SessionState(run_id="x", plan_id="rank-plan", created_at=0)
    for event in engine.history:
        apply(fresh, event)
    assert fresh.rankings == engine.state.rankings
    record = Record.from_engine(engine)  # de-identified: the points survive renumbering
    assert borda(record.state, KEY, spec) == borda(engine.state, KEY, spec)


# ------------------------------------------------------------------ the TUI


async def test_rank_from_the_keyboard_paper_sheet_close_and_room_view() -> None:
    from factories import FakeClock
    from helpers.waiting import until
    from sessionkit.tui import SessionkitApp
    from sessionkit.tui.screens.modals import Picker, TextPrompt
    from sessionkit.tui.widgets.board import Board
    from sessionkit.tui.widgets.room_board import RoomBoard

    method = make_method(
        "choose",
        [
            step("ideas", {"kind": "notes"}),
            step("order", {"kind": "rank", "target_step": "ideas", "top": 2}),
        ],
    )
    engine = make_engine(
        make_plan([{"method": "choose"}], id="rank-plan"), {method.id: method}, clock=FakeClock()
    )
    engine.execute(c.StartSession())
    ann = join(engine)
    a, b = notes(engine, "Fifty indicators", "[b]Monthly[/b] reports")
    rank(engine, [a, b], ann)
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")  # a paper sheet: its number, then an item per place
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")  # the next free number: 1
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        await pilot.press(*"monthly", "enter")  # typed to narrow
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        await pilot.press("enter")  # the one left
        await until(lambda: "paper-1" in rankings(engine.state, KEY), "sheet saved")
        assert rankings(engine.state, KEY)["paper-1"] == [b, a]
        await pilot.pause()
        board = app.screen.query_one(Board)
        lines = [board.render_line(y).text for y in range(6)]
        assert any("2 people have ranked" in line for line in lines), lines
        assert any("=1. Fifty indicators — 3 points" in line for line in lines), lines
        assert any("[b]Monthly[/b] reports — 3 points" in line for line in lines), lines
        await pilot.press("v")
        await pilot.pause()
        room = app.screen.query_one(RoomBoard)
        room.render_lines(room.scrollable_content_region.reset_offset)
        text = "\n".join(room.render_line(y).text for y in range(8))
        assert "results show at the close" in text and "points" not in text  # hidden till closed
        await pilot.press("v", "o")
        await until(lambda: engine.state.step_state(KEY).vote == "closed", "closed")
        await pilot.press("v")
        await pilot.pause()
        room = app.screen.query_one(RoomBoard)
        room.render_lines(room.scrollable_content_region.reset_offset)
        text = "\n".join(room.render_line(y).text for y in range(8))
        assert "=1. Fifty indicators — 3 points" in text and "n1" not in text


async def test_the_room_sees_a_2x2_grid_once_scoring_closes() -> None:
    from sessionkit.tui import SessionkitApp
    from sessionkit.tui.widgets.room_board import RoomBoard

    engine = scoring_engine()
    ann = join(engine)
    a, b = notes(engine, "Quick win", "Big job")
    for item, impact, effort in [(a, 5, 1), (b, 4, 5)]:
        engine.execute(c.ScoreItem(item=item, criterion="impact", value=impact), ann)
        engine.execute(c.ScoreItem(item=item, criterion="effort", value=effort), ann)
    engine.execute(c.CloseRank())
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        room = app.screen.query_one(RoomBoard)
        room.render_lines(room.scrollable_content_region.reset_offset)
        text = "\n".join(room.render_line(y).text for y in range(20))
        assert "Quick win: Impact 5.0 (1), Effort 1.0 (1)" in text
        assert "Effort: low" in text and "│ Effort: high" in text
        assert "─ Impact: a lot ──" in text and "─ Impact: little ──" in text
        assert "  Quick win         │ Big job" in text


# ------------------------------------------------------------------ phones


async def test_phones_are_shown_nothing_of_others_until_the_close() -> None:
    from helpers.waiting import until
    from sessionkit.web.hub import Hub
    from sessionkit.web.views import Views

    engine = ranking_engine(top=2)
    ann, bob = join(engine), join(engine)
    a, b = notes(engine, "One", "Two")
    views = Views(engine)
    hub = Hub(engine, views, urgent_delay=0.0)
    ann_stream, bob_stream = hub.connect(ann), hub.connect(bob)
    ann_stream.pending = bob_stream.pending = None
    rank(engine, [b, a], ann)
    assert ann_stream.pending is not None  # its own view changed
    assert bob_stream.pending is None and hub._flush_handle is None
    public = views.build_public()
    assert "results" not in public and [i["text"] for i in public["items"]] == ["One", "Two"]
    engine.execute(c.CloseRank())
    await until(lambda: bob_stream.pending is not None, "the close reaches every phone")
    hub.detach()
    public = views.build_public()
    assert public["results"]["rows"][0] == {"item": b, "points": 2, "place": "1"}


# ------------------------------------------------------------------ check


def test_check_locates_a_bad_top_no_criteria_and_a_bad_scale(tmp_path) -> None:
    from sessionkit.library import load_library

    body = (
        'id = "m"\nname = "M"\nsummary = "s"\npurpose = "p"\nphase = "define"\n'
        "[duration]\nmin = 10\ntypical = 10\nmax = 10\n[group_size]\nmin = 1\nmax = 9\n"
        '[[steps]]\nid = "list"\ntitle = "L"\nprompt = "p"\ntimebox = 5\n'
        '[steps.input]\nkind = "notes"\n'
        '[[steps]]\nid = "judge"\ntitle = "J"\nprompt = "p"\ntimebox = 5\n'
        '[steps.input]\nkind = "rank"\ntarget_step = "list"\n'
    )
    files = {
        "top": "top = 0\n",
        "none": 'mode = "score"\n',
        "scale": 'mode = "score"\n[[steps.input.criteria]]\nid = "impact"\nlabel = "Impact"\n'
        "scale_min = 5\nscale_max = 1\n",
    }
    for name, tail in files.items():
        (tmp_path / f"{name}.toml").write_text(body.replace('id = "m"', f'id = "{name}"') + tail)
    library = load_library(paths=[tmp_path], config=False, bundled=False, cwd=False)
    found = {(p.file.name, p.line, p.field): p.message for p in library.problems}
    assert found[("top.toml", 28, "steps[1].input.top")] == "top is 0: it must be from 1 to 20"
    assert found[("none.toml", 25, "steps[1].input.criteria")] == (  # at its [steps.input]
        "a score needs at least one criterion"
    )
    assert found[("scale.toml", 33, "steps[1].input.criteria[0].scale_max")] == (
        "the scale of 'impact' runs from 5 to 1: scale_max must be above scale_min"
    )


def test_a_rank_step_ranks_items_carried_from_an_earlier_agenda_item() -> None:
    """`from` on a method whose only taker is a rank step: the carried notes come first,
    phones may rank them, and nothing else from the source is accepted."""
    gather = make_method("gather", [step("ideas", {"kind": "notes"})])
    order = make_method(
        "order",
        [
            step("own", {"kind": "notes"}),
            step("rank", {"kind": "rank", "target_step": "own", "top": 2}),
        ],
    )
    plan = make_plan([{"method": "gather"}, {"method": "order", "from": "gather.ideas"}])
    engine = make_engine(plan, {gather.id: gather, order.id: order})
    engine.execute(c.StartSession())
    ann = join(engine)
    first, second = (engine.execute(c.AddNote(text=t)).data["note"] for t in ("One", "Two"))
    engine.execute(c.GoTo(item=1, step=0))
    (own,) = (engine.execute(c.AddNote(text="Three")).data["note"],)
    engine.execute(c.NextStep())
    assert engine.rank_targets() == [first, second, own]
    rank(engine, [second, own], ann)
    assert rankings(engine.state, "1.1") == {ann: [second, own]}
    with pytest.raises(Rejected, match="not one of the things being ranked"):
        rank(engine, ["n999"], ann)
    table = Record.from_engine(engine).rank("1.1")  # the record counts the carried ones too
    assert table is not None and {label for _, label, _, _ in table.ranked} >= {"Two", "Three"}
