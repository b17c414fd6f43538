"""The record and every export say where carried items came from, list talk items and
the chosen variation, and a record of such a plan loads back unchanged."""

from __future__ import annotations

import pytest

from carry_plan import GROUP, ON_CLUSTERS, ON_TOP, TALK, WRITE, carry_engine
from factories import go, join
from sessionkit.core import commands as c
from sessionkit.core.record import Record
from sessionkit.export import FORMATS, export, load_record


@pytest.fixture
def record() -> Record:
    engine = carry_engine()
    person = join(engine)
    go(engine, WRITE)
    notes = [engine.execute(c.AddNote(text=t)).data["note"] for t in ("Long waits", "Stories")]
    go(engine, GROUP)
    waiting = engine.execute(c.CreateCluster(label="Waiting lists", notes=notes[:1]))
    go(engine, TALK)
    go(engine, ON_CLUSTERS)
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=waiting.data["cluster"]), person)
    engine.execute(c.CloseVote())
    go(engine, ON_TOP)
    return Record.from_engine(engine)


def test_the_record_says_where_a_steps_items_came_from(record: Record):
    views = {s.key: s for item in record.items() for s in item.steps}
    assert views[ON_CLUSTERS].carried_from == "items carried forward from 'Gathering' (Group)"
    assert views[ON_TOP].carried_from == (
        "items carried forward from 'Gathering' (Vote on themes), the top 2 by dots"
    )
    assert views[GROUP].carried_from == ""
    talk = record.items()[1]
    assert (talk.kind, talk.title, talk.steps[0].kind) == ("talk", "Why we choose", "talk")
    assert record.shown_steps(talk) == list(talk.steps)  # a talk given is in the record
    assert record.items()[2].variation == "Quick"


def test_markdown_and_html_show_the_source_the_talk_and_the_variation(record: Record):
    md = export(record, "md")
    assert "dot vote on notes, 5 dots each · items carried forward from 'Gathering' (Group)" in md
    assert "| 2 | Why we choose (talk) |" in md
    assert "*Variation: Quick*" in md
    assert "Waiting lists" in md.split("### 3.2")[1]  # the carried cluster's dots
    html = export(record, "html")
    assert "items carried forward from &#x27;Gathering&#x27; (Group)" in html
    assert "Why we choose (talk)" in html
    assert "Variation: Quick" in html


@pytest.mark.parametrize("fmt", [f for f in FORMATS if FORMATS[f].load is not None])
def test_a_record_with_carries_and_talks_loads_back(record: Record, fmt: str):
    again = load_record(export(record, fmt), fmt)
    assert again.plan == record.plan
    assert [s.carried_from for i in again.items() for s in i.steps] == [
        s.carried_from for i in record.items() for s in i.steps
    ]
