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


# ---------------------------------------------------------------- inverses

Inverse = tuple[str, list[Change]]
"""(what the action was, the changes that undo it)."""


def _ch(type_: str, **data: Any) -> Change:
    return Change(type=type_, data={k: v for k, v in data.items() if v is not None})


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"a {one}" if n == 1 else f"{n} {many or one + 's'}"


def _note_hidden(state: SessionState, d: dict[str, Any]) -> Inverse:
    was = state.notes[d["note"]].hidden
    return ("hiding" if d["hidden"] else "showing") + " {notes}", [
        _ch("note_hidden", note=d["note"], hidden=was)
    ]


def _note_moved(state: SessionState, d: dict[str, Any]) -> Inverse:
    to = state.clusters.get(d.get("cluster") or "")
    verb = "parking" if to is not None and to.parking else "moving"
    return verb + " {notes}", [
        _ch("note_moved", note=d["note"], cluster=state.notes[d["note"]].cluster)
    ]


def _cluster_created(state: SessionState, d: dict[str, Any]) -> Inverse:
    notes = d.get("notes", [])
    back = [_ch("note_moved", note=n, cluster=state.notes[n].cluster) for n in notes]
    if d.get("parking"):
        what = f"parking {_plural(len(notes), 'note')}"
    else:
        what = f"grouping {_plural(len(notes), 'note')} as “{d['label']}”"
    return what, [*back, _ch("cluster_removed", cluster=d["cluster"])]


def _cluster_renamed(state: SessionState, d: dict[str, Any]) -> Inverse:
    was = state.clusters[d["cluster"]].label
    return f"renaming “{was}”", [_ch("cluster_renamed", cluster=d["cluster"], label=was)]


def _clusters_merged(state: SessionState, d: dict[str, Any]) -> Inverse:
    source = state.clusters[d["source"]]
    index = list(state.clusters).index(source.id)
    inside = [n.id for n in state.notes.values() if n.cluster == source.id]
    restore = _ch("cluster_restored", index=index, **source.model_dump(exclude_none=True))
    back = [_ch("note_moved", note=n, cluster=source.id) for n in inside]
    target = state.clusters[d["target"]].label
    return f"merging “{source.label}” into “{target}”", [restore, *back]


def _revealed(state: SessionState, d: dict[str, Any]) -> Inverse:
    return "revealing the notes", [_ch("unrevealed", step=d["step"])]


def _vote_state(what: str) -> Callable[[SessionState, dict[str, Any]], Inverse]:
    def inverse(state: SessionState, d: dict[str, Any]) -> Inverse:
        return what, [_ch("vote_state_set", step=d["step"], vote=state.step_state(d["step"]).vote)]

    return inverse


def _closed(what: str) -> Callable[[SessionState, dict[str, Any]], Inverse]:
    def inverse(state: SessionState, d: dict[str, Any]) -> Inverse:
        verb = "closing" if d["closed"] else "reopening"
        return f"{verb} the {what}", _vote_state("")(state, d)[1]

    return inverse


def _vote_cast(state: SessionState, d: dict[str, Any]) -> Inverse:
    return "adding {dots}", [
        _ch("dot_removed", step=d["step"], voter=d["voter"], target=d["target"])
    ]


def _vote_withdrawn(state: SessionState, d: dict[str, Any]) -> Inverse:
    return "taking back {dots}", [
        _ch("vote_cast", step=d["step"], voter=d["voter"], target=d["target"])
    ]


def _rated(state: SessionState, d: dict[str, Any]) -> Inverse:
    return "adding a paper rating", [
        _ch("paper_rating_withdrawn", step=d["step"], rater=d["rater"])
    ]


def _rating_withdrawn(state: SessionState, d: dict[str, Any]) -> Inverse:
    value = state.ratings.get(d["step"], {}).get(d["rater"])
    if value is None:
        return "taking back a paper rating", []
    return "taking back a paper rating", [
        _ch("rated", step=d["step"], rater=d["rater"], value=value)
    ]


def _session_ended(state: SessionState, d: dict[str, Any]) -> Inverse:
    running = state.timer.running or None
    return "ending the session", [
        _ch("session_reopened", join_open=state.join_open, running=running)
    ]


def _questions_merged(state: SessionState, d: dict[str, Any]) -> Inverse:
    source, target = state.questions[d["source"]], state.questions[d["target"]]
    added = [v for v in source.voters if v not in target.voters and v != target.author]
    earlier = [q.id for q in state.questions.values() if q.merged_into == source.id]
    return "merging two questions", [
        _ch("questions_unmerged", source=source.id, target=target.id, voters=added, earlier=earlier)
    ]


def _flag(event: str, key: str, field: str, what: Callable[[bool], str]) -> Callable[..., Inverse]:
    """The inverse of an event that sets one true/false field of an item to ``d[field]``."""

    def inverse(state: SessionState, d: dict[str, Any]) -> Inverse:
        items: Mapping[str, Any] = (
            state.notes
            if key == "note"
            else state.questions
            if key == "question"
            else state.actions
        )
        was = bool(getattr(items[d[key]], field))
        return what(bool(d[field])), [_ch(event, **{key: d[key], field: was})]

    return inverse


def _upvoted(state: SessionState, d: dict[str, Any]) -> Inverse:
    return "adding a paper upvote", [
        _ch("question_upvote_withdrawn", question=d["question"], voter=d["voter"])
    ]


def _upvote_withdrawn(state: SessionState, d: dict[str, Any]) -> Inverse:
    return "taking back a paper upvote", [
        _ch("question_upvoted", question=d["question"], voter=d["voter"])
    ]


def _word_hidden(state: SessionState, d: dict[str, Any]) -> Inverse:
    was = d["word"] in state.hidden_words.get(d["step"], ())
    what = "taking a word out of the cloud" if d["hidden"] else "putting a word back"
    return what, [_ch("word_hidden", step=d["step"], word=d["word"], hidden=was)]


def _action_marked(state: SessionState, d: dict[str, Any]) -> Inverse:
    was = state.notes[d["note"]].action_owner
    return "marking a note as an action", [_ch("action_marked", note=d["note"], owner=was)]


def _note_placed(state: SessionState, d: dict[str, Any]) -> Inverse:
    was = state.notes[d["note"]].region
    return "placing {notes}", [_ch("region_restored", note=d["note"], region=was)]


def _input_locked(state: SessionState, d: dict[str, Any]) -> Inverse:
    was = state.step_state(d["step"]).locked
    what = "pausing phone input" if d["locked"] else "allowing phone input"
    return what, [_ch("input_locked", step=d["step"], locked=was)]


def _note_picked(state: SessionState, d: dict[str, Any]) -> Inverse:
    was = state.groups[d["group"]].picked
    return "a group's pick", [_ch("note_picked", group=d["group"], note=was)]


def _rest_retimed(state: SessionState, d: dict[str, Any]) -> Inverse:
    was = {index: state.retimed.get(index, 100) for index in d["shares"]}
    more = "lengthening" if d.get("minutes", 0) > 0 else "shortening"
    return f"{more} the rest of the day", [_ch("rest_retimed", shares=was)]


INVERSES: dict[str, Callable[[SessionState, dict[str, Any]], Inverse]] = {
    "note_hidden": _note_hidden,
    "note_moved": _note_moved,
    "cluster_created": _cluster_created,
    "cluster_renamed": _cluster_renamed,
    "clusters_merged": _clusters_merged,
    "revealed": _revealed,
    "vote_opened": _vote_state("opening the vote"),
    "vote_closed": _vote_state("closing the vote"),
    "sort_closed": _closed("sort"),
    "rank_closed": _closed("ranking"),
    "vote_cast": _vote_cast,
    "vote_withdrawn": _vote_withdrawn,
    "rated": _rated,
    "paper_rating_withdrawn": _rating_withdrawn,
    "session_ended": _session_ended,
    "questions_merged": _questions_merged,
    "question_hidden": _flag(
        "question_hidden",
        "question",
        "hidden",
        lambda on: "taking a question down" if on else "putting a question back",
    ),
    "question_answered": _flag(
        "question_answered",
        "question",
        "answered",
        lambda on: "marking a question answered" if on else "marking a question not answered",
    ),
    "question_upvoted": _upvoted,
    "question_upvote_withdrawn": _upvote_withdrawn,
    "word_hidden": _word_hidden,
    "action_done": _flag(
        "action_done",
        "action",
        "done",
        lambda on: "marking an action done" if on else "marking an action not done",
    ),
    "action_dropped": _flag(
        "action_dropped",
        "action",
        "dropped",
        lambda on: "dropping an action" if on else "putting an action back",
    ),
    "action_marked": _action_marked,
    "note_placed": _note_placed,
    "input_locked": _input_locked,
    "note_picked": _note_picked,
    "rest_retimed": _rest_retimed,
}
"""Event type -> its inverse, for the events a facilitator's action makes that undo can
take back (only the facilitator's: a phone's own events are never on the stack)."""

_COUNTED = {"{notes}": ("note", None), "{dots}": ("paper dot", None)}


def _words(what: str, count: int) -> str:
    for mark, (one, many) in _COUNTED.items():
        what = what.replace(mark, _plural(count, one, many))
    return what


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
            top.what = _words(template, top.count)
            return
        state.undo.append(
            Undoable(
                seq=event.seq,
                type=event.type,
                what=_words(template, 1),
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
    entry = _take(state.undo, d["of"])
    if entry is None:
        return
    _fold_all(state, event, entry.undo, folds)
    state.redo.append(entry)


def fold_redone(
    state: SessionState, event: Event, d: dict[str, Any], folds: Mapping[str, Fold]
) -> None:
    entry = _take(state.redo, d["of"])
    if entry is None:
        return
    _fold_all(state, event, entry.redo, folds)
    state.undo.append(entry)


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
        spans.setdefault(key, Span()).ended_at = None
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
