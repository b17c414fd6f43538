"""What screens ask of the app, as messages.

A screen never calls into :class:`~sessionkit.tui.app.SessionkitApp` (the app imports
the screens, so a screen importing the app would be a circle). It posts one of these; the
message bubbles from the screen to the app, whose ``on_*`` handler does the work: opening
a run, exporting the record. What a screen needs to *read* (the session link, the join
address) it gets from the small handle it was constructed with
(:class:`~sessionkit.tui.screens.base.SessionHost`).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from sessionkit.core.method import Method
from sessionkit.core.plan import Plan


@dataclass
class StartPlan(Message):
    """Start a new run of ``plan`` (from the home screen)."""

    plan: Plan
    methods: dict[str, Method]
    series: str | None = None
    """The series the new run belongs to (chosen with S on the home screen)."""


@dataclass
class StartMethod(Message):
    """Run one method on its own, as a one-item plan made in memory."""

    method: Method


@dataclass
class ResumeRun(Message):
    """Reopen the unfinished run ``run_id`` (an id the app's ``runs`` listed)."""

    run_id: str


@dataclass
class ExportRecord(Message):
    """Ask which format, then write the current run's record in it."""


@dataclass
class TryPort(Message):
    """Start the participant server again on ``port`` (the one asked for was taken)."""

    port: int


@dataclass
class NewJoinCode(Message):
    """Replace the run's join token, then show the new QR code."""


@dataclass
class ShowRoomPage(Message):
    """Show where the room page is (its address and a QR code for a second screen)."""
