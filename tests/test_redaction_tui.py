"""``X`` on the run screen: the reason dialog (safeguarding first), its yes, and what the
board, the detail panel and the room view show afterwards."""

from __future__ import annotations

import pytest

from factories import FakeClock
from helpers.waiting import until
from redaction_plan import ACT, ASK, JOT, NEEDS, SECRET, WORDS, every_text_engine, fill, go
from sessionkit.core.redaction import REMOVED_TEXT, reason_of
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.redact import ReasonDialog
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.panels import Detail
from sessionkit.tui.widgets.room_board import RoomBoard

JOIN = "http://127.0.0.1:1/j/test-token"


def text_of(board: Board | RoomBoard) -> str:
    board.render_lines(board.scrollable_content_region.reset_offset)
    return "\n".join(board.render_line(y).text for y in range(board.virtual_size.height))


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_x_asks_why_then_for_a_yes_and_the_note_shows_removed(size) -> None:
    engine = every_text_engine(clock=FakeClock())
    ids = fill(engine)
    go(engine, JOT)
    app = SessionkitApp(engine=engine, join_url=JOIN)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        board = app.screen.query_one(Board)
        board.move_to_key("note", ids["note"])
        await pilot.press("X")
        await until(lambda: isinstance(app.screen, ReasonDialog), "the reason dialog")
        dialog = app.screen
        shown = " ".join(str(s.render()) for s in dialog.query("Static"))
        assert "Remove this note's text? This can't be undone." in shown
        options = dialog.query_one("OptionList")
        assert [options.get_option_at_index(i).id for i in range(3)] == [
            "safeguarding",
            "personal-data",
            "other",
        ]
        await pilot.press("escape")  # keeps the text
        await until(lambda: not isinstance(app.screen, ReasonDialog), "the dialog closed")
        assert engine.state.notes[ids["note"]].text == SECRET

        await pilot.press("X")
        await until(lambda: isinstance(app.screen, ReasonDialog), "the reason dialog again")
        await pilot.press("enter")  # safeguarding, the first: now it asks for a yes
        await pilot.pause()
        assert engine.state.notes[ids["note"]].redacted is None
        await pilot.press("y")
        await until(lambda: reason_of(engine.state, ids["note"]) == "safeguarding", "removed")
        await pilot.pause()
        board = app.screen.query_one(Board)
        text = text_of(board)
        assert REMOVED_TEXT in text and text.count("Zanzibar") == 1  # the paper note's
        board.move_to_key("note", ids["note"])
        await pilot.pause()
        detail = app.screen.query_one(Detail).render().plain
        assert (
            REMOVED_TEXT in detail
            and "removed for: Safeguarding · Rose" in detail
            and ids["note"] not in detail
        )

        await pilot.press("X")  # twice: nothing to do, and it says so
        await until(lambda: any("already removed" in n.message for n in app._notifications), "told")
        assert not isinstance(app.screen, ReasonDialog)

        await pilot.press("v")
        await pilot.pause()
        room = text_of(app.screen.query_one(RoomBoard))
        assert "[removed by the" in room and room.count("Zanzibar") == 1  # cards wrap


@pytest.mark.parametrize(
    ("where", "row", "item", "reason", "downs"),
    [
        (WORDS, "word", "word", "personal-data", 1),
        (ASK, "question", "question", "other", 2),
        (ACT, "action", "action", "safeguarding", 0),
        (NEEDS, "request", "request", "other", 2),
    ],
)
async def test_x_works_on_words_questions_actions_and_requests(
    where, row, item, reason, downs
) -> None:
    engine = every_text_engine(clock=FakeClock())
    ids = fill(engine)
    go(engine, where)
    app = SessionkitApp(engine=engine, join_url=JOIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen.query_one(Board)
        key = "zanzibar-7731" if row == "word" else ids[item]
        board.move_to_key(row, key)
        await pilot.press("X")
        await until(lambda: isinstance(app.screen, ReasonDialog), "the reason dialog")
        await pilot.press(*["down"] * downs, "enter", "y")
        await until(lambda: reason_of(engine.state, ids[item]) == reason, "removed")
        await pilot.pause()
        board = app.screen.query_one(Board)
        text = text_of(board)
        assert REMOVED_TEXT in text and "zanzibar" not in text.casefold()
        board.move_to_key(row, REMOVED_TEXT if row == "word" else ids[item])
        await pilot.pause()
        detail = app.screen.query_one(Detail).render().plain
        assert "text removed by the facilitator · reason: " in detail
        if row == "word":
            assert reason_of(engine.state, ids["word2"]) == reason  # the same word went too
