"""Groups and rounds: a step whose people work in pairs, fours or groups of N.

A step with a ``[steps.groups]`` table (:class:`~sessionkit.core.groupspec.GroupsSpec`)
has its groups formed when it starts. The formation is made once, by the engine, and
journalled with its explicit membership (in the ``step_started`` event, or a
``groups_formed`` event when the facilitator re-forms them), so replay never computes it
again. People who join while the step is on, or were not placed when the step was
visited before, are placed in the smallest group (in the event that lets them in).

A grouped step's notes belong to the group: any member may add to the group's list and
edit it, and the limit is per group. Re-forming retires the old groups; their notes keep
their group, so nothing collected is lost. With ``pick = true`` a group picks one of its
notes to take forward, and a cluster step with ``picked_only = true`` takes just those.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Literal, Protocol

from sessionkit.core import mixing, read
from sessionkit.core.command import ClientId, Command, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.groupspec import GroupsSpec, label, notice, sizes
from sessionkit.core.mixing import Formed
from sessionkit.core.state import FACILITATOR, Event, Group, Note, SessionState

Items = read.Items

# ---------------------------------------------------------------- commands


class ReformGroups(Command):
    """The facilitator mixes the current step's groups again (a new formation)."""

    type: Literal["reform_groups"] = "reform_groups"


class MoveToGroup(Command):
    """The facilitator places someone in a group of the current step."""

    type: Literal["move_to_group"] = "move_to_group"
    participant: ShortId
    group: ShortId


class PickNote(Command):
    """A group's choice of the note it takes forward (``note=None`` takes it back)."""

    type: Literal["pick_note"] = "pick_note"
    note: ShortId | None = None
    group: ShortId | None = None
    """Facilitator only: which group (default: the note's)."""
    client_id: ClientId | None = None


GROUP_COMMANDS: tuple[type[Command], ...] = (ReformGroups, MoveToGroup, PickNote)
GROUP_PARTICIPANT_COMMANDS: tuple[type[Command], ...] = (PickNote,)


# ---------------------------------------------------------------- queries


def spec_at(items: Items, key: str) -> GroupsSpec | None:
    """The groups table of the step at ``key``, ``None`` where the step is not grouped."""
    _, step = read.step_at(items, key)
    return step.groups if step is not None else None


def current(state: SessionState, key: str) -> list[Group]:
    """The step's groups as they are now (not the ones re-forming retired), A first."""
    return [g for g in state.groups.values() if g.step == key and not g.retired]


def group_of(state: SessionState, key: str, participant: str) -> Group | None:
    gid = state.group_of.get(key, {}).get(participant)
    return state.groups.get(gid) if gid is not None else None


def present(state: SessionState, group: Group) -> list[str]:
    """Members still in the session (someone removed keeps their place in the record)."""
    people = state.participants
    return [m for m in group.members if m in people and not people[m].removed]


# ---------------------------------------------------------------- forming


def form(state: SessionState, items: Items, key: str, spec: GroupsSpec, formation: int) -> Formed:
    """Who is in which group (everyone present), deterministic for the run, the step and
    the formation: a seeded shuffle, the joined groups of an earlier step, or (``by``)
    mixed by role or a group per table (:mod:`sessionkit.core.mixing`)."""
    people = [p.id for p in state.active_participants()]
    rng = random.Random(f"{state.run_id}/{key}/{formation}")
    if spec.join is not None:
        joined = _joined(state, read.sibling_key(items, key, spec.join), spec, people, rng)
        return Formed(joined, [None] * len(joined), notice(spec, joined))
    if spec.same_as is not None:
        kept = _kept(state, read.sibling_key(items, key, spec.same_as), people)
        if kept:
            return Formed(kept, [None] * len(kept), notice(spec, kept))
    rng.shuffle(people)
    if spec.by == "role":
        mixed = mixing.by_role(people, {p: state.participants[p].role for p in people}, spec.size)
        return mixed._replace(notice=notice(spec, mixed.members))
    if spec.by == "table":
        return mixing.by_table(people, {p: state.participants[p].table for p in people})
    out: list[list[str]] = []
    start = 0
    for n in sizes(len(people), spec.size):
        out.append(people[start : start + n])
        start += n
    return Formed(out, [None] * len(out), notice(spec, out))


def _kept(state: SessionState, source: str, people: list[str]) -> list[list[str]]:
    """The groups of an earlier step as they are now (present members, same order, so
    the same letters), with anyone not in one placed in the smallest. Empty when that
    step has no groups yet (the facilitator skipped it): then groups are mixed afresh."""
    here = set(people)
    kept = [[m for m in present(state, g) if m in here] for g in current(state, source)]
    kept = [members for members in kept if members]
    if not kept:
        return []
    placed = {m for members in kept for m in members}
    for person in people:
        if person not in placed:
            min(kept, key=len).append(person)
    return kept


def _joined(
    state: SessionState, source: str, spec: GroupsSpec, people: list[str], rng: random.Random
) -> list[list[str]]:
    placed: set[str] = set()
    parts: list[list[str]] = []
    for group in current(state, source):
        members = [m for m in present(state, group) if m not in placed]
        placed.update(members)
        if members:
            parts.append(members)
    rng.shuffle(parts)
    count = len(people)
    buckets: list[list[str]] = [[] for _ in sizes(count, spec.size)]
    if not buckets:
        return []
    for part in sorted(parts, key=len, reverse=True):
        min(buckets, key=len).extend(part)
    for person in people:
        if person not in placed:
            min(buckets, key=len).append(person)
    return [b for b in buckets if b]


def formed_data(state: SessionState, key: str, formed: Formed) -> list[dict[str, Any]]:
    """The journalled form of a formation: ids, labels and members (and a table group's
    table, which is also its label: group 3 sits at table 3)."""
    first = len(state.groups)
    out: list[dict[str, Any]] = []
    for n, (members, table) in enumerate(zip(formed.members, formed.tables, strict=True)):
        data: dict[str, Any] = {"group": f"g{first + n + 1}", "label": label(n)}
        if table is not None:
            data.update(label=str(table), table=table)
        out.append({**data, "members": members})
    return out


def placement(
    state: SessionState,
    key: str,
    spec: GroupsSpec,
    person: str,
    role: str | None = None,
    table: int | None = None,
) -> dict[str, Any]:
    """Where someone who arrives late goes: the smallest group, unless every group is
    already one over its size; then a new group (the next arrival joins them). On a
    step mixed by role, the open group with fewest of their role; by table, their
    table's group (a new one if nobody sat there yet). ``role`` and ``table`` are theirs
    if they are not in the state yet (they are joining)."""
    if person in state.participants:
        role, table = state.participants[person].role, state.participants[person].table
    groups = current(state, key)
    formation = max((g.formation for g in groups), default=1)
    if spec.by == "table" and table is not None:
        mine = next((g for g in groups if g.table == table), None)
        if mine is not None:
            return {"participant": person, "group": mine.id}
        return {
            "participant": person,
            "group": f"g{len(state.groups) + 1}",
            "label": str(table),
            "table": table,
            "formation": formation,
        }
    open_ = [g for g in groups if len(present(state, g)) <= spec.size]
    if open_ and spec.by == "role":
        roles = {p.id: p.role for p in state.participants.values()}
        found = mixing.role_group([(g.id, present(state, g)) for g in open_], roles, role)
        return {"participant": person, "group": found}
    if open_:
        smallest = min(open_, key=lambda g: len(present(state, g)))
        return {"participant": person, "group": smallest.id}
    return {
        "participant": person,
        "group": f"g{len(state.groups) + 1}",
        "label": label(len(groups)),
        "formation": formation,
    }


def on_step_start(state: SessionState, items: Items, key: str) -> dict[str, Any]:
    """What a ``step_started`` event for ``key`` carries about groups: a first
    formation, or where the people not yet in a group go."""
    spec = spec_at(items, key)
    if spec is None:
        return {}
    if not current(state, key):
        formed = form(state, items, key, spec, 1)
        return {"groups": formed_data(state, key, formed), "notice": formed.notice}
    placed: list[dict[str, Any]] = []
    shadow = state.model_copy(deep=False, update={"groups": dict(state.groups)})
    index = dict(state.group_of.get(key, {}))
    for person in state.active_participants():
        if person.id in index:
            continue
        where = placement(shadow, key, spec, person.id)
        placed.append(where)
        _place(shadow, key, where, index, copy=True)
    return {"placed": placed} if placed else {}


def on_join(
    state: SessionState,
    items: Items,
    person: str,
    role: str | None = None,
    table: int | None = None,
) -> dict[str, Any] | None:
    """Where someone who joins during a grouped step goes."""
    if not state.started or state.ended_at is not None:
        return None
    key = state.step_key
    spec = spec_at(items, key)
    if spec is None:
        return None
    return placement(state, key, spec, person, role, table)


# ---------------------------------------------------------------- rules


class GroupContext(Protocol):
    """What the group rules ask of the engine (which implements it)."""

    @property
    def state(self) -> SessionState: ...

    @property
    def items(self) -> Items: ...

    def groups_at(self, key: str | None = None) -> GroupsSpec | None: ...

    def note(self, note_id: str) -> Note: ...

    def event(self, type_: str, actor: str, **data: Any) -> Event: ...


def _current_spec(ctx: GroupContext) -> tuple[str, GroupsSpec]:
    state: SessionState = ctx.state
    spec = ctx.groups_at() if state.started else None
    if spec is None:
        raise Rejected("This step is not done in groups.", "conflict")
    return state.step_key, spec


def reform(ctx: GroupContext, cmd: ReformGroups, actor: str) -> Event:
    key, spec = _current_spec(ctx)
    state: SessionState = ctx.state
    formation = max((g.formation for g in state.groups.values() if g.step == key), default=0) + 1
    formed = form(state, ctx.items, key, spec, formation)
    return ctx.event(
        "groups_formed",
        actor,
        step=key,
        formation=formation,
        groups=formed_data(state, key, formed),
        notice=formed.notice,
    )


def move(ctx: GroupContext, cmd: MoveToGroup, actor: str) -> Event:
    key, _ = _current_spec(ctx)
    state: SessionState = ctx.state
    person = state.participants.get(cmd.participant)
    if person is None or person.removed:
        raise Rejected(f"No participant {cmd.participant} in this session.", "not_found")
    group = state.groups.get(cmd.group)
    if group is None or group.step != key or group.retired:
        raise Rejected("No such group on this step.", "not_found")
    if cmd.participant in group.members:
        raise Rejected(f"They are already in group {group.label}.", "conflict")
    return ctx.event(
        "group_member_moved", actor, step=key, participant=cmd.participant, group=group.id
    )


def pick(ctx: GroupContext, cmd: PickNote, actor: str) -> Event:
    state: SessionState = ctx.state
    note = ctx.note(cmd.note) if cmd.note is not None else None
    if actor == FACILITATOR:
        gid = cmd.group or (note.group if note is not None else None)
        group = state.groups.get(gid) if gid else None
        if group is None:
            raise Rejected("Pick a note of a group.", "conflict")
        spec = ctx.groups_at(group.step)
    else:
        key, spec = _current_spec(ctx)
        group = group_of(state, key, actor)
        if group is None:
            raise Rejected("You are not in a group on this step yet.", "conflict")
        if cmd.group is not None and cmd.group != group.id:
            raise Rejected("You can only pick for your own group.", "forbidden")
    if spec is None or not spec.pick:
        raise Rejected("Groups do not pick a note on this step.", "conflict")
    if note is not None and note.group != group.id:
        raise Rejected("That note is not one of your group's.", "forbidden")
    if note is not None and note.hidden:
        raise Rejected("That note is hidden.", "conflict")
    if (note.id if note else None) == group.picked:
        raise Rejected(
            "Your group has already picked that." if note else "Nothing is picked.", "conflict"
        )
    return ctx.event("note_picked", actor, group=group.id, note=note.id if note else None)


# ---------------------------------------------------------------- folds


def _add_groups(
    state: SessionState, key: str, formation: int, groups: list[dict[str, Any]]
) -> None:
    index = state.group_of.setdefault(key, {})
    for data in groups:
        gid = data["group"]
        state.groups[gid] = Group(
            id=gid,
            step=key,
            label=data["label"],
            formation=formation,
            table=data.get("table"),
            members=list(data["members"]),
        )
        for member in data["members"]:
            index[member] = gid


def _place(
    state: SessionState,
    key: str,
    where: dict[str, Any],
    index: dict[str, str] | None = None,
    copy: bool = False,
) -> None:
    gid, person = where["group"], where["participant"]
    index = state.group_of.setdefault(key, {}) if index is None else index
    if gid not in state.groups:
        state.groups[gid] = Group(
            id=gid,
            step=key,
            label=where["label"],
            formation=where.get("formation", 1),
            table=where.get("table"),
        )
    group = state.groups[gid]
    if copy:  # a dry run over a shallow copy must not touch the real group
        group = state.groups[gid] = group.model_copy(update={"members": [*group.members]})
    old = index.get(person)
    if old is not None and old in state.groups and old != gid and not copy:
        members = state.groups[old].members
        if person in members:
            members.remove(person)
    if person not in group.members:
        group.members.append(person)
    index[person] = gid


def fold_step_started(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    """The groups part of a ``step_started`` event (see :func:`on_step_start`)."""
    key = state.step_key
    if "groups" in d:
        _add_groups(state, key, 1, d["groups"])
    for where in d.get("placed", ()):
        _place(state, key, where)


def fold_joined(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    """The groups part of a ``participant_joined`` event (see :func:`on_join`)."""
    where = d.get("group")
    if where is not None:
        _place(state, state.step_key, where)


def _on_formed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    key = d["step"]
    for group in state.groups.values():
        if group.step == key:
            group.retired = True
    state.group_of[key] = {}
    _add_groups(state, key, d["formation"], d["groups"])


def _on_moved(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    _place(state, d["step"], {"participant": d["participant"], "group": d["group"]})


def _on_picked(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.groups[d["group"]].picked = d.get("note")


GROUP_FOLDS: dict[str, Callable[[SessionState, Event, dict[str, Any]], None]] = {
    "groups_formed": _on_formed,
    "group_member_moved": _on_moved,
    "note_picked": _on_picked,
}
GroupRule = Callable[[GroupContext, Any, str], Event]
GROUP_RULES: dict[type[Command], GroupRule] = {
    ReformGroups: reform,
    MoveToGroup: move,
    PickNote: pick,
}
