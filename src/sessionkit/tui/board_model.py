"""What the board shows for a step, as a flat list of rows.

The board is drawn with Textual's Line API (see ``widgets/board.py``), so this module only
decides *which* rows there are, in which order; it makes no Content for notes (rows carry
the :class:`Note` itself and are drawn lazily, only when they scroll into view). Building
the rows is one pass over the notes, which keeps a board of 10,000 notes fast to rebuild
after every change.

Two audiences: the facilitator sees everything (hidden notes struck through, private
notes not yet revealed dimmed); the room sees only what :meth:`Engine.visible_to` allows
a participant who did not write the note to see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sessionkit.core import groups as rounds
from sessionkit.core import read
from sessionkit.core.engine import Engine
from sessionkit.core.inputs.actions import listed, source_label
from sessionkit.core.inputs.canvas import grid
from sessionkit.core.inputs.notes import NoteSpec
from sessionkit.core.inputs.questions import merged_into, ranked
from sessionkit.core.inputs.rank import RankInput
from sessionkit.core.inputs.rating import summarise
from sessionkit.core.inputs.requests import ANSWERS, RequestsInput, for_team
from sessionkit.core.inputs.review import origin_text, reviewed
from sessionkit.core.inputs.sort import SHADES, SortInput, results, sorters
from sessionkit.core.inputs.words import cloud
from sessionkit.core.method import (
    CanvasInput,
    ClusterInput,
    NotesInput,
    RatingInput,
    Step,
    VoteInput,
)
from sessionkit.core.state import Note
from sessionkit.tui.rank_board import rank_lines

ROOM = "room"
"""Viewer id for the projector: sees what any participant who wrote nothing would see."""

RowKind = Literal[
    "banner",
    "section",
    "note",
    "target",
    "scale",
    "text",
    "word",
    "question",
    "action",
    "grid",
    "request",
    "sorted",
    "reviewed",
]


@dataclass(slots=True)
class Row:
    kind: RowKind
    key: str | None = None
    """Note id, cluster id, vote target id, scale value, or group id of a section."""
    group: str | None = None
    """The group (category, region or cluster; ``None`` = ungrouped) a note or section is in."""
    ref: Any = None
    """What is drawn: the Note, or for other kinds a small tuple/str described at its builder."""
    focusable: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    key: str | None
    label: str
    colour: str | None = None
    parking: bool = False


@dataclass(slots=True)
class BoardModel:
    kind: str
    """Step input kind ("notes", "cluster", ...), or "break", "waiting", "ended"."""
    rows: list[Row] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    """The groups notes can move between with [ and ] (categories, regions, clusters)."""
    private: bool = False
    """The notes come from a private step that has not been revealed yet."""
    note_count: int = 0
    tally_max: int = 0
    colours: dict[str, str] = field(default_factory=dict)
    """Category id -> colour, for notes shown away from their kind's section (clusters)."""
    grouped: bool = False
    """A grouped step: the sections are the people's groups (see ``core.groups``)."""
    picked: set[str] = field(default_factory=set)
    """Notes their group picked to take forward."""


def step_kind(engine: Engine) -> str:
    state = engine.state
    if state.ended_at is not None:
        return "ended"
    if not state.started:
        return "waiting"
    _, step = engine.step_def()
    return step.input.kind if step is not None else "break"


def is_private_unrevealed(engine: Engine, key: str) -> bool:
    _, step = engine.step_def(key)
    return (
        step is not None and step.input.is_private() and not engine.state.step_state(key).revealed
    )


def build(engine: Engine, *, room: bool = False) -> BoardModel:
    """Rows for the current step, for the facilitator or (``room=True``) the projector."""
    kind = step_kind(engine)
    if kind in ("waiting", "ended", "break"):
        return BoardModel(kind)
    key = engine.state.step_key
    _, step = engine.step_def(key)
    assert step is not None
    return BOARDS[step.input.kind](engine, key, step, room)


# ---------------------------------------------------------------- notes and canvas


def _visible_notes(engine: Engine, keys: list[str], room: bool) -> list[Note]:
    wanted = set(keys)
    notes = [n for n in engine.state.notes.values() if n.step in wanted]
    if room:  # what any participant who wrote none of them may see
        notes = read.visible_notes(engine.state, engine.items, notes, ROOM)
    return notes


def _grouped(
    model: BoardModel,
    notes: list[Note],
    groups: list[Group],
    attr: str,
    room: bool,
    ungrouped_label: str,
    focus_sections: bool = False,
) -> None:
    """Sections of notes, one per group, in the groups' order; notes in no known group
    go in an extra section (first: on a cluster board it is the pile still to sort)."""
    buckets: dict[str | None, list[Note]] = {g.key: [] for g in groups}
    loose: list[Note] = []
    for note in notes:
        bucket = buckets.get(getattr(note, attr))
        (loose if bucket is None else bucket).append(note)
    order = list(groups)
    if loose or attr == "cluster":
        order.insert(0 if attr == "cluster" else len(order), Group(None, ungrouped_label))
        buckets[None] = loose
    for group in order:
        members = buckets[group.key]
        if room and not members:
            continue
        model.rows.append(
            Row("section", group.key, group.key, (group, len(members)), focusable=focus_sections)
        )
        model.rows.extend(Row("note", n.id, group.key, n, True) for n in members)
    model.groups = order


def _notes_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    spec = step.input
    assert isinstance(spec, NotesInput)
    model = BoardModel("notes", private=is_private_unrevealed(engine, key))
    notes = _visible_notes(engine, [key], room)
    model.note_count = len(notes)
    if rounds.spec_at(engine.items, key) is not None:
        for category in spec.categories:  # the sections are groups: kinds show as a chip
            model.colours[category.id] = category.colour
        _by_group(engine, model, key, step, notes, room)
    elif spec.categories:
        groups = [Group(c.id, c.label, c.colour) for c in spec.categories]
        _grouped(model, notes, groups, "category", room, "No kind")
    else:  # one pile: no heading (the line above the board gives the count)
        model.rows.extend(Row("note", n.id, None, n, True) for n in notes)
    return model


def group_sections(engine: Engine, key: str, step: Step, room: bool) -> list[Group]:
    """One section per group of a grouped step: today's groups first (A, B ...), then any
    a re-forming retired (their notes stay theirs). Names only on a named step."""
    state = engine.state
    named = not step.input.is_anonymous()
    out: list[Group] = []
    mine = [g for g in state.groups.values() if g.step == key]
    for group in sorted(mine, key=lambda g: (g.retired, g.formation, g.id)):
        people = rounds.present(state, group)
        if named:
            who = ", ".join(state.participants[m].name or "no name" for m in people)
        else:
            who = f"{len(people)} {'person' if len(people) == 1 else 'people'}"
        label = f"Group {group.label} · {who or 'nobody yet'}"
        if group.retired:
            label = f"Group {group.label}, before re-forming ({group.formation})"
        out.append(Group(group.id, label))
    return out


def _by_group(
    engine: Engine, model: BoardModel, key: str, step: Step, notes: list[Note], room: bool
) -> None:
    model.grouped = True
    model.picked = {n.id for n in notes if engine.state.is_picked(n)}
    sections = group_sections(engine, key, step, room)
    _grouped(model, notes, sections, "group", room, "For the whole room")


def _canvas_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    spec = step.input
    assert isinstance(spec, CanvasInput)
    model = BoardModel("canvas", private=is_private_unrevealed(engine, key))
    notes = _visible_notes(engine, [key], room)
    model.note_count = len(notes)
    groups = [Group(r.id, r.label) for r in spec.note_regions()]
    if room and spec.is_grid and notes:
        _grid_rows(model, notes, spec)
        return model
    _grouped(model, notes, groups, "region", room, "Not placed")
    return model


def _grid_rows(model: BoardModel, notes: list[Note], spec: CanvasInput) -> None:
    """The room sees a grid as a table: one ``grid`` row per row of the grid, its ref
    ``(row label, [(column label, [note texts])])``; notes on no cell come after it."""
    table = grid(notes, spec)
    for row, cells in zip(table.rows, table.cells, strict=True):
        ref = (
            row.label,
            [
                (c.label, [n.text for n in cell])
                for c, cell in zip(table.columns, cells, strict=True)
            ],
        )
        model.rows.append(Row("grid", row.id, None, ref))
    if table.unplaced:
        loose = Group(None, "Not placed")
        model.rows.append(Row("section", None, None, (loose, len(table.unplaced))))
        model.rows.extend(Row("note", n.id, None, n, True) for n in table.unplaced)


# ---------------------------------------------------------------- clusters


def _cluster_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    sources = engine.cluster_sources(key)
    model = BoardModel("cluster", private=any(is_private_unrevealed(engine, k) for k in sources))
    cluster_spec = step.input
    assert isinstance(cluster_spec, ClusterInput)
    notes = [
        n for n in _visible_notes(engine, sources, room) if cluster_spec.takes(engine.state, n)
    ]
    model.note_count = len(notes)
    for source in sources:
        _, source_step = engine.step_def(source)
        spec = source_step.input if source_step else None
        for category in spec.note_categories() if isinstance(spec, NoteSpec) else ():
            model.colours[category.id] = category.colour
    clusters = [cl for cl in engine.state.clusters.values() if cl.step == key]
    clusters.sort(key=lambda cl: cl.parking)  # parking lots last, otherwise as created
    groups = [Group(cl.id, cl.label, parking=cl.parking) for cl in clusters]
    _grouped(model, notes, groups, "cluster", room, "Not yet grouped", focus_sections=not room)
    if room:
        # The room needs no empty "not yet grouped" heading once everything is sorted.
        model.rows = [r for r in model.rows if not (r.kind == "section" and r.ref[1] == 0)]
    return model


# ---------------------------------------------------------------- votes and ratings


def _vote_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    spec = step.input
    assert isinstance(spec, VoteInput)
    model = BoardModel("vote")
    targets = engine.vote_targets(key)
    tally = engine.state.tally(key)
    status = engine.state.step_state(key).vote
    if status == "closed":  # results: most dots first, ties in board order
        targets = sorted(targets, key=lambda t: -tally.get(t, 0))
    state = engine.state
    came = engine.carried(key)
    if came is not None and not room:  # where the items came from, or why there are none
        model.rows.append(Row("text", None, None, came.message))
    for target in targets:
        # A carried item may be a cluster while the step's own target is notes (or the
        # other way round): each target says what it is.
        cluster = state.clusters.get(target)
        if cluster is not None or (spec.target == "clusters" and target not in state.notes):
            size = sum(1 for n in state.notes.values() if n.cluster == target)
            label = (cluster.label if cluster else target, f"{size} note{'s' * (size != 1)}")
        else:
            note = state.notes[target]
            visible = not room or engine.visible_to(target, ROOM)
            label = (note.text if visible else "(not revealed)", "")
        model.rows.append(Row("target", target, None, (label, tally.get(target, 0)), True))
    model.tally_max = max(tally.values(), default=0)
    model.note_count = len(targets)
    return model


def _rating_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    spec = step.input
    assert isinstance(spec, RatingInput)
    model = BoardModel("rating")
    summary = summarise(list(engine.state.ratings.get(key, {}).values()), spec)
    for value, label, count in summary.distribution:
        model.rows.append(Row("scale", str(value), None, (value, label, count), True))
    model.tally_max = summary.most
    model.note_count = summary.count
    return model


def rating_summary(engine: Engine) -> tuple[int, float | None]:
    """(number of ratings, mean) for the current step."""
    summary = summarise(list(engine.state.ratings.get(engine.state.step_key, {}).values()), None)
    return summary.count, summary.mean


def _discussion_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    model = BoardModel("discussion")
    summary = engine.state.step_state(key).summary
    for line in summary.splitlines() or []:
        model.rows.append(Row("text", None, None, line))
    return model


# ---------------------------------------------------------------- words


def _words_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    """One row per word of the cloud, most given first: ref is (word, count, taken out).
    The facilitator also sees the words taken out of the cloud, last."""
    model = BoardModel("words")
    state = engine.state
    shown = cloud(state, key)
    for word, count in shown:
        model.rows.append(Row("word", word, None, (word, count, False), True))
    if not room:
        for word in state.hidden_words.get(key, ()):
            count = sum(1 for a in state.words.values() if a.step == key and a.word == word)
            model.rows.append(Row("word", word, None, (word, count, True), True))
    model.tally_max = max((count for _, count in shown), default=0)
    model.note_count = sum(count for _, count in shown)
    return model


# ---------------------------------------------------------------- questions


def _questions_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    """One row per question, open ones first, most upvoted first: ref is (text, upvotes,
    answered, how many were merged into it, taken down, asker's name)."""
    model = BoardModel("questions")
    state = engine.state
    for question in ranked(state, key, hidden=not room):
        ref = (
            question.text,
            len(question.voters),
            question.answered,
            len(merged_into(state, question.id)),
            question.hidden,
            question.author_name or "",
        )
        model.rows.append(Row("question", question.id, None, ref, True))
    model.tally_max = max((r.ref[1] for r in model.rows), default=0)
    model.note_count = sum(1 for r in model.rows if not r.ref[4])
    return model


# ---------------------------------------------------------------- requests


def _requests_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    """A section per team, then the requests for it: ref is (text, from team, answer,
    reply, on paper)."""
    spec = step.input
    assert isinstance(spec, RequestsInput)
    model = BoardModel("requests")
    for team in spec.teams:
        asks = for_team(engine.state, key, team.id)
        if room and not asks:
            continue
        group = Group(team.id, team.label)
        model.rows.append(Row("section", team.id, team.id, (group, len(asks))))
        for r in asks:
            answer = ANSWERS.get(r.answer or "", "")
            ref = (
                r.text,
                spec.team_label(r.from_team) if r.from_team else "",
                answer,
                r.reply,
                r.paper,
            )
            model.rows.append(Row("request", r.id, team.id, ref, True))
        model.note_count += len(asks)
    model.groups = [Group(t.id, t.label) for t in spec.teams]
    return model


# ---------------------------------------------------------------- actions


def _actions_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    """One row per action: ref is (what, who, due, where from, done, dropped)."""
    model = BoardModel("actions")
    state = engine.state
    actions = listed(state, key) if room else [a for a in state.actions.values() if a.step == key]
    for action in actions:
        ref = (
            action.what,
            action.who or "",
            action.due or "",
            source_label(state, action.source),
            action.done,
            action.dropped,
        )
        model.rows.append(Row("action", action.id, None, ref, True))
    model.note_count = len(listed(state, key))
    return model


# ---------------------------------------------------------------- review


def _review_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    """One row per carried action: ref is (what, who, due, where from, status, what
    was learned (texts), its status changes in this run)."""
    model = BoardModel("review")
    state = engine.state
    if not state.reviews:
        said = (
            f"No open actions came in from earlier runs of series '{state.series}'."
            if state.series
            else "This run is in no series, so there are no earlier actions to review "
            "(start it with --series NAME, or choose a series on the home screen)."
        )
        model.rows.append(Row("text", None, None, said))
    for action in reviewed(state):
        learned = tuple(note.text for note in action.learned if not note.run)
        changes = sum(1 for change in action.history if not change.run)
        ref = (
            action.what,
            action.who or "",
            action.due or "",
            origin_text(action),
            action.status,
            learned,
            changes,
        )
        model.rows.append(Row("reviewed", action.id, None, ref, True))
    model.note_count = len(state.reviews)
    return model


# ---------------------------------------------------------------- sort


def item_label(engine: Engine, item: str, room: bool) -> str:
    """The text of a note or cluster being worked on, as the room may see it."""
    state = engine.state
    cluster = state.clusters.get(item)
    if cluster is not None:
        return cluster.label
    note = state.notes.get(item)
    if note is None:
        return "(since merged or removed)"
    if note.hidden or (room and not engine.visible_to(item, ROOM)):
        return "(not revealed)" if not note.hidden else "(hidden)"
    return note.text


def _sort_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    """One row per item: ref is (label, counts per bucket, buckets, counts shown). The
    room sees the counts only once the sort is closed, so nobody follows the crowd;
    once closed, items come ordered by the step's ``order_by`` bucket."""
    spec = step.input
    assert isinstance(spec, SortInput)
    model = BoardModel("sort")
    state = engine.state
    closed = state.step_state(key).vote == "closed"
    came = engine.carried(key)
    if came is not None and not room:
        model.rows.append(Row("text", None, None, came.message))
    if room:  # the legend of the bars' shades (the facilitator's is in the info line)
        shades = "  ".join(f"{SHADES[i]} {name}" for i, name in enumerate(spec.buckets))
        said = "" if closed else "  ·  sort every item on your phone; counts show at the close"
        model.rows.append(Row("text", None, None, shades + said))
    items = engine.sort_targets(key)
    rows = results(state, key, spec, items)
    if not closed:  # while sorting, board order
        position = {item: i for i, item in enumerate(items)}
        rows.sort(key=lambda r: position.get(r.item, len(position)))
    shown = closed or not room
    for row in rows:
        ref = (item_label(engine, row.item, room), row.counts, tuple(spec.buckets), shown)
        model.rows.append(Row("sorted", row.item, None, ref, True))
    model.tally_max = sorters(state, key)
    model.note_count = len(items)
    return model


def _rank_board(engine: Engine, key: str, step: Step, room: bool) -> BoardModel:
    """Text rows (see :mod:`.rank_board`): the points, or the means and the 2x2; the room
    sees them only once the step is closed."""
    spec = step.input
    assert isinstance(spec, RankInput)
    model = BoardModel("rank")
    lines = rank_lines(engine, key, spec, room, lambda item: item_label(engine, item, room))
    model.rows.extend(Row("text", None, None, text) for _, text in lines)
    model.note_count = len(engine.rank_targets(key))
    return model


Board = Callable[[Engine, str, Step, bool], BoardModel]
BOARDS: dict[str, Board] = {
    "notes": _notes_board,
    "canvas": _canvas_board,
    "cluster": _cluster_board,
    "vote": _vote_board,
    "sort": _sort_board,
    "rank": _rank_board,
    "rating": _rating_board,
    "discussion": _discussion_board,
    "actions": _actions_board,
    "review": _review_board,
    "words": _words_board,
    "questions": _questions_board,
    "requests": _requests_board,
}
"""Input kind -> the rows its step shows (facilitator's board, or the room's with ``room``)."""
