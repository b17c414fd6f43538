"""Review: the open actions of a series' earlier runs, looked at again by the room.

When a run of a series starts, the store hands the engine the open actions of the
series' earlier runs (as data); the engine puts them in the first ``step_started`` event,
so they are journalled with the run and replay never reads another run. A review step
shows each one: the room (phones) and the facilitator mark it done, in progress, dropped
or changed (with its new wording), and add what was learned. Every change is an event,
and the action keeps its ``ref`` (origin run / action id) and origin, so the series
export can follow it from run to run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import Field

from sessionkit.core.command import ClientId, Command, NoteText, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.inputs.actions import MAX_ACTION_CHARS
from sessionkit.core.inputs.base import InputKind, InputSpec, Problems, RuleContext
from sessionkit.core.series_name import check_series_name
from sessionkit.core.state import (
    FACILITATOR,
    Event,
    Learning,
    ReviewedAction,
    SessionState,
    StatusChange,
)

STATUSES = ("open", "in progress", "changed", "done", "dropped")
"""What a reviewed action can be marked (``open``: not looked at yet, or put back)."""
CLOSED = frozenset({"done", "dropped"})
"""Statuses after which an action is no longer carried into the next run."""
ROOM = "room"
"""``StatusChange.by`` for a change made on a phone (which phone is not kept)."""


class ReviewInput(InputSpec):
    """The open actions of the series' earlier runs, reviewed one by one."""

    kind: Literal["review"]
    who_can_mark: Literal["everyone", "facilitator"] = "everyone"
    """``everyone``: phones mark statuses too; ``facilitator``: only the laptop does."""
    max_notes_per_person: int = Field(default=10, ge=1, le=50)
    """How many learning notes one person may add on the step."""

    def describe(self) -> str:
        who = (
            "the room and the facilitator" if self.who_can_mark == "everyone" else "the facilitator"
        )
        return (
            "review of the series' open actions: done, in progress, dropped or changed, "
            f"marked by {who}, with what was learned"
        )

    def caption(self) -> str:
        return "review of actions"

    def problems(self, earlier: Mapping[str, InputSpec]) -> Problems:
        return []


# ---------------------------------------------------------------- carrying in


def carried_event_data(state: SessionState, carried: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The carried actions as the start event holds them, each given its id here."""
    return [{**dict(item), "id": f"r{state.counter + 1 + i}"} for i, item in enumerate(carried)]


def fold_carried(state: SessionState, d: Mapping[str, Any]) -> None:
    """Part of folding the first ``step_started``: the series and what it carried in."""
    if "series" in d:
        state.series = d["series"]
    for item in d.get("carried", ()):
        state.counter += 1
        action = ReviewedAction.model_validate(item)
        state.reviews[action.id] = action


def is_open(action: ReviewedAction) -> bool:
    return action.status not in CLOSED


# ---------------------------------------------------------------- commands

ActionText = Annotated[NoteText, Field(max_length=MAX_ACTION_CHARS)]


class SetActionStatus(Command):
    """Mark a carried action; ``what`` (facilitator only) rewords a changed one."""

    type: Literal["set_action_status"] = "set_action_status"
    action: ShortId
    status: Literal["open", "in progress", "changed", "done", "dropped"]
    what: ActionText | None = None
    client_id: ClientId | None = None


class AddLearning(Command):
    """What was learned from a carried action (one note; a person may add several)."""

    type: Literal["add_learning"] = "add_learning"
    action: ShortId
    text: NoteText
    client_id: ClientId | None = None


class JoinSeries(Command):
    """Put a run that began in no series into one afterwards (the facilitator forgot
    ``--series``): its actions become the series' actions, for the next run to review.
    A run that started in a series stays in it: a run belongs to one."""

    type: Literal["join_series"] = "join_series"
    series: str


def _join_series(ctx: RuleContext, cmd: JoinSeries, actor: str) -> Event:
    try:
        name = check_series_name(cmd.series)
    except ValueError as error:
        raise Rejected(f"{str(error)[0].upper()}{str(error)[1:]}.") from None
    if ctx.state.series == name:
        raise Rejected(f"This run is already in series {name!r}.", "conflict")
    if ctx.state.series is not None:
        raise Rejected(
            f"This run is in series {ctx.state.series!r}: a run belongs to one series.",
            "conflict",
        )
    return ctx.event("series_joined", actor, series=name)


def _reviewed(ctx: RuleContext, action_id: str, actor: str) -> ReviewedAction:
    state = ctx.state
    if not state.started:
        raise Rejected("Start the session first.", "conflict")
    if actor != FACILITATOR and not isinstance(ctx.spec_at(), ReviewInput):
        raise Rejected("Actions are reviewed on the review step.", "conflict")
    action = state.reviews.get(action_id)
    if action is None:
        raise Rejected("There is no such action to review in this run.", "not_found")
    return action


def _set_status(ctx: RuleContext, cmd: SetActionStatus, actor: str) -> Event:
    action = _reviewed(ctx, cmd.action, actor)
    spec = ctx.spec_at()
    if actor != FACILITATOR:
        if isinstance(spec, ReviewInput) and spec.who_can_mark != "everyone":
            raise Rejected("On this step the facilitator marks the actions.", "forbidden")
        if cmd.what is not None:
            raise Rejected("Only the facilitator rewords an action.", "forbidden")
    what = cmd.what or None
    if what is not None and cmd.status != "changed":
        raise Rejected("A new wording goes with the status 'changed'.")
    if what == action.what:
        what = None
    if cmd.status == action.status and what is None:
        raise Rejected(f"That action is already marked {action.status}.", "conflict")
    return ctx.event(
        "action_status_set",
        actor,
        action=action.id,
        status=cmd.status,
        what=what,
        by=FACILITATOR if actor == FACILITATOR else ROOM,
    )


def _add_learning(ctx: RuleContext, cmd: AddLearning, actor: str) -> Event:
    action = _reviewed(ctx, cmd.action, actor)
    if not cmd.text:
        raise Rejected("Write what was learned first.")
    spec = ctx.spec_at()
    if actor != FACILITATOR and isinstance(spec, ReviewInput):
        mine = sum(
            1
            for a in ctx.state.reviews.values()
            for n in a.learned
            if n.author == actor and not n.run
        )
        if mine >= spec.max_notes_per_person:
            raise Rejected(f"You have added {mine} notes, the most this step allows.", "limit")
    return ctx.event("learning_added", actor, action=action.id, text=cmd.text)


# ---------------------------------------------------------------- folds


def _on_status_set(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    action = state.reviews[d["action"]]
    action.status = d["status"]
    if d.get("what"):
        action.what = d["what"]
    action.history.append(
        StatusChange(status=d["status"], at=event.at, by=d.get("by", ""), what=d.get("what"))
    )


def _on_series_joined(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.series = d["series"]


def _on_learning(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.reviews[d["action"]].learned.append(
        Learning(text=d["text"], at=event.at, author=event.actor)
    )


def _deidentify(state: SessionState) -> None:
    """Who wrote a learning note is not kept (the facilitator's own stay marked)."""
    for action in state.reviews.values():
        for note in action.learned:
            if note.author != FACILITATOR:
                note.author = ""


KIND = InputKind(
    name="review",
    order=90,
    spec=ReviewInput,
    rules={SetActionStatus: _set_status, AddLearning: _add_learning, JoinSeries: _join_series},
    participant_commands=(SetActionStatus, AddLearning),
    folds={
        "action_status_set": _on_status_set,
        "learning_added": _on_learning,
        "series_joined": _on_series_joined,
    },
    has_content=lambda state, key: bool(state.reviews),
    deidentify=_deidentify,
)


def origin_text(action: ReviewedAction) -> str:
    """Where the action was agreed, for people: ``agreed 2026-02-11, Unpicking the hard
    knot, Who does what next, from: <the note's first words>``."""
    origin = action.origin
    parts = [f"agreed {origin.date}" if origin.date else "agreed in an earlier run"]
    parts += [part for part in (origin.plan, origin.item) if part]
    if origin.source:
        parts.append(f"from: {origin.source}")
    return ", ".join(parts)


def reviewed(state: SessionState) -> list[ReviewedAction]:
    """The carried actions in the order they came in (oldest run first)."""
    return list(state.reviews.values())
