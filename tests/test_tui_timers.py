"""Timers that signal, the day's pace, and the end of a session, driven through Pilot.

Auto-start (per plan, per run, toggled with A), the signal at zero (the bell once, the
countdown flashing, b silencing both; ``time_up_at`` for a room page), the header
counting a running overrun, retiming the rest of the day (T), and what the screen
says after "End session" (n asks before reopening).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Iterator

import pytest

from helpers.waiting import until
from sessionkit.cli.run import build_session
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.timers import time_up_at
from sessionkit.tui import SessionkitApp
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.modals import Confirm, TextPrompt
from sessionkit.tui.screens.run import RunScreen
from sessionkit.tui.widgets.keybar import KeyBar
from sessionkit.tui.widgets.panels import Countdown, TitleBar

SIZE = (120, 30)
JOIN = "http://192.168.1.20:8000/j/Zx81kQ"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so the planned 09:30 is 09:30 on the fake clock."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def at(hour: int, minute: int) -> float:
    return dt.datetime(2026, 12, 2, hour, minute, tzinfo=dt.UTC).timestamp()


def engine_with(clock: Clock, *, autostart: bool = False) -> Engine:
    plan = sample_plan()
    if autostart:
        plan = plan.model_copy(update={"timer_autostart": True})
    return Engine(plan, sample_methods(), clock=clock)


def title(app: SessionkitApp) -> str:
    return app.screen.query_one(TitleBar).render().plain


def status(app: SessionkitApp) -> str:
    return app.screen.query_one("#timer-status").render().plain


def said(app: SessionkitApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_plan_can_start_each_steps_timer_and_a_key_turns_it_off() -> None:
    clock = Clock(at(9, 30))
    engine = engine_with(clock, autostart=True)
    app = SessionkitApp(engine=engine, join_url=JOIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert engine.state.timer.running  # started with the step, no space needed
        await pilot.press("n")
        assert engine.state.timer.running and engine.state.step_key == "0.1"
        await pilot.press("A")  # this run: no more auto-start
        assert "Countdowns wait for space again." in said(app)
        await pilot.press("n")
        assert not engine.state.timer.running
        await pilot.press("A", "n")
        assert engine.state.timer.running  # on again, for the break
        assert "Each step's countdown now starts with the step." in said(app)


def test_sessionkit_run_start_timers_keeps_it_in_the_runs_plan() -> None:
    engine = build_session(argparse.Namespace(sample=True, plan=None, start_timers=True))
    assert engine.plan.timer_autostart
    engine.execute(c.StartSession())
    assert engine.state.timer.running


async def test_zero_rings_once_flashes_and_can_be_silenced() -> None:
    clock = Clock(at(9, 30))
    engine = engine_with(clock, autostart=True)
    app = SessionkitApp(engine=engine, join_url=JOIN)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        countdown = app.screen.query_one(Countdown)
        due = time_up_at(engine.state)
        assert due == pytest.approx(clock.now + 8 * 60)  # the hook a room page chimes on
        clock.now = due + 0.1  # the bright half of the first flash
        await until(lambda: "-flash" in countdown.classes, "the countdown to flash")
        await until(lambda: bells, "the bell")
        clock.now = due + 0.6  # the dark half
        await until(lambda: "-flash" not in countdown.classes, "the flash to blink")
        clock.now = due + 1.1
        await until(lambda: "-flash" in countdown.classes, "the flash to come back")
        clock.now = due + 30  # after a while it stays red, and rang once
        await until(lambda: "-flash" not in countdown.classes, "the flashing to stop")
        assert "-overtime" in countdown.classes and len(bells) == 1

        await pilot.press("S")  # silenced: the next step's zero is quiet
        assert engine.state.timer_silenced and time_up_at(engine.state) is None
        assert "The time-up signal is off (b again)." in said(app)
        await pilot.press("n")
        assert "silent" in status(app)
        clock.now += 11 * 60
        await until(lambda: "TIME UP" in status(app), "time up, quietly")
        await pilot.pause()
        assert len(bells) == 1 and "-flash" not in countdown.classes
        await pilot.press("S")
        assert not engine.state.timer_silenced


async def test_the_header_counts_an_overrun_as_it_runs(utc: None) -> None:
    clock = Clock(at(9, 30))
    engine = engine_with(clock)
    app = SessionkitApp(engine=engine, join_url=JOIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "space")
        await until(lambda: "on time · ends ≈10:26" in title(app), "on time")
        clock.now += 8 * 60 + 3 * 60  # the first step (8 min) is 3 min over
        await until(lambda: "3 min behind · ends ≈10:29" in title(app), "3 min behind")
        clock.now += 60
        await until(lambda: "4 min behind" in title(app), "4 min behind, as it runs")
        assert "on time" not in title(app)


async def test_the_rest_of_the_day_can_be_shortened_and_shows_the_new_finish(utc: None) -> None:
    clock = Clock(at(9, 30))
    engine = engine_with(clock)
    app = SessionkitApp(engine=engine, join_url=JOIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.press("T")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("minus", "1", "0", "enter")
        assert isinstance(app.screen, RunScreen)
        assert any(m.startswith("The rest of the day is now") for m in said(app))
        assert "ends ≈10:16 (plan 10:26)" in said(app)[-1]
        await until(lambda: "10 min ahead · ends ≈10:16" in title(app), "the new finish")
        # a later step's countdown is shorter by the same share
        first_after = engine.state.retimed
        assert first_after and all(share < 100 for share in first_after.values())
        await pilot.press("ctrl+z")
        assert engine.state.retimed == {}
        assert "Undone: shortening the rest of the day. ctrl+y redoes it." in said(app)
        await pilot.press("T", *"soon", "enter")
        await until(lambda: any("is not a number of minutes" in m for m in said(app)), "why")


async def test_after_the_end_everything_says_so_and_n_asks_before_reopening() -> None:
    clock = Clock(at(9, 30))
    engine = engine_with(clock)
    app = SessionkitApp(engine=engine, join_url=JOIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "space")
        app._confirm_end()
        await pilot.pause()
        await pilot.press("y")
        await until(lambda: engine.state.ended_at is not None, "the end")
        await pilot.pause()
        assert "SESSION ENDED" in title(app)
        assert status(app) == "session ended"
        assert "-ended" in app.screen.query_one(Countdown).classes
        footer = app.screen.query_one(KeyBar).render().plain
        assert footer.startswith(" Session ended ") and "n Reopen" in footer

        await pilot.press("n")  # asks; n (no) keeps it ended
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        assert isinstance(app.screen, RunScreen) and engine.state.ended_at is not None
        await pilot.press("n")
        await pilot.press("y")
        await until(lambda: engine.state.ended_at is None, "reopened")
        assert engine.state.step_key == "0.1"
        assert "The session is open again." in said(app)
        await pilot.pause()
        assert "SESSION ENDED" not in title(app) and status(app) != "session ended"
