"""Dot voting on the notes or the clusters of an earlier step of the same method."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from sessionkit.core.command import ClientId, Command, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.fields import Kebab
from sessionkit.core.inputs.base import InputKind, InputSpec, Problems, RuleContext
from sessionkit.core.inputs.cluster import target_problems
from sessionkit.core.state import FACILITATOR, Event, SessionState, StepState


class VoteInput(InputSpec):
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

    def describe(self) -> str:
        return (
            f"vote: {self.dots_per_person} dots each, at most {self.max_per_item} per item, "
            f"on the {self.target} of step '{self.target_step}'"
        )

    def caption(self) -> str:
        dots = "1 dot" if self.dots_per_person == 1 else f"{self.dots_per_person} dots"
        return f"dot vote on {self.target}, {dots} each"

    def problems(self, earlier: Mapping[str, InputSpec]) -> Problems:
        return target_problems(self.target_step, self.target, earlier, "vote on")


# ---------------------------------------------------------------- what can be voted on


def targets(state: SessionState, target_key: str, spec: VoteInput) -> list[str]:
    """Ids a vote may receive dots on, in board order, for the step at ``target_key``."""
    if spec.target == "clusters":
        # The parking lot holds what the room set aside: it is not a theme to vote on.
        return [k for k, cl in state.clusters.items() if cl.step == target_key and not cl.parking]
    return [n.id for n in state.notes.values() if n.step == target_key and not n.hidden]


def is_target(state: SessionState, target_key: str, spec: VoteInput, target: str) -> bool:
    """``target in targets(...)`` without listing every note (a dot is cast on a board of
    thousands of notes many times a second)."""
    if spec.target == "clusters":
        cluster = state.clusters.get(target)
        return cluster is not None and cluster.step == target_key and not cluster.parking
    note = state.notes.get(target)
    return note is not None and note.step == target_key and not note.hidden


@dataclass(frozen=True)
class TallyRow:
    target: str
    label: str
    dots: int
    kind: Literal["note", "cluster"]
    hidden: bool = False
    """The note was hidden by the facilitator: its text is not shown."""


PAPER = "paper"
"""The ballot of the dots typed in from paper, in a record (the facilitator's, live)."""


def paper_dots(ballots: dict[str, dict[str, int]]) -> int:
    """How many of a vote's dots came from paper (typed in by the facilitator)."""
    return sum(sum(ballots.get(who, {}).values()) for who in (FACILITATOR, PAPER))


def tally_rows(state: SessionState, key: str, spec: VoteInput | None) -> list[TallyRow]:
    """A vote step's results, most dots first, labelled with the note or cluster text."""
    kind: Literal["note", "cluster"] = (
        "cluster" if spec is not None and spec.target == "clusters" else "note"
    )
    rows: list[TallyRow] = []
    for target, dots in state.tally(key).items():
        if dots <= 0:
            continue
        if target in state.clusters:
            rows.append(TallyRow(target, state.clusters[target].label, dots, "cluster"))
        elif target in state.notes:
            note = state.notes[target]
            rows.append(
                TallyRow(target, "" if note.hidden else note.text, dots, "note", hidden=note.hidden)
            )
        else:
            rows.append(TallyRow(target, f"(a {kind} since merged or removed)", dots, kind))
    return rows


# ---------------------------------------------------------------- commands


class OpenVote(Command):
    type: Literal["open_vote"] = "open_vote"


class CloseVote(Command):
    type: Literal["close_vote"] = "close_vote"


class CastVote(Command):
    type: Literal["cast_vote"] = "cast_vote"
    target: ShortId
    client_id: ClientId | None = None


class WithdrawVote(Command):
    type: Literal["withdraw_vote"] = "withdraw_vote"
    target: ShortId
    client_id: ClientId | None = None


def _vote_step(ctx: RuleContext) -> tuple[str, VoteInput]:
    spec = ctx.spec_at() if ctx.state.started else None
    if not isinstance(spec, VoteInput):
        raise Rejected("There is no vote on this step.", "conflict")
    return ctx.state.step_key, spec


def _open(ctx: RuleContext, cmd: OpenVote, actor: str) -> Event:
    key, _ = _vote_step(ctx)
    if ctx.state.step_state(key).vote == "open":
        raise Rejected("The vote is already open.", "conflict")
    return ctx.event("vote_opened", actor, step=key)


def _close(ctx: RuleContext, cmd: CloseVote, actor: str) -> Event:
    key, _ = _vote_step(ctx)
    if ctx.state.step_state(key).vote != "open":
        raise Rejected("The vote is not open.", "conflict")
    return ctx.event("vote_closed", actor, step=key)


def _cast(ctx: RuleContext, cmd: CastVote, actor: str) -> Event:
    key, spec = _vote_step(ctx)
    state = ctx.state
    if state.step_state(key).vote != "open":
        raise Rejected("Voting is not open.", "locked")
    own = is_target(state, ctx.sibling_key(key, spec.target_step), spec, cmd.target)
    if not own and cmd.target not in ctx.carried_targets(key):
        raise Rejected(f"'{cmd.target}' is not one of the things being voted on.", "not_found")
    if actor != FACILITATOR:  # the facilitator enters paper dots: no budget
        ballot = state.votes.get(key, {}).get(actor, {})
        if sum(ballot.values()) >= spec.dots_per_person:
            raise Rejected(f"You have used all {spec.dots_per_person} of your dots.", "limit")
        if ballot.get(cmd.target, 0) >= spec.max_per_item:
            raise Rejected(f"At most {spec.max_per_item} dot(s) can go on one item.", "limit")
    return ctx.event("vote_cast", actor, step=key, voter=actor, target=cmd.target)


def _withdraw(ctx: RuleContext, cmd: WithdrawVote, actor: str) -> Event:
    key, _ = _vote_step(ctx)
    if ctx.state.step_state(key).vote != "open":
        raise Rejected("Voting is not open.", "locked")
    if ctx.state.votes.get(key, {}).get(actor, {}).get(cmd.target, 0) <= 0:
        raise Rejected("There is no dot of yours on that to take back.", "conflict")
    return ctx.event("vote_withdrawn", actor, step=key, voter=actor, target=cmd.target)


# ---------------------------------------------------------------- folds


def _on_opened(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.steps.setdefault(d["step"], StepState()).vote = "open"


def _on_closed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.steps.setdefault(d["step"], StepState()).vote = "closed"


def _on_cast(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    ballot = state.votes.setdefault(d["step"], {}).setdefault(d["voter"], {})
    ballot[d["target"]] = ballot.get(d["target"], 0) + 1


def _on_withdrawn(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    ballot = state.votes[d["step"]][d["voter"]]
    ballot[d["target"]] -= 1
    if ballot[d["target"]] <= 0:
        del ballot[d["target"]]


def _deidentify(state: SessionState) -> None:
    """Voters become ``voter-1``, ``voter-2`` ... per step; tallies are unchanged. The
    dots the facilitator typed in from paper stay apart, as ``paper``: they are many
    people's, never one voter over the budget."""
    state.votes = {
        step: {
            **{
                f"voter-{n}": dict(ballot)
                for n, ballot in enumerate(
                    (b for voter, b in ballots.items() if voter != FACILITATOR), 1
                )
            },
            **({PAPER: dict(ballots[FACILITATOR])} if FACILITATOR in ballots else {}),
        }
        for step, ballots in state.votes.items()
    }


KIND = InputKind(
    name="vote",
    order=20,
    spec=VoteInput,
    rules={OpenVote: _open, CloseVote: _close, CastVote: _cast, WithdrawVote: _withdraw},
    participant_commands=(CastVote, WithdrawVote),
    folds={
        "vote_opened": _on_opened,
        "vote_closed": _on_closed,
        "vote_cast": _on_cast,
        "vote_withdrawn": _on_withdrawn,
    },
    has_content=lambda state, key: bool(state.votes.get(key)),
    deidentify=_deidentify,
)
