"""Planned against actual: how the run is doing against its agenda (the arithmetic).

"Behind" is measured against the plan's own durations, not the clock: minutes spent beyond
their plan on finished items (and on the current one, once it overruns), minus minutes
saved. A plan rehearsed at 3 pm is therefore not "5 hours behind" its 09:30 start. The
forecast finish is the clock now plus what is left of the current item and the planned
minutes of the rest of the day.

Pure: numbers and words from the engine's state, no Textual. The agenda and the summary
drawn from them as Content live beside the widgets that show them
(:mod:`sessionkit.tui.widgets.agenda`), so widgets can use this module and this module
needs nothing of theirs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sessionkit.core.agenda import TimedDay, clock_text
from sessionkit.core.engine import Engine


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
    if (
        index == state.item
        and state.started
        and state.ended_at is None
        and state.cursor_since is not None
    ):
        seconds += max(0.0, now - state.cursor_since)
    return seconds


def step_seconds(engine: Engine, key: str, now: float) -> float:
    state = engine.state
    span = state.step_spans.get(key)
    seconds = span.seconds if span else 0.0
    if (
        key == state.step_key
        and state.started
        and state.ended_at is None
        and state.cursor_since is not None
    ):
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
    return Progress(day, round(slip / 60), minutes_of_day(now) + round(remaining / 60), on_schedule)


def slip_text(minutes: int) -> str:
    if minutes > 0:
        return f"{minutes} min behind"
    if minutes < 0:
        return f"{-minutes} min ahead"
    return "on time"
