"""Drawing a sort step's rows: each item with a stacked bar of its buckets' counts.

Each bucket has its own shade (█ ▓ ▒ ░ ...) so the bar reads in any theme and in
monochrome; the info line above the board is the legend. Shared by the facilitator's
board and the room view; participant text goes through :mod:`sessionkit.tui.safe`.
"""

from __future__ import annotations

from textual.content import Content

from sessionkit.core.engine import Engine
from sessionkit.core.inputs.sort import SHADES, SortInput, placements, sorters
from sessionkit.tui.board_model import Row
from sessionkit.tui.safe import one_line
from sessionkit.tui.widgets.rows import fit


def stacked_bar(counts: tuple[int, ...], most: int, width: int) -> Content:
    """``width`` cells: each bucket's share of ``most`` sorters, in its own shade."""
    if width <= 0:
        return Content("")
    parts: list[Content] = []
    used = 0
    for i, count in enumerate(counts):
        cells = round(width * count / most) if most else 0
        cells = min(cells, width - used)
        if cells:
            parts.append(Content.styled(SHADES[i] * cells, ".board--bar"))
            used += cells
    return Content.assemble(*parts).pad_right(width - used)


def sort_content(row: Row, width: int, most: int) -> Content:
    """An item: its text, a stacked bar and the counts per bucket (``3/1/0``)."""
    label, counts, _buckets, shown = row.ref
    figures = "/".join(str(c) for c in counts) if shown else "…"
    tail = Content.styled(f" {figures:>8} ", "bold")
    label_width = max(12, min(width // 2, 44))
    bar_width = max(0, width - label_width - 3 - tail.cell_length)
    bar = stacked_bar(counts, most, bar_width) if shown else Content(" " * bar_width)
    return Content.assemble(" ", fit(one_line(label), label_width), " ", bar, tail)


def legend(buckets: list[str]) -> Content:
    """``█ Keep  ▓ Drop``: which shade is which bucket."""
    parts: list[Content] = []
    for i, name in enumerate(buckets):
        parts.append(Content.styled(SHADES[i], ".board--bar") + Content(" ") + one_line(name))
    return Content("  ").join(parts)


def sort_info(engine: Engine, spec: SortInput) -> Content:
    """The line above a sort's board: the legend, who has sorted, the keys."""
    state = engine.state
    key = state.step_key
    closed = state.step_state(key).vote == "closed"
    paper = sum(1 for s in placements(state, key) if s.startswith("paper-"))
    people = sorters(state, key)
    status = "closed" if closed else "open"
    said = f" · {people} sorted" + (f" ({paper} paper)" if paper else "") + f" · {status}"
    keys = " · a paper sheet, o " + ("reopens" if closed else "closes")
    return legend(spec.buckets) + Content(said + keys)
