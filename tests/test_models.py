"""The method and plan models: what they accept, reject and compute."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from sessionkit.core.method import (
    CanvasInput,
    Duration,
    GroupSize,
    Method,
    RatingInput,
    Step,
    VoteInput,
    fill_variables,
    method_problems,
)
from sessionkit.core.plan import AgendaItem, Day, Plan
from sessionkit.core.text import clean_text

RTB = Path(__file__).resolve().parents[1] / "methods" / "rose-thorn-bud.toml"


def rtb_data() -> dict:
    return tomllib.loads(RTB.read_text(encoding="utf-8"))


def step(id: str, kind: str = "notes", timebox: int = 5, **input) -> dict:
    return {
        "id": id,
        "title": id.title(),
        "prompt": f"Do {id}",
        "timebox": timebox,
        "input": {"kind": kind, **input},
    }


def method_with(steps: list[dict], **extra) -> Method:
    data = {
        "id": "m",
        "name": "M",
        "summary": "s",
        "purpose": "p",
        "phase": "define",
        "duration": {"min": 1, "typical": 10, "max": 120},
        "group_size": {"min": 1, "max": 10},
        "steps": steps,
        **extra,
    }
    return Method.model_validate(data)


def error_types(excinfo) -> list[tuple]:
    return [(e["type"], e["loc"]) for e in excinfo.value.errors()]


# ---------------------------------------------------------------- methods


def test_rose_thorn_bud_loads_with_its_steps_and_defaults():
    method = Method.model_validate(rtb_data())
    assert method.id == "rose-thorn-bud"
    assert [s.id for s in method.steps] == ["write", "group", "vote", "discuss"]
    assert method.total_minutes == 8 + 12 + 5 + 5
    assert method.step("vote").input.target == "clusters"
    assert method.step("write").collects_notes
    assert not method.step("discuss").collects_notes
    assert [c.id for c in method.step("write").input.categories] == ["rose", "thorn", "bud"]
    assert method.variables["topic"].default == "the way this service works today"
    assert method_problems(method) == []
    with pytest.raises(KeyError):
        method.step("nope")


def test_unknown_key_is_an_error_not_ignored():
    data = rtb_data()
    data["steps"][0]["minuts"] = 5
    with pytest.raises(ValidationError) as excinfo:
        Method.model_validate(data)
    assert ("extra_forbidden", ("steps", 0, "minuts")) in error_types(excinfo)


@pytest.mark.parametrize("timebox", [0, -1, 24 * 60 + 1])
def test_step_timebox_must_be_between_one_minute_and_a_day(timebox):
    with pytest.raises(ValidationError):
        Step.model_validate(step("a", timebox=timebox))


def test_duration_must_be_positive_and_ordered():
    with pytest.raises(ValidationError):
        Duration(min=0, typical=0, max=0)
    with pytest.raises(ValidationError, match="min <= typical <= max"):
        Duration(min=10, typical=5, max=20)
    assert Duration(min=5, typical=5, max=5).typical == 5


def test_group_size_must_be_ordered():
    with pytest.raises(ValidationError, match=r"min \(10\) is more than max \(3\)"):
        GroupSize(min=10, max=3)


def test_vote_cannot_allow_more_per_item_than_dots():
    with pytest.raises(ValidationError, match="max_per_item"):
        VoteInput(kind="vote", target_step="a", dots_per_person=2, max_per_item=3)


def test_rating_scale_and_labels():
    with pytest.raises(ValidationError, match="scale_max"):
        RatingInput(kind="rating", scale_min=5, scale_max=5)
    with pytest.raises(
        ValidationError, match=r"labels has 2 entries but the scale 1\.\.3 has 3 points"
    ):
        RatingInput(kind="rating", scale_min=1, scale_max=3, labels=["low", "high"])
    assert (
        RatingInput(kind="rating", scale_min=1, scale_max=3, labels=["a", "b", "c"]).labels[2]
        == "c"
    )


def test_canvas_needs_two_distinct_regions():
    region = {"id": "a", "label": "A"}
    with pytest.raises(ValidationError):
        CanvasInput(kind="canvas", regions=[region])
    with pytest.raises(ValidationError, match="two regions have the id 'a'"):
        CanvasInput(kind="canvas", regions=[region, region])


def test_step_ids_must_be_unique():
    with pytest.raises(ValidationError, match="two steps have the id 'a'"):
        method_with([step("a"), step("a")])


def test_ids_are_kebab_case():
    with pytest.raises(ValidationError):
        Step.model_validate(step("Write Notes"))
    Step.model_validate(step("write-notes-2"))


def test_input_kind_selects_the_input_model():
    s = Step.model_validate(
        step(
            "a",
            "canvas",
            layout="lanes",
            regions=[{"id": "x", "label": "X"}, {"id": "y", "label": "Y"}],
        )
    )
    assert isinstance(s.input, CanvasInput) and s.input.layout == "lanes"
    with pytest.raises(ValidationError) as excinfo:
        Step.model_validate(step("a", "sticky"))
    assert excinfo.value.errors()[0]["type"] == "union_tag_invalid"


def test_method_problems_vote_on_a_step_that_collects_nothing():
    method = method_with([step("talk", "discussion"), step("vote", "vote", target_step="talk")])
    assert method_problems(method) == [
        (
            ("steps", 1, "input", "target_step"),
            "step 'talk' collects discussion, so there are no notes to vote on "
            "(expected a step collecting notes or canvas)",
        )
    ]


def test_method_problems_vote_on_clusters_needs_a_cluster_step():
    method = method_with(
        [step("write"), step("vote", "vote", target_step="write", target="clusters")]
    )
    [(loc, message)] = method_problems(method)
    assert loc == ("steps", 1, "input", "target_step")
    assert "expected a step collecting cluster" in message


def test_method_problems_targets_must_be_earlier_steps():
    method = method_with([step("vote", "vote", target_step="write"), step("write")])
    [(loc, message)] = method_problems(method)
    assert loc == ("steps", 0, "input", "target_step")
    assert message == "'write' is not an earlier step of this method (earlier steps: none)"


def test_method_problems_cluster_sources_must_collect_notes():
    method = method_with([step("rate", "rating"), step("group", "cluster", source_steps=["rate"])])
    [(loc, message)] = method_problems(method)
    assert loc == ("steps", 1, "input", "source_steps", 0)
    assert "collects rating, not notes" in message


def test_method_problems_undeclared_prompt_variable():
    data = step("a")
    data["prompt"] = "Think about {{place}}"
    method = method_with([data])
    [(loc, message)] = method_problems(method)
    assert loc == ("steps", 0, "prompt")
    assert "[variables.place]" in message


def test_method_problems_timeboxes_outside_duration():
    method = method_with([step("a", timebox=100), step("b", timebox=50)])
    assert method_problems(method) == [
        (
            ("steps",),
            "the step timeboxes add up to 150 min, outside the method's duration of 1..120 min",
        )
    ]


def test_fill_variables_leaves_unknown_names():
    assert (
        fill_variables("About {{ topic }} and {{other}}", {"topic": "care"})
        == "About care and {{other}}"
    )


# ---------------------------------------------------------------- text cleaning


def test_control_characters_are_removed_from_text_fields():
    assert clean_text("a\x1b]8;;http://x\x07b\r\nc\td") == "a]8;;http://xb\nc\td"
    assert clean_text("x\u202ey\u2066z") == "xyz"
    s = Step.model_validate({**step("a"), "prompt": "hi\x1b[31m red\x9b"})
    assert s.prompt == "hi[31m red"


# ---------------------------------------------------------------- plans


def day(**extra) -> dict:
    return {"start": "09:30", "end": "12:00", "agenda": [{"method": "m"}], **extra}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("09:30", dt.time(9, 30)),
        ("9.05", dt.time(9, 5)),
        ("00:00", dt.time(0, 0)),
        (" 7:15 ", dt.time(7, 15)),
    ],
)
def test_clock_accepts_strings(text, expected):
    assert Day.model_validate(day(start=text, end="23:59")).start == expected


def test_clock_accepts_toml_local_times():
    data = tomllib.loads("start = 09:30:00\nend = 17:00:00\nagenda = [{ break = 5 }]")
    assert Day.model_validate(data).end == dt.time(17, 0)


@pytest.mark.parametrize("bad", ["24:00", "9h30", "noon", "09:60"])
def test_clock_rejects_other_text(bad):
    with pytest.raises(ValidationError, match="expected a clock time like"):
        Day.model_validate(day(start=bad))


@pytest.mark.parametrize("number", [9, 930, 9.5, True])
def test_clock_rejects_numbers_instead_of_reading_them_as_seconds(number):
    with pytest.raises(ValidationError, match="expected a clock time like"):
        Day.model_validate(day(start=number))


def test_day_must_end_after_it_starts():
    with pytest.raises(ValidationError, match=r"end \(09:00\) must be later than start \(09:30\)"):
        Day.model_validate(day(end="09:00"))
    assert Day.model_validate(day()).available_minutes == 150


def test_agenda_item_is_exactly_one_of_method_break_lunch():
    assert AgendaItem.model_validate({"break": 15}).kind == "break"
    assert AgendaItem.model_validate({"break": 15}).pause_minutes == 15
    assert AgendaItem.model_validate({"lunch": 45}).kind == "lunch"
    assert AgendaItem.model_validate({"method": "m", "minutes": 20}).kind == "method"
    with pytest.raises(ValidationError, match="got method, break"):
        AgendaItem.model_validate({"method": "m", "break": 5})
    with pytest.raises(ValidationError, match="got none"):
        AgendaItem.model_validate({"title": "Nothing"})
    with pytest.raises(ValidationError, match="minutes only applies to a method item"):
        AgendaItem.model_validate({"break": 5, "minutes": 10})
    with pytest.raises(ValidationError):
        AgendaItem.model_validate({"break": 0})


def test_talk_items_have_a_title_minutes_and_notes_and_no_input():
    talk = AgendaItem.model_validate({"talk": "Why it matters", "minutes": 10, "notes": "Slides"})
    assert (talk.kind, talk.pause_minutes, talk.notes) == ("talk", 10, "Slides")
    with pytest.raises(ValidationError, match="a talk item needs minutes"):
        AgendaItem.model_validate({"talk": "Why it matters"})
    with pytest.raises(ValidationError, match="variables, from only apply to a method item"):
        AgendaItem.model_validate({"talk": "T", "minutes": 5, "variables": {"a": "b"}, "from": "x"})
    with pytest.raises(ValidationError, match="got method, talk"):
        AgendaItem.model_validate({"method": "m", "talk": "T", "minutes": 5})


def test_carry_filters_need_a_from_and_only_one_of_them():
    with pytest.raises(ValidationError, match="add from = "):
        AgendaItem.model_validate({"method": "m", "top": 3})
    with pytest.raises(ValidationError, match="choose top or cluster, not both"):
        AgendaItem.model_validate({"method": "m", "from": "x", "top": 3, "cluster": "A"})
    with pytest.raises(ValidationError, match="into names the step"):
        AgendaItem.model_validate({"method": "m", "into": "vote"})
    item = AgendaItem.model_validate({"method": "m", "from": "x.y", "top": 2})
    assert (item.source, item.top) == ("x.y", 2)


def test_plan_items_are_flat_across_days():
    plan = Plan.model_validate(
        {
            "id": "p",
            "title": "P",
            "days": [day(), day(agenda=[{"break": 5}, {"method": "m"}])],
        }
    )
    assert [(d, item.kind) for d, item in plan.items()] == [
        (0, "method"),
        (1, "break"),
        (1, "method"),
    ]
