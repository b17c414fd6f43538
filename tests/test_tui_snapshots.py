"""SVG snapshots of the facilitator's screens at 100x30.

Deterministic: a fixed clock injected into the engine, the time zone pinned to UTC (the
title bar shows the time of day), no blinking cursor, the workshop built in Python.
Update after an intended change with ``pytest tests/test_tui_snapshots.py
--snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input, TextArea

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.state import NEWCOMER
from sessionkit.library import Library
from sessionkit.tui import SessionkitApp
from sessionkit.tui.sample import sample_methods, sample_plan

SIZE = (100, 30)
T0 = 1_700_000_000.0 + 11 * 3600 + 20 * 60 + 40  # 09:33 UTC: on the plan's own morning
JOIN = "http://192.168.1.20:8000/j/Zx81kQ"


@pytest.fixture(autouse=True)
def steady(monkeypatch: pytest.MonkeyPatch) -> None:
    """No cursor blink, and one time zone, so every run draws the same screen."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None, raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class FixedClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def workshop() -> tuple[Engine, FixedClock]:
    """The sample workshop, started, with notes from three people and a paper note."""
    clock = FixedClock()
    engine = Engine(sample_plan(), sample_methods(), clock=clock, run_id="snapshot")
    # A lead named, so no "no safeguarding lead" notice covers the board.
    engine.execute(c.SetSafeguarding(lead="Sam Jones, team manager"))
    engine.execute(c.StartSession())
    people = [
        engine.execute(c.Join(name=name), actor=NEWCOMER).data["participant"]
        for name in ("Ann", "Bo", "Cy")
    ]
    notes = [
        ("rose", "Friendly staff at the front desk"),
        ("rose", "Quiet study rooms"),
        ("thorn", "Long queues at the desk on Saturday mornings"),
        ("thorn", "The website search never finds the book I want"),
        ("bud", "Could open on Sundays"),
        ("thorn", "Opening hours are too short for people who work"),
        ("bud", "Self-service returns"),
    ]
    for n, (kind, text) in enumerate(notes):
        engine.execute(c.AddNote(text=text, category=kind), actor=people[n % 3])
    engine.execute(
        c.AddNote(text="[@click=app.quit]Children's story time[/] is great", category="rose")
    )
    clock.now += 4 * 60 + 10
    return engine, clock


def cluster(engine: Engine, clock: FixedClock) -> dict[str, str]:
    engine.execute(c.NextStep())
    clock.now += 2 * 60
    ids = {n.text.split()[0]: n.id for n in engine.state.notes.values()}
    made = {}
    for label, words in (
        ("People make the place", ["Friendly", "Quiet"]),
        ("Hard to get to", ["Long", "Opening"]),
        ("Finding things", ["The"]),
    ):
        event = engine.execute(c.CreateCluster(label=label, notes=[ids[w] for w in words]))
        made[label] = event.data["cluster"]
    return made


def snapshot_app(engine: Engine) -> SessionkitApp:
    return SessionkitApp(engine=engine, join_url=JOIN)


def test_home(snap_compare) -> None:
    library = Library(methods=sample_methods(), plans={"sample-workshop": sample_plan()})
    app = SessionkitApp(
        library=library,
        runs=lambda: [("2024-05-02-sample-a1b2", "Sample workshop", "in progress · 12 notes")],
    )
    assert snap_compare(app, terminal_size=SIZE, press=["down"])


def test_run_notes_step(snap_compare) -> None:
    engine, _ = workshop()
    engine.execute(c.TimerCommand(action="start"))

    async def run_before(pilot) -> None:
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(snapshot_app(engine), terminal_size=SIZE, run_before=run_before)


def test_run_cluster_step(snap_compare) -> None:
    engine, clock = workshop()
    cluster(engine, clock)

    async def run_before(pilot) -> None:
        await pilot.press("x", "x")  # two of the unsorted notes selected
        await pilot.pause()

    assert snap_compare(snapshot_app(engine), terminal_size=SIZE, run_before=run_before)


def test_run_vote_results(snap_compare) -> None:
    engine, clock = workshop()
    made = cluster(engine, clock)
    engine.execute(c.NextStep())
    engine.execute(c.OpenVote())
    ann, bo, cy = list(engine.state.participants)
    for voter, label in (
        (ann, "Hard to get to"),
        (bo, "Hard to get to"),
        (cy, "Hard to get to"),
        (ann, "Finding things"),
        (bo, "People make the place"),
    ):
        engine.execute(c.CastVote(target=made[label]), actor=voter)
    engine.execute(c.CastVote(target=made["Finding things"]))  # a paper dot
    engine.execute(c.CloseVote())
    clock.now += 3 * 60

    assert snap_compare(snapshot_app(engine), terminal_size=SIZE)


def test_room_view(snap_compare) -> None:
    engine, _ = workshop()
    hidden = next(n.id for n in engine.state.notes.values() if n.text.startswith("Self"))
    engine.execute(c.HideNote(note=hidden))  # hidden: must not be on the projector

    assert snap_compare(snapshot_app(engine), terminal_size=SIZE, press=["v"])
