"""Vote results in the record: ties shown as ties, and dots typed in from paper said
apart from the people who voted on phones (never one voter over the budget)."""

from __future__ import annotations

import json

from markdown_it import MarkdownIt

from factories import go, join, make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.record import Record
from sessionkit.export import export
from sessionkit.export.text import places


def voted() -> Engine:
    method = make_method(
        "choose",
        [
            step("ideas", {"kind": "notes"}),
            step("vote", {"kind": "vote", "target_step": "ideas", "dots_per_person": 2}),
        ],
    )
    engine = make_engine(make_plan([{"method": method.id}]), {method.id: method})
    ann, bo = join(engine, "Ann"), join(engine, "Bo")
    engine.execute(c.StartSession())
    notes = [
        engine.execute(c.AddNote(text=text), ann).data["note"]
        for text in ("Named worker", "One phone number", "Shorter forms", "Home visits")
    ]
    go(engine, "0.1")
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=notes[0]), ann)
    engine.execute(c.CastVote(target=notes[1]), ann)
    engine.execute(c.CastVote(target=notes[0]), bo)
    for _ in range(4):  # four paper dots, typed in by the facilitator
        engine.execute(c.CastVote(target=notes[1]))
    engine.execute(c.CastVote(target=notes[2]))
    engine.execute(c.CastVote(target=notes[3]))
    engine.execute(c.CloseVote())
    return engine


def test_places_show_ties_as_ties() -> None:
    assert places([5, 2, 2, 1]) == ["1", "=2", "=2", "4"]
    assert places([3, 3]) == ["=1", "=1"]
    assert places([]) == []


def test_paper_dots_are_said_apart_and_ties_stay_ties() -> None:
    record = Record.from_engine(voted())
    assert record.voters("0.1") == 2 and record.paper_dots("0.1") == 6
    md = export(record, "md")
    assert "2 people placed 3 dots on their phones, 6 more from paper:" in md
    assert "- **1.** 5 dots — One phone number" in md
    assert "- **2.** 2 dots — Named worker" in md
    assert "- **=3.** 1 dot — Shorter forms" in md and "- **=3.** 1 dot — Home visits" in md
    rendered = MarkdownIt("commonmark").render(md)
    assert "<strong>=3.</strong> 1 dot — Home visits" in rendered  # not renumbered
    html = export(record, "html")
    assert "2 people placed 3 dots on their phones, 6 more from paper" in html
    assert '<span class="rank">=3.</span>' in html


def test_the_record_keeps_paper_dots_as_paper_not_as_a_voter() -> None:
    data = json.loads(export(Record.from_engine(voted()), "json"))
    ballots = data["state"]["votes"]["0.1"]
    assert sorted(ballots) == ["paper", "voter-1", "voter-2"]
    assert sum(ballots["paper"].values()) == 6
