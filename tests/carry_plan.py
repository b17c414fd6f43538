"""A small plan whose later items carry forward what an earlier one collected: a
"gather" method (notes, clusters of them, a vote on the clusters) and several "choose"
methods (options to add, a vote, a talk), each pointed at the gathering with ``from``."""

from __future__ import annotations

from typing import Any

from factories import make_engine, make_method, make_plan, step
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan

# Step keys ("<item>.<step>") of the plan below.
WRITE, GROUP, THEME_VOTE = "0.0", "0.1", "0.2"
TALK = "1.0"
OPTIONS, ON_CLUSTERS = "2.0", "2.1"
ON_TOP = "3.1"
ON_CLUSTER = "4.1"
ON_WRITE = "5.1"


def carry_methods() -> dict[str, Method]:
    gather = make_method(
        "gather",
        [
            step("write", {"kind": "notes", "max_per_person": 10}, title="Write"),
            step("group", {"kind": "cluster", "source_steps": ["write"]}, title="Group"),
            step(
                "vote",
                {"kind": "vote", "target_step": "group", "target": "clusters"},
                title="Vote on themes",
            ),
        ],
    )
    choose = make_method(
        "choose",
        [
            step("options", {"kind": "notes", "max_per_person": 5}, title="Add options"),
            step(
                "vote",
                {"kind": "vote", "target_step": "options", "dots_per_person": 5},
                title="Place your dots",
            ),
            step("talk", {"kind": "discussion"}, title="Talk"),
        ],
        variations=[{"name": "Quick", "description": "Skip the talk."}],
    )
    return {"gather": gather, "choose": choose}


def carry_plan(**changes: Any) -> Plan:
    agenda: list[dict[str, Any]] = [
        {"id": "themes", "method": "gather", "title": "Gathering"},
        {"talk": "Why we choose", "minutes": 10, "notes": "Slides 3 to 7."},
        {"id": "all", "method": "choose", "from": "themes.group", "variation": "Quick"},
        {"id": "top", "method": "choose", "from": "themes.vote", "top": 2},
        {"id": "one", "method": "choose", "from": "themes.group", "cluster": "waiting"},
        {"id": "notes", "method": "choose", "from": "#1.write"},
    ]
    for index, extra in changes.items():
        agenda[int(index.lstrip("_"))].update(extra)
    return make_plan(agenda)


def carry_engine(**kw: Any) -> Engine:
    return make_engine(carry_plan(), carry_methods(), **kw)
