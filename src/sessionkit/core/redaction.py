"""Redaction: the facilitator removes what a participant wrote, for good.

Hiding (``HideNote``, ``HideWord``, ``HideQuestion``, ``DropAction``) only takes text out
of sight: it stays in the state and in the full records. Redacting replaces the text in
the state by :data:`REMOVED_TEXT`, so no view, export, snapshot or replay shows it again,
while the item itself stays (its dots, sort places, rankings, cluster and group go on
counting: results do not change without anyone saying so) marked with why it was removed.

The journal is append-only: the event that brought the text in stays there (until the
run is purged). The ``text_redacted`` event names only the item, the reason and the time,
never the text, and folding it after that first event is what keeps the text out.

Every kind of participant-written text can be redacted: a note (of any step that collects
notes: notes, canvas, grid, a group's list, paper notes), an answer of a words step
(every answer of that step that gave the same word: the cloud counts them as one), a
question, a request (its text and its reply), a proposed action (what will be done) and
an action carried in for review (with everything written about it: see
:func:`scrub_review`).
"""

from __future__ import annotations

from typing import Any, Literal

from sessionkit.core.command import Command, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.inputs.base import Fold, Rule, RuleContext
from sessionkit.core.state import REMOVED_TEXT, Event, ReviewedAction, SessionState

__all__ = [
    "REASONS",
    "REDACTION_COMMANDS",
    "REDACTION_FOLDS",
    "REDACTION_RULES",
    "REMOVED_TEXT",
    "Reason",
    "RedactText",
    "item_kind",
    "reason_of",
    "remove_copy",
    "removed_counts",
    "scrub_review",
]

Reason = Literal["safeguarding", "personal-data", "other"]
REASONS: dict[str, str] = {
    "safeguarding": "Safeguarding",
    "personal-data": "Personal data",
    "other": "Other",
}
"""Each reason code, with how it is shown to the facilitator (safeguarding first)."""

_WHAT = {
    "note": "note",
    "word": "answer",
    "question": "question",
    "request": "request",
    "action": "action",
    "review": "action",
}


class RedactText(Command):
    """Replace the text of one participant-written item by :data:`REMOVED_TEXT`."""

    type: Literal["redact_text"] = "redact_text"
    item: ShortId
    """A note, word answer, question, request or action id (``n4``, ``w7``, ``q2`` ...)."""
    reason: Reason


def item_kind(state: SessionState, item: str) -> str | None:
    """``note``, ``word``, ``question``, ``request``, ``action`` or ``review`` (an action
    carried in from an earlier run); ``None``: no such item."""
    for kind, items in (
        ("note", state.notes),
        ("word", state.words),
        ("question", state.questions),
        ("request", state.requests),
        ("action", state.actions),
        ("review", state.reviews),
    ):
        if item in items:
            return kind
    return None


def reason_of(state: SessionState, item: str) -> str | None:
    """Why the item's text was removed (a reason code), ``None`` if it was not."""
    kind = item_kind(state, item)
    if kind is None:
        return None
    found: Any = _items(state, kind)[item]
    reason: str | None = found.redacted
    return reason


def removed_counts(state: SessionState) -> dict[str, int]:
    """How many texts were removed, per reason code (in :data:`REASONS` order; reasons
    never used are left out). A words step's answers that gave one word count once each."""
    counts = dict.fromkeys(REASONS, 0)
    kinds = (state.notes, state.words, state.questions, state.requests, state.actions)
    for items in (*kinds, state.reviews):
        for found in items.values():
            if found.redacted is not None:
                counts[found.redacted] = counts.get(found.redacted, 0) + 1
    return {reason: n for reason, n in counts.items() if n}


def _items(state: SessionState, kind: str) -> dict[str, Any]:
    by_kind: dict[str, dict[str, Any]] = {
        "note": state.notes,
        "word": state.words,
        "question": state.questions,
        "request": state.requests,
        "action": state.actions,
        "review": state.reviews,
    }
    return by_kind[kind]


def _redact(ctx: RuleContext, cmd: RedactText, actor: str) -> Event:
    state = ctx.state
    kind = item_kind(state, cmd.item)
    if kind is None:
        raise Rejected(
            f"There is no note, answer, question, request or action '{cmd.item}' to remove.",
            "not_found",
        )
    what = _WHAT[kind]
    done = reason_of(state, cmd.item)
    if done is not None:
        raise Rejected(f"This {what}'s text was already removed ({done}).", "conflict")
    also: list[str] | None = None
    if kind == "word":
        # The cloud counts a word, not an answer: every answer of the step that gave it
        # goes (ids only: the event must not say what the word was).
        answer = state.words[cmd.item]
        also = [
            a.id
            for a in state.words.values()
            if a.step == answer.step and a.word == answer.word and a.redacted is None
        ]
    return ctx.event("text_redacted", actor, item=cmd.item, kind=kind, reason=cmd.reason, also=also)


def _on_redacted(state: SessionState, event: Event | None, d: dict[str, Any]) -> None:
    reason, kind = d["reason"], d["kind"]
    if kind == "note":
        note = state.notes[d["item"]]
        note.text, note.redacted = REMOVED_TEXT, reason
    elif kind == "word":
        first = state.words[d["item"]]
        hidden = state.hidden_words.get(first.step, [])
        if first.word in hidden:  # a word taken out of the cloud stays out, as removed
            hidden.remove(first.word)
            if REMOVED_TEXT not in hidden:
                hidden.append(REMOVED_TEXT)
        for answer_id in d.get("also") or [d["item"]]:
            answer = state.words[answer_id]
            answer.text = answer.word = REMOVED_TEXT
            answer.redacted = reason
    elif kind == "question":
        question = state.questions[d["item"]]
        question.text, question.redacted = REMOVED_TEXT, reason
    elif kind == "request":
        request = state.requests[d["item"]]
        request.text, request.redacted = REMOVED_TEXT, reason
        if request.reply:  # the answering team's words went with what they answered
            request.reply = REMOVED_TEXT
    elif kind == "review":
        scrub_review(state.reviews[d["item"]], reason)
    else:
        action = state.actions[d["item"]]
        action.what, action.redacted = REMOVED_TEXT, reason


def remove_copy(state: SessionState, item: str, reason: str) -> None:
    """Remove an action's text from ``state`` as a ``text_redacted`` event would, without
    one: for a record read from a run that kept a copy another run of its series has
    since removed (the run itself is mended with a real event when it is reopened)."""
    kind = item_kind(state, item)
    if kind in ("action", "review"):
        _on_redacted(state, None, {"item": item, "kind": kind, "reason": reason})


def scrub_review(action: ReviewedAction, reason: str) -> None:
    """Remove a carried action's text and all that was written about it: its wording and
    rewordings, the words of the note it came from, and what was learned (each may
    repeat or answer the text removed). Its status and history of statuses stay."""
    action.what, action.redacted = REMOVED_TEXT, reason
    if action.origin.source:
        action.origin.source = REMOVED_TEXT
    for change in action.history:
        if change.what:
            change.what = REMOVED_TEXT
    for note in action.learned:
        note.text = REMOVED_TEXT


REDACTION_COMMANDS: tuple[type[Command], ...] = (RedactText,)
"""The facilitator's only; phones never redact."""
REDACTION_RULES: dict[type[Command], Rule] = {RedactText: _redact}
REDACTION_FOLDS: dict[str, Fold] = {"text_redacted": _on_redacted}
