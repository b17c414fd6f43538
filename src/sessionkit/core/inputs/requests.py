"""Requests between groups: a note addressed to one of the step's teams, and its answer.

A participant first says which team they belong to (remembered for the step); they send
requests to any team, and the members of a team answer the requests addressed to it:
yes, no or "let's talk", with an optional short reply. Only that team answers; the
facilitator may send or answer for someone without a phone (marked as paper).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from sessionkit.core.command import ClientId, Command, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.fields import require_unique
from sessionkit.core.inputs.base import InputKind, InputSpec, RuleContext
from sessionkit.core.inputs.notes import Region
from sessionkit.core.state import FACILITATOR, Event, Request, SessionState
from sessionkit.core.text import CleanStr

MAX_REQUEST_CHARS = 300
MAX_REPLY_CHARS = 200
ANSWERS = {"yes": "Yes", "no": "No", "talk": "Let's talk"}
"""Each answer a team may give, with how it is shown."""


class RequestsInput(InputSpec):
    """Requests addressed to named teams, each answered by its team."""

    kind: Literal["requests"]
    teams: list[Region] = Field(min_length=2)
    max_per_person: int = Field(default=5, ge=1, le=50)
    anonymous: bool = True
    """True: who asked is never shown or exported (their team is). False: names are kept."""

    @field_validator("teams")
    @classmethod
    def _unique_teams(cls, teams: list[Region]) -> list[Region]:
        require_unique([t.id for t in teams], "team")
        return teams

    def is_anonymous(self) -> bool:
        return self.anonymous

    def team_label(self, team: str | None) -> str:
        for t in self.teams:
            if t.id == team:
                return t.label
        return team or ""

    def describe(self) -> str:
        return (
            "requests to teams: "
            + ", ".join(t.label for t in self.teams)
            + f"; up to {self.max_per_person} each, answered yes, no or let's talk"
        )

    def caption(self) -> str:
        return "requests between teams" + ("" if self.anonymous else ", with names")


def for_team(state: SessionState, key: str, team: str) -> list[Request]:
    """The requests of a step addressed to ``team``, in the order sent."""
    return [r for r in state.requests.values() if r.step == key and r.team == team]


# ---------------------------------------------------------------- commands


class ChooseTeam(Command):
    type: Literal["choose_team"] = "choose_team"
    team: ShortId
    client_id: ClientId | None = None


class SendRequest(Command):
    type: Literal["send_request"] = "send_request"
    text: Annotated[CleanStr, Field(max_length=MAX_REQUEST_CHARS)]
    team: ShortId
    from_team: ShortId | None = None
    """Only the facilitator's (paper) requests say this; a phone's come from its team."""
    client_id: ClientId | None = None


class AnswerRequest(Command):
    type: Literal["answer_request"] = "answer_request"
    request: ShortId
    answer: Literal["yes", "no", "talk"]
    reply: Annotated[CleanStr, Field(max_length=MAX_REPLY_CHARS)] = ""
    client_id: ClientId | None = None


def _requests_step(ctx: RuleContext) -> tuple[str, RequestsInput]:
    spec = ctx.spec_at() if ctx.state.started else None
    if not isinstance(spec, RequestsInput):
        raise Rejected("There are no requests on this step.", "conflict")
    return ctx.state.step_key, spec


def _team(spec: RequestsInput, wanted: str) -> str:
    if wanted not in {t.id for t in spec.teams}:
        known = ", ".join(t.label for t in spec.teams)
        raise Rejected(f"There is no team '{wanted}' on this step (teams: {known}).", "not_found")
    return wanted


def _choose(ctx: RuleContext, cmd: ChooseTeam, actor: str) -> Event:
    key, spec = _requests_step(ctx)
    return ctx.event("team_chosen", actor, step=key, team=_team(spec, cmd.team))


def _send(ctx: RuleContext, cmd: SendRequest, actor: str) -> Event:
    key, spec = _requests_step(ctx)
    text = cmd.text.strip()
    if not text:
        raise Rejected("Write your request first.")
    team = _team(spec, cmd.team)
    state = ctx.state
    paper = actor == FACILITATOR
    if paper:
        from_team = _team(spec, cmd.from_team) if cmd.from_team else None
    else:
        from_team = state.teams_chosen.get(key, {}).get(actor)
        sent = sum(1 for r in state.requests.values() if r.step == key and r.author == actor)
        if sent >= spec.max_per_person:
            raise Rejected(f"You have sent {sent} requests, the most this step allows.", "limit")
    author_name = None
    if not spec.anonymous and not paper:
        author_name = state.participants[actor].name
    return ctx.event(
        "request_sent",
        actor,
        request=f"r{state.counter + 1}",
        step=key,
        text=text,
        team=team,
        from_team=from_team,
        author_name=author_name,
        paper=paper or None,
    )


def _answer(ctx: RuleContext, cmd: AnswerRequest, actor: str) -> Event:
    key, spec = _requests_step(ctx)
    request = ctx.state.requests.get(cmd.request)
    if request is None or request.step != key:
        raise Rejected("There is no such request on this step.", "not_found")
    if actor != FACILITATOR:
        mine = ctx.state.teams_chosen.get(key, {}).get(actor)
        if mine is None:
            raise Rejected("Choose your team first: then you can answer its requests.", "conflict")
        if mine != request.team:
            who = spec.team_label(request.team)
            raise Rejected(f"That request is for {who}: only {who} can answer it.", "forbidden")
    return ctx.event(
        "request_answered",
        actor,
        request=request.id,
        answer=cmd.answer,
        reply=cmd.reply.strip(),
        paper=(actor == FACILITATOR) or None,
    )


# ---------------------------------------------------------------- folds


def _on_chosen(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.teams_chosen.setdefault(d["step"], {})[event.actor] = d["team"]


def _on_sent(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.counter += 1
    state.requests[d["request"]] = Request(
        id=d["request"],
        step=d["step"],
        text=d["text"],
        team=d["team"],
        from_team=d.get("from_team"),
        author=event.actor,
        author_name=d.get("author_name"),
        paper=bool(d.get("paper")),
        created_at=event.at,
    )


def _on_answered(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    request = state.requests[d["request"]]
    request.answer = d["answer"]
    request.reply = d.get("reply", "")
    request.answer_paper = bool(d.get("paper"))


def _deidentify(state: SessionState) -> None:
    """Who asked is dropped (their team stays); who chose which team is dropped."""
    for request in state.requests.values():
        request.author = ""
    state.teams_chosen = {}


KIND = InputKind(
    name="requests",
    order=80,
    spec=RequestsInput,
    rules={ChooseTeam: _choose, SendRequest: _send, AnswerRequest: _answer},
    participant_commands=(ChooseTeam, SendRequest, AnswerRequest),
    folds={
        "team_chosen": _on_chosen,
        "request_sent": _on_sent,
        "request_answered": _on_answered,
    },
    has_content=lambda state, key: any(r.step == key for r in state.requests.values()),
    deidentify=_deidentify,
)
