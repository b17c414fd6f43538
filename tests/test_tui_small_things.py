"""Issue 17's small things, in the TUI through Pilot: the help screen's headings and key
names, merging with one cluster, no internal ids in dialogs and rows, editing a long
note, the detail pane, what x does, and the theme kept across runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import TextArea

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.store.settings import ThemeSetting
from sessionkit.tui.keys import RUN_KEYS
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.modals import HelpScreen, NoteEditor, Notice, Picker, TextPrompt
from sessionkit.tui.screens.run import RunScreen
from sessionkit.tui.widgets.key_list import KEY_WIDTH, KeyList
from sessionkit.tui.widgets.panels import Detail
from test_tui import SIZE, FakeClock, board_of, board_text, goto, join, make_app, type_text
from test_tui_groups import PAIRS
from test_web_groups import one_two_four_all

LONG = " ".join(f"word{n}" for n in range(70)) + " the end"  # about 480 characters
INTERNAL_ID = re.compile(r"\b[ncp]\d+\b")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def engine(clock: FakeClock) -> Engine:
    return Engine(sample_plan(), sample_methods(), clock=clock)


def started(engine: Engine, *texts: str) -> Engine:
    """The session started, with these notes on the first (notes) step."""
    engine.execute(c.StartSession())
    for text in texts:
        engine.execute(c.AddNote(text=text, category="rose"))
    return engine


def key_rows(help_screen: HelpScreen) -> list[tuple[str, str]]:
    """The help screen's keys with their whole sentences, however they are wrapped."""
    rows = help_screen.query_one("#help-text", KeyList).rows
    return [row for row in rows if isinstance(row, tuple)]


def focus_note(app, text: str) -> None:
    board = board_of(app)
    board.cursor = next(
        i for i, r in enumerate(board.rows) if r.kind == "note" and r.ref.text == text
    )


async def test_the_help_screen_shows_each_heading_once_and_square_brackets_as_typed(
    engine: Engine,
) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = app.screen.query_one("#help-text").render().plain.splitlines()
        groups = {key.group for key in RUN_KEYS}
        headings = [line for line in lines if line in groups]
        assert sorted(headings) == sorted(groups)  # each once
        moves = [line for line in lines if "previous cluster" in line]
        assert [line.split()[0] for line in moves] == ["["]
        assert not any("[ ]" in line for line in lines)
        nexts = [line for line in lines if "next cluster" in line]
        assert [line.split()[0] for line in nexts] == ["]"]
        select = next(say for _, say in key_rows(app.screen) if "Select or unselect" in say)
        assert "move the cursor to the next one" in select  # x says that it moves


async def test_x_selects_and_moves_on_a_click_selects_in_place(engine: Engine) -> None:
    started(engine, "one", "two")
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "0.1")
        focus_note(app, "one")
        await pilot.press("x")
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert {engine.state.notes[i].text for i in screen.selected} == {"one"}
        assert board_of(app).current_row.ref.text == "two"  # as the help says


async def test_merging_with_only_one_cluster_says_there_is_no_other(engine: Engine) -> None:
    started(engine, "Alone")
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "0.1")
        focus_note(app, "Alone")
        await pilot.press("g")
        await type_text(pilot, "Only theme")
        await pilot.press("enter")
        await pilot.press("m")
        assert isinstance(app.screen, Notice)
        assert app.screen.title_text == "Nothing to merge with"
        assert "“Only theme” is the only cluster" in app.screen.message
        await pilot.press("enter")
        assert isinstance(app.screen, RunScreen)


async def test_dialogs_and_rows_name_notes_and_clusters_by_their_words(engine: Engine) -> None:
    started(engine, LONG)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "0.0")
        assert not INTERNAL_ID.search(board_text(board_of(app)))
        await pilot.press("c")  # the kind picker
        assert isinstance(app.screen, Picker)
        assert (
            app.screen.title_text == "What kind of note is “word0 word1 word2 word3 word4 word5…”?"
        )
        await pilot.press("escape", "enter")
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.title_text.startswith("Edit the note “word0 word1")
        assert not INTERNAL_ID.search(app.screen.title_text)
        await pilot.press("escape")
        await goto(pilot, app, "0.1")
        focus_note(app, LONG)
        await pilot.press("g")
        await type_text(pilot, "Words")
        await pilot.press("enter")
        drawn = board_text(board_of(app))
        assert "Words" in drawn and not INTERNAL_ID.search(drawn)
        await pilot.press("r")
        assert isinstance(app.screen, TextPrompt)
        assert app.screen.title_text == "Rename the cluster “Words”"


async def test_the_place_picker_names_people_not_ids() -> None:
    engine = one_two_four_all()
    for name in ("Ana", "Ana", "Bo", "Cy"):
        join(engine, name)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        assert engine.state.step_key == PAIRS
        await pilot.press("w")
        assert isinstance(app.screen, Picker)
        labels = [label for _, label in app.screen.choices]
        assert not any(INTERNAL_ID.search(label) for label in labels)
        assert sum(label.startswith("Ana (joined ") for label in labels) == 2  # told apart
        assert any(label.startswith("Bo · group") for label in labels)


async def test_a_long_note_shows_whole_and_edits_in_a_box_with_the_cursor_at_the_end(
    engine: Engine,
) -> None:
    started(engine, LONG)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "0.0")
        await pilot.pause()
        detail = app.screen.query_one(Detail)
        assert "".join(detail.render().plain.split()).startswith("".join(LONG.split()))
        assert detail.size.height > 4  # wrapped over several lines, not cut to two
        await pilot.press("enter")
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        box = editor.query_one(TextArea)
        assert box.text == LONG and box.selection.is_empty
        assert box.cursor_location == box.document.end
        assert "enter or ctrl+s saves" in editor.HINT
        await type_text(pilot, "!")
        await pilot.press("enter")
        assert isinstance(app.screen, RunScreen)
        (note,) = engine.state.notes.values()
        assert note.text == LONG + "!"
        # too long: it says so and keeps what was typed
        await pilot.press("enter")
        await type_text(pilot, "x" * 30)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, NoteEditor)
        hint = app.screen.query_one(".dialog-hint").render().plain
        assert "a note holds 500 at most" in hint
        assert app.screen.query_one(TextArea).text.endswith("x" * 30)


# ------------------------------------------------------------------ the theme


async def test_the_chosen_theme_is_kept_for_the_next_run(engine: Engine, tmp_path: Path) -> None:
    config = tmp_path / "sessionkit" / "config.toml"
    app = make_app(engine, theme_store=ThemeSetting(config))
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-light"  # what ctrl+p "Change theme" sets
        await pilot.pause()
    assert 'theme = "textual-light"' in config.read_text()

    again = make_app(Engine(sample_plan(), sample_methods()), theme_store=ThemeSetting(config))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


async def test_a_bad_theme_setting_is_told_and_ignored(engine: Engine, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('method_dirs = ["m"]\ntheme = "no-such-theme"\n')
    app = make_app(engine, theme_store=ThemeSetting(config))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        told = [n.message for n in app._notifications]
        assert any(f"{config} line 2: there is no theme 'no-such-theme'" in m for m in told)
        assert isinstance(app.screen, RunScreen)

    config.write_text("theme = [unclosed\n")
    app = make_app(Engine(sample_plan(), sample_methods()), theme_store=ThemeSetting(config))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("is not valid TOML" in n.message for n in app._notifications)
        app.theme = "textual-light"
        await pilot.pause()
        assert any("The theme was not kept" in n.message for n in app._notifications)
    assert config.read_text() == "theme = [unclosed\n"  # never rewritten


async def test_a_long_key_sentence_wraps_under_itself_not_under_the_keys(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one("#help-text", KeyList)
        lines = keys.render().plain.splitlines()
        assert len(lines) > len(RUN_KEYS)  # at 80 columns some sentences take two lines
        assert max(len(line) for line in lines) <= keys.size.width
        headings = {key.group for key in RUN_KEYS}
        at = 2 + KEY_WIDTH + 2  # where every sentence starts: indent, key column, gap
        rows = [line for line in lines if line.strip() and line not in headings]
        rows = [line for line in rows if not line.startswith("ctrl+p")]
        continued = [line for line in rows if not line[:at].strip()]
        assert continued  # some sentence did wrap
        for line in rows:
            assert line[at - 2 : at] == "  " and line[at] != " ", line
        # and every sentence is all there, in order, over its lines
        text = " ".join(line[at:].strip() for line in rows)
        for key in RUN_KEYS:
            assert " ".join(key.help.split()) in text
