"""Agenda arithmetic: clock times of every item and step of a plan, and overruns.

Pure functions of a plan and its methods; used by ``sessionkit plan``, the loader's
overrun check, the engine (planned versus actual) and the TUI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sessionkit.core.language import pick
from sessionkit.core.method import Method, Step, fill_labels, fill_variables
from sessionkit.core.plan import AgendaItem, Day, Plan
from sessionkit.core.scaling import ScaledTime, group_count, groups_for, scaled_minutes
from sessionkit.core.sources import Carry, resolve


@dataclass(frozen=True)
class TimedStep:
    step: Step
    start: int
    """Minutes after midnight."""
    minutes: int
    why: str = ""
    """Why it takes ``minutes`` when the step scales with the room (``"30 s a person for
    24 people"``; "" when it does not)."""

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def reason(self) -> str:
        """``"12 min: 30 s a person for 24 people"``, or "" for a step that does not scale."""
        return f"{self.minutes} min: {self.why}" if self.why else ""


@dataclass(frozen=True)
class TimedItem:
    index: int
    """Position in the plan's flat agenda (across days)."""
    day: int
    item: AgendaItem
    method: Method | None
    title: str
    start: int
    minutes: int
    steps: tuple[TimedStep, ...] = ()
    carry: Carry | None = None
    """What one of its steps takes from an earlier item (the plan's ``from``)."""

    @property
    def end(self) -> int:
        return self.start + self.minutes

    @property
    def kind(self) -> str:
        return self.item.kind

    def prompt(self, step: Step, language: str = "en") -> str:
        """The step's prompt with this slot's variables (or the method's defaults) filled;
        its Welsh prompt where ``language`` is "cy" and the step has one."""
        text = pick(step.prompt, step.cy.prompt if step.cy else "", language)
        return fill_variables(text, item_values(self.item, self.method))


def item_values(item: AgendaItem, method: Method | None) -> dict[str, str]:
    """The method's variables as this slot sets them (or their defaults)."""
    values = {name: var.default for name, var in (method.variables if method else {}).items()}
    values.update(item.variables)
    return values


@dataclass(frozen=True)
class TimedDay:
    index: int
    date: dt.date | None
    title: str
    start: int
    end: int
    items: tuple[TimedItem, ...] = field(default_factory=tuple)

    @property
    def planned_minutes(self) -> int:
        return sum(item.minutes for item in self.items)

    @property
    def available_minutes(self) -> int:
        return self.end - self.start

    @property
    def finish(self) -> int:
        return self.items[-1].end if self.items else self.start

    @property
    def overrun_minutes(self) -> int:
        return max(0, self.finish - self.end)


@dataclass(frozen=True)
class TimedAgenda:
    days: tuple[TimedDay, ...]
    people: int | None = None
    """The people its scaling steps were timed for (None: a small room, their timeboxes)."""

    @property
    def items(self) -> tuple[TimedItem, ...]:
        return tuple(item for day in self.days for item in day.items)

    @property
    def overruns(self) -> list[TimedDay]:
        return [day for day in self.days if day.overrun_minutes]


def scale_timeboxes(timeboxes: list[int], total: int) -> list[int]:
    """Scale step timeboxes to add up to ``total`` minutes, each at least one minute.

    Largest-remainder rounding, so the parts always add up exactly to the whole.
    """
    if not timeboxes:
        return []
    if total < len(timeboxes):
        total = len(timeboxes)
    current = sum(timeboxes)
    if current <= 0:
        timeboxes, current = [1] * len(timeboxes), len(timeboxes)
    raw = [t * total / current for t in timeboxes]
    parts = [max(1, int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(parts) < total:
        parts[order[i % len(order)]] += 1
        i += 1
    while sum(parts) > total:
        biggest = max(range(len(parts)), key=lambda j: parts[j])
        parts[biggest] -= 1
    return parts


def room_times(method: Method, people: int | None, tables: int | None = None) -> list[ScaledTime]:
    """Each step's minutes for ``people`` (its timebox when it does not scale)."""
    return [
        scaled_minutes(
            step.timebox,
            step.scale,
            people,
            group_count(groups_for(method.steps, n), people or 0, tables),
        )
        for n, step in enumerate(method.steps)
    ]


def item_minutes(
    item: AgendaItem, method: Method | None, people: int | None = None, tables: int | None = None
) -> int:
    if item.kind != "method":
        return item.pause_minutes
    if item.minutes is not None:
        return item.minutes
    return sum(t.minutes for t in room_times(method, people, tables)) if method else 0


def step_times(
    item: AgendaItem, method: Method, people: int | None = None, tables: int | None = None
) -> list[ScaledTime]:
    """Each step's minutes and why, for ``people``. A plan's ``minutes`` for the item fixes
    its length: the room's step times are then scaled in proportion to fill it, so a big
    room shares the same slot differently rather than making the slot longer."""
    times = room_times(method, people, tables)
    boxes = [t.minutes for t in times]
    if item.minutes is None or item.minutes == sum(boxes):
        return times
    fitted = scale_timeboxes(boxes, item.minutes)
    return [
        ScaledTime(
            n, t.people, f"{t.why}; fitted into the item's {item.minutes} min" if t.why else ""
        )
        for n, t in zip(fitted, times, strict=True)
    ]


def step_minutes(
    item: AgendaItem, method: Method, people: int | None = None, tables: int | None = None
) -> list[int]:
    return [t.minutes for t in step_times(item, method, people, tables)]


def item_title(item: AgendaItem, method: Method | None) -> str:
    if item.title:
        return item.title
    if method is not None:
        return method.name
    if item.method is not None:
        return item.method
    if item.talk is not None:
        return item.talk
    return "Lunch" if item.kind == "lunch" else "Break"


def time_plan(plan: Plan, methods: dict[str, Method], people: int | None = None) -> TimedAgenda:
    """Lay the plan out on the clock for ``people`` (default: the plan's
    ``expected_people``; 0: a small room, every step its timebox). Unknown methods take no
    time (the loader reports them)."""
    if people is None:
        people = plan.expected_people
    days: list[TimedDay] = []
    index = 0
    carries, _ = resolve(plan, methods)  # problems are the loader's to report
    for d, day in enumerate(plan.days):
        clock = day.start.hour * 60 + day.start.minute
        items: list[TimedItem] = []
        for item in day.agenda:
            method = methods.get(item.method) if item.method else None
            if method is not None:  # region and category labels may use variables too
                method = fill_labels(method, item_values(item, method))
            minutes = item_minutes(item, method, people, plan.tables)
            steps: list[TimedStep] = []
            if method is not None:
                step_clock = clock
                times = step_times(item, method, people, plan.tables)
                for step, time in zip(method.steps, times, strict=False):
                    steps.append(TimedStep(step, step_clock, time.minutes, time.why))
                    step_clock += time.minutes
            title = item_title(item, method)
            carry = carries.get(index)
            items.append(
                TimedItem(index, d, item, method, title, clock, minutes, tuple(steps), carry)
            )
            clock += minutes
            index += 1
        end = day.end.hour * 60 + day.end.minute
        days.append(TimedDay(d, day.date, day.title, days_start(day), end, tuple(items)))
    return TimedAgenda(tuple(days), people or None)


def days_start(day: Day) -> int:
    return day.start.hour * 60 + day.start.minute


def clock_text(minutes: int) -> str:
    """Minutes after midnight as ``HH:MM`` (past midnight shows as +1d)."""
    days, rest = divmod(minutes, 24 * 60)
    text = f"{rest // 60:02d}:{rest % 60:02d}"
    return text + (f" +{days}d" if days else "")
