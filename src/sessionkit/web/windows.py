"""Long lists a phone is sent a page at a time: the first page in the shared view, the
rest on demand (``GET api/items``), searched on the server.

A vote on 6,000 notes once sent every phone 3.1 MB, and 30 phones refetching it stalled
the server's loop for a second. Now the public part carries the first :data:`PAGE` items
of each long list and how many there are (``<list>_total``); the whole lists of that
same build are kept beside the cached bytes, so paging and searching them costs no
build and every page a phone asks for agrees with the view it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PAGE = 100
"""Items per page of every long list (boards keep their own cap, ``max_notes``)."""

THEME_NOTES = 5
"""Notes shown under each theme (with its ``count``): themes list their notes to read
them, and a theme of 2,000 notes would otherwise be a whole board again."""

MAX_QUERY = 100
"""Longest search a phone may send, in characters."""

WINDOWED = (
    "targets",
    "items",
    "clusters",
    "notes",
    "questions",
    "requests",
    "actions",
    "cloud",
    "reviews",
)
"""Top-level lists of the public part sent a page at a time (as ``name``)."""

RESULTS = ("tally", "rows")
"""Lists inside ``results`` sent a page at a time (as ``results.name``)."""

SEARCHED = ("text", "label", "word", "what", "who", "author_name", "to", "from", "reply")
"""The fields a search looks in: words people read, never ids."""


def searchable(item: dict[str, Any]) -> str:
    """The words of an item a search matches, folded (a theme's include its notes')."""
    parts = [str(item[f]) for f in SEARCHED if isinstance(item.get(f), str)]
    parts += [str(n.get("text", "")) for n in item.get("all_notes", item.get("notes", ()))]
    return " ".join(parts).casefold()


@dataclass
class Lists:
    """The whole long lists of the cached public part, by name, for one step."""

    step: str = ""
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def page(self, name: str, offset: int, query: str) -> tuple[list[dict[str, Any]], int]:
        """Items ``offset`` to ``offset + PAGE`` of ``name`` (those matching ``query``
        when one is given), and how many there are in all (or match)."""
        items = self.lists.get(name, [])
        if query:
            folded = query.casefold()
            items = [i for i in items if folded in searchable(i)]
        return [shown(i, query) for i in items[offset : offset + PAGE]], len(items)


def shown(item: dict[str, Any], query: str = "") -> dict[str, Any]:
    """An item as a page carries it: a theme with at most :data:`THEME_NOTES` of its
    notes (those matching ``query`` first), the rest counted."""
    notes = item.get("all_notes")
    if notes is None:
        return item
    out = {k: v for k, v in item.items() if k != "all_notes"}
    if query:
        folded = query.casefold()
        notes = [n for n in notes if folded in str(n.get("text", "")).casefold()] + [
            n for n in notes if folded not in str(n.get("text", "")).casefold()
        ]
    out["notes"] = notes[:THEME_NOTES]
    out["count"] = len(notes)
    return out


def cut(public: dict[str, Any], step: str, board: list[dict[str, Any]] | None = None) -> Lists:
    """Replace each long list in ``public`` by its first page and a ``<name>_total``;
    returns the whole lists to page through. A board's ``notes`` are already capped and
    counted (newest last; the phone lists them newest first): its whole ``board``,
    newest first, is paged instead."""
    kept = Lists(step=step)
    if board is not None:
        kept.lists["notes"] = board
    for name in WINDOWED:
        items = public.get(name)
        if not isinstance(items, list) or name in kept.lists:
            continue
        if name == "clusters":
            items = wrap_themes(items)
        kept.lists[name] = items
        public[name] = [shown(i) for i in items[:PAGE]]
        public[f"{name}_total"] = len(items)
    results = public.get("results")
    if isinstance(results, dict):
        # A result row past the first page of items is named by its own text.
        texts = {
            i["id"]: i["text"]
            for name in ("targets", "items")
            for i in kept.lists.get(name, ())
            if "text" in i
        }
        for name in RESULTS:
            rows = results.get(name)
            if isinstance(rows, list):
                rows = [dict(r, text=texts.get(r.get("item", r.get("target")), "")) for r in rows]
                kept.lists[f"results.{name}"] = rows
                results[name] = rows[:PAGE]
                results[f"{name}_total"] = len(rows)
        for quadrant in results.get("quadrants", ()):
            quadrant["count"] = len(quadrant["items"])
            quadrant["items"] = quadrant["items"][:PAGE]
    return kept


def wrap_themes(clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Themes with their notes under ``all_notes`` (what :func:`shown` caps)."""
    return [
        {**{k: v for k, v in cl.items() if k != "notes"}, "all_notes": cl["notes"]}
        for cl in clusters
    ]


LIST_NAMES = WINDOWED + tuple(f"results.{name}" for name in RESULTS)
"""What ``GET api/items?list=`` may name."""
