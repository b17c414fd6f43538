"""What the projector shows: the prompt, a big timer, the board as the room may see it,
and the join code.

Built only from what a participant may see (``board_model.build(room=True)``): no
facilitator notes, no hidden notes, no private notes before they are revealed, no note
ids or author names. The facilitator keeps the session keys (timer, next step, reveal,
vote) so they need not leave this view while it is on the wall.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from sessionkit.qr import qr_text
from sessionkit.tui import board_model
from sessionkit.tui.keys import ROOM_KEYS, bindings
from sessionkit.tui.safe import literal, one_line
from sessionkit.tui.screens.base import SessionHost
from sessionkit.tui.screens.timer_keys import TimerKeys
from sessionkit.tui.timing import clock_of
from sessionkit.tui.widgets.panels import Countdown, Panel
from sessionkit.tui.widgets.room_board import RoomBoard

ROOM_EMPTY = {
    "words": "Send a word or two from your phone: they appear here as a cloud.",
    "questions": "Ask your questions on your phone, and upvote the ones you want answered.",
    "actions": "The actions we agree appear here: what, who and by when.",
}
"""What the room sees on these steps before anything has come in."""


class RoomScreen(TimerKeys):
    KEYS = ROOM_KEYS
    BINDINGS = bindings(ROOM_KEYS)
    HELP_TITLE = "Keys: room view"

    def __init__(self, host: SessionHost) -> None:
        super().__init__(host)
        self.show_join = True
        self._qr_shown: tuple[str, bool] | None = None
        """The join URL and whether joining was open, as last drawn."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="room-top"):
            yield Panel(id="room-step")
            yield Countdown(id="room-countdown")
        with Horizontal(id="room-body"):
            yield RoomBoard(id="room-board")
            with Vertical(id="room-join"):
                yield Static(id="room-qr")
                yield Static(id="room-url")
        yield Static(Content.styled("v back · ? keys", "dim"), id="room-hint")

    def on_mount(self) -> None:
        self.ready = True
        self.refresh_session()
        self.tick(self.now)

    def refresh_session(self) -> None:
        engine = self.engine
        state = engine.state
        self.query_one("#room-step", Panel).set(self._heading())
        model = board_model.build(engine, room=True)
        # Until the vote closes the room sees what is voted on, not the running tally.
        vote_open = model.kind == "vote" and state.step_state(state.step_key).vote != "closed"
        empty = ""
        if model.kind in ("notes", "canvas") and not model.rows:
            empty = (
                "Notes will appear here when they are revealed."
                if model.private
                else "Add your notes on your phone."
            )
        elif model.kind in ROOM_EMPTY and not model.rows:
            empty = ROOM_EMPTY[model.kind]
        elif model.kind == "break":
            empty = "" if engine.item().kind == "talk" else "Break"
        elif model.kind == "ended":
            empty = "Thank you for taking part."
        elif model.kind == "waiting":
            empty = "Scan the code to join from your phone." if self.host.join_url else ""
        self.query_one(RoomBoard).show(model, vote_open=vote_open, empty=empty)
        self.query_one(Countdown).show(engine, self.now)
        self._show_join()

    def _heading(self) -> Content:
        engine = self.engine
        state = engine.state
        if not engine.items:
            return Content("")
        if not state.started:
            return Content.assemble(
                one_line(engine.plan.title, "bold"), "\n", Content.styled("Starting soon", "dim")
            )
        if state.ended_at is not None:
            return Content.assemble(
                one_line(engine.plan.title, "bold"), "\n", "The session has ended. Thank you!"
            )
        item, step = engine.step_def()
        if step is None and item.kind == "talk":  # the title is what the room needs
            return Content.assemble(one_line(item.title, "bold"), "\n", "A talk")
        if step is None and item.kind != "method":
            back = clock_of(self.now + max(0.0, state.timer.remaining_at(self.now)))
            return Content.assemble(one_line(item.title, "bold"), "\n", f"Back at {back}")
        if step is None:  # a method the library did not have: just its title
            return one_line(item.title, "bold")
        title = Content.assemble(
            one_line(item.title, "dim"), Content.styled(" › ", "dim"), one_line(step.title, "bold")
        )
        body = literal(engine.prompt())
        if state.step_state(state.step_key).locked:
            body += Content.styled("  (input paused)", "dim")
        return Content.assemble(title, "\n", body)

    def _show_join(self) -> None:
        url = self.host.join_url
        panel = self.query_one("#room-join")
        panel.display = bool(url) and self.show_join
        if not url or not self.show_join:
            return
        # While joining is closed the room sees that instead of a code that would not work
        # (in the code's place: the address may be docked, which gives the panel no size).
        open_now = self.engine.state.joining_open
        if (url, open_now) == self._qr_shown:  # drawn again only when either changes
            return
        self._qr_shown = (url, open_now)
        address = self.query_one("#room-url", Static)
        address.display = open_now
        if open_now:
            self.query_one("#room-qr", Static).update(qr_text(url))
            address.update(
                Content.assemble(Content.styled("Join on your phone:", "bold"), "\n", literal(url))
            )
        else:
            self.query_one("#room-qr", Static).update(Content.styled("Joining is closed.", "bold"))

    def tick(self, now: float) -> None:
        self.query_one(Countdown).show(self.engine, now)
        if not self.engine.state.started or self.engine.step_def()[1] is None:
            self.query_one("#room-step", Panel).set(self._heading())

    def applies(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_join":
            return bool(self.host.join_url)
        return super().applies(action, parameters)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_join(self) -> None:
        self.show_join = not self.show_join
        self._show_join()
