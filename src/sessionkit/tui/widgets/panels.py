"""The small panels around the board: title bar, step, countdown, agenda, notes, detail.

Each is drawn from the engine's state by its ``show`` method and holds no state of its
own, so a redraw can never disagree with the engine. All text from plans, methods and
participants goes through :mod:`sessionkit.tui.safe`.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Digits, Static

from sessionkit.core import groups as rounds
from sessionkit.core.agenda import TimedItem
from sessionkit.core.engine import Engine
from sessionkit.core.groupspec import notice as split_notice
from sessionkit.core.inputs.notes import NoteSpec
from sessionkit.core.method import (
    CanvasInput,
    ClusterInput,
    DiscussionInput,
    NotesInput,
    RatingInput,
    VoteInput,
)
from sessionkit.core.mixing import table_notice
from sessionkit.core.redaction import REASONS
from sessionkit.core.state import Note
from sessionkit.core.timers import time_up_at
from sessionkit.tui.room_words import parts
from sessionkit.tui.safe import literal, one_line
from sessionkit.tui.timing import clock_of
from sessionkit.tui.widgets import kind_rows
from sessionkit.tui.widgets.agenda import summary

STYLE_CLASSES = {
    "timing--late",
    "timing--early",
    "timing--muted",
    "timing--done",
    "board--muted",
    "board--bar",
    "board--warning",
    "board--chip",
}


class Panel(Static):
    """A Static that knows the shared ``.timing--*`` / ``.board--*`` styles.

    :meth:`set` redraws only when the content really changed, and without a layout pass
    for panels whose height is fixed (``FIXED_HEIGHT``): on a busy board a layout of the
    whole screen on every tick or cursor move is what makes a terminal app feel slow.
    """

    COMPONENT_CLASSES = STYLE_CLASSES
    FIXED_HEIGHT = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: Content | None = None

    def set(self, content: Content | str, *, layout: bool | None = None) -> None:
        if isinstance(content, str):
            content = Content(content)
        if self._shown is not None and self._shown.is_same(content):
            return
        self._shown = content
        self.update(content, layout=not self.FIXED_HEIGHT if layout is None else layout)


def clock_face(seconds: float) -> str:
    """Countdown text for Digits: ``9:05``, ``1:02:00``; overrun as ``+0:42``."""
    over = seconds < 0
    total = int(-seconds if over else seconds + 0.999)  # 0.4 s left still shows 0:01
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return ("+" if over else "") + text


class TimerStatus(Panel):
    """The countdown's status line: redrawn without a layout pass on every tick, with
    one only when it needs another number of lines (Welsh and English in cy+en, or a
    long status wrapped in the timer's width)."""

    FIXED_HEIGHT = True
    _lines = 1

    def set(self, content: Content | str, *, layout: bool | None = None) -> None:
        if isinstance(content, str):
            content = Content(content)
        width = self.content_region.width or 25
        lines = max(1, len(content.wrap(max(width, 10))))
        taller = lines != self._lines
        self._lines = lines
        super().set(content, layout=taller or bool(layout))


class Countdown(Vertical):
    """The step's timer in large digits, with a line saying what state it is in.

    CSS classes: ``-running``, ``-paused``, ``-warning`` (last minute), ``-overtime``.
    """

    def compose(self) -> ComposeResult:
        yield Digits("0:00", id="digits")
        yield TimerStatus("", id="timer-status")

    def _digits(self, text: str) -> None:
        digits = self.query_one(Digits)
        if digits.value != text:  # called 4 times a second: redraw only on change
            digits.update(text)

    def show(self, engine: Engine, now: float, language: str = "en") -> bool:
        """Redraw; returns True if the time is up (and the timer running). The status
        words are in ``language`` (the room view's ``--language``; the run screen's are
        English, as the facilitator's screens are)."""
        state = engine.state
        timer = state.timer
        if not state.started:
            self._digits("0:00")
            self.query_one(TimerStatus).set(parts(["not started"], language))
            self.set_classes("")
            return False
        remaining = timer.remaining_at(now)
        ended = state.ended_at is not None
        self._digits(clock_face(remaining))
        running = timer.running and not ended
        over = remaining <= 0 and not ended
        values: dict[str, str] = {}
        if ended:
            words = ["session ended"]
        elif over:
            words = ["TIME UP", "running" if running else "paused"]
        elif running:
            words = ["running", "of {time}"]
            values["time"] = clock_face(timer.duration)
        else:
            words = ["paused", "space starts"]
        if state.timer_silenced and not ended:
            words.append("silent")
        self.query_one(TimerStatus).set(parts(words, language, **values))
        self.set_class(running, "-running")
        self.set_class(not running and not ended, "-paused")
        self.set_class(ended, "-ended")
        self.set_class(over, "-overtime")
        self.set_class(0 < remaining <= 60 and not ended, "-warning")
        self.set_class(flashing(engine, now), "-flash")
        return over and running


FLASH_SECONDS = 10
"""How long the countdown flashes once it reaches zero (the room notices; then it stays red)."""


def flashing(engine: Engine, now: float) -> bool:
    """Is the countdown in the bright half of a flash? Twice a second for the first
    :data:`FLASH_SECONDS` after zero, while running and unless silenced."""
    due = time_up_at(engine.state)
    if due is None or not 0 <= now - due < FLASH_SECONDS:
        return False
    return int((now - due) * 2) % 2 == 0


KIND_WORDS = {
    "notes": "sticky notes",
    "canvas": "notes on a canvas",
    "cluster": "clustering",
    "vote": "dot vote",
    "rating": "rating",
    "discussion": "discussion",
}


class StepInfo(Panel):
    """Where we are in the agenda and what the room is asked to do."""

    def show(self, engine: Engine) -> None:
        state = engine.state
        if not engine.items:
            self.set(Content("This plan has no agenda items."))
            return
        if not state.started:
            first = engine.items[0]
            self.set(
                Content.assemble(
                    Content.styled("Not started yet", "bold"),
                    "\n",
                    "Press ",
                    Content.styled("n", "bold reverse"),
                    " to begin with ",
                    one_line(first.title, "bold"),
                    ".",
                )
            )
            return
        item, step = engine.step_def()
        where = Content.styled(f"{item.index + 1}/{len(engine.items)} ", ".timing--muted")
        head = where + one_line(item.title)
        lines = [head]
        if step is not None:
            count = len(item.steps)
            head += Content.styled(
                f" · step {state.step + 1}/{count} · "
                f"{KIND_WORDS.get(step.input.kind, step.input.kind)}, {step.grouping.value}",
                ".timing--muted",
            )
            lines = [head, one_line(step.title, "bold")]
            if reason := engine.countdown_reason():
                lines.append(Content.styled(f"Timer {reason}", ".timing--muted"))
        if state.ended_at is not None:
            lines.insert(0, Content.styled("Session ended.", "bold"))
        lines.append(literal(engine.prompt()))
        self.set(Content("\n").join(lines))


class BoardInfo(Panel):
    """One line above the board: what this board is and what can be done on it."""

    FIXED_HEIGHT = True

    def show(self, engine: Engine, kind: str, *, private: bool, selected: int, notes: int) -> None:
        state = engine.state
        key = state.step_key
        parts: list[Content] = []
        if kind == "waiting":
            parts.append(Content("The board shows each step's notes once the session starts."))
        elif kind == "ended":
            parts.append(Content("The session has ended. Press e to export the record."))
        elif kind == "break" and engine.item().kind == "talk":
            parts.append(Content("A talk: nothing is collected (your notes are beside this)."))
        elif kind == "break" and engine.item().kind != "method":
            parts.append(Content("A break: nothing is collected."))
        elif kind == "break":
            parts.append(
                Content.styled(
                    "This item's method was not found in the library, so it has no steps.",
                    ".board--warning",
                )
            )
        else:
            _, step = engine.step_def()
            spec = step.input if step else None
            if isinstance(spec, (NotesInput, CanvasInput)):
                parts.append(Content(f"{notes} note{'s' * (notes != 1)}"))
                if isinstance(spec, CanvasInput):
                    places = "cells" if spec.is_grid else "regions"
                    parts.append(Content(f" · [ ] or c moves a note between {places}"))
            elif isinstance(spec, ClusterInput):
                clusters = sum(1 for cl in state.clusters.values() if cl.step == key)
                parts.append(
                    Content(
                        f"{notes} note{'s' * (notes != 1)} · "
                        f"{clusters} cluster{'s' * (clusters != 1)}"
                    )
                )
                if selected:
                    parts.append(
                        Content.styled(f" · {selected} selected (g groups, t moves)", "bold")
                    )
                else:
                    parts.append(Content.styled(" · x selects, g groups", ".timing--muted"))
            elif isinstance(spec, VoteInput):
                status = state.step_state(key).vote
                votes = state.votes.get(key, {})
                dots = sum(sum(b.values()) for b in votes.values())
                voters = sum(1 for b in votes.values() if sum(b.values()))
                word = {
                    "open": "Vote OPEN",
                    "closed": "Vote closed: results",
                    "not opened": "Vote not opened (o opens it)",
                }.get(status, status)
                parts.append(Content.styled(word, "bold"))
                parts.append(
                    Content(
                        f" · {dots} dot{'s' * (dots != 1)} from {voters} "
                        f"{'person' if voters == 1 else 'people'} · "
                        f"{spec.dots_per_person} each"
                    )
                )
            elif isinstance(spec, RatingInput):
                from sessionkit.tui.board_model import rating_summary

                count, mean = rating_summary(engine)
                question = one_line(spec.question or "Ratings", "bold")
                parts.append(question)
                parts.append(Content(f" · {count} rating{'s' * (count != 1)}"))
                if mean is not None:
                    parts.append(Content(f" · average {mean:.1f}"))
            elif isinstance(spec, DiscussionInput):
                parts.append(Content("Discussion · s writes the summary"))
            elif spec is not None and (info := kind_rows.board_info(engine, spec)) is not None:
                parts.append(info)
            parts.extend(_groups_line(engine, key))
            if state.step_state(key).locked:
                parts.append(Content.styled("  PHONE INPUT PAUSED (i)", ".board--warning"))
        if private:
            parts.insert(
                0, Content.styled(" PRIVATE — not yet revealed to the room (R reveals) ", "reverse")
            )
            parts.insert(1, Content(" "))
        self.set(Content.assemble(*parts))


def _groups_line(engine: Engine, key: str) -> list[Content]:
    """How many groups a grouped step has, and what is not as planned (G re-forms)."""
    spec = rounds.spec_at(engine.items, key)
    if spec is None:
        return []
    state = engine.state
    formed = [rounds.present(state, g) for g in rounds.current(state, key)]
    count = len(formed)
    parts = [Content(f" · {count} group{'s' * (count != 1)}")]
    notice = split_notice(spec, formed)
    if spec.by == "table":  # a group per table: its size is the table's, not the spec's
        people = [m for members in formed for m in members]
        loose = sum(state.participants[m].table is None for m in people)
        notice = table_notice(loose, len(people))
    if notice:  # before the key hint: on a narrow screen the end of the line is cut
        parts.append(Content.styled(f" · {notice}", ".board--warning"))
    parts.append(Content.styled(" · G re-forms, w places someone", ".timing--muted"))
    return parts


class FacilitatorNotes(Panel):
    """Notes for the facilitator: this slot's notes and this step's notes. Never shown
    to the room."""

    def with_border_title(self, title: str) -> FacilitatorNotes:
        self.border_title = title  # our own words, not untrusted text
        return self

    def show(self, engine: Engine) -> None:
        state = engine.state
        if not engine.items:
            self.set("")
            return
        item, step = engine.step_def() if state.started else (engine.items[0], None)
        parts: list[Content] = []
        if step is not None and step.facilitator_notes:
            parts.append(literal(step.facilitator_notes))
        if item.item.notes:
            if parts:
                parts.append(Content(""))
            parts.append(Content.styled("This slot: ", "bold") + literal(item.item.notes))
        variation = _variation(item)
        if variation is not None:
            if parts:
                parts.append(Content(""))
            parts.append(Content.styled("Variation: ", "bold") + literal(variation))
        if not parts:
            parts.append(Content.styled("No facilitator notes for this step.", ".timing--muted"))
        self.set(Content("\n").join(parts))


def _variation(item: TimedItem) -> str | None:
    """``"Quick: Skip the talk."``: the variation the plan chose for this slot."""
    name = item.item.variation
    if not name or item.method is None:
        return None
    described = {v.name: v.description for v in item.method.variations}
    return f"{name}: {described[name]}" if name in described else name


class Detail(Panel):
    """The focused note in full, wrapped (the board shows one line per note).

    Its height follows the note (CSS caps it), but a layout pass is asked for only when
    the number of lines changes: moving the cursor between short notes stays cheap."""

    FIXED_HEIGHT = True

    _lines = -1

    def set(self, content: Content | str, *, layout: bool | None = None) -> None:
        if isinstance(content, str):
            content = Content(content)
        width = self.content_region.width or self.app.size.width or 80
        lines = len(content.wrap(max(width, 10)))
        taller = lines != self._lines
        self._lines = lines
        super().set(content, layout=taller or bool(layout))

    def on_resize(self) -> None:
        # Another width wraps the note into another number of lines.
        if self._shown is not None:
            shown, self._shown = self._shown, None
            self.set(shown)

    def show_text(self, text: str, meta: str = "") -> None:
        self.set(Content.assemble(literal(text), "\n", one_line(meta, ".timing--muted")))

    def show_note(self, note: Note | None, engine: Engine) -> None:
        if note is None:
            self.set("")
            return
        state = engine.state
        meta: list[str] = []  # never the note's internal id: people see its words
        _, step = engine.step_def(note.step)
        spec = step.input if step else None
        if note.category:
            labels = {cat.id: cat.label for cat in getattr(spec, "categories", [])}
            meta.append(labels.get(note.category, note.category))
        if note.region:
            places = spec.note_regions() if isinstance(spec, NoteSpec) else ()
            labels = {r.id: r.label for r in places}
            meta.append(f"on {labels.get(note.region, note.region)}")
        if note.cluster and note.cluster in state.clusters:
            meta.append(f"in {state.clusters[note.cluster].label}")
        if note.group and note.group in state.groups:
            group = state.groups[note.group]
            meta.append(f"group {group.label}" + (", its pick" if group.picked == note.id else ""))
        if note.author_name:
            meta.append(f"by {note.author_name}")
        elif note.author == "facilitator":
            meta.append("typed by the facilitator")
        if note.hidden:
            meta.append("HIDDEN from the room")
        if note.redacted is not None:  # first: a narrow panel cuts the line's end
            meta.insert(0, f"removed for: {REASONS.get(note.redacted, note.redacted)}")
        self.set(
            Content.assemble(literal(note.text), "\n", one_line(" · ".join(meta), ".timing--muted"))
        )


class TitleBar(Panel):
    """Top line: plan, clock, progress against the plan, people joined, storage trouble,
    and why phones cannot join (``cannot_join``), for as long as they cannot."""

    FIXED_HEIGHT = True

    def show(
        self,
        engine: Engine | None,
        now: float,
        title: str = "sessionkit",
        *,
        cannot_join: str | None = None,
    ) -> None:
        parts: list[Content] = [Content.styled(" sessionkit ", "reverse bold"), Content(" ")]
        if engine is None:
            parts.append(one_line(title))
            self.set(Content.assemble(*parts))
            return
        pace = summary(engine, now)
        right: list[Content] = [Content.styled(f"  {clock_of(now)}  ", ".timing--muted"), pace]
        if engine.state.ended_at is not None:  # the first thing said after the title
            right.insert(0, Content.styled("  SESSION ENDED", "bold reverse"))
        people = len(engine.state.active_participants())
        if people:
            right.append(Content(f"  · {people} joined"))
        right.append(Content(" "))
        if engine.storage_error:  # the most important thing on the line when it happens
            right.insert(
                0,
                Content.styled("  NOT SAVING: ", "bold reverse")
                + one_line(engine.storage_error, ".board--warning"),
            )
        width = self.size.width or self.app.size.width or 100  # before its first layout
        if cannot_join:  # the reason as long as the width allows, else the bare fact
            flag = Content.styled("  PHONES CANNOT JOIN", "bold reverse")
            reason = Content.styled(f": {cannot_join} (j)", ".board--warning")
            if Content.assemble(*right, flag, reason).cell_length + 21 > width:
                reason = Content.styled(" (j)", ".board--warning")
            right.insert(0, flag + reason)
        tail = Content.assemble(*right)
        if tail.cell_length + 21 > width:  # the short pace, so the line keeps its end
            right[right.index(pace)] = summary(engine, now, compact=True)
            tail = Content.assemble(*right)
        room = max(8, width - tail.cell_length - 13)
        plan_title = one_line(engine.plan.title, "bold")
        if plan_title.cell_length > room:
            plan_title = plan_title.truncate(room, ellipsis=True)
        self.set(Content.assemble(*parts, plan_title, tail))


class Filler(Widget):
    """Takes up the remaining space."""
