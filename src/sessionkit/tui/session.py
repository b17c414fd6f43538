"""The TUI's single doorway to the engine.

Every command the facilitator gives goes through :meth:`SessionLink.do`, which builds the
command (pydantic validation included), runs it, and turns a :class:`Rejected` (or a
validation error, or anything unexpected) into a notification: the app never crashes on a
refused command, and the facilitator always hears why.

Changes reach the screens in one place too. The engine calls our subscriber for every
event, whoever sent it; phones can send hundreds a second, so the subscriber only marks
the session changed and the screens are refreshed at most once per :data:`FLUSH_DELAY`.
The facilitator's own commands refresh at once, so a key press shows its result on the
next frame.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from sessionkit import heap
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.state import Event, SessionState

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

log = logging.getLogger(__name__)

FLUSH_DELAY = 0.05
"""Seconds to gather events before redrawing: a phone's note shows within ~50 ms."""


def explain(error: ValidationError) -> str:
    """A pydantic error as one sentence for a person (what was wrong with which field)."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ()) if part != "type")
    message = first.get("msg", "is not valid")
    return f"{field}: {message}" if field else message


class SessionLink:
    """Runs commands against one engine and tells the app when its state changed."""

    def __init__(self, app: App[Any], engine: Engine, on_change: Callable[[], None]) -> None:
        self.app = app
        self.engine = engine
        self.on_change = on_change
        self.changes = 0
        """Events seen so far; screens compare it with what they last drew."""
        self._drawn = 0
        self._timer: Timer | None = None
        self._unsubscribe = engine.subscribe(self._on_event)
        self._closed = False
        # The run as loaded (10,000 notes are some 400,000 objects) stays while it is
        # open: kept out of the garbage collector's full passes, each of which would
        # otherwise walk all of it (about 100 ms at 10,000 notes, a stall landing on
        # whatever key press or phone note comes then; see docs/benchmarks.md). Never
        # unfrozen: the phone server freezes the same one permanent generation for the
        # process, and unfreezing on close would undo that too. What the run grows by
        # later is frozen as full passes find it alive (:mod:`sessionkit.heap`).
        heap.keep_what_lasts()
        gc.freeze()

    @property
    def state(self) -> SessionState:
        return self.engine.state

    def settle(self) -> None:
        """Something big that lasts was just made (a board laid out from every note):
        keep it out of the full passes too. (What was garbage at that moment is not
        collected while the process lives: a little memory for no 100 ms pauses.)"""
        if not self._closed:
            gc.freeze()

    def close(self) -> None:
        """Let go of the engine (again: nothing)."""
        if self._closed:
            return
        self._closed = True
        self._unsubscribe()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # ------------------------------------------------------------ commands

    def do(self, command: type[c.Command], **fields: Any) -> Event | None:
        """Build and run one command as the facilitator; ``None`` if it was refused."""
        try:
            event = self.engine.execute(command(**fields))
        except Rejected as refusal:
            self.app.bell()
            self.app.notify(str(refusal), severity="warning", markup=False)
            return None
        except ValidationError as error:
            self.app.bell()
            self.app.notify(explain(error), severity="warning", markup=False)
            return None
        except Exception as error:  # a bug must not end a workshop: report and go on
            log.exception("command %s failed", command.__name__)
            self.app.notify(
                f"That did not work ({type(error).__name__}: {error}).",
                severity="error",
                markup=False,
            )
            return None
        self.flush()
        return event

    def do_many(self, commands: Sequence[c.Command]) -> int:
        """Run several commands with one journal write; returns how many were carried out.

        Refusals are reported once (the first reason), not once per note.
        """
        try:
            results = self.engine.execute_many([(cmd, "facilitator") for cmd in commands])
        except Exception as error:
            log.exception("batch failed")
            self.app.notify(
                f"That did not work ({type(error).__name__}: {error}).",
                severity="error",
                markup=False,
            )
            return 0
        refused = [r for r in results if isinstance(r, Rejected)]
        if refused:
            self.app.bell()
            more = f" ({len(refused)} of {len(results)} not done)" if len(results) > 1 else ""
            self.app.notify(f"{refused[0]}{more}", severity="warning", markup=False)
        self.flush()
        return len(results) - len(refused)

    # ------------------------------------------------------------ change notification

    def _on_event(self, event: Event, state: SessionState) -> None:
        self.changes += 1
        if self._timer is None:
            self._timer = self.app.set_timer(FLUSH_DELAY, self.flush, name="session-flush")

    def flush(self) -> None:
        """Redraw now if anything changed since the last redraw."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._drawn == self.changes:
            return
        self._drawn = self.changes
        self.on_change()
