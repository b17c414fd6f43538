"""A tiny plan and method made in Python, and a way to play a run through the engine.

Used by the store, export and SIGKILL tests so they do not depend on the library files.
Every kind of step input appears once: named notes with categories, anonymous notes, a
canvas, clustering, votes on notes and on clusters, a rating and a discussion.
"""

from __future__ import annotations

from typing import Any

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import NEWCOMER

T0 = 1_715_000_000.0  # a fixed wall-clock start (Mon 6 May 2024, around 12:53 UTC)


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float = 1.0) -> None:
        self.now += seconds


def _step(id: str, input: dict[str, Any], timebox: int = 5, **extra: Any) -> dict[str, Any]:
    return {
        "id": id,
        "title": extra.pop("title", id.replace("-", " ").capitalize()),
        "prompt": extra.pop("prompt", f"Prompt for {id}"),
        "timebox": timebox,
        "input": input,
        **extra,
    }


def method() -> Method:
    steps = [
        _step(
            "named",
            {
                "kind": "notes",
                "anonymous": False,
                "categories": [
                    {"id": "rose", "label": "Rose", "colour": "#ffd6e0"},
                    {"id": "thorn", "label": "Thorn", "colour": "#d6f5d6"},
                ],
            },
            title="What works, what hurts",
            prompt="What works about {{service}}?",
        ),
        _step(
            "anon",
            {"kind": "notes", "max_per_person": 50},
            title="Anonymous worries",
            prompt="What worries you? Nobody will know it was you.",
        ),
        _step("empty", {"kind": "notes"}, title="Nobody wrote here"),
        _step(
            "map",
            {
                "kind": "canvas",
                "regions": [
                    {"id": "before", "label": "Before"},
                    {"id": "during", "label": "During"},
                ],
            },
            title="Journey",
        ),
        _step("group", {"kind": "cluster", "source_steps": ["named", "anon"]}, title="Themes"),
        _step(
            "vote",
            {"kind": "vote", "target_step": "anon", "dots_per_person": 3, "max_per_item": 2},
            title="Vote on worries",
        ),
        _step(
            "vote-themes",
            {"kind": "vote", "target_step": "group", "target": "clusters", "dots_per_person": 2},
            title="Vote on themes",
        ),
        _step(
            "rate",
            {
                "kind": "rating",
                "scale_min": 1,
                "scale_max": 5,
                "question": "How was it?",
                "labels": ["awful", "poor", "ok", "good", "great"],
            },
            title="Rating",
        ),
        _step("talk", {"kind": "discussion"}, title="Talk"),
    ]
    total = sum(s["timebox"] for s in steps)
    return Method.model_validate(
        {
            "id": "sample",
            "name": "Sample method",
            "summary": "A method for tests.",
            "purpose": "Testing.",
            "phase": "discover",
            "duration": {"min": total, "typical": total, "max": total},
            "group_size": {"min": 1, "max": 100},
            "variables": {"service": {"description": "the service", "default": "the service"}},
            "steps": steps,
        }
    )


def plan() -> Plan:
    return Plan.model_validate(
        {
            "id": "sample-plan",
            "title": "Sample workshop",
            "facilitators": ["Fran", "Sam"],
            "days": [
                {
                    "start": "09:30",
                    "end": "12:00",
                    "date": "2024-05-06",
                    "agenda": [
                        {"method": "sample", "variables": {"service": "home care"}},
                        {"break": 15},
                    ],
                }
            ],
        }
    )


def methods() -> dict[str, Method]:
    m = method()
    return {m.id: m}


# Step keys of the sample plan.
NAMED, ANON, EMPTY, MAP, GROUP, VOTE, VOTE_THEMES, RATE, TALK = (f"0.{i}" for i in range(9))
BREAK = "1.0"

AWKWARD = [
    "[bold]x[/]",
    "[@click=app.quit]x[/]",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "Emoji 🎉👩🏽‍🦱 ok",
    "مرحبا بالعالم",
    "שלום עולם",
    "# heading",
    "| table | row |",
    "line one\nline two\n> quoted\n- listed",
    "x" * 500,
    "back`tick` *star* _under_ \\slash",
]


def join(engine: Engine, name: str | None = None) -> str:
    return engine.execute(c.Join(name=name), NEWCOMER).data["participant"]


def go(engine: Engine, key: str, clock: Clock | None = None, seconds: float = 60) -> None:
    if clock is not None:
        clock.tick(seconds)
    item, step = (int(p) for p in key.split("."))
    engine.execute(c.GoTo(item=item, step=step))


def play(engine: Engine, clock: Clock, *, end: bool = True) -> dict[str, Any]:
    """Run the sample plan with awkward content; return ids worth asserting on."""
    alice = join(engine, "Alice Named")
    bob = join(engine, "Bob Secret")
    anon = join(engine)
    engine.execute(c.StartSession())
    clock.tick(30)
    n_rose = engine.execute(c.AddNote(text="Carers who stay", category="rose"), alice).data["note"]
    n_thorn = engine.execute(c.AddNote(text="Waiting lists", category="thorn"), bob).data["note"]
    go(engine, ANON, clock, 400)
    awkward = {}
    for n, text in enumerate(AWKWARD):
        clock.tick(2)
        who = (alice, bob, anon)[n % 3]
        awkward[text] = engine.execute(c.AddNote(text=text), who).data["note"]
    secret = engine.execute(c.AddNote(text="Bob wrote this anonymously"), bob).data["note"]
    hidden = engine.execute(c.AddNote(text="Rude remark to hide"), anon).data["note"]
    engine.execute(c.HideNote(note=hidden))
    engine.execute(c.MarkAction(note=awkward["+1"], owner="Fran"))
    engine.execute(c.MarkAction(note=hidden, owner="Nobody"))
    go(engine, EMPTY, clock, 200)
    go(engine, MAP, clock, 120)
    placed = engine.execute(c.AddNote(text="Phone call", region="before"), alice).data["note"]
    engine.execute(c.AddNote(text="Visit", region="during"), bob)
    go(engine, GROUP, clock, 300)
    theme = engine.execute(
        c.CreateCluster(
            label="Staff [bold]time[/]", notes=[n_rose, awkward["<script>alert(1)</script>"]]
        )
    ).data["cluster"]
    other = engine.execute(
        c.CreateCluster(
            label="<b>Formulas</b>", notes=[awkward['=HYPERLINK("http://x")'], awkward["@SUM(A1)"]]
        )
    ).data["cluster"]
    engine.execute(c.CreateCluster(label="Later", parking=True, notes=[awkward["-2"]]))
    go(engine, VOTE, clock, 300)
    engine.execute(c.OpenVote())
    for voter, target in (
        (alice, awkward["-2"]),
        (bob, awkward["-2"]),
        (anon, secret),
        (alice, awkward["-2"]),
        (bob, awkward["# heading"]),
    ):
        engine.execute(c.CastVote(target=target), voter)
    engine.execute(c.CloseVote())
    go(engine, VOTE_THEMES, clock, 200)
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=theme), alice)
    engine.execute(c.CastVote(target=other), bob)
    engine.execute(c.CastVote(target=theme), anon)
    go(engine, RATE, clock, 100)
    for who, value in ((alice, 5), (bob, 4), (anon, 4)):
        engine.execute(c.Rate(value=value), who)
    go(engine, TALK, clock, 100)
    engine.execute(c.SetSummary(text="We agreed to *focus* on <staff> time.\n# Not a heading"))
    go(engine, BREAK, clock, 700)
    if end:
        clock.tick(600)
        engine.execute(c.EndSession())
    return {
        "alice": alice,
        "bob": bob,
        "anon": anon,
        "rose": n_rose,
        "thorn": n_thorn,
        "awkward": awkward,
        "secret": secret,
        "hidden": hidden,
        "theme": theme,
        "other": other,
        "placed": placed,
    }


def notes_board(method_id: str) -> tuple[Plan, dict[str, Method]]:
    """A plan of one method with one notes step (100 notes a person): what the crash tests'
    child processes flood with submissions."""
    method = Method.model_validate(
        {
            "id": method_id,
            "name": "Board",
            "summary": "Many notes.",
            "purpose": "Testing.",
            "phase": "discover",
            "duration": {"min": 10, "typical": 10, "max": 10},
            "group_size": {"min": 1, "max": 1000},
            "steps": [
                {
                    "id": "write",
                    "title": "Write",
                    "prompt": "Write",
                    "timebox": 10,
                    "input": {"kind": "notes", "max_per_person": 100},
                }
            ],
        }
    )
    plan = Plan.model_validate(
        {
            "id": f"{method_id}-plan",
            "title": "Board",
            "days": [{"start": "09:00", "end": "10:00", "agenda": [{"method": method_id}]}],
        }
    )
    return plan, {method_id: method}
