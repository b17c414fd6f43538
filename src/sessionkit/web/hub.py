"""From the engine to the phones: who needs to hear about each change, and when.

The hub subscribes to the engine and decides, per event, who needs to hear about it.
A step change, a reveal or a lock goes to every phone within ~50 ms; a burst of notes on
an open board is coalesced into one notice every ``bulk_delay`` seconds; a participant's
own private note or vote concerns only that participant's phones (the rest of the
room's view did not change); a rating changes the results so far, so it is batched like
notes, and the rater's phones hear at once. A notice is a tiny ``changed`` message; the phone then
fetches its view (see :mod:`sessionkit.web.views`).

Notes on an open board, the hot path, need no refetch: the flush sends one ``delta``
(built once, the same bytes for every phone) with the notes added and edited since the
last flush (:mod:`sessionkit.web.deltas`), so seeing another phone's note costs bytes in
proportion to the note, not to the board, and the flush can come every ``delta_delay``
however many phones listen. Anything a delta cannot describe makes that flush a
``changed`` notice, paced by ``bulk_delay`` as before.

Every connection has a single slot holding the newest notice (drop-to-latest), so a phone
that reads slowly never makes the engine, the loop or other phones wait, and a burst of
events costs one pass over the connections per flush, not one per event.

The other direction, what phones send, is :mod:`sessionkit.web.submit`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sessionkit.core.engine import Engine
from sessionkit.core.state import FACILITATOR, Event, SessionState
from sessionkit.web.deltas import BoardDeltas
from sessionkit.web.views import PUBLIC_VIEWER, Views, dumps

log = logging.getLogger("sessionkit.web")

PARTICIPANT_ONLY = frozenset(
    {
        "participant_joined",
        "vote_cast",
        "vote_withdrawn",
        "item_placed",
        "placement_cleared",
        "ranking_submitted",
        "item_scored",
    }
)
"""Events that change nothing other phones are shown (a sort's counts, a ranking's points
and a scoring's means show at its close, and each is refused once it is closed)."""
BULK_FROM_PHONES = frozenset({"words_added", "question_upvoted", "question_upvote_withdrawn"})
"""High-volume events from phones that change what everyone sees: batched like notes."""
GROUP_ONLY = frozenset({"note_added", "note_edited", "note_picked"})
"""Events that change what the members of a group are shown (when the note has a group)."""


class Connection:
    """One open event stream: a one-slot mailbox (and one for the phone's own part, so
    neither kind of message ever replaces the other) and a doorbell."""

    __slots__ = ("closed", "participant", "pending", "pending_me", "wake")

    def __init__(self, participant: str) -> None:
        self.participant = participant
        self.pending: bytes | None = None
        self.pending_me: bytes | None = None
        self.wake = asyncio.Event()
        self.closed = False

    def push(self, message: bytes) -> None:
        self.pending = message  # the newest notice replaces any unsent one
        self.wake.set()

    def push_delta(self, message: bytes, notice: bytes) -> None:
        # An unsent notice is there to make the phone refetch (say its own part changed
        # in another tab): a delta in its place would lose that. A new notice instead,
        # with the current seq, so the view it fetches has this delta's notes too.
        if self.pending is None or self.pending.startswith(b"event: delta"):
            self.pending = message
        else:
            self.pending = notice
        self.wake.set()

    def push_me(self, message: bytes) -> None:
        self.pending_me = message  # the newest personal part replaces an unsent one
        self.wake.set()

    def close(self) -> None:
        self.closed = True
        self.wake.set()


class Hub:
    def __init__(
        self,
        engine: Engine,
        views: Views,
        *,
        urgent_delay: float = 0.05,
        bulk_delay: float = 0.5,
        bulk_delay_per_stream: float = 0.01,
        delta_delay: float = 0.25,
        max_streams_per_participant: int = 4,
    ) -> None:
        self.engine = engine
        self.views = views
        self.urgent_delay = urgent_delay
        self.bulk_delay = bulk_delay
        self.bulk_delay_per_stream = bulk_delay_per_stream
        self.delta_delay = delta_delay
        self.deltas = BoardDeltas(engine, views.max_notes)
        self.max_streams_per_participant = max_streams_per_participant
        self.connections: set[Connection] = set()
        self.by_participant: dict[str, list[Connection]] = {}
        self.keys: dict[str, str] = {}
        """Secret participant key -> participant id."""
        self._keys_seq = -1
        self._flush_handle: asyncio.TimerHandle | None = None
        self._flush_due = 0.0
        self.rebuild_keys()
        self._unsubscribe: Callable[[], None] | None = engine.subscribe(self._on_event)

    def detach(self) -> None:
        """Stop listening to the engine (the app is being thrown away)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.close_all()

    # ------------------------------------------------------------ identity

    def rebuild_keys(self) -> None:
        state = self.engine.state
        self.keys = {p.key: p.id for p in state.participants.values() if p.key}
        self._keys_seq = state.seq

    def participant_for(self, key: str) -> str | None:
        pid = self.keys.get(key)
        if pid is None and self._keys_seq != self.engine.state.seq:
            # The engine's state was replaced or moved on without us (e.g. restored):
            # look again, at most once per state version.
            self.rebuild_keys()
            pid = self.keys.get(key)
        return pid

    # ------------------------------------------------------------ engine events

    def _on_event(self, event: Event, state: SessionState) -> None:
        try:
            self._classify(event, state)
        except Exception:  # a notice going astray must never fail the engine's caller
            log.exception("could not process event %s (seq %s)", event.type, event.seq)

    def _classify(self, event: Event, state: SessionState) -> None:
        kind, data = event.type, event.data
        if kind == "participant_joined":
            if data.get("key"):
                self.keys[data["key"]] = data["participant"]
            self._keys_seq = state.seq
            if data.get("group"):  # the group they were placed in learns who came
                self._notify_group(state, data["group"], skip=data["participant"])
            return
        if kind in PARTICIPANT_ONLY:
            self.notify_participant(event.actor)
            return
        if kind == "participant_removed":
            self.notify_participant(data["participant"], close=True)
            return
        if kind == "rated" and event.actor != FACILITATOR:
            # The results so far change for everyone (they show on every phone that has
            # rated): batched like notes, and the rater hears at once, so its own rating
            # shows in the figures it fetches next.
            self.views.invalidate(event.seq, urgent=False, by=event.actor)
            self.deltas.spoil()
            self.notify_participant(event.actor)
            self._schedule(self._bulk_delay())
            return
        if kind in BULK_FROM_PHONES and event.actor != FACILITATOR:
            self.views.invalidate(event.seq, urgent=False, by=event.actor)
            self.deltas.spoil()
            self._schedule(self._bulk_delay())
            return
        if kind == "note_added":
            self.views.note_added(data["step"], event.actor, data["note"])
        if kind in GROUP_ONLY and event.actor != FACILITATOR:
            # A group's list is in its members' own parts, not on the shared board: send
            # the others their new part on the stream (no refetch; the writer has it in
            # the answer) and tell nobody else.
            if self._notify_group(state, data, skip=event.actor):
                return
        if kind in ("note_added", "note_edited") and event.actor != FACILITATOR:
            if not self.engine.visible_to(data["note"], PUBLIC_VIEWER):
                self.notify_participant(event.actor)  # private until revealed
                return
            self.views.invalidate(event.seq, urgent=False, by=event.actor)
            if self.deltas.note(kind, data["note"]):
                self._schedule(self.delta_delay)  # one small message, the same for all
            else:
                self._schedule(self._bulk_delay())
            return
        self.views.invalidate(event.seq, urgent=True)
        self.deltas.spoil()
        self._schedule(self.urgent_delay)

    def _bulk_delay(self) -> float:
        return max(self.bulk_delay, len(self.connections) * self.bulk_delay_per_stream)

    # ------------------------------------------------------------ notices

    def message(self, kind: str = "changed") -> bytes:
        state = self.engine.state
        body = dumps({"seq": state.seq, "step": state.step_key if state.started else None})
        return b"event: " + kind.encode() + b"\ndata: " + body + b"\n\n"

    def _schedule(self, delay: float) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop, so no open streams to tell
            return
        due = loop.time() + delay
        if self._flush_handle is not None:
            if self._flush_due <= due:
                return
            self._flush_handle.cancel()
        self._flush_due = due
        self._flush_handle = loop.call_at(due, self.flush)

    def flush(self) -> None:
        self._flush_handle = None
        self.views.expire()  # phones refetch on this notice: never answer from an older cache
        # Taken even with nobody listening: the next delta starts from this flush.
        delta = self.deltas.take()
        if delta is not None:
            notice = self.message()
            for connection in self.connections:
                connection.push_delta(delta, notice)
            return
        message = self.message()
        for connection in self.connections:
            connection.push(message)

    def _notify_group(self, state: SessionState, data: dict[str, Any], skip: str) -> bool:
        """Send every member of the group an event is about (a note of theirs, a pick)
        but ``skip`` their own part as an ``event: me`` on their streams; False if the
        event is about no group."""
        group_id = data.get("group")
        if group_id is None and "note" in data:
            note = state.notes.get(data["note"])
            group_id = note.group if note is not None else None
        group = state.groups.get(group_id) if group_id is not None else None
        if group is None:
            return False
        for member in group.members:
            streams = self.by_participant.get(member)
            if member == skip or not streams:
                continue
            message = b"event: me\ndata: " + dumps(self.views.me(member)) + b"\n\n"
            for connection in list(streams):
                connection.push_me(message)
        return True

    def notify_participant(self, participant: str, close: bool = False) -> None:
        streams = self.by_participant.get(participant)
        if not streams:
            return
        message = self.message()
        for connection in list(streams):
            connection.push(message)
            if close:
                connection.close()

    # ------------------------------------------------------------ streams

    def connect(self, participant: str) -> Connection:
        connection = Connection(participant)
        streams = self.by_participant.setdefault(participant, [])
        while len(streams) >= self.max_streams_per_participant:
            streams.pop(0).close()  # the oldest tab or a stream the phone has abandoned
        streams.append(connection)
        self.connections.add(connection)
        connection.push(self.message())  # the phone fetches its view straight away
        return connection

    def disconnect(self, connection: Connection) -> None:
        self.connections.discard(connection)
        streams = self.by_participant.get(connection.participant)
        if streams is not None:
            if connection in streams:
                streams.remove(connection)
            if not streams:
                del self.by_participant[connection.participant]

    def close_all(self) -> None:
        """End every open stream (the server is stopping); phones will reconnect."""
        for connection in list(self.connections):
            connection.close()


__all__ = ["Connection", "Hub"]
