"""Moving around the agenda in the TUI: a click on an item's row or enter on it goes
there (after asking), and the item left before its end is marked "left", not done."""

from __future__ import annotations

import re

import pytest

from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.timeline import was_left
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.modals import Confirm
from sessionkit.tui.screens.run import RunScreen
from sessionkit.tui.timing import progress
from sessionkit.tui.widgets.agenda import summary
from sessionkit.tui.widgets.agenda_view import AgendaView
from sessionkit.tui.widgets.panels import TitleBar
from test_tui import SIZE, FakeClock, make_app


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def engine(clock: FakeClock) -> Engine:
    return Engine(sample_plan(), sample_methods(), clock=clock)


def agenda_lines(app) -> list[str]:
    return app.screen.query_one(AgendaView).render().plain.splitlines()


def row_of(app, index: int) -> int:
    """The line of the agenda item ``index`` in the agenda panel."""
    return app.screen.query_one(AgendaView).owners.index(index)


async def test_enter_on_an_agenda_row_goes_there_and_marks_the_item_left(
    engine: Engine, clock: FakeClock
) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")  # the session starts at item 1, step 1 of 3
        assert engine.state.step_key == "0.0"
        await pilot.press("tab")
        agenda = app.screen.query_one(AgendaView)
        assert agenda.has_focus and agenda.cursor == 0
        await pilot.press("down", "down")  # past the break, to item 3
        assert agenda.cursor == 2
        clock.advance(300)
        await pilot.press("enter")
        assert isinstance(app.screen, Confirm)
        assert "marked left, not done: 1 of its 3 steps were run" in app.screen.detail
        await pilot.press("y")
        assert isinstance(app.screen, RunScreen)
        assert engine.state.step_key == "2.0"
        assert was_left(engine.state, 0, 3)
        first = agenda_lines(app)[row_of(app, 0)]
        assert first.startswith("»") and first.rstrip().endswith("left")
        assert "✓" not in first
        await pilot.press("tab")  # back to the board
        assert app.screen.query_one("#board").has_focus


async def test_a_click_on_an_agenda_row_goes_there(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.click(AgendaView, offset=(3, row_of(app, 3)))
        assert isinstance(app.screen, Confirm)
        assert app.screen.question.startswith("Go to 4.")
        await pilot.press("n")  # no: nothing moves
        assert engine.state.step_key == "0.0"
        await pilot.click(AgendaView, offset=(3, row_of(app, 3)))
        await pilot.press("y")
        assert engine.state.item == 3
        assert agenda_lines(app)[row_of(app, 3)].startswith("▶")
        # a click on where we are says so, and asks nothing
        await pilot.click(AgendaView, offset=(3, row_of(app, 3)))
        assert isinstance(app.screen, RunScreen)
        assert any("already" in n.message for n in app._notifications)


def test_an_item_jumped_past_is_said_to_be_skipped_not_only_counted_as_ahead(
    engine: Engine, clock: FakeClock
) -> None:
    engine.execute(c.StartSession())
    before = progress(engine, clock.now)
    assert before.skipped == 0 and "skipped" not in summary(engine, clock.now).plain
    engine.execute(c.GoTo(item=2))  # past the 10-minute break, never run
    now = progress(engine, clock.now)
    assert now.skipped == 10
    assert now.slip == before.slip - 10 - 23  # the day still ends that much sooner
    assert "min ahead (10 min skipped)" in summary(engine, clock.now).plain
    engine.execute(c.GoTo(item=1))  # the break is run after all: no longer skipped
    assert progress(engine, clock.now).skipped == 0


@pytest.mark.parametrize(
    ("size", "skipped_shown"), [((60, 24), False), ((80, 24), None), ((160, 50), True)]
)
async def test_the_title_bar_keeps_its_finish_whole_however_narrow(
    engine: Engine, size: tuple[int, int], skipped_shown: bool | None
) -> None:
    app = make_app(engine)
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        engine.execute(c.GoTo(item=2))
        bar = app.screen.query_one(TitleBar)
        await until(lambda: "ahead" in bar.render().plain, "the pace in the title bar")
        line = bar.render().plain.rstrip()
        assert len(line) <= size[0]
        assert re.search(r"ends ≈\d\d:\d\d$", line), line  # whole, at the end
        if skipped_shown is not None:  # too narrow for it, it gives way; else it is said
            assert ("(10 min skipped)" in line) is skipped_shown
