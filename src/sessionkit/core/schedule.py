"""A day of the plan as it is run: at the time it was planned for, or moved to another.

A plan says when each day starts (and may say on which date). A rehearsal at 8 pm of a
09:30 plan, or last year's plan run again today, is still the same agenda, but its
clock times are not the ones printed in it: comparing the clock with the plan would only
say "11 hours behind". So a day that begins on another date than its own, or further than
:data:`SLACK_MINUTES` from its planned time, is *shifted*: the plan is moved to when it
began, and ahead/behind and the forecast finish are measured from there.

Either way "behind" is the forecast finish against the planned one (moved, if the day
is shifted): :func:`forecast_day`. So on a day begun on time, a late start counts
(starting 20 minutes late is 20 minutes behind, as the clock on the wall says), and on
any day a skipped item puts it ahead by its length.

Pure: given datetimes (local, naive), no clock of its own.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sessionkit.core.agenda import clock_text

SLACK_MINUTES = 30
"""How far from its planned start a day may begin and still count as run on time."""


@dataclass(frozen=True)
class DaySchedule:
    """When a day began against when it was planned to."""

    planned_start: int
    """Minutes after midnight the first item run that day was planned to start."""
    planned_date: dt.date | None
    """The day's date in the plan, if it has one."""
    began: dt.datetime
    """When that item actually started (local time)."""

    @property
    def late_minutes(self) -> float:
        """Minutes after its planned time of day that the day began (negative: early)."""
        began = self.began
        return began.hour * 60 + began.minute + began.second / 60 - self.planned_start

    @property
    def other_day(self) -> bool:
        return self.planned_date is not None and self.began.date() != self.planned_date

    @property
    def shifted(self) -> bool:
        """Run on another date, or too far from its time to compare the clock with it."""
        return self.other_day or abs(self.late_minutes) > SLACK_MINUTES

    @property
    def shift_minutes(self) -> float:
        """How far the plan's clock times move for this day (0 when it is run on time)."""
        return self.late_minutes if self.shifted else 0.0

    def notice(self) -> str | None:
        """What to tell the facilitator, once, when the day begins shifted."""
        if not self.shifted:
            return None
        planned = clock_text(self.planned_start)
        began = f"{self.began:%H:%M}"
        if self.other_day:
            assert self.planned_date is not None  # other_day says so
            planned = f"{_date(self.planned_date)} {planned}"
            began = f"{_date(self.began.date())} {began}"
        else:
            began = f"at {began}"
        return f"Planned for {planned}; started {began}, so times are forecast from now."


def _date(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b} {day:%Y}"


@dataclass(frozen=True)
class DayForecast:
    """When the day will end, against when its plan (moved, if shifted) says."""

    finish: int
    """Forecast finish: minutes after midnight of the day it began (past 24 h: the next)."""
    slip: int
    """Minutes behind the plan, moved with the day if it is shifted (negative: ahead)."""


def forecast_day(
    planned_finish: int,
    schedule: DaySchedule,
    now: dt.datetime,
    remaining_minutes: float,
    ended: dt.datetime | None = None,
) -> DayForecast:
    """The day's forecast finish: ``now`` plus the planned minutes still to go (or when it
    ``ended``), counted from midnight of the day it began so a rehearsal that runs past
    midnight is not 24 hours ahead."""
    midnight = dt.datetime.combine(schedule.began.date(), dt.time())
    at = ended if ended is not None else now
    finish = (at - midnight).total_seconds() / 60 + (0 if ended is not None else remaining_minutes)
    # Rounded once, at the end: a day shifted to 20:27:40 and on time is not "1 min behind".
    # Half a minute rounds up in both, so the finish and the slip never disagree by one.
    return DayForecast(
        math.floor(finish + 0.5), math.floor(finish - planned_finish - schedule.shift_minutes + 0.5)
    )
