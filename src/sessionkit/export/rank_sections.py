"""The record's sections for a rank step: Borda points, or means per criterion and a
2x2 placement (HTML and Markdown), and the CSV rows.

Kept beside :mod:`.html` and :mod:`.markdown` like :mod:`.html_sort`. HTML text goes
through ``html.escape``; Markdown through the caller's escape for table cells.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from sessionkit.core.inputs.rank_tally import RankTable
from sessionkit.core.record import Record, StepView
from sessionkit.export.text import plural

CSS = """
.rank td.num { text-align: right; }
.rank .text { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; }
"""

RANK_COLUMNS = ("rank step", "item", "criterion", "place or mean", "points or count")


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def who(table: RankTable) -> str:
    paper = f" ({table.paper} on paper)" if table.paper else ""
    verb = "ranked their top " + str(table.top) if table.mode == "rank" else "scored"
    return f"{plural(table.people, 'person', 'people')} {verb}{paper}"


def html_section(record: Record, view: StepView, dots: dict[str, int]) -> str:
    table = record.rank(view.key)
    if table is None or not table.people:
        return "<p><em>Nobody ranked or scored.</em></p>"
    rows: list[str] = []
    if table.mode == "rank":
        head = "<tr><th>Place</th><th>Item</th><th>Points</th></tr>"
        for place, label, points, hidden in table.ranked:
            text = "<em>(a hidden note)</em>" if hidden else f'<span class="text">{e(label)}</span>'
            rows.append(f'<tr><td>{e(place)}</td><td>{text}</td><td class="num">{points}</td></tr>')
    else:
        head = (
            "<tr><th>Item</th>"
            + "".join(
                f"<th>{e(c.label)} ({c.scale_min}-{c.scale_max})</th>" for c in table.criteria
            )
            + "</tr>"
        )
        for label, means, counts, hidden in table.scored:
            text = "<em>(a hidden note)</em>" if hidden else f'<span class="text">{e(label)}</span>'
            cells = "".join(
                f'<td class="num">{mean(m)} <small>({n})</small></td>'
                for m, n in zip(means, counts, strict=True)
            )
            rows.append(f"<tr><td>{text}</td>{cells}</tr>")
    out = (
        f'<p class="stat">{e(who(table))}</p><table class="rank"><thead>{head}</thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    if table.quadrants:
        quads = "".join(
            f"<tr><td>{e(name)}</td><td>"
            + ("; ".join(f'<span class="text">{e(i)}</span>' for i in items) or "–")
            + "</td></tr>"
            for name, items in table.quadrants
        )
        out += (
            '<h4>2x2 placement</h4><table class="rank"><thead><tr><th>Quadrant</th>'
            f"<th>Items</th></tr></thead><tbody>{quads}</tbody></table>"
        )
    return out


def markdown_section(
    cell: Callable[[str], str],
) -> Callable[[Record, StepView, dict[str, int]], list[str]]:
    """The Markdown section, with the module's escape for table cells (``cell``)."""

    def section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
        table = record.rank(view.key)
        if table is None or not table.people:
            return ["*Nobody ranked or scored.*"]
        out = [who(table) + ":", ""]
        if table.mode == "rank":
            out += ["| Place | Item | Points |", "| --- | --- | ---: |"]
            for place, label, points, hidden in table.ranked:
                text = "*(a hidden note)*" if hidden else cell(label)
                out.append(f"| {place} | {text} | {points} |")
        else:
            out.append(
                "| Item | "
                + " | ".join(
                    cell(f"{c.label} ({c.scale_min}-{c.scale_max})") for c in table.criteria
                )
                + " |"
            )
            out.append("| --- |" + " ---: |" * len(table.criteria))
            for label, means, counts, hidden in table.scored:
                text = "*(a hidden note)*" if hidden else cell(label)
                got = " | ".join(f"{mean(m)} ({n})" for m, n in zip(means, counts, strict=True))
                out.append(f"| {text} | {got} |")
        if table.quadrants:
            out += ["", "2x2 placement:", "", "| Quadrant | Items |", "| --- | --- |"]
            for name, items in table.quadrants:
                listed = "; ".join(cell(i) for i in items) or "–"
                out.append(f"| {cell(name)} | {listed} |")
        return out

    return section


def csv_rows(record: Record, keys: list[str], titles: dict[str, str]) -> list[tuple[object, ...]]:
    """One row per item (rank: place and points) or per item and criterion (mean, count)."""
    rows: list[tuple[object, ...]] = []
    for key in keys:
        table = record.rank(key)
        if table is None:
            continue
        title = titles.get(key, key)
        for place, label, points, hidden in table.ranked:
            rows.append((title, "" if hidden else label, "", place, points))
        for label, means, counts, hidden in table.scored:
            for crit, m, n in zip(table.criteria, means, counts, strict=True):
                rows.append((title, "" if hidden else label, crit.label, mean(m), n))
    return rows
