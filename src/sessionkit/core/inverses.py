"""What undoes each undoable facilitator event: its inverse, from the state just before
the event is folded (see :mod:`sessionkit.core.undo`, which keeps and folds them).

An inverse is what the action was, in the facilitator's words (``{notes}`` and
``{dots}`` are counted: "hiding 3 notes"), and a list of changes: ordinary events (a
note moved back) or the few that only undo makes, folded in :mod:`.undo`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sessionkit.core.state import Change, SessionState

__all__ = ["INVERSES", "Inverse", "words"]

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


def words(what: str, count: int) -> str:
    for mark, (one, many) in _COUNTED.items():
        what = what.replace(mark, _plural(count, one, many))
    return what
