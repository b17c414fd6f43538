"""CSV: one row per note, for spreadsheets and whiteboard tools.

Columns: step, cluster, category, votes, author, time, region, action owner, text, note,
group, picked. ``group`` is the group a note of a grouped step belongs to ("A"; "paper"
is added where the facilitator typed it in), ``picked`` says "yes" for the note its
group took forward.
``votes`` is the dots the note received plus those its cluster received; ``author`` is
filled only for named steps; ``time`` is when it was written, ISO 8601 in local time;
``note`` is the note's id (handy to match rows up after an edit).

Any cell a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return, also after leading spaces, and the full-width forms of those
signs) gets a ``'`` in front, so it shows as text. The file starts with a UTF-8 byte
order mark so Excel reads accents, emoji and Arabic/Hebrew correctly. Hidden notes are
left out.
"""

from __future__ import annotations

import csv
import io

from sessionkit.core.record import Record
from sessionkit.export.text import iso_local

COLUMNS = (
    "step",
    "cluster",
    "category",
    "votes",
    "author",
    "time",
    "region",
    "action owner",
    "text",
    "note",
    "group",
    "picked",
)
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: object) -> object:
    """A cell value safe from formula injection (numbers are left as they are)."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) or value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


def render(record: Record) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    dots = record.dots_by_note()
    titles = {
        view.key: f"{item.index + 1}.{view.index + 1} {view.title}"
        for item in record.items()
        for view in item.steps
    }
    for note in record.visible_notes():
        row = (
            titles.get(note.step, note.step),
            record.cluster_label(note),
            record.category_label(note),
            dots.get(note.id, 0),
            record.author(note) or "",
            iso_local(note.created_at),
            record.region_label(note),
            note.action_owner or "",
            note.text,
            note.id,
            record.group_label(note) + (" (paper)" if record.on_paper(note) else ""),
            "yes" if record.is_picked(note) else "",
        )
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + buffer.getvalue()
