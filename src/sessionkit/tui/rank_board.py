"""The lines of a rank step's board (``board_model.BOARDS`` makes them text rows).

The facilitator sees the points (or the means) as they come in; the room sees only how
many have ranked until the step is closed, so nobody follows the crowd. With two
criteria the 2x2 is drawn as a small text grid: the first criterion's high half on top.
"""

from __future__ import annotations

from collections.abc import Callable

from sessionkit.core.engine import Engine
from sessionkit.core.inputs.rank import Criterion, RankInput
from sessionkit.core.inputs.rank_tally import people, quadrant_groups, rank_results, score_results

Line = tuple[str | None, str]
"""(the item a line is about, or ``None``; its text)."""

CELL = 17
"""Characters per cell of the 2x2 grid: two cells fit a narrow room view (about 40)."""


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def word(crit: Criterion, high: bool) -> str:
    return (crit.high_label or "high") if high else (crit.low_label or "low")


def grid(spec: RankInput, cells: list[list[str]]) -> list[str]:
    """The 2x2 as a small chart: the first criterion down (high on top), the second
    across (low on the left); ``cells`` in :func:`quadrant_groups` order."""
    first, second = spec.criteria
    lines = [
        f"  {clip(f'{second.label}: {word(second, False)}', CELL):<{CELL}} │ "
        + clip(f"{second.label}: {word(second, True)}", CELL)
    ]
    for top in (0, 2):
        head = f"─ {clip(f'{first.label}: {word(first, top == 0)}', 2 * CELL)} "
        lines.append(head.ljust(2 * CELL + 4, "─"))
        left, right = cells[top], cells[top + 1]
        for n in range(max(len(left), len(right), 1)):
            a = clip(left[n], CELL) if n < len(left) else ("–" if n == 0 else "")
            b = clip(right[n], CELL) if n < len(right) else ("–" if n == 0 else "")
            lines.append(f"  {a:<{CELL}} │ {b}")
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
        out.append(
            (None, "2x2 from the mean scores (a mean on a scale's midpoint counts as high):")
        )
        cells = [[label(i) for i in ids] for _, ids in quads]
        for line in grid(spec, cells):
            out.append((None, line))
    return out
