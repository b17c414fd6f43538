"""Results of a rank step: Borda points with shared places, means per criterion and
the 2x2 placement, and the table the record keeps (see :mod:`.rank` for the kind).

No ``KIND`` here: this module only reads what the rank kind's folds left in the state.
"""

from __future__ import annotations

from dataclasses import dataclass

from sessionkit.core.inputs.rank import Criterion, RankInput, rankings, scores
from sessionkit.core.inputs.sort import PAPER
from sessionkit.core.inputs.sort import targets as sort_targets
from sessionkit.core.state import SessionState


def borda(state: SessionState, key: str, spec: RankInput) -> dict[str, int]:
    """item -> points: 1st gets ``top``, 2nd ``top - 1`` ... the ``top``-th 1."""
    points: dict[str, int] = {}
    for ranked in rankings(state, key).values():
        for i, item in enumerate(ranked):
            points[item] = points.get(item, 0) + max(spec.top - i, 0)
    return points


@dataclass(frozen=True)
class RankRow:
    item: str
    points: int
    place: str
    """"1", "=2" ...: a tie shares the place, and the next place skips past it."""
    firsts: int


def rank_results(state: SessionState, key: str, spec: RankInput, items: list[str]) -> list[RankRow]:
    """Every item of ``items`` (and any ranked that is no longer one, last), most points
    first; ties keep board order and share a place."""
    points = borda(state, key, spec)
    firsts: dict[str, int] = {}
    for ranked in rankings(state, key).values():
        if ranked:
            firsts[ranked[0]] = firsts.get(ranked[0], 0) + 1
    order = list(items) + [i for i in points if i not in set(items)]
    order.sort(key=lambda i: -points.get(i, 0))
    rows: list[RankRow] = []
    for item in order:
        got = points.get(item, 0)
        first = next(i for i, other in enumerate(order) if points.get(other, 0) == got)
        tied = sum(1 for other in order if points.get(other, 0) == got) > 1
        rows.append(
            RankRow(item, got, f"={first + 1}" if tied else str(first + 1), firsts.get(item, 0))
        )
    return rows


@dataclass(frozen=True)
class ScoreRow:
    item: str
    means: tuple[float | None, ...]
    """The mean per criterion, in the step's order (``None``: nobody scored it there)."""
    counts: tuple[int, ...]


def score_results(
    state: SessionState, key: str, spec: RankInput, items: list[str]
) -> list[ScoreRow]:
    """Mean and count per criterion for each item, in board order."""
    given: dict[str, dict[str, list[int]]] = {}
    for by_item in scores(state, key).values():
        for item, values in by_item.items():
            for crit, value in values.items():
                given.setdefault(item, {}).setdefault(crit, []).append(value)
    order = list(items) + [i for i in given if i not in set(items)]
    rows = []
    for item in order:
        got = given.get(item, {})
        marks = [got.get(c.id, []) for c in spec.criteria]
        means = tuple(sum(v) / len(v) if v else None for v in marks)
        rows.append(ScoreRow(item, means, tuple(len(v) for v in marks)))
    return rows


def quadrant(spec: RankInput, row: ScoreRow) -> tuple[bool, bool] | None:
    """(high on the first criterion, high on the second) against the scales' midpoints
    (a mean on the midpoint counts as high); ``None``: not a 2x2, or not scored on both."""
    if len(spec.criteria) != 2 or row.means[0] is None or row.means[1] is None:
        return None
    first, second = spec.criteria
    return row.means[0] >= first.midpoint, row.means[1] >= second.midpoint


def quadrant_name(spec: RankInput, high: tuple[bool, bool]) -> str:
    parts = []
    for crit, up in zip(spec.criteria, high, strict=True):
        word = (crit.high_label or "high") if up else (crit.low_label or "low")
        parts.append(f"{crit.label}: {word}")
    return ", ".join(parts)


def people(state: SessionState, key: str, spec: RankInput) -> int:
    """How many people (and paper sheets) have ranked or scored anything."""
    if spec.mode == "rank":
        return sum(1 for ranked in rankings(state, key).values() if ranked)
    return sum(1 for by_item in scores(state, key).values() if any(by_item.values()))


def paper_sheets(state: SessionState, key: str, spec: RankInput) -> int:
    found = rankings(state, key) if spec.mode == "rank" else scores(state, key)
    return sum(1 for who, got in found.items() if who.startswith(PAPER) and got)


# ---------------------------------------------------------------- the record


def targets(state: SessionState, target_key: str, spec: RankInput) -> list[str]:
    """Ids a rank step may rank or score, in board order, for the step at ``target_key``."""
    return sort_targets(state, target_key, spec.as_sort())


def label_of(state: SessionState, item: str) -> tuple[str, bool]:
    """(the text of a note or cluster, hidden?) for the record."""
    cluster, note = state.clusters.get(item), state.notes.get(item)
    if cluster is not None:
        return cluster.label, False
    if note is not None:
        return ("" if note.hidden else note.text), note.hidden
    return "(since merged or removed)", False


@dataclass(frozen=True)
class RankTable:
    """A rank step's results for the record. Rank rows: (place, label, points, hidden);
    score rows: (label, means, counts, hidden); quadrants: (name, labels) for a 2x2."""

    mode: str
    top: int
    criteria: tuple[Criterion, ...]
    people: int
    paper: int
    ranked: tuple[tuple[str, str, int, bool], ...] = ()
    scored: tuple[tuple[str, tuple[float | None, ...], tuple[int, ...], bool], ...] = ()
    quadrants: tuple[tuple[str, tuple[str, ...]], ...] = ()


def quadrant_groups(spec: RankInput, rows: list[ScoreRow]) -> list[tuple[str, list[str]]]:
    """The four quadrants with the items in each (ids), for a 2x2, in the order of a
    chart read line by line: the first criterion high (low, then high on the second),
    then the first low (the same)."""
    if len(spec.criteria) != 2:
        return []
    order = [(True, False), (True, True), (False, False), (False, True)]
    placed: dict[tuple[bool, bool], list[str]] = {q: [] for q in order}
    for row in rows:
        q = quadrant(spec, row)
        if q is not None:
            placed[q].append(row.item)
    return [(quadrant_name(spec, q), placed[q]) for q in order]


def table(state: SessionState, key: str, spec: RankInput, items: list[str]) -> RankTable:
    base = {
        "mode": spec.mode,
        "top": spec.top,
        "criteria": tuple(spec.criteria),
        "people": people(state, key, spec),
        "paper": paper_sheets(state, key, spec),
    }
    if spec.mode == "rank":
        ranked = []
        for row in rank_results(state, key, spec, items):
            label, hidden = label_of(state, row.item)
            ranked.append((row.place, label, row.points, hidden))
        return RankTable(**base, ranked=tuple(ranked))  # type: ignore[arg-type]
    rows = score_results(state, key, spec, items)
    scored = []
    for srow in rows:
        label, hidden = label_of(state, srow.item)
        scored.append((label, srow.means, srow.counts, hidden))
    quads = tuple(
        (
            name,
            tuple(
                "(a hidden note)" if label_of(state, i)[1] else label_of(state, i)[0] for i in ids
            ),
        )
        for name, ids in quadrant_groups(spec, rows)
    )
    return RankTable(**base, scored=tuple(scored), quadrants=quads)  # type: ignore[arg-type]
