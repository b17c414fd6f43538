"""The board kept up to date from events is the board a full build gives, always.

Random sessions (the engine property test's commands, plus undo, redo and redaction,
batches and a failing disk): after every step the :class:`LiveBoard`'s board is compared
with :func:`board_model.build` on the same state, field by field and row by row.
"""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import ALL_STEPS, GROUP, MAP, WRITE, FakeClock, ListJournal, make_engine
from sessionkit.core import commands as c
from sessionkit.core import undo
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.redaction import RedactText
from sessionkit.core.state import FACILITATOR, NEWCOMER
from sessionkit.tui import board_live, board_model
from sessionkit.tui.board_live import QUIET, LiveBoard
from test_engine_properties import draw_actor, draw_command


def same_board(live: LiveBoard, engine: Engine) -> None:
    got = live.model(engine)
    want = board_model.build(engine)
    assert got.kind == want.kind
    assert [(r.kind, r.key, r.group, r.focusable) for r in got.rows] == [
        (r.kind, r.key, r.group, r.focusable) for r in want.rows
    ]
    for mine, theirs in zip(got.rows, want.rows, strict=True):
        # The very Note of the state (drawn from its fields), or an equal section.
        assert mine.ref is theirs.ref if mine.kind == "note" else mine.ref == theirs.ref
    assert got == want


def draw_any(data: st.DataObject, engine: Engine) -> c.Command:
    state = engine.state
    roll = data.draw(st.integers(0, 9), label="extra")
    if roll == 0:
        return undo.Undo()
    if roll == 1:
        return undo.Redo()
    if roll == 2 and state.notes:
        note = data.draw(st.sampled_from(list(state.notes)))
        return RedactText(item=note, reason="other")
    if roll == 3:  # the boards with notes, more often than a walk through the plan goes
        item, step = (int(p) for p in data.draw(st.sampled_from([WRITE, MAP, GROUP])).split("."))
        return c.GoTo(item=item, step=step)
    return draw_command(data, engine)


def run(engine: Engine, command: c.Command, actor: str) -> None:
    try:
        engine.execute(command, actor)
    except Rejected:
        pass


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_live_board_is_always_the_full_build(data: st.DataObject) -> None:
    journal = ListJournal()
    engine = make_engine(clock=FakeClock(), journal=journal, max_participants=3)
    live = LiveBoard()
    engine.execute(c.StartSession())
    for name in ("Ann", "Bo"):
        engine.execute(c.Join(name=name), NEWCOMER)
    same_board(live, engine)
    for _ in range(data.draw(st.integers(10, 60), label="length")):
        roll = data.draw(st.integers(0, 29), label="roll")
        if roll == 0:  # the disk fails (the engine rolls back what it had folded), recovers
            journal.fail = None if journal.fail else OSError(28, "No space left on device")
        elif roll == 3:  # the run screen lays out the next step's board ahead
            live.prepare(engine)
        elif roll in (1, 2):
            batch = []
            for _ in range(data.draw(st.integers(1, 4))):
                command = draw_any(data, engine)
                batch.append((command, draw_actor(data, command)))
            engine.execute_many(batch)
        else:
            command = draw_any(data, engine)
            run(engine, command, draw_actor(data, command))
        same_board(live, engine)
    live.close()


def draw_clustering(data: st.DataObject, engine: Engine) -> c.Command:
    """What a facilitator does on a clustering step, with the ids that exist."""
    state = engine.state
    notes = list(state.notes)
    clusters = list(state.clusters)
    some_note = st.sampled_from(notes)
    doings = ["group", "move", "move", "merge", "rename", "hide", "edit", "undo", "undo"]
    doings += ["redo", "redact", "late", "go"]
    name = data.draw(st.sampled_from(doings), label="clustering")
    if name == "group" or (not clusters and name in ("move", "merge", "rename")):
        picked = data.draw(st.lists(some_note, max_size=4, unique=True))
        return c.CreateCluster(label="theme", notes=picked, parking=data.draw(st.booleans()))
    if name == "move":
        to = data.draw(st.sampled_from([None, *clusters]))
        return c.MoveNote(note=data.draw(some_note), cluster=to)
    if name == "merge":
        source, target = data.draw(st.permutations(clusters))[:2] if len(clusters) > 1 else [""] * 2
        return c.MergeClusters(source=source or "c999", target=target or "c998")
    if name == "rename":
        return c.RenameCluster(cluster=data.draw(st.sampled_from(clusters)), label="renamed")
    if name == "hide":
        return c.HideNote(note=data.draw(some_note), hidden=data.draw(st.booleans()))
    if name == "edit":
        return c.EditNote(note=data.draw(some_note), text="edited")
    if name == "undo":
        return undo.Undo()
    if name == "redo":
        return undo.Redo()
    if name == "redact":
        return RedactText(item=data.draw(some_note), reason="personal-data")
    if name == "late":  # a phone's note for a source step, arriving while clustering
        return c.AddNote(text="late", step=WRITE, category="thorn")
    where = data.draw(st.sampled_from([WRITE, GROUP, GROUP, MAP]))
    item, step = (int(p) for p in where.split("."))
    return c.GoTo(item=item, step=step)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_clustering_merging_and_undoing_keep_the_live_board_right(data: st.DataObject) -> None:
    # Sometimes a few changes already count as a flood (laid out afresh, not followed).
    floods = data.draw(st.booleans(), label="floods")
    with patch.object(board_live, "LOTS", 1 if floods else board_live.LOTS):
        clustering_session(data, floods)


def clustering_session(data: st.DataObject, floods: bool) -> None:
    journal = ListJournal()
    engine = make_engine(clock=FakeClock(), journal=journal)
    engine.execute(c.StartSession())
    for i in range(data.draw(st.integers(2, 12), label="notes")):
        engine.execute(c.AddNote(text=f"w{i}", category=("rose", "thorn")[i % 2]))
    engine.execute(c.GoTo(item=0, step=1))
    engine.execute(c.AddNote(text="anon"))
    engine.execute(c.GoTo(item=0, step=3))
    live = LiveBoard()
    same_board(live, engine)
    rollbacks = prepared = 0
    for _ in range(data.draw(st.integers(5, 40), label="length")):
        roll = data.draw(st.integers(0, 19), label="roll")
        rollbacks += journal.fail is not None and roll != 0
        if roll == 0:
            journal.fail = None if journal.fail else OSError(28, "No space left on device")
        elif roll == 2:
            live.prepare(engine)
            prepared += 1
        elif roll == 1:  # moving several selected notes at once: one batch, undone as one
            to = data.draw(st.sampled_from([None, *engine.state.clusters]))
            picked = data.draw(st.lists(st.sampled_from(list(engine.state.notes)), max_size=4))
            engine.execute_many([(c.MoveNote(note=n, cluster=to), FACILITATOR) for n in picked])
        else:
            run(engine, draw_clustering(data, engine), FACILITATOR)
        same_board(live, engine)
    # Laid out from all the notes only on a first visit to a board, or after a rollback.
    visits = sum(1 for e in engine.history if e.type == "step_started")
    assert floods or live.rebuilt <= 1 + visits + rollbacks + prepared


def walk(engine: Engine) -> None:
    engine.execute(c.StartSession())
    for i in range(6):
        engine.execute(c.AddNote(text=f"w{i}", category="rose"), FACILITATOR)
    engine.execute(c.GoTo(item=0, step=3))


def test_a_move_looks_at_one_note_not_the_whole_board() -> None:
    engine = make_engine()
    walk(engine)
    live = LiveBoard()
    live.model(engine)
    first, second, *_ = engine.state.notes
    engine.execute(c.CreateCluster(label="Queues", notes=[first]))
    engine.execute(c.MoveNote(note=second, cluster=next(iter(engine.state.clusters))))
    engine.execute(undo.Undo())
    engine.execute(c.RenameCluster(cluster=next(iter(engine.state.clusters)), label="Waits"))
    live.model(engine)
    assert live.rebuilt == 1  # the first look only: every change since was followed
    assert live.model(engine) == board_model.build(engine)


def test_what_it_cannot_follow_makes_it_start_again() -> None:
    engine = make_engine(journal=ListJournal())
    walk(engine)
    live = LiveBoard()
    live.model(engine)
    live._heard(engine.history[-1].model_copy(update={"type": "something_new"}), engine.state)
    assert live.model(engine) == board_model.build(engine)
    engine.execute(
        c.AddNote(text="late", step=WRITE, category="rose")
    )  # a state it did not see change:
    engine.state.notes = dict(engine.state.notes)  # (as the engine's rollback does)
    assert live.model(engine) == board_model.build(engine)
    assert live.rebuilt == 3  # the first look, the unknown event, the new notes dict
    live.close()
    assert not engine._subscribers  # closing lets go of the engine


def test_every_event_type_is_followed_or_known_to_need_a_rebuild() -> None:
    # A new event type must be thought about here: quiet (nothing a board of notes
    # shows), about notes, or one that makes the board start again.
    from sessionkit.core.fold import FOLDS

    followed = {"note_added", "note_edited", "note_hidden", "action_marked", "note_moved"}
    followed |= {"note_placed", "cluster_created", "text_redacted", "undone", "redone"}
    rebuilt = {"note_picked", "groups_formed", "group_member_moved"}
    assert set(FOLDS) == (QUIET & set(FOLDS)) | followed | rebuilt, sorted(
        set(FOLDS) - QUIET - followed - rebuilt
    )
    assert ALL_STEPS  # the plan the random sessions walk
