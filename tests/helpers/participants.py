"""Simulated participants: a room of people doing what each kind of step asks.

``walk(engine, people)`` goes through every step of the engine's plan, first to last;
on each it has everyone (and the facilitator, where only the facilitator can: opening
a vote, clustering, a summary) do what the step's input kind collects, then reports how
much the step collected and, for a vote, sort or rank, how many items it found to work
on. One function per kind in :data:`SIMULATE`, chosen by the kind's name, so a new kind
without one fails with its name rather than being skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.inputs import InputSpec
from sessionkit.core.state import FACILITATOR, NEWCOMER


@dataclass
class StepWalked:
    """What one step collected from the simulated room."""

    key: str
    step_id: str
    kind: str
    collected: int
    """Notes, clusters, dots, ratings, words... the step now holds (its own things)."""
    items: int | None = None
    """For a vote, sort or rank: the items it found to work on (None for other kinds)."""


@dataclass
class Room:
    engine: Engine
    people: list[str]

    def do(self, command: c.Command, actor: str = FACILITATOR) -> Any:
        return self.engine.execute(command, actor)


def join_room(engine: Engine, count: int) -> Room:
    """``count`` people join from phones, each with a role and a table when the plan asks."""
    plan = engine.plan
    people = []
    for n in range(count):
        role = plan.join_roles[n % len(plan.join_roles)] if plan.join_roles else None
        table = n % plan.tables + 1 if plan.tables else None
        event = engine.execute(c.Join(name=f"Person {n + 1}", role=role, table=table), NEWCOMER)
        people.append(event.data["participant"])
    return Room(engine, people)


# ------------------------------------------------------------ one function per kind


def _notes(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    state = room.engine.state
    grouped = room.engine.groups_at(key)
    places = [r.id for r in spec.note_regions()] if hasattr(spec, "note_regions") else []
    categories = [cat.id for cat in getattr(spec, "categories", ())]
    writers = room.people
    if grouped is not None:  # one writer per group: a group's notes are shared
        first: dict[str, str] = {}
        for person, group in state.group_of.get(key, {}).items():
            first.setdefault(group, person)
        writers = list(first.values())
    each = min(2, grouped.max_per_group if grouped is not None else spec.max_per_person)
    for n, person in enumerate(writers):
        for m in range(each):
            room.do(
                c.AddNote(
                    text=f"Note {m + 1} from {person}",
                    region=places[(n + m) % len(places)] if places else None,
                    category=categories[(n + m) % len(categories)] if categories else None,
                ),
                person,
            )
    if spec.private:
        room.do(c.Reveal(step=key))
    if grouped is not None and grouped.pick:
        for person in writers:
            mine = [note for note in state.notes_in(key) if note.author == person]
            room.do(c.PickNote(note=mine[0].id), person)
        picked = sum(1 for note in state.notes_in(key) if state.is_picked(note))
        assert picked == len(writers), f"{picked} of {len(writers)} groups picked a note"
    return len(state.notes_in(key)), None


def _cluster(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    state = room.engine.state
    notes = [
        note.id
        for source in room.engine.cluster_sources(key)
        for note in state.notes_in(source)
        if not spec.picked_only or state.is_picked(note)
    ]
    assert notes, "no notes to cluster from its source steps"
    half = max(1, len(notes) // 2)
    for n, chunk in enumerate((notes[:half], notes[half:])):
        if chunk:
            room.do(c.CreateCluster(label=f"Theme {n + 1}", notes=chunk))
    return sum(1 for cl in state.clusters.values() if cl.step == key), None


def _vote(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    targets = room.engine.vote_targets(key)
    room.do(c.OpenVote())
    for n, person in enumerate(room.people):
        for d in range(min(spec.dots_per_person, len(targets))):
            room.do(c.CastVote(target=targets[(n + d) % len(targets)]), person)
    room.do(c.CloseVote())
    dots = sum(sum(b.values()) for b in room.engine.state.votes.get(key, {}).values())
    return dots, len(targets)


def _rating(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    for n, person in enumerate(room.people):
        value = spec.scale_min + n % (spec.scale_max - spec.scale_min + 1)
        room.do(c.Rate(value=value), person)
    return len(room.engine.state.ratings.get(key, {})), None


def _discussion(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    if not spec.summary:  # collects nothing: that it can be walked through is the test
        return 1, None
    room.do(c.SetSummary(text="What the room said."))
    return int(bool(room.engine.state.step_state(key).summary)), None


def _words(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    for n, person in enumerate(room.people):
        room.do(c.AddWords(text=("trust", "time", "listening")[n % 3]), person)
    return sum(1 for w in room.engine.state.words.values() if w.step == key), None


def _questions(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    state = room.engine.state
    for person in room.people[:3]:
        room.do(c.AskQuestion(text=f"A question from {person}?"), person)
    asked = [q for q in state.questions.values() if q.step == key]
    for person in room.people[3:]:
        room.do(c.Upvote(question=asked[0].id), person)
    return len(asked), None


def _actions(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    for n in range(3):
        room.do(c.AddAction(what=f"Action {n + 1}", who="Someone", due="2030-03-14"))
    return sum(1 for a in room.engine.state.actions.values() if a.step == key), None


def _sort(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    items = room.engine.sort_targets(key)
    for n, person in enumerate(room.people):
        for m, item in enumerate(items):
            room.do(
                c.PlaceItem(item=item, bucket=spec.buckets[(n + m) % len(spec.buckets)]), person
            )
    return len(room.engine.state.sorts.get(key, {})), len(items)


def _rank(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    state = room.engine.state
    items = room.engine.rank_targets(key)
    for n, person in enumerate(room.people):
        if spec.mode == "rank":
            order = items[n % len(items) :] + items[: n % len(items)] if items else []
            room.do(c.SubmitRanking(items=order[: spec.top]), person)
        else:
            for item in items:
                for criterion in spec.criteria:
                    value = criterion.scale_min + n % (
                        criterion.scale_max - criterion.scale_min + 1
                    )
                    room.do(c.ScoreItem(item=item, criterion=criterion.id, value=value), person)
    done = state.rankings.get(key, {}) if spec.mode == "rank" else state.scores.get(key, {})
    return len(done), len(items)


def _requests(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    state = room.engine.state
    teams = [team.id for team in spec.teams]
    for n, person in enumerate(room.people):
        room.do(c.ChooseTeam(team=teams[n % len(teams)]), person)
    for n, person in enumerate(room.people):
        other = teams[(n + 1) % len(teams)]
        room.do(c.SendRequest(text=f"Could {other} help with this?", team=other), person)
    for request in [r for r in state.requests.values() if r.step == key]:
        answerer = next(
            p for p in room.people if state.teams_chosen.get(key, {}).get(p) == request.team
        )
        room.do(c.AnswerRequest(request=request.id, answer="talk", reply="Let's talk"), answerer)
    answered = [r for r in state.requests.values() if r.step == key and r.answer]
    return len(answered), None


def _review(room: Room, key: str, spec: Any) -> tuple[int, int | None]:
    """Each carried action marked by someone in the room, with what was learned."""
    reviews = list(room.engine.state.reviews.values())
    statuses = ("done", "in progress", "dropped")
    for n, action in enumerate(reviews):
        person = room.people[n % len(room.people)]
        room.do(c.SetActionStatus(action=action.id, status=statuses[n % 3]), person)
        room.do(c.AddLearning(action=action.id, text=f"What we learned from {action.what}"), person)
    marked = [a for a in room.engine.state.reviews.values() if a.status != "open"]
    return len(marked), len(reviews)


CARRIED = [
    {
        "ref": f"earlier-run/a{n}",
        "what": what,
        "who": "Someone",
        "due": "2030-03-14",
        "origin": {"run": "earlier-run", "item": "Who does what next"},
    }
    for n, what in enumerate(
        ("Ask housing to join", "Share the referral map", "Try a named worker")
    )
]
"""Open actions of an earlier run, as the store hands them to a run of a series."""


Simulate = Callable[[Room, str, Any], tuple[int, int | None]]
SIMULATE: dict[str, Simulate] = {
    "notes": _notes,
    "canvas": _notes,
    "cluster": _cluster,
    "vote": _vote,
    "rating": _rating,
    "discussion": _discussion,
    "words": _words,
    "questions": _questions,
    "actions": _actions,
    "sort": _sort,
    "rank": _rank,
    "requests": _requests,
    "review": _review,
}
"""Input kind -> what a room does on a step of that kind: (things collected, items found)."""


def walk(room: Room) -> list[StepWalked]:
    """Start the session and do every step of the plan, first to last."""
    engine = room.engine
    walked: list[StepWalked] = []
    room.do(c.StartSession())
    while True:
        item, step = engine.step_def()
        if step is not None:
            spec: InputSpec = step.input
            simulate = SIMULATE.get(spec.kind)
            assert simulate is not None, f"no simulated participant for a {spec.kind} step"
            try:
                collected, items = simulate(room, engine.state.step_key, spec)
            except Exception as error:  # say which step could not be walked, and why
                raise AssertionError(
                    f"step '{step.id}' ({spec.kind}) could not be walked: "
                    f"{type(error).__name__}: {error}"
                ) from error
            walked.append(StepWalked(engine.state.step_key, step.id, spec.kind, collected, items))
        if engine.state.step + 1 >= len(item.steps) and engine.state.item + 1 >= len(engine.items):
            return walked
        room.do(c.NextStep())
