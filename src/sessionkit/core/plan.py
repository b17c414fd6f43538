"""A session plan: days, clock times and an agenda of methods and breaks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from sessionkit.core.method import Kebab, Minutes, Strict
from sessionkit.core.text import CleanStr

_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _parse_clock(value: Any) -> Any:
    """Accept a TOML local time (``09:30:00``) or a string ``"09:30"``."""
    if isinstance(value, str):
        match = _CLOCK.match(value.strip())
        if not match:
            raise ValueError(f'expected a clock time like "09:30", got {value!r}')
        return dt.time(int(match.group(1)), int(match.group(2)))
    if isinstance(value, (bool, int, float)):
        # pydantic would read a number as seconds after midnight: ``start = 9`` -> 00:00:09
        raise ValueError(f'expected a clock time like "09:30", got {value!r}')
    return value


Clock = Annotated[dt.time, BeforeValidator(_parse_clock)]


class AgendaItem(Strict):
    """One slot of a day: a method (``method = "id"``) or a pause (``break``/``lunch``)."""

    model_config = Strict.model_config | {"populate_by_name": True}

    method: Kebab | None = None
    pause: Minutes | None = Field(default=None, alias="break", ge=1)
    lunch: Minutes | None = Field(default=None, ge=1)
    title: CleanStr = ""
    minutes: Minutes | None = Field(default=None, ge=1)
    """For a method: overrides its typical length; step timeboxes are scaled to fit."""
    variables: dict[str, CleanStr] = Field(default_factory=dict)
    notes: CleanStr = ""
    """Facilitator notes for this slot (never shown to the room)."""

    @model_validator(mode="after")
    def _one_kind(self) -> AgendaItem:
        given = [k for k in ("method", "break", "lunch") if self._value(k) is not None]
        if len(given) != 1:
            raise ValueError(
                'an agenda item needs exactly one of method = "id", break = MINUTES '
                f"or lunch = MINUTES (got {', '.join(given) or 'none'})"
            )
        if self.method is None and (self.minutes is not None or self.variables):
            raise ValueError("minutes and variables only apply to a method item")
        return self

    def _value(self, key: str) -> object:
        return {"method": self.method, "break": self.pause, "lunch": self.lunch}[key]

    @property
    def kind(self) -> str:
        if self.method is not None:
            return "method"
        return "break" if self.pause is not None else "lunch"

    @property
    def pause_minutes(self) -> int:
        return self.pause or self.lunch or 0


class Day(Strict):
    date: dt.date | None = Field(default=None, strict=False)  # "2025-02-11" is fine too
    title: CleanStr = ""
    start: Clock
    end: Clock
    agenda: list[AgendaItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Day:
        if self.end <= self.start:
            raise ValueError(
                f"end ({self.end:%H:%M}) must be later than start ({self.start:%H:%M})"
            )
        return self

    @property
    def available_minutes(self) -> int:
        return _minutes(self.end) - _minutes(self.start)


class Plan(Strict):
    id: Kebab
    title: CleanStr = Field(min_length=1)
    purpose: CleanStr = ""
    facilitators: list[CleanStr] = Field(default_factory=list)
    days: list[Day] = Field(min_length=1)

    def items(self) -> list[tuple[int, AgendaItem]]:
        """Every agenda item as (day index, item), in order: the run's flat agenda."""
        return [(d, item) for d, day in enumerate(self.days) for item in day.agenda]


def _minutes(clock: dt.time) -> int:
    return clock.hour * 60 + clock.minute
