"""Groups by what people said joining: ``by = "role"`` mixes the roles of a plan's
``join_roles`` in every group; ``by = "table"`` makes a group per table of ``tables``.
Both are journalled, place late joiners, and can be re-formed; the record keeps roles
only as counts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from factories import FakeClock, ListJournal, join, make_engine, make_method, step
from sessionkit.core import commands as c
from sessionkit.core import groups, mixing
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.groupspec import GroupsSpec
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.record import Record
from sessionkit.core.state import SessionState
from sessionkit.export.csv import render as render_csv
from sessionkit.export.html import render as render_html
from sessionkit.export.json import render as render_json
from sessionkit.export.markdown import render as render_markdown
from sessionkit.export.toml import render as render_toml
from sessionkit.library import load_library

ROLES = ["Housing", "Health", "Social care", "Voluntary sector"]
KEY = "0.0"
METHODS_DIR = Path(__file__).resolve().parent.parent / "methods"


def grouped(by: str, size: int = 4, *, anonymous: bool = True) -> Method:
    return make_method(
        "mixed",
        [step("talk", {"kind": "notes", "anonymous": anonymous}, groups={"size": size, "by": by})],
    )


def plan(**extra: object) -> Plan:
    return Plan.model_validate(
        {
            "id": "cross-service",
            "title": "Cross-service",
            "days": [{"start": "09:00", "end": "17:00", "agenda": [{"method": "mixed"}]}],
            **extra,
        }
    )


def engine_for(by: str, size: int = 4, **kw: object) -> Engine:
    method = grouped(by, size, anonymous=bool(kw.pop("anonymous", True)))
    return make_engine(plan(join_roles=ROLES, tables=6), {method.id: method}, **kw)  # type: ignore[arg-type]


def members(state: SessionState) -> list[list[str]]:
    return [g.members for g in groups.current(state, KEY)]


def role_counts(state: SessionState, people: list[str]) -> Counter[str | None]:
    return Counter(state.participants[p].role for p in people)


# ------------------------------------------------------------------ joining


def test_joining_records_the_role_and_table_and_refuses_what_the_plan_does_not_offer() -> None:
    engine = engine_for("role")
    housing = join(engine, "Ann", role="housing", table=2)  # matched regardless of case
    quiet = join(engine, "Bo", role="Prefer not to say")
    person = engine.state.participants[housing]
    assert (person.role, person.table) == ("Housing", 2)
    assert engine.state.participants[quiet].role is None
    with pytest.raises(Rejected, match=r"'Police' is not one of this session's roles \(choose"):
        join(engine, "Cy", role="Police")
    with pytest.raises(Rejected, match="There is no table 7: the tables are numbered 1 to 6"):
        join(engine, "Di", table=7)


def test_the_facilitator_sets_a_role_and_a_table_and_the_replay_keeps_them() -> None:
    journal = ListJournal()
    engine = engine_for("role", journal=journal, clock=FakeClock())
    person = join(engine, "Ann")
    engine.execute(c.SetRoleAndTable(participant=person, role="Health", table=3))
    assert (engine.state.participants[person].role, engine.state.participants[person].table) == (
        "Health",
        3,
    )
    with pytest.raises(Rejected, match="Nothing to change"):
        engine.execute(c.SetRoleAndTable(participant=person, role="Health", table=3))
    with pytest.raises(Rejected, match="not one of this session's roles"):
        engine.execute(c.SetRoleAndTable(participant=person, role="Police"))
    again = engine_for("role", clock=FakeClock())
    again.replay(journal.events)
    assert again.state.model_dump() == engine.state.model_dump()


def test_a_plan_lists_each_role_once_and_never_prefer_not_to_say() -> None:
    with pytest.raises(ValidationError, match="join_roles lists 'health' twice"):
        plan(join_roles=["Health", "health"])
    with pytest.raises(ValidationError, match="the phone always offers it"):
        plan(join_roles=["Health", "Prefer not to say"])


# ------------------------------------------------------------------ mixed by role


def test_groups_mixed_by_role_have_one_of_each_where_they_can() -> None:
    engine = engine_for("role")
    for n in range(8):
        join(engine, f"P{n}", role=ROLES[n % 4])
    event = engine.execute(c.StartSession())
    assert [len(g["members"]) for g in event.data["groups"]] == [4, 4]  # journalled
    for people in members(engine.state):
        assert sorted(r or "" for r in role_counts(engine.state, people)) == sorted(ROLES)


def test_a_late_joiner_goes_to_the_group_that_lacks_their_role() -> None:
    engine = engine_for("role", size=3)
    for role in ["Housing", "Health", "Housing", "Health", "Social care", "Housing"]:
        join(engine, role=role)
    engine.execute(c.StartSession())
    late = join(engine, "Late", role="Social care")
    group = groups.group_of(engine.state, KEY, late)
    assert group is not None
    others = [m for m in group.members if m != late]
    assert "Social care" not in role_counts(engine.state, others)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([*ROLES, None]), max_size=40),
    st.integers(2, 6),
    st.integers(0, 3),
    st.lists(st.sampled_from([*ROLES, None]), max_size=8),
)
def test_mixed_groups_place_everyone_once_evenly_and_replay_the_same(
    roles: list[str | None], size: int, reforms: int, late: list[str | None]
) -> None:
    journal = ListJournal()
    method = grouped("role", size)
    engine = make_engine(
        plan(join_roles=ROLES), {method.id: method}, journal=journal, clock=FakeClock()
    )
    for n, role in enumerate(roles):
        join(engine, f"P{n}", role=role)
    engine.execute(c.StartSession())
    for _ in range(reforms):
        engine.execute(c.ReformGroups())
    formed = members(engine.state)
    placed = [m for ms in formed for m in ms]
    assert len(placed) == len(set(placed))  # no one in two groups
    assert sorted(placed) == sorted(p.id for p in engine.state.active_participants())
    totals = Counter(roles)
    for people in formed:
        counts = role_counts(engine.state, people)
        for role, total in totals.items():
            ideal = total / len(formed)
            assert abs(counts.get(role, 0) - ideal) < 1  # the ideal share, give or take one
    for n, role in enumerate(late):  # late joiners: placed at once, each in one group
        join(engine, f"L{n}", role=role)
    placed = [m for ms in members(engine.state) for m in ms]
    assert len(placed) == len(set(placed))
    assert sorted(placed) == sorted(p.id for p in engine.state.active_participants())
    again = make_engine(plan(join_roles=ROLES), {method.id: method}, clock=FakeClock())
    again.replay(journal.events)
    assert again.state.model_dump() == engine.state.model_dump()


# ------------------------------------------------------------------ by table


def test_a_group_per_table_and_the_people_without_one_join_the_smallest() -> None:
    engine = engine_for("table")
    for table in [2, 2, 2, 5, 5, None]:
        join(engine, table=table)
    event = engine.execute(c.StartSession())
    by_table = {g.table: g for g in groups.current(engine.state, KEY)}
    assert sorted(by_table) == [2, 5]
    assert by_table[2].label == "2" and len(by_table[2].members) == 3
    assert len(by_table[5].members) == 3  # the one without a table joined table 5
    assert event.data["notice"].startswith("1 person has no table number")


def test_a_late_joiner_goes_to_their_table_and_a_new_table_makes_a_group() -> None:
    engine = engine_for("table")
    first = join(engine, table=1)
    join(engine, table=1)
    engine.execute(c.StartSession())
    late = join(engine, "Late", table=1)
    assert groups.group_of(engine.state, KEY, late) == groups.group_of(engine.state, KEY, first)
    new = join(engine, "New", table=4)
    group = groups.group_of(engine.state, KEY, new)
    assert group is not None and (group.table, group.label, group.members) == (4, "4", [new])


def test_reforming_a_table_grouping_follows_changed_tables() -> None:
    engine = engine_for("table")
    people = [join(engine, table=1) for _ in range(4)]
    engine.execute(c.StartSession())
    engine.execute(c.SetRoleAndTable(participant=people[0], table=3))
    engine.execute(c.ReformGroups())
    assert sorted((g.table, len(g.members)) for g in groups.current(engine.state, KEY)) == [
        (1, 3),
        (3, 1),
    ]


def test_by_table_with_nobody_at_a_table_is_one_group_with_a_notice() -> None:
    formed = mixing.by_table(["a", "b"], {})
    assert formed.members == [["a", "b"]] and "Nobody has said which table" in (formed.notice or "")


# ------------------------------------------------------------------ checks


def test_groups_spec_refuses_unknown_by_and_mix_without_roles() -> None:
    with pytest.raises(ValidationError, match="'role' or 'table'"):
        GroupsSpec.model_validate({"size": 2, "by": "team"})
    with pytest.raises(ValidationError, match='mix applies to by = "role" only'):
        GroupsSpec.model_validate({"size": 2, "mix": True})
    with pytest.raises(ValidationError, match="groups of one role are not supported"):
        GroupsSpec.model_validate({"size": 2, "by": "role", "mix": False})


def _library(tmp_path: Path, groups_lines: str, plan_extra: str = "") -> tuple[Any, str, str]:
    """The bundled 1-2-4-All with ``groups_lines`` added to its pairs' groups table, and
    a plan running it (with ``plan_extra`` at its top)."""
    method = (METHODS_DIR / "1-2-4-all.toml").read_text(encoding="utf-8")
    method = method.replace(
        "[steps.groups]\nsize = 2\n", f"[steps.groups]\nsize = 2\n{groups_lines}\n"
    )
    plan_text = (
        f'id = "p"\ntitle = "P"\n{plan_extra}\n[[days]]\nstart = "09:00"\nend = "12:00"\n\n'
        '[[days.agenda]]\nmethod = "1-2-4-all"\n'
    )
    (tmp_path / "methods").mkdir(exist_ok=True)
    (tmp_path / "sessions").mkdir(exist_ok=True)
    (tmp_path / "methods" / "1-2-4-all.toml").write_text(method, encoding="utf-8")
    (tmp_path / "sessions" / "p.toml").write_text(plan_text, encoding="utf-8")
    library = load_library(
        [tmp_path / "methods"], [tmp_path / "sessions"], config=False, bundled=False, cwd=False
    )
    return library, method, plan_text


def _line(text: str, line: str) -> int:
    return next(n for n, got in enumerate(text.splitlines(), 1) if got == line)


def test_check_locates_by_role_without_roles_and_by_table_without_tables(tmp_path: Path) -> None:
    library, _, plan_text = _library(tmp_path, 'by = "role"')
    (problem,) = library.problems
    assert (problem.file.name, problem.line, problem.field) == (
        "p.toml",
        _line(plan_text, 'method = "1-2-4-all"'),
        "days[0].agenda[0].method",
    )
    assert "mixes groups by role, but the plan declares no join_roles" in problem.message
    library, _, plan_text = _library(tmp_path, 'by = "table"', 'join_roles = ["A"]\n')
    (problem,) = library.problems
    assert "makes a group per table, but the plan declares no tables" in problem.message
    library, _, _ = _library(tmp_path, 'by = "table"', "tables = 5\n")
    assert not library.problems


def test_check_locates_an_unknown_by(tmp_path: Path) -> None:
    library, method, _ = _library(tmp_path, 'by = "team"', 'join_roles = ["A"]\n')
    found = [p for p in library.problems if p.file.name == "1-2-4-all.toml"]
    assert found and found[0].field == "steps[1].groups.by"
    assert found[0].line == _line(method, 'by = "team"')


# ------------------------------------------------------------------ the record


def test_the_record_counts_roles_and_never_links_them_to_people_on_anonymous_steps() -> None:
    engine = engine_for("role")
    people = [join(engine, f"Name{n}", role=r, table=1) for n, r in enumerate(ROLES[:3])]
    join(engine, "Quiet")
    engine.execute(c.StartSession())
    engine.execute(c.AddNote(text="a note"), people[0])
    record = Record.from_engine(engine)
    assert record.roles == {
        "Housing": 1,
        "Health": 1,
        "Social care": 1,
        "Voluntary sector": 0,
        "Prefer not to say": 1,
    }
    assert all(p.role is None and p.table is None for p in record.state.participants.values())
    assert all(not g.members for g in record.state.groups.values())
    text = render_json(record)
    data = json.loads(text)
    for person in data["state"]["participants"].values():
        assert person["role"] is None and person["table"] is None
    assert "Housing 1, Health 1, Social care 1, Prefer not to say 1" in render_markdown(record)
    assert "roles: Housing 1, Health 1, Social care 1, Prefer not to say 1" in render_html(record)
    for render in (render_toml, render_csv, render_html, render_markdown):
        out = render(record)
        for name in ("Name0", "Name1", "Name2", "Quiet"):
            assert name not in out  # nobody is named, so no role is anyone's
    toml_text = render_toml(record)
    assert 'role = "' not in toml_text and "table = 1" not in toml_text


def test_the_bundled_cross_service_day_mixes_its_listening_groups_by_role() -> None:
    repo = METHODS_DIR.parent
    library = load_library(
        [repo / "methods"], [repo / "sessions"], config=False, bundled=False, cwd=False
    )
    assert not library.problems
    plan_ = library.plans["unpicking-the-knot"]
    assert "Person with lived experience" in plan_.join_roles
    listen = next(s for s in library.methods["seeing-the-knot"].steps if s.id == "listen")
    assert listen.groups is not None and listen.groups.by == "role"
