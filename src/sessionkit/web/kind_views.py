"""What a phone is sent on a sort, words, questions or actions step (entries of ``KIND_VIEWS``).

As in :mod:`.views`: the public part is the same for every phone; the personal part says
what is this phone's own. Author ids never leave the server; ids of answers, questions
and actions do (the phone sends them back), but the page never shows them.
"""

from __future__ import annotations

from typing import Any, Protocol

from sessionkit.core.engine import Engine
from sessionkit.core.inputs.actions import ActionsInput, listed, source_label
from sessionkit.core.inputs.questions import QuestionsInput, merged_into, ranked, upvotes_used
from sessionkit.core.inputs.requests import ANSWERS, RequestsInput
from sessionkit.core.inputs.sort import SortInput, placements, results, sorters
from sessionkit.core.inputs.words import WordsInput, answers_by, cloud
from sessionkit.core.state import Question, Request, SessionState, StepState

PUBLIC_VIEWER = "\x00public"
"""The same viewer as :data:`sessionkit.web.views.PUBLIC_VIEWER` (that module imports
this one): what any participant who wrote none of the notes may see."""


class Views(Protocol):
    """What these parts need of :class:`sessionkit.web.views.Views`."""

    @property
    def engine(self) -> Engine: ...


# ---------------------------------------------------------------- sort


def shown_items(views: Views, ids: list[str]) -> tuple[list[dict[str, Any]], int]:
    """The items of a sort or rank as a phone may see them (clusters by their label,
    notes by their text), and how many notes the room may not see yet (counted only)."""
    engine, state = views.engine, views.engine.state
    items: list[dict[str, Any]] = []
    unseen = 0
    for item in ids:
        cluster = state.clusters.get(item)
        if cluster is not None:
            items.append({"id": item, "text": cluster.label, "cluster": True})
        elif engine.visible_to(item, PUBLIC_VIEWER):
            items.append({"id": item, "text": state.notes[item].text})
        else:
            unseen += 1
    return items, unseen


def public_sort(views: Views, key: str, spec: SortInput, step_state: StepState) -> dict[str, Any]:
    """The items to sort (notes the room may not see yet are counted, not shown), and
    once the facilitator closes the sort, the counts per bucket, ordered by ``order_by``."""
    engine = views.engine
    state = engine.state
    closed = step_state.vote == "closed"
    items, unseen = shown_items(views, engine.sort_targets(key))
    out: dict[str, Any] = {
        "input": {
            "kind": "sort",
            "buckets": list(spec.buckets),
            **({"cy": {"buckets": list(spec.cy.buckets)}} if spec.cy else {}),
            "order_by": spec.ordering,
            "status": "closed" if closed else "open",
        },
        "items": items,
        "unseen": unseen,
    }
    came = engine.carried(key)
    if came is not None and came.ids:
        out["input"]["carried_from"] = came.source
    if closed:
        shown = {i["id"] for i in items}
        out["results"] = {
            "kind": "sort",
            "sorters": sorters(state, key),
            "rows": [
                {"item": row.item, "counts": list(row.counts)}
                for row in results(state, key, spec, [str(i["id"]) for i in items])
                if row.item in shown
            ],
        }
    return out


def me_sort(views: Views, key: str, pid: str, spec: SortInput) -> dict[str, Any]:
    placed = dict(placements(views.engine.state, key).get(pid, {}))
    # Shown though they may lie past the first page of items.
    return {"placed": placed, "placed_items": shown_items(views, list(placed))[0]}


# ---------------------------------------------------------------- words


def public_words(views: Views, key: str, spec: WordsInput, step_state: StepState) -> dict[str, Any]:
    words = cloud(views.engine.state, key)
    return {
        "input": {
            "kind": "words",
            "max_words": spec.max_words,
            "answers_per_person": spec.answers_per_person,
        },
        "cloud": [{"word": word, "count": count} for word, count in words],
        "answers_total": sum(count for _, count in words),
    }


def me_words(views: Views, key: str, pid: str, spec: WordsInput) -> dict[str, Any]:
    mine = answers_by(views.engine.state, key, pid)
    return {
        "my_words": [a.text for a in mine],
        "words_left": max(0, spec.answers_per_person - len(mine)),
    }


# ---------------------------------------------------------------- questions


def public_questions(
    views: Views, key: str, spec: QuestionsInput, step_state: StepState
) -> dict[str, Any]:
    state = views.engine.state
    out = [question_json(state, q) for q in ranked(state, key)]
    return {
        "input": {
            "kind": "questions",
            "max_per_person": spec.max_per_person,
            "upvotes_per_person": spec.upvotes_per_person,
            "anonymous": spec.anonymous,
        },
        "questions": out,
    }


def question_json(state: SessionState, q: Question) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": q.id,
        "text": q.text,
        "votes": len(q.voters),
        "answered": q.answered,
        "merged": len(merged_into(state, q.id)),
    }
    if q.author_name:
        item["author_name"] = q.author_name
    return item


def me_questions(views: Views, key: str, pid: str, spec: QuestionsInput) -> dict[str, Any]:
    state = views.engine.state
    asked = [q for q in state.questions.values() if q.step == key and q.author == pid]
    standing = [q for q in state.questions.values() if q.step == key and q.merged_into is None]
    upvoted = [q for q in standing if pid in q.voters]
    own = {q.id: q for q in [*asked, *upvoted] if q.merged_into is None}
    return {
        "my_questions": [q.id for q in asked],
        "upvoted": [q.id for q in upvoted],
        # Shown though they may lie past the first page of questions.
        "question_items": [question_json(state, q) for q in own.values()],
        "questions_left": max(0, spec.max_per_person - len(asked)),
        **(
            {"upvotes_left": max(0, spec.upvotes_per_person - upvotes_used(state, key, pid))}
            if spec.upvotes_per_person is not None
            else {}
        ),
    }


# ---------------------------------------------------------------- actions


def public_actions(
    views: Views, key: str, spec: ActionsInput, step_state: StepState
) -> dict[str, Any]:
    state = views.engine.state
    return {
        "input": {
            "kind": "actions",
            "who_can_add": spec.who_can_add,
            "max_per_person": spec.max_per_person,
        },
        "actions": [
            {
                "id": a.id,
                "what": a.what,
                "who": a.who,
                "due": a.due,
                "from": source_label(state, a.source) or None,
                "done": a.done,
            }
            for a in listed(state, key)
        ],
    }


def me_actions(views: Views, key: str, pid: str, spec: ActionsInput) -> dict[str, Any]:
    state = views.engine.state
    mine = [a for a in state.actions.values() if a.step == key and a.author == pid]
    return {
        "my_actions": [a.id for a in mine if not a.dropped],
        "actions_left": max(0, spec.max_per_person - len(mine)),
    }


# ---------------------------------------------------------------- requests


def public_requests(
    views: Views, key: str, spec: RequestsInput, step_state: StepState
) -> dict[str, Any]:
    state = views.engine.state
    out = [request_json(r, spec) for r in state.requests.values() if r.step == key]
    return {
        "input": {
            "kind": "requests",
            "teams": [
                {"id": t.id, "label": t.label, "hint": t.hint}
                | ({"cy": {"label": t.cy.label, "hint": t.cy.hint}} if t.cy else {})
                for t in spec.teams
            ],
            "max_per_person": spec.max_per_person,
            "anonymous": spec.anonymous,
        },
        "requests": out,
    }


def request_json(r: Request, spec: RequestsInput) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": r.id,
        "text": r.text,
        "team": r.team,
        "to": spec.team_label(r.team),
        "answer": r.answer,
        "answer_label": ANSWERS.get(r.answer or "", ""),
        "reply": r.reply,
    }
    if r.from_team:
        item["from"] = spec.team_label(r.from_team)
    if r.author_name:
        item["author_name"] = r.author_name
    return item


def me_requests(views: Views, key: str, pid: str, spec: RequestsInput) -> dict[str, Any]:
    state = views.engine.state
    sent = [r.id for r in state.requests.values() if r.step == key and r.author == pid]
    team = state.teams_chosen.get(key, {}).get(pid)
    return {
        "my_team": team,
        # All of them, to answer, though the public list is sent a page at a time.
        "team_requests": [
            request_json(r, spec)
            for r in state.requests.values()
            if r.step == key and team is not None and r.team == team
        ],
        "my_requests": sent,
        "requests_left": max(0, spec.max_per_person - len(sent)),
    }
