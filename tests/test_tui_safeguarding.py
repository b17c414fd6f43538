"""The safeguarding screen (``!``) and the notice for a run with no lead, through Pilot."""

from __future__ import annotations

from textual.widgets import Input, Static

from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.safeguarding import NO_LEAD, Safeguarding, current
from sessionkit.tui import SessionkitApp
from sessionkit.tui.keys import RUN_KEYS
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.modals import HelpScreen
from sessionkit.tui.screens.run import RunScreen
from sessionkit.tui.screens.safeguarding import SafeguardingScreen
from sessionkit.tui.widgets.key_list import KeyList

SIZE = (80, 24)
PAYLOADS = ["[@click=app.quit]hi[/]", "unbalanced [/]", "[B]x[/B]", "[$primary]x"]


def engine_with(lead: Safeguarding | None = None) -> Engine:
    plan = sample_plan()
    if lead is not None:
        plan = plan.model_copy(update={"safeguarding": lead})
    return Engine(plan, sample_methods())


def notices(app: SessionkitApp) -> list[str]:
    return [n.message for n in app._notifications]


def guide_text(app: SessionkitApp) -> str:
    return str(app.screen.query_one("#care-guide", Static).render())


async def test_a_run_with_no_lead_says_so_once_calmly():
    app = SessionkitApp(engine=engine_with())
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        assert notices(app).count(NO_LEAD) == 1
        await pilot.press("n")
        await pilot.pause()
        assert notices(app).count(NO_LEAD) == 1


async def test_a_run_whose_plan_names_a_lead_is_quiet():
    app = SessionkitApp(engine=engine_with(Safeguarding(lead="Sam Jones")))
    async with app.run_test(size=SIZE):
        await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        assert NO_LEAD not in notices(app)


async def test_the_screen_gives_both_paths_and_names_the_lead():
    lead = Safeguarding(lead="Sam Jones", contact="blue lanyard", procedure="Wales Procedures")
    engine = engine_with(lead)
    app = SessionkitApp(engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        await pilot.press("exclamation_mark")
        await until(lambda: isinstance(app.screen, SafeguardingScreen), "SafeguardingScreen on top")
        text = guide_text(app)
        for words in (
            "immediate danger",
            "Call 999",
            "Tell the safeguarding lead now",
            "Tell Sam Jones · blue lanyard",
            "same day",
            "own words",
            "X on the note",
            "England: Care Act 2014, section 42",
            "Wales: Social Services and Well-being (Wales) Act 2014, Part 7",
            "Scotland: Adult Support and Protection (Scotland) Act 2007, Part 1",
            "This session: Wales Procedures",
        ):
            assert words in text, words
        assert app.screen.query_one("#care-lead", Input).value == "Sam Jones"
        await pilot.press("escape")  # closes, changing nothing
        await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        assert engine.state.safeguarding is None


async def test_the_facilitator_names_a_lead_and_it_is_journalled():
    engine = engine_with()
    app = SessionkitApp(engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        await pilot.press("exclamation_mark")
        await until(lambda: isinstance(app.screen, SafeguardingScreen), "SafeguardingScreen on top")
        assert "No safeguarding lead is named yet" in guide_text(app)
        assert app.focused is app.screen.query_one("#care-lead", Input)
        await pilot.press(*"Ali Khan", "tab", *"ext 4410", "enter")
        await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        lead = current(engine.plan.safeguarding, engine.state)
        assert (lead.lead, lead.contact) == ("Ali Khan", "ext 4410")
        assert [e.type for e in engine.history] == ["safeguarding_set"]
        assert NO_LEAD not in notices(app)  # no longer true, so no longer shown

        await pilot.press("exclamation_mark")  # and again: it is shown, and can be cleared
        await until(lambda: isinstance(app.screen, SafeguardingScreen), "SafeguardingScreen on top")
        assert "Tell Ali Khan · ext 4410" in guide_text(app)
        app.screen.query_one("#care-lead", Input).value = ""
        await pilot.press("ctrl+s")
        await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        assert current(engine.plan.safeguarding, engine.state) is None


async def test_markup_in_a_lead_is_shown_as_typed():
    engine = engine_with()
    app = SessionkitApp(engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        for payload in PAYLOADS:
            engine.execute(c.SetSafeguarding(lead=payload, contact=payload))
            await pilot.press("exclamation_mark")
            await until(
                lambda: isinstance(app.screen, SafeguardingScreen), "SafeguardingScreen on top"
            )
            assert f"Tell {payload} · {payload}" in guide_text(app)
            await pilot.press("escape")
            await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        assert app.is_running


async def test_the_key_is_listed_in_help():
    assert any(k.keys == "exclamation_mark" and k.shown_keys == "!" for k in RUN_KEYS)
    app = SessionkitApp(engine=engine_with())
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, RunScreen), "RunScreen on top")
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen), "HelpScreen on top")
        help_text = app.screen.query_one("#help-text", KeyList).render().plain
        assert "!  If someone may be at risk" in help_text
