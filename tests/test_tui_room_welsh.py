"""The room view's countdown and join panel in the run's language (cy, en, cy+en): the
words the projector shows around the board, with the short code still whole on screen
at 80x24 and 160x50 however long the words get."""

from __future__ import annotations

import pytest

from factories import make_engine as factory_engine
from factories import make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.plan import Plan
from sessionkit.core.state import NEWCOMER
from sessionkit.core.timers import time_up_at
from sessionkit.library import load_library
from sessionkit.netaddr import WifiNetwork, join_code, spaced_code
from sessionkit.tui import SessionkitApp
from sessionkit.tui.room_words import WELSH
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.room import RoomScreen
from sessionkit.tui.widgets.big_code import big_lines
from sessionkit.tui.widgets.room_board import RoomBoard
from sessionkit.web.pages import welsh_catalogue
from test_tui import JOIN, FakeClock, board_text, squeezed, squeezed_screen
from test_tui_join_code import on_screen, screen_text, words

CODE = spaced_code(join_code("Zx81kQ"))  # JOIN's token
ROOT = "http://192.168.1.20:8000/"
WIFI = WifiNetwork("Llyfrgell", "llyfrau123")
LANGUAGES = ("en", "cy", "cy+en")

STATUS = {
    "not started": {"en": "not started", "cy": "heb ddechrau"},
    "paused": {"en": "paused · space starts", "cy": "wedi'i oedi · bylchwr i ddechrau"},
    "running": {"en": "running · of 8:00", "cy": "yn rhedeg · o 8:00"},
    "over": {"en": "TIME UP · running", "cy": "AMSER AR BEN · yn rhedeg"},
    "silent": {"en": "TIME UP · paused · silent", "cy": "AMSER AR BEN · wedi'i oedi · tawel"},
    "ended": {"en": "session ended", "cy": "sesiwn wedi gorffen"},
}
"""What the countdown says at each point, in English and in Welsh."""


def expected(words: dict[str, str], language: str) -> str:
    if language == "cy+en":
        return f"{words['cy']}\n{words['en']}"
    return words[language]


def status(app: SessionkitApp) -> str:
    """The status line's words, as drawn (squeezed: it wraps in the timer's width)."""
    return squeezed(str(app.screen.query_one("#timer-status").render()))


def make_app(engine: Engine, language: str, **kwargs) -> SessionkitApp:
    return SessionkitApp(engine=engine, join_url=JOIN, language=language, **kwargs)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_countdown_says_what_it_is_doing_in_the_runs_language(language) -> None:
    clock = FakeClock()
    engine = Engine(sample_plan(), sample_methods(), clock=clock)
    app = make_app(engine, language)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, RoomScreen)

        def says(point: str) -> bool:
            return status(app) == squeezed(expected(STATUS[point], language))

        assert says("not started")
        await pilot.press("n")
        await pilot.pause()
        assert says("paused")
        await pilot.press("space")
        await pilot.pause()
        assert says("running")
        due = time_up_at(engine.state)
        assert due is not None
        clock.now = due + 30
        app.screen.tick(clock.now)
        await pilot.pause()
        assert says("over")
        await pilot.press("space", "S")
        await pilot.pause()
        assert says("silent")
        assert app.link is not None
        app.link.do(c.EndSession)
        await pilot.pause()
        assert says("ended")
        # Each language's whole line is shown: the widget grew to hold them all.
        region = app.screen.query_one("#timer-status").content_region
        assert region.height >= len(app.screen.query_one("#timer-status").render().wrap(25))


JOIN_WORDS = {
    "en": ("Join on your phone:", f"Or go to {ROOT} and type the code {CODE}:"),
    "cy": ("Ymunwch ar eich ffôn:", f"Neu ewch i {ROOT} a theipiwch y cod {CODE}:"),
    "cy+en": (
        "Ymunwch ar eich ffôn: / Join on your phone:",
        f"Neu ewch i / Or go to {ROOT} a theipiwch y cod {CODE}: and type the code {CODE}:",
    ),
}
SHORT_WORDS = {
    "en": f"Join on your phone: {JOIN} or type {CODE} at {ROOT}",
    "cy": f"Ymunwch ar eich ffôn: {JOIN} neu teipiwch {CODE} yn {ROOT}",
    "cy+en": (
        f"Ymunwch ar eich ffôn: / Join on your phone: {JOIN} "
        f"neu teipiwch {CODE} yn or type {CODE} at {ROOT}"
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_join_panel_speaks_the_runs_language_with_the_code_whole(language) -> None:
    engine = Engine(sample_plan(), sample_methods(), clock=FakeClock())
    app = make_app(engine, language)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        heading, code = JOIN_WORDS[language]
        assert words(app, "#room-url") == squeezed(f"{heading} {JOIN}")
        assert words(app, "#room-code").startswith(squeezed(code))
        big = big_lines(CODE)
        lines = screen_text(app)
        assert any(big[0] in line for line in lines) and any(big[-1] in line for line in lines)
        assert on_screen(app, "#room-code")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        # Too short for the big letters: the code is in a line of its own on top, whole.
        assert words(app, "#room-url") == squeezed(SHORT_WORDS[language])
        assert on_screen(app, "#room-url")
        assert CODE in "".join(screen_text(app))
        assert app.link is not None
        app.link.do(c.SetJoining, open=False)
        await pilot.pause()
        closed = {"en": "Joining is closed.", "cy": "Mae ymuno ar gau."}
        assert words(app, "#room-qr") == squeezed(
            closed[language] if language != "cy+en" else f"{closed['cy']} / {closed['en']}"
        )


WIFI_WORDS = {
    "en": ("First, join the Wi-Fi: Llyfrgell Password: llyfrau123", "Then join the session:"),
    "cy": (
        "Yn gyntaf, ymunwch â'r Wi-Fi: Llyfrgell Cyfrinair: llyfrau123",
        "Yna ymunwch â'r sesiwn:",
    ),
    "cy+en": (
        "Yn gyntaf, ymunwch â'r Wi-Fi: / First, join the Wi-Fi: Llyfrgell "
        "Cyfrinair: / Password: llyfrau123",
        "Yna ymunwch â'r sesiwn: / Then join the session:",
    ),
}


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_wifi_then_the_session_in_the_runs_language(language, size) -> None:
    engine = Engine(sample_plan(), sample_methods(), clock=FakeClock())
    app = make_app(engine, language, wifi=WIFI)
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await pilot.pause()
        first, then = WIFI_WORDS[language]
        assert words(app, "#room-wifi-text") == squeezed(first)
        assert on_screen(app, "#room-wifi-text")
        if size == (80, 24):  # too narrow for both codes: j steps to the session's
            await pilot.press("j")
            await pilot.pause()
        assert words(app, "#room-url").startswith(squeezed(then))
        # The short code, whole, wherever this size puts it.
        assert squeezed(CODE) in squeezed_screen(app)


def test_the_room_view_shares_the_room_pages_welsh_for_the_same_words() -> None:
    """The countdown's and join panel's words that the room page also shows have its
    Welsh (the parametrised test in test_tui_welsh.py compares them all): this holds
    that they are there to compare, so that test is not empty for them."""
    catalogue = welsh_catalogue()
    for english in ("paused", "Joining is closed.", "Join on your phone"):
        assert english in WELSH and english in catalogue
        assert WELSH[english] == catalogue[english]


CHECK_IN = load_library(config=False, cwd=False).methods["check-in"]
RATING = {
    "en": ["How are you arriving today?", "Running on empty", "Full of energy", "Average 4.0"],
    "cy": ["Sut ydych chi'n cyrraedd heddiw?", "Wedi blino'n lân", "Llawn egni", "Cyfartaledd 4.0"],
}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_rating_step_shows_its_question_and_scale_in_the_runs_language(language) -> None:
    plan = Plan.model_validate(
        {
            "id": "arriving",
            "title": "Arriving",
            "days": [{"start": "09:30", "end": "10:00", "agenda": [{"method": "check-in"}]}],
        }
    )
    engine = Engine(plan, {"check-in": CHECK_IN}, clock=FakeClock())
    app = make_app(engine, language)
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.link is not None
        app.link.do(c.StartSession)
        for value in (3, 5):
            who = engine.execute(c.Join(name=f"P{value}"), NEWCOMER).data["participant"]
            engine.execute(c.Rate(value=value), who)
        await pilot.press("v")
        await pilot.pause()
        board = board_text(app.screen.query_one(RoomBoard))
        shown = [w for lang in ("cy", "en") if lang in language for w in RATING[lang]]
        hidden = [w for lang in ("cy", "en") if lang not in language for w in RATING[lang]]
        for words in shown:
            assert squeezed(words) in squeezed(board), words
        for words in hidden:
            assert squeezed(words) not in squeezed(board), words
        if language == "cy+en":  # Welsh first, as on the room page
            assert squeezed("Wedi blino'n lân / Running on empty") in squeezed(board)


def labelled_engine() -> Engine:
    """Notes by kind (the rose in Welsh too, the thorn not) and a grid canvas whose
    first row and column have Welsh."""
    notes = {
        "kind": "notes",
        "categories": [
            {"id": "rose", "label": "Rose", "cy": {"label": "Rhosyn"}},
            {"id": "thorn", "label": "Thorn"},
        ],
    }
    grid = {
        "kind": "canvas",
        "rows": [{"id": "doing", "label": "Doing", "cy": {"label": "Gwneud"}}],
        "columns": [
            {"id": "before", "label": "Before", "cy": {"label": "Cyn"}},
            {"id": "after", "label": "After"},
        ],
    }
    method = make_method("labels", [step("write", notes), step("map", grid)])
    return factory_engine(make_plan([{"method": "labels"}]), {method.id: method})


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_rooms_board_headings_are_the_methods_labels_in_its_language(language) -> None:
    engine = labelled_engine()
    app = make_app(engine, language)
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.link is not None
        app.link.do(c.StartSession)
        who = engine.execute(c.Join(name="Ann"), NEWCOMER).data["participant"]
        engine.execute(c.AddNote(text="Rose", category="rose"), who)  # theirs: as written
        engine.execute(c.AddNote(text="spiky", category="thorn"), who)
        await pilot.press("v")
        await pilot.pause()
        board = board_text(app.screen.query_one(RoomBoard))
        rose = {"en": "Rose", "cy": "Rhosyn", "cy+en": "Rhosyn / Rose"}[language]
        assert f"▌ {rose}  1" in board
        assert "▌ Thorn  1" in board  # no Welsh: its English
        assert "\n Rose" in board or " Rose " in board  # the note itself, untranslated
        app.link.do(c.NextStep)
        engine.execute(c.AddNote(text="queue", region="doing.before"), who)
        await pilot.press("v", "v")  # back to the run screen and to the room view again
        await pilot.pause()
        board = board_text(app.screen.query_one(RoomBoard))
        doing = {"en": "Doing", "cy": "Gwneud", "cy+en": "Gwneud / Doing"}[language]
        before = {"en": "Before", "cy": "Cyn", "cy+en": "Cyn / Before"}[language]
        assert doing in board and before in board and "After" in board and "queue" in board
        if language == "cy":
            assert "Doing" not in board and "Before" not in board
