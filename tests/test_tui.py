"""The facilitator's TUI, driven by the keyboard through Textual's Pilot.

The workshop is built in Python (``sessionkit.tui.sample``), so these tests do not change
when the bundled library does, and the engine runs on a fake clock.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Digits, Input

from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.state import NEWCOMER
from sessionkit.export import FORMATS
from sessionkit.library import Library
from sessionkit.tui import SessionkitApp
from sessionkit.tui.app import SessionCommands
from sessionkit.tui.board_model import build
from sessionkit.tui.safe import literal
from sessionkit.tui.sample import sample_methods, sample_plan
from sessionkit.tui.screens.home import HomeScreen
from sessionkit.tui.screens.modals import HelpScreen, NoteEditor, NoteEntry, Picker, TextPrompt
from sessionkit.tui.screens.room import RoomScreen
from sessionkit.tui.screens.run import RunScreen
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.panels import Countdown, Detail, StepInfo
from sessionkit.tui.widgets.room_board import RoomBoard

T0 = 1_700_000_000.0
SIZE = (100, 30)
JOIN = "http://192.168.1.20:8000/j/Zx81kQ"

# step keys of the sample plan
NOTES, THEMES, VOTE, BREAK, PRIVATE, RATING, MAP, TALK = (
    "0.0",
    "0.1",
    "0.2",
    "1.0",
    "2.0",
    "2.1",
    "3.0",
    "3.1",
)

PAYLOADS = [
    "[bold]x[/]",
    "[@click=app.quit]hi[/]",
    "unbalanced [/]",
    "[B]x[/B]",
    "[$primary]x",
    "[link=https://example.org]click me[/link]",
]
ESCAPE_PAYLOAD = "before\x1b]0;pwned\x07after"


class FakeClock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def engine(clock: FakeClock) -> Engine:
    return Engine(sample_plan(), sample_methods(), clock=clock)


def make_app(engine: Engine, **kwargs) -> SessionkitApp:
    return SessionkitApp(engine=engine, join_url=kwargs.pop("join_url", JOIN), **kwargs)


def join(engine: Engine, name: str) -> str:
    return engine.execute(c.Join(name=name), actor=NEWCOMER).data["participant"]


def board_of(app: SessionkitApp) -> Board:
    return app.screen.query_one(Board)


def board_text(board: Board | RoomBoard) -> str:
    """Every line the board would draw, as plain text (scrolling through it all)."""
    lines = []
    height = max(1, board.scrollable_content_region.height)
    total = board.virtual_size.height
    for top in range(0, max(total, 1), height):
        board.scroll_to(y=top, animate=False, immediate=True)
        board.render_lines(board.scrollable_content_region.reset_offset)  # lay out
        for y in range(min(height, total - top)):
            lines.append(board.render_line(y).text)
    board.scroll_to(y=0, animate=False, immediate=True)
    return "\n".join(lines)


def squeezed(text: str) -> str:
    """Without spaces and line breaks: a card wraps long words across its lines."""
    return "".join(text.split())


def note_rows(app: SessionkitApp) -> list[str]:
    return [r.ref.text for r in board_of(app).rows if r.kind == "note"]


def notifications(app: SessionkitApp) -> list[str]:
    return [n.message for n in app._notifications]


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[ch if ch != " " else "space" for ch in text])


async def shown(pilot, predicate, what: str) -> None:
    """Wait until the screen shows what ``predicate`` checks, then let it settle.

    Changes from outside the app (a phone, the engine here) are drawn FLUSH_DELAY later
    and the countdown on the next clock tick: wait for the result, not for a time."""
    await until(predicate, what)
    await pilot.pause()


async def goto(pilot, app: SessionkitApp, key: str) -> None:
    """Jump to a step through the engine (setup, not what is being tested)."""
    item, step = (int(p) for p in key.split("."))
    app.link.do(c.GoTo, item=item, step=step)
    await pilot.pause()


# ------------------------------------------------------------------ a plan, end to end


async def test_run_a_plan_end_to_end_by_keyboard(engine: Engine, clock: FakeClock) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, RunScreen)
        assert "Not started" in app.screen.query_one(StepInfo).render().plain

        # n starts the session at the first step
        await pilot.press("n")
        assert engine.state.started and engine.state.step_key == NOTES
        assert "What works, what hurts" in app.screen.query_one(StepInfo).render().plain

        # timer: start, run, pause, extend, reset
        digits = app.screen.query_one(Countdown).query_one(Digits)
        assert digits.value == "8:00"
        await pilot.press("space")
        assert engine.state.timer.running
        clock.advance(90)
        await shown(pilot, lambda: digits.value == "6:30", "the countdown to show 6:30")
        await pilot.press("space")
        assert not engine.state.timer.running
        await pilot.press("plus")
        assert engine.state.timer.duration == 9 * 60
        assert digits.value == "7:30"
        await pilot.press("ctrl+r")
        assert engine.state.timer.duration == 8 * 60 and engine.state.timer.elapsed == 0

        # paper notes: a opens the entry; enter adds and keeps it open; tab changes kind
        await pilot.press("a")
        assert isinstance(app.screen, NoteEntry)
        await type_text(pilot, "Friendly staff")
        await pilot.press("enter")
        await type_text(pilot, "Quiet study rooms")
        await pilot.press("enter", "tab")
        await type_text(pilot, "Long queues")
        await pilot.press("enter", "tab")
        await type_text(pilot, "Sunday opening")
        await pilot.press("enter", "escape")
        assert isinstance(app.screen, RunScreen)
        notes = {n.text: n for n in engine.state.notes.values()}
        assert [n.category for n in notes.values()] == ["rose", "rose", "thorn", "bud"]
        assert note_rows(app) == [
            "Friendly staff",
            "Quiet study rooms",
            "Long queues",
            "Sunday opening",
        ]

        # edit the focused note (the first), hide it and show it again, change its kind
        await pilot.press("enter")
        assert isinstance(app.screen, NoteEditor)
        await type_text(pilot, " at the desk")  # the cursor starts at the end of the text
        await pilot.press("enter")
        first = notes["Friendly staff"]
        assert first.text == "Friendly staff at the desk"
        await pilot.press("h")
        assert first.hidden
        await pilot.press("h")
        assert not first.hidden
        await pilot.press("c")
        assert isinstance(app.screen, Picker)
        await pilot.press("down", "down", "enter")  # rose -> thorn -> bud
        assert first.category == "bud"
        await pilot.press("left_square_bracket")  # back to thorn
        assert first.category == "thorn"

        # clustering, all from the keyboard
        await pilot.press("n")
        assert engine.state.step_key == THEMES
        board = board_of(app)
        assert board.current_row.kind == "note"  # the cursor starts on the first note
        await pilot.press("x", "x")  # select two notes (x moves on after selecting)
        assert len(app.screen.selected) == 2
        await pilot.press("g")
        await type_text(pilot, "Staff and space")
        await pilot.press("enter")
        clusters = [cl for cl in engine.state.clusters.values() if cl.step == THEMES]
        assert [cl.label for cl in clusters] == ["Staff and space"]
        staff = clusters[0].id
        assert sum(1 for n in engine.state.notes.values() if n.cluster == staff) == 2
        assert not app.screen.selected

        # the cursor is still on a note in the unsorted pile: group it on its own
        assert board.current_row.kind == "note" and board.current_row.ref.cluster is None
        await pilot.press("g")
        await type_text(pilot, "Access")
        await pilot.press("enter")
        access = next(cl.id for cl in engine.state.clusters.values() if cl.label == "Access")

        # rename: the cursor on a note of a cluster renames that cluster
        board.move_to_key("section", access)
        await pilot.press("r")
        assert isinstance(app.screen, TextPrompt)
        prompt = app.screen.query_one(Input)
        assert prompt.value == "Access" and prompt.cursor_position == len("Access")
        assert prompt.selection.is_empty  # the old name is kept, not selected
        await pilot.press("ctrl+u")  # clear the line, then type the new name
        await type_text(pilot, "Getting in")
        await pilot.press("enter")
        assert engine.state.clusters[access].label == "Getting in"

        # move a note between clusters with ] and [ (the cursor follows the note)
        board.move_to_key("section", staff)
        await pilot.press("down")
        moving = board.current_row.ref
        assert moving.cluster == staff
        await pilot.press("right_square_bracket")
        assert moving.cluster == access
        assert board.current_row.ref is moving
        await pilot.press("left_square_bracket")
        assert moving.cluster == staff

        # park the last unsorted note
        loose = [n for n in engine.state.notes.values() if n.cluster is None]
        board.move_to_key("note", loose[0].id)
        await pilot.press("l")
        parking = next(cl for cl in engine.state.clusters.values() if cl.parking)
        assert loose[0].cluster == parking.id

        # merge "Getting in" into "Staff and space" through the picker
        board.move_to_key("section", access)
        await pilot.press("m")
        assert isinstance(app.screen, Picker)
        await type_text(pilot, "Staff")
        await pilot.press("enter")
        assert access not in engine.state.clusters
        assert sum(1 for n in engine.state.notes.values() if n.cluster == staff) == 3

        # a second cluster to vote on
        board.move_to_key("note", loose[0].id)
        await pilot.press("t")
        await pilot.press("end", "enter")  # "New cluster…"
        await type_text(pilot, "Opening hours")
        await pilot.press("enter")
        hours = next(cl.id for cl in engine.state.clusters.values() if cl.label == "Opening hours")

        # dot vote: open, phones vote, a paper dot, close: results most first
        await pilot.press("n")
        assert engine.state.step_key == VOTE
        await pilot.press("o")
        assert engine.state.step_state(VOTE).vote == "open"
        people = [join(engine, name) for name in ("Ann", "Bo", "Cy")]
        for person in people:
            engine.execute(c.CastVote(target=hours), actor=person)
        engine.execute(c.CastVote(target=staff), actor=people[0])
        await shown(
            pilot,
            lambda: sum(r.ref[1] for r in board_of(app).rows if r.kind == "target") == 4,
            "the phones' four dots",
        )
        board = board_of(app)
        # board order while open; the parking lot is not a theme to vote on
        assert [(r.key, r.ref[1]) for r in board.rows] == [(staff, 1), (hours, 3)]
        board.move_to_key("target", staff)
        await pilot.press("d")  # a paper dot
        assert engine.state.tally(VOTE)[staff] == 2
        await pilot.press("o")
        assert engine.state.step_state(VOTE).vote == "closed"
        assert [(r.key, r.ref[1]) for r in board.rows] == [(hours, 3), (staff, 2)]
        assert "Opening hours" in board_text(board).splitlines()[0]

        # room view: prompt, timer, results, join code; no facilitator notes
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, RoomScreen)
        room = app.screen.query_one(RoomBoard)
        text = board_text(room)
        assert "1." in text and "Opening hours" in text
        assert app.screen.query_one("#room-join").display
        assert not app.screen.query(Detail) and not app.screen.query("#fnotes")
        await pilot.press("escape")
        assert isinstance(app.screen, RunScreen)

        # through the break and on to the end
        await pilot.press("n", "n")
        assert engine.state.step_key == PRIVATE
        assert app.is_running


async def test_private_notes_stay_hidden_until_revealed(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, PRIVATE)
        ann = join(engine, "Ann")
        engine.execute(c.AddNote(text="I worry about my job"), actor=ann)
        await pilot.press("a")
        await type_text(pilot, "Paper worry")
        await pilot.press("enter", "escape")
        model = build(engine)
        assert model.private
        text = board_text(board_of(app))
        assert "I worry about my job" in text and "Paper worry" in text  # facilitator sees
        assert "PRIVATE" in app.screen.query_one("#boardinfo").render().plain
        await pilot.press("v")
        await pilot.pause()
        assert "I worry" not in board_text(app.screen.query_one(RoomBoard))
        assert "revealed" in board_text(app.screen.query_one(RoomBoard))
        await pilot.press("R")  # reveal works from the room view too
        assert engine.state.step_state(PRIVATE).revealed
        await pilot.pause()
        text = board_text(app.screen.query_one(RoomBoard))
        assert "I worry about my job" in text and "Paper worry" in text


async def test_hidden_notes_never_reach_the_room(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        engine.execute(c.AddNote(text="keep this", category="rose"))
        engine.execute(c.AddNote(text="rude remark", category="thorn"))
        await shown(pilot, lambda: len(note_rows(app)) == 2, "both notes on the board")
        board_of(app).move_to_key("note", "n2")
        await pilot.press("h")
        assert "rude remark" in board_text(board_of(app))  # struck through, still there
        await pilot.press("v")
        await pilot.pause()
        text = board_text(app.screen.query_one(RoomBoard))
        assert "keep this" in text and "rude remark" not in text


async def test_ratings_canvas_and_summary(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, RATING)
        ann = join(engine, "Ann")
        engine.execute(c.Rate(value=4), actor=ann)
        await shown(
            pilot,
            lambda: "1 rating" in app.screen.query_one("#boardinfo").render().plain,
            "the phone's rating",
        )
        board = board_of(app)
        assert [r.kind for r in board.rows] == ["scale"] * 5
        board.move_to_key("scale", "2")
        await pilot.press("d")
        assert sorted(engine.state.ratings[RATING].values()) == [2, 4]
        assert "2 ratings" in app.screen.query_one("#boardinfo").render().plain
        await pilot.press("D")  # a paper rating typed by mistake is taken back
        assert sorted(engine.state.ratings[RATING].values()) == [4]
        board.move_to_key("scale", "4")
        await pilot.press("D")  # a phone's rating is the phone's: D leaves it
        assert sorted(engine.state.ratings[RATING].values()) == [4]
        assert any("no paper rating of 4" in n.message for n in app._notifications)
        board.move_to_key("scale", "2")
        await pilot.press("d")

        await pilot.press("n")  # the journey canvas
        assert engine.state.step_key == MAP
        await pilot.press("a")
        await pilot.press("tab")  # place: During
        await type_text(pilot, "Waiting at the desk")
        await pilot.press("enter", "escape")
        note = next(iter(engine.state.notes.values()))
        assert note.region == "during"
        board_of(app).move_to_key("note", note.id)
        await pilot.press("right_square_bracket")
        assert note.region == "after"
        await pilot.press("c")
        await pilot.press("home", "enter")
        assert note.region == "before"

        await pilot.press("n")  # discussion: the summary
        await pilot.press("s")
        await type_text(pilot, "We heard about queues")
        await pilot.press("ctrl+s")
        assert engine.state.step_state(TALK).summary == "We heard about queues"
        assert "We heard about queues" in board_text(board_of(app))
        await pilot.press("v")
        await pilot.pause()
        assert "We heard about queues" in board_text(app.screen.query_one(RoomBoard))


# ------------------------------------------------------------------ timer


async def test_time_up_changes_colour_and_rings_once(engine: Engine, clock: FakeClock) -> None:
    app = make_app(engine)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "space")
        countdown = app.screen.query_one(Countdown)
        assert "-overtime" not in countdown.classes
        digits = countdown.query_one(Digits)
        clock.advance(8 * 60 + 5)
        await shown(pilot, lambda: digits.value == "+0:05", "the countdown to show +0:05")
        assert "-overtime" in countdown.classes
        assert len(bells) == 1
        clock.advance(30)  # a later tick, still over time, must not ring again
        await shown(pilot, lambda: digits.value == "+0:35", "the countdown to show +0:35")
        assert len(bells) == 1  # once, not on every tick
        await pilot.press("plus")  # more time: no longer over
        await shown(
            pilot, lambda: "-overtime" not in countdown.classes, "the countdown to leave overtime"
        )


# ------------------------------------------------------------------ untrusted text


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_markup_in_notes_is_shown_literally_and_does_nothing(
    engine: Engine, payload: str
) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        ann = join(engine, payload[:40])
        engine.execute(c.AddNote(text=payload, category="rose"), actor=ann)
        await shown(pilot, lambda: note_rows(app), "the phone's note on the board")
        assert payload in board_text(board_of(app))
        board = board_of(app)
        board.move_to_key("note", "n2")
        detail = app.screen.query_one(Detail).render().plain
        assert payload in detail
        assert "n2" not in detail.replace(payload, "")  # no internal id shown to people
        await pilot.click(Board, offset=(6, 1))  # clicking the note must not run it
        await pilot.press("v")
        await pilot.pause()
        assert squeezed(payload) in squeezed(board_text(app.screen.query_one(RoomBoard)))
        await pilot.click(RoomBoard, offset=(3, 1))
        await pilot.press("escape")
        # as a cluster label and as a vote target
        await pilot.press("n")
        await pilot.press("g")
        await type_text(pilot, payload)
        await pilot.press("enter")
        assert any(cl.label == payload for cl in engine.state.clusters.values())
        assert payload in board_text(board_of(app))
        await pilot.press("n")  # the vote: labels are cut to fit; the detail has it all
        assert board_of(app).current_row.kind == "target"
        assert payload in app.screen.query_one(Detail).render().plain
        assert app.export_screenshot()  # the whole screen renders
        assert app.is_running and app.return_code is None


async def test_escape_sequences_are_stripped(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        engine.execute(c.AddNote(text=ESCAPE_PAYLOAD, category="rose"))
        await shown(pilot, lambda: note_rows(app), "the note on the board")
        note = next(iter(engine.state.notes.values()))
        assert "\x1b" not in note.text and "\x07" not in note.text
        text = board_text(board_of(app))
        assert "before]0;pwnedafter" in text and "\x1b" not in text
        # and text that reached the TUI some other way is cleaned again on the way out
        assert "\x1b" not in literal(ESCAPE_PAYLOAD).plain
        assert app.is_running


async def test_markup_in_plan_and_method_text(clock: FakeClock) -> None:
    methods = sample_methods()
    evil = "[@click=app.quit]x[/] unbalanced [/] [B]y[/B] [$primary]z"
    plan = sample_plan().model_copy(update={"title": evil})
    rtb = methods["rose-thorn-bud"]
    steps = list(rtb.steps)
    steps[0] = steps[0].model_copy(
        update={"title": evil, "prompt": evil, "facilitator_notes": evil}
    )
    methods["rose-thorn-bud"] = rtb.model_copy(update={"name": evil, "steps": steps})
    engine = Engine(plan, methods, clock=clock)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert evil in app.screen.query_one(StepInfo).render().plain
        assert evil in app.screen.query_one("#fnotes").render().plain
        # the command palette lists agenda items by their (untrusted) titles
        provider = SessionCommands(app.screen)
        hits = [hit async for hit in provider.search("Go to")]
        assert hits and all(not isinstance(hit.prompt, str) for hit in hits)
        await pilot.press("ctrl+p")
        await type_text(pilot, "go to")

        # the palette searches in the background: wait for its hits to be listed (drawn)
        def listed() -> list[str]:
            if not isinstance(app.screen, CommandPalette):
                return []
            return [str(option.prompt) for option in app.screen.query_one(CommandList).options]

        await shown(
            pilot,
            lambda: any("Go to" in hit and evil in hit for hit in listed()),
            "the command palette to list the agenda's items, titles as they are",
        )
        await pilot.press("escape")
        await pilot.press("v")
        await pilot.pause()
        assert app.is_running


async def test_markup_in_the_home_screen(clock: FakeClock) -> None:
    evil = "[@click=app.quit]x[/] unbalanced [/]"
    methods = sample_methods()
    methods["rose-thorn-bud"] = methods["rose-thorn-bud"].model_copy(
        update={"name": evil, "summary": evil, "purpose": evil}
    )
    library = Library(methods=methods, plans={"sample-workshop": sample_plan()})
    runs = [("r1", evil, evil)]
    app = SessionkitApp(library=library, runs=lambda: runs)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "unbalanced")
        await pilot.pause()
        assert evil in app.screen.query_one("#preview").render().plain
        assert app.is_running


# ------------------------------------------------------------------ phones and refusals


async def test_a_burst_of_phone_notes_appears_in_one_redraw(engine: Engine) -> None:
    # How soon they show is bench/board.py's business (docs/benchmarks.md), not a test's.
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        screen = app.screen
        redraws = []
        original = screen.refresh_session
        screen.refresh_session = lambda: (redraws.append(1), original())  # type: ignore
        people = [join(engine, f"P{i}") for i in range(5)]
        for i in range(50):  # a burst, as the server would deliver it
            engine.execute(c.AddNote(text=f"phone note {i}", category="bud"), actor=people[i % 5])
        await shown(pilot, lambda: len(note_rows(app)) == 50, "all 50 notes on the board")
        assert len(redraws) <= 2  # batched, not one redraw per note


async def test_refused_commands_become_notifications(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, VOTE)
        assert not board_of(app).rows  # nothing was clustered: nothing to vote on
        await pilot.press("o", "o")  # open, close
        app.link.do(c.CastVote, target="c999")
        await pilot.pause()
        assert any("Voting is not open" in m for m in notifications(app))
        app.link.do(c.CreateCluster, label="x" * 500)  # fails validation, not the app
        await pilot.pause()
        assert any("label" in m for m in notifications(app))
        assert app.is_running


# ------------------------------------------------------------------ screens and keys


async def test_help_and_palette_list_the_keys(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text").render().plain
        for words in (
            "Start or pause the countdown",
            "Add a minute",
            "Reveal the private",
            "Group the selected notes",
            "Open the dot vote",
            "room view",
        ):
            assert words.lower() in text.lower()
        await pilot.press("escape")
        provider = SessionCommands(app.screen)
        names = [hit.text async for hit in provider.discover()]
        assert "Timer" in names and "Add notes" in names and "Room" in names
        assert "Open/close vote" not in names  # not a vote step
        await goto(pilot, app, THEMES)
        names = [hit.text async for hit in SessionCommands(app.screen).discover()]
        assert {"Group", "Rename", "Merge", "Select", "Park"} <= set(names)


async def test_export_writes_and_reports_the_path(engine: Engine, tmp_path: Path) -> None:
    written: list[str] = []

    def exporter(fmt: str) -> Path:
        written.append(fmt)
        if fmt == "csv":
            raise OSError("disk full")
        return tmp_path / f"record.{fmt}"

    # The picker offers what the CLI hands in: sessionkit.export.FORMATS, in its order.
    formats = [(f.name, f.description) for f in FORMATS.values()]
    app = make_app(engine, exporter=exporter, export_formats=formats)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, Picker)
        assert [value for value, _ in app.screen.choices] == list(FORMATS)
        await pilot.press("enter")
        assert written == ["md"]
        assert any("record.md" in m for m in notifications(app))
        await pilot.press("e")
        await type_text(pilot, "csv")
        await pilot.press("enter")
        assert any("disk full" in m for m in notifications(app))
        assert app.is_running


async def test_home_starts_a_method_on_its_own_and_resumes_runs(engine: Engine) -> None:
    library = Library(methods=sample_methods(), plans={"sample-workshop": sample_plan()})
    resumed: list[str] = []

    def resume(run_id: str) -> Engine:
        resumed.append(run_id)
        return engine

    app = SessionkitApp(
        library=library, runs=lambda: [("run-1", "Sample", "in progress")], resume=resume
    )
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("slash")
        await type_text(pilot, "journey")
        await pilot.press("enter")
        assert isinstance(app.screen, RunScreen)
        assert [item.title for item in app.engine.items] == ["Journey map"]
        await pilot.press("n")
        assert app.engine.state.step_key == NOTES  # first step of the one item
        app.leave_run()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")  # clears the search
        await pilot.press("home", "enter")  # the unfinished run is listed first
        assert resumed == ["run-1"]
        assert app.engine is engine


async def test_works_at_80x24(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert not app.screen.query_one("#side").display  # the agenda folds away
        await pilot.press("f")
        assert app.screen.query_one("#side").display
        await pilot.press("f")
        engine.execute(c.AddNote(text="small screen note", category="rose"))
        await shown(pilot, lambda: note_rows(app), "the note on the board")
        assert "small screen note" in board_text(board_of(app))
        await pilot.press("v")
        await pilot.pause()
        assert app.is_running


async def test_a_dialog_key_that_does_not_apply_still_catches_the_typing(engine: Engine) -> None:
    """'a' on a discussion step: a dialog says why, so the words typed next ("many
    things" has an n) do not become commands on the board."""
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, TALK)
        await pilot.press("a")
        await type_text(pilot, "many things")
        await pilot.press("escape")
        assert engine.state.step_key == TALK
        assert not engine.state.timer.running
        assert isinstance(app.screen, RunScreen)


async def test_mouse_focuses_lines_and_runs_footer_keys(engine: Engine) -> None:
    from sessionkit.tui.widgets.keybar import KeyBar

    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(KeyBar, offset=(2, 0))  # "n Next" comes first before the start
        assert engine.state.started
        for text in ("one", "two", "three"):
            engine.execute(c.AddNote(text=text, category="rose"))
        await shown(pilot, lambda: len(note_rows(app)) == 3, "the three notes on the board")
        board = board_of(app)
        await pilot.click(Board, offset=(8, 3))  # heading, one, two, three: "three"
        assert board.current_row.ref.text == "three"
        await pilot.click(Board, offset=(8, 2), times=2)  # a double click edits
        assert isinstance(app.screen, NoteEditor)


def test_build_session_finds_plans_methods_and_the_sample() -> None:
    from sessionkit.cli import build_parser
    from sessionkit.cli.run import PlanNotFound, build_session

    parse = build_parser().parse_args
    engine = build_session(parse(["run", "--sample"]))
    assert engine.plan.id == "sample-workshop"
    with pytest.raises(PlanNotFound):
        build_session(parse(["run"]))
    with pytest.raises(PlanNotFound):
        build_session(parse(["run", "no-such-plan-or-method"]))


async def test_remove_a_participant_and_show_the_join_code(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")  # nobody yet: the dialog says so, nothing else happens
        assert squeezed("Nobody has joined") in squeezed_screen(app)
        await pilot.press("escape")
        await pilot.press("n")
        ann, bo = join(engine, "Ann"), join(engine, "Bo")
        await pilot.press("P")
        assert isinstance(app.screen, Picker)
        await pilot.press("down", "enter")  # Bo
        await pilot.press("y")
        assert engine.state.participants[bo].removed
        assert not engine.state.participants[ann].removed
        with pytest.raises(Exception, match="not part of this session"):
            engine.execute(c.AddNote(text="still here?", category="rose"), actor=bo)

        await pilot.press("j")
        assert isinstance(app.screen, RoomScreen)
        assert squeezed(JOIN) in squeezed_screen(app)


def squeezed_screen(app: SessionkitApp) -> str:
    """The text of every cell on screen, spaces removed (as a person reads it)."""
    strips = app.screen._compositor.render_strips()
    return squeezed("".join(strip.text for strip in strips))
