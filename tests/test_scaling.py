"""Steps whose time grows with the room ([steps.scale]), a plan's expected_people, and
`sessionkit check`'s timing warnings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests.factories import FakeClock

from sessionkit.cli import main
from sessionkit.core import commands as c
from sessionkit.core.agenda import time_plan
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.scaling import StepScale, scaled_minutes
from sessionkit.core.state import NEWCOMER
from sessionkit.library import load_library

REPO = Path(__file__).resolve().parents[1]
RTB_TEXT = (REPO / "methods" / "rose-thorn-bud.toml").read_text(encoding="utf-8")
SCALE = "[steps.scale]\nper_person = 0.75\nmax = 25\n"
"""Rose, Thorn, Bud's clustering: 12 min for a small room, 45 s a person, at most 25."""


def swap(text: str, old: str, new: str) -> str:
    assert old in text, f"test fixture out of date: {old!r} not found"
    return text.replace(old, new, 1)


def rtb(text: str = RTB_TEXT) -> Method:
    return Method.model_validate(tomllib.loads(text))


def plan(**extra: object) -> Plan:
    agenda = extra.pop("agenda", [{"method": "rose-thorn-bud"}])
    day = {"start": "09:30", "end": str(extra.pop("end", "17:00")), "agenda": agenda}
    return Plan.model_validate({"id": "p", "title": "P", "days": [day], **extra})


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("")
    monkeypatch.setenv("SESSIONKIT_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


# ---------------------------------------------------------------- the arithmetic


def test_a_step_grows_between_its_timebox_and_its_cap() -> None:
    scale = StepScale(per_person=0.5, max=15)
    assert scaled_minutes(5, scale, None).minutes == 5  # nobody counted: the timebox
    small = scaled_minutes(5, scale, 8)
    assert small.minutes == 5 and "time for a small room" in small.reason
    grown = scaled_minutes(5, scale, 24)
    assert grown.reason == "12 min: 30 s a person for 24 people"
    odd = scaled_minutes(5, scale, 23)  # 11.5 min: whole minutes, rounded up
    assert odd.minutes == 12
    capped = scaled_minutes(5, scale, 60)
    assert capped.minutes == 15
    assert capped.reason == "15 min: its 15 min cap (30 s a person for 60 people would be 30 min)"
    assert scaled_minutes(5, None, 60).minutes == 5  # a step that does not scale


def test_per_group_counts_the_groups_of_the_step_or_the_one_before() -> None:
    library = load_library(config=False, cwd=False)
    method = library.methods["1-2-4-all"]  # All: a minute for each four, at least 6
    agenda = time_plan(plan(agenda=[{"method": "1-2-4-all"}]), {method.id: method}, 48)
    share = agenda.items[0].steps[-1]
    assert share.minutes == 12
    assert share.reason == "12 min: 1 min a group (12 groups) for 48 people"


def test_a_plans_minutes_fix_the_slot_and_the_room_shares_it_differently() -> None:
    method = rtb()
    fixed = plan(agenda=[{"method": "rose-thorn-bud", "minutes": 30}])
    small = time_plan(fixed, {method.id: method}, 0).items[0]
    big = time_plan(fixed, {method.id: method}, 40).items[0]
    assert small.minutes == big.minutes == 30
    assert [s.minutes for s in small.steps] == [8, 12, 5, 5]
    assert big.steps[1].minutes > 12 and sum(s.minutes for s in big.steps) == 30
    assert "fitted into the item's 30 min" in big.steps[1].why


def test_expected_people_times_the_forecast_until_people_join() -> None:
    method = rtb()
    planned = time_plan(plan(expected_people=24), {method.id: method})
    assert planned.people == 24
    assert planned.items[0].steps[1].minutes == 18  # 45 s a person for 24 people
    assert planned.items[0].minutes == 8 + 18 + 5 + 5


# ---------------------------------------------------------------- the countdown


def test_the_countdown_is_timed_for_the_phones_and_paper_in_the_room() -> None:
    method = rtb()
    engine = Engine(plan(expected_people=10), {method.id: method}, clock=FakeClock())
    for n in range(20):
        engine.execute(c.Join(name=f"P{n}"), NEWCOMER)
    engine.execute(c.SetPaperPeople(count=8))
    assert engine.room_people() == 28
    engine.execute(c.StartSession())
    engine.execute(c.NextStep())  # the clustering
    assert engine.state.timer.duration == 21 * 60  # 45 s a person for 28 people
    assert engine.countdown_reason() == "21 min: 45 s a person for 28 people"
    engine.execute(c.SetPaperPeople(count=0))
    engine.execute(c.TimerCommand(action="reset"))  # reset: timed for the room now
    assert engine.state.timer.duration == 15 * 60
    assert engine.countdown_reason() == "15 min: 45 s a person for 20 people"
    engine.execute(c.NextStep())  # the vote does not scale: no reason to give
    assert engine.state.timer.duration == 5 * 60 and engine.countdown_reason() == ""
    replayed = Engine(engine.plan, engine.methods, clock=FakeClock(), run_id=engine.state.run_id)
    replayed.replay(engine.history)
    assert replayed.state == engine.state


def test_before_anyone_joins_the_countdown_uses_expected_people() -> None:
    method = rtb()
    engine = Engine(plan(expected_people=24), {method.id: method}, clock=FakeClock())
    engine.execute(c.StartSession())
    engine.execute(c.NextStep())
    assert engine.state.timer.duration == 18 * 60
    assert engine.state.timer.people is None  # nobody counted: the plan's forecast
    bare = Engine(plan(), {method.id: method}, clock=FakeClock())
    bare.execute(c.StartSession())
    bare.execute(c.NextStep())
    assert bare.state.timer.duration == 12 * 60  # no people at all: the small room's


# ---------------------------------------------------------------- check


def check_method(capsys, tmp_path: Path, text: str) -> tuple[int, str]:
    folder = tmp_path / "methods-here"
    folder.mkdir(exist_ok=True)
    (folder / "rose-thorn-bud.toml").write_text(text, encoding="utf-8")
    return run(capsys, "check", str(folder))


@pytest.mark.parametrize(
    ("scale", "field", "says"),
    [
        ("[steps.scale]\nmax = 25\n", "steps[1].scale", "needs per_person or per_group"),
        ("[steps.scale]\nper_person = 0.5\nmax = 10\n", "steps[1].scale.max", "less than"),
        ("[steps.scale]\nper_person = 0\nmax = 20\n", "steps[1].scale.per_person", "more than"),
        ("[steps.scale]\nper_person = 0.5\n", "steps[1].scale.max", "missing"),
        ("[steps.scale]\nper_group = 1\nmax = 20\n", "steps[1].scale.per_group", "no step"),
        ('[steps.scale]\nper_person = "1"\nmax = 20\n', "steps[1].scale.per_person", "number"),
        ("[steps.scale]\nper_persn = 1\nmax = 20\n", "steps[1].scale.per_persn", "per_person"),
    ],
)
def test_check_rejects_a_nonsense_scale_with_file_line_and_field(
    capsys, tmp_path, scale: str, field: str, says: str
) -> None:
    code, out = check_method(capsys, tmp_path, swap(RTB_TEXT, SCALE, scale))
    assert code == 1, out
    line = next(line for line in out.splitlines() if field in line)
    assert "rose-thorn-bud.toml:" in line and says in line, line


def test_check_warns_where_steps_and_typical_disagree_and_counts_it(capsys, tmp_path) -> None:
    text = swap(RTB_TEXT, "typical = 30", "typical = 40")
    code, out = check_method(capsys, tmp_path, text)
    assert code == 0, out  # a warning, not a problem
    assert "warning: " in out and "duration.typical" in out
    assert "the step timeboxes add up to 30 min but the typical length is 40 min" in out
    assert out.strip().splitlines()[-1] == "1 method and 0 plans, no problems, 1 warning"


def test_an_explained_difference_is_a_note_not_a_warning(capsys, tmp_path) -> None:
    text = swap(RTB_TEXT, "typical = 30", 'typical = 40\nnote = "allow 10 min to set up the wall"')
    code, out = check_method(capsys, tmp_path, text)
    assert code == 0 and "warning" not in out, out
    assert "note: " in out and "explained: allow 10 min to set up the wall" in out
    assert out.strip().splitlines()[-1] == "1 method and 0 plans, no problems"


def test_bundled_methods_have_no_timing_warnings() -> None:
    library = load_library(config=False, cwd=False)
    assert not library.problems
    assert [str(w) for w in library.warnings] == []


PLAN = """\
title = "A big room"
expected_people = {people}

[[days]]
start = "09:30"
end = "10:15"

[[days.agenda]]
method = "rose-thorn-bud"
minutes = {minutes}

[[days.agenda]]
method = "check-in"
"""


def test_check_warns_when_expected_people_outgrow_an_items_minutes(capsys, tmp_path) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    (sessions / "big.toml").write_text(PLAN.format(people=40, minutes=30), encoding="utf-8")
    code, out = run(capsys, "check", str(sessions))
    assert code == 0, out
    assert "big.toml:10: days[0].agenda[0].minutes: for 40 people (expected_people)" in out
    assert "need 43 min, more than minutes = 30" in out
    assert "big.toml:12: days[0].agenda[1]: for 40 people (expected_people), day 1 ends" in out
    assert out.strip().splitlines()[-1].endswith("no problems, 2 warnings")
    (sessions / "big.toml").write_text(PLAN.format(people=6, minutes=30), encoding="utf-8")
    code, out = run(capsys, "check", str(sessions))
    assert code == 0 and "warning" not in out, out


def test_plan_shows_why_a_step_takes_longer_for_the_room(capsys, tmp_path) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    (sessions / "big.toml").write_text(PLAN.format(people=6, minutes=30), encoding="utf-8")
    code, out = run(capsys, "plan", "big", "--people", "24")
    assert code == 0, out
    assert "timed for 24 people (--people)" in out
    assert "A quick round  (discussion)  30 s a person for 24 people" in out
    code, out = run(capsys, "plan", "big")
    assert "timed for 6 people (expected_people)" in out
    with pytest.raises(SystemExit):
        main(["plan", "big", "--people", "many"])
    assert "expected a number of people, got 'many'" in capsys.readouterr().err


def test_show_says_how_a_step_grows(capsys) -> None:
    code, out = run(capsys, "show", "check-in")
    assert code == 0
    assert "Grows with the room: at least 5 min; 30 s a person, up to 15 min" in out
