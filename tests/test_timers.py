"""core.timers: auto-start, the signal hook, and retiming the rest of the day."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import FakeClock, make_engine
from sessionkit.core import commands as c
from sessionkit.core.engine import Rejected
from sessionkit.core.schedule import DaySchedule, forecast_day
from sessionkit.core.timers import time_up_at


def test_retiming_the_rest_shares_the_minutes_and_later_countdowns_follow() -> None:
    engine = make_engine()
    engine.execute(c.StartSession())
    minutes = [item.minutes for item in engine.agenda.items]
    rest = sum(minutes[1:])
    engine.execute(c.RetimeRest(minutes=-rest // 2))
    shares = engine.state.retimed
    assert set(shares) == {str(i) for i in range(1, len(minutes))}
    assert all(45 <= share <= 55 for share in shares.values())
    engine.execute(c.NextStep())  # still item 0: its time is as planned
    assert engine.state.timer.duration == engine.agenda.items[0].steps[1].minutes * 60
    engine.execute(c.GoTo(item=1))  # the break, halved
    assert engine.state.timer.duration == pytest.approx(minutes[1] * 60 * shares["1"] / 100)
    with pytest.raises(Rejected, match="cannot lose"):
        engine.execute(c.RetimeRest(minutes=-10_000 // 10))
    engine.execute(c.GoTo(item=len(minutes) - 1))
    with pytest.raises(Rejected, match="nothing after this item"):
        engine.execute(c.RetimeRest(minutes=5))


def test_the_signal_hook_and_autostart_from_the_run() -> None:
    clock = FakeClock()
    engine = make_engine(clock=clock)
    engine.execute(c.StartSession())
    assert time_up_at(engine.state) is None  # not running
    engine.execute(c.SetTimers(autostart=True))
    engine.execute(c.NextStep())
    assert time_up_at(engine.state) == pytest.approx(clock() + engine.state.timer.duration)
    engine.execute(c.SetTimers(signal=False))
    assert time_up_at(engine.state) is None
    with pytest.raises(Rejected, match="Nothing to change"):
        engine.execute(c.SetTimers())


@pytest.mark.parametrize("seconds", [0, 29, 30, 31, 89, 90, 91, 150])
def test_the_finish_and_the_slip_never_disagree_by_a_minute(seconds: int) -> None:
    began = dt.datetime(2026, 12, 2, 9, 0)
    schedule = DaySchedule(9 * 60, None, began)
    told = forecast_day(17 * 60, schedule, began, 8 * 60 + seconds / 60)
    assert told.finish - 17 * 60 == told.slip
