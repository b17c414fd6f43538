"""What was planned against what happened: agenda items and steps with their times.

The record (:mod:`sessionkit.core.record`) builds these views from a plan and a state;
the exports show them. Times are shown in the local time zone of the machine exporting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sessionkit.core.agenda import clock_text
from sessionkit.core.method import Step
from sessionkit.core.state import SessionState, Span

# ---------------------------------------------------------------- time helpers


def local_time(timestamp: float) -> dt.datetime:
    """A Unix timestamp as a naive local date and time (the exporting machine's zone)."""
    return dt.datetime.fromtimestamp(timestamp)


def _dated(timestamp: float | None, same_day: dt.date | None) -> str:
    """``HH:MM``, with the date in front (``Tue 7 May 09:30``) if not on ``same_day``."""
    if timestamp is None:
        return ""
    when = local_time(timestamp)
    if same_day is None or when.date() == same_day:
        return f"{when:%H:%M}"
    return f"{when:%a} {when.day} {when:%b} {when:%H:%M}"


def minutes_text(minutes: float) -> str:
    """``45 min``, ``1 h 05 min``."""
    whole = round(minutes)
    hours, rest = divmod(abs(whole), 60)
    sign = "-" if whole < 0 else ""
    if not hours:
        return f"{sign}{rest} min"
    return f"{sign}{hours} h" + (f" {rest:02d} min" if rest else "")


# ---------------------------------------------------------------- visits


def visits(span: Span | None) -> list[tuple[float, float | None]]:
    """Each time it was run, as (start, end); end is ``None`` while it still runs.

    A record from before visits were kept has only its first start and last end: that is
    then its one visit."""
    if span is None or span.started_at is None:
        return []
    if span.visits:
        return [(v[0], v[1] if len(v) > 1 else None) for v in span.visits]
    return [(span.started_at, span.ended_at)]


def was_left(state: SessionState, item: int, steps: int) -> bool:
    """Was agenda item ``item`` run and then left before all its ``steps`` were (the
    facilitator went elsewhere, or ended the session there)? Then it is "left", not done.

    Derived from which steps have spans, so it needs no event of its own and reads the
    same from any record."""
    if str(item) not in state.items:
        return False
    if state.started and state.item == item and state.ended_at is None:
        return False  # where we are: neither done nor left yet
    return any(f"{item}.{n}" not in state.step_spans for n in range(max(1, steps)))


def steps_run(state: SessionState, item: int, steps: int) -> int:
    """How many of agenda item ``item``'s ``steps`` were run at all."""
    return sum(f"{item}.{n}" in state.step_spans for n in range(max(1, steps)))


# ---------------------------------------------------------------- views


class _Timed:
    """Planned against actual minutes, for an agenda item or one of its steps."""

    span: Span | None
    current: bool
    planned_minutes: int

    @property
    def actual_minutes(self) -> float | None:
        """Time spent in it (all visits); ``None`` if not run or still running."""
        if self.span is None or self.span.started_at is None or self.current:
            return None
        return self.span.seconds / 60

    @property
    def overrun_minutes(self) -> int | None:
        """Actual minus planned minutes, rounded (negative: finished early)."""
        actual = self.actual_minutes
        return None if actual is None else round(actual - self.planned_minutes)


@dataclass(frozen=True)
class StepView(_Timed):
    """One step of one agenda item, with its plan and what actually happened."""

    key: str
    """``"<item index>.<step index>"``, as the state spells it."""
    item_index: int
    index: int
    item_title: str
    title: str
    kind: str
    """The step's input kind: notes, canvas, cluster, vote, rating, discussion, or
    ``pause`` for a break or lunch, ``talk`` for a talk item."""
    prompt: str
    """What participants saw, with the plan's variables filled in."""
    step: Step | None
    planned_start: int
    """Minutes after midnight."""
    planned_minutes: int
    span: Span | None
    current: bool
    summary: str
    anonymous: bool
    """True unless the step is a notes or canvas step with ``anonymous = false``."""
    prompt_cy: str = ""
    """The Welsh prompt (``cy.prompt``) with the variables filled in; empty: none."""
    carried_from: str = ""
    """Where the items it works on came from (``items carried forward from 'X' (Y)``),
    when the plan carries an earlier item's items into it."""

    @property
    def visited(self) -> bool:
        return self.span is not None and self.span.started_at is not None


@dataclass(frozen=True)
class ItemView(_Timed):
    """One agenda item: planned clock times against the actual ones."""

    index: int
    day: int
    day_date: dt.date | None
    title: str
    kind: str
    """method, talk, break or lunch."""
    method_id: str | None
    planned_start: int
    planned_end: int
    span: Span | None
    current: bool
    steps: tuple[StepView, ...] = ()
    first_day: dt.date | None = None
    """The local date the run started: times on other days are shown with their date."""
    variation: str = ""
    """The method's variation the plan chose for this slot."""
    left: bool = False
    """Run and then left before all its steps were (:func:`was_left`): not done."""
    planned_minutes: int = field(init=False)
    """Worked out from the planned start and end."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "planned_minutes", self.planned_end - self.planned_start)

    @property
    def started_at(self) -> float | None:
        return self.span.started_at if self.span else None

    @property
    def ended_at(self) -> float | None:
        return None if self.span is None or self.current else self.span.ended_at

    @property
    def planned_text(self) -> str:
        return f"{clock_text(self.planned_start)}–{clock_text(self.planned_end)}"

    @property
    def actual_text(self) -> str:
        """``09:30–10:05``; each visit when it was run more than once (``09:30–09:40,
        10:20–10:25``), so going back never shows spans overlapping what came between."""
        if self.started_at is None:
            return "not run"
        parts = []
        for start, end in visits(self.span):
            begun = _dated(start, self.first_day)
            if end is None:
                parts.append(f"{begun}– (in progress)" if self.current else f"{begun}–")
            else:
                parts.append(f"{begun}–{_dated(end, local_time(start).date())}")
        text = ", ".join(parts)
        if self.left:
            run = sum(step.visited for step in self.steps)
            text += f" (left after {run} of {len(self.steps)} steps)"
        return text

    @property
    def overrun_text(self) -> str:
        over = self.overrun_minutes
        if over is None:
            return ""
        if over == 0:
            return "on time"
        return (
            f"+{minutes_text(over)}" if over > 0 else f"{minutes_text(over)}".replace("-", "−", 1)
        )
