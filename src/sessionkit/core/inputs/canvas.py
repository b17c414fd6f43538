"""Canvas: notes placed on named regions (journey lanes, empathy-map quadrants, rings).

A canvas is a notes step whose notes must each go on a region; the note commands come from
:mod:`.notes`, and this kind adds moving a note to another region.

A canvas may instead declare ``rows`` and ``columns`` (a journey's lanes by its stages, a
blueprint's lanes by its steps): its places are then the cells, each ``row.column``, and
everything that places a note on a region places it on a cell. One kind, not two, so the
note commands, the vote on notes and every board keep working unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

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
    regions: list[Region] = Field(default_factory=list)
    rows: list[Region] = Field(default_factory=list)
    """A grid's lanes, top to bottom (with ``columns``, instead of ``regions``)."""
    columns: list[Region] = Field(default_factory=list)
    """A grid's stages, left to right."""

    @field_validator("regions", "rows", "columns")
    @classmethod
    def _unique_regions(cls, regions: list[Region]) -> list[Region]:
        require_unique([r.id for r in regions], "region")
        return regions

    @model_validator(mode="after")
    def _regions_or_grid(self) -> CanvasInput:
        if self.rows or self.columns:
            if self.regions:
                raise ValueError("a canvas has either regions or rows and columns, not both")
            if not self.rows or not self.columns:
                raise ValueError("a grid canvas needs both rows and columns")
            if len(self.rows) * len(self.columns) < 2:
                raise ValueError("a grid canvas needs at least two cells")
            if len(self.rows) > MAX_GRID or len(self.columns) > MAX_GRID:
                raise ValueError(f"a grid canvas has at most {MAX_GRID} rows and columns")
            for row in self.rows:
                for column in self.columns:
                    if len(cell_id(row.id, column.id)) > 40:
                        raise ValueError(
                            f"row '{row.id}' and column '{column.id}' make a cell id longer "
                            "than 40 characters: shorten one of them"
                        )
        elif len(self.regions) < 2:
            raise ValueError("a canvas needs at least two regions (or rows and columns)")
        return self

    @property
    def is_grid(self) -> bool:
        return bool(self.rows)

    def cell(self, row: Region, column: Region) -> Region:
        """The place where ``row`` meets ``column``: its id is ``row.column``."""
        hint = " · ".join(h for h in (row.hint, column.hint) if h)
        # Built, not validated: a cell id has a dot, which a region id may not.
        return Region.model_construct(
            id=cell_id(row.id, column.id), label=f"{row.label} · {column.label}", hint=hint
        )

    def cells(self) -> list[Region]:
        """Every cell, row by row, each row left to right."""
        return [self.cell(r, c) for r in self.rows for c in self.columns]

    def note_regions(self) -> Sequence[Region]:
        return self.cells() if self.is_grid else self.regions

    def place_required(self) -> bool:
        return True

    def describe(self) -> str:
        if self.is_grid:
            return (
                f"grid canvas: {', '.join(r.label for r in self.rows)}"
                f" by {', '.join(c.label for c in self.columns)}"
                f"; up to {self.max_per_person} notes per person"
                + ("; private until revealed" if self.private else "")
            )
        return (
            f"canvas ({self.layout}): "
            + ", ".join(r.label for r in self.regions)
            + f"; up to {self.max_per_person} notes per person"
            + ("; private until revealed" if self.private else "")
        )

    def caption(self) -> str:
        return "canvas" + (", anonymous" if self.anonymous else ", with names")


MAX_GRID = 12
"""Rows or columns at most: more would not fit a phone's list or a projected table."""


def cell_id(row: str, column: str) -> str:
    return f"{row}.{column}"


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
        for region in spec.note_regions():
            known.add(region.id)
            views.append(
                RegionView(region, region.label, tuple(n for n in notes if n.region == region.id))
            )
    rest = tuple(n for n in notes if n.region not in known)
    if rest:
        views.append(RegionView(None, "Not placed", rest))
    return views


@dataclass(frozen=True)
class GridView:
    """A grid canvas's notes for a table: ``cells[row][column]`` in the grid's order."""

    rows: tuple[Region, ...]
    columns: tuple[Region, ...]
    cells: tuple[tuple[tuple[Note, ...], ...], ...]
    unplaced: tuple[Note, ...] = ()
    """Notes on no cell of the grid (none, unless a journal was edited by hand)."""


def grid(notes: Sequence[Note], spec: CanvasInput) -> GridView:
    """A grid canvas's notes by cell; each note in exactly the one cell it was placed on."""
    by_cell: dict[str, list[Note]] = {c.id: [] for c in spec.cells()}
    unplaced: list[Note] = []
    for note in notes:
        by_cell.get(note.region or "", unplaced).append(note)
    return GridView(
        tuple(spec.rows),
        tuple(spec.columns),
        tuple(tuple(tuple(by_cell[cell_id(r.id, c.id)]) for c in spec.columns) for r in spec.rows),
        tuple(unplaced),
    )


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
