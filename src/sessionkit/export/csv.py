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

After the notes come the tables of the kinds that are not notes, each after an empty row
with its own header: actions (step, what, who, due, from, done, time), then the word
cloud (step, word, count) and the questions (step, question, votes, answered, merged
into), then the sorts (step, item, bucket, count: a row per item and bucket). A kind with
nothing recorded has no table.
"""

from __future__ import annotations

import csv
import io

from sessionkit.core import read
from sessionkit.core.inputs.actions import listed, source_label
from sessionkit.core.inputs.questions import ranked
from sessionkit.core.inputs.requests import ANSWERS, RequestsInput
from sessionkit.core.inputs.words import cloud
from sessionkit.core.record import Record
from sessionkit.export import rank_sections
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
ACTION_COLUMNS = ("action step", "what", "who", "due", "from", "done", "time")
WORD_COLUMNS = ("words step", "word", "count")
SORT_COLUMNS = ("sort step", "item", "bucket", "count")
REQUEST_COLUMNS = ("requests step", "to", "request", "from", "answer", "reply", "paper", "time")
QUESTION_COLUMNS = ("questions step", "question", "votes", "answered", "merged into", "time")
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
    for table in kind_tables(record, titles):
        writer.writerow([])
        for cells in table:
            writer.writerow([neutralise(cell) for cell in cells])
    return BOM + buffer.getvalue()


Table = list[tuple[object, ...]]


def kind_tables(record: Record, titles: dict[str, str]) -> list[Table]:
    """The tables after the notes, one per kind with rows of its own (actions, the word
    cloud, questions), each after an empty row and with its own header; none if empty."""
    tables: list[Table] = []
    state = record.state
    actions = listed(state)
    if actions:
        tables.append(
            [
                ACTION_COLUMNS,
                *(
                    (
                        titles.get(a.step, a.step),
                        a.what,
                        a.who or "",
                        a.due or "",
                        source_label(state, a.source),
                        "yes" if a.done else "",
                        iso_local(a.created_at),
                    )
                    for a in actions
                ),
            ]
        )
    words = [
        (titles.get(key, key), word, count)
        for key in dict.fromkeys(a.step for a in state.words.values())
        for word, count in cloud(state, key)
    ]
    if words:
        tables.append([WORD_COLUMNS, *words])
    questions = []
    for key in dict.fromkeys(q.step for q in state.questions.values()):
        standing = ranked(state, key)
        merged = [q for q in state.questions.values() if q.step == key and q.merged_into]
        for q in [*standing, *(m for m in merged if not m.hidden)]:
            target = state.questions.get(q.merged_into or "")
            questions.append(
                (
                    titles.get(q.step, q.step),
                    q.text,
                    "" if target else len(q.voters),  # a duplicate's votes went to its target
                    "yes" if q.answered else "",
                    target.text if target else "",
                    iso_local(q.created_at),
                )
            )
    if questions:
        tables.append([QUESTION_COLUMNS, *questions])
    sorted_rows = []
    for key in state.sorts:  # one row per item and bucket, so a pivot table can add them
        sort = record.sort(key)
        if sort is None:
            continue
        for label, counts, hidden in sort.rows:
            for bucket, count in zip(sort.buckets, counts, strict=True):
                sorted_rows.append((titles.get(key, key), "" if hidden else label, bucket, count))
    if sorted_rows:
        tables.append([SORT_COLUMNS, *sorted_rows])
    rank_keys = list(dict.fromkeys([*state.rankings, *state.scores]))
    rank_rows = rank_sections.csv_rows(record, rank_keys, titles)
    if rank_rows:
        tables.append([rank_sections.RANK_COLUMNS, *rank_rows])
    requests = []
    for r in state.requests.values():
        spec = read.spec_at(record.timed_items(), r.step)
        team_name = spec.team_label if isinstance(spec, RequestsInput) else (lambda t: t or "")
        requests.append(
            (
                titles.get(r.step, r.step),
                team_name(r.team),
                r.text,
                team_name(r.from_team) if r.from_team else "",
                ANSWERS.get(r.answer or "", ""),
                r.reply,
                "yes" if r.paper or r.answer_paper else "",
                iso_local(r.created_at),
            )
        )
    if requests:
        tables.append([REQUEST_COLUMNS, *requests])
    return tables
