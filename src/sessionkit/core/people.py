"""Who may join, and the facilitator's say over it: the engine's rules for people.

- **Joining closes when the session ends**, and the facilitator can open or close it at
  any time (``set_joining``); both are events, so a replayed run is open or closed exactly
  as it was. Phones already in are not affected: joining is about newcomers.
- **A removal is a ban for that browser.** The web adapter hands each join the browser's
  device id, hashed (``Join.device``); a join from the device of a removed participant is
  refused until the facilitator lets them back in (``let_back_in``). They stay removed (the
  old phone identity stays dead); the browser may join again as someone new.

Pure, like every rule: it sees the engine through :class:`PeopleContext`.
"""

from __future__ import annotations

from typing import Any, Protocol

from sessionkit.core import commands as c
from sessionkit.core import groups
from sessionkit.core.errors import Rejected
from sessionkit.core.plan import PREFER_NOT_TO_SAY
from sessionkit.core.read import Items
from sessionkit.core.state import Event, SessionState

ENDED = (
    "The session has ended, so joining is closed. If you still need to join, ask the facilitator."
)
CLOSED = "Joining is closed for now. Ask the facilitator to open it."
BANNED = (
    "The facilitator removed this phone from the session, so it cannot join again. "
    "If that is a mistake, ask them to let you back in."
)


class PeopleContext(Protocol):
    """What these rules ask of the engine (which implements it)."""

    @property
    def state(self) -> SessionState: ...

    @property
    def max_participants(self) -> int: ...

    @property
    def items(self) -> Items: ...

    @property
    def join_roles(self) -> list[str]: ...

    @property
    def tables(self) -> int | None: ...

    def event(self, type_: str, actor: str, **data: Any) -> Event: ...


def join(engine: PeopleContext, cmd: c.Join, actor: str) -> Event:
    state = engine.state
    if cmd.device and any(p.bans and p.device == cmd.device for p in state.participants.values()):
        raise Rejected(BANNED, "banned")
    if not state.joining_open:
        raise Rejected(ENDED if state.ended_at is not None else CLOSED, "closed")
    if len(state.active_participants()) >= engine.max_participants:
        raise Rejected(
            f"This session is full ({engine.max_participants} people). Ask the facilitator.",
            "limit",
        )
    role, table = _role_and_table(engine, cmd.role, cmd.table)
    person = f"p{state.counter + 1}"
    return engine.event(
        "participant_joined",
        actor,
        participant=person,
        name=cmd.name or None,
        key=cmd.key,
        device=cmd.device or None,
        role=role,
        table=table,
        group=groups.on_join(state, engine.items, person, role, table),
    )


def _role_and_table(
    engine: PeopleContext, role: str | None, table: int | None
) -> tuple[str | None, int | None]:
    """A role the plan offers (matched without regard to case; "Prefer not to say" or
    nothing is no role) and a table the room has, or a message naming what is wrong."""
    roles = engine.join_roles
    if role and role.strip().casefold() != PREFER_NOT_TO_SAY.casefold():
        known = {r.casefold(): r for r in roles}
        if role.strip().casefold() not in known:
            offered = ", ".join([*roles, PREFER_NOT_TO_SAY]) if roles else ""
            raise Rejected(
                f"'{role.strip()}' is not one of this session's roles"
                + (f" (choose one of: {offered})." if offered else " (it asks for none)."),
                "invalid",
            )
        role = known[role.strip().casefold()]
    else:
        role = None
    if table is not None:
        if engine.tables is None:
            raise Rejected("This session has no table numbers.", "invalid")
        if table > engine.tables:
            raise Rejected(
                f"There is no table {table}: the tables are numbered 1 to {engine.tables}.",
                "invalid",
            )
    return role, table


def set_role_and_table(engine: PeopleContext, cmd: c.SetRoleAndTable, actor: str) -> Event:
    person = engine.state.participants.get(cmd.participant)
    if person is None:
        raise Rejected(f"No participant {cmd.participant}.", "not_found")
    role, table = _role_and_table(engine, cmd.role, cmd.table)
    if (role, table) == (person.role, person.table):
        raise Rejected("Nothing to change.", "conflict")
    return engine.event(
        "role_and_table_set", actor, participant=cmd.participant, role=role, table=table
    )


def remove(engine: PeopleContext, cmd: c.RemoveParticipant, actor: str) -> Event:
    person = engine.state.participants.get(cmd.participant)
    if person is None:
        raise Rejected(f"No participant {cmd.participant}.", "not_found")
    if person.removed:
        raise Rejected(f"{cmd.participant} has already been removed.", "conflict")
    return engine.event("participant_removed", actor, participant=cmd.participant)


def let_back_in(engine: PeopleContext, cmd: c.LetBackIn, actor: str) -> Event:
    person = engine.state.participants.get(cmd.participant)
    if person is None:
        raise Rejected(f"No participant {cmd.participant}.", "not_found")
    if not person.removed:
        raise Rejected(f"{person.name or 'That person'} has not been removed.", "conflict")
    if person.let_back_in:
        raise Rejected(f"{person.name or 'That person'} may already join again.", "conflict")
    return engine.event("participant_let_back_in", actor, participant=cmd.participant)


def set_joining(engine: PeopleContext, cmd: c.SetJoining, actor: str) -> Event:
    if engine.state.joining_open == cmd.open:
        raise Rejected(f"Joining is already {'open' if cmd.open else 'closed'}.", "conflict")
    return engine.event("joining_set", actor, open=cmd.open)
