"""Layout at 80x24 and 160x50 (issue 17, item 7): text measured in cells as every terminal
draws it, cut only at a word with an ellipsis, "and 12 more" under the notes that do not
fit, labels of votes and ratings read whole, and a key bar that keeps ``v Room``."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len, get_character_cell_size
from textual.content import Content

from helpers.waiting import until
from sessionkit.tui.cells import ELLIPSIS, clip_words, steady
from sessionkit.tui.safe import literal, one_line
from sessionkit.tui.screens.room import RoomScreen
from sessionkit.tui.widgets.keybar import KeyBar
from sessionkit.tui.widgets.room_board import RoomBoard
from test_tui_layout_snapshots import (
    CLUSTERS,
    FILLER,
    LONG_PROMPT,
    NOTES,
    RATING_LABELS,
    app_for,
    rated,
    voted,
    workshop,
)

SIZES = [(80, 24), (160, 50)]
JOINED = ["👩‍⚕️ nurse", "👨‍👩‍👧 family", "🏳️‍🌈", "👍🏽 yes", "❤️ love", "1️⃣ first"]
AS_TYPED = ["図書館の開館時間", "cafe\u0301 nai\u0308ve", "plain words", "Ελληνικά", "ഇന്ത്യ"]


def drawn_width(text: str) -> int:
    """The cells a terminal that knows no grapheme clusters draws: one width per code
    point (wcwidth). A terminal that joins emoji draws what :func:`steady` leaves alike."""
    return sum(get_character_cell_size(ch) for ch in text)


@pytest.mark.parametrize("text", JOINED + AS_TYPED)
def test_steady_text_is_as_wide_for_rich_as_for_any_terminal(text: str) -> None:
    shown = steady(text)
    assert cell_len(shown) == drawn_width(shown) == Content(shown).cell_length


@pytest.mark.parametrize("text", JOINED)
def test_joined_emoji_are_drawn_unjoined_keeping_their_words(text: str) -> None:
    shown = steady(text)
    assert "\u200d" not in shown and "\ufe0f" not in shown
    assert shown[0] == text[0]  # the first emoji stays, and the words after it
    assert shown.split()[1:] == text.split()[1:]


@pytest.mark.parametrize("text", AS_TYPED)
def test_text_without_joined_emoji_is_left_as_typed(text: str) -> None:
    assert steady(text) == text


def test_participant_text_reaches_the_screen_unjoined() -> None:
    assert literal("👩‍⚕️ nurse").plain == one_line("👩‍⚕️\nnurse").plain == "👩⚕ nurse"


def test_clip_words_wraps_and_ends_after_a_whole_word() -> None:
    lines = clip_words(Content(LONG_PROMPT), 30, 2)
    assert len(lines) == 2
    assert all(line.cell_length <= 30 for line in lines)
    assert lines[-1].plain.endswith(ELLIPSIS)
    kept = " ".join(line.plain for line in lines).removesuffix(ELLIPSIS).rstrip()
    assert LONG_PROMPT.startswith(kept) and LONG_PROMPT[len(kept)] == " "


def test_clip_words_leaves_text_that_fits_and_cuts_a_word_longer_than_a_line() -> None:
    assert [line.plain for line in clip_words(Content("two words"), 30, 2)] == ["two words"]
    (line,) = clip_words(Content("Llanfairpwllgwyngyllgogerychwyrndrobwll"), 12, 1)
    assert line.plain == "Llanfairpwl" + ELLIPSIS
    assert clip_words(Content("x"), 0, 2) == []


def test_clip_words_measures_cells_not_characters() -> None:
    lines = clip_words(literal("図書館の 開館時間を もっと 長く"), 10, 2)
    assert all(line.cell_length <= 10 for line in lines)
    assert lines[-1].plain.endswith(ELLIPSIS)


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def assert_lines_align(app, width: int) -> None:
    """Every line of the screen is ``width`` cells as Rich measures it and as a terminal
    draws it: nothing slides right or leaves stray characters at the edge."""
    for line in screen_lines(app):
        assert cell_len(line) == drawn_width(line) == width, line


@pytest.mark.parametrize("size", SIZES)
async def test_the_room_says_how_many_notes_do_not_fit(size: tuple[int, int]) -> None:
    engine, _ = workshop(extra_notes=len(FILLER))
    app = app_for(engine)
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await until(lambda: isinstance(app.screen, RoomScreen), "the room view")
        await pilot.pause()
        assert_lines_align(app, size[0])
        board = app.screen.query_one(RoomBoard)
        last = board_lines(app)[-1].strip()
        total = len(NOTES) + len(FILLER)
        if size == (80, 24):  # one column of cards: the notes drawn whole are read in order
            shown = squeezed("".join(board_lines(app)[:-1]))
            whole = sum(squeezed(steady(text)) in shown for _, text in NOTES)
            assert whole > 0 and last == f"and {total - whole} more"
        else:  # all of them fit
            assert "more" not in last
            assert board.items == total
        assert_lines_align(app, size[0])


async def test_the_room_heading_wraps_the_question_and_ends_it_at_a_word() -> None:
    engine, _ = workshop()
    app = app_for(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        heading = str(app.screen.query_one("#room-step").render()).splitlines()
        assert len(heading) == 3
        prompt = " ".join(line.strip() for line in heading[1:])
        assert prompt.endswith(ELLIPSIS)
        kept = prompt.removesuffix(ELLIPSIS)
        assert LONG_PROMPT.startswith(kept) and LONG_PROMPT[len(kept)] == " "
    async with app_for(workshop()[0]).run_test(size=(160, 50)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        heading = str(pilot.app.screen.query_one("#room-step").render())
        assert " ".join(heading.split()[-4:]) == " ".join(LONG_PROMPT.split()[-4:])


@pytest.mark.parametrize("size", SIZES)
async def test_the_room_shows_vote_labels_whole(size: tuple[int, int]) -> None:
    engine, clock = workshop()
    voted(engine, clock)
    app = app_for(engine)
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await pilot.pause()
        shown = labels_read(app)
        for label, _ in CLUSTERS:
            words = steady(label).split()
            if size == (160, 50) or len(label) < 40:
                assert squeezed(label) in shown
            else:  # two lines, then cut after a whole word
                assert any(
                    squeezed(" ".join(words[:k])) + ELLIPSIS in shown for k in range(5, len(words))
                )
        assert_lines_align(app, size[0])


@pytest.mark.parametrize("size", SIZES)
async def test_the_room_shows_rating_labels_whole(size: tuple[int, int]) -> None:
    engine, clock = workshop()
    rated(engine, clock)
    app = app_for(engine)
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await pilot.pause()
        shown = labels_read(app)
        for label in RATING_LABELS:
            assert squeezed(label) in shown
        assert ELLIPSIS not in "".join(board_lines(app))
        assert_lines_align(app, size[0])


def squeezed(text: str) -> str:
    return "".join(steady(text).split())


def labels_read(app) -> str:
    """The board's words in reading order without its bars and counts: a label wrapped
    onto a second line reads on from its first."""
    text = "".join(board_lines(app))
    return squeezed(re.sub(r"[0-9█▏▎▍▌▋▊▉.]", "", text))


def board_lines(app) -> list[str]:
    board = app.screen.query_one(RoomBoard)
    return [board.render_line(y).text for y in range(board.scrollable_content_region.height)]


@pytest.mark.parametrize("size", SIZES)
async def test_the_key_bar_keeps_the_room_key_and_ends_with_the_keys(
    size: tuple[int, int],
) -> None:
    engine, _ = workshop()
    app = app_for(engine)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar).render().plain
        assert bar.startswith(" space Timer  n Next  v Room ")
        assert bar.rstrip().endswith("? keys") or bar.rstrip().endswith("^p palette")
        assert "? keys" in bar
        if size == (160, 50):  # room for every key of the step, and the palette
            assert "! Safeguarding" in bar and bar.rstrip().endswith("^p palette")
        else:
            assert bar.rstrip().endswith("? keys")
        await pilot.press("v")  # the room view's own hint
        await pilot.pause()
        assert_lines_align(app, size[0])
