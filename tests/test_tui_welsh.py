"""The room view (``v``) in the run's language: its own words and the method's Welsh,
Welsh and English together for cy+en, participants' text as written."""

from __future__ import annotations

import copy

import pytest

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import NEWCOMER
from sessionkit.tui import SessionkitApp
from sessionkit.tui.room_words import WELSH
from sessionkit.tui.screens.room import RoomScreen
from sessionkit.tui.widgets.panels import Panel
from sessionkit.tui.widgets.room_board import RoomBoard
from sessionkit.web.pages import welsh_catalogue
from test_tui import board_text
from test_web import METHOD, PLAN, MemoryJournal

OWN_TEXT = "Send"
"""A participant's note that is also one of the pages' words: never translated."""


def welsh_engine(private: bool = False) -> Engine:
    data = copy.deepcopy(METHOD)
    write = data["steps"][0]
    write["input"]["private"] = private
    write["cy"] = {"title": "Ysgrifennu", "prompt": "Beth aeth yn dda, beth nad aeth?"}
    return Engine(
        Plan.model_validate(PLAN), {"retro": Method.model_validate(data)}, journal=MemoryJournal()
    )


def heading(app: SessionkitApp) -> str:
    panel = app.screen.query_one("#room-step", Panel)
    shown = panel._shown
    return shown.plain if shown is not None else ""


async def test_a_welsh_run_shows_the_room_view_in_welsh() -> None:
    engine = welsh_engine(private=True)
    app = SessionkitApp(engine=engine, join_url="http://10.0.0.2:8765/j/tok", language="cy")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, RoomScreen)
        assert "Yn dechrau cyn bo hir" in heading(app)
        assert "Sganiwch y cod" in board_text(app.screen.query_one(RoomBoard))
        assert app.link is not None
        app.link.do(c.StartSession)
        await pilot.pause()
        assert "Ysgrifennu" in heading(app)
        assert "Beth aeth yn dda, beth nad aeth?" in heading(app)
        assert "Write" not in heading(app)
        board = board_text(app.screen.query_one(RoomBoard))
        assert "Bydd nodiadau'n ymddangos yma" in board


async def test_a_bilingual_room_view_shows_both_and_leaves_notes_as_written() -> None:
    engine = welsh_engine()
    app = SessionkitApp(engine=engine, join_url="http://10.0.0.2:8765/j/tok", language="cy+en")
    async with app.run_test(size=(100, 30)) as pilot:
        engine.execute(c.StartSession())
        who = engine.execute(c.Join(name="Ann"), NEWCOMER).data["participant"]
        engine.execute(c.AddNote(text=OWN_TEXT, category="rose"), who)
        await pilot.press("v")
        await pilot.pause()
        assert "Ysgrifennu / Write" in heading(app)
        board = board_text(app.screen.query_one(RoomBoard))
        assert OWN_TEXT in board
        assert welsh_catalogue()[OWN_TEXT] not in board


@pytest.mark.parametrize("english", sorted(WELSH))
def test_the_room_view_speaks_the_room_page_s_welsh(english: str) -> None:
    """Where the room page has the same words, the view has the same Welsh."""
    catalogue = welsh_catalogue()
    if english in catalogue:
        assert WELSH[english] == catalogue[english]
