"""Deltas, not refetches (issue 16, item 1): a phone that is current applies the ``delta``
the hub sends and ends up with exactly the public view a full fetch would give it.

The property test drives an engine through random sequences of what happens in a room
(notes added and edited on open, private and canvas boards, hides, reveals, redactions,
votes, joins, step changes), flushes the hub now and then, and keeps model phones that do
what ``app.js`` does with each message: apply a delta that follows on from their view,
refetch on a gap or a ``changed`` notice. A phone that reads its mailbox only now and
then (drop-to-latest) is among them. After every flush each phone's board must equal a
freshly built public view: so a delta can never carry a hidden, unrevealed, redacted or
named-where-anonymous note that the full view would not show.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from sessionkit.core import commands as c
from sessionkit.core.errors import Rejected
from sessionkit.core.redaction import RedactText
from sessionkit.core.state import NEWCOMER
from sessionkit.web.hub import Hub
from sessionkit.web.views import Views
from test_web import MAP, OPEN, TALK, VOTE, WRITE, goto, make_engine


def apply_delta(phone: dict[str, Any], delta: dict[str, Any]) -> str:
    """``applyDelta`` in app.js, line for line: 'applied', 'had it' or 'refetch'."""
    pub = phone["view"]["public"]
    input_ = pub.get("input")
    if (
        "notes" not in pub
        or not input_
        or input_.get("grouped")
        or delta["step"] != phone["view"]["me"]["step"]
    ):
        return "refetch"
    if phone["seq"] >= delta["to"]:
        return "had it"
    if phone["seq"] < delta["from"]:
        return "refetch"
    notes = pub["notes"]
    at = {note["id"]: i for i, note in enumerate(notes)}
    for note in delta["edited"]:
        if note["id"] in at:
            notes[at[note["id"]]] = note
    for note in delta["added"]:
        if note["id"] in at:
            notes[at[note["id"]]] = note
        else:
            at[note["id"]] = len(notes)
            notes.append(note)
    del notes[: max(0, len(notes) - delta["window"])]
    pub["notes_total"] = delta["total"]
    phone["seq"] = delta["to"]
    return "applied"


class Room:
    def __init__(self, seed: int, window: int) -> None:
        self.rng = random.Random(seed)
        self.engine = make_engine()
        self.views = Views(self.engine, cache_seconds=0.0, max_notes=window)
        self.hub = Hub(self.engine, self.views)  # no running loop: flushed by hand
        self.people: list[str] = []
        self.phones: list[dict[str, Any]] = []
        self.counts = {"applied": 0, "had it": 0, "refetch": 0}
        self.engine.execute(c.StartSession())
        goto(self.engine, OPEN)
        for _ in range(4):
            self.join()

    def join(self) -> None:
        n = len(self.people)
        name = f"P{n}"
        pid = self.engine.execute(c.Join(name=name), NEWCOMER).data["participant"]
        self.people.append(pid)
        phone = {"pid": pid, "connection": self.hub.connect(pid), "slow": n % 3 == 2}
        self.fetch(phone)
        self.phones.append(phone)

    def fetch(self, phone: dict[str, Any]) -> None:
        phone["view"] = json.loads(self.views.state_bytes(phone["pid"]))
        phone["seq"] = phone["view"]["me"]["seq"]

    def read(self, phone: dict[str, Any]) -> None:
        """What app.js does with the message in its mailbox (if any)."""
        message, phone["connection"].pending = phone["connection"].pending, None
        if message is None:
            return
        head, _, body = message.partition(b"\ndata: ")
        data = json.loads(body)
        if head == b"event: delta":
            assert b'"author"' not in body and phone["pid"].encode() not in body
            outcome = apply_delta(phone, data)
            self.counts[outcome] += 1
            if outcome == "refetch":
                self.fetch(phone)
        elif data["seq"] != phone["seq"] or data["step"] != phone["view"]["me"]["step"]:
            self.fetch(phone)

    def act(self) -> None:
        rng, engine, state = self.rng, self.engine, self.engine.state
        who = rng.choice(self.people)
        mine = [n for n in state.notes.values() if n.author == who]
        theirs = list(state.notes.values())
        roll = rng.random()
        command: Any
        actor = who
        if roll < 0.45:
            step = state.step
            command = c.AddNote(
                text=rng.choice(["idea", "[b]not bold[/b]", "<i>x</i>", "=1+1"]) + f" {roll:.3f}",
                category=rng.choice(["rose", "thorn"]) if step == WRITE else None,
                region=rng.choice(["before", "after"]) if step == MAP else None,
            )
        elif roll < 0.6 and mine:
            command = c.EditNote(note=rng.choice(mine).id, text=f"edited {roll:.3f}")
        elif roll < 0.65 and theirs:
            command, actor = c.HideNote(note=rng.choice(theirs).id, hidden=rng.random() < 0.7), ""
        elif roll < 0.68 and theirs:
            command, actor = RedactText(item=rng.choice(theirs).id, reason="personal-data"), ""
        elif roll < 0.71:
            command, actor = c.Reveal(), ""
        elif roll < 0.74:
            self.join()
            return
        elif roll < 0.8:
            step = rng.choice([OPEN, OPEN, OPEN, WRITE, MAP, VOTE, TALK])
            command, actor = c.GoTo(item=0, step=step), ""
        else:
            command, actor = c.TimerCommand(action="extend", seconds=1), ""
        try:
            engine.execute(command, actor or "facilitator")
        except Rejected:
            pass

    def check(self, phones: list[dict[str, Any]]) -> None:
        """Every phone that has read its mailbox shows what a full fetch would."""
        truth = json.loads(self.views.public())  # what a full fetch is sent (lists windowed)
        for phone in phones:
            shown = phone["view"]["public"]
            assert shown.get("notes") == truth.get("notes"), (phone["pid"], self.engine.state.seq)
            assert shown.get("notes_total") == truth.get("notes_total")
            assert shown["step"] == truth["step"]


@pytest.mark.parametrize("seed", range(12))
def test_a_delta_leaves_a_phone_with_the_full_view(seed):
    room = Room(seed, window=4 + seed % 3 * 3)
    for _ in range(160):
        room.act()
        if room.rng.random() < 0.3:
            room.hub.flush()
            # A slow phone reads now and then: a newer message replaced the one it missed
            # (drop-to-latest), so it has a gap to fill with a refetch.
            readers = [p for p in room.phones if not p["slow"] or room.rng.random() < 0.3]
            for phone in readers:
                room.read(phone)
            room.check(readers)
    room.hub.flush()
    for phone in room.phones:
        room.read(phone)
    room.check(room.phones)
    assert room.counts["applied"] > 0  # not passing on a stub: deltas did the work
    room.hub.detach()


def open_room() -> Room:
    room = Room(0, window=300)
    room.hub.flush()
    for phone in room.phones:
        room.read(phone)
    return room


def note(room: Room, who: int, text: str, step: int = OPEN) -> str:
    event = room.engine.execute(c.AddNote(text=text), room.people[who])
    return event.data["note"]


def test_a_phone_that_missed_a_delta_refetches():
    room = open_room()
    slow = room.phones[1]
    note(room, 0, "first")
    room.hub.flush()
    room.read(room.phones[0])  # the slow phone does not read this one...
    note(room, 0, "second")
    room.hub.flush()  # ...and this delta replaces it in its one-slot mailbox
    kind = slow["connection"].pending.split(b"\n")[0]
    assert kind == b"event: delta"
    room.read(slow)
    assert room.counts["refetch"] == 1  # from > its seq: a gap, filled by a full fetch
    assert [n["text"] for n in slow["view"]["public"]["notes"]] == ["first", "second"]
    for phone in room.phones:
        room.read(phone)
    # The first phone applied both; the two others missed the first one too.
    assert room.counts == {"applied": 2, "had it": 0, "refetch": 3}
    room.check(room.phones)
    room.hub.detach()


def test_what_a_delta_cannot_describe_makes_everyone_refetch():
    room = open_room()
    note(room, 0, "seen")
    room.engine.execute(c.HideNote(note=note(room, 1, "hide me")))  # before the flush
    room.hub.flush()
    message = room.phones[2]["connection"].pending
    assert message.startswith(b"event: changed") and b"hide me" not in message
    for phone in room.phones:
        room.read(phone)
    room.check(room.phones)
    room.hub.detach()


def test_private_and_anonymous_notes_never_travel_in_a_delta():
    room = open_room()
    goto(room.engine, WRITE)  # private until revealed: not an open board
    room.hub.flush()
    for phone in room.phones:
        room.read(phone)
    room.engine.execute(c.AddNote(text="secret", category="rose"), room.people[0])
    assert room.hub.deltas.added == {}  # not on the board: nothing for a delta
    room.hub.flush()  # by hand (the hub would not flush for it): a notice, no note
    assert b"secret" not in room.phones[1]["connection"].pending
    goto(room.engine, MAP)  # a canvas with no names (anonymous by default)
    room.hub.flush()
    for phone in room.phones:
        room.read(phone)
    room.engine.execute(c.AddNote(text="where", region="after"), room.people[0])
    room.hub.flush()
    message = room.phones[1]["connection"].pending
    assert message.startswith(b"event: delta")
    assert b"secret" not in message and b"P0" not in message and b"author" not in message
    room.read(room.phones[1])
    assert room.counts["applied"] >= 1
    room.check([room.phones[1]])
    room.hub.detach()


def test_a_view_from_an_unchanged_cache_is_as_new_as_the_state():
    """Votes and joins leave the shared part as it was: the view says the current seq,
    so the next delta (from the last flush) follows on and needs no refetch."""
    room = open_room()
    phone = room.phones[0]
    room.join()  # an event that changes nothing on the board
    room.fetch(phone)
    assert phone["seq"] == room.engine.state.seq
    note(room, 1, "after the join")
    room.hub.flush()
    room.read(phone)
    assert room.counts["applied"] == 1 and room.counts["refetch"] == 0
    room.hub.detach()


def test_a_delta_never_replaces_a_notice_a_phone_has_not_read():
    """A notice to one participant (its own part changed, say in another tab) makes its
    phone refetch, which brings the delta's notes as well: the delta must not take its
    place in the one-slot mailbox, or the phone would never refetch its own part."""
    room = open_room()
    ann = room.phones[0]
    room.hub.notify_participant(ann["pid"])
    room.fetch(ann)  # it fetched for another reason: the notice's seq is not news to it
    note(room, 1, "meanwhile")
    room.hub.flush()
    pending = ann["connection"].pending  # a notice still, now naming the newest seq
    assert pending.startswith(b"event: changed")
    assert json.loads(pending.split(b"data: ")[1])["seq"] == room.engine.state.seq
    assert room.phones[2]["connection"].pending.startswith(b"event: delta")
    for phone in room.phones:
        room.read(phone)
    room.check(room.phones)
    room.hub.detach()
