"""Checks of a plan against the methods loaded: references, variables, minutes, overruns.

These run once every method is known, so a plan may name a method from any source.
"""

from __future__ import annotations

from sessionkit.core.agenda import TimedDay, clock_text, room_times, time_plan
from sessionkit.core.fields import VARIABLE
from sessionkit.core.method import label_texts
from sessionkit.core.plan import AgendaItem, Plan
from sessionkit.core.sources import resolve
from sessionkit.library.contents import Library
from sessionkit.library.problems import (
    Problem,
    _did_you_mean,
    _quoted_list,
    display_path,
    field_path,
)
from sessionkit.library.toml_file import _Source
from sessionkit.library.toml_lines import Loc


def overrun_message(day: TimedDay) -> str:
    """``day 1 (2025-02-11) ends at 16:45, 15 min after its end time 16:30``."""
    label = f"day {day.index + 1}"
    if day.date is not None:
        label += f" ({day.date.isoformat()})"
    return (
        f"{label} ends at {clock_text(day.finish)}, {day.overrun_minutes} min after its "
        f"end time {clock_text(day.end)}"
    )


# (where in the plan, message, code) of one problem, before it is located in the file
_Finding = tuple[Loc, str, str]


def _check_plan_references(plan: Plan, source: _Source, library: Library) -> list[Problem]:
    """Every agenda item against its method, then the timed days against their end times."""
    findings: list[_Finding] = []
    known = sorted(set(library.methods) | set(library.rejected_methods))
    for d, day in enumerate(plan.days):
        for a, item in enumerate(day.agenda):
            findings += _item_findings(item, ("days", d, "agenda", a), library, known)
            findings += _grouping_findings(plan, item, ("days", d, "agenda", a), library)
    findings += resolve(plan, library.methods)[1]  # from, top, cluster, into, variation
    findings += _overrun_findings(plan, library)
    return [
        Problem(source.path, source.lines.line(loc), field_path(loc), message, code=code)
        for loc, message, code in findings
    ]


def _grouping_findings(
    plan: Plan, item: AgendaItem, where: Loc, library: Library
) -> list[_Finding]:
    """A method grouped by role or by table needs the plan to ask people for it."""
    method = library.methods.get(item.method) if item.method else None
    findings: list[_Finding] = []
    for step in method.steps if method is not None else ():
        by = step.groups.by if step.groups is not None else None
        if by == "role" and not plan.join_roles:
            findings.append(
                (
                    (*where, "method"),
                    f"step '{step.id}' of '{item.method}' mixes groups by role, but the plan "
                    'declares no join_roles (add join_roles = ["...", "..."] to the plan)',
                    "groups-by",
                )
            )
        if by == "table" and plan.tables is None:
            findings.append(
                (
                    (*where, "method"),
                    f"step '{step.id}' of '{item.method}' makes a group per table, but the "
                    "plan declares no tables (add tables = N to the plan)",
                    "groups-by",
                )
            )
    return findings


def _item_findings(
    item: AgendaItem, where: Loc, library: Library, known: list[str]
) -> list[_Finding]:
    """An agenda item's method must exist and be sound; its variables and minutes must fit."""
    if item.method is None:
        return []
    method = library.methods.get(item.method)
    if method is None:
        if item.method in library.rejected_methods:
            bad = library.method_paths.get(item.method)
            return [
                (
                    (*where, "method"),
                    f"method '{item.method}' has problems of its own (see "
                    f"{display_path(bad) if bad else 'sessionkit check'})",
                    "broken-method",
                )
            ]
        hint = _did_you_mean(item.method, known)
        return [((*where, "method"), f"unknown method '{item.method}'{hint}", "unknown-method")]
    findings: list[_Finding] = []
    in_labels = {
        n
        for step in method.steps
        for _, label in label_texts(step.input)
        for n in VARIABLE.findall(label)
    }
    for name, value in item.variables.items():
        if name in in_labels and not value:
            findings.append(
                (
                    (*where, "variables", name),
                    f"'{name}' names a region or category of '{method.id}', so it cannot be empty",
                    "variable",
                )
            )
        if name not in method.variables:
            declared = list(method.variables)
            hint = _did_you_mean(name, declared)
            if not hint:
                hint = (
                    f" (it declares {_quoted_list(declared)})"
                    if declared
                    else " (it declares no variables)"
                )
            findings.append(
                (
                    (*where, "variables", name),
                    f"method '{method.id}' declares no variable '{name}'{hint}",
                    "variable",
                )
            )
    if item.minutes is not None:
        low, high = method.duration.min, method.duration.max
        if not low <= item.minutes <= high:
            findings.append(
                (
                    (*where, "minutes"),
                    f"minutes = {item.minutes} is outside the duration of method "
                    f"'{method.id}' ({low}..{high} min)",
                    "minutes",
                )
            )
        elif item.minutes < len(method.steps):
            findings.append(
                (
                    (*where, "minutes"),
                    f"minutes = {item.minutes} is too short for the "
                    f"{len(method.steps)} steps of '{method.id}' "
                    "(each needs at least one minute)",
                    "minutes",
                )
            )
    return findings


def _overrun_findings(plan: Plan, library: Library, people: int = 0) -> list[_Finding]:
    """A day that ends after its end time, pointed at the first item that does.

    For ``people`` 0, every step takes its timebox (the plan as written, for a small
    room): an overrun then is a problem. For the plan's ``expected_people`` see
    :func:`_check_plan_people`."""
    findings: list[_Finding] = []
    for day in time_plan(plan, library.timing_methods(), people).overruns:
        first = next((i for i in day.items if i.end > day.end), day.items[-1])
        a = day.items.index(first)
        findings.append(
            (
                ("days", day.index, "agenda", a),
                f"{overrun_message(day)} (from '{first.title}', "
                f"{clock_text(first.start)}-{clock_text(first.end)})",
                "overrun",
            )
        )
    return findings


def _check_plan_people(plan: Plan, source: _Source, library: Library) -> list[Problem]:
    """Warnings for a plan's ``expected_people``: an item whose steps, grown for that
    many people, no longer fit its ``minutes``, or a day they push past its end time
    (when it fits for a small room: that overrun is a problem of its own)."""
    people = plan.expected_people
    if not people:
        return []
    methods = library.timing_methods()
    findings: list[_Finding] = []
    for d, day in enumerate(plan.days):
        for a, item in enumerate(day.agenda):
            method = methods.get(item.method) if item.method else None
            if method is None or item.minutes is None:
                continue
            need = sum(t.minutes for t in room_times(method, people, plan.tables))
            if need > item.minutes:
                findings.append(
                    (
                        ("days", d, "agenda", a, "minutes"),
                        f"for {people} people (expected_people) the steps of '{method.id}' "
                        f"need {need} min, more than minutes = {item.minutes}: each step "
                        "gets less than the room needs (raise minutes, or expect fewer people)",
                        "people",
                    )
                )
    small = {loc[1] for loc, _, _ in _overrun_findings(plan, library)}
    for loc, message, _ in _overrun_findings(plan, library, people):
        if loc[1] not in small:
            findings.append((loc, f"for {people} people (expected_people), {message}", "people"))
    return [
        Problem(source.path, source.lines.line(loc), field_path(loc), message, code=code)
        for loc, message, code in findings
    ]
