"""Rank and score: each person orders their top N items, or scores every item on a few
criteria (the results are worked out in :mod:`.rank_tally`).

``mode = "rank"``: a ranking is one list, best first, of at most ``top`` items; it is
sent whole (and may be sent again to change it), so a duplicate or a list longer than
``top`` is refused before anything changes. Results are Borda points: 1st gets ``top``
points ... the ``top``-th gets 1, with ties shown as ties ("=2").

``mode = "score"``: each person gives each item a whole number on each criterion's
scale. Results are the mean and the count per criterion; with exactly two criteria each
item is placed in the quadrant of its two means against the scales' midpoints (a 2x2).

Paper sheets are numbered by the facilitator (``paper-1`` ...), as in the sort; the
facilitator closes the step to show the results.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from sessionkit.core.command import ClientId, Command, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.fields import Kebab, Strict
from sessionkit.core.inputs.base import InputKind, InputSpec, Problems, RuleContext
from sessionkit.core.inputs.cluster import target_problems
from sessionkit.core.inputs.sort import PAPER, SortInput, is_item
from sessionkit.core.language import CriterionWelsh
from sessionkit.core.state import FACILITATOR, Event, SessionState, StepState
from sessionkit.core.text import CleanStr

MAX_TOP = 20
MAX_SCALE_STEPS = 11
"""A scale has at most 11 points (0-10), so a phone can show it as one short list."""


class Criterion(Strict):
    """One thing each item is scored on, e.g. impact from 1 (little) to 5 (a lot)."""

    id: Kebab
    label: CleanStr = Field(min_length=1, max_length=40)
    scale_min: int = 1
    scale_max: int = 5
    low_label: CleanStr = Field(default="", max_length=40)
    high_label: CleanStr = Field(default="", max_length=40)
    cy: CriterionWelsh | None = None
    """The label and the ends' words in Welsh (``cy.label``, ``cy.low_label``,
    ``cy.high_label``), shown on phones in Welsh."""

    @property
    def midpoint(self) -> float:
        return (self.scale_min + self.scale_max) / 2


class RankInput(InputSpec):
    """Order the top N items of an earlier step, or score each on a few criteria."""

    kind: Literal["rank"]
    target_step: Kebab
    target: Literal["notes", "clusters"] = "notes"
    mode: Literal["rank", "score"] = "rank"
    top: int = 3
    """For ``mode = "rank"``: how many items each person orders."""
    criteria: list[Criterion] = Field(default_factory=list)
    """For ``mode = "score"``: what each item is scored on (two: a 2x2 as well)."""

    def describe(self) -> str:
        if self.mode == "rank":
            return f"rank: the top {self.top} of the {self.target} of step '{self.target_step}'"
        named = " and ".join(f"{c.label} {c.scale_min}-{c.scale_max}" for c in self.criteria)
        return f"score: each of the {self.target} of step '{self.target_step}' on {named}"

    def caption(self) -> str:
        if self.mode == "rank":
            return f"rank the top {self.top} {self.target}"
        return f"score {self.target} on {' and '.join(c.label for c in self.criteria)}"

    def problems(self, earlier: Mapping[str, InputSpec]) -> Problems:
        found: Problems = []
        if self.mode == "rank" and not 1 <= self.top <= MAX_TOP:
            found.append((("top",), f"top is {self.top}: it must be from 1 to {MAX_TOP}"))
        if self.mode == "score" and not self.criteria:
            found.append((("criteria",), "a score needs at least one criterion"))
        seen: set[str] = set()
        for i, crit in enumerate(self.criteria):
            if crit.id in seen:
                found.append((("criteria", i, "id"), f"two criteria are called '{crit.id}'"))
            seen.add(crit.id)
            steps = crit.scale_max - crit.scale_min + 1
            if crit.scale_max <= crit.scale_min:
                found.append(
                    (
                        ("criteria", i, "scale_max"),
                        f"the scale of '{crit.id}' runs from {crit.scale_min} to "
                        f"{crit.scale_max}: scale_max must be above scale_min",
                    )
                )
            elif steps > MAX_SCALE_STEPS:
                found.append(
                    (
                        ("criteria", i, "scale_max"),
                        f"the scale of '{crit.id}' has {steps} points: at most {MAX_SCALE_STEPS}",
                    )
                )
        return [*found, *target_problems(self.target_step, self.target, earlier, self.mode)]

    def as_sort(self) -> SortInput:
        """The same target as a sort's, to reuse its item rules."""
        return SortInput(
            kind="sort", target_step=self.target_step, target=self.target, buckets=["a", "b"]
        )


# ---------------------------------------------------------------- results


def rankings(state: SessionState, key: str) -> dict[str, list[str]]:
    """ranker -> their items, best first."""
    return state.rankings.get(key, {})


def scores(state: SessionState, key: str) -> dict[str, dict[str, dict[str, int]]]:
    """scorer -> item -> criterion id -> value."""
    return state.scores.get(key, {})


# ---------------------------------------------------------------- commands


class SubmitRanking(Command):
    """One person's ranking, best first (it replaces any earlier one; empty: take it
    back). ``paper`` is the facilitator's: the number of the paper sheet typed in."""

    type: Literal["submit_ranking"] = "submit_ranking"
    items: list[ShortId] = Field(max_length=MAX_TOP * 5)
    paper: int | None = Field(default=None, ge=1, le=999)
    client_id: ClientId | None = None


class ScoreItem(Command):
    """One score of one item on one criterion (``value=None``: take it back)."""

    type: Literal["score_item"] = "score_item"
    item: ShortId
    criterion: str = Field(max_length=60)
    value: int | None = Field(default=None, ge=-1000, le=1000)
    paper: int | None = Field(default=None, ge=1, le=999)
    client_id: ClientId | None = None


class CloseRank(Command):
    """Close the ranking or scoring and show its results (``closed=False`` reopens it)."""

    type: Literal["close_rank"] = "close_rank"
    closed: bool = True


def _rank_step(ctx: RuleContext, mode: str | None = None) -> tuple[str, RankInput]:
    spec = ctx.spec_at() if ctx.state.started else None
    if not isinstance(spec, RankInput) or (mode is not None and spec.mode != mode):
        what = {"rank": "ranking", "score": "scoring"}.get(mode or "", "ranking or scoring")
        raise Rejected(f"There is no {what} on this step.", "conflict")
    return ctx.state.step_key, spec


def _open_for(ctx: RuleContext, mode: str) -> tuple[str, RankInput]:
    key, spec = _rank_step(ctx, mode)
    if ctx.state.step_state(key).vote == "closed":
        raise Rejected(f"The {'ranking' if mode == 'rank' else 'scoring'} is closed.", "locked")
    return key, spec


def _person(actor: str, paper: int | None) -> str:
    if actor == FACILITATOR:
        if paper is None:
            raise Rejected("Say which paper sheet (its number) this is from.")
        return f"{PAPER}{paper}"
    if paper is not None:
        raise Rejected("Only the facilitator types in paper sheets.", "forbidden")
    return actor


def _own_item(ctx: RuleContext, key: str, spec: RankInput, item: str) -> bool:
    own = is_item(ctx.state, ctx.sibling_key(key, spec.target_step), spec.as_sort(), item)
    return own or item in ctx.carried_targets(key)


def _submit(ctx: RuleContext, cmd: SubmitRanking, actor: str) -> Event:
    key, spec = _open_for(ctx, "rank")
    who = _person(actor, cmd.paper)
    if len(cmd.items) > spec.top:
        raise Rejected(f"That ranks {len(cmd.items)} items: rank at most your top {spec.top}.")
    if len(set(cmd.items)) != len(cmd.items):
        raise Rejected("The same item is in the ranking twice: each item goes in one place.")
    for item in cmd.items:
        if not _own_item(ctx, key, spec, item):
            raise Rejected(f"'{item}' is not one of the things being ranked.", "not_found")
    if not cmd.items and not rankings(ctx.state, key).get(who):
        raise Rejected("There is no ranking to take back.", "conflict")
    if rankings(ctx.state, key).get(who) == list(cmd.items):
        raise Rejected("That is already your ranking.", "conflict")
    return ctx.event("ranking_submitted", actor, step=key, ranker=who, items=list(cmd.items))


def _score(ctx: RuleContext, cmd: ScoreItem, actor: str) -> Event:
    key, spec = _open_for(ctx, "score")
    who = _person(actor, cmd.paper)
    crit = next((c for c in spec.criteria if c.id == cmd.criterion), None)
    if crit is None:
        listed = ", ".join(c.label for c in spec.criteria)
        raise Rejected(f"'{cmd.criterion}' is not one of the criteria ({listed}).")
    if cmd.value is not None and not crit.scale_min <= cmd.value <= crit.scale_max:
        raise Rejected(
            f"{cmd.value} is outside the scale of {crit.label} "
            f"({crit.scale_min} to {crit.scale_max})."
        )
    if not _own_item(ctx, key, spec, cmd.item):
        raise Rejected(f"'{cmd.item}' is not one of the things being scored.", "not_found")
    had = scores(ctx.state, key).get(who, {}).get(cmd.item, {}).get(crit.id)
    if had == cmd.value:
        raise Rejected(
            "That has not been scored yet." if had is None else "That is already its score.",
            "conflict",
        )
    return ctx.event(
        "item_scored",
        actor,
        step=key,
        scorer=who,
        item=cmd.item,
        criterion=crit.id,
        value=cmd.value,
    )


def _close(ctx: RuleContext, cmd: CloseRank, actor: str) -> Event:
    key, spec = _rank_step(ctx)
    closed = ctx.state.step_state(key).vote == "closed"
    what = "ranking" if spec.mode == "rank" else "scoring"
    if closed == cmd.closed:
        raise Rejected(f"The {what} is already {'closed' if closed else 'open'}.", "conflict")
    return ctx.event("rank_closed", actor, step=key, closed=cmd.closed)


# ---------------------------------------------------------------- folds


def _on_submitted(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    by = state.rankings.setdefault(d["step"], {})
    if d["items"]:
        by[d["ranker"]] = list(d["items"])
    else:
        by.pop(d["ranker"], None)


def _on_scored(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    item = (
        state.scores.setdefault(d["step"], {}).setdefault(d["scorer"], {}).setdefault(d["item"], {})
    )
    if d.get("value") is None:  # a None is left out of the event
        item.pop(d["criterion"], None)
    else:
        item[d["criterion"]] = d["value"]


def _on_closed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.steps.setdefault(d["step"], StepState()).vote = "closed" if d["closed"] else "open"


def _renamed(by_step: dict[str, dict[str, Any]], word: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for step, by_person in by_step.items():
        n = 0
        mine: dict[str, Any] = {}
        for who, got in by_person.items():
            if who.startswith(PAPER):
                mine[who] = got
            else:
                n += 1
                mine[f"{word}-{n}"] = got
        out[step] = mine
    return out


def _deidentify(state: SessionState) -> None:
    """Rankers and scorers become ``ranker-1``, ``scorer-1`` ... per step; paper sheets
    keep their number; points and means are unchanged."""
    state.rankings = _renamed(state.rankings, "ranker")
    state.scores = _renamed(state.scores, "scorer")


KIND = InputKind(
    name="rank",
    order=74,
    spec=RankInput,
    rules={SubmitRanking: _submit, ScoreItem: _score, CloseRank: _close},
    participant_commands=(SubmitRanking, ScoreItem),
    folds={
        "ranking_submitted": _on_submitted,
        "item_scored": _on_scored,
        "rank_closed": _on_closed,
    },
    has_content=lambda state, key: (
        bool(state.rankings.get(key)) or any(state.scores.get(key, {}).values())
    ),
    deidentify=_deidentify,
)
