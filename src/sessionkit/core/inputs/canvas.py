"""Canvas: notes placed on named regions (journey lanes, empathy-map quadrants, rings).

A canvas is a notes step whose notes must each go on a region; the note commands come from
:mod:`.notes`, and this kind adds moving a note to another region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, field_validator

from sessionkit.core.command import Command, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.fields import require_unique
from sessionkit.core.inputs.base import InputKind, InputSpec, RuleContext
from sessionkit.core.inputs.notes import NoteSpec, Region, has_notes, region_on
from sessionkit.core.state import Event, Note, SessionState


class CanvasInput(NoteSpec):
    """Notes placed on named regions: journey lanes, empathy-map quadrants, map rings."""

    kind: Literal["canvas"]
    layout: Literal["lanes", "grid", "rings"] = "grid"
    regions: list[Region] = Field(min_length=2)

    @field_validator("regions")
    @classmethod
    def _unique_regions(cls, regions: list[Region]) -> list[Region]:
        require_unique([r.id for r in regions], "region")
        return regions

    def note_regions(self) -> Sequence[Region]:
        return self.regions

    def place_required(self) -> bool:
        return True

    def describe(self) -> str:
        return (
            f"canvas ({self.layout}): "
            + ", ".join(r.label for r in self.regions)
            + f"; up to {self.max_per_person} notes per person"
            + ("; private until revealed" if self.private else "")
        )

    def caption(self) -> str:
        return "canvas" + (", anonymous" if self.anonymous else ", with names")


@dataclass(frozen=True)
class RegionView:
    region: Region | None
    """``None`` for notes not placed on any region."""
    label: str
    notes: tuple[Note, ...] = field(default_factory=tuple)


def regions(notes: Sequence[Note], spec: InputSpec | None) -> list[RegionView]:
    """A canvas step's notes by region, in the canvas's order; unplaced notes last."""
    views: list[RegionView] = []
    known: set[str] = set()
    if isinstance(spec, CanvasInput):
        for region in spec.regions:
            known.add(region.id)
            views.append(
                RegionView(region, region.label, tuple(n for n in notes if n.region == region.id))
            )
    rest = tuple(n for n in notes if n.region not in known)
    if rest:
        views.append(RegionView(None, "Not placed", rest))
    return views


class PlaceNote(Command):
    type: Literal["place_note"] = "place_note"
    note: ShortId
    region: ShortId


def _place_note(ctx: RuleContext, cmd: PlaceNote, actor: str) -> Event:
    note = ctx.note(cmd.note)
    spec = ctx.spec_at(note.step)
    if not isinstance(spec, CanvasInput):
        raise Rejected("Only notes on a canvas step can be placed.", "conflict")
    return ctx.event("note_placed", actor, note=cmd.note, region=region_on(spec, cmd.region))


def _on_note_placed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.notes[d["note"]].region = d["region"]


KIND = InputKind(
    name="canvas",
    order=50,
    spec=CanvasInput,
    rules={PlaceNote: _place_note},
    folds={"note_placed": _on_note_placed},
    has_content=has_notes,
)
