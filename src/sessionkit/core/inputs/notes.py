"""Notes: participants write sticky notes (optionally of a kind, privately, with names).

The note commands (add, edit, hide, mark as an action, reveal) are defined here and serve
every kind that collects notes; a canvas (:mod:`.canvas`) adds placing a note on a region.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from sessionkit.core.command import ClientId, Command, NoteText, PersonName, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.fields import HEX_COLOUR, Kebab, Strict
from sessionkit.core.inputs.base import Fold, InputKind, InputSpec, Rule, RuleContext
from sessionkit.core.language import LabelWelsh
from sessionkit.core.state import FACILITATOR, Event, Note, SessionState, StepState
from sessionkit.core.text import CleanStr


class Category(Strict):
    """A kind of note a step asks for, e.g. rose / thorn / bud."""

    id: Kebab
    label: CleanStr = Field(min_length=1)
    colour: str = Field(default="#fff3a0", pattern=HEX_COLOUR)
    hint: CleanStr = ""
    cy: LabelWelsh | None = None
    """Its label and hint in Welsh (``cy.label``, ``cy.hint``)."""


class Region(Strict):
    """A named place on a canvas a note can go (see :mod:`.canvas`)."""

    id: Kebab
    label: CleanStr = Field(min_length=1)
    hint: CleanStr = ""
    cy: LabelWelsh | None = None
    """Its label and hint in Welsh (``cy.label``, ``cy.hint``)."""


class NoteSpec(InputSpec):
    """What every note-collecting kind has in common."""

    collects_notes = True
    max_per_person: int = Field(default=10, ge=1, le=100)
    private: bool = False
    """Notes stay hidden from other participants (and the room view) until revealed."""
    anonymous: bool = True
    """True: authors are never shown or exported. False: names are kept with notes."""

    def is_private(self) -> bool:
        return self.private

    def is_anonymous(self) -> bool:
        return self.anonymous

    def note_categories(self) -> Sequence[Category]:
        return ()

    def note_regions(self) -> Sequence[Region]:
        return ()

    def place_required(self) -> bool:
        return False


class NotesInput(NoteSpec):
    """Participants write sticky notes."""

    kind: Literal["notes"]
    categories: list[Category] = Field(default_factory=list)

    def note_categories(self) -> Sequence[Category]:
        return self.categories

    def describe(self) -> str:
        parts = [
            f"up to {self.max_per_person} per person",
            "private until revealed" if self.private else "visible as written",
            "anonymous" if self.anonymous else "with names",
        ]
        if self.categories:
            parts.append("categories: " + ", ".join(c.label for c in self.categories))
        return "notes: " + "; ".join(parts)

    def caption(self) -> str:
        return "notes" + (", anonymous" if self.anonymous else ", with names")


# ---------------------------------------------------------------- commands


class AddNote(Command):
    type: Literal["add_note"] = "add_note"
    text: NoteText
    category: ShortId | None = None
    region: ShortId | None = None
    step: str | None = None
    """Facilitator only: a notes step other than the current one (paper notes typed later)."""
    author_name: PersonName | None = None
    """Facilitator only: whose paper note this is, kept only where the step is named."""
    group: ShortId | None = None
    """Facilitator only, on a grouped step: the group a paper note is for."""
    client_id: ClientId | None = None


class EditNote(Command):
    type: Literal["edit_note"] = "edit_note"
    note: ShortId
    text: NoteText | None = None
    category: ShortId | None = None
    region: ShortId | None = None
    client_id: ClientId | None = None


class HideNote(Command):
    type: Literal["hide_note"] = "hide_note"
    note: ShortId
    hidden: bool = True


class MarkAction(Command):
    type: Literal["mark_action"] = "mark_action"
    note: ShortId
    owner: PersonName | None = None
    """Who will take it forward; ``None`` unmarks the note."""


class Reveal(Command):
    type: Literal["reveal"] = "reveal"
    step: str | None = None


# ---------------------------------------------------------------- rules


def note_spec(ctx: RuleContext, key: str | None = None) -> NoteSpec | None:
    spec = ctx.spec_at(key)
    return spec if isinstance(spec, NoteSpec) else None


def _add_note(ctx: RuleContext, cmd: AddNote, actor: str) -> Event:
    if not cmd.text:
        raise Rejected("A note needs some text.")
    state = ctx.state
    key = state.step_key
    if cmd.step is not None and cmd.step != key:
        if actor != FACILITATOR:
            raise Rejected("Notes can only be added to the current step.", "forbidden")
        key = ctx.known_step(cmd.step)
    if not state.started:
        raise Rejected("Start the session first.", "conflict")
    spec = note_spec(ctx, key)
    if spec is None:
        raise Rejected("This step does not collect notes.", "conflict")
    group = _group_for(ctx, key, cmd, actor)
    if actor != FACILITATOR and group is None:
        written = ctx.notes_written(key, actor)
        if written >= spec.max_per_person:
            raise Rejected(
                f"You have added {written} note{'s' * (written != 1)}, the most this step allows.",
                "limit",
            )
    category = _category(spec, cmd.category)
    region = _region(spec, cmd.region)
    if spec.place_required() and region is None:
        raise Rejected(
            "Choose where on the canvas this note goes: "
            + ", ".join(p.label for p in spec.note_regions())
            + "."
        )
    author_name = None
    if not spec.anonymous:
        author_name = cmd.author_name if actor == FACILITATOR else state.participants[actor].name
    return ctx.event(
        "note_added",
        actor,
        note=f"n{state.counter + 1}",
        step=key,
        text=cmd.text,
        category=category,
        region=region,
        author_name=author_name,
        group=group,
    )


def _group_for(ctx: RuleContext, key: str, cmd: AddNote, actor: str) -> str | None:
    """The group a note on a grouped step belongs to (its writer's, or the one the
    facilitator typed a paper note for); the limit is the group's."""
    grouped = ctx.groups_at(key)
    state = ctx.state
    if grouped is None:
        if cmd.group is not None:
            raise Rejected("This step is not done in groups.", "conflict")
        return None
    if actor == FACILITATOR:
        if cmd.group is None:
            return None  # a note for the whole room
        group = state.groups.get(cmd.group)
        if group is None or group.step != key:
            raise Rejected("No such group on that step.", "not_found")
        return group.id
    gid = state.group_of.get(key, {}).get(actor)
    if gid is None:
        raise Rejected("You are not in a group yet: the facilitator will place you.", "conflict")
    if cmd.group is not None and cmd.group != gid:
        raise Rejected("You can only add notes to your own group's list.", "forbidden")
    written = state.groups[gid].notes
    if written >= grouped.max_per_group:
        raise Rejected(
            f"Your group has added {written} note{'s' * (written != 1)}, "
            "the most this step allows.",
            "limit",
        )
    return gid


def _category(spec: NoteSpec, wanted: str | None) -> str | None:
    categories = spec.note_categories()
    if wanted is None:
        if categories:
            raise Rejected(
                "Choose a kind of note: " + ", ".join(cat.label for cat in categories) + "."
            )
        return None
    if wanted not in {cat.id for cat in categories}:
        allowed = ", ".join(cat.id for cat in categories) or "none on this step"
        raise Rejected(f"Unknown kind of note '{wanted}' (expected: {allowed}).")
    return wanted


def _region(spec: NoteSpec, wanted: str | None) -> str | None:
    if wanted is None:
        return None
    places = spec.note_regions()
    if wanted not in {p.id for p in places}:
        allowed = ", ".join(p.id for p in places) or "none on this step"
        raise Rejected(f"Unknown place on the canvas '{wanted}' (expected: {allowed}).")
    return wanted


def region_on(spec: NoteSpec, wanted: str) -> str:
    """A region id checked against the step's places (for :mod:`.canvas`)."""
    place = _region(spec, wanted)
    assert place is not None
    return place


def _edit_note(ctx: RuleContext, cmd: EditNote, actor: str) -> Event:
    note = ctx.note(cmd.note)
    if actor != FACILITATOR:
        group = ctx.state.groups.get(note.group) if note.group else None
        if note.author != actor and (group is None or actor not in group.members):
            mine = "your own notes and your group's" if group else "your own notes"
            raise Rejected(f"You can only edit {mine}.", "forbidden")
        if note.redacted is not None:
            raise Rejected("The facilitator removed this note's text.", "redacted")
        if note.step != ctx.state.step_key:
            raise Rejected("That step has finished; the note can no longer be edited.", "conflict")
    spec = note_spec(ctx, note.step)
    assert spec is not None, "a note is only ever added on a step that collects notes"
    changes: dict[str, Any] = {}
    if cmd.text is not None:
        if note.redacted is not None:  # removed for good: nobody writes it back in
            raise Rejected("This note's text was removed; it cannot be edited.", "redacted")
        if not cmd.text:
            raise Rejected("A note needs some text. Hide it instead of emptying it.")
        changes["text"] = cmd.text
    if cmd.category is not None:
        changes["category"] = _category(spec, cmd.category)
    if cmd.region is not None:
        changes["region"] = _region(spec, cmd.region)
    if not changes:
        raise Rejected("Nothing to change.")
    return ctx.event("note_edited", actor, note=cmd.note, **changes)


def _hide_note(ctx: RuleContext, cmd: HideNote, actor: str) -> Event:
    ctx.note(cmd.note)
    return ctx.event("note_hidden", actor, note=cmd.note, hidden=cmd.hidden)


def _mark_action(ctx: RuleContext, cmd: MarkAction, actor: str) -> Event:
    ctx.note(cmd.note)
    return ctx.event("action_marked", actor, note=cmd.note, owner=cmd.owner or None)


def _reveal(ctx: RuleContext, cmd: Reveal, actor: str) -> Event:
    key = ctx.known_step(cmd.step) if cmd.step else ctx.state.step_key
    if note_spec(ctx, key) is None:
        raise Rejected("Only a step that collects notes can be revealed.", "conflict")
    if ctx.state.step_state(key).revealed:
        raise Rejected("These notes are already revealed.", "conflict")
    return ctx.event("revealed", actor, step=key)


# ---------------------------------------------------------------- folds


def _on_note_added(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.counter += 1
    state.notes[d["note"]] = Note(
        id=d["note"],
        step=d["step"],
        text=d["text"],
        author=event.actor,
        author_name=d.get("author_name"),
        category=d.get("category"),
        region=d.get("region"),
        group=d.get("group"),
        created_at=event.at,
    )
    if (group := d.get("group")) is not None:
        state.groups[group].notes += 1


def _on_note_edited(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    note = state.notes[d["note"]]
    for name in ("text", "category", "region"):
        if name in d:
            setattr(note, name, d[name])
    note.edited_at = event.at


def _on_note_hidden(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.notes[d["note"]].hidden = bool(d["hidden"])


def _on_action_marked(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.notes[d["note"]].action_owner = d.get("owner")


def _on_revealed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.steps.setdefault(d["step"], StepState()).revealed = True


def has_notes(state: SessionState, key: str) -> bool:
    return any(n.step == key for n in state.notes.values())


NOTE_RULES: dict[type[Command], Rule] = {
    AddNote: _add_note,
    EditNote: _edit_note,
    HideNote: _hide_note,
    MarkAction: _mark_action,
    Reveal: _reveal,
}
NOTE_FOLDS: dict[str, Fold] = {
    "note_added": _on_note_added,
    "note_edited": _on_note_edited,
    "note_hidden": _on_note_hidden,
    "action_marked": _on_action_marked,
    "revealed": _on_revealed,
}

KIND = InputKind(
    name="notes",
    order=10,
    spec=NotesInput,
    rules=NOTE_RULES,
    participant_commands=(AddNote, EditNote),
    folds=NOTE_FOLDS,
    has_content=has_notes,
)
