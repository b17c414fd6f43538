"""A method (a workshop activity) and its steps, as authors write them in TOML.

Every model forbids unknown keys, so a typo such as ``minuts = 5`` is an error the
loader can locate and suggest a fix for, instead of a silently ignored line.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sessionkit.core.text import CleanStr

KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
VARIABLE = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"

Kebab = Annotated[str, Field(pattern=KEBAB, min_length=1, max_length=60)]
Minutes = Annotated[int, Field(ge=0, le=24 * 60)]
PositiveMinutes = Annotated[int, Field(ge=1, le=24 * 60)]
"""Minutes that must be at least one. (``Minutes = Field(ge=1)`` does not work: the
alias's own ``ge=0`` is applied after the field's and wins, so 0 slipped through.)"""


class Strict(BaseModel):
    """Base for author-facing models: unknown keys are errors, values are not coerced.

    Strict, so ``timebox = "5"`` or ``private = "yes"`` is a wrong type the author is told
    about rather than a guess. Enum fields opt out (TOML has strings, not enum members).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              strict=True)


class Phase(StrEnum):
    DISCOVER = "discover"
    DEFINE = "define"
    DEVELOP = "develop"
    DELIVER = "deliver"
    REFLECT = "reflect"


class Grouping(StrEnum):
    SOLO = "solo"
    PAIRS = "pairs"
    SMALL_GROUP = "small group"
    WHOLE_GROUP = "whole group"


# ---------------------------------------------------------------- step inputs


class Category(Strict):
    """A kind of note a step asks for, e.g. rose / thorn / bud."""

    id: Kebab
    label: CleanStr = Field(min_length=1)
    colour: str = Field(default="#fff3a0", pattern=HEX_COLOUR)
    hint: CleanStr = ""


class NotesInput(Strict):
    """Participants write sticky notes."""

    kind: Literal["notes"]
    max_per_person: int = Field(default=10, ge=1, le=100)
    categories: list[Category] = Field(default_factory=list)
    private: bool = False
    """Notes stay hidden from other participants (and the room view) until revealed."""
    anonymous: bool = True
    """True: authors are never shown or exported. False: names are kept with notes."""


class VoteInput(Strict):
    """Dot voting on the notes or clusters of an earlier step."""

    kind: Literal["vote"]
    target_step: Kebab
    target: Literal["notes", "clusters"] = "notes"
    dots_per_person: int = Field(default=3, ge=1, le=50)
    max_per_item: int = Field(default=1, ge=1, le=50)

    @model_validator(mode="after")
    def _max_within_budget(self) -> VoteInput:
        if self.max_per_item > self.dots_per_person:
            raise ValueError(
                f"max_per_item ({self.max_per_item}) is more than dots_per_person "
                f"({self.dots_per_person})"
            )
        return self


class ClusterInput(Strict):
    """The facilitator (with the room) groups earlier notes into labelled clusters."""

    kind: Literal["cluster"]
    source_steps: list[Kebab] = Field(min_length=1)
    labelled: bool = True
    parking_lot: bool = True


class RatingInput(Strict):
    """Each participant gives one rating on a scale."""

    kind: Literal["rating"]
    question: CleanStr = ""
    scale_min: int = Field(default=1, ge=0, le=10)
    scale_max: int = Field(default=5, ge=1, le=10)
    labels: list[CleanStr] = Field(default_factory=list)
    """Optional: one label per point of the scale, lowest first."""
    anonymous: bool = True

    @model_validator(mode="after")
    def _scale(self) -> RatingInput:
        if self.scale_max <= self.scale_min:
            raise ValueError(
                f"scale_max ({self.scale_max}) must be greater than scale_min ({self.scale_min})"
            )
        points = self.scale_max - self.scale_min + 1
        if self.labels and len(self.labels) != points:
            raise ValueError(
                f"labels has {len(self.labels)} entries but the scale "
                f"{self.scale_min}..{self.scale_max} has {points} points"
            )
        return self


class Region(Strict):
    id: Kebab
    label: CleanStr = Field(min_length=1)
    hint: CleanStr = ""


class CanvasInput(Strict):
    """Notes placed on named regions: journey lanes, empathy-map quadrants, map rings."""

    kind: Literal["canvas"]
    layout: Literal["lanes", "grid", "rings"] = "grid"
    regions: list[Region] = Field(min_length=2)
    max_per_person: int = Field(default=10, ge=1, le=100)
    private: bool = False
    anonymous: bool = True

    @field_validator("regions")
    @classmethod
    def _unique_regions(cls, regions: list[Region]) -> list[Region]:
        _require_unique([r.id for r in regions], "region")
        return regions


class DiscussionInput(Strict):
    """Nothing is collected; the facilitator may type a summary."""

    kind: Literal["discussion"]
    summary: bool = True


StepInput = Annotated[
    Union[NotesInput, VoteInput, ClusterInput, RatingInput, CanvasInput, DiscussionInput],
    Field(discriminator="kind"),
]
COLLECTS_NOTES = ("notes", "canvas")


# ---------------------------------------------------------------- steps and methods


class Step(Strict):
    id: Kebab
    title: CleanStr = Field(min_length=1, max_length=120)
    prompt: CleanStr = Field(min_length=1)
    """What participants see. ``{{name}}`` is filled from the plan's variables."""
    facilitator_notes: CleanStr = ""
    timebox: PositiveMinutes
    grouping: Grouping = Field(default=Grouping.SOLO, strict=False)
    input: StepInput

    @property
    def collects_notes(self) -> bool:
        return self.input.kind in COLLECTS_NOTES


class Duration(Strict):
    min: PositiveMinutes
    typical: PositiveMinutes
    max: PositiveMinutes

    @model_validator(mode="after")
    def _ordered(self) -> Duration:
        if not self.min <= self.typical <= self.max:
            raise ValueError(
                f"expected min <= typical <= max, got {self.min}, {self.typical}, {self.max}"
            )
        return self


class GroupSize(Strict):
    min: int = Field(ge=1)
    max: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> GroupSize:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is more than max ({self.max})")
        return self


class Variation(Strict):
    name: CleanStr = Field(min_length=1)
    description: CleanStr = Field(min_length=1)


class Care(Strict):
    """Notes for doing this well in public-service and social-care settings."""

    power_dynamics: CleanStr = ""
    lived_experience: CleanStr = ""
    safeguarding: CleanStr = ""
    accessibility: CleanStr = ""
    anonymous_by_default: bool = True


class Source(Strict):
    title: CleanStr = Field(min_length=1)
    author: CleanStr = ""
    url: str = ""
    licence: CleanStr = ""
    relation: Literal["adapted from", "inspired by", "cites", "see also"] = "inspired by"


class Provenance(Strict):
    text_origin: Literal["original", "adapted"] = "original"
    """"original": written in our own words. "adapted": text adapted from a source."""
    licence: CleanStr = "CC BY-SA 4.0"


class Variable(Strict):
    description: CleanStr = Field(min_length=1)
    default: CleanStr = ""


class Method(Strict):
    id: Kebab
    name: CleanStr = Field(min_length=1, max_length=80)
    summary: CleanStr = Field(min_length=1, max_length=200)
    purpose: CleanStr = Field(min_length=1)
    when_to_use: list[CleanStr] = Field(default_factory=list)
    when_to_avoid: list[CleanStr] = Field(default_factory=list)
    outputs: list[CleanStr] = Field(default_factory=list)
    phase: Phase = Field(strict=False)
    tags: list[Kebab] = Field(default_factory=list)
    duration: Duration
    group_size: GroupSize
    materials: list[CleanStr] = Field(default_factory=list)
    preparation: list[CleanStr] = Field(default_factory=list)
    tips: list[CleanStr] = Field(default_factory=list)
    variations: list[Variation] = Field(default_factory=list)
    care: Care = Field(default_factory=Care)
    sources: list[Source] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)
    variables: dict[Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")], Variable] = Field(
        default_factory=dict
    )
    steps: list[Step] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _unique_steps(cls, steps: list[Step]) -> list[Step]:
        _require_unique([s.id for s in steps], "step")
        return steps

    @property
    def total_minutes(self) -> int:
        return sum(step.timebox for step in self.steps)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


Path = tuple[str | int, ...]


def method_problems(method: Method) -> list[tuple[Path, str]]:
    """Cross-field checks, each as (field path, message), so a loader can locate them.

    Kept out of the model validators because pydantic would report them against the
    whole method; here each problem names the exact field that is wrong.
    """
    problems: list[tuple[Path, str]] = []
    earlier: dict[str, Step] = {}
    for index, step in enumerate(method.steps):
        where: Path = ("steps", index, "input")
        if isinstance(step.input, VoteInput):
            target = earlier.get(step.input.target_step)
            wanted = ("cluster",) if step.input.target == "clusters" else COLLECTS_NOTES
            if target is None:
                problems.append((where + ("target_step",), _not_earlier(step.input.target_step, earlier)))
            elif target.input.kind not in wanted:
                problems.append((
                    where + ("target_step",),
                    f"step '{target.id}' collects {target.input.kind}, so there are no "
                    f"{step.input.target} to vote on (expected a step collecting "
                    f"{' or '.join(wanted)})",
                ))
        elif isinstance(step.input, ClusterInput):
            for n, source in enumerate(step.input.source_steps):
                target = earlier.get(source)
                if target is None:
                    problems.append((where + ("source_steps", n), _not_earlier(source, earlier)))
                elif not target.collects_notes:
                    problems.append((
                        where + ("source_steps", n),
                        f"step '{source}' collects {target.input.kind}, not notes, so there "
                        "is nothing to cluster",
                    ))
        for name in VARIABLE.findall(step.prompt):
            if name not in method.variables:
                problems.append((
                    ("steps", index, "prompt"),
                    f"uses {{{{{name}}}}} but the method declares no variable '{name}' "
                    f"(add a [variables.{name}] table)",
                ))
        earlier[step.id] = step
    total = method.total_minutes
    if not method.duration.min <= total <= method.duration.max:
        problems.append((
            ("steps",),
            f"the step timeboxes add up to {total} min, outside the method's duration "
            f"of {method.duration.min}..{method.duration.max} min",
        ))
    return problems


def _not_earlier(name: str, earlier: dict[str, Step]) -> str:
    return (
        f"'{name}' is not an earlier step of this method "
        f"(earlier steps: {', '.join(earlier) or 'none'})"
    )


def _require_unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"two {what}s have the id '{item}'")
        seen.add(item)


def fill_variables(text: str, values: dict[str, str]) -> str:
    """Replace ``{{name}}`` with its value; unknown names are left as written."""
    return VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)
