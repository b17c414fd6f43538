"""What the projector shows: the prompt, a big timer, the board as the room may see it,
and the join code (the QR code and the short code; with ``--wifi``, the Wi-Fi's code
first: side by side when both fit, else ``j`` steps from the Wi-Fi's to the session's).

Built only from what a participant may see (``board_model.build(room=True)``): no
facilitator notes, no hidden notes, no private notes before they are revealed, no note
ids or author names. The facilitator keeps the session keys (timer, next step, reveal,
vote) so they need not leave this view while it is on the wall.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from sessionkit.qr import size as qr_size
from sessionkit.tui import board_model
from sessionkit.tui.cells import clip_words
from sessionkit.tui.keys import ROOM_KEYS, bindings
from sessionkit.tui.room_language import for_room
from sessionkit.tui.room_words import both, say
from sessionkit.tui.safe import literal, one_line
from sessionkit.tui.screens.base import SessionHost
from sessionkit.tui.screens.timer_keys import TimerKeys
from sessionkit.tui.timing import clock_of
from sessionkit.tui.widgets.join_panel import JoinPanel, JoinView, fits_side_by_side
from sessionkit.tui.widgets.panels import Countdown, Panel
from sessionkit.tui.widgets.room_board import RoomBoard

ROOM_EMPTY = {
    "words": "Send a word or two from your phone: they appear here as a cloud.",
    "questions": "Ask your questions on your phone, and upvote the ones you want answered.",
    "actions": "The actions we agree appear here: what, who and by when.",
}
"""What the room sees on these steps before anything has come in."""

SHORT_BELOW = 28
"""Screens with fewer rows are ``-short`` (the app's VERTICAL_BREAKPOINTS)."""
COUNTDOWN_WIDTH = 25
"""The timer's width beside the heading (#room-countdown in the stylesheet)."""

BIG_CODE_LINES = 16
"""Lines the screen needs beyond the QR code's for the big letters too (the heading, the
address, the letters and the key hint); with fewer the short code is one line of text."""


class RoomScreen(TimerKeys):
    KEYS = ROOM_KEYS
    BINDINGS = bindings(ROOM_KEYS)
    HELP_TITLE = "Keys: room view"

    def __init__(self, host: SessionHost) -> None:
        super().__init__(host)
        self._show_join = True
        self._wifi_only = True
        """With --wifi on a screen too narrow for both codes: the Wi-Fi's code is shown
        (first), else the session's."""

    @property
    def show_join(self) -> bool:
        return self._show_join

    @show_join.setter
    def show_join(self, shown: bool) -> None:
        """Showing the codes starts again from the first (the Wi-Fi's, if any)."""
        if shown and not self._show_join:
            self._wifi_only = True
        self._show_join = shown
        if self.ready:
            self._show_join_panel()

    def compose(self) -> ComposeResult:
        with Horizontal(id="room-top"):
            yield Panel(id="room-step")
            yield Countdown(id="room-countdown")
        with Horizontal(id="room-body"):
            yield RoomBoard(id="room-board")
            yield JoinPanel(id="room-join")
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
        model = for_room(model, engine, self.language)
        # Until the vote closes the room sees what is voted on, not the running tally.
        vote_open = model.kind == "vote" and state.step_state(state.step_key).vote != "closed"
        empty, lang = "", self.language
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
        empty = say(empty, lang) if empty else ""
        self.query_one(RoomBoard).show(model, vote_open=vote_open, empty=empty)
        self.query_one(Countdown).show(engine, self.now, self.language)
        self._show_join_panel()

    @property
    def language(self) -> str:
        """The run's language (``--language``): the view's own words and the method's."""
        return getattr(self.host, "run_language", "en")

    def _heading(self) -> Content:
        engine, lang = self.engine, self.language
        state = engine.state
        if not engine.items:
            return Content("")
        if not state.started:
            return Content.assemble(
                one_line(engine.plan.title, "bold"),
                "\n",
                Content.styled(say("Starting soon", lang), "dim"),
            )
        if state.ended_at is not None:
            return Content.assemble(
                one_line(engine.plan.title, "bold"),
                "\n",
                say("The session has ended. Thank you!", lang),
            )
        item, step = engine.step_def()
        if step is None and item.kind == "talk":  # the title is what the room needs
            return Content.assemble(one_line(item.title, "bold"), "\n", say("A talk", lang))
        if step is None and item.kind != "method":
            back = clock_of(self.now + max(0.0, state.timer.remaining_at(self.now)))
            return Content.assemble(
                one_line(item.title, "bold"), "\n", say("Back at {time}", lang, time=back)
            )
        if step is None:  # a method the library did not have: just its title
            return one_line(item.title, "bold")
        cy = step.cy
        title = Content.assemble(
            one_line(item.title, "dim"),
            Content.styled(" › ", "dim"),
            one_line(both(step.title, cy.title if cy else "", lang), "bold"),
        )
        welsh = engine.prompt(language="cy") if cy and cy.prompt else ""
        body = literal(both(engine.prompt(), welsh, lang, between="\n"))
        if state.step_state(state.step_key).locked:
            body += Content.styled("  " + say("(input paused)", lang), "dim")
        # The heading has a few lines: the title on one, the prompt wrapped in the rest,
        # ending "…" after a whole word if it is longer (never cut mid-word at the edge).
        width, lines = self._heading_room()
        prompt = clip_words(body, width, lines - 1)
        return Content("\n").join([*clip_words(title, width, 1), *prompt])

    def _heading_room(self) -> tuple[int, int]:
        """The heading's width and height in cells (see #room-top in the stylesheet)."""
        size = self.size if self.size.width else self.app.size
        short = size.height < SHORT_BELOW
        return max(10, size.width - COUNTDOWN_WIDTH - 4), 3 if short else 11

    def _both_fit(self) -> bool:
        url, wifi = self.host.join_url, self.host.wifi
        return bool(url and wifi and fits_side_by_side(url, wifi, self.size.width))

    def _show_join_panel(self) -> None:
        url = self.host.join_url
        panel = self.query_one(JoinPanel)
        panel.display = bool(url) and self.show_join
        if not url or not self.show_join:
            return
        wifi = self.host.wifi
        session = wifi is None or self._both_fit() or not self._wifi_only
        shown_wifi = wifi if wifi is not None and (self._both_fit() or self._wifi_only) else None
        short = self.app.size.height < qr_size(url)[1] + BIG_CODE_LINES
        panel.show(
            JoinView(
                url,
                self.engine.state.joining_open,
                shown_wifi,
                session,
                after_wifi=wifi is not None,
                short=short,
                language=self.language,
            )
        )

    def on_resize(self) -> None:
        if self.ready:
            self.query_one("#room-step", Panel).set(self._heading())
            self._show_join_panel()

    def tick(self, now: float) -> None:
        self.query_one(Countdown).show(self.engine, now, self.language)
        if not self.engine.state.started or self.engine.step_def()[1] is None:
            self.query_one("#room-step", Panel).set(self._heading())

    def applies(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_join":
            return bool(self.host.join_url)
        return super().applies(action, parameters)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_join(self) -> None:
        """Hide or show the codes; with --wifi on a screen too narrow for both, from the
        Wi-Fi's code to the session's, then hidden."""
        if self.show_join and self.host.wifi is not None and self._wifi_only:
            if not self._both_fit():
                self._wifi_only = False
                self._show_join_panel()
                return
        self.show_join = not self.show_join
