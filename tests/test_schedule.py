"""A plan run at another time or on another day than it was planned for.

The rule and the arithmetic are core (``sessionkit.core.schedule``), tested here with
given datetimes; then the app, on a fake clock: it says so once, and its title bar
forecasts from when the day began instead of calling the whole gap "behind".
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from helpers.waiting import until
from sessionkit.core.engine import Engine
from sessionkit.core.schedule import SLACK_MINUTES, DaySchedule, forecast_day
from sessionkit.tui import SessionkitApp
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.widgets.panels import TitleBar

NINE_THIRTY = 9 * 60 + 30
DAY = dt.date(2026, 5, 7)


def at(hour: int, minute: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


# ---------------------------------------------------------------- the rule


def test_a_day_begun_near_its_time_on_its_date_is_not_shifted() -> None:
    for began in (at(9, 30), at(9, 0), at(10, 0), at(9, 45)):
        schedule = DaySchedule(NINE_THIRTY, DAY, began)
        assert not schedule.shifted and schedule.shift_minutes == 0
        assert schedule.notice() is None
    edge = at(9, 30) + dt.timedelta(minutes=SLACK_MINUTES)
    assert DaySchedule(NINE_THIRTY, None, edge).notice() is None
    assert DaySchedule(NINE_THIRTY, None, edge + dt.timedelta(minutes=1)).shifted


def test_a_day_begun_far_from_its_time_is_shifted_to_when_it_began() -> None:
    schedule = DaySchedule(NINE_THIRTY, None, at(20, 27))
    assert schedule.shifted and schedule.shift_minutes == 657
    assert schedule.notice() == (
        "Planned for 09:30; started at 20:27, so times are forecast from now."
    )
    early = DaySchedule(NINE_THIRTY, None, at(8, 59))
    assert early.shifted and early.shift_minutes == -31


def test_a_day_begun_on_another_date_is_shifted_even_at_its_time() -> None:
    schedule = DaySchedule(NINE_THIRTY, DAY, at(9, 30, dt.date(2026, 12, 2)))
    assert schedule.shifted and schedule.shift_minutes == 0  # same clock times, other day
    assert schedule.notice() == (
        "Planned for Thu 7 May 2026 09:30; started Wed 2 Dec 2026 09:30, "
        "so times are forecast from now."
    )


# ---------------------------------------------------------------- the forecast


def test_a_late_start_on_the_day_counts_as_behind() -> None:
    schedule = DaySchedule(NINE_THIRTY, DAY, at(9, 50))
    told = forecast_day(16 * 60, schedule, at(9, 50), remaining_minutes=6 * 60 + 30)
    assert told.finish == 16 * 60 + 20 and told.slip == 20


def test_a_shifted_day_is_forecast_from_when_it_began() -> None:
    """The 09:30 plan started at 20:27 (issue 9): on time, ending after midnight."""
    schedule = DaySchedule(NINE_THIRTY, None, at(20, 27))
    told = forecast_day(16 * 60, schedule, at(20, 27), remaining_minutes=6 * 60 + 30)
    assert told.slip == 0
    assert told.finish == 20 * 60 + 27 + 390  # 02:57 the next day, not 11 hours behind
    later = forecast_day(16 * 60, schedule, at(23, 40), remaining_minutes=3 * 60)
    assert later.slip == 23 * 60 + 40 + 180 - (20 * 60 + 27 + 390)


def test_past_midnight_the_forecast_counts_from_the_day_it_began() -> None:
    schedule = DaySchedule(NINE_THIRTY, None, at(20, 27))
    after_midnight = at(1, 0, DAY + dt.timedelta(days=1))
    told = forecast_day(16 * 60, schedule, after_midnight, remaining_minutes=60)
    assert told.finish == 24 * 60 + 60 + 60 and told.slip == told.finish - (16 * 60 + 657)


def test_seconds_do_not_make_a_day_begun_just_now_late() -> None:
    began = at(20, 27) + dt.timedelta(seconds=50)
    schedule = DaySchedule(NINE_THIRTY, None, began)
    assert forecast_day(16 * 60, schedule, began, remaining_minutes=390).slip == 0


def test_an_ended_day_finished_when_it_ended() -> None:
    schedule = DaySchedule(NINE_THIRTY, DAY, at(9, 30))
    told = forecast_day(16 * 60, schedule, at(18, 0), remaining_minutes=99, ended=at(15, 45))
    assert told.finish == 15 * 60 + 45 and told.slip == -15


# ---------------------------------------------------------------- in the app


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch):
    """One time zone, so "20:27" is 20:27 wherever the tests run."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _title(app: SessionkitApp) -> str:
    return str(app.screen.query_one(TitleBar).render())


def _told(app: SessionkitApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Not at the planned time"]


async def test_a_plan_started_hours_late_says_so_once_and_forecasts_from_now(utc) -> None:
    """The sample plan starts at 09:30 and runs 56 minutes; it is started at 20:27."""
    clock = Clock(dt.datetime(2026, 12, 2, 20, 27, tzinfo=dt.UTC).timestamp())
    engine = Engine(sample_plan(), sample_methods(), clock=clock)
    app = SessionkitApp(engine=engine)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("n")
        await until(lambda: _told(app), "the app to say the plan was for another time")
        assert _told(app) == [
            "Planned for 09:30; started at 20:27, so times are forecast from now."
        ]
        # Not "11 h behind", not "ends ≈10:26": the 56 minutes from 20:27.
        await until(lambda: "on time · ends ≈21:23" in _title(app), "the forecast from now")
        clock.now += 5 * 60
        await pilot.press("n", "n")  # later steps: nothing more is said
        await until(lambda: "ends ≈21:23" in _title(app), "the title bar to catch up")
        assert len(_told(app)) == 1


async def test_a_plan_started_on_time_says_nothing_and_a_late_start_is_behind(utc) -> None:
    clock = Clock(dt.datetime(2026, 12, 2, 9, 40, tzinfo=dt.UTC).timestamp())
    engine = Engine(sample_plan(), sample_methods(), clock=clock)
    app = SessionkitApp(engine=engine)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("n")
        await until(lambda: "ends ≈" in _title(app), "the forecast")
        assert "10 min behind · ends ≈10:36 (plan 10:26)" in _title(app)
        assert _told(app) == []
