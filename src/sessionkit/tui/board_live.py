"""The facilitator's board kept up to date from the engine's events, not rebuilt in full.

:func:`board_model.build` makes a board from the whole state: one pass over every note,
a new row for each. At 10,000 notes that pass, and the garbage it leaves, is most of
what opening a board or moving one note costs. :class:`LiveBoard` keeps, for the boards
that hold notes (a notes step, a canvas, a clustering step), each note's row in its
pile (a kind, a place, a cluster, or none of them), and listens to the engine: an event
marks the notes it touched, and only those are looked at again, from the state as it is
now, when the board is next drawn. So a note moved costs what one note costs, and
going back to a board seen before costs laying out its piles.

The board it gives is always the one :func:`board_model.build` would give for the same
state (``tests/test_board_live.py`` checks that after every step of random sessions).
Where that would take more than a few lines, it builds the board in full instead:

- boards without notes (votes, ratings, words, sorts...), which are built from a few
  dozen items, and the room's view (``room.py`` builds that itself);
- a grouped step, whose sections are people's groups: named after who is in them, so
  every join, move or re-forming would change them;
- whatever it cannot follow from the events: a group's pick (which changes what a
  ``picked_only`` clustering step takes, for the whole group), an event type it does not
  know, and a state it did not see change (the engine rolled back a write that failed,
  or replayed a journal).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from typing import Any

from sessionkit.core import groups as rounds
from sessionkit.core.engine import Engine
from sessionkit.core.inputs.notes import NoteSpec
from sessionkit.core.method import CanvasInput, ClusterInput, NotesInput
from sessionkit.core.state import Change, Event, Note, SessionState
from sessionkit.tui import board_model
from sessionkit.tui.board_model import BoardModel, Group, Row, is_private_unrevealed

NOTE_EVENTS = frozenset(
    {"note_added", "note_edited", "note_hidden", "action_marked", "note_moved", "note_placed"}
)
"""Events (and undo's changes) about the one note their ``note`` names."""

QUIET = frozenset(
    {
        # Nothing a notes, canvas or clustering board shows (for the facilitator): the
        # cluster's own fields (a name, a cluster gone or back) are read afresh at every
        # draw, and a cluster's notes, when it goes, are looked at again then.
        "cluster_renamed",
        "clusters_merged",
        "cluster_removed",
        "cluster_restored",
        "revealed",
        "unrevealed",
        "step_started",
        "session_ended",
        "session_reopened",
        "timer",
        "timers_set",
        "rest_retimed",
        "participant_joined",
        "participant_removed",
        "participant_let_back_in",
        "joining_set",
        "role_and_table_set",
        "input_locked",
        "summary_set",
        "safeguarding_set",
        "paper_people_set",
        "vote_opened",
        "vote_closed",
        "vote_state_set",
        "vote_cast",
        "vote_withdrawn",
        "dot_removed",
        "rated",
        "paper_rating_withdrawn",
        "words_added",
        "word_hidden",
        "question_asked",
        "question_upvoted",
        "question_upvote_withdrawn",
        "question_answered",
        "question_hidden",
        "questions_merged",
        "questions_unmerged",
        "action_added",
        "action_edited",
        "action_done",
        "action_dropped",
        "action_status_set",
        "learning_added",
        "series_joined",
        "request_sent",
        "request_answered",
        "team_chosen",
        "item_placed",
        "placement_cleared",
        "sort_closed",
        "item_scored",
        "ranking_submitted",
        "rank_closed",
    }
)

KEPT = 4
"""How many steps' piles are kept (the step on screen, the next one, the ones just visited)."""

LOTS = 200
"""Notes touched since the board was last drawn beyond which it is laid out afresh."""


class _Piles:
    """One board's notes, each in its pile, in the order the notes were written."""

    def __init__(
        self, engine: Engine, key: str, order: dict[str, int], laid_out: Callable[[], None]
    ) -> None:
        self.key = key
        self.order = order
        self.laid_out = laid_out
        _, step = engine.step_def(key)
        assert step is not None
        spec = step.input
        self.kind = spec.kind
        self.attr: str | None = None
        """The note's field that says its pile (``None``: one pile, no headings)."""
        self.take: Callable[[SessionState, Note], bool] = lambda state, note: True
        if isinstance(spec, ClusterInput):
            self.attr, self.take = "cluster", spec.takes
            self.steps = set(engine.cluster_sources(key))
        else:
            self.steps = {key}
            if isinstance(spec, CanvasInput):
                self.attr = "region"
            elif isinstance(spec, NotesInput) and spec.categories:
                self.attr = "category"
        self.piles: dict[str | None, list[Row]] = {}
        self.place: dict[str, str | None] = {}
        """Note id -> the pile its row is in, for every note on this board."""
        self.known: set[str | None] = set()
        """The groups' keys when the piles were last laid out."""
        self.dirty: set[str] = set()
        self._lay_out(engine)

    def _lay_out(self, engine: Engine) -> None:
        """Every note in its pile: the one pass over every note, kept to the bare minimum
        per note."""
        state = engine.state
        self.known = known = {g.key for g in self.groups(engine)}
        piles: dict[str | None, list[Row]] = {}
        place: dict[str, str | None] = {}
        self.piles, self.place = piles, place
        self.dirty.clear()
        steps, attr, spec = self.steps, self.attr, engine.spec_at(self.key)
        take = self.take if isinstance(spec, ClusterInput) and spec.picked_only else None
        for note in state.notes.values():
            if note.step not in steps or (take is not None and not take(state, note)):
                continue
            pile = getattr(note, attr) if attr else None
            if pile not in known:
                pile = None
            rows = piles.get(pile)
            if rows is None:
                rows = piles[pile] = []
            rows.append(Row("note", note.id, pile, note, True))
            place[note.id] = pile
        self.laid_out()

    def _pile_of(self, note: Note) -> str | None:
        value: str | None = getattr(note, self.attr) if self.attr else None
        return value if value in self.known else None

    def groups(self, engine: Engine) -> list[Group]:
        """The named groups, in board order (without the pile of notes in none of them)."""
        _, step = engine.step_def(self.key)
        assert step is not None
        spec = step.input
        if isinstance(spec, ClusterInput):
            mine = [cl for cl in engine.state.clusters.values() if cl.step == self.key]
            mine.sort(key=lambda cl: cl.parking)  # parking lots last, otherwise as created
            return [Group(cl.id, cl.label, parking=cl.parking) for cl in mine]
        if isinstance(spec, CanvasInput):
            return [Group(r.id, r.label) for r in spec.note_regions()]
        if isinstance(spec, NotesInput):
            return [Group(c.id, c.label, c.colour) for c in spec.categories]
        return []

    # ------------------------------------------------------------ keeping up

    def _take_out(self, note_id: str) -> None:
        if note_id not in self.place:
            return
        pile = self.piles[self.place.pop(note_id)]
        where = self.order[note_id]
        index = bisect_left(pile, where, key=lambda row: self.order[row.key or ""])
        del pile[index]

    def _put(self, state: SessionState, note_id: str) -> None:
        note = state.notes.get(note_id)
        if note is None or note.step not in self.steps or not self.take(state, note):
            return
        pile = self._pile_of(note)
        row = Row("note", note.id, pile, note, True)  # new: the Note may be a new object
        insort(self.piles.setdefault(pile, []), row, key=lambda r: self.order[r.key or ""])
        self.place[note_id] = pile

    def catch_up(self, engine: Engine, groups: list[Group]) -> None:
        """Look again at the notes the events touched, and at the notes of groups that
        came or went (a cluster made, merged away or brought back by undo)."""
        now = {g.key for g in groups}
        dirty = self.dirty
        if len(dirty) > max(LOTS, len(self.place) // 4):  # a flood (a room's notes while
            self._lay_out(engine)  # the board was away): one pass is cheaper than a
            return  # sorted insert per note
        if now != self.known:
            for gone in self.known - now:
                dirty.update(row.key for row in self.piles.get(gone, ()) if row.key)
            came = now - self.known
            if self.attr is not None:
                dirty.update(
                    row.key
                    for row in self.piles.get(None, ())
                    if row.key and getattr(row.ref, self.attr) in came
                )
            self.known = now
        state = engine.state
        for note_id in sorted(dirty, key=lambda n: self.order.get(n, -1)):
            self._take_out(note_id)
            self._put(state, note_id)
        dirty.clear()

    # ------------------------------------------------------------ the board

    def model(self, engine: Engine) -> BoardModel:
        groups = self.groups(engine)
        self.catch_up(engine, groups)
        key = self.key
        if self.kind == "cluster":
            sources = engine.cluster_sources(key)
            private = any(is_private_unrevealed(engine, k) for k in sources)
        else:
            sources = [key]
            private = is_private_unrevealed(engine, key)
        model = BoardModel(self.kind, private=private)
        model.note_count = len(self.place)
        if self.kind == "cluster":
            for source in sources:
                _, source_step = engine.step_def(source)
                spec = source_step.input if source_step else None
                for category in spec.note_categories() if isinstance(spec, NoteSpec) else ():
                    model.colours[category.id] = category.colour
        if self.attr is None:  # one pile: no heading
            model.rows.extend(self.piles.get(None, ()))
            return model
        order = list(groups)
        if self.kind == "cluster":  # the pile still to sort comes first, always
            order.insert(0, Group(None, "Not yet grouped"))
        elif self.piles.get(None):
            order.append(Group(None, "Not placed" if self.kind == "canvas" else "No kind"))
        rows = model.rows
        headings = self.kind == "cluster"  # a cluster's heading takes the cursor (r, m)
        for group in order:
            members = self.piles.get(group.key, ())
            rows.append(Row("section", group.key, group.key, (group, len(members)), headings))
            rows.extend(members)
        model.groups = order
        return model


class LiveBoard:
    """The facilitator's board of the step in focus, kept up to date from events."""

    def __init__(self, settle: Callable[[], None] | None = None) -> None:
        self._engine: Engine | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._piles: dict[str, _Piles] = {}
        self._order: dict[str, int] = {}
        """Note id -> its place in ``state.notes`` (notes are never removed)."""
        self._notes: dict[str, Note] | None = None
        self._seq = -1
        self._settle = settle
        """Called after a board was laid out from every note (its rows are there to stay)."""
        self.rebuilt = 0
        """How many times it laid out a board from every note (for tests)."""

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = None
        self._engine = None
        self._piles.clear()

    def model(self, engine: Engine) -> BoardModel:
        """The board :func:`board_model.build` would give now (for the facilitator)."""
        self._sync(engine)
        key = engine.state.step_key
        kind = board_model.step_kind(engine)
        piles = self._kept(engine, key) if kind in ("notes", "canvas", "cluster") else None
        if piles is None:
            return board_model.build(engine)
        model = piles.model(engine)
        for other in self._piles.values():  # the next step's, and the ones visited:
            if other is not piles and other.dirty:  # kept up with the room a little at
                other.catch_up(engine, other.groups(engine))  # a time, not all on opening
        return model

    def prepare(self, engine: Engine) -> None:
        """Lay out the next step's board now, so opening it costs no pass over every note
        (the run screen calls this a moment after a step begins)."""
        self._sync(engine)
        state = engine.state
        if not state.started or state.ended_at is not None:
            return
        item, step = state.item, state.step
        if step + 1 < len(engine.items[item].steps):
            self._kept(engine, f"{item}.{step + 1}", recent=False)
        elif item + 1 < len(engine.items):
            self._kept(engine, f"{item + 1}.0", recent=False)

    def _kept(self, engine: Engine, key: str, *, recent: bool = True) -> _Piles | None:
        """The piles of the board at ``key`` (laid out if need be), ``None`` for a board
        built in full each time."""
        _, step = engine.step_def(key)
        if step is None or step.input.kind not in ("notes", "canvas", "cluster"):
            return None
        if step.input.kind == "notes" and rounds.spec_at(engine.items, key) is not None:
            return None  # a grouped step (see the module's docstring)
        piles = self._piles.pop(key, None)
        if piles is None:
            piles = _Piles(engine, key, self._order, self._laid_out)
        if recent or not self._piles:
            self._piles[key] = piles  # the most recent last
        else:  # next in line to be let go, after the board on screen
            self._piles = {key: piles, **self._piles}
        while len(self._piles) > KEPT:
            del self._piles[next(iter(self._piles))]
        return piles

    def _laid_out(self) -> None:
        self.rebuilt += 1
        if self._settle is not None:
            self._settle()

    def _sync(self, engine: Engine) -> None:
        if engine is not self._engine:
            self.close()
            self._engine = engine
            self._unsubscribe = engine.subscribe(self._heard)
            self._start_again(engine)
        state = engine.state
        if (
            state.notes is not self._notes
            or state.seq != self._seq
            or len(self._order) != len(state.notes)
        ):
            self._start_again(engine)  # it changed without telling us (a rollback)

    def _start_again(self, engine: Engine) -> None:
        state = engine.state
        self._piles.clear()
        self._notes = state.notes
        self._order = {note_id: i for i, note_id in enumerate(state.notes)}
        self._seq = state.seq

    # ------------------------------------------------------------ events

    def _heard(self, event: Event, state: SessionState) -> None:
        self._seq = event.seq
        if event.type == "note_added" and event.data["note"] not in self._order:
            self._order[event.data["note"]] = len(self._order)
        touched = self._touched(event.type, event.data, state)
        if touched is None:  # not followed: start again when next drawn
            self._piles.clear()
            return
        for piles in self._piles.values():
            piles.dirty.update(touched)

    def _touched(self, type_: str, data: dict[str, Any], state: SessionState) -> set[str] | None:
        """The notes an event (or one of undo's changes) touched; ``None``: not known."""
        if type_ in NOTE_EVENTS:
            return {data["note"]}
        if type_ == "cluster_created":
            return set(data.get("notes", ()))
        if type_ == "text_redacted":
            return {data["item"]} if data.get("kind") == "note" else set()
        if type_ in ("undone", "redone"):
            return self._undo_touched(data["of"], state)
        if type_ in QUIET:
            return set()
        return None

    def _undo_touched(self, seq: int, state: SessionState) -> set[str] | None:
        # The action undone (or redone) is on one of the stacks, with the changes both
        # ways: whichever were folded, the notes they name are the ones to look at.
        entry = next((e for e in [*state.undo, *state.redo] if e.seq == seq), None)
        if entry is None:
            return None
        touched: set[str] = set()
        changes: Iterable[Change] = [*entry.undo, *entry.redo]
        for change in changes:
            part = self._touched(change.type, change.data, state)
            if part is None:
                return None
            touched |= part
        return touched
