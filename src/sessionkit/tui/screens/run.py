"""The facilitator's screen while a session runs.

Left: the agenda (planned against actual) and the facilitator's notes for this step.
Right: where we are and the prompt, the countdown, one line about the board, the board of
the step in focus (notes, clusters, vote tally or ratings) and the focused note in full.

Everything the facilitator does is a key (listed in ``keys.RUN_KEYS``) that becomes one
engine command through ``host.link``; the board is redrawn from the engine's state after
every change, never edited directly. The keys for people (who joined, joining open or
closed, the join code) are :class:`~sessionkit.tui.screens.people.PeopleKeys`; those for
notes and for clusters :class:`~sessionkit.tui.screens.note_keys.NoteKeys` and
:class:`~sessionkit.tui.screens.cluster_keys.ClusterKeys`.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from sessionkit.core import commands as c
from sessionkit.tui import messages
from sessionkit.tui.board_live import LiveBoard
from sessionkit.tui.board_model import BoardModel, Row
from sessionkit.tui.keys import RUN_KEYS, bindings
from sessionkit.tui.screens.agenda_keys import AgendaKeys
from sessionkit.tui.screens.base import SessionHost
from sessionkit.tui.screens.kinds import KindActions
from sessionkit.tui.screens.modals import (
    Confirm,
)
from sessionkit.tui.screens.note_keys import NoteKeys
from sessionkit.tui.screens.people import PeopleKeys
from sessionkit.tui.screens.redact import RedactKeys
from sessionkit.tui.screens.review_keys import ReviewActions
from sessionkit.tui.screens.safeguarding import SafeguardingKeys
from sessionkit.tui.screens.timer_keys import TimerKeys
from sessionkit.tui.widgets.agenda_view import AgendaView
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.keybar import KeyBar
from sessionkit.tui.widgets.panels import (
    BoardInfo,
    Countdown,
    Detail,
    FacilitatorNotes,
    StepInfo,
    TitleBar,
)

EMPTY = {
    "notes": "No notes yet. Phones add them live; a types paper notes.",
    "canvas": "Nothing on the canvas yet. Phones add notes; a types paper notes.",
    "cluster": "No notes to group: the steps this one clusters have no notes.",
    "vote": "Nothing to vote on: the step it votes on has no notes or clusters.",
    "sort": "Nothing to sort: the step it sorts has no notes or clusters.",
    "discussion": "No summary yet. Press s to write what the room said.",
    "words": "No answers yet. Phones send a word or two; a types paper answers.",
    "questions": "No questions yet. Phones ask and upvote them; a types questions from paper.",
    "actions": "No actions yet. Phones may propose them; a adds one (what, who, by when).",
    "waiting": "",
    "break": "",
    "ended": "",
}


PREPARE_AFTER = 0.5
"""Seconds after a step begins to lay out the next step's board (once this one is drawn)."""


class RunScreen(
    AgendaKeys,
    NoteKeys,
    RedactKeys,
    KindActions,
    ReviewActions,
    PeopleKeys,
    SafeguardingKeys,
    TimerKeys,
):
    KEYS = RUN_KEYS
    BINDINGS = bindings(RUN_KEYS)
    HELP_TITLE = "Keys: running a session"

    def __init__(self, host: SessionHost) -> None:
        super().__init__(host)
        self.selected: set[str] = set()
        self.model = BoardModel("waiting")
        self.live = LiveBoard(settle=self._settle)
        """The board, kept up to date from the engine's events (not rebuilt in full)."""
        self._kind = "waiting"
        self._step_key: str | None = None
        self._side: bool | None = None
        """The agenda panel: None = by terminal width, else shown/hidden by the user."""
        self._last_minute = -1

    def compose(self) -> ComposeResult:
        yield TitleBar(id="titlebar")
        with Horizontal(id="main"):
            with Vertical(id="side"):
                with VerticalScroll(id="agenda-scroll"):
                    yield AgendaView(id="agenda")
                yield FacilitatorNotes(id="fnotes").with_border_title("For you only")
            with Vertical(id="centre"):
                with Horizontal(id="stephead"):
                    yield StepInfo(id="stepinfo")
                    yield Countdown(id="countdown")
                yield BoardInfo(id="boardinfo")
                yield Board(id="board")
                yield Detail(id="detail")
        yield KeyBar(id="keybar")

    def on_mount(self) -> None:
        self.ready = True
        self.query_one(Board).focus()
        self.refresh_session()
        self.tick(self.now)

    def on_unmount(self) -> None:
        self.live.close()  # stop hearing the engine (SessionScreen.on_unmount runs too)

    def _settle(self) -> None:
        if self.host.link is not None:
            self.host.link.settle()  # a board's rows, made to last (see SessionLink.settle)

    def _prepare_next(self) -> None:
        if self.ready and self.host.link is not None:
            self.live.prepare(self.engine)  # so that n opens it without a pass over all notes

    # ------------------------------------------------------------ redraw

    def refresh_session(self) -> None:
        engine = self.engine
        state = engine.state
        key = state.step_key if state.started else None
        board = self.query_one(Board)
        if key != self._step_key:  # a new step: nothing selected, cursor at the top
            self._step_key = key
            self.selected.clear()
            board.cursor = None
            board.scroll_to(y=0, animate=False, immediate=True)
            self.set_timer(PREPARE_AFTER, self._prepare_next, name="prepare-next-board")
        self.model = self.live.model(engine)
        self._kind = self.model.kind
        if self.selected:  # drop notes that left the board (hidden elsewhere, merged...)
            on_board = {r.key for r in self.model.rows if r.kind == "note"}
            self.selected &= on_board
        board.show(self.model, frozenset(self.selected), empty=EMPTY.get(self._kind, ""))
        self.query_one(StepInfo).show(engine)
        self.query_one(FacilitatorNotes).show(engine)
        self._show_info()
        self._show_detail(board.current_row)
        self.query_one(AgendaView).show(engine, self.now)
        self.query_one(Countdown).show(engine, self.now)
        self._show_title(self.now)
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        ended = self.engine.state.ended_at is not None
        self.query_one(KeyBar).show(
            self.KEYS, self.applies, self._kind, notice="Session ended" if ended else ""
        )

    def _show_info(self) -> None:
        self.query_one(BoardInfo).show(
            self.engine,
            self._kind,
            private=self.model.private,
            selected=len(self.selected),
            notes=self.model.note_count,
        )

    def _show_detail(self, row: Row | None) -> None:
        detail = self.query_one(Detail)
        if row is None:
            detail.set("")
        elif self.removed_detail(row):
            pass
        elif row.kind == "note":
            detail.show_note(row.ref, self.engine)
        elif row.kind == "target":
            (label, extra), dots = row.ref
            detail.show_text(
                label,
                f"{extra + ' · ' if extra else ''}"
                f"{dots} dot{'s' * (dots != 1)} · d adds a paper dot",
            )
        elif row.kind == "scale":
            value, label, count = row.ref
            detail.show_text(
                f"{value} {label}".strip(),
                f"{count} rating{'s' * (count != 1)} · d adds a paper rating",
            )
        elif row.kind == "section" and row.key:
            group, count = row.ref
            detail.show_text(group.label, f"{count} note{'s' * (count != 1)} · r renames, m merges")
        elif not self.kind_detail(row) and not self.review_detail(row):
            detail.set("")

    def tick(self, now: float) -> None:
        engine = self.engine
        self.query_one(Countdown).show(engine, now)
        minute = int(now // 20)
        if minute != self._last_minute:  # the agenda's minutes change slowly
            self._last_minute = minute
            self.query_one(AgendaView).show(engine, now)
        self._show_title(now)

    def _show_title(self, now: float) -> None:
        problem = self.host.join_problem
        self.query_one(TitleBar).show(
            self.engine, now, cannot_join=problem.short if problem else None
        )

    def on_resize(self) -> None:
        self.call_after_refresh(self.query_one(AgendaView).show, self.engine, self.now)

    @on(Board.CursorMoved)
    def cursor_moved(self, event: Board.CursorMoved) -> None:
        self._show_detail(event.row)

    @on(Board.Activated)
    def activated(self, event: Board.Activated) -> None:
        self.action_edit()

    @on(Board.Clicked)
    def clicked(self, event: Board.Clicked) -> None:
        if self._kind == "cluster" and event.row.kind == "note" and event.row.key is not None:
            self._toggle(event.row.key)

    # ------------------------------------------------------------ what applies now

    DIALOG_ACTIONS = frozenset(
        {
            "add_notes",
            "edit",
            "set_kind",
            "group",
            "rename",
            "merge",
            "move_to",
            "summary",
            "people",
            "new_join_code",
            "reform_groups",
            "place_person",
            "safeguarding",
        }
    )

    def applies(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.host.link is None:
            return True
        kind = self._kind
        if action in ("select", "group", "rename", "merge", "move_to", "park"):
            return kind == "cluster"
        if action == "clear_selection":
            return bool(self.selected)
        if action == "add_notes":
            return kind in ("notes", "canvas", "cluster")
        if action in ("reform_groups", "place_person"):
            return self.grouped() is not None
        if action == "pick_for_group":
            spec = self.grouped()
            return spec is not None and spec.pick
        if action in ("edit", "hide"):
            return kind in ("notes", "canvas", "cluster")
        if action == "set_kind":
            return kind == "canvas" or (kind == "notes" and bool(self._categories()))
        if action == "shift_group":  # on a grouped step the sections are people's groups
            return kind in ("canvas", "cluster") or (
                kind == "notes" and bool(self._categories()) and not self.model.grouped
            )
        if action == "paper":
            return kind in ("vote", "rating")
        if action == "summary":  # a discussion with summary = false asks for none
            step = self.engine.step_def()[1] if self.engine.state.started else None
            return kind != "waiting" and getattr(step.input if step else None, "summary", True)
        if action == "export":
            return self.host.can_export or None
        return super().applies(action, parameters)

    # ------------------------------------------------------------ votes and ratings

    def action_paper(self, delta: int) -> None:
        row = self.board.current_row
        if self._kind == "rating":
            if row is None or row.kind != "scale" or row.key is None:
                self.notify("Move the cursor to a point of the scale first.", markup=False)
                return
            if delta > 0:
                self.link.do(c.Rate, value=int(row.key))
            else:
                self.link.do(c.WithdrawPaperRating, value=int(row.key))
            return
        if row is None or row.kind != "target":
            self.notify("Move the cursor to an item first.", markup=False)
            return
        if delta > 0:
            self.link.do(c.CastVote, target=row.key)
        else:
            self.link.do(c.WithdrawVote, target=row.key)

    # ------------------------------------------------------------ views

    def action_room_view(self) -> None:
        self.app.push_screen("room")

    def action_toggle_panel(self) -> None:
        shown = self.query_one("#side").display
        self._side = not shown
        self.set_class(self._side, "-show-side")
        self.set_class(not self._side, "-hide-side")

    def action_export(self) -> None:
        self.post_message(messages.ExportRecord())

    def action_quit_app(self) -> None:
        engine = self.engine
        if engine.journal is None:
            detail = "This run is not being saved: its notes will be lost."
        elif engine.state.seq == 0:  # the record is let go on quitting (Live.close)
            detail = "Nothing has happened in this run yet, so it is not kept."
        else:
            detail = "The run is saved: resume it from the home screen."

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.exit()

        self.app.push_screen(Confirm("Quit sessionkit?", detail), answer)
