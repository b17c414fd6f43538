"""Agenda arithmetic: clock times, multi-day plans, scaled timeboxes and overruns."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sessionkit.core.agenda import clock_text, item_title, scale_timeboxes, step_minutes, time_plan
from sessionkit.core.method import Method
from sessionkit.core.plan import AgendaItem, Plan
from sessionkit.library import overrun_message

RTB = Path(__file__).resolve().parents[1] / "methods" / "rose-thorn-bud.toml"


def rtb() -> Method:
    return Method.model_validate(tomllib.loads(RTB.read_text(encoding="utf-8")))


def plan(*days: dict) -> Plan:
    return Plan.model_validate({"id": "p", "title": "P", "days": list(days)})


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def test_clock_text():
    assert clock_text(0) == "00:00"
    assert clock_text(9 * 60 + 5) == "09:05"
    assert clock_text(23 * 60 + 59) == "23:59"
    assert clock_text(24 * 60 + 30) == "00:30 +1d"


def test_items_follow_each_other_on_the_clock():
    method = rtb()  # 8 + 12 + 5 + 5 = 30 minutes
    agenda = time_plan(
        plan(
            {
                "start": "09:30",
                "end": "12:00",
                "agenda": [
                    {"method": "rose-thorn-bud"},
                    {"break": 15},
                    {"lunch": 45},
                    {"method": "rose-thorn-bud", "title": "Again"},
                ],
            }
        ),
        {"rose-thorn-bud": method},
    )
    [day] = agenda.days
    times = [(clock_text(i.start), clock_text(i.end), i.kind, i.title) for i in day.items]
    assert times == [
        ("09:30", "10:00", "method", "Rose, Thorn, Bud"),
        ("10:00", "10:15", "break", "Break"),
        ("10:15", "11:00", "lunch", "Lunch"),
        ("11:00", "11:30", "method", "Again"),
    ]
    steps = [(clock_text(s.start), clock_text(s.end), s.step.id) for s in day.items[0].steps]
    assert steps == [
        ("09:30", "09:38", "write"),
        ("09:38", "09:50", "group"),
        ("09:50", "09:55", "vote"),
        ("09:55", "10:00", "discuss"),
    ]
    assert day.items[3].steps[0].start == hm("11:00")
    assert day.planned_minutes == 30 + 15 + 45 + 30
    assert day.available_minutes == 150
    assert day.finish == hm("11:30")
    assert day.overrun_minutes == 0
    assert agenda.overruns == []
    assert [i.index for i in agenda.items] == [0, 1, 2, 3]


def test_multi_day_plans_restart_the_clock_each_day_and_keep_a_flat_index():
    method = rtb()
    agenda = time_plan(
        plan(
            {
                "date": "2025-02-11",
                "start": "09:00",
                "end": "10:00",
                "agenda": [{"method": "rose-thorn-bud"}, {"break": 10}],
            },
            {
                "date": "2025-02-12",
                "start": "13:15",
                "end": "14:00",
                "agenda": [{"method": "rose-thorn-bud", "minutes": 40}],
            },
        ),
        {"rose-thorn-bud": method},
    )
    first, second = agenda.days
    assert (first.index, clock_text(first.start), clock_text(first.finish)) == (0, "09:00", "09:40")
    assert (second.index, clock_text(second.start), clock_text(second.finish)) == (
        1,
        "13:15",
        "13:55",
    )
    assert str(second.date) == "2025-02-12"
    assert [(i.index, i.day) for i in agenda.items] == [(0, 0), (1, 0), (2, 1)]
    assert agenda.items[2].steps[0].start == hm("13:15")
    assert agenda.items[2].steps[-1].end == hm("13:55")


def test_overridden_minutes_scale_the_steps_to_add_up_exactly():
    method = rtb()
    for minutes in (20, 31, 45, 59, 7):
        agenda = time_plan(
            plan(
                {
                    "start": "09:00",
                    "end": "17:00",
                    "agenda": [{"method": "rose-thorn-bud", "minutes": minutes}],
                }
            ),
            {"rose-thorn-bud": method},
        )
        item = agenda.items[0]
        assert item.minutes == minutes
        assert sum(s.minutes for s in item.steps) == minutes
        assert item.steps[-1].end == item.end
        assert all(s.minutes >= 1 for s in item.steps)
    # proportions are kept: the 12-minute step stays the longest when doubled
    item = AgendaItem.model_validate({"method": "rose-thorn-bud", "minutes": 60})
    assert step_minutes(item, method) == [16, 24, 10, 10]


def test_no_override_keeps_the_authored_timeboxes():
    method = rtb()
    item = AgendaItem.model_validate({"method": "rose-thorn-bud", "minutes": 30})
    assert step_minutes(item, method) == [8, 12, 5, 5]


@given(
    st.lists(st.integers(min_value=1, max_value=240), min_size=1, max_size=12),
    st.integers(min_value=1, max_value=1440),
)
def test_scale_timeboxes_always_adds_up(boxes, total):
    parts = scale_timeboxes(boxes, total)
    assert len(parts) == len(boxes)
    assert all(p >= 1 for p in parts)
    assert sum(parts) == max(total, len(boxes))


def test_scale_timeboxes_with_nothing_to_scale():
    assert scale_timeboxes([], 10) == []
    assert sum(scale_timeboxes([0, 0], 10)) == 10


def test_overrun_is_detected_and_described():
    method = rtb()
    agenda = time_plan(
        plan(
            {
                "date": "2025-02-11",
                "start": "15:45",
                "end": "16:30",
                "agenda": [{"method": "rose-thorn-bud"}, {"break": 30}],
            },
            {"start": "09:00", "end": "09:20", "agenda": [{"method": "rose-thorn-bud"}]},
        ),
        {"rose-thorn-bud": method},
    )
    first, second = agenda.days
    assert first.overrun_minutes == 15
    assert clock_text(first.finish) == "16:45"
    assert (
        overrun_message(first)
        == "day 1 (2025-02-11) ends at 16:45, 15 min after its end time 16:30"
    )
    assert overrun_message(second) == "day 2 ends at 09:30, 10 min after its end time 09:20"
    assert agenda.overruns == [first, second]


def test_a_day_that_ends_exactly_on_time_does_not_overrun():
    agenda = time_plan(
        plan({"start": "09:00", "end": "09:30", "agenda": [{"method": "rose-thorn-bud"}]}),
        {"rose-thorn-bud": rtb()},
    )
    assert agenda.days[0].overrun_minutes == 0
    assert agenda.overruns == []


def test_unknown_methods_take_no_time_and_show_their_id():
    agenda = time_plan(
        plan({"start": "09:00", "end": "10:00", "agenda": [{"method": "missing"}, {"break": 10}]}),
        {},
    )
    first, second = agenda.items
    assert (first.title, first.minutes, first.steps) == ("missing", 0, ())
    assert second.start == hm("09:00")
    assert item_title(AgendaItem.model_validate({"lunch": 30}), None) == "Lunch"


def test_prompt_fills_plan_variables_over_method_defaults():
    method = rtb()
    agenda = time_plan(
        plan(
            {
                "start": "09:00",
                "end": "11:00",
                "agenda": [
                    {"method": "rose-thorn-bud"},
                    {"method": "rose-thorn-bud", "variables": {"topic": "the front desk"}},
                ],
            },
        ),
        {"rose-thorn-bud": method},
    )
    first, second = agenda.items
    write = method.step("write")
    assert first.prompt(write).startswith("Thinking about the way this service works today:")
    assert second.prompt(write).startswith("Thinking about the front desk:")
