"""The HTML page's section for a sort step: a stacked bar per item, with its counts.

Kept beside :mod:`.html` like :mod:`.html_kinds`. Every bar has its counts in words next
to it (colour is never the only way to read it); all text goes through ``html.escape``.
"""

from __future__ import annotations

import html

from sessionkit.core.record import Record, StepView
from sessionkit.export.text import plural

COLOURS = ("#1b5e20", "#f9a825", "#b71c1c", "#0d47a1", "#6a1b9a", "#424242")
"""One colour per bucket, in bucket order (a sort has at most six)."""

CSS = """
.sort { list-style: none; margin: 0; padding: 0; }
.sort li { padding: 6px 0; border-bottom: 1px solid var(--line); }
.sort .text { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; }
.stack { display: flex; height: 14px; margin: 4px 0; border: 1px solid var(--line); \
border-radius: 3px; overflow: hidden; }
.stack span { display: block; }
.sort small, .legend { color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; }
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def sort_section(record: Record, view: StepView, dots: dict[str, int]) -> str:
    sort = record.sort(view.key)
    if sort is None or not sort.sorters:
        return '<p class="empty">Nobody sorted.</p>'
    paper = f" ({sort.paper} on paper)" if sort.paper else ""
    legend = "".join(
        f'<i style="background:{COLOURS[i]}"></i>{e(name)}' for i, name in enumerate(sort.buckets)
    )
    items = []
    for label, counts, hidden in sort.rows:
        parts = "".join(
            f'<span style="flex-grow:{count};background:{COLOURS[i]}"></span>'
            for i, count in enumerate(counts)
            if count
        )
        rest = sort.sorters - sum(counts)
        if rest > 0:
            parts += f'<span style="flex-grow:{rest}"></span>'
        words = " · ".join(f"{e(b)} {c}" for b, c in zip(sort.buckets, counts, strict=True))
        text = "<em>a hidden note</em>" if hidden else e(label)
        items.append(
            f'<li><span class="text" dir="auto">{text}</span>'
            f'<div class="stack" aria-hidden="true">{parts}</div><small>{words}</small></li>'
        )
    return (
        f'<p class="stat">{plural(sort.sorters, "person", "people")} sorted{paper}; '
        f"ordered by “{e(sort.order_by)}”</p>"
        f'<p class="legend" aria-hidden="true">{legend}</p><ul class="sort">{"".join(items)}</ul>'
    )
