"""Questions: anyone asks, others upvote (once each), the facilitator answers and merges.

A question's votes are the set of people who upvoted it, so a second upvote from the same
person is refused, never counted, and upvoting again after taking it back is fine. Nobody
upvotes their own question. Merging a duplicate into another moves its votes there as a
union: someone who upvoted both counts once. Paper upvotes (the facilitator's) each count
as a separate voter. Questions are shown most upvoted first, answered ones after.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import Field

from sessionkit.core.command import ClientId, Command, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.inputs.base import InputKind, InputSpec, RuleContext
from sessionkit.core.state import FACILITATOR, Event, Question, SessionState
from sessionkit.core.text import CleanStr

MAX_QUESTION_CHARS = 300
PAPER = "paper-"


class QuestionsInput(InputSpec):
    """Open questions that others upvote."""

    kind: Literal["questions"]
    max_per_person: int = Field(default=5, ge=1, le=50)
    upvotes_per_person: int | None = Field(default=None, ge=1, le=50)
    """At most this many upvotes each on the step (Lean Coffee's dots); taking one back
    frees it. ``None``: one upvote per question, on as many as a person likes."""
    anonymous: bool = True
    """True: who asked is never shown or exported. False: the asker's name is kept."""

    def is_anonymous(self) -> bool:
        return self.anonymous

    def describe(self) -> str:
        names = "anonymous" if self.anonymous else "with names"
        budget = f" ({self.upvotes_per_person} upvotes each)" if self.upvotes_per_person else ""
        return f"questions: up to {self.max_per_person} each, upvoted by others{budget}; {names}"

    def caption(self) -> str:
        return "questions, upvoted" + ("" if self.anonymous else ", with names")


def upvotes_used(state: SessionState, key: str, voter: str) -> int:
    """How many of a step's standing questions (not merged away, not taken down) ``voter``
    has upvoted: what counts against :attr:`QuestionsInput.upvotes_per_person`."""
    return sum(
        1
        for q in state.questions.values()
        if q.step == key and q.merged_into is None and not q.hidden and voter in q.voters
    )


def ranked(state: SessionState, key: str, *, hidden: bool = False) -> list[Question]:
    """A step's questions still standing (not merged away; not hidden unless ``hidden``):
    open ones first, then answered, each most upvoted first, ties in the order asked."""
    questions = [
        q
        for q in state.questions.values()
        if q.step == key and q.merged_into is None and (hidden or not q.hidden)
    ]
    return sorted(questions, key=lambda q: (q.answered, -len(q.voters)))


def merged_into(state: SessionState, question_id: str) -> list[Question]:
    """The questions merged into this one."""
    return [q for q in state.questions.values() if q.merged_into == question_id]


# ---------------------------------------------------------------- commands


class AskQuestion(Command):
    type: Literal["ask_question"] = "ask_question"
    text: Annotated[CleanStr, Field(max_length=MAX_QUESTION_CHARS)]
    client_id: ClientId | None = None


class Upvote(Command):
    type: Literal["upvote"] = "upvote"
    question: ShortId
    client_id: ClientId | None = None


class WithdrawUpvote(Command):
    type: Literal["withdraw_upvote"] = "withdraw_upvote"
    question: ShortId
    client_id: ClientId | None = None


class MarkAnswered(Command):
    type: Literal["mark_answered"] = "mark_answered"
    question: ShortId
    answered: bool = True


class MergeQuestions(Command):
    """``source`` is a duplicate of ``target``: its votes join the target's."""

    type: Literal["merge_questions"] = "merge_questions"
    source: ShortId
    target: ShortId


class HideQuestion(Command):
    type: Literal["hide_question"] = "hide_question"
    question: ShortId
    hidden: bool = True


def _questions_step(ctx: RuleContext) -> tuple[str, QuestionsInput]:
    spec = ctx.spec_at() if ctx.state.started else None
    if not isinstance(spec, QuestionsInput):
        raise Rejected("There are no questions on this step.", "conflict")
    return ctx.state.step_key, spec


def _question(ctx: RuleContext, question_id: str) -> Question:
    question = ctx.state.questions.get(question_id)
    if question is None:
        raise Rejected("There is no such question.", "not_found")
    return question


def _standing(ctx: RuleContext, question_id: str) -> Question:
    """A question on the current step that can still be voted on."""
    key, _ = _questions_step(ctx)
    question = _question(ctx, question_id)
    if question.step != key:
        raise Rejected("That question belongs to another step.", "conflict")
    if question.merged_into is not None:
        raise Rejected(
            "That question was merged into another one: upvote that one instead.", "conflict"
        )
    if question.hidden:
        raise Rejected("That question was taken down by the facilitator.", "conflict")
    return question


def _ask(ctx: RuleContext, cmd: AskQuestion, actor: str) -> Event:
    key, spec = _questions_step(ctx)
    text = cmd.text.strip()
    if not text:
        raise Rejected("Write your question first.")
    state = ctx.state
    if actor != FACILITATOR:
        asked = sum(1 for q in state.questions.values() if q.step == key and q.author == actor)
        if asked >= spec.max_per_person:
            raise Rejected(f"You have asked {asked} questions, the most this step allows.", "limit")
    author_name = None
    if not spec.anonymous and actor != FACILITATOR:
        author_name = state.participants[actor].name
    return ctx.event(
        "question_asked",
        actor,
        question=f"q{state.counter + 1}",
        step=key,
        text=text,
        author_name=author_name,
    )


def _upvote(ctx: RuleContext, cmd: Upvote, actor: str) -> Event:
    question = _standing(ctx, cmd.question)
    if question.author == actor and actor != FACILITATOR:
        raise Rejected("You cannot upvote your own question.", "forbidden")
    if actor == FACILITATOR:  # a paper upvote: each one is a separate voter
        voter = f"{PAPER}{ctx.state.counter + 1}"
        return ctx.event("question_upvoted", actor, question=question.id, voter=voter, new_id=True)
    if actor in question.voters:
        raise Rejected("You have already upvoted this question.", "conflict")
    _, spec = _questions_step(ctx)
    limit = spec.upvotes_per_person
    if limit is not None and upvotes_used(ctx.state, question.step, actor) >= limit:
        raise Rejected(
            f"You have used your {limit} upvotes: take one back to give it to this question.",
            "limit",
        )
    return ctx.event("question_upvoted", actor, question=question.id, voter=actor)


def _withdraw(ctx: RuleContext, cmd: WithdrawUpvote, actor: str) -> Event:
    question = _standing(ctx, cmd.question)
    if actor == FACILITATOR:  # takes back the latest paper upvote
        paper = [v for v in question.voters if v.startswith(PAPER)]
        if not paper:
            raise Rejected("There is no paper upvote on that question to take back.", "conflict")
        voter = paper[-1]
    elif actor in question.voters:
        voter = actor
    else:
        raise Rejected("You have not upvoted this question.", "conflict")
    return ctx.event("question_upvote_withdrawn", actor, question=question.id, voter=voter)


def _answered(ctx: RuleContext, cmd: MarkAnswered, actor: str) -> Event:
    question = _question(ctx, cmd.question)
    if question.answered == cmd.answered:
        raise Rejected(
            "That question is already marked answered." if cmd.answered else "It is not answered.",
            "conflict",
        )
    return ctx.event("question_answered", actor, question=question.id, answered=cmd.answered)


def _merge(ctx: RuleContext, cmd: MergeQuestions, actor: str) -> Event:
    if cmd.source == cmd.target:
        raise Rejected("A question cannot be merged into itself.")
    source, target = _question(ctx, cmd.source), _question(ctx, cmd.target)
    if source.step != target.step:
        raise Rejected("Only questions of the same step can be merged.", "conflict")
    if source.merged_into is not None or target.merged_into is not None:
        raise Rejected("One of those questions was already merged into another.", "conflict")
    return ctx.event("questions_merged", actor, source=source.id, target=target.id)


def _hide(ctx: RuleContext, cmd: HideQuestion, actor: str) -> Event:
    question = _question(ctx, cmd.question)
    if question.hidden == cmd.hidden:
        raise Rejected("Nothing to change.", "conflict")
    return ctx.event("question_hidden", actor, question=question.id, hidden=cmd.hidden)


# ---------------------------------------------------------------- folds


def union(voters: Iterable[str], more: Iterable[str], author: str) -> list[str]:
    """Voters of both, each once, in the order first seen; never the question's author."""
    return [v for v in dict.fromkeys([*voters, *more]) if v != author]


def _on_asked(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.counter += 1
    state.questions[d["question"]] = Question(
        id=d["question"],
        step=d["step"],
        text=d["text"],
        author=event.actor,
        author_name=d.get("author_name"),
        created_at=event.at,
    )


def _on_upvoted(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    question = state.questions[d["question"]]
    if d["voter"] not in question.voters:
        question.voters.append(d["voter"])
    if d.get("new_id"):
        state.counter += 1


def _on_withdrawn(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    question = state.questions[d["question"]]
    if d["voter"] in question.voters:
        question.voters.remove(d["voter"])


def _on_answered(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.questions[d["question"]].answered = bool(d["answered"])


def _on_merged(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    source, target = state.questions[d["source"]], state.questions[d["target"]]
    target.voters = union(target.voters, source.voters, target.author)
    source.merged_into = target.id
    for earlier in state.questions.values():  # what was merged into the duplicate
        if earlier.merged_into == source.id:
            earlier.merged_into = target.id


def _on_hidden(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.questions[d["question"]].hidden = bool(d["hidden"])


def _deidentify(state: SessionState) -> None:
    """Askers are dropped; voters become ``voter-1``, ``voter-2`` ... per step (the same
    person keeps one number within a step, so merged counts still add up)."""
    numbers: dict[tuple[str, str], str] = {}
    counts: dict[str, int] = {}
    for question in state.questions.values():
        question.author = ""
        renamed = []
        for voter in question.voters:
            if (question.step, voter) not in numbers:
                counts[question.step] = counts.get(question.step, 0) + 1
                numbers[(question.step, voter)] = f"voter-{counts[question.step]}"
            renamed.append(numbers[(question.step, voter)])
        question.voters = renamed


KIND = InputKind(
    name="questions",
    order=64,
    spec=QuestionsInput,
    rules={
        AskQuestion: _ask,
        Upvote: _upvote,
        WithdrawUpvote: _withdraw,
        MarkAnswered: _answered,
        MergeQuestions: _merge,
        HideQuestion: _hide,
    },
    participant_commands=(AskQuestion, Upvote, WithdrawUpvote),
    folds={
        "question_asked": _on_asked,
        "question_upvoted": _on_upvoted,
        "question_upvote_withdrawn": _on_withdrawn,
        "question_answered": _on_answered,
        "questions_merged": _on_merged,
        "question_hidden": _on_hidden,
    },
    has_content=lambda state, key: any(q.step == key for q in state.questions.values()),
    deidentify=_deidentify,
)
