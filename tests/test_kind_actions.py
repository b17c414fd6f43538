"""The actions kind: what, who, by when, where from; checked, edited, exported, driven
from the keyboard."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import FakeClock, kinds_methods, kinds_plan, make_engine
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.errors import Rejected
from sessionkit.core.fold import apply
from sessionkit.core.inputs.actions import check_due, source_label
from sessionkit.core.record import Record
from sessionkit.core.state import FACILITATOR, NEWCOMER, SessionState
from sessionkit.export import export, load_record
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.action_form import ActionForm
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.room_board import RoomBoard


def engine_at_actions(**kw) -> Engine:
    engine = make_engine(kinds_plan(), kinds_methods(), **kw)
    engine.execute(c.StartSession())
    engine.execute(c.AddNote(text="The lift on level two has been broken for weeks"))
    engine.execute(c.GoTo(item=0, step=3))
    return engine


def join(engine: Engine, name: str | None = "Ann") -> str:
    return engine.execute(c.Join(name=name), NEWCOMER).data["participant"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "February 2026 has 28 days"),
        ("2025-02-29", "February 2025 has 28 days"),
        ("2026-04-31", "April 2026 has 30 days"),
        ("2026-13-01", "there is no month 13"),
        ("0000-01-01", "there is no year 0"),
        ("next week", "write it as YYYY-MM-DD"),
        ("14/03/2026", "write it as YYYY-MM-DD"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(Rejected, match=message):
        check_due(text)


def test_dates_and_no_date() -> None:
    assert check_due("2024-02-29") == "2024-02-29"
    assert check_due(" 2026-03-14 ") == "2026-03-14"
    assert check_due("") is None


def test_phones_propose_the_facilitator_edits_marks_done_and_drops() -> None:
    engine = engine_at_actions()
    pid = join(engine)
    event = engine.execute(c.AddAction(what="Call the council", who="Ann", due="2026-03-14"), pid)
    action_id = event.data["action"]
    with pytest.raises(Rejected, match="February 2026 has 28 days"):
        engine.execute(c.AddAction(what="Write it up", due="2026-02-30"), pid)
    assert list(engine.state.actions) == [action_id]  # nothing collected is lost
    with pytest.raises(Rejected, match="Only the facilitator"):
        engine.execute(c.EditAction(action=action_id, who="Bob"), pid)
    with pytest.raises(Rejected, match="Only the facilitator links"):
        engine.execute(c.AddAction(what="x", source="n1"), pid)
    engine.execute(c.EditAction(action=action_id, who="Bob", due=""))
    action = engine.state.actions[action_id]
    assert (action.who, action.due) == ("Bob", None)
    with pytest.raises(Rejected, match="Nothing to change"):
        engine.execute(c.EditAction(action=action_id, who="Bob"))
    engine.execute(c.MarkActionDone(action=action_id))
    assert engine.state.actions[action_id].done
    linked = engine.execute(c.AddAction(what="Fix the lift", source="n1")).data["action"]
    assert source_label(engine.state, engine.state.actions[linked].source) == (
        "The lift on level two has been broken…"
    )
    engine.execute(c.DropAction(action=linked))
    assert engine.state.actions[linked].dropped


def test_per_person_limit_and_facilitator_only_steps() -> None:
    engine = engine_at_actions()
    pid = join(engine)
    for n in range(2):
        engine.execute(c.AddAction(what=f"Thing {n}"), pid)
    with pytest.raises(Rejected, match="most this step allows") as refused:
        engine.execute(c.AddAction(what="One more"), pid)
    assert refused.value.code == "limit"
    engine.execute(c.AddAction(what="Paper one"))  # the facilitator has no limit


def test_replay_reproduces_the_actions_and_old_states_load() -> None:
    engine = engine_at_actions()
    pid = join(engine)
    engine.execute(c.AddAction(what="Call", who="Ann", due="2026-03-14"), pid)
    engine.execute(c.EditAction(action="a3", what="Call the council"))
    engine.execute(c.MarkActionDone(action="a3"))
    fresh = SessionState(run_id="x", plan_id="kinds-plan", created_at=0)
    for event in engine.history:
        apply(fresh, event)
    assert fresh.actions == engine.state.actions
    old = engine.state.model_dump()
    for name in ("actions", "words", "questions", "hidden_words"):
        old.pop(name)
    assert SessionState.model_validate(old).actions == {}  # a snapshot from before


def test_exports_show_actions_as_their_own_table() -> None:
    engine = engine_at_actions()
    pid = join(engine)
    engine.execute(c.AddAction(what="=cmd|' /C calc'!A0", who="Ann", due="2026-03-14"), pid)
    engine.execute(c.AddAction(what="Fix the <b>lift</b>", source="n1"))
    engine.execute(c.MarkActionDone(action="a4"))
    record = Record.from_engine(engine)
    md = export(record, "md")
    assert "| What | Who | By | From | Done |" in md
    assert "| Fix the \\<b>lift\\</b> |  |  | The lift on level two has been broken… | yes |" in md
    html = export(record, "html")
    assert "Fix the &lt;b&gt;lift&lt;/b&gt;" in html and "<b>lift" not in html
    assert '<section id="actions-agreed">' in html
    rows = list(csv.reader(io.StringIO(export(record, "csv").lstrip("\ufeff"))))
    header = rows.index(["action step", "what", "who", "due", "from", "done", "time"])
    assert rows[header + 1][1:4] == ["'=cmd|' /C calc'!A0", "Ann", "2026-03-14"]
    assert rows[header + 2][4:6] == ["The lift on level two has been broken…", "yes"]
    for fmt in ("json", "toml"):
        back = load_record(export(record, fmt), fmt)
        assert back.state.actions == record.state.actions
        assert all(a.author == "" for a in back.state.actions.values())  # de-identified


# ------------------------------------------------------------------ the TUI


async def test_actions_from_the_keyboard_paper_entry_edit_done_drop() -> None:
    engine = engine_at_actions(clock=FakeClock())
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, ActionForm)
        await pilot.press(*"Book", "space", *"the", "space", *"room", "tab", *"Ann", "tab")
        await pilot.press(*"2026-02-30", "enter")
        error = form.query_one("#action-error")
        await until(lambda: "February 2026 has 28 days" in str(error.render()), "date refused")
        assert not engine.state.actions
        due = form.query_one("#due")
        due.value = "2026-03-14"
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("down", "enter")  # the first choice after "nothing": the note
        await pilot.pause()
        await pilot.press("enter")
        await until(lambda: len(engine.state.actions) == 1, "the action added")
        action = next(iter(engine.state.actions.values()))
        assert (action.what, action.who, action.due, action.source) == (
            "Book the room",
            "Ann",
            "2026-03-14",
            "n1",
        )
        await pilot.press("escape")
        await pilot.pause()
        board = app.screen.query_one(Board)
        assert board.current_row is not None and board.current_row.kind == "action"
        await pilot.press("enter")
        assert isinstance(app.screen, ActionForm)
        app.screen.query_one("#who").value = "Bob"
        app.screen.query_one("#who").focus()
        await pilot.press("enter")
        await until(lambda: action.who == "Bob", "the action edited")
        await pilot.pause()
        await pilot.press("y")
        await until(lambda: action.done, "marked done")
        await pilot.press("h")
        await until(lambda: action.dropped, "dropped")
        await pilot.press("h")
        await until(lambda: not action.dropped, "put back")
        await pilot.press("v")
        await pilot.pause()
        room = app.screen.query_one(RoomBoard)
        room.render_lines(room.scrollable_content_region.reset_offset)
        text = "\n".join(room.render_line(y).text for y in range(4))
        assert "Book the room" in text and "Bob" in text and "a3" not in text


# ------------------------------------------------------------------ authoring mistakes


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            'who_can_add = "everyone"',
            'who_can_add = "all"',
            "who_can_add",
            "'everyone' or 'facilitator'",
        ),
        ('from_step = "what-next"', 'from_step = "agree"', "from_step", "not an earlier step"),
        (
            "max_per_person = 3\nfrom_step",
            "max_per_person = 0\nfrom_step",
            "max_per_person",
            "at least 1",
        ),
        ('kind = "actions"', 'kind = "words"\nmax_words = 5', "max_words", "at most 3"),
        ('kind = "actions"', 'kind = "questions"\nanonymous = "yes"', "anonymous", "true or false"),
    ],
)
def test_check_locates_mistakes_in_the_new_kinds(tmp_path, old, new, field, message) -> None:
    from test_loader import REPO, line_of, load, only, swap, write

    text = (REPO / "methods" / "agree-actions.toml").read_text(encoding="utf-8")
    if 'kind = "actions"' in old:  # another kind in the same place: drop the actions keys
        text = swap(
            text, 'who_can_add = "everyone"\nmax_per_person = 3\nfrom_step = "what-next"\n', ""
        )
    text = swap(text, old, new)
    problem = only(load(write(tmp_path, "agree-actions.toml", text)))
    assert problem.field == f"steps[1].input.{field}"
    assert message in problem.message
    assert problem.line == line_of(text, next(ln for ln in new.splitlines() if field in ln))


DATES = st.one_of(
    st.none(),
    st.sampled_from(["", "2026-02-30", "2024-02-29", "2026-13-01", "soon", "2026-03-14"]),
    st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
    st.tuples(st.integers(1, 9999), st.integers(0, 14), st.integers(0, 33)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
    ),
)
OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "edit", "done", "drop"]),
        st.booleans(),  # from a phone?
        st.integers(0, 4),  # which action
        DATES,
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_only_real_dates_are_kept_and_replay_reproduces_the_actions(ops) -> None:
    engine = engine_at_actions()
    pid = join(engine)
    for op, phone, which, due in ops:
        actor = pid if phone else FACILITATOR
        ids = list(engine.state.actions)
        pick = ids[which % len(ids)] if ids else "a999"
        before = engine.state.model_copy(deep=True)
        try:
            if op == "add":
                engine.execute(c.AddAction(what="Do it", due=due), actor)
            elif op == "edit":
                engine.execute(c.EditAction(action=pick, due=due, who="Ann"), actor)
            elif op == "done":
                engine.execute(c.MarkActionDone(action=pick), actor)
            else:
                engine.execute(c.DropAction(action=pick), actor)
        except Rejected:
            assert engine.state == before  # a refusal changes nothing
        for action in engine.state.actions.values():
            assert action.due is None or dt.date.fromisoformat(action.due).isoformat() == action.due
    fresh = SessionState(run_id="x", plan_id="kinds-plan", created_at=0)
    for event in engine.history:
        apply(fresh, event)
    assert fresh.actions == engine.state.actions
