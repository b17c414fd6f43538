"""What the room page shows: the phones' public part, plus what a wall needs besides.

The room may see exactly what a phone whose owner wrote nothing may see, so the step,
the board and the results are :meth:`Views.build_public` (one rule for both: no hidden or
unrevealed notes, no facilitator notes, no names on anonymous steps, removed text as
"[removed by the facilitator]"). On top of it the room gets only what is about the
room as a whole: the timer, how many have answered ("14 of 22 have voted"), the join
link, and on a grouped step each group's notes (a phone is sent its own group's list
only; the room sees every group's, under the same visibility rule).
"""

from __future__ import annotations

from typing import Any

from sessionkit.core import groups, read
from sessionkit.core.engine import Engine
from sessionkit.core.inputs.rank import RankInput
from sessionkit.core.inputs.rank_tally import people as rank_people
from sessionkit.core.inputs.sort import sorters
from sessionkit.core.state import SessionState
from sessionkit.core.timers import signal_on
from sessionkit.web.views import PUBLIC_VIEWER, Views, note_json
from sessionkit.web.windows import PAGE, RESULTS, THEME_NOTES, WINDOWED

JoinInfo = dict[str, Any]
"""``{"url": join URL or None, "open": joining is open, "code": short code or None}``."""


def room_view(views: Views, join: JoinInfo) -> dict[str, Any]:
    """The JSON the room page draws (``GET /room/{token}/api/state``)."""
    engine, state = views.engine, views.engine.state
    out = for_the_wall(views.build_public())
    out["seq"] = state.seq
    out["join"] = join
    timer = state.timer
    out["timer"] = (
        {
            "remaining": round(timer.remaining_at(engine.clock()), 1),
            "running": timer.running,
            "duration": timer.duration,
            # For the chime: which zero this is (the engine's clock; ``None``: not
            # running), so the page chimes once per zero, and whether it may.
            "zero_at": zero_at(state),
            "signal": signal_on(state),
        }
        if state.started and state.ended_at is None
        else None
    )
    if not state.started or state.ended_at is not None:
        return out
    _, step = engine.step_def()
    if step is None:  # a break or a talk
        return out
    key = state.step_key
    out["answered"] = answered(engine, key, step.input.kind)
    spec = groups.spec_at(engine.items, key)
    if spec is not None and step.input.kind in ("notes", "canvas"):
        out["groups"] = group_boards(engine, key)
    return out


WALL = PAGE
"""Entries of each list the room page shows. The wall is read from across the room, not
scrolled or searched, so a long list is cut, not paged: its first (the top results, the
newest notes) 100, as a phone's first page, and "and N more" after them; the facilitator
has the whole list on the laptop."""

THEME_CARDS = 300
"""Notes shown under the themes of a cluster step, shared out between them (at least
:data:`~sessionkit.web.windows.THEME_NOTES` each): a board of ten themes shows them
whole, one of 150 themes of 40 notes does not send 6,000 cards to a projector."""


def for_the_wall(view: dict[str, Any]) -> dict[str, Any]:
    """``view`` with each long list cut to :data:`WALL` and its length as
    ``<name>_total`` (a board's newest notes, and ``notes_total``, as the phones have
    it). Result rows and 2x2 groups name items by id, so they are given their texts
    first, from the whole lists."""
    texts = {
        str(i["id"]): i.get("text", "")
        for name in ("targets", "items")
        for i in view.get(name, ())
        if isinstance(i, dict) and "id" in i
    }
    results = view.get("results")
    if isinstance(results, dict):
        for name in RESULTS:
            rows = results.get(name)
            if isinstance(rows, list):  # (a row of an item the room may not see: none)
                named = [
                    dict(r, text=texts[r.get("item", r.get("target"))])
                    for r in rows
                    if r.get("item", r.get("target")) in texts
                ]
                results[name] = named[:WALL]
                results[f"{name}_total"] = len(named)
        for quadrant in results.get("quadrants", ()):
            quadrant["count"] = len(quadrant["items"])
            quadrant["texts"] = [texts.get(i, "") for i in quadrant["items"][:WALL]]
            quadrant["items"] = quadrant["items"][:WALL]
    board = view.get("input", {}).get("kind") in ("notes", "canvas")
    for name in WINDOWED:
        items = view.get(name)
        if not isinstance(items, list):
            continue
        if name == "notes" and board:  # the newest; notes_total is the board's size
            view[name] = items[-WALL:]
            continue
        view[name] = items[:WALL]
        view[f"{name}_total"] = len(items)
    themes = view.get("clusters")
    if isinstance(themes, list) and themes:
        each = max(THEME_NOTES, THEME_CARDS // len(themes))
        for theme in themes:
            theme["count"] = len(theme["notes"])
            theme["notes"] = theme["notes"][:each]
    return view


def zero_at(state: SessionState) -> float | None:
    """When the running countdown reaches zero, whether or not the signal is on: the
    page marks each zero, and chimes only for those :func:`~sessionkit.core.timers.
    time_up_at` would tell the room of (``timer.signal``)."""
    timer = state.timer
    if timer.running_since is None or state.ended_at is not None:
        return None
    return timer.running_since + timer.duration - timer.elapsed


VERBS = {
    "notes": "{people} of {of} have written",
    "canvas": "{people} of {of} have written",
    "vote": "{people} of {of} have voted",
    "rating": "{people} of {of} have rated",
    "sort": "{people} of {of} have sorted",
    "rank": "{people} of {of} have ranked",
    "scored": "{people} of {of} have scored",
    "words": "{people} of {of} have sent words",
    "questions": "{people} of {of} have asked",
    "actions": "{people} of {of} have added actions",
    "requests": "{people} of {of} have sent requests",
}
"""How the room is told who has answered, by input kind (no line for the others). The
page looks each up in the Welsh catalogue (static/strings/cy.json) by this English."""


def answered(engine: Engine, key: str, kind: str) -> dict[str, Any] | None:
    """``{"people", "of", "line", "says"}``: how many people in the session have answered this
    step, as the room sees it ("14 of 22 have voted"). Paper answers are the
    facilitator's and count as nobody here; names are never part of it."""
    verb = VERBS.get(kind)
    if verb is None:
        return None
    state = engine.state
    who: set[str] = set()
    if kind in ("notes", "canvas"):
        who = {n.author for n in state.notes_in(key)}
    elif kind == "vote":
        who = {pid for pid, ballot in state.votes.get(key, {}).items() if any(ballot.values())}
    elif kind == "rating":
        who = set(state.ratings.get(key, {}))
    elif kind == "words":
        who = {a.author for a in state.words.values() if a.step == key}
    elif kind == "questions":
        who = {q.author for q in state.questions.values() if q.step == key}
    elif kind == "actions":
        who = {a.author for a in state.actions.values() if a.step == key}
    elif kind == "requests":
        who = {r.author for r in state.requests.values() if r.step == key}
    people = {p.id for p in state.active_participants()}
    count = len(who & people)
    if kind == "sort":  # counted by the kind itself (paper sheets too)
        count = sorters(state, key)
    elif kind == "rank":
        spec = engine.spec_at(key)
        assert isinstance(spec, RankInput)
        count = rank_people(state, key, spec)
        verb = VERBS["rank" if spec.mode == "rank" else "scored"]
    total = len(people)
    line = verb.format(people=count, of=total)
    return {"people": count, "of": total, "line": line, "says": verb}


def group_boards(engine: Engine, key: str) -> list[dict[str, Any]]:
    """Each group of a grouped step with the notes the room may see: "Group A", how many
    are in it (never who, on any step: the wall is not the place for a register), its
    notes and its pick."""
    state = engine.state
    notes = read.visible_notes(state, engine.items, state.notes_in(key), PUBLIC_VIEWER)
    by_group: dict[str | None, list[dict[str, Any]]] = {}
    for note in notes:
        shown = note_json(note)
        if state.is_picked(note):
            shown["picked"] = True
        by_group.setdefault(note.group, []).append(shown)
    out = []
    for group in groups.current(state, key):
        size = len(groups.present(state, group))
        out.append(
            {
                "label": f"Group {group.label}",
                "group": group.label,  # for the page to say "Group A" in its language
                "size": size,
                "notes": by_group.pop(group.id, []),
            }
        )
    # Notes of groups a re-forming retired, and the facilitator's paper notes.
    loose = [n for ns in by_group.values() for n in ns]
    if loose:
        out.append({"label": "Other notes", "group": None, "size": None, "notes": loose})
    return out


__all__ = ["answered", "for_the_wall", "group_boards", "room_view"]
