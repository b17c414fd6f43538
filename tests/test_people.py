"""Who may join: joining closes at the end (and the facilitator opens or closes it), and a
removal is a ban for the browser until the facilitator lets the person back in.

Engine-level: the web adapter's part (the device cookie, the HTTP answers) is in
tests/test_web_joining.py.
"""

from __future__ import annotations

import pytest

from factories import FakeClock, ListJournal, join, make_engine
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.record import Record
from sessionkit.core.state import NEWCOMER


def refused(engine: Engine, command: c.Command, actor: str, code: str, says: str) -> None:
    """``command`` is refused with ``code`` and a message saying ``says``; nothing moved."""
    before = engine.state.model_dump()
    with pytest.raises(Rejected) as info:
        engine.execute(command, actor)
    assert info.value.code == code, str(info.value)
    assert says in str(info.value)
    assert engine.state.model_dump() == before


@pytest.fixture
def journal() -> ListJournal:
    return ListJournal()


@pytest.fixture
def engine(journal: ListJournal) -> Engine:
    engine = make_engine(clock=FakeClock(), journal=journal)
    engine.execute(c.StartSession())
    return engine


# ------------------------------------------------------------------ open and closed


def test_joining_after_the_end_is_refused_until_the_facilitator_reopens_it(
    engine: Engine,
) -> None:
    assert join(engine, "Ann") == "p1"
    engine.execute(c.EndSession())
    assert not engine.state.joining_open
    refused(engine, c.Join(name="Late"), NEWCOMER, "closed", "The session has ended")
    engine.execute(c.SetJoining(open=True))
    assert engine.state.joining_open
    assert join(engine, "Late") == "p2"
    engine.execute(c.SetJoining(open=False))
    refused(engine, c.Join(name="Later"), NEWCOMER, "closed", "The session has ended")


def test_the_facilitator_can_close_joining_before_the_end(engine: Engine) -> None:
    ann = join(engine, "Ann")
    engine.execute(c.SetJoining(open=False))
    refused(engine, c.Join(name="Bo"), NEWCOMER, "closed", "Joining is closed for now")
    # Phones already in carry on: closing is about newcomers.
    engine.execute(c.AddNote(text="still here", category="rose"), ann)
    refused(engine, c.SetJoining(open=False), "facilitator", "conflict", "already closed")
    engine.execute(c.SetJoining(open=True))
    assert engine.state.participants[join(engine, "Bo")].name == "Bo"
    refused(engine, c.SetJoining(open=True), "facilitator", "conflict", "already open")


def test_ending_closes_a_reopened_joining_but_keeps_a_closed_one_closed(engine: Engine) -> None:
    engine.execute(c.EndSession())
    engine.execute(c.SetJoining(open=True))
    engine.execute(c.GoTo(item=0, step=1))  # moving on after the end: the run goes on
    assert engine.state.joining_open
    engine.execute(c.EndSession())
    assert not engine.state.joining_open  # ended again: closed again

    engine.execute(c.GoTo(item=0, step=0))
    assert engine.state.joining_open  # running again, and nobody closed it
    engine.execute(c.SetJoining(open=False))
    engine.execute(c.EndSession())
    engine.execute(c.GoTo(item=0, step=1))
    assert not engine.state.joining_open  # the facilitator's "closed" stands


def test_only_the_facilitator_opens_joining_or_lets_people_back_in(engine: Engine) -> None:
    ann = join(engine, "Ann")
    refused(engine, c.SetJoining(open=False), ann, "forbidden", "Only the facilitator")
    refused(engine, c.LetBackIn(participant=ann), ann, "forbidden", "Only the facilitator")


def test_replay_reproduces_open_and_closed_joining(engine: Engine, journal: ListJournal) -> None:
    join(engine, "Ann", device="dev-a")
    engine.execute(c.SetJoining(open=False))
    engine.execute(c.SetJoining(open=True))
    engine.execute(c.RemoveParticipant(participant="p1"))
    engine.execute(c.EndSession())
    engine.execute(c.SetJoining(open=True))
    engine.execute(c.LetBackIn(participant="p1"))
    engine.execute(c.SetJoining(open=False))

    replayed = make_engine(clock=FakeClock())
    replayed.replay(journal.events)
    assert replayed.state.model_dump() == engine.state.model_dump()
    assert not replayed.state.joining_open
    # Replayed halfway (before the last "close"): open, as it was then.
    halfway = make_engine(clock=FakeClock())
    halfway.replay(journal.events[:-1])
    assert halfway.state.joining_open


# ------------------------------------------------------------------ bans


def test_a_removal_bans_the_device_until_the_facilitator_lets_them_back_in(
    engine: Engine,
) -> None:
    ann = join(engine, "Ann", key="k1", device="dev-a")
    join(engine, "Bo", device="dev-b")
    engine.execute(c.RemoveParticipant(participant=ann))
    refused(engine, c.Join(name="Ann", device="dev-a"), NEWCOMER, "banned", "removed this phone")
    # The ban is on that browser, not on the name, and not on everyone.
    assert join(engine, "Ann", device="dev-c") == "p3"
    assert join(engine, "Bo again", device="dev-b") == "p4"
    assert join(engine, "No cookie") == "p5"

    refused(engine, c.LetBackIn(participant="p9"), "facilitator", "not_found", "No participant")
    refused(engine, c.LetBackIn(participant="p2"), "facilitator", "conflict", "not been removed")
    engine.execute(c.LetBackIn(participant=ann))
    refused(engine, c.LetBackIn(participant=ann), "facilitator", "conflict", "may already join")
    assert engine.state.participants[ann].removed  # the old phone identity stays dead
    assert join(engine, "Ann", device="dev-a") == "p6"


def test_the_ban_is_checked_before_closed_joining(engine: Engine) -> None:
    join(engine, "Ann", device="dev-a")
    engine.execute(c.RemoveParticipant(participant="p1"))
    engine.execute(c.SetJoining(open=False))
    # Reopening would not help this phone: it is told what would.
    refused(engine, c.Join(device="dev-a"), NEWCOMER, "banned", "let you back in")


def test_exports_never_hold_the_device(engine: Engine) -> None:
    join(engine, "Ann", key="k1", device="dev-a")
    record = Record.from_engine(engine)
    person = record.state.participants["p1"]
    assert (person.key, person.device) == ("", "")
    assert "dev-a" not in record.model_dump_json()
