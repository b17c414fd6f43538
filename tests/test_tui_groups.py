"""1-2-4-All from the facilitator's keyboard: the board by group, paper notes for a
group, picking for a group, placing someone, re-forming, and one idea per four."""

from __future__ import annotations

from sessionkit.core import commands as c
from sessionkit.core import groups
from sessionkit.core.state import FACILITATOR
from sessionkit.tui.screens.modals import Confirm, NoteEntry, Picker
from sessionkit.tui.screens.run import RunScreen
from sessionkit.tui.widgets.panels import BoardInfo
from test_tui import board_of, board_text, join, make_app, note_rows, shown, type_text
from test_web_groups import one_two_four_all

SIZE = (100, 30)
PAIRS, FOURS, ALL = "0.1", "0.2", "0.3"


def sections(app) -> list[str]:
    return [r.ref[0].label for r in board_of(app).rows if r.kind == "section"]


def info(app) -> str:
    return app.screen.query_one(BoardInfo).render().plain


async def test_a_1_2_4_all_round_from_the_keyboard() -> None:
    engine = one_two_four_all()
    people = {name: join(engine, name) for name in ("Ana", "Bo", "Cy", "Di", "Ed")}
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")  # start: think alone, then pairs
        assert engine.state.step_key == PAIRS
        pairs = groups.current(engine.state, PAIRS)
        assert len(pairs) == 2
        assert [s.split(" · ")[0] for s in sections(app)] == ["Group A", "Group B"]
        assert "2 groups" in info(app)
        assert "5 people for groups of 2: 1 group of 3, 1 group of 2." in info(app)

        # A phone writes for its pair; the facilitator types a paper note for group B.
        engine.execute(c.AddNote(text="From a phone"), pairs[0].members[0])
        await shown(pilot, lambda: "From a phone" in note_rows(app), "the phone's note")
        await pilot.press("a")
        assert isinstance(app.screen, Picker)
        await type_text(pilot, "Group B")
        await pilot.press("enter")
        assert isinstance(app.screen, NoteEntry)
        assert "group B" in app.screen.title_text
        await type_text(pilot, "Written on paper")
        await pilot.press("enter", "escape")
        assert isinstance(app.screen, RunScreen)
        paper = next(n for n in engine.state.notes.values() if n.text == "Written on paper")
        assert paper.author == FACILITATOR and paper.group == pairs[1].id
        await pilot.pause()
        assert "Written on paper" in note_rows(app)

        # k on the paper note: group B's pick (k again takes it back, k once more picks).
        board = board_of(app)
        board.cursor = next(i for i, r in enumerate(board.rows) if r.key == paper.id)
        await pilot.press("k")
        assert engine.state.groups[pairs[1].id].picked == paper.id
        await pilot.press("k")
        assert engine.state.groups[pairs[1].id].picked is None
        await pilot.press("k")
        assert engine.state.groups[pairs[1].id].picked == paper.id

        # w places Ana in the other group.
        ana = people["Ana"]
        theirs = groups.group_of(engine.state, PAIRS, ana)
        assert theirs is not None
        other = next(g for g in pairs if g.id != theirs.id)
        await pilot.press("w")
        await type_text(pilot, "Ana")
        await pilot.press("enter")
        assert isinstance(app.screen, Picker)
        await type_text(pilot, f"Group {other.label}")
        await pilot.press("enter")
        assert groups.group_of(engine.state, PAIRS, ana) == engine.state.groups[other.id]

        # G re-forms (after a yes); nothing already written is lost.
        before = dict(engine.state.notes)
        await pilot.press("G")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        assert all(engine.state.groups[g.id].retired for g in pairs)
        assert set(engine.state.notes) == set(before)
        await pilot.pause()
        assert any("before re-forming" in s for s in sections(app))
        assert "Written on paper" in note_rows(app)

        # Fours: the pairs joined into one group of five, with a clear notice.
        await pilot.press("n")
        assert engine.state.step_key == FOURS
        (four,) = groups.current(engine.state, FOURS)
        assert "5 people for groups of 4: 1 group of 5." in info(app)
        # A late arrival: the four is already one over, so Fay starts group B (the next
        # arrival joins her) and the board shows it.
        late = join(engine, "Fay")
        placed = groups.group_of(engine.state, FOURS, late)
        assert placed is not None and placed.label == "B"
        await shown(pilot, lambda: "Group B · Fay" in sections(app), "Fay's new group")
        engine.execute(c.AddNote(text="One idea for the room"), four.members[0])
        engine.execute(c.AddNote(text="Another idea"), four.members[1])
        await shown(pilot, lambda: len(note_rows(app)) == 2, "the four's notes")
        board = board_of(app)
        board.cursor = next(
            i for i, r in enumerate(board.rows) if r.kind == "note" and r.ref.text.startswith("One")
        )
        await pilot.press("k")
        assert engine.state.groups[four.id].picked is not None

        # All: only the four's pick comes through to cluster.
        await pilot.press("n")
        assert engine.state.step_key == ALL
        await pilot.pause()
        assert note_rows(app) == ["One idea for the room"]


async def test_names_with_markup_are_shown_as_written_in_groups() -> None:
    engine = one_two_four_all()
    names = ["[@click=app.quit]x[/]", "unbalanced [/]", "[B]x[/B]", "Ann"]
    for name in names:
        join(engine, name)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        assert engine.state.step_key == PAIRS
        drawn = board_text(board_of(app))
        for name in names:
            assert name in drawn
        await pilot.press("w")  # the people and group pickers show them as text too
        assert isinstance(app.screen, Picker)
        await pilot.press("enter")
        assert isinstance(app.screen, Picker)
        await pilot.press("escape")
        assert isinstance(app.screen, RunScreen) and app.is_running
