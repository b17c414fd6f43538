"""Builders for tests: methods, plans and engines made in Python, no TOML files needed.

``make_method`` fills in the catalogue fields every method needs so a test only states
its steps; ``standard_methods``/``standard_plan`` give one plan that exercises every kind
of step input (notes, canvas, cluster, votes, rating, discussion) and a break.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine, Limits
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import NEWCOMER, Event

T0 = 1_700_000_000.0
"""Start of every fake clock: a fixed wall-clock time, so runs are reproducible."""


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


class ListJournal:
    """A journal that keeps events in a list; set ``fail`` to make appends raise."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.batches: list[list[Event]] = []
        self.fail: OSError | None = None

    def append(self, events: Sequence[Event]) -> None:
        if self.fail is not None:
            raise self.fail
        self.batches.append(list(events))
        self.events.extend(events)


def step(id: str, input: dict[str, Any], *, timebox: int = 5, **extra: Any) -> dict[str, Any]:
    """One step as a dict (what a TOML ``[[steps]]`` table would hold)."""
    return {
        "id": id,
        "title": extra.pop("title", id.replace("-", " ").capitalize()),
        "prompt": extra.pop("prompt", f"Prompt for {id}"),
        "timebox": timebox,
        "input": input,
        **extra,
    }


def make_method(id: str, steps: list[dict[str, Any]], **fields: Any) -> Method:
    """A valid method with the given steps; its duration fits the step timeboxes."""
    total = sum(s["timebox"] for s in steps)
    data: dict[str, Any] = {
        "id": id,
        "name": id.replace("-", " ").title(),
        "summary": f"The {id} method.",
        "purpose": f"Testing {id}.",
        "phase": "discover",
        "duration": {"min": total, "typical": total, "max": total},
        "group_size": {"min": 1, "max": 50},
        "steps": steps,
    }
    data.update(fields)
    return Method.model_validate(data)


def make_plan(
    agenda: list[dict[str, Any]], *, id: str = "test-plan", start: str = "09:00", end: str = "17:00"
) -> Plan:
    return Plan.model_validate(
        {
            "id": id,
            "title": "Test plan",
            "days": [{"start": start, "end": end, "agenda": agenda}],
        }
    )


def make_engine(
    plan: Plan | None = None,
    methods: dict[str, Method] | None = None,
    *,
    clock: FakeClock | None = None,
    journal: Any = None,
    max_participants: int = 1000,
    run_id: str = "run-test",
    **kw: Any,
) -> Engine:
    if plan is None:
        plan = standard_plan()
    if methods is None:
        methods = standard_methods()
    return Engine(
        plan,
        methods,
        clock=clock or FakeClock(),
        journal=journal,
        limits=Limits(max_participants=max_participants),
        run_id=run_id,
        **kw,
    )


# ------------------------------------------------------------------ the standard plan

ROSE_THORN = [
    {"id": "rose", "label": "Rose"},
    {"id": "thorn", "label": "Thorn"},
]
REGIONS = [
    {"id": "doing", "label": "Doing"},
    {"id": "feeling", "label": "Feeling"},
]


def standard_methods() -> dict[str, Method]:
    ideas = make_method(
        "ideas",
        [
            # 0.0: private, named notes with categories
            step(
                "write",
                {
                    "kind": "notes",
                    "max_per_person": 3,
                    "categories": ROSE_THORN,
                    "private": True,
                    "anonymous": False,
                },
                timebox=10,
            ),
            # 0.1: open, anonymous notes without categories
            step("anon", {"kind": "notes", "max_per_person": 2}),
            # 0.2: canvas
            step("map", {"kind": "canvas", "regions": REGIONS, "max_per_person": 3}),
            # 0.3: cluster the two notes steps, with a parking lot
            step("group", {"kind": "cluster", "source_steps": ["write", "anon"]}),
            # 0.4: dots on notes of "write"
            step(
                "vote-notes",
                {
                    "kind": "vote",
                    "target_step": "write",
                    "target": "notes",
                    "dots_per_person": 3,
                    "max_per_item": 2,
                },
            ),
            # 0.5: dots on clusters of "group"
            step(
                "vote-themes",
                {
                    "kind": "vote",
                    "target_step": "group",
                    "target": "clusters",
                    "dots_per_person": 2,
                    "max_per_item": 1,
                },
            ),
            # 0.6: discussion
            step("talk", {"kind": "discussion"}),
        ],
    )
    check_out = make_method(
        "check-out",
        [
            # 2.0: rating
            step("rate", {"kind": "rating", "scale_min": 1, "scale_max": 5}, timebox=3),
            # 2.1
            step("close", {"kind": "discussion", "summary": False}, timebox=2),
        ],
    )
    quick_sort = make_method(
        "quick-sort",
        [
            # 3.0: notes
            step("jot", {"kind": "notes"}, timebox=4),
            # 3.1: cluster without a parking lot
            step(
                "sort",
                {"kind": "cluster", "source_steps": ["jot"], "parking_lot": False},
                timebox=6,
            ),
        ],
    )
    return {m.id: m for m in (ideas, check_out, quick_sort)}


def standard_plan() -> Plan:
    return make_plan(
        [
            {"method": "ideas"},  # item 0
            {"break": 15},  # item 1
            {"method": "check-out"},  # item 2
            {"method": "quick-sort"},  # item 3
        ]
    )


# Step keys of the standard plan, by name.
WRITE, ANON, MAP, GROUP, VOTE_NOTES, VOTE_THEMES, TALK = (f"0.{i}" for i in range(7))
BREAK = "1.0"
RATE, CLOSE = "2.0", "2.1"
JOT, SORT = "3.0", "3.1"
ALL_STEPS = (WRITE, ANON, MAP, GROUP, VOTE_NOTES, VOTE_THEMES, TALK, BREAK, RATE, CLOSE, JOT, SORT)


# ------------------------------------------------------------------ driving an engine


def go(engine: Engine, key: str) -> Event:
    """Move the facilitator to a step by its key (``"0.3"``)."""
    item, step_index = (int(part) for part in key.split("."))
    return engine.execute(c.GoTo(item=item, step=step_index))


def join(engine: Engine, name: str | None = None, **kw: Any) -> str:
    """A newcomer joins; returns their participant id."""
    return engine.execute(c.Join(name=name, **kw), NEWCOMER).data["participant"]


# ------------------------------------------------------------------ words, questions, actions


def kinds_methods() -> dict[str, Method]:
    """One method with a notes step, then a words, a questions and an actions step."""
    method = make_method(
        "harvest",
        [
            # 0.0: notes the actions may come from
            step("jot", {"kind": "notes"}),
            # 0.1: a word cloud, up to 2 words, 2 answers each
            step("words", {"kind": "words", "max_words": 2, "answers_per_person": 2}),
            # 0.2: questions to upvote
            step("ask", {"kind": "questions"}),
            # 0.3: actions from the notes of "jot"
            step("act", {"kind": "actions", "from_step": "jot", "max_per_person": 2}),
        ],
    )
    return {method.id: method}


def kinds_plan() -> Plan:
    return make_plan([{"method": "harvest"}], id="kinds-plan")
