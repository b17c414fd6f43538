"""What the run screen and the room view share: the session keys (timer, steps, reveal,
vote) and the hooks the app calls to redraw them.

Both screens act on the one engine through ``host.link`` (a :class:`SessionLink`), so the
facilitator keeps control of the clock and the agenda while the projector shows the
room view. The host is the app, seen through :class:`SessionHost`: the app imports the
screens, so the screens must not import the app.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from textual.screen import Screen

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import ClusterInput, VoteInput
from sessionkit.netaddr import JoinProblem, WifiNetwork
from sessionkit.tui import messages
from sessionkit.tui.board_model import is_private_unrevealed, step_kind
from sessionkit.tui.keys import Key
from sessionkit.tui.screens.modals import Confirm, HelpScreen, Notice
from sessionkit.tui.session import SessionLink


class SessionHost(Protocol):
    """What a session screen reads from the app. Read-only: to ask the app for
    something, a screen posts one of :mod:`sessionkit.tui.messages`."""

    @property
    def link(self) -> SessionLink | None:
        """The run being shown (``None`` while none is)."""

    @property
    def join_url(self) -> str | None:
        """The phones' join address, once the participant server listens."""

    @property
    def wifi(self) -> WifiNetwork | None:
        """The network phones join first (``--wifi``), shown as a code before the join code."""

    @property
    def join_problem(self) -> JoinProblem | None:
        """Why phones cannot join (and what to do), when they cannot."""

    @property
    def can_export(self) -> bool:
        """Can the record be exported in this session?"""


class SessionScreen(Screen[None]):
    KEYS: ClassVar[list[Key]] = []
    HELP_TITLE = "Keys"

    def __init__(self, host: SessionHost) -> None:
        super().__init__()
        self.host = host

    @property
    def link(self) -> SessionLink:
        assert self.host.link is not None
        return self.host.link

    @property
    def engine(self) -> Engine:
        return self.link.engine

    @property
    def now(self) -> float:
        return self.engine.clock()

    # ------------------------------------------------------------ hooks the app calls

    ready = False
    """Composed and mounted (and not being torn down): safe to redraw."""

    def on_unmount(self) -> None:
        self.ready = False

    def refresh_session(self) -> None:
        """The engine's state changed: redraw everything that depends on it."""

    def tick(self, now: float) -> None:
        """Called several times a second: redraw the clock-driven parts."""

    def on_screen_resume(self) -> None:
        # Changes made while another screen was on top are drawn on return.
        if self.host.link is not None and self.ready:
            self.refresh_session()
            self.tick(self.now)

    # ------------------------------------------------------------ which keys apply

    DIALOG_ACTIONS: frozenset[str] = frozenset()
    """Keys that open a dialog. They always work: where they do not apply, the dialog says
    why. A key that silently did nothing would let the words typed next, meant for the
    dialog, land on the board as commands ("many" has an n: next step)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.DIALOG_ACTIONS and self.host.link is not None:
            return True
        return self.applies(action, parameters)

    def applies(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Does this key make sense right now? (What the footer and palette offer.)"""
        if self.host.link is None:
            return True
        engine = self.engine
        state = engine.state
        if action == "timer":
            return state.started and state.ended_at is None
        if action == "previous_step":
            return state.started
        if action == "reveal":
            return bool(self._revealable())
        if action == "vote":
            return step_kind(engine) in ("vote", "sort", "rank")
        if action == "lock_input":
            return state.started and state.ended_at is None
        return True

    def _revealable(self) -> list[str]:
        """Keys of the private, unrevealed steps whose notes the current step shows."""
        engine = self.engine
        if not engine.state.started:
            return []
        key = engine.state.step_key
        _, step = engine.step_def()
        if step is None:
            return []
        keys = [key]
        if isinstance(step.input, ClusterInput):
            keys = engine.cluster_sources(key)
        elif isinstance(step.input, VoteInput):
            keys = [engine.step_key_for(engine.state.item, step.input.target_step)]
            came = engine.carried(key)
            if came is not None:  # notes carried from a private step can be revealed here
                keys.append(came.source_key)
        return [k for k in keys if is_private_unrevealed(engine, k)]

    # ------------------------------------------------------------ the session keys

    def action_timer(self, action: str) -> None:
        self.link.do(c.TimerCommand, action=action)
        self.tick(self.now)

    def action_next_step(self) -> None:
        self._reopening(c.NextStep, "n")

    def action_previous_step(self) -> None:
        self._reopening(c.PreviousStep, "p")

    def _reopening(self, command: type[c.Command], key: str) -> None:
        """Move on; after the end, only once the facilitator said to reopen the session
        (a stray key must not bring phones back into a finished session)."""
        if self.engine.state.ended_at is None:
            self.link.do(command)
            return

        def answer(yes: bool | None) -> None:
            if yes and self.link.do(command):
                self.notify("The session is open again.", markup=False)

        where = "next" if key == "n" else "previous"
        self.app.push_screen(
            Confirm(
                "The session has ended. Reopen it?",
                f"y reopens it at the {where} step: phones can take part again (joining "
                "stays closed until J opens it). ctrl+z, just after ending, also reopens it.",
            ),
            answer,
        )

    def action_reveal(self) -> None:
        keys = self._revealable()
        if not keys:
            self.notify("Nothing private to reveal on this step.", markup=False)
            return
        for key in keys:
            if self.link.do(c.Reveal, step=key) is None:
                return
        self.notify("Revealed to the room.", markup=False)

    def action_vote(self) -> None:
        state = self.engine.state
        if step_kind(self.engine) == "rank":  # open from the start, like a sort: o closes it
            closed = state.step_state(state.step_key).vote == "closed"
            if self.link.do(c.CloseRank, closed=not closed):
                self.notify(
                    "Reopened: phones can rank or score again."
                    if closed
                    else "Closed: the results are on the board and the phones.",
                    markup=False,
                )
            return
        if step_kind(self.engine) == "sort":  # a sort is open from the start: o closes it
            closed = state.step_state(state.step_key).vote == "closed"
            if self.link.do(c.CloseSort, closed=not closed):
                self.notify(
                    "Sort reopened: phones can place items again."
                    if closed
                    else "Sort closed: the counts are on the board and the phones.",
                    markup=False,
                )
            return
        if state.step_state(state.step_key).vote == "open":
            if self.link.do(c.CloseVote):
                self.notify("Vote closed: results are on the board.", markup=False)
        elif self.link.do(c.OpenVote):
            self.notify("Vote open: phones can place their dots.", markup=False)

    def action_lock_input(self) -> None:
        state = self.engine.state
        locked = state.step_state(state.step_key).locked
        if self.link.do(c.LockInput, locked=not locked):
            self.notify(
                "Phone input paused." if not locked else "Phone input allowed again.", markup=False
            )

    def action_undo(self) -> None:
        event = self.link.do(c.Undo)
        if event is not None:
            self.notify(f"Undone: {event.data['what']}. ctrl+y redoes it.", markup=False)

    def action_redo(self) -> None:
        event = self.link.do(c.Redo)
        if event is not None:
            self.notify(f"Redone: {event.data['what']}.", markup=False)

    def not_here(self, message: str, title: str = "Not on this step") -> None:
        """Say why a dialog key does not apply here, in a dialog (see DIALOG_ACTIONS)."""
        self.app.push_screen(Notice(title, message))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.HELP_TITLE, self.KEYS))

    def action_room_page(self) -> None:
        self.post_message(messages.ShowRoomPage())
