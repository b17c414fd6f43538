"""ctrl+z and ctrl+y in the TUI: every undoable action, done with its own key, is undone
by ctrl+z and redone by ctrl+y, each saying what it was; the board shows the result.

Each case sets the run up through the engine (not what is tested), then presses the
action's keys. What is compared is the state without its bookkeeping (as in
tests/test_undo.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from factories import kinds_methods, kinds_plan
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.state import FACILITATOR, NEWCOMER, StepState
from sessionkit.tui import SessionkitApp
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.modals import Confirm, HelpScreen, Picker, TextPrompt
from sessionkit.tui.screens.run import RunScreen
from sessionkit.tui.widgets.board import Board

T0 = 1_700_000_000.0
SIZE = (100, 30)
NOTES, THEMES, VOTE, PRIVATE, RATING, MAP = "0.0", "0.1", "0.2", "2.0", "2.1", "3.0"


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def content(engine: Engine) -> dict[str, Any]:
    data = engine.state.model_dump(exclude={"seq", "undo", "redo", "counter", "receipts"})
    default = StepState().model_dump()
    data["steps"] = {k: v for k, v in data["steps"].items() if v != default}
    for name in ("ratings", "hidden_words"):
        data[name] = {k: v for k, v in data[name].items() if v}
    return data


def go(engine: Engine, key: str) -> None:
    item, step = (int(p) for p in key.split("."))
    engine.execute(c.GoTo(item=item, step=step))


def board(app: SessionkitApp) -> Board:
    return app.screen.query_one(Board)


def note_id(engine: Engine, text: str) -> str:
    return next(n.id for n in engine.state.notes.values() if n.text == text)


def clustering(engine: Engine) -> None:
    """At the themes step: "Staff" and "Space" in "People", "Queues" in "Waiting", "Hours"
    loose."""
    engine.execute(c.StartSession())
    for text, kind in (("Staff", "rose"), ("Space", "rose"), ("Queues", "thorn"), ("Hours", "bud")):
        engine.execute(c.AddNote(text=text, category=kind))
    go(engine, THEMES)
    staff, space = note_id(engine, "Staff"), note_id(engine, "Space")
    engine.execute(c.CreateCluster(label="People", notes=[staff, space]))
    engine.execute(c.CreateCluster(label="Waiting", notes=[note_id(engine, "Queues")]))


def voting(engine: Engine) -> None:
    clustering(engine)
    go(engine, VOTE)
    engine.execute(c.OpenVote())


def cluster_id(engine: Engine, label: str) -> str:
    return next(cl.id for cl in engine.state.clusters.values() if cl.label == label)


Pilot = Any
Act = Callable[[Pilot, SessionkitApp, Engine], Awaitable[None]]


def keys(*pressed: str, row: tuple[str, Callable[[Engine], str]] | None = None) -> Act:
    """Move the board's cursor to a row (kind, key of the engine), then press keys."""

    async def act(pilot: Pilot, app: SessionkitApp, engine: Engine) -> None:
        if row is not None:
            board(app).move_to_key(row[0], row[1](engine))
        for key in pressed:
            await pilot.press(key)
            await pilot.pause()

    return act


def at(key: str) -> Callable[[Engine], None]:
    def setup(engine: Engine) -> None:
        engine.execute(c.StartSession())
        go(engine, key)

    return setup


def rated(engine: Engine) -> None:
    at(RATING)(engine)
    engine.execute(c.Rate(value=3))


def dotted(engine: Engine) -> None:
    voting(engine)
    engine.execute(c.CastVote(target=cluster_id(engine, "People")))


def mapped(engine: Engine) -> None:
    at(MAP)(engine)
    engine.execute(c.AddNote(text="Queue outside", region="before"))


def private(engine: Engine) -> None:
    at(PRIVATE)(engine)
    person = engine.execute(c.Join(name="Ann"), NEWCOMER).data["participant"]
    engine.execute(c.AddNote(text="A worry"), person)


def hours(engine: Engine) -> str:
    return note_id(engine, "Hours")


CASES: dict[str, tuple[Callable[[Engine], None], Act, str]] = {
    "group": (
        clustering,
        keys("x", "g", *"Open", "enter", row=("note", hours)),
        "grouping a note as “Open”",
    ),
    "park": (clustering, keys("l", row=("note", hours)), "parking a note"),
    "merge": (
        clustering,
        keys("m", *"Wait", "enter", row=("section", lambda e: cluster_id(e, "People"))),
        "merging “People” into “Waiting”",
    ),
    "move": (
        clustering,
        keys("right_square_bracket", row=("note", lambda e: note_id(e, "Staff"))),
        "moving a note",
    ),
    "move several": (
        clustering,
        keys(
            "x",
            "x",
            "t",
            *"Wait",
            "enter",
            row=("note", lambda e: note_id(e, "Staff")),
        ),
        "moving 2 notes",
    ),
    "rename": (
        clustering,
        keys("r", "ctrl+a", *"Folk", "enter", row=("section", lambda e: cluster_id(e, "People"))),
        "renaming “People”",
    ),
    "hide": (clustering, keys("h", row=("note", hours)), "hiding a note"),
    "reveal": (private, keys("R"), "revealing the notes"),
    "open the vote": (
        lambda e: (clustering(e), go(e, VOTE)) and None,
        keys("o"),
        "opening the vote",
    ),
    "close the vote": (voting, keys("o"), "closing the vote"),
    "paper dot": (
        voting,
        keys("d", row=("target", lambda e: cluster_id(e, "People"))),
        "adding a paper dot",
    ),
    "remove a paper dot": (
        dotted,
        keys("D", row=("target", lambda e: cluster_id(e, "People"))),
        "taking back a paper dot",
    ),
    "paper rating": (at(RATING), keys("d", row=("scale", lambda e: "4")), "adding a paper rating"),
    "remove a paper rating": (
        rated,
        keys("D", row=("scale", lambda e: "3")),
        "taking back a paper rating",
    ),
    "place on the canvas": (
        mapped,
        keys("right_square_bracket", row=("note", lambda e: note_id(e, "Queue outside"))),
        "placing a note",
    ),
    "pause input": (at(NOTES), keys("i"), "pausing phone input"),
}


async def _undo_and_redo(
    app: SessionkitApp, engine: Engine, pilot: Pilot, act: Act, what: str
) -> None:
    before = content(engine)
    await act(pilot, app, engine)
    assert isinstance(app.screen, RunScreen), "the action left a dialog open"
    after = content(engine)
    assert after != before, "the keys did nothing"
    await pilot.press("ctrl+z")
    await pilot.pause()
    assert content(engine) == before
    said = [n.message for n in app._notifications]
    assert f"Undone: {what}. ctrl+y redoes it." in said
    await pilot.press("ctrl+y")
    await pilot.pause()
    assert content(engine) == after
    assert f"Redone: {what}." in [n.message for n in app._notifications]


@pytest.mark.parametrize("name", list(CASES))
async def test_ctrl_z_undoes_and_ctrl_y_redoes(name: str) -> None:
    setup, act, what = CASES[name]
    engine = Engine(sample_plan(), sample_methods(), clock=FakeClock())
    setup(engine)
    app = SessionkitApp(engine=engine, join_url="http://192.168.1.20:8000/j/Zx81kQ")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _undo_and_redo(app, engine, pilot, act, what)


def questions(engine: Engine) -> None:
    engine.execute(c.StartSession())
    go(engine, "0.2")
    for text in ("When is the lift fixed?", "Lift: when?"):
        engine.execute(c.AskQuestion(text=text))


def question(text: str) -> Callable[[Engine], str]:
    return lambda e: next(q.id for q in e.state.questions.values() if q.text == text)


def words(engine: Engine) -> None:
    engine.execute(c.StartSession())
    go(engine, "0.1")
    engine.execute(c.AddWords(text="Slow"))


def actions(engine: Engine) -> None:
    engine.execute(c.StartSession())
    go(engine, "0.3")
    engine.execute(c.AddAction(what="Ring the council", who="Ann"))


def action(engine: Engine) -> str:
    return next(iter(engine.state.actions))


KIND_CASES: dict[str, tuple[Callable[[Engine], None], Act, str]] = {
    "merge questions": (
        questions,
        keys("m", *"fixed", "enter", row=("question", question("Lift: when?"))),
        "merging two questions",
    ),
    "take a question down": (
        questions,
        keys("h", row=("question", question("Lift: when?"))),
        "taking a question down",
    ),
    "mark answered": (
        questions,
        keys("y", row=("question", question("Lift: when?"))),
        "marking a question answered",
    ),
    "paper upvote": (
        questions,
        keys("d", row=("question", question("Lift: when?"))),
        "adding a paper upvote",
    ),
    "take a word out": (words, keys("h"), "taking a word out of the cloud"),
    "action done": (actions, keys("y", row=("action", action)), "marking an action done"),
    "drop an action": (actions, keys("h", row=("action", action)), "dropping an action"),
}


@pytest.mark.parametrize("name", list(KIND_CASES))
async def test_ctrl_z_undoes_words_questions_and_actions(name: str) -> None:
    setup, act, what = KIND_CASES[name]
    engine = Engine(kinds_plan(), kinds_methods(), clock=FakeClock())
    setup(engine)
    app = SessionkitApp(engine=engine, join_url="http://192.168.1.20:8000/j/Zx81kQ")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _undo_and_redo(app, engine, pilot, act, what)


async def test_ending_is_undone_and_phones_are_told() -> None:
    engine = Engine(sample_plan(), sample_methods(), clock=FakeClock())
    at(NOTES)(engine)
    told: list[str] = []
    engine.subscribe(lambda event, state: told.append(event.type))
    app = SessionkitApp(engine=engine, join_url="http://192.168.1.20:8000/j/Zx81kQ")
    async with app.run_test(size=SIZE) as pilot:
        app._confirm_end()
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await until(lambda: engine.state.ended_at is not None, "the session to end")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert engine.state.ended_at is None and engine.state.joining_open
        assert "Undone: ending the session. ctrl+y redoes it." in [
            n.message for n in app._notifications
        ]
        assert told[-1] == "undone"  # the phones' hub hears it as it hears every event


async def test_nothing_to_undo_is_said_and_help_lists_the_keys() -> None:
    engine = Engine(sample_plan(), sample_methods(), clock=FakeClock())
    at(NOTES)(engine)
    app = SessionkitApp(engine=engine, join_url="http://192.168.1.20:8000/j/Zx81kQ")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Nothing to undo." in [n.message for n in app._notifications] and bells
        await pilot.press("v", "i", "ctrl+z")  # the room view has the keys too
        await pilot.pause()
        assert not engine.state.step_state(NOTES).locked
        assert [e.actor for e in engine.history][-1] == FACILITATOR
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text").render().plain
        assert "^z" in text and "Redo what ctrl+z undid" in text
        assert "can't be undone" in text
        assert not isinstance(app.screen, (Picker, TextPrompt))
