"""The agenda and the planned-against-actual summary, as Content for the panels.

The numbers come from :mod:`sessionkit.tui.timing` (pure arithmetic on the engine's
state); this module only lays them out and styles them with the ``.timing--*`` classes
(:mod:`.agenda_view` draws them in the run screen's side panel).
"""

from __future__ import annotations

from textual.content import Content

from sessionkit.core.agenda import TimedItem, clock_text
from sessionkit.core.engine import Engine
from sessionkit.core.timeline import was_left
from sessionkit.tui.safe import one_line
from sessionkit.tui.timing import item_seconds, progress, slip_text, step_seconds
from sessionkit.tui.widgets.rows import fit


def summary(engine: Engine, now: float, *, lines: int = 1, compact: bool = False) -> Content:
    """Behind/ahead and the forecast finish against the plan (on one or two lines;
    ``compact``: without what is skipped and the planned finish, for a narrow line)."""
    p = progress(engine, now)
    planned = clock_text(p.day.finish)
    if p.forecast is None:
        return Content.styled(f"planned {clock_text(p.day.start)}–{planned}", ".timing--muted")
    style = ".timing--late" if p.slip > 0 else ".timing--early" if p.slip < 0 else ""
    which = f"day {p.day.index + 1} " if len(engine.agenda.days) > 1 else ""
    pace = slip_text(p.slip)
    if p.skipped and not compact:  # "33 min ahead" after jumping a 30-minute item
        pace += f" ({p.skipped} min skipped)"
    parts = [
        Content.styled(pace, style),
        Content("\n" if lines > 1 else " · ") + Content(f"{which}ends ≈{clock_text(p.forecast)}"),
    ]
    if p.on_schedule and not compact:
        parts.append(Content.styled(f" (plan {planned})", ".timing--muted"))
    if p.over_end > 0:
        parts.append(
            Content.styled(f" {p.over_end} min past {clock_text(p.day.end)}!", ".timing--late")
        )
    return Content.assemble(*parts)


def _item_line(engine: Engine, item: TimedItem, now: float, width: int) -> Content:
    state = engine.state
    current = state.started and item.index == state.item and state.ended_at is None
    visited = str(item.index) in state.items
    spent = item_seconds(engine, item.index, now) / 60
    if current:
        marker, style = "▶", "bold"
        right = Content.styled(
            f"{spent:.0f}/{item.minutes}m", ".timing--late" if spent > item.minutes else ""
        )
    elif was_left(state, item.index, len(item.steps)):  # gone elsewhere before its end
        marker, style = "»", ""
        right = Content.styled("left", ".timing--late")
    elif visited:
        delta = round(spent - item.minutes)
        marker, style = "✓", ".timing--done"
        right = Content.styled(f"{item.minutes}m", ".timing--muted") + Content.styled(
            f" {delta:+d}" if delta else "  0",
            ".timing--late" if delta > 0 else ".timing--early" if delta < 0 else ".timing--muted",
        )
    else:
        marker, style = " ", "" if item.kind in ("method", "talk") else ".timing--muted"
        right = Content.styled(f"{item.minutes}m", ".timing--muted")
    left = Content.assemble(
        f"{marker} ", Content.styled(clock_text(item.start), ".timing--muted"), " "
    )
    title_width = width - left.cell_length - right.cell_length - 1
    return left + fit(one_line(item.title, style), title_width) + " " + right


def agenda_content(engine: Engine, now: float, width: int) -> Content:
    """The whole agenda: days, items (planned and actual), the current item's steps."""
    lines, _ = agenda_lines(engine, now, width)
    return Content("\n").join(lines)


def agenda_lines(
    engine: Engine, now: float, width: int, cursor: int | None = None
) -> tuple[list[Content], list[int | None]]:
    """The agenda's lines, and for each the index of the agenda item it belongs to
    (``None`` for a day's heading, a blank line or the summary), so a click on a line
    knows where to go. The item ``cursor`` names is drawn highlighted."""
    state = engine.state
    lines: list[Content] = []
    owners: list[int | None] = []
    width = max(width, 20)
    for day in engine.agenda.days:
        if len(engine.agenda.days) > 1 or day.title:
            title = f"Day {day.index + 1}"
            if day.date:
                title += f" · {day.date:%a %d %b}"
            head = Content.styled(title, "bold")
            if day.title:
                head += Content(" · ") + one_line(day.title)
            lines.append(fit(head, width))
            owners.append(None)
        owners.append(None)
        lines.append(
            Content.styled(
                f"{clock_text(day.start)}–{clock_text(day.end)} "
                f"· planned to {clock_text(day.finish)}",
                ".timing--muted",
            )
        )
        for item in day.items:
            line = _item_line(engine, item, now, width)
            lines.append(line.stylize("reverse") if item.index == cursor else line)
            owners.append(item.index)
            if state.started and item.index == state.item and item.steps:
                for n, timed in enumerate(item.steps):
                    key = f"{item.index}.{n}"
                    here = n == state.step and state.ended_at is None
                    spent = step_seconds(engine, key, now) / 60
                    mark = "›" if here else " "
                    right = f"{spent:.0f}/{timed.minutes}m" if here else f"{timed.minutes}m"
                    label = one_line(timed.step.title, "bold" if here else ".timing--muted")
                    lines.append(
                        Content(f"    {mark} ")
                        + fit(label, width - 7 - len(right))
                        + Content.styled(" " + right, ".timing--muted")
                    )
                    owners.append(item.index)
        lines.append(Content(""))
        owners.append(None)
    if state.started:
        for line in summary(engine, now, lines=2).split("\n"):
            lines.append(line)
            owners.append(None)
    return lines, owners
