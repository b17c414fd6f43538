"""A small workshop built in Python: for tests, snapshots, the benchmark and trying the TUI.

It exercises every kind of step (notes with kinds, private notes, a canvas, clustering, a
vote on clusters, a rating, a discussion) and a break, without reading any TOML, so tests
do not change when the bundled library does. ``sessionkit run --sample`` opens it.
"""

from __future__ import annotations

from typing import Any

from sessionkit.core.method import Method
from sessionkit.core.plan import Plan


def _step(
    id: str, title: str, prompt: str, minutes: int, input: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {"id": id, "title": title, "prompt": prompt, "timebox": minutes, "input": input, **extra}


def _method(id: str, name: str, summary: str, steps: list[dict[str, Any]], **extra: Any) -> Method:
    total = sum(step["timebox"] for step in steps)
    return Method.model_validate(
        {
            "id": id,
            "name": name,
            "summary": summary,
            "purpose": summary,
            "phase": extra.pop("phase", "discover"),
            "duration": {"min": total, "typical": total, "max": total},
            "group_size": {"min": 2, "max": 30},
            "steps": steps,
            **extra,
        }
    )


def sample_methods() -> dict[str, Method]:
    rtb = _method(
        "rose-thorn-bud",
        "Rose, Thorn, Bud",
        "Everyone notes what works, what hurts and what could grow.",
        [
            _step(
                "notes",
                "What works, what hurts, what could grow",
                "Thinking about {{service}}: add roses (what works), thorns (what hurts) "
                "and buds (what could grow). One idea per note.",
                8,
                {
                    "kind": "notes",
                    "categories": [
                        {"id": "rose", "label": "Rose", "colour": "#f9c6d3"},
                        {"id": "thorn", "label": "Thorn", "colour": "#bfdbfe"},
                        {"id": "bud", "label": "Bud", "colour": "#c8e6c9"},
                    ],
                },
                facilitator_notes="Give people a minute in silence before they post.",
            ),
            _step(
                "themes",
                "Group into themes",
                "Which notes belong together? Let's group them and name each theme.",
                10,
                {"kind": "cluster", "source_steps": ["notes"]},
                facilitator_notes="Pair notes first, name groups last. Park what doesn't fit.",
            ),
            _step(
                "vote",
                "Which themes matter most?",
                "You have 3 dots. Put them on the themes that matter most to people "
                "who use the service.",
                5,
                {
                    "kind": "vote",
                    "target_step": "themes",
                    "target": "clusters",
                    "dots_per_person": 3,
                },
            ),
        ],
        variables={"service": {"description": "The service", "default": "the service"}},
        tips=["Read notes aloud as they go up."],
    )
    worries = _method(
        "private-worries",
        "Private worries",
        "People write worries privately; the facilitator reveals them together.",
        [
            _step(
                "write",
                "Write your worries privately",
                "What worries you about the change? Nobody sees your notes until they "
                "are revealed together, without names.",
                5,
                {"kind": "notes", "private": True},
            ),
            _step(
                "confidence",
                "How confident are you?",
                "How confident are you that the change will work?",
                3,
                {
                    "kind": "rating",
                    "question": "Confidence in the change",
                    "scale_min": 1,
                    "scale_max": 5,
                    "labels": ["Not at all", "A little", "Somewhat", "Quite", "Very"],
                },
            ),
        ],
    )
    journey = _method(
        "journey",
        "Journey map",
        "Place moments of a journey on stages.",
        [
            _step(
                "map",
                "Map the journey",
                "Where in the journey does each moment happen?",
                10,
                {
                    "kind": "canvas",
                    "layout": "lanes",
                    "regions": [
                        {"id": "before", "label": "Before"},
                        {"id": "during", "label": "During"},
                        {"id": "after", "label": "After"},
                    ],
                },
            ),
            _step(
                "talk",
                "What did we learn?",
                "What surprised you? What is missing?",
                5,
                {"kind": "discussion"},
                facilitator_notes="Write the main points into the summary (s).",
            ),
        ],
        phase="define",
    )
    return {m.id: m for m in (rtb, worries, journey)}


def sample_plan() -> Plan:
    return Plan.model_validate(
        {
            "id": "sample-workshop",
            "title": "Sample workshop: improving the library service",
            "purpose": "Try out every kind of step.",
            "days": [
                {
                    "title": "Morning",
                    "start": "09:30",
                    "end": "11:00",
                    "agenda": [
                        {
                            "method": "rose-thorn-bud",
                            "variables": {"service": "the library service"},
                            "notes": "Welcome people; say that notes are anonymous.",
                        },
                        {"break": 10},
                        {"method": "private-worries"},
                        {"method": "journey"},
                    ],
                }
            ],
        }
    )
