"""Plan against actual when the facilitator goes back or jumps: each visit is its own
span (never one span overlapping what came between), and an item left before its last
step is "left", not done. Pure: the engine on a fixed clock, times in UTC."""

from __future__ import annotations

import time

import pytest

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.record import Record
from sessionkit.core.state import Span
from sessionkit.core.timeline import visits, was_left
from sessionkit.export import export
from sessionkit.tui.sample import sample_methods, sample_plan

T0 = 1_700_000_000.0  # 22:13:20 UTC
MIN = 60.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def walk(moves: list[tuple[float, c.Command]]) -> Engine:
    """Run the sample plan through ``moves``, each at ``T0 + minutes``."""
    clock = Clock()
    engine = Engine(sample_plan(), sample_methods(), clock=clock)
    for minutes, command in moves:
        clock.now = T0 + minutes * MIN
        engine.execute(command)
    return engine


def test_going_back_gives_each_visit_its_own_span(utc) -> None:
    # item 0 (three steps), item 1 (the break), back to item 0's last step, on again
    engine = walk(
        [
            (0, c.StartSession()),
            (10, c.GoTo(item=0, step=1)),
            (20, c.GoTo(item=0, step=2)),
            (30, c.NextStep()),  # the break
            (40, c.PreviousStep()),  # back to item 0's last step
            (45, c.NextStep()),  # the break again
            (50, c.NextStep()),
        ]
    )
    state = engine.state
    assert visits(state.items["0"]) == [(T0, T0 + 30 * MIN), (T0 + 40 * MIN, T0 + 45 * MIN)]
    assert visits(state.items["1"]) == [
        (T0 + 30 * MIN, T0 + 40 * MIN),
        (T0 + 45 * MIN, T0 + 50 * MIN),
    ]
    assert state.items["0"].seconds == 35 * MIN

    items = Record.from_engine(engine).items()
    assert items[0].actual_text == "22:13–22:43, 22:53–22:58"
    assert items[1].actual_text == "22:43–22:53, 22:58–23:03"
    assert items[0].actual_minutes == 35
    assert not items[0].left  # every step of it was run: done

    # the exports' plan-against-actual tables say the same
    markdown = export(Record.from_engine(engine), "markdown")
    assert "| 22:13–22:43, 22:53–22:58 (35 min) |" in markdown
    html = export(Record.from_engine(engine), "html")
    assert "22:13–22:43, 22:53–22:58 (35 min)" in html


def test_a_visit_still_running_is_in_progress(utc) -> None:
    engine = walk([(0, c.StartSession()), (10, c.NextStep()), (12, c.PreviousStep())])
    assert visits(engine.state.step_spans["0.0"]) == [(T0, T0 + 10 * MIN), (T0 + 12 * MIN, None)]
    item = Record.from_engine(engine).items()[0]
    assert item.actual_text == "22:13– (in progress)"  # one visit: it moved within the item


def test_an_item_left_early_is_left_not_done(utc) -> None:
    engine = walk([(0, c.StartSession()), (5, c.GoTo(item=2, step=0))])
    state = engine.state
    assert was_left(state, 0, 3)
    assert not was_left(state, 1, 1)  # jumped over: never run
    assert not was_left(state, 2, 2)  # where we are
    items = Record.from_engine(engine).items()
    assert items[0].left
    assert items[0].actual_text == "22:13–22:18 (left after 1 of 3 steps)"
    assert items[1].actual_text == "not run"


def test_ending_the_session_part_way_leaves_the_item(utc) -> None:
    engine = walk([(0, c.StartSession()), (5, c.EndSession())])
    assert was_left(engine.state, 0, 3)
    engine2 = walk(
        [
            (0, c.StartSession()),
            (1, c.NextStep()),
            (2, c.NextStep()),
            (3, c.EndSession()),
        ]
    )
    assert not was_left(engine2.state, 0, 3)


def test_an_old_record_without_visits_reads_as_one_span() -> None:
    old = Span(started_at=T0, ended_at=T0 + 60, seconds=60)
    assert visits(old) == [(T0, T0 + 60)]
    assert visits(Span()) == []
    assert visits(None) == []


def test_a_run_resumed_from_an_old_record_keeps_its_earlier_visit(utc) -> None:
    clock = Clock()
    engine = Engine(sample_plan(), sample_methods(), clock=clock)
    engine.execute(c.StartSession())
    clock.now = T0 + 10 * MIN
    engine.execute(c.GoTo(item=1, step=0))
    for span in [*engine.state.items.values(), *engine.state.step_spans.values()]:
        span.visits = []  # as a snapshot written before visits were kept reads
    clock.now = T0 + 20 * MIN
    engine.execute(c.GoTo(item=0, step=0))
    clock.now = T0 + 25 * MIN
    engine.execute(c.GoTo(item=1, step=0))
    assert visits(engine.state.items["0"]) == [
        (T0, T0 + 10 * MIN),
        (T0 + 20 * MIN, T0 + 25 * MIN),
    ]
