"""A big board on the run screen: drawn a screenful at a time, kept up to date by events.

How fast it is lives in bench/board.py (docs/benchmarks.md); these tests check what
makes it fast: only the lines in view are drawn, and a change on the board (a note
moved, a phone's note, an undo) never lays the board out again from every note.
"""

from __future__ import annotations

import pytest

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.state import NEWCOMER
from sessionkit.tui import SessionkitApp
from sessionkit.tui.board_model import build
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.run import RunScreen
from sessionkit.tui.widgets.board import Board

NOTES = 3_000
SIZE = (100, 30)
JOIN = "http://192.168.1.20:8000/j/Zx81kQ"


def big_engine() -> Engine:
    engine = Engine(sample_plan(), sample_methods())
    engine.execute(c.StartSession())
    kinds = ("rose", "thorn", "bud")
    engine.execute_many(
        [(c.AddNote(text=f"note {i}", category=kinds[i % 3]), "facilitator") for i in range(NOTES)]
    )
    ids = list(engine.state.notes)
    engine.execute(c.GoTo(item=0, step=1))  # the clustering step
    engine.execute_many(
        [
            (c.CreateCluster(label=f"Theme {k}", notes=ids[k * 100 : (k + 1) * 100]), "facilitator")
            for k in range(NOTES // 200)  # half the notes in 15 clusters, half still loose
        ]
    )
    return engine


async def test_a_board_of_thousands_of_notes_draws_only_what_is_in_view(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[int] = []
    render_line = Board.render_line

    def counted(self: Board, y: int):  # type: ignore[no-untyped-def]
        drawn.append(y)
        return render_line(self, y)

    monkeypatch.setattr(Board, "render_line", counted)
    engine = big_engine()
    app = SessionkitApp(engine=engine, join_url=JOIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.screen.query_one(Board)
        assert len(board.rows) == NOTES + 16  # every note and heading is on the board...
        assert board.virtual_size.height == len(board.rows)  # ...one line each
        height = board.scrollable_content_region.height
        assert drawn and max(drawn) < height  # ...but only the lines in view were drawn
        drawn.clear()
        await pilot.press("end")  # the last note: scrolled to, drawing one screenful
        await pilot.pause()
        assert board.current_row is board.rows[-1]
        assert 0 < len(set(drawn)) <= height


async def test_changes_on_a_big_board_are_followed_not_rebuilt() -> None:
    engine = big_engine()
    app = SessionkitApp(engine=engine, join_url=JOIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunScreen)
        board = screen.query_one(Board)
        laid_out = screen.live.rebuilt
        first = next(r.key for r in board.rows if r.kind == "section" and r.key)
        board.move_to_key("section", first)
        await pilot.press("down")
        moving = board.current_row.ref
        await pilot.press("right_square_bracket")  # to the next cluster: the cursor follows
        await pilot.pause()
        assert moving.cluster != first and board.current_row.ref is moving
        person = engine.execute(c.Join(name="Ann"), NEWCOMER).data["participant"]
        engine.execute(c.GoTo(item=0, step=0))
        engine.execute(c.AddNote(text="from a phone", category="bud"), person)
        engine.execute(c.GoTo(item=0, step=1))
        app.link.flush()
        await pilot.pause()
        assert any(r.kind == "note" and r.ref.text == "from a phone" for r in board.rows)
        await pilot.press("ctrl+z")  # the move undone
        await pilot.pause()
        assert moving.cluster == first
        assert screen.live.rebuilt == laid_out  # all of it followed from the events
        assert board.model == build(engine)
