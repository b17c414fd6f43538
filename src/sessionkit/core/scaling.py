"""How a step's time grows with the room: ``[steps.scale]``.

A round where everyone speaks, a share-back where each group reports, clustering a wall
of notes: these take longer with more people. A step's ``timebox`` is its time for a
small room (the floor); ``[steps.scale]`` says how it grows (minutes per person, per
group) and where it stops (``max``, the cap). Whole minutes, rounded up, so the agenda,
the forecast and the countdown all agree.

The people counted are the plan's ``expected_people`` before anyone joins (forecasts),
and the people in the room when the step starts (phones, plus paper participants the
facilitator counted) at run time: the engine decides which, this module only counts.

Pure: numbers and words, no state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field, model_validator

from sessionkit.core.fields import FieldPath, PositiveMinutes, Strict
from sessionkit.core.groupspec import GroupsSpec, sizes


class StepScale(Strict):
    """``[steps.scale]``: the step's time for N people, between its timebox and ``max``."""

    per_person: float | None = Field(default=None, gt=0, le=30)
    """Minutes each person adds (0.5 is 30 seconds a person)."""
    per_group: float | None = Field(default=None, gt=0, le=60)
    """Minutes each group adds: the groups of the step's ``[steps.groups]``, or of the
    nearest earlier step that has one (a share-back after group work)."""
    max: PositiveMinutes
    """The cap: the step never takes longer than this, however big the room."""

    @model_validator(mode="after")
    def _grows(self) -> StepScale:
        if self.per_person is None and self.per_group is None:
            raise ValueError(
                "a [steps.scale] needs per_person or per_group (minutes each), or both"
            )
        return self

    def describe(self, timebox: int) -> str:
        """``"at least 5 min; 30 s a person, up to 20 min"``."""
        rates = [
            _each(rate, unit)
            for rate, unit in ((self.per_person, "person"), (self.per_group, "group"))
            if rate
        ]
        return f"at least {timebox} min; {' and '.join(rates)}, up to {self.max} min"

    def raw_minutes(self, people: int, groups: int) -> float:
        return (self.per_person or 0.0) * people + (self.per_group or 0.0) * groups


@dataclass(frozen=True)
class ScaledTime:
    """A step's minutes for a room, and why (for the facilitator)."""

    minutes: int
    people: int | None = None
    """The people it was scaled for (None: not scaled, the step has no scale)."""
    why: str = ""
    """``"30 s a person for 24 people"`` ("" when the step does not scale)."""

    @property
    def reason(self) -> str:
        """``"12 min: 30 s a person for 24 people"`` ("" when the step does not scale)."""
        return f"{self.minutes} min: {self.why}" if self.why else ""


def _each(minutes: float, unit: str) -> str:
    if minutes < 1:
        return f"{round(minutes * 60)} s a {unit}"
    return f"{minutes:g} min a {unit}"


def scaled_minutes(
    timebox: int, scale: StepScale | None, people: int | None, groups: int = 0
) -> ScaledTime:
    """The step's minutes for ``people`` (in ``groups`` groups): ``timebox`` when it does
    not scale or nobody is counted, else the people's time between timebox and ``max``."""
    if scale is None or not people:
        return ScaledTime(timebox)
    raw = scale.raw_minutes(people, groups)
    minutes = min(scale.max, max(timebox, math.ceil(raw - 1e-9)))
    parts = []
    if scale.per_person:
        parts.append(_each(scale.per_person, "person"))
    if scale.per_group:
        parts.append(f"{_each(scale.per_group, 'group')} ({groups} groups)")
    rate = f"{' and '.join(parts)} for {people} {'person' if people == 1 else 'people'}"
    if minutes == scale.max and raw > scale.max:
        why = f"its {scale.max} min cap ({rate} would be {math.ceil(raw - 1e-9)} min)"
    elif minutes == timebox:
        why = f"the time for a small room ({rate} fits in it)"
    else:
        why = rate
    return ScaledTime(minutes, people, why)


def group_count(spec: GroupsSpec | None, people: int, tables: int | None = None) -> int:
    """How many groups ``people`` make under ``spec`` (a group per table: the tables,
    or fewer if there are fewer people)."""
    if spec is None or people <= 0:
        return 0
    if spec.by == "table" and tables:
        return min(tables, people)
    return len(sizes(people, spec.size))


def groups_for(steps: Sequence[Any], index: int) -> GroupsSpec | None:
    """The groups a step's ``per_group`` counts: its own, else the nearest earlier
    grouped step's (a share-back after group work)."""
    for step in reversed(steps[: index + 1]):
        if step.groups is not None:
            spec: GroupsSpec = step.groups
            return spec
    return None


def scale_problems(steps: Sequence[Any]) -> list[tuple[FieldPath, str]]:
    """Located problems of the method's ``[steps.scale]`` tables."""
    problems: list[tuple[FieldPath, str]] = []
    for index, step in enumerate(steps):
        scale: StepScale | None = step.scale
        if scale is None:
            continue
        where: FieldPath = ("steps", index, "scale")
        if scale.max < step.timebox:
            problems.append(
                (
                    (*where, "max"),
                    f"max = {scale.max} is less than the step's timebox of {step.timebox} "
                    "(the timebox is the time for a small room, max the most it may grow to)",
                )
            )
        elif scale.max == step.timebox:
            problems.append(
                (
                    (*where, "max"),
                    f"max = {scale.max} is the step's timebox, so it can never grow "
                    "(raise max, or remove [steps.scale])",
                )
            )
        if scale.per_group is not None and groups_for(steps, index) is None:
            problems.append(
                (
                    (*where, "per_group"),
                    "per_group counts the groups of this step's [steps.groups] or of an "
                    "earlier step's, and no step up to here is done in groups "
                    "(use per_person, or add [steps.groups])",
                )
            )
    return problems
