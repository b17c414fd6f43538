"""Deltas, not refetches: what changed on an open board since the last notice.

On an open notes (or canvas) board, what every phone sees changes by the same events:
participants' notes being added and edited. So at each flush the hub asks for ONE
``event: delta`` message, built once and pushed as the same bytes into every
connection's one-slot mailbox::

    event: delta
    data: {"from": A, "to": B, "step": KEY, "added": [note...], "edited": [note...],
           "total": N, "window": W}

``added`` and ``edited`` hold each note as the full public view shows it
(:func:`sessionkit.web.views.note_json`: never an author id, no name on an anonymous
step, a redacted note's placeholder), and only notes ``engine.visible_to`` lets
:data:`~sessionkit.web.views.PUBLIC_VIEWER` see; ``total`` is the public view's
``notes_total``. A phone whose public part reflects seq ``S`` with ``A <= S < B``
applies it (replace a note it has by id, append an added one it has not, keep the newest
``window`` notes as the full view does, take ``total``) and reflects ``B``; one with
``S >= B`` already has it; any other phone (``S < A``: a delta it never got because
its slot was overwritten by a newer one, a reconnect) fetches ``api/state`` as before.
A delta is the same for every phone, so it carries a phone's own new note as well, and
may reach that phone before the answer to its POST (which gives the note's id): the
phone keeps a note it sent and has no answer for out of "everyone else's" by what it
says (``app.js`` ``renderNotes``), then by id. The mailbox stays drop-to-latest: a
replaced delta is a gap, and a gap costs that one phone a refetch.

Anything else that changes the public part (a step change, a reveal, a hide, a redaction,
words, questions, ratings, a facilitator's note) *spoils* the delta: that flush sends the
old ``changed`` notice and every phone refetches, exactly as before. A delta is therefore
never the only way to learn something, only a cheaper way to learn the commonest thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sessionkit.core import groups
from sessionkit.core.engine import Engine
from sessionkit.web.views import PUBLIC_VIEWER, dumps, note_json

BOARD_KINDS = frozenset({"notes", "canvas"})
"""Input kinds whose public part is the board's notes and nothing a phone can change
other than by adding or editing a note."""


class BoardDeltas:
    """What participants changed on the open board since the last flush."""

    def __init__(self, engine: Engine, window: int) -> None:
        self.engine = engine
        self.window = window
        """How many of the newest notes the full view shows (``Views.max_notes``)."""
        self.base = engine.state.seq
        """The seq the next delta starts from: ``state.seq`` at the last flush."""
        self.step: str | None = None
        self.added: dict[str, None] = {}
        """Note ids added since the last flush, in the order they were added."""
        self.edited: dict[str, None] = {}
        self.spoiled = False
        """Something a delta cannot describe changed the public part: send ``changed``."""
        self._total: int | None = None
        """Public notes on ``step`` as of the last delta (None: count them afresh)."""

    def board_step(self) -> str | None:
        """The current step's key if it is an open, ungrouped notes or canvas board."""
        engine, state = self.engine, self.engine.state
        if not state.started or state.ended_at is not None:
            return None
        _, step = engine.step_def()
        if step is None or step.input.kind not in BOARD_KINDS:
            return None
        if groups.spec_at(engine.items, state.step_key) is not None:
            return None  # each group's list is in its members' own parts
        return state.step_key

    def note(self, kind: str, note_id: str) -> bool:
        """A participant added or edited a note everyone may see; False (and spoiled) if
        a delta cannot carry it, so the caller schedules a refetch notice instead."""
        key = self.board_step()
        note = self.engine.state.notes.get(note_id)
        if key is None or note is None or note.step != key or self.step not in (None, key):
            self.spoil()
            return False
        self.step = key
        if kind == "note_added":
            self.added[note_id] = None
            if self._total is not None:
                self._total += 1
        else:
            self.edited[note_id] = None
        return not self.spoiled

    def spoil(self) -> None:
        self.spoiled = True
        self._total = None

    def take(self) -> bytes | None:
        """The delta since the last flush as SSE bytes, or None when the phones must
        refetch (spoiled, or nothing the board shows changed); either way the next delta
        starts here."""
        state = self.engine.state
        base, step, added, edited = self.base, self.step, self.added, self.edited
        spoiled = self.spoiled
        self.base, self.step, self.added, self.edited = state.seq, None, {}, {}
        self.spoiled = False
        if spoiled or step is None or step != self.board_step():
            self._total = None
            return None
        if self._total is None:  # once after each refetch notice: the board's size
            self._total = sum(1 for n in state.notes_in(step) if self._visible(n.id))
        body: dict[str, Any] = {
            "from": base,
            "to": state.seq,
            "step": step,
            "added": self._notes(added),
            "edited": self._notes(i for i in edited if i not in added),
            "total": self._total,
            "window": self.window,
        }
        return b"event: delta\ndata: " + dumps(body) + b"\n\n"

    def _notes(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        notes = self.engine.state.notes
        return [note_json(notes[i]) for i in ids if i in notes and self._visible(i)]

    def _visible(self, note_id: str) -> bool:
        return self.engine.visible_to(note_id, PUBLIC_VIEWER)


__all__ = ["BOARD_KINDS", "BoardDeltas"]
