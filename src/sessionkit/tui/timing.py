"""Planned against actual: how the run is doing against its agenda, in words and Content.

"Behind" is measured against the plan's own durations, not the clock: minutes spent beyond
their plan on finished items (and on the current one, once it overruns), minus minutes
saved. A plan rehearsed at 3 pm is therefore not "5 hours behind" its 09:30 start. The
forecast finish is the clock now plus what is left of the current item and the planned
minutes of the rest of the day.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual.content import Content

from sessionkit.core.agenda import TimedDay, TimedItem, clock_text
from sessionkit.core.engine import Engine
from sessionkit.tui.safe import one_line
from sessionkit.tui.widgets.rows import fit


def minutes_of_day(timestamp: float) -> int:
    local = time.localtime(timestamp)
    return local.tm_hour * 60 + local.tm_min


def clock_of(timestamp: float) -> str:
    return clock_text(minutes_of_day(timestamp))


def item_seconds(engine: Engine, index: int, now: float) -> float:
    """Seconds actually spent on agenda item ``index`` so far (all visits)."""
    state = engine.state
    span = state.items.get(str(index))
    seconds = span.seconds if span else 0.0
    if (index == state.item and state.started and state.ended_at is None
            and state.cursor_since is not None):
        seconds += max(0.0, now - state.cursor_since)
    return seconds


def step_seconds(engine: Engine, key: str, now: float) -> float:
    state = engine.state
    span = state.step_spans.get(key)
    seconds = span.seconds if span else 0.0
    if key == state.step_key and state.started and state.ended_at is None \
            and state.cursor_since is not None:
        seconds += max(0.0, now - state.cursor_since)
    return seconds


SCHEDULE_SLACK = 90
"""Minutes from its planned start within which a day counts as run on schedule."""


@dataclass(frozen=True)
class Progress:
    day: TimedDay
    slip: int
    """Minutes behind the plan (negative: ahead)."""
    forecast: int | None
    """Forecast finish of the day, minutes after midnight (None before the start)."""
    on_schedule: bool = True
    """The day started near its planned time. A rehearsal at 3 pm of a 09:30 plan did
    not: comparing its clock with the plan's would only say "5 hours late"."""

    @property
    def over_end(self) -> int:
        if self.forecast is None or not self.on_schedule:
            return 0
        return self.forecast - self.day.end


def progress(engine: Engine, now: float) -> Progress:
    state = engine.state
    current = engine.items[state.item] if engine.items else None
    day = engine.agenda.days[current.day if current else 0]
    if not state.started or current is None:
        return Progress(day, 0, None)
    slip = 0.0
    remaining = 0.0
    for item in day.items:
        planned = item.minutes * 60
        if item.index < current.index:
            visited = str(item.index) in state.items
            slip += (item_seconds(engine, item.index, now) - planned) if visited else -planned
        elif item.index == current.index:
            spent = item_seconds(engine, item.index, now)
            slip += max(0.0, spent - planned)
            remaining += max(0.0, planned - spent)
        else:
            remaining += planned
    first = state.items.get(str(day.items[0].index)) if day.items else None
    began = first.started_at if first and first.started_at else now
    on_schedule = abs(minutes_of_day(began) - day.start) <= SCHEDULE_SLACK
    if state.ended_at is not None:
        return Progress(day, round(slip / 60), minutes_of_day(state.ended_at), on_schedule)
    return Progress(day, round(slip / 60), minutes_of_day(now) + round(remaining / 60),
                    on_schedule)


def slip_text(minutes: int) -> str:
    if minutes > 0:
        return f"{minutes} min behind"
    if minutes < 0:
        return f"{-minutes} min ahead"
    return "on time"


def summary(engine: Engine, now: float, *, lines: int = 1) -> Content:
    """Behind/ahead and the forecast finish against the plan (on one or two lines)."""
    p = progress(engine, now)
    planned = clock_text(p.day.finish)
    if p.forecast is None:
        return Content.styled(f"planned {clock_text(p.day.start)}–{planned}", ".timing--muted")
    style = ".timing--late" if p.slip > 0 else ".timing--early" if p.slip < 0 else ""
    which = f"day {p.day.index + 1} " if len(engine.agenda.days) > 1 else ""
    parts = [Content.styled(slip_text(p.slip), style),
             Content("\n" if lines > 1 else " · ")
             + Content(f"{which}ends ≈{clock_text(p.forecast)}")]
    if p.on_schedule:
        parts.append(Content.styled(f" (plan {planned})", ".timing--muted"))
    if p.over_end > 0:
        parts.append(Content.styled(f" {p.over_end} min past {clock_text(p.day.end)}!",
                                    ".timing--late"))
    return Content.assemble(*parts)


def _item_line(engine: Engine, item: TimedItem, now: float, width: int) -> Content:
    state = engine.state
    current = state.started and item.index == state.item and state.ended_at is None
    visited = str(item.index) in state.items
    spent = item_seconds(engine, item.index, now) / 60
    if current:
        marker, style = "▶", "bold"
        right = Content.styled(f"{spent:.0f}/{item.minutes}m", ".timing--late"
                               if spent > item.minutes else "")
    elif visited:
        delta = round(spent - item.minutes)
        marker, style = "✓", ".timing--done"
        right = Content.styled(f"{item.minutes}m", ".timing--muted") + Content.styled(
            f" {delta:+d}" if delta else "  0", ".timing--late" if delta > 0 else
            ".timing--early" if delta < 0 else ".timing--muted")
    else:
        marker, style = " ", "" if item.kind == "method" else ".timing--muted"
        right = Content.styled(f"{item.minutes}m", ".timing--muted")
    left = Content.assemble(f"{marker} ", Content.styled(clock_text(item.start), ".timing--muted"),
                            " ")
    title_width = width - left.cell_length - right.cell_length - 1
    return left + fit(one_line(item.title, style), title_width) + " " + right


def agenda_content(engine: Engine, now: float, width: int) -> Content:
    """The whole agenda: days, items (planned and actual), the current item's steps."""
    state = engine.state
    lines: list[Content] = []
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
        lines.append(Content.styled(
            f"{clock_text(day.start)}–{clock_text(day.end)} · planned to {clock_text(day.finish)}",
            ".timing--muted"))
        for item in day.items:
            lines.append(_item_line(engine, item, now, width))
            if state.started and item.index == state.item and item.steps:
                for n, timed in enumerate(item.steps):
                    key = f"{item.index}.{n}"
                    here = n == state.step and state.ended_at is None
                    spent = step_seconds(engine, key, now) / 60
                    mark = "›" if here else " "
                    right = f"{spent:.0f}/{timed.minutes}m" if here else f"{timed.minutes}m"
                    label = one_line(timed.step.title, "bold" if here else ".timing--muted")
                    lines.append(Content(f"    {mark} ") + fit(label, width - 7 - len(right))
                                 + Content.styled(" " + right, ".timing--muted"))
        lines.append(Content(""))
    if state.started:
        lines.append(summary(engine, now, lines=2))
    return Content("\n").join(lines)
