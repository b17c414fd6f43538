"""Undo and redo (core.undo): every undoable facilitator action puts the state back as it
was, redo puts it forward again, and replaying the journal gives the same state.

Each scenario sets the engine up (``setup``), then does one facilitator action (``act``).
What is compared is the state without its bookkeeping (seq, the undo stacks, the id
counter and delivery receipts): everything a screen, a phone or an export reads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factories import (
    GROUP,
    MAP,
    RATE,
    VOTE_NOTES,
    WRITE,
    FakeClock,
    ListJournal,
    go,
    join,
    kinds_methods,
    kinds_plan,
    make_engine,
)
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.record import deidentify
from sessionkit.core.state import FACILITATOR, StepState
from sessionkit.core.undo import LIMIT
from sessionkit.store import read_snapshot, write_snapshot

BOOKKEEPING = {"seq", "undo", "redo", "counter", "receipts"}


def content(engine: Engine) -> dict[str, Any]:
    data = engine.state.model_dump(exclude=BOOKKEEPING)
    default = StepState().model_dump()  # a step never touched reads as the default
    data["steps"] = {k: v for k, v in data["steps"].items() if v != default}
    for name in ("ratings", "hidden_words"):  # nobody rated / nothing hidden, either way
        data[name] = {k: v for k, v in data[name].items() if v}
    return data


def note(engine: Engine, actor: str = FACILITATOR, text: str = "An idea", **kw: Any) -> str:
    return str(engine.execute(c.AddNote(text=text, **kw), actor).data["note"])


def clustering(engine: Engine) -> dict[str, str]:
    """At the cluster step with notes a-d, a and b in cluster "One", c in "Two"."""
    engine.execute(c.StartSession())
    ids = {name: note(engine, text=name, category="rose") for name in "ab"}
    go(engine, "0.1")
    ids |= {name: note(engine, text=name) for name in "cd"}
    go(engine, GROUP)
    one = engine.execute(c.CreateCluster(label="One", notes=[ids["a"], ids["b"]]))
    two = engine.execute(c.CreateCluster(label="Two", notes=[ids["c"]]))
    return {**ids, "one": one.data["cluster"], "two": two.data["cluster"]}


def voting(engine: Engine) -> dict[str, str]:
    engine.execute(c.StartSession())
    first = note(engine, text="first", category="rose")
    go(engine, VOTE_NOTES)
    engine.execute(c.OpenVote())
    return {"first": first}


def at(key: str) -> Callable[[Engine], dict[str, str]]:
    def setup(engine: Engine) -> dict[str, str]:
        engine.execute(c.StartSession())
        go(engine, key)
        return {}

    return setup


def questions(engine: Engine) -> dict[str, str]:
    engine.execute(c.StartSession())
    go(engine, "0.2")
    ann, bo = join(engine, "Ann"), join(engine, "Bo")
    q1 = engine.execute(c.AskQuestion(text="Who decides?"), ann).data["question"]
    q2 = engine.execute(c.AskQuestion(text="Who decides this?"), bo).data["question"]
    q3 = engine.execute(c.AskQuestion(text="When?"), bo).data["question"]
    engine.execute(c.Upvote(question=q2), ann)
    engine.execute(c.MergeQuestions(source=q3, target=q2))
    return {"q1": q1, "q2": q2, "q3": q3, "ann": ann}


def actions(engine: Engine) -> dict[str, str]:
    engine.execute(c.StartSession())
    source = note(engine, text="Call the council")
    go(engine, "0.3")
    action = engine.execute(c.AddAction(what="Ring them", who="Ann")).data["action"]
    return {"action": action, "note": source}


def words(engine: Engine) -> dict[str, str]:
    engine.execute(c.StartSession())
    go(engine, "0.1")
    engine.execute(c.AddWords(text="Slow"), join(engine, "Ann"))
    return {}


Scenario = tuple[
    Callable[[Engine], dict[str, str]], Callable[[Engine, dict[str, str]], object], str
]
STANDARD: dict[str, Scenario] = {
    "group": (
        clustering,
        lambda e, ids: e.execute(c.CreateCluster(label="Three", notes=[ids["d"], ids["a"]])),
        "grouping 2 notes as “Three”",
    ),
    "park": (
        clustering,
        lambda e, ids: e.execute(
            c.CreateCluster(label="Parking lot", notes=[ids["d"]], parking=True)
        ),
        "parking a note",
    ),
    "merge": (
        clustering,
        lambda e, ids: e.execute(c.MergeClusters(source=ids["one"], target=ids["two"])),
        "merging “One” into “Two”",
    ),
    "rename": (
        clustering,
        lambda e, ids: e.execute(c.RenameCluster(cluster=ids["one"], label="Uno")),
        "renaming “One”",
    ),
    "move": (
        clustering,
        lambda e, ids: e.execute(c.MoveNote(note=ids["a"], cluster=ids["two"])),
        "moving a note",
    ),
    "move out": (
        clustering,
        lambda e, ids: e.execute(c.MoveNote(note=ids["a"])),
        "moving a note",
    ),
    "move several": (
        clustering,
        lambda e, ids: e.execute_many(
            [(c.MoveNote(note=ids[n], cluster=ids["two"]), FACILITATOR) for n in "abd"]
        ),
        "moving 3 notes",
    ),
    "hide": (
        clustering,
        lambda e, ids: e.execute(c.HideNote(note=ids["c"], hidden=True)),
        "hiding a note",
    ),
    "hide several": (
        clustering,
        lambda e, ids: e.execute_many(
            [(c.HideNote(note=ids[n], hidden=True), FACILITATOR) for n in "ab"]
        ),
        "hiding 2 notes",
    ),
    "reveal": (at(WRITE), lambda e, ids: e.execute(c.Reveal()), "revealing the notes"),
    "paper dot": (
        voting,
        lambda e, ids: e.execute(c.CastVote(target=ids["first"])),
        "adding a paper dot",
    ),
    "remove a paper dot": (
        lambda e: (ids := voting(e), e.execute(c.CastVote(target=ids["first"])))[0],
        lambda e, ids: e.execute(c.WithdrawVote(target=ids["first"])),
        "taking back a paper dot",
    ),
    "open the vote": (at(VOTE_NOTES), lambda e, ids: e.execute(c.OpenVote()), "opening the vote"),
    "close the vote": (voting, lambda e, ids: e.execute(c.CloseVote()), "closing the vote"),
    "paper rating": (at(RATE), lambda e, ids: e.execute(c.Rate(value=4)), "adding a paper rating"),
    "remove a paper rating": (
        lambda e: (at(RATE)(e), e.execute(c.Rate(value=4)))[0],
        lambda e, ids: e.execute(c.WithdrawPaperRating(value=4)),
        "taking back a paper rating",
    ),
    "place on the canvas": (
        lambda e: (at(MAP)(e), {"n": note(e, region="doing")})[1],
        lambda e, ids: e.execute(c.PlaceNote(note=ids["n"], region="feeling")),
        "placing a note",
    ),
    "pause input": (
        at(WRITE),
        lambda e, ids: e.execute(c.LockInput(locked=True)),
        "pausing phone input",
    ),
    "end the session": (
        lambda e: (at(WRITE)(e), e.execute(c.TimerCommand(action="start")))[0],
        lambda e, ids: e.execute(c.EndSession()),
        "ending the session",
    ),
}
KINDS: dict[str, Scenario] = {
    "merge questions": (
        questions,
        lambda e, ids: e.execute(c.MergeQuestions(source=ids["q2"], target=ids["q1"])),
        "merging two questions",
    ),
    "take a question down": (
        questions,
        lambda e, ids: e.execute(c.HideQuestion(question=ids["q1"], hidden=True)),
        "taking a question down",
    ),
    "mark answered": (
        questions,
        lambda e, ids: e.execute(c.MarkAnswered(question=ids["q1"], answered=True)),
        "marking a question answered",
    ),
    "paper upvote": (
        questions,
        lambda e, ids: e.execute(c.Upvote(question=ids["q1"])),
        "adding a paper upvote",
    ),
    "hide a word": (
        words,
        lambda e, ids: e.execute(c.HideWord(word="slow", hidden=True)),
        "taking a word out of the cloud",
    ),
    "action done": (
        actions,
        lambda e, ids: e.execute(c.MarkActionDone(action=ids["action"], done=True)),
        "marking an action done",
    ),
    "drop an action": (
        actions,
        lambda e, ids: e.execute(c.DropAction(action=ids["action"], dropped=True)),
        "dropping an action",
    ),
}


def engines(name: str) -> tuple[Engine, ListJournal, Scenario]:
    journal = ListJournal()
    if name in STANDARD:
        return make_engine(journal=journal), journal, STANDARD[name]
    engine = make_engine(kinds_plan(), kinds_methods(), journal=journal)
    return engine, journal, KINDS[name]


@pytest.mark.parametrize("name", [*STANDARD, *KINDS])
def test_undo_puts_back_and_redo_puts_forward(name: str) -> None:
    engine, journal, (setup, act, what) = engines(name)
    ids = setup(engine)
    before = content(engine)
    act(engine, ids)
    after = content(engine)
    assert after != before
    assert engine.state.undo[-1].what == what

    undone = engine.execute(c.Undo())
    assert undone.type == "undone" and undone.data["what"] == what
    assert content(engine) == before
    redone = engine.execute(c.Redo())
    assert redone.type == "redone" and redone.data["of"] == undone.data["of"]
    assert content(engine) == after
    engine.execute(c.Undo())
    assert content(engine) == before

    # the journal only grew, and replaying it gives the same state
    assert [e.seq for e in journal.events] == list(range(1, engine.state.seq + 1))
    fresh = make_engine(engine.plan, engine.methods)
    fresh.replay(journal.events)
    assert fresh.state == engine.state


@pytest.mark.parametrize("name", ["merge", "move out", "end the session", "merge questions"])
def test_a_run_resumed_from_its_snapshot_can_still_undo(name: str, tmp_path: Path) -> None:
    engine, _, (setup, act, _) = engines(name)
    ids = setup(engine)
    before = content(engine)
    act(engine, ids)
    write_snapshot(tmp_path / "snapshot.toml", engine.state)
    resumed = make_engine(
        engine.plan, engine.methods, state=read_snapshot(tmp_path / "snapshot.toml")
    )
    resumed.execute(c.Undo())
    assert content(resumed) == before


def test_undo_goes_back_through_the_history_and_a_new_action_clears_redo() -> None:
    engine = make_engine()
    ids = clustering(engine)
    states = [content(engine)]
    engine.execute(c.MoveNote(note=ids["a"], cluster=ids["two"]))
    states.append(content(engine))
    engine.execute(c.HideNote(note=ids["b"], hidden=True))
    states.append(content(engine))
    engine.execute(c.MergeClusters(source=ids["one"], target=ids["two"]))
    for expected in reversed(states):
        engine.execute(c.Undo())
        assert content(engine) == expected
    # the two cluster creations of the setup were undone too on the way
    assert ids["one"] not in engine.state.clusters or engine.state.undo
    while engine.state.undo:
        engine.execute(c.Undo())
    with pytest.raises(Rejected, match="Nothing to undo"):
        engine.execute(c.Undo())
    engine.execute(c.Redo())
    engine.execute(c.HideNote(note=ids["c"], hidden=True))
    assert not engine.state.redo
    with pytest.raises(Rejected, match="Nothing to redo"):
        engine.execute(c.Redo())


def test_the_history_is_bounded() -> None:
    engine = make_engine()
    ids = clustering(engine)
    for n in range(LIMIT + 5):
        engine.execute(c.HideNote(note=ids["a"], hidden=n % 2 == 0))
    assert len(engine.state.undo) == LIMIT
    for _ in range(LIMIT):
        engine.execute(c.Undo())
    with pytest.raises(Rejected, match="Nothing to undo"):
        engine.execute(c.Undo())


def test_phones_actions_are_not_undone_and_survive_an_undo() -> None:
    engine = make_engine()
    engine.execute(c.StartSession())
    ann = join(engine, "Ann")
    note(engine, ann, "mine", category="rose")
    with pytest.raises(Rejected, match="Nothing to undo"):
        engine.execute(c.Undo())
    engine.execute(c.Reveal())
    late = note(engine, ann, "late", category="thorn")
    engine.execute(c.Undo())
    assert not engine.state.step_state(WRITE).revealed
    assert late in engine.state.notes
    with pytest.raises(Rejected, match="Only the facilitator"):
        engine.execute(c.Undo(), ann)


def test_undoing_the_end_reopens_and_keeps_the_timer_running() -> None:
    clock = FakeClock()
    engine = make_engine(clock=clock)
    engine.execute(c.StartSession())
    engine.execute(c.TimerCommand(action="start"))
    clock.advance(60)
    engine.execute(c.EndSession())
    assert not engine.state.joining_open
    clock.advance(30)
    engine.execute(c.Undo())
    state = engine.state
    assert state.ended_at is None and state.joining_open
    assert state.timer.running and state.timer.elapsed_at(clock()) == pytest.approx(60)
    clock.advance(10)
    assert state.timer.elapsed_at(clock()) == pytest.approx(70)


def test_moving_on_after_the_end_forgets_undoing_the_end() -> None:
    engine = make_engine()
    engine.execute(c.StartSession())
    engine.execute(c.LockInput(locked=True))
    engine.execute(c.EndSession())
    engine.execute(c.NextStep())  # reopens the run
    assert [entry.type for entry in engine.state.undo] == ["input_locked"]


def test_not_undoable_actions_are_not_on_the_stack() -> None:
    engine = make_engine()
    ids = clustering(engine)
    engine.execute(c.RemoveParticipant(participant=join(engine, "Ann")))
    engine.execute(c.RedactText(item=ids["a"], reason="other"))
    engine.execute(c.EditNote(note=ids["c"], text="edited"))
    engine.execute(c.TimerCommand(action="start"))
    assert [entry.type for entry in engine.state.undo] == ["cluster_created"] * 2


def test_the_record_keeps_no_undo_history() -> None:
    engine, _, (setup, act, _) = engines("merge questions")
    act(engine, setup(engine))
    engine.execute(c.Undo())
    clean = deidentify(engine.state, lambda key: True)
    assert clean.undo == [] and clean.redo == []
