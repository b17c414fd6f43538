"""A method (a workshop activity) and its steps, as authors write them in TOML.

Every model forbids unknown keys, so a typo such as ``minuts = 5`` is an error the
loader can locate and suggest a fix for, instead of a silently ignored line.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sessionkit.core.citations import UNCONFIRMED, Source, licence_key, source_problems
from sessionkit.core.fields import (
    HEX_COLOUR,
    KEBAB,
    VARIABLE,
    FieldPath,
    Kebab,
    Minutes,
    PositiveMinutes,
    Strict,
    require_unique,
)
from sessionkit.core.groupspec import GroupsSpec
from sessionkit.core.groupspec import method_problems as group_problems
from sessionkit.core.inputs import InputSpec, StepInput
from sessionkit.core.inputs.actions import ActionsInput
from sessionkit.core.inputs.canvas import CanvasInput
from sessionkit.core.inputs.cluster import ClusterInput
from sessionkit.core.inputs.discussion import DiscussionInput
from sessionkit.core.inputs.notes import Category, NotesInput, Region
from sessionkit.core.inputs.questions import QuestionsInput
from sessionkit.core.inputs.rating import RatingInput
from sessionkit.core.inputs.vote import VoteInput
from sessionkit.core.inputs.words import WordsInput
from sessionkit.core.language import StepWelsh, welsh_problems
from sessionkit.core.scaling import StepScale, scale_problems
from sessionkit.core.text import CleanStr

# The kinds' specs are re-exported for callers that name one; new code asks the spec
# (``step.input.collects_notes``, ``.describe()``) instead of testing which class it is.
__all__ = [
    "HEX_COLOUR",
    "KEBAB",
    "UNCONFIRMED",
    "VARIABLE",
    "ActionsInput",
    "CanvasInput",
    "Category",
    "ClusterInput",
    "DiscussionInput",
    "Duration",
    "GroupSize",
    "GroupsSpec",
    "Kebab",
    "Method",
    "Minutes",
    "NotesInput",
    "Phase",
    "PositiveMinutes",
    "QuestionsInput",
    "RatingInput",
    "Region",
    "Source",
    "Step",
    "StepInput",
    "StepScale",
    "Strict",
    "VoteInput",
    "WordsInput",
    "fill_labels",
    "fill_variables",
    "label_texts",
    "licence_key",
    "method_problems",
    "method_warnings",
    "source_problems",
]


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


# ---------------------------------------------------------------- steps and methods


class Step(Strict):
    id: Kebab
    title: CleanStr = Field(min_length=1, max_length=120)
    prompt: CleanStr = Field(min_length=1)
    """What participants see. ``{{name}}`` is filled from the plan's variables."""
    cy: StepWelsh | None = None
    """The title and prompt in Welsh (``cy.title``, ``cy.prompt``: see ``core.language``)."""
    facilitator_notes: CleanStr = ""
    timebox: PositiveMinutes
    grouping: Grouping = Field(default=Grouping.SOLO, strict=False)
    input: StepInput
    groups: GroupsSpec | None = None
    """People work in groups that share one list (see ``core.groups``)."""
    scale: StepScale | None = None
    """How the step's time grows with the room; ``timebox`` is then its floor (see
    ``core.scaling``)."""

    @property
    def collects_notes(self) -> bool:
        return self.input.collects_notes


class Duration(Strict):
    min: PositiveMinutes
    typical: PositiveMinutes
    max: PositiveMinutes
    note: CleanStr = ""
    """Why the steps' timeboxes deliberately do not add up to ``typical`` (without it,
    ``sessionkit check`` warns that they disagree)."""

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

    def notes(self) -> list[tuple[str, str]]:
        """(heading, text) of the notes written, in the order a facilitator reads them:
        safeguarding and accessibility first, as they change how the room is set up."""
        notes = [
            ("Safeguarding", self.safeguarding),
            ("Accessibility", self.accessibility),
            ("Power dynamics", self.power_dynamics),
            ("Lived experience", self.lived_experience),
        ]
        return [(heading, text) for heading, text in notes if text]


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
        require_unique([s.id for s in steps], "step")
        return steps

    @property
    def total_minutes(self) -> int:
        return sum(step.timebox for step in self.steps)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


Path = FieldPath


def method_problems(method: Method) -> list[tuple[Path, str]]:
    """Cross-field checks, each as (field path, message), so a loader can locate them.

    Kept out of the model validators because pydantic would report them against the
    whole method; here each problem names the exact field that is wrong. Checks of a
    step's input against the steps before it are the input kind's own (``problems``).
    """
    problems: list[tuple[Path, str]] = []
    earlier: dict[str, InputSpec] = {}
    for index, step in enumerate(method.steps):
        where: Path = ("steps", index, "input")
        problems.extend((where + path, message) for path, message in step.input.problems(earlier))
        texts: list[tuple[Path, str]] = [(("steps", index, "prompt"), step.prompt)]
        if step.cy is not None:
            texts.append((("steps", index, "cy", "prompt"), step.cy.prompt))
        texts += [(where + path, label) for path, label in label_texts(step.input)]
        for place, text in texts:
            for name in VARIABLE.findall(text):
                if name not in method.variables:
                    problems.append(
                        (
                            place,
                            f"uses {{{{{name}}}}} but the method declares no variable '{name}' "
                            f"(add a [variables.{name}] table)",
                        )
                    )
        earlier[step.id] = step.input
    problems.extend(group_problems(method.steps, method.group_size.max))
    problems.extend(source_problems(method.sources))
    problems.extend(scale_problems(method.steps))
    problems.extend(welsh_problems(method))
    total = method.total_minutes
    if not method.duration.min <= total <= method.duration.max:
        problems.append(
            (
                ("steps",),
                f"the step timeboxes add up to {total} min, outside the method's duration "
                f"of {method.duration.min}..{method.duration.max} min",
            )
        )
    return problems


def method_warnings(method: Method) -> list[tuple[Path, str, bool]]:
    """Things likely to be wrong but not errors, as (field path, message, explained).

    A method whose step timeboxes do not add up to its typical length advertises one
    length and runs another. ``[duration] note`` explains a deliberate difference: it is
    then reported as a note, not a warning.
    """
    total, typical = method.total_minutes, method.duration.typical
    if total == typical:
        return []
    note = method.duration.note
    message = f"the step timeboxes add up to {total} min but the typical length is {typical} min"
    if note:
        message += f" (explained: {note})"
    else:
        message += (
            ": change the timeboxes (or typical) so they agree, or say why they differ "
            'in [duration] note = "..."'
        )
    return [(("duration", "typical"), message, bool(note))]


def label_texts(spec: InputSpec) -> list[tuple[Path, str]]:
    """(path inside the input, label) of the step's region, grid and category labels."""
    out: list[tuple[Path, str]] = []
    for table in ("regions", "rows", "columns", "categories", "teams"):
        for n, entry in enumerate(getattr(spec, table, ())):
            out.append(((table, n, "label"), entry.label))
    return out


def fill_labels(method: Method, values: dict[str, str]) -> Method:
    """The method with ``{{name}}`` filled in its region and category labels (the same
    method when none uses a variable), so a plan can rename "Other roles"."""
    steps = list(method.steps)
    changed = False
    for s, step in enumerate(steps):
        update: dict[str, list[Region | Category]] = {}
        for table in ("regions", "rows", "columns", "categories", "teams"):
            entries = getattr(step.input, table, ())
            if any(VARIABLE.search(e.label + (e.cy.label if e.cy else "")) for e in entries):
                update[table] = [_filled_label(e, values) for e in entries]
        if update:
            steps[s] = step.model_copy(update={"input": step.input.model_copy(update=update)})
            changed = True
    return method.model_copy(update={"steps": steps}) if changed else method


def _filled_label(entry: Region | Category, values: dict[str, str]) -> Region | Category:
    change: dict[str, object] = {"label": fill_variables(entry.label, values)}
    if entry.cy is not None:
        cy = entry.cy.model_copy(update={"label": fill_variables(entry.cy.label, values)})
        change["cy"] = cy
    return entry.model_copy(update=change)


def fill_variables(text: str, values: dict[str, str]) -> str:
    """Replace ``{{name}}`` with its value; unknown names are left as written."""
    return VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)
