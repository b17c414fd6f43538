"""The facilitation engine: every command, every rule, and the commit path.

Plans and methods come from ``factories.standard_plan`` (see the step keys there). Every
rejection is checked three ways: its code, words a person would read in its message, and
that the state is exactly as it was (``model_dump`` before and after).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from factories import (
    ALL_STEPS,
    ANON,
    BREAK,
    CLOSE,
    GROUP,
    JOT,
    MAP,
    RATE,
    SORT,
    T0,
    TALK,
    VOTE_NOTES,
    VOTE_THEMES,
    WRITE,
    FakeClock,
    ListJournal,
    go,
    join,
    make_engine,
    make_method,
    make_plan,
    step,
)
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.state import FACILITATOR, NEWCOMER, Event

F = FACILITATOR


# ------------------------------------------------------------------ helpers and fixtures


def rejected(
    engine: Engine, command: c.Command, actor: str = F, *, code: str, says: str | tuple[str, ...]
) -> Rejected:
    """Assert ``command`` is rejected with ``code`` and a message containing ``says``,
    and that neither the state nor the history moved."""
    before = engine.state.model_dump()
    history = list(engine.history)
    with pytest.raises(Rejected) as info:
        engine.execute(command, actor)
    message = str(info.value)
    for fragment in (says,) if isinstance(says, str) else says:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert info.value.code == code, message
    assert engine.state.model_dump() == before
    assert engine.history == history
    return info.value


def note(engine: Engine, actor: str = F, text: str = "An idea", **kw: Any) -> str:
    """Add a note; return its id."""
    return engine.execute(c.AddNote(text=text, **kw), actor).data["note"]


def cluster(engine: Engine, label: str, notes: Sequence[str] = (), **kw: Any) -> str:
    return engine.execute(c.CreateCluster(label=label, notes=list(notes), **kw)).data["cluster"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal() -> ListJournal:
    return ListJournal()


@pytest.fixture
def engine(clock: FakeClock, journal: ListJournal) -> Engine:
    return make_engine(clock=clock, journal=journal)


@pytest.fixture
def room(engine: Engine) -> Engine:
    """Started at the first step, with p1 (Ann) and p2 (Bo) joined."""
    engine.execute(c.StartSession())
    assert join(engine, "Ann") == "p1"
    assert join(engine, "Bo") == "p2"
    return engine


# ------------------------------------------------------------------ navigation


def test_new_engine_is_not_started(engine: Engine) -> None:
    assert not engine.state.started
    assert engine.state.run_id == "run-test"
    assert engine.state.plan_id == "test-plan"
    assert engine.state.created_at == T0
    assert engine.state.seq == 0


def test_start_session_opens_the_first_step(engine: Engine) -> None:
    event = engine.execute(c.StartSession())
    assert event.type == "step_started"
    assert event.data == {"item": 0, "step": 0, "seconds": 600}
    assert engine.state.started and engine.state.step_key == WRITE
    assert engine.state.timer.duration == 600 and not engine.state.timer.running
    rejected(engine, c.StartSession(), code="conflict", says="already started")


def test_next_step_walks_the_whole_plan_including_the_break(engine: Engine) -> None:
    seen = []
    seconds = []
    for _ in ALL_STEPS:
        event = engine.execute(c.NextStep())  # the first one starts the session
        seen.append(engine.state.step_key)
        seconds.append(event.data["seconds"])
    assert seen == list(ALL_STEPS)
    assert seconds[ALL_STEPS.index(BREAK)] == 15 * 60
    assert seconds[ALL_STEPS.index(RATE)] == 3 * 60
    rejected(
        engine, c.NextStep(), code="conflict", says=("last step of the plan", "End the session")
    )


def test_previous_step_crosses_items_and_stops_at_the_first(engine: Engine) -> None:
    rejected(engine, c.PreviousStep(), code="conflict", says="first step of the plan")
    go(engine, RATE)
    engine.execute(c.PreviousStep())
    assert engine.state.step_key == BREAK
    engine.execute(c.PreviousStep())
    assert engine.state.step_key == TALK  # the last step of the item before
    go(engine, ANON)
    engine.execute(c.PreviousStep())
    assert engine.state.step_key == WRITE
    rejected(engine, c.PreviousStep(), code="conflict", says="first step of the plan")


def test_goto_checks_bounds(engine: Engine) -> None:
    rejected(
        engine, c.GoTo(item=4), code="invalid", says="There is no agenda item 5; the plan has 4."
    )
    rejected(
        engine, c.GoTo(item=0, step=7), code="invalid", says="Agenda item 1 has 7 step(s), not 8."
    )
    rejected(
        engine, c.GoTo(item=1, step=1), code="invalid", says="Agenda item 2 has 1 step(s), not 2."
    )
    event = go(engine, SORT)  # goto also starts the session
    assert engine.state.started and engine.state.step_key == SORT
    assert event.data["seconds"] == 6 * 60
    go(engine, BREAK)
    assert engine.state.step_key == BREAK
    assert engine.prompt() == "Break"


def test_step_time_is_accounted_in_spans(engine: Engine, clock: FakeClock) -> None:
    engine.execute(c.StartSession())
    clock.advance(30)
    engine.execute(c.NextStep())
    clock.advance(20)
    go(engine, WRITE)  # revisiting adds to the same span
    clock.advance(5)
    engine.execute(c.EndSession())
    spans = engine.state.step_spans
    assert spans[WRITE].seconds == 35 and spans[WRITE].started_at == T0
    assert spans[ANON].seconds == 20
    assert engine.state.items["0"].seconds == 55
    assert engine.state.items["0"].ended_at == T0 + 55


def test_end_session_and_reopening(room: Engine, clock: FakeClock) -> None:
    clock.advance(10)
    event = room.execute(c.EndSession())
    assert event.type == "session_ended"
    assert room.state.ended_at == T0 + 10
    rejected(room, c.EndSession(), code="conflict", says="already ended")
    rejected(
        room,
        c.AddNote(text="late", category="rose"),
        "p1",
        code="locked",
        says="The session has ended. Thank you for taking part.",
    )
    room.execute(c.NextStep())  # moving on reopens the run
    assert room.state.ended_at is None
    assert room.state.step_key == ANON
    note(room, "p1", "back again")


@pytest.mark.parametrize(
    "command",
    [
        c.StartSession(),
        c.NextStep(),
        c.PreviousStep(),
        c.GoTo(item=0),
        c.EndSession(),
        c.TimerCommand(action="start"),
        c.RemoveParticipant(participant="p2"),
        c.HideNote(note="n3"),
        c.MarkAction(note="n3"),
        c.Reveal(),
        c.LockInput(),
        c.SetSummary(text="x"),
        c.CreateCluster(label="x"),
        c.RenameCluster(cluster="c1", label="x"),
        c.MergeClusters(source="c1", target="c2"),
        c.MoveNote(note="n3"),
        c.PlaceNote(note="n3", region="doing"),
        c.OpenVote(),
        c.CloseVote(),
    ],
)
def test_participants_cannot_run_the_session(room: Engine, command: c.Command) -> None:
    note(room, "p1", category="rose")
    rejected(room, command, "p1", code="forbidden", says="Only the facilitator can do that.")


# ------------------------------------------------------------------ timer


def test_timer_start_pause_toggle_extend_reset(engine: Engine, clock: FakeClock) -> None:
    rejected(
        engine, c.TimerCommand(action="start"), code="conflict", says="Start the session first."
    )
    engine.execute(c.StartSession())

    def timer():
        return engine.state.timer

    assert timer().remaining_at(clock()) == 600

    engine.execute(c.TimerCommand(action="start"))
    assert timer().running
    clock.advance(100)
    assert timer().remaining_at(clock()) == 500
    engine.execute(c.TimerCommand(action="start"))  # already running: no change
    assert timer().running_since == T0

    engine.execute(c.TimerCommand(action="pause"))
    clock.advance(50)
    assert not timer().running and timer().remaining_at(clock()) == 500

    engine.execute(c.TimerCommand(action="toggle"))
    assert timer().running
    clock.advance(10)
    assert timer().remaining_at(clock()) == 490
    engine.execute(c.TimerCommand(action="toggle"))
    assert not timer().running
    clock.advance(1000)
    assert timer().remaining_at(clock()) == 490

    event = engine.execute(c.TimerCommand(action="extend", seconds=120))
    assert event.data == {"action": "extend", "seconds": 120}
    assert timer().duration == 720 and timer().remaining_at(clock()) == 610

    engine.execute(c.TimerCommand(action="reset"))
    assert timer().duration == 600 and timer().elapsed == 0 and not timer().running
    assert timer().remaining_at(clock()) == 600


def test_timer_overrun_is_negative_and_a_new_step_resets_it(
    engine: Engine, clock: FakeClock
) -> None:
    engine.execute(c.StartSession())
    engine.execute(c.TimerCommand(action="start"))
    clock.advance(660)
    assert engine.state.timer.remaining_at(clock()) == -60
    engine.execute(c.NextStep())
    assert engine.state.timer.duration == 300 and not engine.state.timer.running
    assert engine.state.timer.remaining_at(clock()) == 300


def test_ending_the_session_stops_the_timer(engine: Engine, clock: FakeClock) -> None:
    engine.execute(c.StartSession())
    engine.execute(c.TimerCommand(action="start"))
    clock.advance(40)
    engine.execute(c.EndSession())
    clock.advance(100)
    assert not engine.state.timer.running
    assert engine.state.timer.remaining_at(clock()) == 560


# ------------------------------------------------------------------ participants


def test_join_gives_ids_and_names(engine: Engine, clock: FakeClock) -> None:
    event = engine.execute(c.Join(name="  Ann  ", key="secret"), NEWCOMER)
    assert event.type == "participant_joined" and event.actor == NEWCOMER
    person = engine.state.participants["p1"]
    assert (person.name, person.key, person.joined_at) == ("Ann", "secret", T0)
    assert join(engine) == "p2"
    assert engine.state.participants["p2"].name is None
    assert join(engine, "\x1b") == "p3"  # only control characters: no name
    assert engine.state.participants["p3"].name is None


def test_join_is_limited_to_max_participants(clock: FakeClock) -> None:
    engine = make_engine(clock=clock, max_participants=2)
    join(engine, "Ann")
    join(engine, "Bo")
    rejected(
        engine,
        c.Join(name="Cy"),
        NEWCOMER,
        code="limit",
        says=("This session is full (2 people)", "Ask the facilitator"),
    )
    engine.execute(c.RemoveParticipant(participant="p1"))
    assert join(engine, "Cy") == "p3"  # a removed person frees a place


def test_removed_participants_are_shut_out(room: Engine) -> None:
    rejected(
        room, c.RemoveParticipant(participant="p9"), code="not_found", says="No participant p9."
    )
    first = note(room, "p1", category="rose")
    room.execute(c.RemoveParticipant(participant="p1"))
    assert room.state.participants["p1"].removed
    assert [p.id for p in room.state.active_participants()] == ["p2"]
    rejected(
        room,
        c.RemoveParticipant(participant="p1"),
        code="conflict",
        says="p1 has already been removed.",
    )
    for command in (
        c.AddNote(text="more", category="rose"),
        c.EditNote(note=first, text="changed"),
        c.Rate(value=3),
    ):
        rejected(
            room, command, "p1", code="forbidden", says="You are not part of this session any more."
        )
    assert room.state.notes[first].text == "An idea"  # what they wrote stays


def test_unknown_and_newcomer_actors_are_forbidden(room: Engine) -> None:
    for actor in ("p99", NEWCOMER):
        rejected(
            room,
            c.AddNote(text="hi", category="rose"),
            actor,
            code="forbidden",
            says="not part of this session",
        )


def test_participants_wait_for_the_start(engine: Engine) -> None:
    join(engine, "Ann")
    rejected(
        engine,
        c.AddNote(text="early"),
        "p1",
        code="locked",
        says="The session has not started yet.",
    )
    rejected(engine, c.AddNote(text="early"), code="conflict", says="Start the session first.")


# ------------------------------------------------------------------ notes


def test_participant_note_on_a_named_step_keeps_their_name(room: Engine, clock: FakeClock) -> None:
    clock.advance(3)
    event = room.execute(
        c.AddNote(text=" Kind staff ", category="rose", author_name="Someone else"), "p1"
    )
    assert event.type == "note_added" and event.actor == "p1"
    n = room.state.notes[event.data["note"]]
    assert (n.text, n.step, n.author, n.category, n.created_at) == (
        "Kind staff",
        WRITE,
        "p1",
        "rose",
        T0 + 3,
    )
    assert n.author_name == "Ann"  # their own name, not what the phone claimed


def test_anonymous_steps_drop_author_names(room: Engine) -> None:
    go(room, ANON)
    mine = room.state.notes[note(room, "p1")]
    paper = room.state.notes[note(room, F, "From paper", author_name="Dee")]
    assert mine.author_name is None and mine.author == "p1"
    assert paper.author_name is None and paper.author == F
    assert "author_name" not in room.history[-1].data


def test_facilitator_paper_notes_can_go_to_another_step(room: Engine) -> None:
    go(room, TALK)
    event = room.execute(
        c.AddNote(text="From the wall", category="thorn", step=WRITE, author_name="Dee")
    )
    n = room.state.notes[event.data["note"]]
    assert (n.step, n.author, n.author_name) == (WRITE, F, "Dee")
    # A short key is stored in the canonical form the state uses.
    short = room.state.notes[note(room, F, "Also", step="0", category="rose")]
    assert short.step == WRITE and short in room.state.notes_in(WRITE)
    rejected(
        room,
        c.AddNote(text="x", step="-4.0", category="rose"),
        code="not_found",
        says="No step '-4.0' in this plan.",
    )
    rejected(room, c.AddNote(text="x", step="9.0"), code="not_found", says="No step '9.0'")
    rejected(room, c.AddNote(text="x", step="0.x"), code="not_found", says="No step '0.x'")
    rejected(room, c.AddNote(text="x", step=BREAK), code="not_found", says="No step '1.0'")
    rejected(
        room,
        c.AddNote(text="x", step=RATE),
        code="conflict",
        says="This step does not collect notes.",
    )


def test_participants_only_write_on_the_current_step(room: Engine) -> None:
    go(room, ANON)
    rejected(
        room,
        c.AddNote(text="x", step=WRITE, category="rose"),
        "p1",
        code="forbidden",
        says="Notes can only be added to the current step.",
    )
    assert room.state.notes[note(room, "p1", step=ANON)].step == ANON


@pytest.mark.parametrize("where", [TALK, BREAK, RATE, GROUP, VOTE_NOTES])
def test_steps_that_do_not_collect_notes(room: Engine, where: str) -> None:
    go(room, where)
    for actor in (F, "p1"):
        rejected(
            room,
            c.AddNote(text="x"),
            actor,
            code="conflict",
            says="This step does not collect notes.",
        )


def test_max_notes_per_person(room: Engine) -> None:
    for i in range(3):
        note(room, "p1", f"idea {i}", category="rose")
    rejected(
        room,
        c.AddNote(text="one more", category="rose"),
        "p1",
        code="limit",
        says="You have added 3 notes, the most this step allows.",
    )
    note(room, "p2", category="thorn")  # the limit is per person
    for i in range(5):  # the facilitator (typing up paper) has no limit
        note(room, F, f"paper {i}", category="thorn")
    room.execute(c.HideNote(note="n3"))
    rejected(
        room,
        c.AddNote(text="one more", category="rose"),
        "p1",
        code="limit",
        says="You have added 3 notes",
    )  # hiding does not give a place back


def test_categories_are_required_and_checked(room: Engine) -> None:
    rejected(
        room, c.AddNote(text="x"), "p1", code="invalid", says="Choose a kind of note: Rose, Thorn."
    )
    rejected(
        room,
        c.AddNote(text="x", category="bud"),
        "p1",
        code="invalid",
        says="Unknown kind of note 'bud' (expected: rose, thorn).",
    )
    go(room, ANON)
    rejected(
        room,
        c.AddNote(text="x", category="rose"),
        "p1",
        code="invalid",
        says="Unknown kind of note 'rose' (expected: none on this step).",
    )


def test_canvas_needs_a_known_region(room: Engine) -> None:
    go(room, MAP)
    rejected(
        room,
        c.AddNote(text="x"),
        "p1",
        code="invalid",
        says="Choose where on the canvas this note goes: Doing, Feeling.",
    )
    rejected(
        room,
        c.AddNote(text="x", region="hearing"),
        "p1",
        code="invalid",
        says="Unknown place on the canvas 'hearing' (expected: doing, feeling).",
    )
    n = room.state.notes[note(room, "p1", region="feeling")]
    assert (n.step, n.region) == (MAP, "feeling")
    go(room, ANON)
    rejected(
        room,
        c.AddNote(text="x", region="doing"),
        "p1",
        code="invalid",
        says="Unknown place on the canvas 'doing' (expected: none on this step).",
    )


@pytest.mark.parametrize("text", ["", "   ", "\x1b\x07", " \x00 "])
def test_notes_need_text(room: Engine, text: str) -> None:
    rejected(
        room,
        c.AddNote(text=text, category="rose"),
        "p1",
        code="invalid",
        says="A note needs some text.",
    )


def test_note_text_loses_control_characters(room: Engine) -> None:
    n = room.state.notes[
        note(room, "p1", "\x1b]8;;http://evil\x07link\x1b]8;;\x07 here", category="rose")
    ]
    assert "\x1b" not in n.text and "\x07" not in n.text
    assert n.text.endswith("link]8;; here")  # the escape is defused; printable residue stays


def test_edit_own_note_only(room: Engine, clock: FakeClock) -> None:
    mine = note(room, "p1", category="rose")
    clock.advance(7)
    event = room.execute(c.EditNote(note=mine, text="Better idea", category="thorn"), "p1")
    assert event.type == "note_edited"
    n = room.state.notes[mine]
    assert (n.text, n.category, n.edited_at) == ("Better idea", "thorn", T0 + 7)
    rejected(
        room,
        c.EditNote(note=mine, text="Mine now"),
        "p2",
        code="forbidden",
        says="You can only edit your own notes.",
    )
    room.execute(c.EditNote(note=mine, text="Typo fixed"))  # the facilitator edits any
    assert room.state.notes[mine].text == "Typo fixed"
    rejected(room, c.EditNote(note="n99", text="x"), "p1", code="not_found", says="No note n99.")


def test_edit_rules(room: Engine) -> None:
    mine = note(room, "p1", category="rose")
    rejected(
        room,
        c.EditNote(note=mine, text="  "),
        "p1",
        code="invalid",
        says="A note needs some text. Hide it instead of emptying it.",
    )
    rejected(room, c.EditNote(note=mine), "p1", code="invalid", says="Nothing to change.")
    rejected(
        room,
        c.EditNote(note=mine, category="bud"),
        "p1",
        code="invalid",
        says="Unknown kind of note 'bud'",
    )
    rejected(
        room,
        c.EditNote(note=mine, region="doing"),
        code="invalid",
        says="Unknown place on the canvas 'doing'",
    )
    go(room, ANON)
    rejected(
        room,
        c.EditNote(note=mine, text="later"),
        "p1",
        code="conflict",
        says="That step has finished; the note can no longer be edited.",
    )
    room.execute(c.EditNote(note=mine, text="later"))  # the facilitator still can
    go(room, MAP)
    placed = note(room, "p1", region="doing")
    room.execute(c.EditNote(note=placed, region="feeling"), "p1")
    assert room.state.notes[placed].region == "feeling"


def test_hide_and_unhide(room: Engine) -> None:
    n = note(room, "p1", category="rose")
    rejected(room, c.HideNote(note="n99"), code="not_found", says="No note n99.")
    room.execute(c.HideNote(note=n))
    assert room.state.notes[n].hidden
    room.execute(c.HideNote(note=n, hidden=False))
    assert not room.state.notes[n].hidden


def test_visibility_private_until_revealed(room: Engine) -> None:
    n = note(room, "p1", category="rose")  # WRITE is private
    assert room.visible_to(n, "p1") and room.visible_to(n, F)
    assert not room.visible_to(n, "p2")
    room.execute(c.Reveal())
    assert room.visible_to(n, "p2")


def test_hidden_notes_never_reach_others(room: Engine) -> None:
    private = note(room, "p1", category="rose")
    room.execute(c.HideNote(note=private))
    room.execute(c.Reveal())
    assert not room.visible_to(private, "p2")
    assert room.visible_to(private, "p1") and room.visible_to(private, F)
    go(room, ANON)  # an open step: seen at once, unless hidden
    open_note = note(room, "p1")
    assert room.visible_to(open_note, "p2")
    room.execute(c.HideNote(note=open_note))
    assert not room.visible_to(open_note, "p2") and room.visible_to(open_note, "p1")
    room.execute(c.HideNote(note=open_note, hidden=False))
    assert room.visible_to(open_note, "p2")


def test_reveal_rules(room: Engine) -> None:
    event = room.execute(c.Reveal())
    assert event.data == {"step": WRITE}
    assert room.state.step_state(WRITE).revealed
    rejected(room, c.Reveal(), code="conflict", says="These notes are already revealed.")
    rejected(room, c.Reveal(step="0"), code="conflict", says="already revealed")
    go(room, TALK)
    rejected(
        room, c.Reveal(), code="conflict", says="Only a step that collects notes can be revealed."
    )
    room.execute(c.Reveal(step=MAP))  # another step, by key; canvases collect notes too
    assert room.state.step_state(MAP).revealed
    rejected(room, c.Reveal(step="7.0"), code="not_found", says="No step '7.0' in this plan.")
    rejected(room, c.Reveal(step=RATE), code="conflict", says="Only a step that collects notes")


def test_lock_input(room: Engine) -> None:
    room.execute(c.LockInput())
    assert room.state.step_state(WRITE).locked
    for command in (c.AddNote(text="x", category="rose"), c.Rate(value=1)):
        rejected(
            room,
            command,
            "p1",
            code="locked",
            says="The facilitator has paused input for this step.",
        )
    note(room, F, category="rose")  # the facilitator still types
    assert join(room, "Cy") == "p4"  # joining is not input
    room.execute(c.LockInput(locked=False))
    note(room, "p1", category="rose")
    room.execute(c.LockInput())
    go(room, ANON)  # the lock belongs to its step
    note(room, "p1")


def test_lock_and_summary_need_a_started_session(engine: Engine) -> None:
    rejected(engine, c.LockInput(), code="conflict", says="Start the session first.")
    rejected(engine, c.SetSummary(text="x"), code="conflict", says="Start the session first.")


def test_summary_is_kept_per_step(room: Engine) -> None:
    go(room, TALK)
    room.execute(c.SetSummary(text="We agreed to start with the front desk."))
    go(room, CLOSE)
    room.execute(c.SetSummary(text="Thanks all"))
    assert room.state.step_state(TALK).summary == "We agreed to start with the front desk."
    assert room.state.step_state(CLOSE).summary == "Thanks all"


def test_mark_action(room: Engine) -> None:
    n = note(room, "p1", category="rose")
    room.execute(c.MarkAction(note=n, owner="Dee"))
    assert room.state.notes[n].action_owner == "Dee"
    room.execute(c.MarkAction(note=n))
    assert room.state.notes[n].action_owner is None
    rejected(room, c.MarkAction(note="n99", owner="x"), code="not_found", says="No note n99.")


# ------------------------------------------------------------------ clusters


@pytest.fixture
def sorting(room: Engine) -> tuple[Engine, dict[str, str]]:
    """Notes on WRITE (a, b), ANON (c) and MAP (d), then at the GROUP step."""
    notes = {
        "a": note(room, "p1", "Queue", category="thorn"),
        "b": note(room, "p2", "Waiting", category="thorn"),
    }
    go(room, ANON)
    notes["c"] = note(room, "p1", "Parking")
    go(room, MAP)
    notes["d"] = note(room, "p1", "Lost", region="doing")
    go(room, GROUP)
    return room, notes


def test_clustering_happens_on_a_cluster_step(room: Engine) -> None:
    n = note(room, "p1", category="rose")
    for command in (
        c.CreateCluster(label="x", notes=[n]),
        c.RenameCluster(cluster="c1", label="y"),
        c.MergeClusters(source="c1", target="c2"),
        c.MoveNote(note=n),
    ):
        rejected(room, command, code="conflict", says="Clustering happens on a cluster step.")
    fresh = make_engine()
    rejected(fresh, c.CreateCluster(label="x"), code="conflict", says="on a cluster step")


def test_create_cluster(sorting: tuple[Engine, dict[str, str]]) -> None:
    engine, n = sorting
    event = engine.execute(c.CreateCluster(label="Waiting times", notes=[n["a"], n["c"]]))
    cid = event.data["cluster"]
    made = engine.state.clusters[cid]
    assert (made.label, made.step, made.parking) == ("Waiting times", GROUP, False)
    assert engine.state.notes[n["a"]].cluster == cid
    assert engine.state.notes[n["c"]].cluster == cid
    assert engine.state.notes[n["b"]].cluster is None
    assert engine.cluster_sources() == [WRITE, ANON]
    empty = cluster(engine, "To fill later")
    assert not [x for x in engine.state.notes.values() if x.cluster == empty]


def test_cluster_only_takes_notes_from_its_source_steps(
    sorting: tuple[Engine, dict[str, str]],
) -> None:
    engine, n = sorting
    rejected(
        engine,
        c.CreateCluster(label="x", notes=[n["a"], n["d"]]),
        code="conflict",
        says=f"Note {n['d']} is not from a step this one clusters.",
    )
    rejected(
        engine, c.CreateCluster(label="x", notes=["n99"]), code="not_found", says="No note n99."
    )
    rejected(
        engine,
        c.CreateCluster(label="x", notes=[n["a"], n["a"]]),
        code="invalid",
        says="A note can only go into one cluster.",
    )


def test_one_cluster_per_note(sorting: tuple[Engine, dict[str, str]]) -> None:
    engine, n = sorting
    first = cluster(engine, "First", [n["a"], n["b"]])
    second = cluster(engine, "Second", [n["a"]])  # taking a note moves it, never copies it
    assert engine.state.notes[n["a"]].cluster == second
    assert engine.state.notes[n["b"]].cluster == first


def test_rename_merge_move(sorting: tuple[Engine, dict[str, str]]) -> None:
    engine, n = sorting
    one = cluster(engine, "One", [n["a"]])
    two = cluster(engine, "Two", [n["b"]])
    engine.execute(c.RenameCluster(cluster=one, label="Queues"))
    assert engine.state.clusters[one].label == "Queues"
    rejected(
        engine, c.RenameCluster(cluster="c99", label="x"), code="not_found", says="No cluster c99."
    )

    engine.execute(c.MoveNote(note=n["c"], cluster=two))
    assert engine.state.notes[n["c"]].cluster == two
    rejected(
        engine,
        c.MoveNote(note=n["c"], cluster=two),
        code="conflict",
        says="The note is already there.",
    )
    rejected(
        engine, c.MoveNote(note=n["c"], cluster="c99"), code="not_found", says="No cluster c99."
    )
    rejected(
        engine,
        c.MoveNote(note=n["d"], cluster=two),
        code="conflict",
        says="is not from a step this one clusters",
    )
    engine.execute(c.MoveNote(note=n["c"]))  # out of any cluster
    assert engine.state.notes[n["c"]].cluster is None
    rejected(engine, c.MoveNote(note=n["c"]), code="conflict", says="already there")

    rejected(
        engine,
        c.MergeClusters(source=one, target=one),
        code="invalid",
        says="A cluster cannot be merged into itself.",
    )
    rejected(
        engine, c.MergeClusters(source=one, target="c99"), code="not_found", says="No cluster c99."
    )
    engine.execute(c.MergeClusters(source=two, target=one))
    assert two not in engine.state.clusters
    assert engine.state.notes[n["a"]].cluster == one
    assert engine.state.notes[n["b"]].cluster == one


def test_parking_lot_only_where_allowed(sorting: tuple[Engine, dict[str, str]]) -> None:
    engine, n = sorting
    lot = cluster(engine, "Parking lot", [n["c"]], parking=True)
    assert engine.state.clusters[lot].parking
    go(engine, JOT)
    note(engine, "p1", "jotted")
    go(engine, SORT)
    rejected(
        engine,
        c.CreateCluster(label="Later", parking=True),
        code="conflict",
        says="This step has no parking lot.",
    )
    cluster(engine, "Fine")


def test_clusters_of_another_step_are_out_of_reach(sorting: tuple[Engine, dict[str, str]]) -> None:
    engine, n = sorting
    earlier = cluster(engine, "Earlier", [n["a"]])
    go(engine, JOT)
    jotted = note(engine, "p1", "jotted")
    go(engine, SORT)
    here = cluster(engine, "Here")
    for command in (
        c.RenameCluster(cluster=earlier, label="x"),
        c.MergeClusters(source=earlier, target=here),
        c.MergeClusters(source=here, target=earlier),
        c.MoveNote(note=jotted, cluster=earlier),
    ):
        rejected(
            engine, command, code="conflict", says=f"Cluster {earlier} belongs to another step."
        )
    rejected(
        engine,
        c.MoveNote(note=n["b"], cluster=here),
        code="conflict",
        says="is not from a step this one clusters",
    )


# ------------------------------------------------------------------ votes


@pytest.fixture
def voting(room: Engine) -> tuple[Engine, list[str]]:
    """Four notes on WRITE, the vote on them open."""
    ids = [
        note(room, actor, f"idea {i}", category="rose")
        for i, actor in enumerate(["p1", "p1", "p2", F])
    ]
    go(room, VOTE_NOTES)
    room.execute(c.OpenVote())
    return room, ids


def test_vote_open_and_close(room: Engine) -> None:
    rejected(room, c.OpenVote(), code="conflict", says="There is no vote on this step.")
    rejected(
        room, c.CastVote(target="n1"), "p1", code="conflict", says="There is no vote on this step."
    )
    rejected(make_engine(), c.OpenVote(), code="conflict", says="no vote on this step")
    n = note(room, "p1", category="rose")
    go(room, VOTE_NOTES)
    assert room.state.step_state(VOTE_NOTES).vote == "not opened"
    rejected(room, c.CastVote(target=n), "p1", code="locked", says="Voting is not open.")
    rejected(room, c.CloseVote(), code="conflict", says="The vote is not open.")
    room.execute(c.OpenVote())
    assert room.state.step_state(VOTE_NOTES).vote == "open"
    rejected(room, c.OpenVote(), code="conflict", says="The vote is already open.")
    room.execute(c.CastVote(target=n), "p1")
    room.execute(c.CloseVote())
    assert room.state.step_state(VOTE_NOTES).vote == "closed"
    rejected(room, c.CastVote(target=n), "p2", code="locked", says="Voting is not open.")
    rejected(room, c.WithdrawVote(target=n), "p1", code="locked", says="Voting is not open.")
    room.execute(c.OpenVote())  # a closed vote can be reopened, ballots kept
    assert room.state.dots_used(VOTE_NOTES, "p1") == 1


def test_vote_targets_are_visible_notes_of_the_target_step(
    voting: tuple[Engine, list[str]],
) -> None:
    engine, ids = voting
    assert engine.vote_targets() == ids
    engine.execute(c.HideNote(note=ids[1]))
    assert engine.vote_targets() == [ids[0], ids[2], ids[3]]
    rejected(
        engine,
        c.CastVote(target=ids[1]),
        "p2",
        code="not_found",
        says=f"'{ids[1]}' is not one of the things being voted on.",
    )
    rejected(
        engine,
        c.CastVote(target=ids[1]),
        F,
        code="not_found",
        says="is not one of the things being voted on",
    )
    go(engine, ANON)
    other = note(engine, "p1", "elsewhere")
    go(engine, VOTE_NOTES)
    rejected(
        engine,
        c.CastVote(target=other),
        "p1",
        code="not_found",
        says="not one of the things being voted on",
    )
    rejected(
        engine,
        c.CastVote(target="p1"),
        "p1",
        code="not_found",
        says="not one of the things being voted on",
    )


def test_dot_budget_and_max_per_item(voting: tuple[Engine, list[str]]) -> None:
    engine, ids = voting
    event = engine.execute(c.CastVote(target=ids[0]), "p1")
    assert event.data == {"step": VOTE_NOTES, "voter": "p1", "target": ids[0]}
    engine.execute(c.CastVote(target=ids[0]), "p1")
    rejected(
        engine,
        c.CastVote(target=ids[0]),
        "p1",
        code="limit",
        says="At most 2 dot(s) can go on one item.",
    )
    engine.execute(c.CastVote(target=ids[2]), "p1")
    assert engine.state.dots_used(VOTE_NOTES, "p1") == 3
    rejected(
        engine,
        c.CastVote(target=ids[3]),
        "p1",
        code="limit",
        says="You have used all 3 of your dots.",
    )
    engine.execute(c.CastVote(target=ids[3]), "p2")  # budgets are per person


def test_withdraw_gives_the_dot_back(voting: tuple[Engine, list[str]]) -> None:
    engine, ids = voting
    rejected(
        engine,
        c.WithdrawVote(target=ids[0]),
        "p1",
        code="conflict",
        says="There is no dot of yours on that to take back.",
    )
    for target in (ids[0], ids[1], ids[2]):
        engine.execute(c.CastVote(target=target), "p1")
    engine.execute(c.CastVote(target=ids[0]), "p2")
    rejected(engine, c.WithdrawVote(target=ids[3]), "p1", code="conflict", says="no dot of yours")
    event = engine.execute(c.WithdrawVote(target=ids[0]), "p1")
    assert event.type == "vote_withdrawn"
    assert engine.state.votes[VOTE_NOTES]["p1"] == {ids[1]: 1, ids[2]: 1}
    assert engine.state.votes[VOTE_NOTES]["p2"] == {ids[0]: 1}  # not someone else's
    engine.execute(c.CastVote(target=ids[3]), "p1")
    assert engine.state.dots_used(VOTE_NOTES, "p1") == 3


def test_paper_dots_are_unbudgeted_and_tally_orders_most_first(
    voting: tuple[Engine, list[str]],
) -> None:
    engine, ids = voting
    engine.execute(c.CastVote(target=ids[1]), "p1")
    engine.execute(c.CastVote(target=ids[2]), "p1")
    engine.execute(c.CastVote(target=ids[2]), "p2")
    for _ in range(5):  # more than the budget, more than max per item
        engine.execute(c.CastVote(target=ids[3]), F)
    engine.execute(c.CastVote(target=ids[0]), "p2")
    assert engine.state.votes[VOTE_NOTES][F] == {ids[3]: 5}
    tally = engine.state.tally(VOTE_NOTES)
    assert list(tally.items()) == [(ids[3], 5), (ids[2], 2), (ids[1], 1), (ids[0], 1)]
    engine.execute(c.WithdrawVote(target=ids[3]), F)
    assert engine.state.tally(VOTE_NOTES)[ids[3]] == 4


def test_votes_on_clusters(sorting: tuple[Engine, dict[str, str]]) -> None:
    engine, n = sorting
    one = cluster(engine, "One", [n["a"]])
    two = cluster(engine, "Two", [n["b"]])
    lot = cluster(engine, "Later", [n["c"]], parking=True)
    go(engine, VOTE_THEMES)
    assert engine.vote_targets() == [one, two]  # the parking lot is not a theme
    engine.execute(c.OpenVote())
    rejected(
        engine,
        c.CastVote(target=n["a"]),
        "p1",
        code="not_found",
        says="not one of the things being voted on",
    )
    engine.execute(c.CastVote(target=one), "p1")
    rejected(
        engine,
        c.CastVote(target=one),
        "p1",
        code="limit",
        says="At most 1 dot(s) can go on one item.",
    )
    rejected(
        engine,
        c.CastVote(target=lot),
        "p1",
        code="not_found",
        says="not one of the things being voted on",
    )
    engine.execute(c.CastVote(target=two), "p1")
    rejected(
        engine, c.CastVote(target=two), "p1", code="limit", says="You have used all 2 of your dots."
    )
    assert engine.state.tally(VOTE_THEMES) == {one: 1, two: 1}


# ------------------------------------------------------------------ ratings


def test_rating(room: Engine) -> None:
    rejected(room, c.Rate(value=3), "p1", code="conflict", says="There is no rating on this step.")
    rejected(make_engine(), c.Rate(value=3), code="conflict", says="no rating on this step")
    go(room, RATE)
    for value in (0, 6, -1):
        rejected(
            room, c.Rate(value=value), "p1", code="invalid", says="Choose a rating from 1 to 5."
        )
    room.execute(c.Rate(value=2), "p1")
    room.execute(c.Rate(value=5), "p1")  # re-rating replaces
    room.execute(c.Rate(value=4), "p2")
    assert room.state.ratings[RATE] == {"p1": 5, "p2": 4}


def test_paper_ratings_count_separately(room: Engine) -> None:
    go(room, RATE)
    first = room.execute(c.Rate(value=1))
    second = room.execute(c.Rate(value=1))
    assert first.data["rater"] != second.data["rater"]
    assert first.data["rater"].startswith("paper-")
    room.execute(c.Rate(value=3), "p1")
    assert sorted(room.state.ratings[RATE].values()) == [1, 1, 3]
    assert F not in room.state.ratings[RATE]


def test_a_paper_rating_can_be_taken_back_and_replay_agrees(
    room: Engine, journal: ListJournal
) -> None:
    go(room, RATE)
    first = room.execute(c.Rate(value=1)).data["rater"]
    room.execute(c.Rate(value=1))
    room.execute(c.Rate(value=1), "p1")
    room.execute(c.WithdrawPaperRating(value=1))  # the latest paper one goes
    assert room.state.ratings[RATE] == {first: 1, "p1": 1}
    room.execute(c.WithdrawPaperRating(value=1))
    assert room.state.ratings[RATE] == {"p1": 1}
    rejected(
        room,
        c.WithdrawPaperRating(value=1),
        code="conflict",
        says="There is no paper rating of 1 to take back.",
    )
    rejected(room, c.WithdrawPaperRating(value=1), "p1", code="forbidden", says="facilitator")
    replayed = make_engine(clock=FakeClock())
    replayed.replay(journal.events)
    assert replayed.state.ratings == room.state.ratings


# ------------------------------------------------------------------ canvas


def test_place_note_on_the_canvas(room: Engine) -> None:
    written = note(room, "p1", category="rose")
    go(room, MAP)
    placed = note(room, "p1", region="doing")
    room.execute(c.PlaceNote(note=placed, region="feeling"))
    assert room.state.notes[placed].region == "feeling"
    rejected(
        room,
        c.PlaceNote(note=placed, region="roof"),
        code="invalid",
        says="Unknown place on the canvas 'roof' (expected: doing, feeling).",
    )
    rejected(
        room,
        c.PlaceNote(note=written, region="doing"),
        code="conflict",
        says="Only notes on a canvas step can be placed.",
    )
    rejected(room, c.PlaceNote(note="n99", region="doing"), code="not_found", says="No note n99.")


# ------------------------------------------------------------------ idempotency


def test_resent_note_is_recorded_once(room: Engine, journal: ListJournal) -> None:
    first = room.execute(c.AddNote(text="Once", category="rose", client_id="phone-1"), "p1")
    writes = len(journal.batches)
    before = room.state.model_dump()
    again = room.execute(c.AddNote(text="Once", category="rose", client_id="phone-1"), "p1")
    assert again == first
    assert room.state.model_dump() == before
    assert len(journal.batches) == writes
    assert [n.text for n in room.state.notes.values()] == ["Once"]
    # The same client id from someone else is their own command.
    other = room.execute(c.AddNote(text="Once", category="rose", client_id="phone-1"), "p2")
    assert other.seq != first.seq and len(room.state.notes) == 2


def test_resend_is_answered_even_when_it_would_now_be_refused(room: Engine) -> None:
    cmds = [c.AddNote(text=f"idea {i}", category="rose", client_id=f"k{i}") for i in range(3)]
    events = [room.execute(cmd, "p1") for cmd in cmds]
    room.execute(c.LockInput())
    assert room.execute(cmds[2], "p1") == events[2]  # not "limit", not "locked"


def test_resent_votes_and_joins_count_once(room: Engine) -> None:
    again = room.execute(c.Join(name="Cy", client_id="j1"), NEWCOMER)
    assert room.execute(c.Join(name="Cy", client_id="j1"), NEWCOMER) == again
    assert len(room.state.participants) == 3
    n = note(room, "p1", category="rose")
    go(room, VOTE_NOTES)
    room.execute(c.OpenVote())
    cast = room.execute(c.CastVote(target=n, client_id="v1"), "p1")
    assert room.execute(c.CastVote(target=n, client_id="v1"), "p1") == cast
    assert room.state.dots_used(VOTE_NOTES, "p1") == 1
    go(room, RATE)
    rate = room.execute(c.Rate(value=4, client_id="r1"), "p2")
    assert room.execute(c.Rate(value=1, client_id="r1"), "p2") == rate
    assert room.state.ratings[RATE] == {"p2": 4}


def test_idempotency_survives_replay(room: Engine, journal: ListJournal, clock: FakeClock) -> None:
    first = room.execute(c.AddNote(text="Once", category="rose", client_id="phone-1"), "p1")
    revived = make_engine(clock=clock, journal=journal)
    revived.replay(journal.events)
    writes = len(journal.batches)
    assert (
        revived.execute(c.AddNote(text="Once", category="rose", client_id="phone-1"), "p1") == first
    )
    assert len(revived.state.notes) == 1 and len(journal.batches) == writes


def test_resend_after_a_snapshot_is_acknowledged_without_data(
    room: Engine, clock: FakeClock
) -> None:
    first = room.execute(c.AddNote(text="Once", category="rose", client_id="phone-1"), "p1")
    restored = make_engine(state=room.state.model_copy(deep=True), clock=clock)
    before = restored.state.model_dump()
    again = restored.execute(c.AddNote(text="Once", category="rose", client_id="phone-1"), "p1")
    assert (again.type, again.seq, again.actor) == ("duplicate", first.seq, "p1")
    assert again.data == {"client_id": "phone-1"}
    assert restored.state.model_dump() == before


# ------------------------------------------------------------------ replay


def run_workshop(engine: Engine, clock: FakeClock) -> None:
    """A whole session touching every kind of event."""

    def tick():
        return clock.advance(11)

    engine.execute(c.StartSession())
    tick()
    engine.execute(c.TimerCommand(action="start"))
    tick()
    p1, p2 = join(engine, "Ann", key="k1"), join(engine, "Bo")
    a = note(engine, p1, "Queue", category="thorn", client_id="a")
    tick()
    b = note(engine, p2, "Kind staff", category="rose")
    tick()
    engine.execute(c.EditNote(note=a, text="Long queue"), p1)
    engine.execute(c.TimerCommand(action="extend", seconds=30))
    tick()
    engine.execute(c.Reveal())
    engine.execute(c.LockInput())
    engine.execute(c.NextStep())
    tick()
    d = note(engine, p1, "Signs")
    engine.execute(c.HideNote(note=d))
    engine.execute(c.HideNote(note=d, hidden=False))
    engine.execute(c.NextStep())
    m = note(engine, p2, "Confused", region="feeling")
    engine.execute(c.PlaceNote(note=m, region="doing"))
    tick()
    engine.execute(c.NextStep())
    one = cluster(engine, "Waiting", [a])
    two = cluster(engine, "People", [b])
    engine.execute(c.MoveNote(note=d, cluster=two))
    engine.execute(c.RenameCluster(cluster=two, label="Staff"))
    lot = cluster(engine, "Later", parking=True)
    engine.execute(c.MergeClusters(source=lot, target=two))
    tick()
    engine.execute(c.NextStep())
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=a, client_id="v"), p1)
    engine.execute(c.CastVote(target=b), F)
    engine.execute(c.WithdrawVote(target=a), p1)
    engine.execute(c.CastVote(target=b), p1)
    engine.execute(c.CloseVote())
    tick()
    engine.execute(c.NextStep())
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=one), p2)
    engine.execute(c.NextStep())
    engine.execute(c.SetSummary(text="Queues first."))
    engine.execute(c.MarkAction(note=a, owner="Dee"))
    tick()
    engine.execute(c.RemoveParticipant(participant=p2))
    go(engine, RATE)
    tick()
    engine.execute(c.Rate(value=4), p1)
    engine.execute(c.Rate(value=2))
    engine.execute(c.PreviousStep())
    tick()
    engine.execute(c.EndSession())


def test_replay_reproduces_the_state_exactly(
    engine: Engine, clock: FakeClock, journal: ListJournal
) -> None:
    run_workshop(engine, clock)
    assert journal.events == engine.history
    assert [e.seq for e in engine.history] == list(range(1, engine.state.seq + 1))
    replayed = make_engine(clock=FakeClock())
    replayed.replay(journal.events)
    assert replayed.state.model_dump() == engine.state.model_dump()
    assert replayed.history == engine.history


def test_replaying_a_journal_over_its_snapshot_skips_what_it_holds(
    engine: Engine, clock: FakeClock, journal: ListJournal
) -> None:
    run_workshop(engine, clock)
    snapshot_at = len(journal.events) // 2
    halfway = make_engine(clock=FakeClock())
    halfway.replay(journal.events[:snapshot_at])
    restored = make_engine(state=halfway.state.model_copy(deep=True), clock=FakeClock())
    restored.replay(journal.events)  # the whole journal, not only the tail
    assert restored.state.model_dump() == engine.state.model_dump()
    assert restored.history == journal.events[snapshot_at:]


# ------------------------------------------------------------------ execute_many


def test_execute_many_mixes_accepted_and_rejected(room: Engine, journal: ListJournal) -> None:
    writes = len(journal.batches)
    results = room.execute_many(
        [
            (c.AddNote(text="one", category="rose"), "p1"),
            (c.AddNote(text="no kind"), "p1"),
            (c.AddNote(text="two", category="thorn"), "p2"),
            (c.OpenVote(), F),
        ]
    )
    assert [type(r) for r in results] == [Event, Rejected, Event, Rejected]
    assert "Choose a kind of note" in str(results[1])
    assert "There is no vote on this step." in str(results[3])
    assert len(journal.batches) == writes + 1  # one write for the batch
    assert journal.batches[-1] == [results[0], results[2]]
    assert [n.text for n in room.state.notes.values()] == ["one", "two"]


def test_execute_many_applies_rules_in_order(room: Engine) -> None:
    results = room.execute_many(
        [(c.AddNote(text=f"idea {i}", category="rose"), "p1") for i in range(4)]
        + [(c.Join(name=f"n{i}"), NEWCOMER) for i in range(2)]
    )
    assert [isinstance(r, Event) for r in results] == [True, True, True, False, True, True]
    assert "You have added 3 notes" in str(results[3]) and results[3].code == "limit"
    assert results[4].data["participant"] != results[5].data["participant"]

    limited = make_engine(max_participants=1)
    results = limited.execute_many([(c.Join(name="a"), NEWCOMER), (c.Join(name="b"), NEWCOMER)])
    assert isinstance(results[0], Event) and "This session is full" in str(results[1])


def test_execute_many_answers_a_resend_within_the_batch(room: Engine) -> None:
    cmd = c.AddNote(text="once", category="rose", client_id="x1")
    results = room.execute_many([(cmd, "p1"), (cmd, "p1")])
    assert results[0] is results[1]
    assert len(room.state.notes) == 1


def test_execute_many_with_nothing_new_writes_nothing(room: Engine, journal: ListJournal) -> None:
    writes = len(journal.batches)
    assert isinstance(room.execute_many([(c.OpenVote(), F)])[0], Rejected)
    assert room.execute_many([]) == []
    assert len(journal.batches) == writes


def test_storage_failure_rejects_the_whole_batch(room: Engine, journal: ListJournal) -> None:
    before = room.state.model_dump()
    history = list(room.history)
    journal.fail = OSError(28, "No space left on device")
    cmd = c.AddNote(text="resent", category="rose", client_id="x1")
    results = room.execute_many(
        [
            (c.AddNote(text="one", category="rose"), "p1"),
            (c.AddNote(text="no kind"), "p2"),
            (cmd, "p2"),
            (cmd, "p2"),  # a resend of the one before: it was not recorded either
            (c.Join(name="Cy"), NEWCOMER),
        ]
    )
    assert all(isinstance(r, Rejected) for r in results)
    assert "Choose a kind of note" in str(results[1])  # its own reason stands
    for r in (results[0], results[2], results[3], results[4]):
        assert r.code == "storage"
        assert "could not be saved (No space left on device)" in str(r)
    assert room.state.model_dump() == before
    assert room.history == history
    assert room.storage_error is not None

    journal.fail = None
    results = room.execute_many([(c.AddNote(text="one", category="rose"), "p1"), (cmd, "p2")])
    assert all(isinstance(r, Event) for r in results)
    assert room.storage_error is None
    assert results[0].data["note"] == "n3"  # the failed batch used up no ids


# ------------------------------------------------------------------ the journal and subscribers


def test_journal_failure_rejects_and_leaves_no_trace(room: Engine, journal: ListJournal) -> None:
    seen: list[Event] = []
    room.subscribe(lambda event, state: seen.append(event))
    journal.fail = OSError(5, "Input/output error")
    error = rejected(
        room,
        c.AddNote(text="lost?", category="rose", client_id="z"),
        "p1",
        code="storage",
        says=(
            "The session record could not be saved (Input/output error).",
            "Nothing new was recorded; the facilitator has been told.",
        ),
    )
    assert isinstance(error.__cause__, OSError)
    assert room.storage_error == "The session record could not be saved (Input/output error)."
    assert seen == []
    # The facilitator's commands fail the same way while the disk is broken.
    rejected(room, c.NextStep(), code="storage", says="could not be saved")

    journal.fail = None
    event = room.execute(c.AddNote(text="lost?", category="rose", client_id="z"), "p1")
    assert event.type == "note_added"  # the resend is carried out, not treated as a duplicate
    assert room.storage_error is None
    assert seen == [event]
    assert journal.events == room.history


def test_a_failed_write_is_undone_on_the_state_object_people_hold(
    room: Engine, journal: ListJournal
) -> None:
    held = room.state  # as an adapter or a subscriber would keep it
    before = held.model_dump()
    journal.fail = OSError(28, "No space left on device")
    with pytest.raises(Rejected):
        room.execute(c.AddNote(text="phantom", category="rose"), "p1")
    results = room.execute_many([(c.AddNote(text="phantom", category="rose"), "p2")])
    assert results[0].code == "storage"
    assert room.state is held
    assert held.model_dump() == before


def test_a_failing_journal_without_a_message_is_still_described(
    room: Engine, journal: ListJournal
) -> None:
    journal.fail = OSError()
    rejected(room, c.NextStep(), code="storage", says="could not be saved (OSError)")


def test_subscribers_hear_only_durable_events(room: Engine, journal: ListJournal) -> None:
    heard: list[tuple[Event, bool, int]] = []

    def listener(event: Event, state: Any) -> None:
        heard.append((event, event in journal.events, state.seq))

    stop = room.subscribe(listener)
    event = room.execute(c.AddNote(text="x", category="rose", client_id="c"), "p1")
    assert heard == [(event, True, event.seq)]
    room.execute(c.AddNote(text="x", category="rose", client_id="c"), "p1")  # a resend
    with pytest.raises(Rejected):
        room.execute(c.OpenVote())
    assert len(heard) == 1
    results = room.execute_many([(c.Reveal(), F), (c.LockInput(), F)])
    assert [h[0] for h in heard[1:]] == results
    assert all(durable for _, durable, _ in heard)
    assert heard[1][2] == heard[2][2] == results[1].seq  # told after the whole batch
    stop()
    room.execute(c.NextStep())
    assert len(heard) == 3


def test_no_journal_is_fine(clock: FakeClock) -> None:
    engine = make_engine(clock=clock, journal=None)
    engine.execute(c.StartSession())
    assert len(engine.history) == 1 and engine.storage_error is None


def test_a_method_built_in_place(clock: FakeClock) -> None:
    """Plans can be built from any methods; unknown ones are timed as empty items."""
    method = make_method("solo", [step("only", {"kind": "notes", "private": True})])
    plan = make_plan([{"method": "solo"}, {"method": "missing"}, {"lunch": 30}])
    engine = make_engine(plan, {"solo": method}, clock=clock)
    engine.execute(c.NextStep())
    engine.execute(c.NextStep())
    assert engine.step_def() == (engine.items[1], None)
    rejected(engine, c.AddNote(text="x"), code="conflict", says="does not collect notes")
    engine.execute(c.NextStep())
    assert engine.prompt() == "Lunch"


def test_a_failing_subscriber_does_not_undo_a_durable_command(
    room: Engine, journal: ListJournal, caplog
) -> None:
    heard: list[int] = []

    def broken(event: Event, state: Any) -> None:
        raise RuntimeError("listener bug")

    room.subscribe(broken)
    room.subscribe(lambda event, state: heard.append(event.seq))
    event = room.execute(c.AddNote(text="kept", category="rose"), "p1")
    assert heard == [event.seq]  # the listeners after the broken one are still told
    assert room.state.notes[event.data["note"]].text == "kept"
    assert "listener bug" in caplog.text


def test_an_unexpected_error_while_writing_leaves_no_unsaved_change(
    room: Engine, journal: ListJournal
) -> None:
    before = room.state.model_dump()

    def explode(events: Any) -> None:
        raise UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates not allowed")

    room.journal.append = explode  # type: ignore[method-assign]
    with pytest.raises(UnicodeEncodeError):
        room.execute(c.AddNote(text="lost", category="rose"), "p1")
    assert room.state.model_dump() == before


# ---------------------------------------------------------------- no scan per note or dot


def test_note_limit_is_counted_without_a_scan_and_starts_over_on_a_new_state():
    engine = make_engine(journal=ListJournal())
    ann, bo = join(engine, "Ann"), join(engine, "Bo")
    go(engine, ANON)  # at most 2 notes each
    engine.execute(c.AddNote(text="one"), ann)
    assert engine.notes_written(ANON, ann) == 1 and engine.notes_written(ANON, bo) == 0
    # A batch sees the notes staged before it in the same batch...
    results = engine.execute_many([(c.AddNote(text="two"), ann), (c.AddNote(text="three"), ann)])
    assert results[0].type == "note_added" and isinstance(results[1], Rejected)
    assert results[1].code == "limit"
    # ...and a failed write takes them back.
    engine.journal.fail = OSError(28, "No space left on device")
    engine.execute_many([(c.AddNote(text="b1"), bo), (c.AddNote(text="b2"), bo)])
    engine.journal.fail = None
    assert engine.notes_written(ANON, bo) == 0
    # A notes dict that is not the one counted (a restored state) is counted afresh,
    # even when it is just as long.
    engine.state.notes = {
        k: n.model_copy(update={"author": bo}) for k, n in engine.state.notes.items()
    }
    assert engine.notes_written(ANON, ann) == 0 and engine.notes_written(ANON, bo) == 2
    with pytest.raises(Rejected, match="most this step allows"):
        engine.execute(c.AddNote(text="over"), bo)


def test_every_rejection_code_is_known_and_has_an_http_status() -> None:
    """A new code that the phone server did not know would become a 500."""
    import ast
    from pathlib import Path

    import sessionkit
    from sessionkit.core.errors import CODES
    from sessionkit.web.submit import STATUS_FOR

    assert set(STATUS_FOR) == CODES
    used = set()
    for path in Path(sessionkit.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Rejected":
                codes = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "code")]
                used |= {c.value for c in codes if isinstance(c, ast.Constant)}
    assert used and used <= CODES, used - CODES
