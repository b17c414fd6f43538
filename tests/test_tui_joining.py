"""The facilitator's keys for people, through Textual's Pilot: J closes and reopens
joining, C makes a new join code (and shows it), P removes someone and lets them back in.
"""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.state import NEWCOMER
from sessionkit.tui.app import SessionCommands
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.modals import Confirm, Notice, Picker
from sessionkit.tui.screens.room import RoomScreen
from sessionkit.tui.screens.run import RunScreen
from test_tui import (
    JOIN,
    SIZE,
    FakeClock,
    make_app,
    notifications,
    squeezed,
    squeezed_screen,
)

NEW_JOIN = "http://192.168.1.20:8000/j/NewCode42"


@pytest.fixture
def engine() -> Engine:
    return Engine(sample_plan(), sample_methods(), clock=FakeClock())


async def on_screen(pilot, app) -> str:
    """What the screen shows once the last key's screen has been drawn."""
    await pilot.pause()
    return squeezed_screen(app)


async def in_dialog(pilot, app) -> str:
    """The words of the dialog on top, squeezed (a dialog wraps its lines between the
    borders, so the screen's rows would mix them with its frame)."""
    await pilot.pause()
    words = [str(widget.render()) for widget in app.screen.query(Static)]
    for options in app.screen.query(OptionList).results():
        words += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return squeezed(" ".join(words))


def join_from(engine: Engine, name: str, device: str) -> str:
    return engine.execute(c.Join(name=name, device=device), NEWCOMER).data["participant"]


async def test_j_closes_and_reopens_joining_and_says_so(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:  # short: the address docks on top
        await pilot.press("n")
        await pilot.press("J")
        assert not engine.state.joining_open
        assert any("Joining is closed" in n for n in notifications(app))
        await pilot.press("P")  # nobody yet: the title also says whether joining is open
        assert isinstance(app.screen, Picker)  # (it offers to count people on paper)
        assert squeezed("Joining is closed (J opens it)") in await in_dialog(pilot, app)
        await pilot.press("escape")

        await pilot.press("j")  # the room view shows that joining is closed, not the code
        assert isinstance(app.screen, RoomScreen)
        shown = await on_screen(pilot, app)
        assert squeezed("Joining is closed.") in shown and squeezed(JOIN) not in shown
        panel = app.screen.query_one("#room-join").region
        assert panel.height >= 1 and panel.right <= 80  # on screen, not squeezed to nothing
        await pilot.press("v")
        assert isinstance(app.screen, RunScreen)

        await pilot.press("J")
        assert engine.state.joining_open
        assert any("Joining is open" in n for n in notifications(app))
        await pilot.press("j")
        assert squeezed(JOIN) in await on_screen(pilot, app)


async def test_after_the_end_the_people_list_says_joining_closed_and_j_reopens(
    engine: Engine,
) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        join_from(engine, "Ann", "dev-a")
        engine.execute(c.EndSession())
        await pilot.pause()
        await pilot.press("P")
        assert isinstance(app.screen, Picker)
        shown = await in_dialog(pilot, app)
        assert squeezed("Joining closed when the session ended (J reopens it)") in shown
        await pilot.press("escape")
        await pilot.press("J")
        assert engine.state.joining_open
        engine.execute(c.Join(name="Late"), NEWCOMER)  # and so someone can


async def test_c_makes_a_new_join_code_and_shows_it_at_once(engine: Engine) -> None:
    made = []

    def new_join_code(for_engine: Engine) -> str:
        made.append(for_engine)
        return NEW_JOIN

    app = make_app(engine, new_join_code=new_join_code)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # changed their mind: nothing happens
        assert made == [] and app.join_url == JOIN
        await pilot.press("C", "y")
        await pilot.pause()
        assert made == [engine] and app.join_url == NEW_JOIN
        assert isinstance(app.screen, RoomScreen)
        shown = await on_screen(pilot, app)
        assert squeezed(NEW_JOIN) in shown and squeezed(JOIN) not in shown


async def test_a_join_code_that_cannot_be_kept_is_told_and_the_old_one_stays(
    engine: Engine,
) -> None:
    def new_join_code(for_engine: Engine) -> str:
        raise OSError(28, "No space left on device")

    app = make_app(engine, new_join_code=new_join_code)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C", "y")
        await pilot.pause()
        assert app.join_url == JOIN
        assert any(
            "No new join code" in n and "old one still works" in n for n in notifications(app)
        )


async def test_without_a_join_address_c_says_why(engine: Engine) -> None:
    app = make_app(engine, join_url=None, new_join_code=lambda e: NEW_JOIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        assert isinstance(app.screen, Notice)
        assert squeezed("no join code to replace") in await in_dialog(pilot, app)
        await pilot.press("escape")
        assert app.join_url is None


async def test_p_removes_someone_and_lets_them_back_in(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        ann = join_from(engine, "Ann", "dev-a")
        bo = join_from(engine, "Bo", "dev-b")
        join_from(engine, "[@click=app.quit]x[/] unbalanced [/]", "dev-c")  # shown as typed
        await pilot.press("P")
        shown = await in_dialog(pilot, app)
        assert squeezed("3 in · Joining is open") in shown
        assert squeezed("[@click=app.quit]x[/] unbalanced [/] · joined") in shown
        await pilot.press("down", "enter")  # Bo
        shown = await in_dialog(pilot, app)
        assert squeezed("cannot join again until you let them back in") in shown
        await pilot.press("y")
        assert engine.state.participants[bo].bans
        assert not engine.state.participants[ann].removed

        await pilot.press("P")
        shown = await in_dialog(pilot, app)
        assert squeezed("Bo · removed · enter lets them join again") in shown
        assert "p1" not in shown and "p2" not in shown  # no internal ids
        await pilot.press("down", "down", "enter")  # the removed are listed last
        assert isinstance(app.screen, Confirm)
        assert squeezed("Let Bo back in?") in await in_dialog(pilot, app)
        await pilot.press("y")
        assert engine.state.participants[bo].let_back_in
        assert engine.state.participants[bo].removed
        join_from(engine, "Bo", "dev-b")  # the same browser joins again


async def test_the_palette_offers_the_joining_keys(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        provider = SessionCommands(app.screen)
        labels = [text for text, *_ in provider._commands()]
        assert "Open/close joining" in labels and "New join code" in labels
