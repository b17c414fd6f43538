"""Actions: what will be done, by whom, by when, and the note or cluster it came from.

Phones may propose actions where the step lets everyone add them; the facilitator adds
them too (from paper or from the room), edits any field, marks them done or drops them.
A date is checked where it enters: ``2026-02-30`` is refused with a message, never
stored. The source is kept as an id but shown to people as the note's first words or
the cluster's name (:func:`source_label`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from sessionkit.core.command import ClientId, Command, NoteText, PersonName, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.fields import Kebab
from sessionkit.core.inputs.base import InputKind, InputSpec, Problems, RuleContext
from sessionkit.core.inputs.cluster import not_earlier
from sessionkit.core.state import FACILITATOR, Action, Event, SessionState

MAX_ACTION_CHARS = 300
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class ActionsInput(InputSpec):
    """A list of actions: what, who, by when."""

    kind: Literal["actions"]
    who_can_add: Literal["everyone", "facilitator"] = "everyone"
    """``everyone``: phones may propose actions; ``facilitator``: only the laptop adds them."""
    max_per_person: int = Field(default=5, ge=1, le=50)
    from_step: Kebab | None = None
    """An earlier step whose notes or clusters the actions come from (offered as sources)."""

    def describe(self) -> str:
        who = (
            f"anyone may propose, up to {self.max_per_person} each"
            if self.who_can_add == "everyone"
            else "the facilitator adds them"
        )
        source = f"; from step '{self.from_step}'" if self.from_step else ""
        return f"actions: what, who, by when; {who}{source}"

    def caption(self) -> str:
        return "actions"

    def problems(self, earlier: Mapping[str, InputSpec]) -> Problems:
        if self.from_step is None:
            return []
        source = earlier.get(self.from_step)
        if source is None:
            return [(("from_step",), not_earlier(self.from_step, earlier))]
        if source.collects_notes or source.kind == "cluster":
            return []
        return [
            (
                ("from_step",),
                f"step '{self.from_step}' collects {source.kind}, so there are no notes or "
                "clusters for actions to come from (expected a notes, canvas or cluster step)",
            )
        ]


# ---------------------------------------------------------------- dates and sources


def check_due(text: str) -> str | None:
    """An ISO date (``YYYY-MM-DD``) as given, ``None`` for none; :class:`Rejected` with a
    message a person can act on for anything else (``2026-02-30``, ``next week``)."""
    text = text.strip()
    if not text:
        return None
    match = _ISO_DATE.match(text)
    if not match:
        raise Rejected(f"'{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-14.")
    year, month, day = (int(part) for part in match.groups())
    if year < 1:
        raise Rejected(f"'{text}' is not a date: there is no year {year}.")
    if not 1 <= month <= 12:
        raise Rejected(f"'{text}' is not a date: there is no month {month}.")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = dt.date(2000, month, 1).strftime("%B")
        raise Rejected(f"'{text}' is not a date: {name} {year} has {days} days.")
    return dt.date(year, month, day).isoformat()


def source_label(state: SessionState, source: str | None, words: int = 8) -> str:
    """What an action came from, for people: a cluster's name or a note's first words."""
    if not source:
        return ""
    cluster = state.clusters.get(source)
    if cluster is not None:
        return cluster.label
    note = state.notes.get(source)
    if note is None:
        return ""
    if note.hidden:
        return "(a hidden note)"
    parts = note.text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def listed(state: SessionState, key: str | None = None) -> list[Action]:
    """The actions still on the list (not dropped), oldest first (all steps if no key)."""
    return [a for a in state.actions.values() if not a.dropped and (key is None or a.step == key)]


# ---------------------------------------------------------------- commands

ActionText = Annotated[NoteText, Field(max_length=MAX_ACTION_CHARS)]
DueText = Annotated[str, Field(max_length=40)]


class AddAction(Command):
    type: Literal["add_action"] = "add_action"
    what: ActionText
    who: PersonName | None = None
    due: DueText | None = None
    """``YYYY-MM-DD``; empty or left out: no date."""
    source: ShortId | None = None
    """Facilitator only: the note or cluster it came from."""
    client_id: ClientId | None = None


class EditAction(Command):
    """Change fields of an action; a field left out is unchanged, an empty one cleared."""

    type: Literal["edit_action"] = "edit_action"
    action: ShortId
    what: ActionText | None = None
    who: PersonName | None = None
    due: DueText | None = None
    source: Annotated[str, Field(max_length=40)] | None = None


class MarkActionDone(Command):
    type: Literal["mark_action_done"] = "mark_action_done"
    action: ShortId
    done: bool = True


class DropAction(Command):
    type: Literal["drop_action"] = "drop_action"
    action: ShortId
    dropped: bool = True


def _spec(ctx: RuleContext, key: str) -> ActionsInput:
    spec = ctx.spec_at(key)
    if not isinstance(spec, ActionsInput):
        raise Rejected("There is no list of actions on this step.", "conflict")
    return spec


def _action(ctx: RuleContext, action_id: str) -> Action:
    action = ctx.state.actions.get(action_id)
    if action is None:
        raise Rejected("There is no such action (it may have been removed).", "not_found")
    return action


def _source(ctx: RuleContext, source: str | None) -> str | None:
    if not source:
        return None
    state = ctx.state
    if source not in state.notes and source not in state.clusters:
        raise Rejected("The note or cluster this action comes from is not in this run.")
    return source


def _add(ctx: RuleContext, cmd: AddAction, actor: str) -> Event:
    state = ctx.state
    if not state.started:
        raise Rejected("Start the session first.", "conflict")
    key = state.step_key
    spec = _spec(ctx, key)
    if not cmd.what:
        raise Rejected("Say what will be done.")
    if actor != FACILITATOR:
        if spec.who_can_add != "everyone":
            raise Rejected("On this step the facilitator writes the actions.", "forbidden")
        if cmd.source is not None:
            raise Rejected("Only the facilitator links an action to a note.", "forbidden")
        mine = sum(1 for a in state.actions.values() if a.step == key and a.author == actor)
        if mine >= spec.max_per_person:
            raise Rejected(f"You have proposed {mine} actions, the most this step allows.", "limit")
    return ctx.event(
        "action_added",
        actor,
        action=f"a{state.counter + 1}",
        step=key,
        what=cmd.what,
        who=cmd.who or None,
        due=check_due(cmd.due or ""),
        source=_source(ctx, cmd.source),
    )


def _edit(ctx: RuleContext, cmd: EditAction, actor: str) -> Event:
    action = _action(ctx, cmd.action)
    if actor != FACILITATOR:
        raise Rejected("Only the facilitator can change an action.", "forbidden")
    changes: dict[str, Any] = {}
    if cmd.what is not None and cmd.what != action.what:
        if action.redacted is not None:
            raise Rejected("This action's text was removed; it cannot be edited.", "redacted")
        if not cmd.what:
            raise Rejected("Say what will be done (drop the action instead of emptying it).")
        changes["what"] = cmd.what
    if cmd.who is not None:
        changes["who"] = cmd.who
    if cmd.due is not None:
        changes["due"] = check_due(cmd.due) or ""
    if cmd.source is not None:
        changes["source"] = _source(ctx, cmd.source) or ""
    changes = {k: v for k, v in changes.items() if v != (getattr(action, k) or "")}
    if not changes:
        raise Rejected("Nothing to change.")
    # "" clears a field: the event keeps it ("None" values are left out of events).
    return ctx.event("action_edited", actor, action=action.id, **changes)


def _mark_done(ctx: RuleContext, cmd: MarkActionDone, actor: str) -> Event:
    action = _action(ctx, cmd.action)
    if action.done == cmd.done:
        raise Rejected("That action is already marked done." if cmd.done else "It is not done.")
    return ctx.event("action_done", actor, action=action.id, done=cmd.done)


def _drop(ctx: RuleContext, cmd: DropAction, actor: str) -> Event:
    action = _action(ctx, cmd.action)
    if action.dropped == cmd.dropped:
        raise Rejected("Nothing to change.", "conflict")
    return ctx.event("action_dropped", actor, action=action.id, dropped=cmd.dropped)


# ---------------------------------------------------------------- folds


def _on_added(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.counter += 1
    state.actions[d["action"]] = Action(
        id=d["action"],
        step=d["step"],
        what=d["what"],
        who=d.get("who"),
        due=d.get("due"),
        source=d.get("source"),
        author=event.actor,
        created_at=event.at,
    )


def _on_edited(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    action = state.actions[d["action"]]
    for name in ("what", "who", "due", "source"):
        if name in d:
            setattr(action, name, d[name] or None)
    action.edited_at = event.at


def _on_done(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.actions[d["action"]].done = bool(d["done"])


def _on_dropped(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.actions[d["action"]].dropped = bool(d["dropped"])


def _deidentify(state: SessionState) -> None:
    """Who proposed an action is not kept; who will do it (``who``) is the action."""
    for action in state.actions.values():
        action.author = ""


KIND = InputKind(
    name="actions",
    order=70,
    spec=ActionsInput,
    rules={
        AddAction: _add,
        EditAction: _edit,
        MarkActionDone: _mark_done,
        DropAction: _drop,
    },
    participant_commands=(AddAction,),
    folds={
        "action_added": _on_added,
        "action_edited": _on_edited,
        "action_done": _on_done,
        "action_dropped": _on_dropped,
    },
    has_content=lambda state, key: any(a.step == key for a in state.actions.values()),
    deidentify=_deidentify,
)
