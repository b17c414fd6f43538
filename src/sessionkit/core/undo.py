"""Undo and redo of the facilitator's actions, as new events (the journal stays append-only).

Each undoable facilitator event has an inverse, computed from the state just before the
event is folded (which notes a merged cluster held, whether a note was hidden): that
is the only moment it can be known. :func:`record` keeps it, with the event itself for
redoing, in ``state.undo`` (the latest :data:`LIMIT` actions). ``ctrl+z`` sends
:class:`Undo`, whose ``undone`` event names the action by its seq; folding it folds the
inverse and moves the action to ``state.redo``; ``redone`` folds the original again.
Because the history lives in the state, replay, snapshots and resume all agree on it.

An inverse is a list of :class:`~sessionkit.core.state.Change`: ordinary events (a note
moved back, hidden again) or the few below that only undo makes (a cluster restored, a
reveal withdrawn, the session reopened). Undo is a stack, so the facilitator's later
undoable actions are always undone first; what may happen in between (phones adding,
voting; non-undoable actions) does not touch what an inverse puts back.

Not undoable, on purpose: removing a participant's text (redaction is for good) and
removing a person (their phone was told); moving through the agenda and the timer
(they have their own keys); typing (paper notes, edits, summaries: fix by editing or
hiding, so no text is kept here that a redaction would have to chase).

Several events made by one action (hiding five selected notes: one ``execute_many``
batch, marked ``batch`` by the engine) are one entry, undone and redone together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from sessionkit.core.command import Command
from sessionkit.core.errors import Rejected
from sessionkit.core.inputs.base import Fold, RuleContext
from sessionkit.core.inverses import INVERSES, words
from sessionkit.core.state import (
    FACILITATOR,
    Change,
    Cluster,
    Event,
    SessionState,
    Span,
    StepState,
    Undoable,
)

__all__ = ["LIMIT", "NOT_UNDOABLE", "Redo", "Undo", "fold_redone", "fold_undone", "record"]

LIMIT = 30
"""How many actions back ``ctrl+z`` can go."""

NOT_UNDOABLE = "This can't be undone."
"""What the dialogs of the actions that cannot be undone say."""


class Undo(Command):
    type: Literal["undo"] = "undo"


class Redo(Command):
    type: Literal["redo"] = "redo"


# ---------------------------------------------------------------- rules


def undo(ctx: RuleContext, cmd: Undo, actor: str) -> Event:
    if not ctx.state.undo:
        raise Rejected("Nothing to undo.", "conflict")
    entry = ctx.state.undo[-1]
    return ctx.event("undone", actor, of=entry.seq, what=entry.what)


def redo(ctx: RuleContext, cmd: Redo, actor: str) -> Event:
    if not ctx.state.redo:
        raise Rejected("Nothing to redo.", "conflict")
    entry = ctx.state.redo[-1]
    return ctx.event("redone", actor, of=entry.seq, what=entry.what)


# ---------------------------------------------------------------- recording


def record(state: SessionState, event: Event) -> Callable[[], None] | None:
    """Called before ``event`` is folded: what to do once it has been (or ``None``)."""
    if event.type == "step_started" and state.ended_at is not None:
        return lambda: _forget_ending(state)  # moving on reopened the session
    inverse = INVERSES.get(event.type)
    if inverse is None or event.actor != FACILITATOR:
        return None
    template, changes = inverse(state, event.data)
    data = {k: v for k, v in event.data.items() if k not in ("batch", "client_id")}
    redo = Change(type=event.type, data=data)

    def push() -> None:
        batch = event.data.get("batch")
        top = state.undo[-1] if state.undo else None
        if batch is not None and top is not None and top.seq == batch and batch != event.seq:
            top.count += 1
            top.undo[:0] = changes  # undone in the opposite order
            top.redo.append(redo)
            top.what = words(template, top.count)
            return
        state.undo.append(
            Undoable(
                seq=event.seq,
                type=event.type,
                what=words(template, 1),
                undo=changes,
                redo=[redo],
            )
        )
        del state.undo[:-LIMIT]
        state.redo.clear()  # a new action: what was undone before cannot come back

    return push


def _forget_ending(state: SessionState) -> None:
    state.undo = [e for e in state.undo if e.type != "session_ended"]
    state.redo = [e for e in state.redo if e.type != "session_ended"]


# ---------------------------------------------------------------- folds


def _take(entries: list[Undoable], seq: int) -> Undoable | None:
    if entries and entries[-1].seq == seq:
        return entries.pop()
    return None


def fold_undone(
    state: SessionState, event: Event, d: dict[str, Any], folds: Mapping[str, Fold]
) -> None:
    _replay(state, event, d["of"], folds, undoing=True)


def fold_redone(
    state: SessionState, event: Event, d: dict[str, Any], folds: Mapping[str, Fold]
) -> None:
    _replay(state, event, d["of"], folds, undoing=False)


def _replay(
    state: SessionState, event: Event, seq: int, folds: Mapping[str, Fold], *, undoing: bool
) -> None:
    """Undo (or redo) the entry for ``seq`` if it is on top of its history, and move it to
    the other one; an entry that is not there (already undone) leaves the state alone."""
    source, target = (state.undo, state.redo) if undoing else (state.redo, state.undo)
    entry = _take(source, seq)
    if entry is None:
        return
    _fold_all(state, event, entry.undo if undoing else entry.redo, folds)
    target.append(entry)


def _fold_all(
    state: SessionState, event: Event, changes: list[Change], folds: Mapping[str, Fold]
) -> None:
    for change in changes:
        fold = _OWN_FOLDS.get(change.type) or folds[change.type]
        # A copy: a fold must never change what is kept for undoing it again.
        fold(state, event, dict(change.data))


def _on_cluster_removed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    for note in state.notes.values():
        if note.cluster == d["cluster"]:
            note.cluster = None
    state.clusters.pop(d["cluster"], None)


def _on_cluster_restored(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    fields = {k: v for k, v in d.items() if k != "index"}
    cluster = Cluster.model_validate(fields)
    entries = [(k, v) for k, v in state.clusters.items() if k != cluster.id]
    entries.insert(min(int(d["index"]), len(entries)), (cluster.id, cluster))
    state.clusters = dict(entries)  # back where it was: the board keeps its order


def _on_unrevealed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.steps.setdefault(d["step"], StepState()).revealed = False


def _on_vote_state_set(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.steps.setdefault(d["step"], StepState()).vote = d["vote"]


def _on_session_reopened(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.ended_at = None
    state.join_open = d.get("join_open")
    state.cursor_since = event.at  # the time since the end is not counted to the step
    for spans, key in ((state.items, str(state.item)), (state.step_spans, state.step_key)):
        span = spans.setdefault(key, Span())
        span.ended_at = None
        if span.visits and len(span.visits[-1]) == 2:
            span.visits[-1].pop()  # undoing the end: the visit goes on as if never ended
    if d.get("running"):
        state.timer.running_since = event.at


def _on_questions_unmerged(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    source, target = state.questions[d["source"]], state.questions[d["target"]]
    source.merged_into = None
    added = set(d.get("voters", ()))
    target.voters = [v for v in target.voters if v not in added]
    for earlier in d.get("earlier", ()):
        if earlier in state.questions:
            state.questions[earlier].merged_into = source.id


def _on_dot_removed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    """A paper dot taken off again, leaving no empty ballot (which would read as a voter)."""
    ballots = state.votes.get(d["step"], {})
    ballot = ballots.get(d["voter"], {})
    if ballot.get(d["target"], 0) > 1:
        ballot[d["target"]] -= 1
        return
    ballot.pop(d["target"], None)
    if not ballot:
        ballots.pop(d["voter"], None)
    if not ballots:
        state.votes.pop(d["step"], None)


def _on_region_restored(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.notes[d["note"]].region = d.get("region")


_OWN_FOLDS: dict[str, Fold] = {
    "cluster_removed": _on_cluster_removed,
    "cluster_restored": _on_cluster_restored,
    "unrevealed": _on_unrevealed,
    "vote_state_set": _on_vote_state_set,
    "session_reopened": _on_session_reopened,
    "questions_unmerged": _on_questions_unmerged,
    "region_restored": _on_region_restored,
    "dot_removed": _on_dot_removed,
}
"""The changes only undo makes (they never appear as events of their own)."""
