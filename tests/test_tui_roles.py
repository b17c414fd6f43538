"""The facilitator sets someone's role and table from ``P`` (paper parity: for someone
who skipped it on the phone, or told the facilitator instead), through Textual's Pilot."""

from __future__ import annotations

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.plan import Plan
from sessionkit.core.state import NEWCOMER
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.modals import Confirm, Picker
from test_groups_by import grouped, plan
from test_tui import SIZE, FakeClock, join, make_app, squeezed, squeezed_screen


def engine_with_roles() -> Engine:
    plan = Plan.model_validate(
        {**sample_plan().model_dump(), "join_roles": ["Housing", "Health"], "tables": 3}
    )
    return Engine(plan, sample_methods(), clock=FakeClock())


async def test_p_sets_a_role_and_a_table_and_still_removes() -> None:
    engine = engine_with_roles()
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        ann = join(engine, "Ann [b]x[/b]")
        await pilot.press("P", "enter")  # Ann: what to do
        assert isinstance(app.screen, Picker)
        assert squeezed("Set role (now: Prefer not to say)") in squeezed_screen(app)
        await pilot.press("enter")  # set role
        assert isinstance(app.screen, Picker)
        await pilot.press("home", "down", "enter")  # Health (the picker starts on the current)
        await pilot.pause()
        assert engine.state.participants[ann].role == "Health"

        await pilot.press("P")
        assert squeezed("Ann [b]x[/b] · Health") in squeezed_screen(app)
        await pilot.press("enter", "down", "enter")  # set table
        await pilot.press("home", "down", "down", "enter")  # table 3
        await pilot.pause()
        assert engine.state.participants[ann].table == 3

        await pilot.press("P", "enter")
        await pilot.press("enter", "escape")  # set role, then changed their mind
        await pilot.pause()
        assert engine.state.participants[ann].role == "Health"

        await pilot.press("P", "enter", "down", "down", "enter")  # remove
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
        assert engine.state.participants[ann].removed


async def test_the_line_above_the_board_says_who_has_no_table() -> None:
    method = grouped("table")
    engine = Engine(plan(tables=4), {method.id: method}, clock=FakeClock())
    for table in (1, 1, 2, 2, None):
        engine.execute(c.Join(table=table), NEWCOMER)
    app = make_app(engine)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert squeezed("2 groups") in squeezed_screen(app)
        assert squeezed("1 person has no table number and joined the smallest groups") in (
            squeezed_screen(app)
        )
        assert squeezed("for groups of") not in squeezed_screen(app)
