"""SessionkitApp: the facilitator's terminal app.

The app owns the link to the engine (one :class:`SessionLink` at a time), the clock tick
that drives countdowns, and the command palette. Screens draw from the engine's state and
send commands through the link; they never change state themselves.

Everything the outside world supplies comes in through the constructor, so the CLI (and
later the record store and the phone server) can wire things without the app knowing
where they come from:

``library``
    a ``sessionkit.library.Library`` for the home screen (plans and methods): anything
    with what :class:`~sessionkit.tui.screens.home.LibraryView` lists.
``engine``
    an Engine to run straight away (``sessionkit run PLAN``); without one the app opens
    on the home screen.
``join_url``
    the phones' join address, shown as a QR code in the room view. Can be set later with
    :meth:`SessionkitApp.set_join_url` (e.g. once the server is listening).
``wifi``
    the network phones join first (``--wifi``): the room view shows its ``WIFI:`` QR
    code before the join code.
``exporter`` / ``export_formats``
    ``exporter(fmt) -> Path``: write the current run (``app.engine``) in one of
    ``export_formats``, ``(name, description)`` pairs offered in a picker; the app shows
    the written path. Errors are shown, not raised. The formats are handed in
    (:meth:`sessionkit.live.Live.export_formats`, from ``sessionkit.export.FORMATS``, the
    one list of them) because the TUI does not import the exporters, a sibling adapter.
``runs`` / ``resume``
    ``runs() -> [(id, title, state)]`` lists unfinished runs for the home screen;
    ``resume(id) -> Engine`` reopens one.
``new_session``
    ``new_session(plan, methods[, series=NAME]) -> Engine`` makes the engine for a plan
    started from the home screen (``series`` when one was chosen with S there; default:
    in memory). The one place to add a journal for those runs.
``serve``
    ``await serve(app, engine) -> join URL or JoinProblem``: start the participant server
    for the run being shown (``sessionkit.live.Live.serve``); run as a worker each time a
    run opens, so the QR code always points at the run on screen. A
    :class:`~sessionkit.netaddr.JoinProblem` (why phones cannot join, and the fix) stays
    in the run screen's title bar, and ``j`` shows it in full.
``new_join_code``
    ``new_join_code(engine) -> join URL or None``: replace the run's join token
    (``sessionkit.live.Live.new_join_code``); the app shows the new QR code at once.
``room_link``
    ``room_link(engine) -> RoomLink or None``: where the run's room page is while the
    server runs (``sessionkit.live.Live.room_link``); ``b`` shows it.

Screens do not call the app: they post :mod:`sessionkit.tui.messages` that the app
handles here, and read the session through the handle they are constructed with (this
app: see :class:`~sessionkit.tui.screens.base.SessionHost`). The app imports the
screens; no screen imports the app.

Nothing here prints: Textual owns the terminal while the app runs.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen

from sessionkit.core import commands as c
from sessionkit.core import safeguarding
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.timers import time_up_at
from sessionkit.netaddr import JoinProblem, RoomLink, WifiNetwork
from sessionkit.tui import messages
from sessionkit.tui.adhoc import adhoc_plan
from sessionkit.tui.palette import SessionCommands
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.home import HomeScreen, LibraryView
from sessionkit.tui.screens.modals import Confirm, Notice, Picker
from sessionkit.tui.screens.room import RoomScreen
from sessionkit.tui.screens.room_page import RoomPageScreen
from sessionkit.tui.screens.run import RunScreen
from sessionkit.tui.session import SessionLink
from sessionkit.tui.theme import ThemeStore, use_kept_theme
from sessionkit.tui.timing import schedule_notice

log = logging.getLogger(__name__)

TICK = 0.25
"""Seconds between redraws of the countdown."""


class Serve(Protocol):
    """``await serve(app, engine) -> join URL or JoinProblem`` (see the module's
    docstring); with ``port``, on that port instead of the one it was given."""

    def __call__(
        self, app: App[Any], engine: Engine, port: int | None = None
    ) -> Awaitable[str | JoinProblem | None]: ...


class SessionkitApp(App[None]):
    CSS_PATH = "sessionkit.tcss"
    TITLE = "sessionkit"
    COMMANDS = App.COMMANDS | {SessionCommands}
    # Textual declares these `ClassVar[...] | None`, which mypy reads as instance
    # variables (so a ClassVar here is refused): hence the noqa rather than ClassVar.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (96, "-wide"), (150, "-very-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (28, "-tall")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", show=False),
    ]

    def __init__(
        self,
        library: LibraryView | None = None,
        engine: Engine | None = None,
        *,
        join_url: str | None = None,
        wifi: WifiNetwork | None = None,
        exporter: Callable[[str], Path] | None = None,
        export_formats: Iterable[tuple[str, str]] = (),
        runs: Callable[[], list[tuple[str, str, str]]] | None = None,
        resume: Callable[[str], Engine] | None = None,
        new_session: Callable[..., Engine] | None = None,
        series_names: Callable[[], Sequence[str]] | None = None,
        serve: Serve | None = None,
        new_join_code: Callable[[Engine], str | None] | None = None,
        record_warnings: Callable[[Engine], list[str]] | None = None,
        room_link: Callable[[Engine], RoomLink | None] | None = None,
        theme_store: ThemeStore | None = None,
        language: str = "en",
    ) -> None:
        super().__init__()
        self.theme_store = theme_store
        """Where the chosen theme is kept across runs (``None``: not kept)."""
        self.run_language = language
        """What the room view (``v``) speaks, as the phones do: en, cy or cy+en."""
        self.library = library
        self.engine: Engine | None = None
        self.link: SessionLink | None = None
        self.join_url = join_url
        self.wifi = wifi
        self.join_problem: JoinProblem | None = None
        """Why phones cannot join the run on screen (``None``: they can, or it is not known
        yet); shown until the run is left."""
        self.exporter = exporter
        self.export_formats: Sequence[tuple[str, str]] = list(export_formats)
        self.runs = runs
        self.resume = resume
        self.new_session: Callable[..., Engine] = new_session or (
            lambda plan, methods, series=None: Engine(plan, methods, series=series)
        )
        self.series_names = series_names
        """The series the records have (for the home screen's S); ``None``: no records."""
        self.serve = serve
        self.new_join_code = new_join_code
        self.room_link = room_link
        self.record_warnings = record_warnings
        """What opening a run's record found and mended (a torn line, a snapshot set aside)."""
        self._initial_engine = engine
        self._belled: tuple[str, float] | None = None
        self._schedule_told: set[int | None] = set()
        """Days of the shown run whose start was already seen (or told about)."""

    # ------------------------------------------------------------ start-up

    @property
    def can_export(self) -> bool:
        """For the session screens' handle: is there an exporter (and formats to offer)?"""
        return self.exporter is not None and bool(self.export_formats)

    def on_mount(self) -> None:
        # Installed, so it is made once and kept: the projector view is opened often.
        self._exit_on_sigterm()
        if self.theme_store is not None:
            use_kept_theme(self, self.theme_store)
        self.install_screen(RoomScreen(self), "room")
        if self._initial_engine is None:
            self.push_screen(HomeScreen(self.library, self.list_runs, self.series_names))
        else:
            self.open_run(self._initial_engine)
        self.set_interval(TICK, self._tick, name="countdown")

    def on_unmount(self) -> None:
        if self.link is not None:  # the app is closing: let go of the engine
            self.link.close()

    def open_run(self, engine: Engine) -> None:
        """Show ``engine``'s run on the run screen (replacing any run shown now)."""
        if self.link is not None:
            self.link.close()
        self.engine = engine
        self.link = SessionLink(self, engine, self._session_changed)
        self._schedule_told = {None, schedule_notice(engine)[0]}  # a resumed day: told before
        self.push_screen(RunScreen(self))
        if safeguarding.current(engine.plan.safeguarding, engine.state) is None:
            # Once, calmly: a disclosure needs somewhere to go before the session starts.
            self.notify(safeguarding.NO_LEAD, title="Safeguarding", timeout=20, markup=False)
        # Recovery is never silent: the facilitator hears what was set aside, and why.
        for warning in self.record_warnings(engine) if self.record_warnings else ():
            self.notify(
                warning,
                title="The record was mended",
                severity="warning",
                timeout=30,
                markup=False,
            )
        if self.serve is not None:
            self.join_problem = None
            self.run_worker(
                self._serve(self.serve, engine), name="serve", group="serve", exclusive=True
            )

    def on_try_port(self, message: messages.TryPort) -> None:
        if self.serve is not None and self.engine is not None:
            self.join_problem = None
            self.run_worker(
                self._serve(self.serve, self.engine, message.port),
                name="serve",
                group="serve",
                exclusive=True,
            )

    async def _serve(self, serve: Serve, engine: Engine, port: int | None = None) -> None:
        try:
            served = await serve(self, engine, port)
        except Exception as error:  # the run goes on without phones, and says so
            log.exception("participant server")
            served = JoinProblem(
                "the participant server did not start",
                f"The participant server could not start: {error}",
                "",
            )
        if self.engine is not engine:
            return
        if isinstance(served, JoinProblem):
            self.join_problem = served
            self.notify(
                f"Phones cannot join: {served.short}. Press j to see why and what to do.",
                title="Participant server",
                severity="error",
                timeout=15,
                markup=False,
            )
            served = None
        elif served and port is not None:  # after "phones cannot join": now they can
            self.clear_notifications()  # the toast saying they cannot is now untrue
            self.notify(f"Phones can join now, on port {port}.", markup=False)
        self.set_join_url(served)

    def _exit_on_sigterm(self) -> None:
        """SIGTERM (a shutdown, ``kill``) closes the app properly, restoring the terminal
        and writing the final snapshot, instead of killing it in raw mode."""
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not main thread
            pass

    def start_plan(self, plan: Plan, methods: dict[str, Method], series: str | None = None) -> None:
        try:
            engine = (
                self.new_session(plan, methods, series=series)
                if series
                else self.new_session(plan, methods)
            )
        except Exception as error:
            log.exception("could not start %s", plan.id)
            self.notify(f"Could not start the plan: {error}", severity="error", markup=False)
            return
        self.open_run(engine)

    def start_method(self, method: Method) -> None:
        """Run one method on its own: a one-item plan made in memory."""
        self.start_plan(adhoc_plan(method), {method.id: method})

    def resume_run(self, run_id: str) -> None:
        if self.resume is None:
            self.notify("Resuming runs is not available.", severity="warning", markup=False)
            return
        try:
            engine = self.resume(run_id)
        except Exception as error:
            log.exception("could not resume %s", run_id)
            self.notify(f"Could not resume that run: {error}", severity="error", markup=False)
            return
        self.open_run(engine)

    def list_runs(self) -> list[tuple[str, str, str]]:
        if self.runs is None:
            return []
        try:
            return [(str(a), str(b), str(s)) for a, b, s in self.runs()]
        except Exception:
            log.exception("could not list runs")
            return []

    # What the home screen asks for (see sessionkit.tui.messages).

    def on_start_plan(self, message: messages.StartPlan) -> None:
        self.start_plan(message.plan, message.methods, message.series)

    def on_start_method(self, message: messages.StartMethod) -> None:
        self.start_method(message.method)

    def on_resume_run(self, message: messages.ResumeRun) -> None:
        self.resume_run(message.run_id)

    def leave_run(self) -> None:
        """Back to the home screen (the run stays in its record, if it has one)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if self.link is not None:
            self.link.close()
        self.link = None
        self.engine = None
        self.join_problem = None

    def set_join_url(self, url: str | None) -> None:
        self.join_url = url
        self._session_changed()

    def on_new_join_code(self, message: messages.NewJoinCode) -> None:
        """Replace the join token, and show the new code in the room view at once."""
        try:
            if self.engine is None or self.new_join_code is None:
                raise RuntimeError("not available in this session")
            url = self.new_join_code(self.engine)
        except Exception as error:  # nothing changed: the old code still works
            log.exception("new join code")
            message_text = f"No new join code: {error}. The old one still works."
            self.notify(message_text, severity="error", markup=False)
            return
        self.set_join_url(url)
        room = self.get_screen("room")
        if url is None or not isinstance(room, RoomScreen):
            self.notify(
                "The new join code is kept, but phones cannot reach this computer now.",
                severity="warning",
                markup=False,
            )
            return
        self.notify("New join code: the old one no longer lets anyone join.", markup=False)
        room.show_join = True
        if self.screen is not room:
            self.push_screen(room)

    def on_show_room_page(self, message: messages.ShowRoomPage) -> None:
        link = self.room_link(self.engine) if self.room_link and self.engine else None
        if link is None:
            problem = self.join_problem
            self.push_screen(
                Notice(
                    "No room page now",
                    "The room page is served by the participant server, which is not "
                    "running for this run"
                    + (f" ({problem.short})." if problem else ".")
                    + " The room view (v) shows the room on this screen instead.",
                )
            )
            return
        self.push_screen(RoomPageScreen(link))

    # ------------------------------------------------------------ redraws

    def _session_screens(self) -> list[SessionScreen]:
        """The screens to redraw: the top one and, under a dialog, the one beneath."""
        screens: list[SessionScreen] = []
        if self._exit:  # shutting down: the screens are being taken apart
            return screens
        for screen in reversed(self.screen_stack):
            if isinstance(screen, SessionScreen) and screen.ready:
                screens.append(screen)
            if not isinstance(screen, ModalScreen):
                break
        return screens

    def _session_changed(self) -> None:
        if self.link is None:
            return
        day, notice = schedule_notice(self.link.engine)
        if day not in self._schedule_told:  # once, when a day begins
            self._schedule_told.add(day)
            if notice:
                self.notify(notice, title="Not at the planned time", timeout=20, markup=False)
        for screen in self._session_screens():
            try:
                screen.refresh_session()
            except NoMatches:  # the screen is being taken apart (the app is closing)
                pass

    def _tick(self) -> None:
        if self.engine is None or self.link is None:
            return
        now = self.engine.clock()
        self._ring_when_time_is_up(self.engine, now)
        for screen in self._session_screens():
            try:
                screen.tick(now)
            except NoMatches:  # the screen is being taken apart (the app is closing)
                pass

    def _ring_when_time_is_up(self, engine: Engine, now: float) -> None:
        """The bell, once, when a running countdown reaches zero (whichever screen is up;
        the countdowns turn red by themselves). Again only after more time was added."""
        state = engine.state
        timer = state.timer
        due = time_up_at(state)  # None: not running, ended, or the signal silenced
        if due is None or now < due:
            return
        mark = (state.step_key, timer.duration)
        if self._belled != mark:
            self._belled = mark
            self.bell()
            self.notify("Time is up for this step.", markup=False)

    # ------------------------------------------------------------ app-wide actions

    def go_to(self, item: int) -> None:
        if self.link is not None:
            self.link.do(c.GoTo, item=item, step=0)

    def action_help(self) -> None:
        screen = self.screen
        if hasattr(screen, "action_help"):
            screen.action_help()

    def on_export_record(self, message: messages.ExportRecord) -> None:
        self.action_export()

    def action_export(self) -> None:
        exporter = self.exporter
        if exporter is None or not self.export_formats:
            self.notify(
                "Export is not available in this session.", severity="warning", markup=False
            )
            return

        def chosen(fmt: str | None) -> None:
            if fmt is None:
                return
            try:
                path = exporter(fmt)
            except Exception as error:
                log.exception("export %s failed", fmt)
                self.notify(f"Export failed: {error}", severity="error", markup=False)
                return
            self.notify(f"Wrote {path}", title="Exported", markup=False, timeout=10)

        self.push_screen(
            Picker(
                "Export the record as…",
                [(fmt, f"{fmt}: {text}") for fmt, text in self.export_formats],
            ),
            chosen,
        )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.link is not None and any(isinstance(s, HomeScreen) for s in self.screen_stack):
            yield SystemCommand(
                "Home", "Leave this run and go back to the home screen", self.leave_run
            )
        if (
            self.link is not None
            and self.link.engine.state.ended_at is None
            and self.link.engine.state.started
        ):
            yield SystemCommand("End session", "Mark the session as finished", self._confirm_end)

    def _confirm_end(self) -> None:
        def answer(yes: bool | None) -> None:
            if yes and self.link is not None:
                self.link.do(c.EndSession)

        self.push_screen(
            Confirm(
                "End the session?",
                "The record is kept and joining closes (J reopens it); n moves on again if needed.",
            ),
            answer,
        )
