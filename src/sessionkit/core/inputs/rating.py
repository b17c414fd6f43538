"""Rating: each participant gives one rating on a scale (paper ratings count separately)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from sessionkit.core.command import ClientId, Command
from sessionkit.core.errors import Rejected
from sessionkit.core.inputs.base import InputKind, InputSpec, RuleContext
from sessionkit.core.language import RatingWelsh
from sessionkit.core.state import FACILITATOR, Event, SessionState
from sessionkit.core.text import CleanStr


class RatingInput(InputSpec):
    """Each participant gives one rating on a scale."""

    kind: Literal["rating"]
    question: CleanStr = ""
    scale_min: int = Field(default=1, ge=0, le=10)
    scale_max: int = Field(default=5, ge=1, le=10)
    labels: list[CleanStr] = Field(default_factory=list)
    """Optional: one label per point of the scale, lowest first."""
    anonymous: bool = True
    cy: RatingWelsh | None = None
    """The question and labels in Welsh (``cy.question``, ``cy.labels``)."""

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

    def is_anonymous(self) -> bool:
        return self.anonymous

    def label(self, value: int) -> str:
        return self.labels[value - self.scale_min] if self.labels else ""

    def describe(self) -> str:
        text = f"rating {self.scale_min}-{self.scale_max}"
        if self.labels:
            text += f" ({self.labels[0]} .. {self.labels[-1]})"
        if self.question:
            text += f": {self.question}"
        return text + ("" if self.anonymous else " (with names)")

    def caption(self) -> str:
        return "rating"


@dataclass(frozen=True)
class RatingSummary:
    count: int
    mean: float | None
    distribution: tuple[tuple[int, str, int], ...]
    """(value, label, how many gave it), lowest value first."""
    question: str = ""

    @property
    def most(self) -> int:
        return max((n for _, _, n in self.distribution), default=0)


def summarise(values: list[int], spec: RatingInput | None) -> RatingSummary:
    """Count, mean and distribution of a step's ratings (the scale from ``spec``, or the
    values' own range when the step is unknown)."""
    low = spec.scale_min if spec else min(values, default=0)
    high = spec.scale_max if spec else max(values, default=0)
    distribution = tuple(
        (v, spec.label(v) if spec else "", values.count(v)) for v in range(low, high + 1)
    )
    mean = sum(values) / len(values) if values else None
    return RatingSummary(len(values), mean, distribution, spec.question if spec else "")


class Rate(Command):
    type: Literal["rate"] = "rate"
    value: int = Field(ge=-100, le=100)
    client_id: ClientId | None = None


def _rate(ctx: RuleContext, cmd: Rate, actor: str) -> Event:
    spec = ctx.spec_at() if ctx.state.started else None
    if not isinstance(spec, RatingInput):
        raise Rejected("There is no rating on this step.", "conflict")
    if not spec.scale_min <= cmd.value <= spec.scale_max:
        raise Rejected(f"Choose a rating from {spec.scale_min} to {spec.scale_max}.")
    key = ctx.state.step_key
    if actor == FACILITATOR:  # a paper rating: each one counts separately
        return ctx.event(
            "rated",
            actor,
            step=key,
            rater=f"paper-{ctx.state.counter + 1}",
            value=cmd.value,
            new_id=True,
        )
    return ctx.event("rated", actor, step=key, rater=actor, value=cmd.value)


class WithdrawPaperRating(Command):
    """The facilitator takes back a paper rating typed in by mistake (the latest of that
    value on the current step). Phones change their own rating by rating again."""

    type: Literal["withdraw_paper_rating"] = "withdraw_paper_rating"
    value: int = Field(ge=-100, le=100)


def _withdraw_paper_rating(ctx: RuleContext, cmd: WithdrawPaperRating, actor: str) -> Event:
    spec = ctx.spec_at() if ctx.state.started else None
    if not isinstance(spec, RatingInput):
        raise Rejected("There is no rating on this step.", "conflict")
    if actor != FACILITATOR:
        raise Rejected("Only the facilitator can take back a paper rating.", "forbidden")
    key = ctx.state.step_key
    paper = [
        rater
        for rater, value in ctx.state.ratings.get(key, {}).items()
        if rater.startswith("paper-") and value == cmd.value
    ]
    if not paper:
        raise Rejected(f"There is no paper rating of {cmd.value} to take back.", "conflict")
    return ctx.event("paper_rating_withdrawn", actor, step=key, rater=paper[-1])


def _on_paper_rating_withdrawn(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.ratings.get(d["step"], {}).pop(d["rater"], None)


def _on_rated(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.ratings.setdefault(d["step"], {})[d["rater"]] = int(d["value"])
    if d.get("new_id"):
        state.counter += 1


def _deidentify(state: SessionState) -> None:
    """Raters become ``rater-1``, ``rater-2`` ... per step; distributions are unchanged."""
    state.ratings = {
        step: {f"rater-{n}": value for n, value in enumerate(values.values(), 1)}
        for step, values in state.ratings.items()
    }


KIND = InputKind(
    name="rating",
    order=40,
    spec=RatingInput,
    rules={Rate: _rate, WithdrawPaperRating: _withdraw_paper_rating},
    participant_commands=(Rate,),
    folds={"rated": _on_rated, "paper_rating_withdrawn": _on_paper_rating_withdrawn},
    has_content=lambda state, key: bool(state.ratings.get(key)),
    deidentify=_deidentify,
)
