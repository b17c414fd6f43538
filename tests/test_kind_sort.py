"""The sort kind: every item placed in one bucket by each person (paper sheets numbered),
counts per bucket ordered by ``order_by``; exported, carried and driven from the keyboard."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import FakeClock, make_engine, make_method, make_plan, step
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.errors import Rejected
from sessionkit.core.fold import apply
from sessionkit.core.inputs.sort import placements, results
from sessionkit.core.method import Method
from sessionkit.core.record import Record
from sessionkit.core.state import FACILITATOR, NEWCOMER, SessionState
from sessionkit.export import export, load_record
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.modals import Picker, TextPrompt
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.room_board import RoomBoard

BUCKETS = ["We do this", "A little", "We don't"]
KEY = "0.1"


def sort_methods() -> dict[str, Method]:
    method = make_method(
        "recognise",
        [
            step("worst", {"kind": "notes"}),
            step(
                "resemble",
                {
                    "kind": "sort",
                    "target_step": "worst",
                    "buckets": BUCKETS,
                    "order_by": "We do this",
                },
            ),
        ],
    )
    return {method.id: method}


def engine_at_sort(**kw) -> Engine:
    engine = make_engine(make_plan([{"method": "recognise"}], id="sort-plan"), sort_methods(), **kw)
    engine.execute(c.StartSession())
    return engine


def join(engine: Engine, name: str | None = None) -> str:
    return engine.execute(c.Join(name=name), NEWCOMER).data["participant"]


def notes(engine: Engine, *texts: str) -> list[str]:
    return [engine.execute(c.AddNote(text=t)).data["note"] for t in texts]


def place(engine: Engine, item: str, bucket: str, actor: str = FACILITATOR, **kw) -> None:
    engine.execute(c.PlaceItem(item=item, bucket=bucket, **kw), actor)


def test_each_person_places_each_item_once_and_can_move_or_take_it_back() -> None:
    engine = engine_at_sort()
    ann, bob = join(engine), join(engine)
    a, b = notes(engine, "Fifty indicators", "Reports nobody reads")
    engine.execute(c.NextStep())
    place(engine, a, "We do this", ann)
    place(engine, a, "A little", ann)  # moved, not counted twice
    place(engine, b, "We do this", ann)
    place(engine, a, "We do this", bob)
    with pytest.raises(Rejected, match="already in 'We do this'") as again:
        place(engine, a, "We do this", bob)
    assert again.value.code == "conflict"
    with pytest.raises(Rejected, match="not one of the buckets") as bad:
        place(engine, b, "Maybe", bob)
    assert bad.value.code == "invalid"
    with pytest.raises(Rejected, match="not one of the things being sorted") as missing:
        place(engine, "n999", "A little", bob)
    assert missing.value.code == "not_found"
    with pytest.raises(Rejected, match="Only the facilitator"):
        place(engine, b, "A little", bob, paper=2)
    with pytest.raises(Rejected, match="which paper sheet"):
        place(engine, b, "A little")
    place(engine, b, "We don't", paper=1)  # a paper sheet is one more sorter
    engine.execute(c.ClearPlacement(item=a), bob)
    with pytest.raises(Rejected, match="not been placed"):
        engine.execute(c.ClearPlacement(item=a), bob)
    assert placements(engine.state, KEY) == {
        ann: {a: "A little", b: "We do this"},
        bob: {},
        "paper-1": {b: "We don't"},
    }
    spec = engine.step_def()[1].input
    rows = results(engine.state, KEY, spec, engine.sort_targets())
    assert [(r.item, r.counts) for r in rows] == [(b, (1, 0, 1)), (a, (0, 1, 0))]
    engine.execute(c.CloseSort())
    with pytest.raises(Rejected, match="The sort is closed") as closed:
        place(engine, a, "We do this", bob)
    assert closed.value.code == "locked"
    assert placements(engine.state, KEY)[ann] == {a: "A little", b: "We do this"}  # kept
    engine.execute(c.CloseSort(closed=False))
    place(engine, a, "We do this", bob)


def test_a_sort_on_another_step_is_refused_without_losing_anything() -> None:
    engine = engine_at_sort()
    ann = join(engine)
    (a,) = notes(engine, "One")
    with pytest.raises(Rejected, match="no sort on this step") as wrong:
        place(engine, a, "We do this", ann)
    assert wrong.value.code == "conflict"
    assert engine.state.notes[a].text == "One" and not engine.state.sorts


OPS = st.lists(
    st.tuples(
        st.sampled_from(["place", "clear", "close", "open"]),
        st.integers(0, 3),  # who (3: the facilitator, as paper sheet 1 or 2)
        st.integers(0, 3),  # which item
        st.integers(0, 3),  # which bucket (3: not a bucket)
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS, paper=st.integers(1, 2))
def test_counts_add_up_and_replay_reproduces_the_sort(ops, paper) -> None:
    engine = engine_at_sort()
    people = [join(engine) for _ in range(3)]
    items = notes(engine, "a", "b", "c")
    engine.execute(c.NextStep())
    spec = engine.step_def()[1].input
    for op, who, which, bucket in ops:
        actor = people[who] if who < 3 else FACILITATOR
        kw = {"paper": paper} if actor == FACILITATOR else {}
        item = items[which] if which < 3 else "n999"
        try:
            if op == "place":
                name = BUCKETS[bucket] if bucket < 3 else "Perhaps"
                engine.execute(c.PlaceItem(item=item, bucket=name, **kw), actor)
            elif op == "clear":
                engine.execute(c.ClearPlacement(item=item, **kw), actor)
            else:
                engine.execute(c.CloseSort(closed=op == "close"))
        except Rejected:
            pass
        rows = results(engine.state, KEY, spec, items)
        placed = sum(len(p) for p in placements(engine.state, KEY).values())
        assert sum(r.total for r in rows) == placed  # one placement, one count
        assert all(r.total <= 4 for r in rows)  # nobody counts twice on an item
    if engine.state.step_state(KEY).vote == "closed":
        engine.execute(c.CloseSort(closed=False))
    for actor in people:  # now everyone sorts everything
        for item in items:
            try:
                place(engine, item, "A little", actor)
            except Rejected as already:
                assert already.code == "conflict"  # it was there already
    rows = results(engine.state, KEY, spec, items)
    sheet = placements(engine.state, KEY).get(f"paper-{paper}", {})
    assert sum(r.total for r in rows) == len(people) * len(items) + len(sheet)
    assert all(r.total == len(people) + (r.item in sheet) for r in rows)
    fresh = SessionState(run_id="x", plan_id="sort-plan", created_at=0)
    for event in engine.history:
        apply(fresh, event)
    assert fresh.sorts == engine.state.sorts
    assert fresh.steps == engine.state.steps
    record = Record.from_engine(engine)  # de-identified: the counts survive renumbering
    again = results(record.state, KEY, spec, items)
    assert [r.counts for r in again] == [r.counts for r in rows]
    assert not set(record.state.sorts[KEY]) & set(people)


def test_everyone_sorting_everything_counts_people_times_items() -> None:
    engine = engine_at_sort()
    people = [join(engine) for _ in range(5)]
    items = notes(engine, *"abcd")
    engine.execute(c.NextStep())
    for n, actor in enumerate(people):
        for i, item in enumerate(items):
            place(engine, item, BUCKETS[(n + i) % 3], actor)
    spec = engine.step_def()[1].input
    rows = results(engine.state, KEY, spec, items)
    assert sum(r.total for r in rows) == len(people) * len(items)
    assert all(r.total == len(people) for r in rows)
    firsts = [r.counts[0] for r in rows]
    assert firsts == sorted(firsts, reverse=True)  # ordered by the order_by bucket


def test_exports_show_the_counts_per_bucket() -> None:
    engine = engine_at_sort()
    ann, bob = join(engine, "Ann"), join(engine, "Bob")
    a, b = notes(engine, "Fifty *indicators*", "=HYPERLINK(1)")
    engine.execute(c.NextStep())
    place(engine, a, "We do this", ann)
    place(engine, a, "We do this", bob)
    place(engine, b, "We don't", ann)
    place(engine, b, "A little", paper=1)
    engine.execute(c.CloseSort())
    record = Record.from_engine(engine)
    md = export(record, "md")
    assert "3 people sorted (1 on paper); ordered by “We do this”:" in md
    assert "| Item | We do this | A little | We don't |" in md
    assert "| Fifty \\*indicators\\* | 2 | 0 | 0 |" in md
    html = export(record, "html")
    assert '<ul class="sort">' in html and "We do this 2 · A little 0 · We don&#x27;t 0" in html
    rows = list(csv.reader(io.StringIO(export(record, "csv").lstrip("\ufeff"))))
    header = rows.index(["sort step", "item", "bucket", "count"])
    assert rows[header + 1][1:] == ["Fifty *indicators*", "We do this", "2"]
    assert ["'=HYPERLINK(1)", "A little", "1"] in [r[1:] for r in rows[header + 1 :]]
    for fmt in ("json", "toml"):
        back = load_record(export(record, fmt), fmt)
        assert back.state.sorts == record.state.sorts
        assert set(back.state.sorts[KEY]) == {"sorter-1", "sorter-2", "paper-1"}
        assert back.sort(KEY) == record.sort(KEY)


def test_a_snapshot_round_trips_the_sort(tmp_path) -> None:
    from sessionkit import store

    engine = engine_at_sort()
    ann = join(engine)
    (a,) = notes(engine, "One")
    engine.execute(c.NextStep())
    place(engine, a, "A little", ann)
    place(engine, a, "We don't", paper=3)
    engine.execute(c.CloseSort())
    store.write_snapshot(tmp_path / "snapshot.toml", engine.state)
    assert store.read_snapshot(tmp_path / "snapshot.toml") == engine.state


def test_an_old_snapshot_without_sorts_still_loads() -> None:
    old = SessionState(run_id="x", plan_id="p", created_at=0).model_dump()
    del old["sorts"]
    assert SessionState.model_validate(old).sorts == {}


# ------------------------------------------------------------------ the TUI


async def test_sort_from_the_keyboard_paper_sheet_close_and_room_view() -> None:
    engine = engine_at_sort(clock=FakeClock())
    ann = join(engine)
    a, b = notes(engine, "Fifty indicators", "[b]Monthly[/b] reports")
    engine.execute(c.NextStep())
    place(engine, a, "We do this", ann)
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")  # a paper sheet: its number, then a bucket per item
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")  # the next free number: 1
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        await pilot.press("enter")  # the first bucket for the first item
        await pilot.pause()
        assert isinstance(app.screen, Picker)
        await pilot.press(*"don", "enter")  # typed to narrow: "We don't"
        await until(lambda: len(placements(engine.state, KEY).get("paper-1", {})) == 2, "sheet")
        assert placements(engine.state, KEY)["paper-1"] == {a: "We do this", b: "We don't"}
        await pilot.pause()
        board = app.screen.query_one(Board)
        lines = [board.render_line(y).text for y in range(3)]
        assert any("Fifty indicators" in line and "2/0/0" in line for line in lines), lines
        assert any("[b]Monthly[/b] reports" in line and "0/0/1" in line for line in lines)
        await pilot.press("o")
        await until(lambda: engine.state.step_state(KEY).vote == "closed", "closed")
        await pilot.press("v")
        await pilot.pause()
        room = app.screen.query_one(RoomBoard)
        room.render_lines(room.scrollable_content_region.reset_offset)
        text = "\n".join(room.render_line(y).text for y in range(6))
        assert "█ We do this" in text and "2/0/0" in text and "n1" not in text
        await pilot.press("v", "o")
        await until(lambda: engine.state.step_state(KEY).vote == "open", "reopened")
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one("Input").value == "2"  # a new sheet, a new number


# ------------------------------------------------------------------ check


def test_check_locates_a_sort_without_buckets_and_an_unknown_order_by(tmp_path) -> None:
    from sessionkit.library import load_library

    body = (
        'id = "m"\nname = "M"\nsummary = "s"\npurpose = "p"\nphase = "define"\n'
        "[duration]\nmin = 10\ntypical = 10\nmax = 10\n[group_size]\nmin = 1\nmax = 9\n"
        '[[steps]]\nid = "list"\ntitle = "L"\nprompt = "p"\ntimebox = 5\n'
        '[steps.input]\nkind = "notes"\n'
        '[[steps]]\nid = "judge"\ntitle = "J"\nprompt = "p"\ntimebox = 5\n'
        '[steps.input]\nkind = "sort"\ntarget_step = "list"\n'
    )
    (tmp_path / "none.toml").write_text(body.replace('id = "m"', 'id = "none"') + "buckets = []\n")
    (tmp_path / "order.toml").write_text(
        body.replace('id = "m"', 'id = "order"')
        + 'buckets = ["Keep", "Drop"]\norder_by = "Maybe"\n'
    )
    library = load_library(paths=[tmp_path], config=False, bundled=False, cwd=False)
    found = {(p.file.name, p.line, p.field): p.message for p in library.problems}
    assert found[("none.toml", 28, "steps[1].input.buckets")].startswith("expected at least 2")
    assert found[("order.toml", 29, "steps[1].input.order_by")] == (
        "'Maybe' is not one of the buckets ('Keep', 'Drop')"
    )


# ------------------------------------------------------------------ carried forward


def test_min_specs_sorts_the_triz_stop_list_carried_from_the_morning() -> None:
    from sessionkit.library import load_library

    library = load_library(config=False, cwd=False)
    plan = library.plans["outcomes-framework-co-design"]
    assert not [p for p in library.problems if "outcomes" in str(p.file)]
    engine = make_engine(plan, library.methods)
    engine.execute(c.StartSession())
    where = {
        (item.method.id if item.method else None, step.id): f"{i}.{j}"
        for i, item in enumerate(engine.items)
        for j, step in enumerate(item.method.steps if item.method else [])
    }
    person = join(engine)
    go = where[("triz", "stop")]
    engine.execute(c.GoTo(item=int(go.split(".")[0]), step=int(go.split(".")[1])))
    stop = engine.execute(c.AddNote(text="Stop the monthly report"), person).data["note"]
    test = where[("min-specs", "test")]
    engine.execute(c.GoTo(item=int(test.split(".")[0]), step=int(test.split(".")[1])))
    came = engine.carried()
    assert came is not None and came.ids == (stop,)
    assert engine.sort_targets() == [stop]
    place(engine, stop, "We could do without it", person)
    spec = engine.step_def()[1].input
    assert results(engine.state, test, spec, engine.sort_targets())[0].counts == (0, 1)


def test_a_method_with_a_vote_and_a_sort_must_say_which_takes_carried_items() -> None:
    from sessionkit.core.sources import resolve

    both = make_method(
        "both",
        [
            step("list", {"kind": "notes"}),
            step("dots", {"kind": "vote", "target_step": "list"}),
            step("judge", {"kind": "sort", "target_step": "list", "buckets": ["Keep", "Drop"]}),
        ],
    )
    methods = {**sort_methods(), both.id: both}
    plan = make_plan([{"method": "recognise"}, {"method": "both", "from": "recognise.worst"}])
    _, findings = resolve(plan, methods)
    assert [message for _, message, _ in findings] == [
        "method 'both' has several vote, sort or rank steps ('dots', 'judge'): say which takes the "
        'items with into = "dots"'
    ]
    plan = make_plan(
        [{"method": "recognise"}, {"method": "both", "from": "recognise.worst", "into": "judge"}]
    )
    carries, findings = resolve(plan, methods)
    assert findings == [] and carries[1].into == 2


# ------------------------------------------------------------------ phones told


async def test_a_placement_tells_only_the_phone_that_placed_it_and_the_close_tells_all() -> None:
    from sessionkit.web.hub import Hub
    from sessionkit.web.views import Views

    engine = engine_at_sort()
    ann, bob = join(engine), join(engine)
    (a,) = notes(engine, "One")
    engine.execute(c.NextStep())
    hub = Hub(engine, Views(engine), urgent_delay=0.0)
    ann_stream, bob_stream = hub.connect(ann), hub.connect(bob)
    ann_stream.pending = bob_stream.pending = None
    place(engine, a, "A little", ann)
    assert ann_stream.pending is not None  # told at once: its own view changed
    assert bob_stream.pending is None and hub._flush_handle is None  # nobody else is
    engine.execute(c.CloseSort())
    await until(lambda: bob_stream.pending is not None, "the close reaches every phone")
    hub.detach()


# ------------------------------------------------------------------ kept = "bucket"


def test_kept_carries_only_what_a_sort_placed_most_often_in_one_bucket() -> None:
    """`kept` in a plan: the next item works on the items the room sorted into one bucket
    (a tie with another bucket keeps the item), and says what it carried."""
    dots = make_method(
        "dots",
        [
            step("options", {"kind": "notes"}),
            step("vote", {"kind": "vote", "target_step": "options"}),
        ],
    )
    methods = {**sort_methods(), dots.id: dots}
    plan = make_plan(
        [
            {"method": "recognise"},
            {"method": "dots", "from": "recognise.resemble", "kept": "we don't"},
        ]
    )
    engine = make_engine(plan, methods)
    engine.execute(c.StartSession())
    ann, bob = join(engine), join(engine)
    a, b, d = notes(engine, "Fifty indicators", "Reports nobody reads", "Forms twice")
    engine.execute(c.NextStep())
    place(engine, a, BUCKETS[-1], ann)  # a: both say we do not
    place(engine, a, BUCKETS[-1], bob)
    place(engine, b, BUCKETS[0], ann)  # b: a tie: kept
    place(engine, b, BUCKETS[-1], bob)
    place(engine, d, BUCKETS[0], ann)  # d: we do this: not kept
    engine.execute(c.GoTo(item=1, step=1))
    came = engine.carried()
    assert came is not None and came.ids == (a, b)
    assert came.message == (
        "Carried forward from 'Recognise' (Resemble): the 2 of 3 sorted items placed most "
        "often in 'we don't'."
    )
    assert engine.vote_targets()[:2] == [a, b]
    engine.execute(c.GoTo(item=0, step=1))
    for person in (ann, bob):
        engine.execute(c.ClearPlacement(item=a), person)
        engine.execute(c.ClearPlacement(item=b), person)
    engine.execute(c.GoTo(item=1, step=1))
    came = engine.carried()
    assert came is not None and came.ids == ()
    assert came.message.endswith("nothing was sorted into 'we don't' there.")


def test_check_locates_a_kept_that_cannot_apply() -> None:
    from sessionkit.core.sources import resolve

    dots = make_method(
        "dots",
        [
            step("options", {"kind": "notes"}),
            step("vote", {"kind": "vote", "target_step": "options"}),
        ],
    )
    methods = {**sort_methods(), dots.id: dots}
    for source, kept, says in (
        ("recognise.worst", "We do this", "it is a notes step"),
        ("recognise.resemble", "Maybe", "it has no bucket 'Maybe' (its buckets: "),
    ):
        plan = make_plan(
            [{"method": "recognise"}, {"method": "dots", "from": source, "kept": kept}]
        )
        _, findings = resolve(plan, methods)
        assert [(path[-1], code) for path, _, code in findings] == [("kept", "from")]
        assert says in findings[0][1]
    with pytest.raises(ValueError, match="choose top or kept, not both"):
        make_plan(
            [
                {"method": "recognise"},
                {"method": "dots", "from": "recognise", "top": 2, "kept": "x"},
            ]
        )


async def test_a_paper_sheet_number_that_cannot_be_one_is_said_not_taken() -> None:
    engine = engine_at_sort(clock=FakeClock())
    notes(engine, "Fifty indicators")
    engine.execute(c.NextStep())
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(80, 24)) as pilot:
        for typed in ("0", "abc"):
            await pilot.press("a")
            await until(lambda: isinstance(app.screen, TextPrompt), "the sheet prompt")
            app.screen.query_one("Input").value = typed
            await pilot.press("enter")
            await until(lambda: not isinstance(app.screen, TextPrompt), "the prompt closed")
            assert not isinstance(app.screen, Picker)  # no sheet begun
            messages = [n.message for n in app._notifications]
            assert "A paper sheet's number is a whole number, 1 to 999." in messages
    assert placements(engine.state, KEY) == {}
