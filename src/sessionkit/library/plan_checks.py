"""Checks of a plan against the methods loaded: references, variables, minutes, overruns.

These run once every method is known, so a plan may name a method from any source.
"""

from __future__ import annotations

from sessionkit.core.agenda import TimedDay, clock_text, time_plan
from sessionkit.core.plan import Plan
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


def _check_plan_references(
    plan: Plan, source: _Source, library: Library
) -> list[Problem]:
    problems: list[Problem] = []
    known = sorted(set(library.methods) | set(library.rejected_methods))

    def add(loc: Loc, message: str, code: str) -> None:
        problems.append(Problem(source.path, source.lines.line(loc), field_path(loc), message, code=code))

    for d, day in enumerate(plan.days):
        for a, item in enumerate(day.agenda):
            where: Loc = ("days", d, "agenda", a)
            if item.method is None:
                continue
            method = library.methods.get(item.method)
            if method is None:
                if item.method in library.rejected_methods:
                    bad = library.method_paths.get(item.method)
                    add(where + ("method",),
                        f"method '{item.method}' has problems of its own (see "
                        f"{display_path(bad) if bad else 'sessionkit check'})",
                        "broken-method")
                else:
                    hint = _did_you_mean(item.method, known)
                    add(where + ("method",), f"unknown method '{item.method}'{hint}", "unknown-method")
                continue
            for name in item.variables:
                if name not in method.variables:
                    declared = list(method.variables)
                    hint = _did_you_mean(name, declared)
                    if not hint:
                        hint = (
                            f" (it declares {_quoted_list(declared)})" if declared
                            else " (it declares no variables)"
                        )
                    add(where + ("variables", name),
                        f"method '{method.id}' declares no variable '{name}'{hint}", "variable")
            if item.minutes is not None:
                low, high = method.duration.min, method.duration.max
                if not low <= item.minutes <= high:
                    add(where + ("minutes",),
                        f"minutes = {item.minutes} is outside the duration of method "
                        f"'{method.id}' ({low}..{high} min)", "minutes")
                elif item.minutes < len(method.steps):
                    add(where + ("minutes",),
                        f"minutes = {item.minutes} is too short for the {len(method.steps)} "
                        f"steps of '{method.id}' (each needs at least one minute)", "minutes")
    agenda = time_plan(plan, library.timing_methods())
    for day in agenda.overruns:
        first = next((i for i in day.items if i.end > day.end), day.items[-1])
        a = day.items.index(first)
        add(("days", day.index, "agenda", a),
            f"{overrun_message(day)} (from '{first.title}', "
            f"{clock_text(first.start)}-{clock_text(first.end)})",
            "overrun")
    return problems
