"""Random sessions: whatever anyone sends, in any order, the engine's promises hold.

Each example drives one engine through a random sequence of commands from the
facilitator, newcomers and a few participants (ids and targets drawn from what exists at
that moment, plus a few that do not), with the clock moving, the odd batch and the odd
disk failure. After every command the invariants below are checked.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import event as note_event
from hypothesis import strategies as st

from factories import (
    ALL_STEPS,
    GROUP,
    SORT,
    VOTE_NOTES,
    VOTE_THEMES,
    WRITE,
    FakeClock,
    ListJournal,
    make_engine,
)
from sessionkit.core import commands as c
from sessionkit.core import read
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.errors import CODES
from sessionkit.core.method import CanvasInput, ClusterInput, NotesInput, VoteInput
from sessionkit.core.state import FACILITATOR, NEWCOMER, Event

F = FACILITATOR
PARTICIPANTS = ["p1", "p2", "p3", "p4"]
PRIVATE_STEPS = {WRITE}
"""The standard plan's private steps, stated independently of the engine."""

KEYS = [*ALL_STEPS, "0", "9.0", "-1.0", "0.9"]
TEXTS = ["idea", "Queue at reception", "idea", "", "\x1b[31m"]
CLIENT_IDS = [None, None, "a", "b", "c"]


def _pick(data: st.DataObject, existing: list[str], missing: str) -> str:
    return data.draw(st.sampled_from([*existing, missing]) if existing else st.just(missing))


def draw_command(data: st.DataObject, engine: Engine) -> c.Command:
    state = engine.state
    note_ids = list(state.notes)
    cluster_ids = list(state.clusters)

    def note():
        return _pick(data, note_ids, "n999")

    def cluster():
        return _pick(data, cluster_ids, "c999")

    def client_id():
        return data.draw(st.sampled_from(CLIENT_IDS))

    def goto() -> c.Command:
        key = data.draw(st.sampled_from([*ALL_STEPS, *ALL_STEPS, "4.0", "0.7", "1.1"]))
        item, step = (int(p) for p in key.split("."))
        return c.GoTo(item=item, step=step)

    def add_note() -> c.Command:
        category = data.draw(st.sampled_from([None, "rose", "thorn", "bud"]))
        region = data.draw(st.sampled_from([None, "doing", "feeling", "roof"]))
        if data.draw(st.booleans()):  # mostly what the current step asks for
            _, step = engine.step_def() if state.started else (None, None)
            spec = step.input if step is not None else None
            category = category if getattr(spec, "categories", None) else None
            region = region if isinstance(spec, CanvasInput) else None
        return c.AddNote(
            text=data.draw(st.sampled_from(TEXTS)),
            category=category,
            region=region,
            step=data.draw(st.sampled_from(KEYS)) if data.draw(st.integers(0, 3)) == 0 else None,
            author_name=data.draw(st.sampled_from([None, "Dee"])),
            client_id=client_id(),
        )

    def vote_target() -> str:
        targets = engine.vote_targets()
        pool = [*targets, *targets, *note_ids[:2], *cluster_ids[:2], "n999"]
        return data.draw(st.sampled_from(pool))

    makers = {
        "start": lambda: c.StartSession(),
        "goto": goto,
        "next": lambda: c.NextStep(),
        "previous": lambda: c.PreviousStep(),
        "end": lambda: c.EndSession(),
        "timer": lambda: c.TimerCommand(
            action=data.draw(st.sampled_from(["start", "pause", "toggle", "extend", "reset"])),
            seconds=data.draw(st.integers(1, 600)),
        ),
        "join": lambda: c.Join(
            name=data.draw(st.sampled_from([None, "Ann", "Bo"])), client_id=client_id()
        ),
        "remove": lambda: c.RemoveParticipant(participant=data.draw(st.sampled_from(PARTICIPANTS))),
        "add_note": add_note,
        "edit_note": lambda: c.EditNote(
            note=note(),
            text=data.draw(st.sampled_from([None, *TEXTS])),
            category=data.draw(st.sampled_from([None, "rose", "thorn", "bud"])),
            region=data.draw(st.sampled_from([None, "doing", "roof"])),
        ),
        "hide": lambda: c.HideNote(note=note(), hidden=data.draw(st.booleans())),
        "mark": lambda: c.MarkAction(note=note(), owner=data.draw(st.sampled_from([None, "Dee"]))),
        "reveal": lambda: c.Reveal(
            step=data.draw(st.sampled_from(KEYS)) if data.draw(st.booleans()) else None
        ),
        "lock": lambda: c.LockInput(locked=data.draw(st.booleans())),
        "summary": lambda: c.SetSummary(text="so far"),
        "create_cluster": lambda: c.CreateCluster(
            label="theme",
            notes=data.draw(st.lists(st.sampled_from([*note_ids, "n999"]), max_size=3)),
            parking=data.draw(st.booleans()),
        ),
        "rename_cluster": lambda: c.RenameCluster(cluster=cluster(), label="renamed"),
        "merge": lambda: c.MergeClusters(source=cluster(), target=cluster()),
        "move": lambda: c.MoveNote(
            note=note(), cluster=data.draw(st.sampled_from([None, *cluster_ids, "c999"]))
        ),
        "place": lambda: c.PlaceNote(
            note=note(), region=data.draw(st.sampled_from(["doing", "feeling", "x"]))
        ),
        "open_vote": lambda: c.OpenVote(),
        "close_vote": lambda: c.CloseVote(),
        "cast": lambda: c.CastVote(target=vote_target(), client_id=client_id()),
        "withdraw": lambda: c.WithdrawVote(target=vote_target(), client_id=client_id()),
        "rate": lambda: c.Rate(value=data.draw(st.integers(-1, 7)), client_id=client_id()),
    }
    _, step = engine.step_def() if state.started else (None, None)
    kind = step.input.kind if step is not None else "none"
    relevant = RELEVANT.get(kind, ["next"])
    if data.draw(st.integers(0, 9), label="relevant") < 8:
        name = data.draw(st.sampled_from(relevant), label="command")
    else:
        name = data.draw(st.sampled_from(list(makers)), label="command")
    return makers[name]()


RELEVANT = {
    # What people mostly do on each kind of step (the rest of the time: anything). A
    # workshop mostly moves on step by step, so "next" is the usual way out.
    "notes": ["add_note"] * 8 + ["edit_note", "hide", "reveal", "next"],
    "canvas": ["add_note"] * 6 + ["place", "edit_note", "next"],
    "cluster": ["create_cluster"] * 3 + ["move"] * 4 + ["merge", "rename_cluster", "next"],
    "vote": ["cast"] * 8 + ["withdraw"] * 2 + ["open_vote"] * 3 + ["next"],
    "rating": ["rate"] * 4 + ["next"],
    "discussion": ["summary", "next"],
}


def draw_actor(data: st.DataObject, command: c.Command) -> str:
    if isinstance(command, c.Join):
        pool = [NEWCOMER, NEWCOMER, NEWCOMER, F, "p1"]
    elif isinstance(command, c.PARTICIPANT_COMMANDS):
        pool = [*PARTICIPANTS[:3] * 3, "p4", F, F, F, NEWCOMER]
    else:
        pool = [F] * 8 + ["p1", NEWCOMER]
    return data.draw(st.sampled_from(pool), label="actor")


# ------------------------------------------------------------------ invariants


def check_invariants(engine: Engine) -> None:
    state = engine.state

    for key, ballots in state.votes.items():
        _, step = engine.step_def(key)
        assert step is not None and isinstance(step.input, VoteInput)
        spec = step.input
        for voter, ballot in ballots.items():
            assert all(dots > 0 for dots in ballot.values())
            if voter == F:
                continue  # paper dots are not budgeted
            assert sum(ballot.values()) <= spec.dots_per_person, (key, voter, ballot)
            assert max(ballot.values(), default=0) <= spec.max_per_item, (key, voter, ballot)

    assert set(state.steps) <= set(ALL_STEPS)  # reveal/lock/vote flags under canonical keys
    assert set(state.votes) <= set(ALL_STEPS) and set(state.ratings) <= set(ALL_STEPS)
    for n in state.notes.values():
        assert n.step in ALL_STEPS, f"{n.id} filed under {n.step!r}"
        _, step = engine.step_def(n.step)
        assert step is not None and isinstance(step.input, (NotesInput, CanvasInput))
        if n.cluster is not None:
            assert n.cluster in state.clusters, f"{n.id} is in a cluster that is gone"
            home = state.clusters[n.cluster].step
            assert n.step in engine.cluster_sources(home), (n.id, n.step, home)
        for viewer in PARTICIPANTS:
            expected = viewer == n.author or (
                not n.hidden and (n.step not in PRIVATE_STEPS or state.step_state(n.step).revealed)
            )
            assert engine.visible_to(n.id, viewer) == expected, (n.id, viewer)
        assert engine.visible_to(n.id, F)

    for key in {n.step for n in state.notes.values()}:
        _, step = engine.step_def(key)
        for person in state.participants:
            assert len(state.notes_by(key, person)) <= step.input.max_per_person  # type: ignore[union-attr]
            # The engine's running count (no scan per note) agrees with a scan.
            assert engine.notes_written(key, person) == len(state.notes_by(key, person))

    # The engine's direct check of a dot's target agrees with the full list of targets.
    candidates = [*state.notes, *state.clusters, "n999", "c999", ""]
    for key in (VOTE_NOTES, VOTE_THEMES, WRITE):
        targets = set(engine.vote_targets(key))
        for target in candidates:
            assert read.is_vote_target(state, engine.items, key, target) == (target in targets), (
                key,
                target,
            )

    for cl in state.clusters.values():
        assert cl.step in ALL_STEPS
        _, step = engine.step_def(cl.step)
        assert step is not None and isinstance(step.input, ClusterInput)
        assert not cl.parking or step.input.parking_lot


def check_replay(engine: Engine) -> None:
    fresh = make_engine(engine.plan, engine.methods, clock=FakeClock())
    fresh.replay(engine.history)
    assert fresh.state.model_dump() == engine.state.model_dump()


# ------------------------------------------------------------------ the property


def run_one(engine: Engine, command: c.Command, actor: str, journal: ListJournal) -> None:
    state = engine.state
    before = state.model_dump()
    history = list(engine.history)
    removed = actor in state.participants and state.participants[actor].removed
    known = state.receipts.get(f"{actor}/{getattr(command, 'client_id', None)}")
    try:
        event = engine.execute(command, actor)
    except Rejected as rejection:
        assert rejection.code in CODES
        assert str(rejection)
        note_event(f"rejected: {rejection.code}")
        if rejection.code == "storage":
            assert journal.fail is not None and engine.storage_error
        assert engine.state.model_dump() == before, f"rejected {command!r} changed the state"
        assert engine.history == history
        return
    if known is not None and getattr(command, "client_id", None) is not None:
        assert event.seq == known  # a resend: the original answer, nothing new
        assert engine.state.model_dump() == before
        return
    note_event(f"accepted: {event.type}")
    assert journal.fail is None, "an event got in while the journal was failing"
    assert engine.storage_error is None
    assert not removed or isinstance(command, c.Join), f"removed {actor} got {command!r} in"
    assert event.seq == len(history) + 1 == engine.state.seq
    clustering = {"cluster_created", "cluster_renamed", "clusters_merged", "note_moved"}
    touched = [event.data.get(k) for k in ("cluster", "source", "target")]
    for cid in filter(None, touched if event.type in clustering else []):
        now = engine.state
        assert now.clusters.get(cid) is None or now.clusters[cid].step == now.step_key, (
            f"{command!r} reached cluster {cid} of another step"
        )
    assert engine.history == [*history, event]


def run_batch(engine: Engine, batch: list[tuple[c.Command, str]], journal: ListJournal) -> None:
    before = engine.state.model_dump()
    history = list(engine.history)
    results = engine.execute_many(batch)
    assert len(results) == len(batch)
    fresh = [r for r in results if isinstance(r, Event) and r.seq > len(history)]
    if journal.fail is not None:  # nothing may look accepted, not even an in-batch resend
        assert all(isinstance(r, Rejected) or r.seq <= len(history) for r in results), results
        assert engine.state.model_dump() == before
    new = engine.history[len(history) :]
    assert sorted({e.seq for e in fresh}) == [e.seq for e in new]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_sessions_keep_their_promises(data: st.DataObject) -> None:
    clock = FakeClock()
    journal = ListJournal()
    engine = make_engine(clock=clock, journal=journal, max_participants=3)
    if data.draw(st.integers(0, 4), label="prelude"):  # mostly: a room that has begun
        engine.execute(c.StartSession())
        for name in ("Ann", "Bo", "Cy")[: data.draw(st.integers(2, 3))]:
            engine.execute(c.Join(name=name), NEWCOMER)
        if data.draw(st.booleans(), label="seed notes"):  # some notes, then anywhere
            for i in range(data.draw(st.integers(1, 4))):
                engine.execute(c.AddNote(text=f"w{i}", category="rose"), f"p{i % 2 + 1}")
            engine.execute(c.GoTo(item=0, step=1))
            for i in range(data.draw(st.integers(0, 3))):
                engine.execute(c.AddNote(text=f"a{i}"), f"p{i % 2 + 1}")
            if data.draw(st.booleans(), label="cluster first"):
                engine.execute(c.GoTo(item=0, step=3))
                first = next(iter(engine.state.notes))
                engine.execute(c.CreateCluster(label="seed", notes=[first]))
            where = data.draw(st.sampled_from([VOTE_NOTES, VOTE_NOTES, GROUP, SORT, *ALL_STEPS]))
            item, step = (int(p) for p in where.split("."))
            engine.execute(c.GoTo(item=item, step=step))
            if where == VOTE_NOTES and data.draw(st.booleans()):
                engine.execute(c.OpenVote())
    steps = data.draw(st.integers(10, 80), label="length")
    for _ in range(steps):
        clock.advance(data.draw(st.sampled_from([0, 0, 1, 30, 400])))
        roll = data.draw(st.integers(0, 39), label="roll")
        if roll == 0 or (journal.fail is not None and roll < 10):  # the disk fails, recovers
            journal.fail = None if journal.fail else OSError(28, "No space left on device")
            continue
        if roll in (1, 2):
            batch = []
            for _ in range(data.draw(st.integers(1, 4))):
                command = draw_command(data, engine)
                batch.append((command, draw_actor(data, command)))
            run_batch(engine, batch, journal)
        else:
            command = draw_command(data, engine)
            run_one(engine, command, draw_actor(data, command), journal)
        check_invariants(engine)
        assert journal.events == engine.history
        check_replay(engine)
