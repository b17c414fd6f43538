"""The room view's board in the run's language (``--language``): the method's Welsh
(``cy`` tables) for the labels the room reads, as the room page shows them.

:mod:`sessionkit.tui.board_model` builds the rows in English for both the facilitator's
board and the room's; the facilitator's screens stay English, so the room's rows are
translated here, after they are built. Only the method's own texts and the view's fixed
words change: participants' notes are never touched.
"""

from __future__ import annotations

from dataclasses import replace

from sessionkit.core.engine import Engine
from sessionkit.core.inputs.canvas import CanvasInput
from sessionkit.core.inputs.notes import Category, NotesInput, Region
from sessionkit.core.inputs.rating import RatingInput, summarise
from sessionkit.core.language import RatingWelsh
from sessionkit.tui.board_model import BoardModel, Row
from sessionkit.tui.room_words import both, say

UNGROUPED = ("No kind", "Not placed", "For the whole room")
"""The headings of the notes in no category, region or group (room_words has them)."""


def for_room(model: BoardModel, engine: Engine, language: str) -> BoardModel:
    """``model`` (built with ``room=True``) as the room should read it."""
    if model.kind == "rating":
        return _rating(model, engine, language)
    if language == "en" or model.kind not in ("notes", "canvas"):
        return model
    _, step = engine.step_def()
    spec = step.input if step else None
    labels: dict[str, str] = {}  # the English label -> the label in the language
    places: list[Category | Region]
    if isinstance(spec, NotesInput):
        places = list(spec.categories)
    elif isinstance(spec, CanvasInput):
        places = [*spec.regions, *spec.rows, *spec.columns]
    else:
        return model
    for place in places:
        labels[place.label] = both(place.label, place.cy.label if place.cy else "", language)
    if isinstance(spec, CanvasInput) and spec.is_grid:
        for cell in spec.cells():  # a cell is "row · column"
            row, column = cell.label.split(" · ", 1)
            labels[cell.label] = f"{labels.get(row, row)} · {labels.get(column, column)}"
    return replace(model, rows=[_row(row, labels, language) for row in model.rows])


def _row(row: Row, labels: dict[str, str], language: str) -> Row:
    if row.kind == "section":
        group, count = row.ref
        if group.key is None and group.label in UNGROUPED:
            label = say(group.label, language)
        else:
            label = labels.get(group.label, group.label) if group.key is not None else group.label
        return replace(row, ref=(replace(group, label=label), count))
    if row.kind == "grid":
        heading, cells = row.ref
        shown = [(labels.get(column, column), texts) for column, texts in cells]
        return replace(row, ref=(labels.get(heading, heading), shown))
    return row


def _rating(model: BoardModel, engine: Engine, language: str) -> BoardModel:
    """A rating's board for the room: its question first (the phones ask it, so the wall
    does too), the scale's labels, then the average; the method's Welsh (``cy.question``,
    ``cy.labels``) in ``language``, as the room page shows them."""
    _, step = engine.step_def()
    spec = step.input if step else None
    if not isinstance(spec, RatingInput):
        return model
    welsh = spec.cy or RatingWelsh()
    labels = dict(zip(spec.labels, welsh.labels, strict=False))
    rows = [
        Row("scale", row.key, None, (value, both(label, labels.get(label, ""), language), count))
        for row in model.rows
        for value, label, count in [row.ref]
    ]
    if spec.question:
        rows.insert(0, Row("text", None, None, both(spec.question, welsh.question, language)))
    values = list(engine.state.ratings.get(engine.state.step_key, {}).values())
    mean = summarise(values, spec).mean
    if mean is not None:
        average = say("Average {average}", language, average=f"{mean:.1f}")
        rows.append(Row("text", None, None, average))
    return replace(model, rows=rows)
