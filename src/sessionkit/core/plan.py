"""A session plan: days, clock times and an agenda of methods, talks and breaks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from sessionkit.core.method import Kebab, Minutes, Strict
from sessionkit.core.safeguarding import Safeguarding
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


PREFER_NOT_TO_SAY = "Prefer not to say"
"""What the phone offers besides a plan's ``join_roles``: joining without a role."""

_KINDS = ("method", "talk", "break", "lunch")


class AgendaItem(Strict):
    """One slot of a day: a method (``method = "id"``), a talk (``talk = "Title"``: a
    trainer's input or a presentation, with no input from the room) or a pause
    (``break``/``lunch``)."""

    model_config = Strict.model_config | {"populate_by_name": True}

    id: Kebab | None = None
    """What ``from`` in a later item calls this one (default: its method's id)."""
    method: Kebab | None = None
    talk: CleanStr | None = Field(default=None, min_length=1, max_length=120)
    pause: Minutes | None = Field(default=None, alias="break", ge=1)
    lunch: Minutes | None = Field(default=None, ge=1)
    title: CleanStr = ""
    minutes: Minutes | None = Field(default=None, ge=1)
    """For a method: overrides its typical length; step timeboxes are scaled to fit.
    For a talk: its length (required)."""
    variables: dict[str, CleanStr] = Field(default_factory=dict)
    variation: CleanStr = ""
    """The name of one of the method's variations to run (shown to the facilitator)."""
    source: CleanStr | None = Field(default=None, alias="from", min_length=1)
    """Items to carry forward: ``"<item>.<step>"`` or ``"<item>"`` of an earlier agenda
    item, where ``<item>`` is an item's ``id``, its method's id or ``#N`` (the Nth item of
    the plan). Checked against the plan by :mod:`sessionkit.core.sources`."""
    top: int | None = Field(default=None, ge=1, le=1000)
    """Carry only the N items with most dots in the source's vote (ties included)."""
    cluster: CleanStr | None = Field(default=None, min_length=1)
    """Carry only the notes of the source's cluster with this label."""
    kept: CleanStr | None = Field(default=None, min_length=1)
    """Carry only the items a sort source placed most often in the bucket with this name
    (an item tied between that bucket and another is kept)."""
    into: Kebab | None = None
    """The step of this method that takes the carried items (default: its vote step)."""
    notes: CleanStr = ""
    """Facilitator notes for this slot (never shown to the room)."""

    @model_validator(mode="after")
    def _one_kind(self) -> AgendaItem:
        given = [k for k in _KINDS if self._value(k) is not None]
        if len(given) != 1:
            raise ValueError(
                'an agenda item needs exactly one of method = "id", talk = "Title", '
                f"break = MINUTES or lunch = MINUTES (got {', '.join(given) or 'none'})"
            )
        if self.method is None:
            extra = [k for k, value in self._method_only() if value not in (None, "", {})]
            if self.talk is None and self.minutes is not None:
                extra.insert(0, "minutes")
            if extra:
                raise ValueError(
                    f"{', '.join(extra)} only appl{'y' if len(extra) > 1 else 'ies'} "
                    "to a method item"
                )
        if self.talk is not None and self.minutes is None:
            raise ValueError("a talk item needs minutes = MINUTES (how long it takes)")
        filters = [k for k in ("top", "cluster", "kept") if getattr(self, k) is not None]
        if self.source is None and filters:
            raise ValueError(
                f"{' and '.join(filters)} choose{'s' * (len(filters) == 1)} among carried "
                'items: add from = "..."'
            )
        if len(filters) == 2:
            raise ValueError(f"choose {filters[0]} or {filters[1]}, not both")
        if len(filters) > 2:
            raise ValueError(f"choose one of {', '.join(filters)}")
        if self.into is not None and self.source is None:
            raise ValueError('into names the step that takes carried items: add from = "..."')
        return self

    def _value(self, key: str) -> object:
        return {
            "method": self.method,
            "talk": self.talk,
            "break": self.pause,
            "lunch": self.lunch,
        }[key]

    def _method_only(self) -> list[tuple[str, object]]:
        return [
            ("variables", self.variables),
            ("variation", self.variation),
            ("from", self.source),
            ("top", self.top),
            ("cluster", self.cluster),
            ("kept", self.kept),
            ("into", self.into),
        ]

    @property
    def kind(self) -> str:
        if self.method is not None:
            return "method"
        if self.talk is not None:
            return "talk"
        return "break" if self.pause is not None else "lunch"

    @property
    def pause_minutes(self) -> int:
        """The length of a break, lunch or talk (a method's comes from its steps)."""
        return self.pause or self.lunch or (self.minutes or 0 if self.talk is not None else 0)


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
    join_roles: list[Annotated[CleanStr, Field(min_length=1, max_length=60)]] = Field(
        default_factory=list, max_length=20
    )
    """Roles people choose from when they join (the phone also offers "Prefer not to
    say"); ``[steps.groups] by = "role"`` mixes them. Counted in exports, never named."""
    tables: int | None = Field(default=None, ge=1, le=100)
    """How many tables the room has: the phone asks for a table number (optional), and
    ``[steps.groups] by = "table"`` makes a group per table."""
    safeguarding: Safeguarding | None = None
    """The session's safeguarding lead (``[safeguarding]``), shown on every phone; the
    facilitator can name or change one during the run (``!``)."""
    expected_people: int | None = Field(default=None, ge=1, le=1000)
    """How many people are expected: steps with a ``[steps.scale]`` are forecast for them
    until people join (then the countdown counts who is there)."""
    timer_autostart: bool = False
    """Start each step's countdown as the step starts (instead of with space)."""

    @field_validator("join_roles")
    @classmethod
    def _distinct_roles(cls, roles: list[str]) -> list[str]:
        seen: set[str] = set()
        for role in roles:
            if role.casefold() in seen:
                raise ValueError(f"join_roles lists '{role}' twice")
            if role.casefold() == PREFER_NOT_TO_SAY.casefold():
                raise ValueError(
                    f"join_roles need not list '{PREFER_NOT_TO_SAY}': the phone always offers it"
                )
            seen.add(role.casefold())
        return roles

    def items(self) -> list[tuple[int, AgendaItem]]:
        """Every agenda item as (day index, item), in order: the run's flat agenda."""
        return [(d, item) for d, day in enumerate(self.days) for item in day.agenda]


def _minutes(clock: dt.time) -> int:
    return clock.hour * 60 + clock.minute
