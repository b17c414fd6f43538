"""Rounds in the same groups: ``[steps.groups] same_as`` keeps an earlier step's groups
(a trio's three rounds of Troika Consulting), letters and all, and places newcomers."""

from __future__ import annotations

import pytest

from factories import go, join, make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core import groups
from sessionkit.core.engine import Engine
from sessionkit.core.groupspec import GroupsSpec
from sessionkit.core.method import Method, method_problems
from sessionkit.core.state import SessionState

CHALLENGE, ROUND_1, ROUND_2 = "0.0", "0.1", "0.2"


def rounds() -> Method:
    return make_method(
        "rounds",
        [
            step("challenge", {"kind": "notes"}),
            step("round-1", {"kind": "discussion"}, groups={"size": 3}),
            step("round-2", {"kind": "discussion"}, groups={"size": 3, "same_as": "round-1"}),
        ],
    )


def engine_for() -> Engine:
    method = rounds()
    return make_engine(make_plan([{"method": method.id}]), {method.id: method})


def membership(state: SessionState, key: str) -> dict[str, list[str]]:
    return {g.label: sorted(g.members) for g in groups.current(state, key)}


def test_a_later_round_keeps_the_same_people_under_the_same_letters() -> None:
    engine = engine_for()
    for n in range(7):
        join(engine, f"Person {n + 1}")
    engine.execute(c.StartSession())
    go(engine, ROUND_1)
    first = membership(engine.state, ROUND_1)
    go(engine, ROUND_2)
    assert membership(engine.state, ROUND_2) == first


def test_someone_who_came_between_rounds_joins_the_smallest_group() -> None:
    engine = engine_for()
    for n in range(6):
        join(engine, f"Person {n + 1}")
    engine.execute(c.StartSession())
    go(engine, ROUND_1)
    first = membership(engine.state, ROUND_1)
    late = join(engine, "Late")
    go(engine, ROUND_2)
    second = membership(engine.state, ROUND_2)
    assert sorted(m for ms in second.values() for m in ms) == sorted(
        [*(m for ms in first.values() for m in ms), late]
    )
    grown = [letter for letter in second if second[letter] != first.get(letter)]
    assert len(grown) == 1 and late in second[grown[0]]


def test_a_skipped_first_round_means_groups_mixed_afresh() -> None:
    engine = engine_for()
    for n in range(6):
        join(engine, f"Person {n + 1}")
    engine.execute(c.StartSession())
    go(engine, ROUND_2)
    assert sorted(len(m) for m in membership(engine.state, ROUND_2).values()) == [3, 3]


@pytest.mark.parametrize(
    ("groups_table", "field", "message"),
    [
        ({"size": 3, "same_as": "later"}, "same_as", "'later' is not an earlier step"),
        ({"size": 3, "same_as": "challenge"}, "same_as", "not done in groups"),
        ({"size": 2, "same_as": "round-1"}, "size", "give it size = 3 too"),
    ],
)
def test_check_explains_a_same_as_that_cannot_be_kept(
    groups_table: dict[str, object], field: str, message: str
) -> None:
    method = make_method(
        "rounds",
        [
            step("challenge", {"kind": "notes"}),
            step("round-1", {"kind": "discussion"}, groups={"size": 3}),
            step("round-2", {"kind": "discussion"}, groups=groups_table),
            step("later", {"kind": "discussion"}, groups={"size": 3}),
        ],
    )
    found = [(path, text) for path, text in method_problems(method) if path[-1] == field]
    assert found and message in found[0][1], method_problems(method)


def test_same_as_is_one_way_to_form_groups_not_two() -> None:
    with pytest.raises(ValueError, match="join and same_as are ways to form groups"):
        GroupsSpec(size=4, join="pairs", same_as="pairs")


def test_the_agenda_says_a_round_keeps_the_groups() -> None:
    assert "the same groups as 'round-1'" in GroupsSpec(size=3, same_as="round-1").describe()
