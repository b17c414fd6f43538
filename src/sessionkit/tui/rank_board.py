"""The lines of a rank step's board (``board_model.BOARDS`` makes them text rows).

The facilitator sees the points (or the means) as they come in; the room sees only how
many have ranked until the step is closed, so nobody follows the crowd. With two
criteria the 2x2 is drawn as a small text grid: the first criterion's high half on top.
"""

from __future__ import annotations

from collections.abc import Callable

from sessionkit.core.engine import Engine
from sessionkit.core.inputs.rank import (
    RankInput,
    people,
    quadrant_groups,
    rank_results,
    score_results,
)

Line = tuple[str | None, str]
"""(the item a line is about, or ``None``; its text)."""

CELL = 36
"""Characters per column of the 2x2 grid (two fit in an 80-column terminal)."""


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def grid(names: list[str], cells: list[list[str]]) -> list[str]:
    """Four quadrants (high-high, high-low, low-high, low-low) as two rows of two cells."""
    lines: list[str] = []
    for top in (0, 2):
        left, right = cells[top], cells[top + 1]
        lines.append(
            f"┌ {clip(names[top], CELL - 2):<{CELL - 2}} ┬ {clip(names[top + 1], CELL - 2)}"
        )
        for n in range(max(len(left), len(right), 1)):
            a = clip(left[n], CELL - 2) if n < len(left) else ""
            b = clip(right[n], CELL - 2) if n < len(right) else ""
            lines.append(f"│ {a:<{CELL - 2}} │ {b}")
    return lines


def rank_lines(
    engine: Engine, key: str, spec: RankInput, room: bool, label: Callable[[str], str]
) -> list[Line]:
    """What the board shows, line by line (``label``: an item's text as the viewer may
    see it)."""
    out: list[Line] = []
    state = engine.state
    closed = state.step_state(key).vote == "closed"
    items = engine.rank_targets(key)
    count = people(state, key, spec)
    verb = f"ranked their top {spec.top}" if spec.mode == "rank" else "scored"
    said = f"{count} {'person has' if count == 1 else 'people have'} {verb}"
    if not closed:
        said += (
            "  ·  on your phone; results show at the close"
            if room
            else "  ·  o closes and shows the results"
        )
    out.append((None, said))
    if room and not closed:
        for item in items:
            out.append((None, "· " + label(item)))
        return out
    if spec.mode == "rank":
        for r in rank_results(state, key, spec, items):
            points = f"{r.points} point{'s' * (r.points != 1)}"
            out.append((r.item, f"{r.place:>3}. {label(r.item)} — {points}"))
        return out
    rows = score_results(state, key, spec, items)
    for srow in rows:
        parts = ", ".join(
            f"{c.label} {mean(m)} ({n})"
            for c, m, n in zip(spec.criteria, srow.means, srow.counts, strict=True)
        )
        out.append((srow.item, f"{label(srow.item)}: {parts}"))
    quads = quadrant_groups(spec, rows)
    if quads:
        out.append((None, ""))
        names = [name for name, _ in quads]
        cells = [[label(i) for i in ids] for _, ids in quads]
        for line in grid(names, cells):
            out.append((None, line))
    return out
