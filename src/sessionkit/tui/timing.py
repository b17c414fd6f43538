"""Planned against actual: how the run is doing against its agenda (the arithmetic).

The forecast finish is the clock now plus what is left of the current item and the
planned minutes of the rest of the day; "behind" is that against the plan's finish. A day
begun far from its planned time (a rehearsal at 8 pm of a 09:30 plan) has its plan moved
to when it began, so it is not "11 hours behind": :mod:`sessionkit.core.schedule` decides.

Pure: numbers and words from the engine's state, no Textual. The agenda and the summary
drawn from them as Content live beside the widgets that show them
(:mod:`sessionkit.tui.widgets.agenda`), so widgets can use this module and this module
needs nothing of theirs.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sessionkit.core.agenda import TimedDay, TimedItem, clock_text
from sessionkit.core.engine import Engine
from sessionkit.core.schedule import DaySchedule, forecast_day
from sessionkit.core.timers import item_share


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


@dataclass(frozen=True)
class Progress:
    day: TimedDay
    slip: int
    """Minutes behind the plan (negative: ahead)."""
    forecast: int | None
    """Forecast finish of the day, minutes after midnight of the day it began (None
    before the start)."""
    on_schedule: bool = True
    """The day began near its planned time, on its date. A rehearsal at 8 pm of a 09:30
    plan did not: its plan is moved to when it began (see :mod:`sessionkit.core.schedule`)."""
    skipped: int = 0
    """Planned minutes of the items before the current one that were never run: the
    facilitator jumped past them. They make the day end sooner, so they count as ahead;
    this says how much of "ahead" is that, not pace."""

    @property
    def over_end(self) -> int:
        """Minutes past the day's end the run will go because it is behind (a plan that
        itself runs past its end is the plan check's to say: "on time" here means it)."""
        if self.forecast is None or not self.on_schedule or self.slip <= 0:
            return 0
        return max(0, min(self.slip, self.forecast - self.day.end))


def day_schedule(engine: Engine, day: TimedDay) -> DaySchedule | None:
    """When ``day`` began against its plan: the first of its items run and that item's
    planned start (``None`` until one has started)."""
    begun = [
        (span.started_at, item.start)
        for item in day.items
        if (span := engine.state.items.get(str(item.index))) and span.started_at is not None
    ]
    if not begun:
        return None
    began, planned = min(begun)
    return DaySchedule(planned, day.date, local_datetime(began))


def local_datetime(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp)


def progress(engine: Engine, now: float) -> Progress:
    state = engine.state
    current = engine.items[state.item] if engine.items else None
    day = engine.agenda.days[current.day if current else 0]
    if not state.started or current is None:
        return Progress(day, 0, None)
    schedule = day_schedule(engine, day) or DaySchedule(
        current.start, day.date, local_datetime(now)
    )
    remaining = skipped = 0.0
    # What is left is timed for the people in the room now (steps that grow with the
    # room take longer for more); the plan's finish stays the one planned.
    room = engine.room_agenda()
    for item in (room.items[timed.index] for timed in day.items):
        if item.index == current.index:
            remaining += _left_of_current(engine, item, now)
        elif item.index > current.index:
            remaining += item.minutes * 60 * item_share(state, item.index)
        elif str(item.index) not in state.items:  # jumped past, never run
            skipped += item.minutes * 60 * item_share(state, item.index)
    ended = local_datetime(state.ended_at) if state.ended_at is not None else None
    told = forecast_day(day.finish, schedule, local_datetime(now), remaining / 60, ended)
    return Progress(day, told.slip, told.finish, not schedule.shifted, round(skipped / 60))


def _left_of_current(engine: Engine, item: TimedItem, now: float) -> float:
    """Seconds still to go in the current item. A step running over makes the day later
    as it runs over (what is left of its countdown, extensions included, and the later
    steps' time), not once the whole item has; time a step saved is counted once the
    item is over (the item's time left, whichever is more)."""
    state = engine.state
    share = item_share(state, item.index)
    left = max(0.0, item.minutes * 60 * share - item_seconds(engine, item.index, now))
    if not item.steps:
        return left
    here = max(0.0, state.timer.duration - step_seconds(engine, state.step_key, now))
    later = sum(step.minutes for step in item.steps[state.step + 1 :])
    return max(left, here + later * 60 * share)


def schedule_notice(engine: Engine) -> tuple[int | None, str | None]:
    """(the day on now, what to tell the facilitator about when it began, if anything)."""
    state = engine.state
    if not state.started or not engine.items:
        return None, None
    day = engine.agenda.days[engine.items[state.item].day]
    schedule = day_schedule(engine, day)
    return (day.index, schedule.notice()) if schedule else (None, None)


def slip_text(minutes: int) -> str:
    if minutes > 0:
        return f"{minutes} min behind"
    if minutes < 0:
        return f"{-minutes} min ahead"
    return "on time"
