"""The fold: how each event changes the state.

State is never changed directly: the engine turns a command into an :class:`Event`, and
:func:`apply` folds it in. Replaying the same events on a fresh state reproduces the run
exactly, which is what makes the journal a complete record. The session-wide events are
folded here; each input kind folds its own (:mod:`sessionkit.core.inputs`).
"""

from __future__ import annotations

from typing import Any

from sessionkit.core import groups, safeguarding, timers, undo
from sessionkit.core.inputs import Fold, kind_folds, review
from sessionkit.core.redaction import REDACTION_FOLDS
from sessionkit.core.state import Event, Participant, SessionState, Span, StepState, Timer


def apply(state: SessionState, event: Event) -> None:
    """Fold one event into the state. Never raises for an event the engine produced."""
    fold = FOLDS.get(event.type)
    if fold is None:
        raise ValueError(f"unknown event type {event.type!r} (seq {event.seq})")
    undoable = undo.record(state, event)  # its inverse, from the state before it
    fold(state, event, event.data)
    if undoable is not None:
        undoable()
    state.seq = event.seq
    if (client_id := event.data.get("client_id")) is not None:
        state.receipts[f"{event.actor}/{client_id}"] = event.seq


def _close_cursor(state: SessionState, at: float) -> None:
    """Account the time spent at the current position when leaving it."""
    if state.cursor_since is None:
        return
    spent = max(0.0, at - state.cursor_since)
    for spans, key in ((state.items, str(state.item)), (state.step_spans, state.step_key)):
        span = spans.setdefault(key, Span())
        span.ended_at = at
        span.seconds += spent
        if span.visits and len(span.visits[-1]) == 1:
            span.visits[-1].append(at)
    state.cursor_since = None


def _on_step_started(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    _close_cursor(state, event.at)
    state.started = True
    state.ended_at = None  # moving on after "end" reopens the run
    state.item, state.step = d["item"], d["step"]
    state.cursor_since = event.at
    for spans, key in ((state.items, str(state.item)), (state.step_spans, state.step_key)):
        span = spans.setdefault(key, Span())
        if span.started_at is None:
            span.started_at = event.at
        if not span.visits and span.started_at is not None and span.ended_at is not None:
            span.visits.append([span.started_at, span.ended_at])  # a record from before visits
        span.ended_at = None
        last = span.visits[-1] if span.visits else None
        if last is not None and len(last) == 2 and last[1] == event.at:
            last.pop()  # the next step of the same item: the item's visit goes on
        else:
            span.visits.append([event.at])
    state.timer = Timer(duration=float(d["seconds"]), people=d.get("people"))
    if d.get("autostart"):
        state.timer.running_since = event.at
    groups.fold_step_started(state, event, d)
    review.fold_carried(state, d)


def _on_session_ended(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    _close_cursor(state, event.at)
    if state.timer.running_since is not None:
        state.timer.elapsed = state.timer.elapsed_at(event.at)
        state.timer.running_since = None
    state.ended_at = event.at
    if state.join_open:  # ending closes joining, even if it had been reopened
        state.join_open = None


def _on_timer(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    timer, action = state.timer, d["action"]
    if action == "start" and timer.running_since is None:
        timer.running_since = event.at
    elif action == "pause" and timer.running_since is not None:
        timer.elapsed = timer.elapsed_at(event.at)
        timer.running_since = None
    elif action == "extend":
        timer.duration += float(d["seconds"])
    elif action == "reset":
        timer.elapsed = 0.0
        timer.duration = float(d["seconds"])
        timer.running_since = None
        timer.people = d.get("people")


def _on_participant_joined(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.counter += 1
    state.participants[d["participant"]] = Participant(
        id=d["participant"],
        name=d.get("name"),
        key=d.get("key", ""),
        device=d.get("device", ""),
        role=d.get("role"),
        table=d.get("table"),
        joined_at=event.at,
    )
    groups.fold_joined(state, event, d)


def _on_participant_removed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.participants[d["participant"]].removed = True


def _on_let_back_in(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.participants[d["participant"]].let_back_in = True


def _on_role_and_table_set(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    person = state.participants[d["participant"]]
    person.role, person.table = d.get("role"), d.get("table")


def _on_joining_set(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.join_open = bool(d["open"])


def _on_input_locked(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.steps.setdefault(d["step"], StepState()).locked = bool(d["locked"])


def _on_paper_people_set(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.paper_people = int(d["count"])


def _on_summary_set(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.steps.setdefault(d["step"], StepState()).summary = d["text"]


SESSION_FOLDS: dict[str, Fold] = {
    "step_started": _on_step_started,
    "session_ended": _on_session_ended,
    "timer": _on_timer,
    "participant_joined": _on_participant_joined,
    "participant_removed": _on_participant_removed,
    "participant_let_back_in": _on_let_back_in,
    "joining_set": _on_joining_set,
    "role_and_table_set": _on_role_and_table_set,
    "input_locked": _on_input_locked,
    "summary_set": _on_summary_set,
    "safeguarding_set": safeguarding.fold_set,
    "paper_people_set": _on_paper_people_set,
    "timers_set": timers.fold_timers_set,
    "rest_retimed": timers.fold_retimed,
    "undone": lambda state, event, d: undo.fold_undone(state, event, d, FOLDS),
    "redone": lambda state, event, d: undo.fold_redone(state, event, d, FOLDS),
}
FOLDS: dict[str, Fold] = {
    **SESSION_FOLDS,
    **groups.GROUP_FOLDS,
    **REDACTION_FOLDS,
    **kind_folds(),
}
EVENT_TYPES = frozenset(FOLDS)
