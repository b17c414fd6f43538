"""What a phone is shown on a grouped step: its group, and the group's shared list.

"You are in group C with Ana and Bo": names only where the step keeps names (on an
anonymous step a phone is told its group's letter and size, never who is in it). The
group's notes are the personal part of every member's view, from an index kept beside
the views' own (group id -> note ids), so no request scans every note.
"""

from __future__ import annotations

from typing import Any

from sessionkit.core import groups, read
from sessionkit.core.engine import Engine
from sessionkit.core.groupspec import GroupsSpec
from sessionkit.core.state import Note


class GroupIndex:
    """Group id -> ids of its notes, in the order they were written."""

    def __init__(self) -> None:
        self.notes: dict[str, list[str]] = {}

    def rebuild(self, notes: dict[str, Note]) -> None:
        self.notes = {}
        for note in notes.values():
            self.add(note)

    def add(self, note: Note | None) -> None:
        if note is not None and note.group is not None:
            self.notes.setdefault(note.group, []).append(note.id)


def names_of(engine: Engine, members: list[str], viewer: str) -> list[str]:
    """The other members' names as a phone shows them (someone who gave none counts)."""
    people = engine.state.participants
    return [people[m].name or "someone without a name" for m in members if m != viewer]


OwnIndex = dict[tuple[str, str], list[str]]
"""(step key, author) -> note ids: the views' index of each phone's own notes."""


def group_part(
    engine: Engine, own: OwnIndex, key: str, viewer: str, spec: GroupsSpec
) -> dict[str, Any]:
    """The ``group`` block of a phone's personal part on a grouped step."""
    state = engine.state
    group = groups.group_of(state, key, viewer)
    out: dict[str, Any] = {"size_planned": spec.size, "pick": spec.pick}
    if group is None:
        out["label"] = None  # the phone says the facilitator will place them
        return out
    present = groups.present(state, group)
    _, step = engine.step_def(key)
    named = step is not None and not step.input.is_anonymous()
    out.update(
        label=group.label,
        size=len(present),
        with_names=names_of(engine, present, viewer) if named else None,
        picked=group.picked,
        max_notes=spec.max_per_group,
        notes_left=max(0, spec.max_per_group - group.notes),
    )
    earlier = brought(engine, own, key, viewer, spec)
    if earlier is not None:
        out["brought"] = earlier
    return out


def brought(
    engine: Engine, own: OwnIndex, key: str, viewer: str, spec: GroupsSpec
) -> dict[str, Any] | None:
    """What a member brings to the group from the step before: the picks of the groups
    this one joined (a four sees its two pairs' picks), or else their own notes of the
    step just before (a pair member sees what they wrote alone). Only to them: the phone
    offers each to copy into the group's list."""
    state = engine.state
    where = read.StepKey.parse(key)
    if spec.join is not None:
        group = groups.group_of(state, key, viewer)
        source = read.sibling_key(engine.items, key, spec.join)
        picks: list[Note] = []
        for old in groups.current(state, source):
            if old.picked and group is not None and set(old.members) & set(group.members):
                note = state.notes.get(old.picked)
                if note is not None and not note.hidden:
                    picks.append(note)
        if not picks:
            return None
        joined = groups.spec_at(engine.items, source)
        title = "Your pairs' picks" if joined and joined.size == 2 else "Your groups' picks"
        return {"title": title, "notes": [{"text": n.text} for n in picks]}
    if where.step == 0:
        return None
    before = str(read.StepKey(where.item, where.step - 1))
    mine = [state.notes[i] for i in own.get((before, viewer), ()) if i in state.notes]
    mine = [n for n in mine if not n.hidden and n.redacted is None]  # nothing to bring
    if not mine:
        return None
    return {"title": "What you wrote in the last step", "notes": [{"text": n.text} for n in mine]}


def group_notes(
    engine: Engine, index: GroupIndex, key: str, viewer: str, spec: GroupsSpec
) -> tuple[list[Note], int]:
    """The viewer's group's notes on this step (hidden ones too: the group should know),
    and how many more the group may add."""
    group = groups.group_of(engine.state, key, viewer)
    if group is None:
        return [], 0
    notes = engine.state.notes
    shared = [notes[i] for i in index.notes.get(group.id, ()) if i in notes]
    return shared, max(0, spec.max_per_group - group.notes)
