"""Groups and rounds: pairs, fours and groups of N formed by the engine, journalled,
re-formable, with notes that belong to the group; 1-2-4-All as Liberating Structures
runs it (solo, pairs, fours, one idea per four to the room)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import FakeClock, ListJournal, go, join, make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core import groups, groupspec
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.groupspec import GroupsSpec
from sessionkit.core.method import Method
from sessionkit.core.state import FACILITATOR, SessionState
from sessionkit.library import load_library

ALONE, PAIRS, FOURS, ALL = "0.0", "0.1", "0.2", "0.3"
METHODS_DIR = Path(__file__).resolve().parent.parent / "methods"


def one_two_four(*, anonymous_pairs: bool = False) -> Method:
    return make_method(
        "one-two-four",
        [
            step("alone", {"kind": "notes", "private": True}),
            step(
                "pairs",
                {"kind": "notes", "private": True, "anonymous": anonymous_pairs},
                groups={"size": 2, "pick": True, "max_per_group": 3},
            ),
            step(
                "fours",
                {"kind": "notes", "anonymous": False},
                groups={"size": 4, "join": "pairs", "pick": True},
            ),
            step("all", {"kind": "cluster", "source_steps": ["fours"], "picked_only": True}),
        ],
    )


def engine_for(method: Method | None = None, **kw: object) -> Engine:
    method = method or one_two_four()
    return make_engine(make_plan([{"method": method.id}]), {method.id: method}, **kw)


def room(engine: Engine, count: int) -> list[str]:
    return [join(engine, f"Person {n + 1}") for n in range(count)]


def members(state: SessionState, key: str) -> list[list[str]]:
    return [g.members for g in groups.current(state, key)]


def placed_once(state: SessionState, key: str) -> None:
    """Nobody is in two groups of the round, and the index agrees with the groups."""
    seen: list[str] = [m for ms in members(state, key) for m in ms]
    assert len(seen) == len(set(seen))
    index = state.group_of.get(key, {})
    assert {m: g.id for g in groups.current(state, key) for m in g.members} == index


# ------------------------------------------------------------------ how many groups


@pytest.mark.parametrize(
    ("count", "size", "expected"),
    [
        (4, 2, [2, 2]),
        (5, 2, [3, 2]),
        (6, 4, [3, 3]),
        (3, 4, [3]),
        (8, 4, [4, 4]),
        (9, 4, [5, 4]),
        (1, 2, [1]),
        (0, 4, []),
        (1000, 4, [4] * 250),
    ],
)
def test_sizes_keep_every_group_close_to_its_size(
    count: int, size: int, expected: list[int]
) -> None:
    assert groupspec.sizes(count, size) == expected


@given(st.integers(0, 300), st.integers(2, 12))
def test_sizes_place_everyone_and_leave_nobody_alone(count: int, size: int) -> None:
    split = groupspec.sizes(count, size)
    assert sum(split) == count
    assert count < 2 or min(split) >= 2
    assert max(split, default=0) - min(split, default=0) <= 1


def test_notice_for_a_formation_that_is_not_as_planned() -> None:
    spec = GroupsSpec(size=4)
    assert groupspec.notice(spec, [["a", "b", "c"]]) == (
        "Only 3 people for groups of 4: one group of everyone."
    )
    assert groupspec.notice(spec, [["a", "b", "c"], ["d", "e", "f"]]) == (
        "6 people for groups of 4: 2 groups of 3."
    )
    assert groupspec.notice(spec, []) == "Nobody has joined yet: groups form as people join."
    assert groupspec.notice(spec, [["a", "b", "c", "d"]]) is None
    assert [groupspec.label(n) for n in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA",
    ]  # fmt: skip


# ------------------------------------------------------------------ forming at the start


def test_groups_are_formed_when_the_step_starts_and_journalled() -> None:
    journal = ListJournal()
    engine = engine_for(journal=journal)
    people = room(engine, 5)
    engine.execute(c.StartSession())
    assert not engine.state.groups  # the solo round has none
    event = go(engine, PAIRS)
    formed = event.data["groups"]
    assert [g["label"] for g in formed] == ["A", "B"]
    assert sorted(len(g["members"]) for g in formed) == [2, 3]
    assert sorted(m for g in formed for m in g["members"]) == sorted(people)
    assert event.data["notice"] == "5 people for groups of 2: 1 group of 3, 1 group of 2."
    placed_once(engine.state, PAIRS)


def test_the_same_run_forms_the_same_groups_and_another_run_may_not() -> None:
    def formed(run_id: str) -> list[list[str]]:
        engine = engine_for(run_id=run_id)
        room(engine, 12)
        engine.execute(c.StartSession())
        go(engine, PAIRS)
        return members(engine.state, PAIRS)

    assert formed("run-a") == formed("run-a")
    assert any(formed(f"run-{n}") != formed("run-a") for n in range(5))


def test_fours_are_two_pairs_joined() -> None:
    engine = engine_for()
    room(engine, 8)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    pairs = [set(m) for m in members(engine.state, PAIRS)]
    go(engine, FOURS)
    fours = [set(m) for m in members(engine.state, FOURS)]
    assert sorted(map(len, fours)) == [4, 4]
    for four in fours:
        assert sum(1 for pair in pairs if pair <= four) == 2
    placed_once(engine.state, FOURS)


def test_three_people_and_fours_make_one_group_of_three_with_a_notice() -> None:
    engine = engine_for()
    room(engine, 3)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    event = go(engine, FOURS)
    assert [len(m) for m in members(engine.state, FOURS)] == [3]
    assert event.data["notice"] == "Only 3 people for groups of 4: one group of everyone."


def test_a_step_with_nobody_there_forms_groups_as_people_join() -> None:
    engine = engine_for()
    engine.execute(c.StartSession())
    event = go(engine, PAIRS)
    assert event.data["groups"] == []
    people = room(engine, 5)
    assert [len(m) for m in members(engine.state, PAIRS)] == [3, 2]
    assert sorted(m for ms in members(engine.state, PAIRS) for m in ms) == sorted(people)
    placed_once(engine.state, PAIRS)


# ------------------------------------------------------------------ late, back, re-formed


def test_a_late_joiner_is_placed_in_the_smallest_group_in_their_join_event() -> None:
    engine = engine_for()
    room(engine, 4)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    event = engine.execute(c.Join(name="Late"), "newcomer")
    late = event.data["participant"]
    assert event.data["group"]["participant"] == late
    group = groups.group_of(engine.state, PAIRS, late)
    assert group is not None and len(group.members) == 3
    placed_once(engine.state, PAIRS)


def test_going_back_keeps_the_groups_and_places_who_came_meanwhile() -> None:
    engine = engine_for()
    room(engine, 4)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    before = members(engine.state, PAIRS)
    go(engine, ALONE)
    late = join(engine, "Late")
    event = go(engine, PAIRS)
    assert "groups" not in event.data
    assert [p["participant"] for p in event.data["placed"]] == [late]
    after = members(engine.state, PAIRS)
    assert sum(len(m) for m in after) == 5
    assert all(set(b) <= set(a) for b, a in zip(before, after, strict=True))


def test_reforming_mixes_again_and_loses_no_note() -> None:
    engine = engine_for()
    people = room(engine, 8)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    first = groups.current(engine.state, PAIRS)
    note = engine.execute(c.AddNote(text="ours"), people[0]).data["note"]
    old_group = engine.state.notes[note].group
    event = engine.execute(c.ReformGroups())
    assert event.type == "groups_formed" and event.data["formation"] == 2
    assert engine.state.notes[note].group == old_group
    assert all(engine.state.groups[g.id].retired for g in first)
    assert len(groups.current(engine.state, PAIRS)) == 4
    placed_once(engine.state, PAIRS)
    # the writer can still edit the note they wrote with their old group
    engine.execute(c.EditNote(note=note, text="ours, still"), people[0])


def test_the_facilitator_moves_someone_to_another_group() -> None:
    engine = engine_for()
    people = room(engine, 4)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    mine = groups.group_of(engine.state, PAIRS, people[0])
    other = next(g for g in groups.current(engine.state, PAIRS) if g is not mine)
    engine.execute(c.MoveToGroup(participant=people[0], group=other.id))
    assert groups.group_of(engine.state, PAIRS, people[0]) == other
    assert people[0] not in engine.state.groups[mine.id].members
    placed_once(engine.state, PAIRS)
    with pytest.raises(Rejected, match="already in group"):
        engine.execute(c.MoveToGroup(participant=people[0], group=other.id))
    with pytest.raises(Rejected, match="Only the facilitator"):
        engine.execute(c.ReformGroups(), people[1])


def test_group_commands_off_a_grouped_step_are_refused_with_a_reason() -> None:
    engine = engine_for()
    room(engine, 2)
    with pytest.raises(Rejected, match="not done in groups"):
        engine.execute(c.ReformGroups())
    engine.execute(c.StartSession())
    with pytest.raises(Rejected, match="not done in groups"):
        engine.execute(c.ReformGroups())


# ------------------------------------------------------------------ the group's own list


def test_a_groups_notes_are_shared_by_its_members_and_limited_per_group() -> None:
    engine = engine_for()
    people = room(engine, 4)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    a, b = groups.group_of(engine.state, PAIRS, people[0]).members  # type: ignore[union-attr]
    outsider = next(p for p in people if p not in (a, b))
    note = engine.execute(c.AddNote(text="first idea"), a).data["note"]
    engine.execute(c.EditNote(note=note, text="first idea, rewritten"), b)
    assert engine.state.notes[note].text == "first idea, rewritten"
    with pytest.raises(Rejected, match="your group's"):
        engine.execute(c.EditNote(note=note, text="not mine"), outsider)
    assert engine.visible_to(note, b) and not engine.visible_to(note, outsider)
    engine.execute(c.AddNote(text="second"), b)
    engine.execute(c.AddNote(text="third"), a)
    with pytest.raises(Rejected, match="Your group has added 3 notes") as refused:
        engine.execute(c.AddNote(text="fourth"), b)
    assert refused.value.code == "limit"


def test_paper_notes_for_a_group_and_the_facilitator_picks_for_it() -> None:
    engine = engine_for()
    people = room(engine, 4)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    group = groups.group_of(engine.state, PAIRS, people[0])
    assert group is not None
    event = engine.execute(c.AddNote(text="typed from paper", group=group.id))
    note = engine.state.notes[event.data["note"]]
    assert note.group == group.id and note.author == FACILITATOR
    engine.execute(c.PickNote(note=note.id))
    assert engine.state.groups[group.id].picked == note.id
    with pytest.raises(Rejected, match="No such group"):
        engine.execute(c.AddNote(text="x", group="g999"))


def test_a_member_picks_the_groups_note_and_not_another_groups() -> None:
    engine = engine_for()
    people = room(engine, 4)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    a, b = groups.group_of(engine.state, PAIRS, people[0]).members  # type: ignore[union-attr]
    outsider = next(p for p in people if p not in (a, b))
    ours = engine.execute(c.AddNote(text="ours"), a).data["note"]
    theirs = engine.execute(c.AddNote(text="theirs"), outsider).data["note"]
    engine.execute(c.PickNote(note=ours), b)
    assert engine.state.is_picked(engine.state.notes[ours])
    with pytest.raises(Rejected, match="not one of your group's"):
        engine.execute(c.PickNote(note=theirs), a)
    with pytest.raises(Rejected, match="already picked"):
        engine.execute(c.PickNote(note=ours), a)
    engine.execute(c.PickNote(note=None), a)
    assert engine.state.groups[groups.group_of(engine.state, PAIRS, a).id].picked is None  # type: ignore[union-attr]


def test_one_idea_per_four_reaches_the_room_step() -> None:
    engine = engine_for()
    people = room(engine, 8)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    go(engine, FOURS)
    picked = []
    for four in groups.current(engine.state, FOURS):
        writer = four.members[0]
        notes = [
            engine.execute(c.AddNote(text=f"{four.label} idea {n}"), writer).data["note"]
            for n in range(2)
        ]
        engine.execute(c.PickNote(note=notes[1]), four.members[-1])
        picked.append(notes[1])
    go(engine, ALL)
    with pytest.raises(Rejected, match="Only the note each group picked"):
        unpicked = next(n for n in engine.state.notes if n not in picked)
        engine.execute(c.CreateCluster(label="Theme", notes=[unpicked]))
    engine.execute(c.CreateCluster(label="Theme", notes=picked))
    assert all(engine.state.notes[n].cluster for n in picked)
    assert len(people) == 8


# ------------------------------------------------------------------ replay and the files


def test_replay_reproduces_the_groups_exactly() -> None:
    journal = ListJournal()
    clock = FakeClock()
    engine = engine_for(journal=journal, clock=clock)
    people = room(engine, 7)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    engine.execute(c.AddNote(text="x"), people[0])
    engine.execute(c.ReformGroups())
    join(engine, "Late")
    go(engine, FOURS)
    engine.execute(c.RemoveParticipant(participant=people[2]))
    engine.execute(c.ReformGroups())
    again = engine_for(clock=FakeClock())
    again.replay(journal.events)
    assert again.state.model_dump() == engine.state.model_dump()


def test_the_bundled_1_2_4_all_runs_solo_pairs_fours_and_one_idea_per_four() -> None:
    library = load_library(
        [], [], [METHODS_DIR / "1-2-4-all.toml"], config=False, bundled=False, cwd=False
    )
    assert not library.problems
    method = library.methods["1-2-4-all"]
    assert [s.id for s in method.steps] == ["alone", "pairs", "fours", "all"]
    alone, pairs, fours, everyone = method.steps
    assert alone.groups is None and alone.input.is_private()
    assert pairs.groups is not None and pairs.groups.size == 2 and pairs.groups.pick
    assert fours.groups is not None and (fours.groups.size, fours.groups.join) == (4, "pairs")
    assert everyone.input.kind == "cluster" and everyone.input.picked_only  # type: ignore[attr-defined]


def test_check_locates_a_grouping_that_cannot_be_formed(tmp_path: Path) -> None:
    text = (METHODS_DIR / "1-2-4-all.toml").read_text(encoding="utf-8")
    text = text.replace("[group_size]\nmin = 4\nmax = 120", "[group_size]\nmin = 2\nmax = 3")
    text = text.replace('join = "pairs"', 'join = "all"')
    path = tmp_path / "1-2-4-all.toml"
    path.write_text(text, encoding="utf-8")
    library = load_library([], [], [path], config=False, bundled=False, cwd=False)
    found = {(p.field, p.line): p.message for p in library.problems}
    lines = text.splitlines()
    size_line = next(n for n, line in enumerate(lines, 1) if line == "size = 4")
    join_line = next(n for n, line in enumerate(lines, 1) if line == 'join = "all"')
    assert found[("steps[2].groups.size", size_line)] == (
        "groups of 4 need more people than the method's group_size.max of 3"
    )
    assert found[("steps[2].groups.join", join_line)].startswith(
        "'all' is not an earlier step of this method (earlier steps: alone, pairs)"
    )


def test_check_locates_picked_only_from_a_step_whose_groups_do_not_pick(tmp_path: Path) -> None:
    text = (METHODS_DIR / "1-2-4-all.toml").read_text(encoding="utf-8")
    text = text.replace('join = "pairs"\npick = true', 'join = "pairs"\npick = false')
    path = tmp_path / "1-2-4-all.toml"
    path.write_text(text, encoding="utf-8")
    library = load_library([], [], [path], config=False, bundled=False, cwd=False)
    (problem,) = library.problems
    assert problem.field == "steps[3].input.source_steps[0]"
    assert "step 'fours' has no groups that pick" in problem.message


# ------------------------------------------------------------------ properties

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["join", "remove", "goto", "reform", "move", "note", "pick"]),
        st.integers(0, 50),
        st.integers(0, 50),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 9), ACTIONS)
def test_groups_hold_whatever_the_facilitator_and_the_room_do(
    start: int, actions: list[tuple[str, int, int]]
) -> None:
    journal = ListJournal()
    clock = FakeClock()
    engine = engine_for(journal=journal, clock=clock)
    room(engine, start)
    engine.execute(c.StartSession())
    for action, x, y in actions:
        clock.advance(1)
        state = engine.state
        active = [p.id for p in state.active_participants()]
        current = groups.current(state, state.step_key)
        command: c.Command | None = None
        actor = FACILITATOR
        if action == "join":
            command, actor = c.Join(name=f"J{x}"), "newcomer"
        elif action == "remove" and active:
            command = c.RemoveParticipant(participant=active[x % len(active)])
        elif action == "goto":
            command = c.GoTo(item=0, step=x % 4)
        elif action == "reform":
            command = c.ReformGroups()
        elif action == "move" and active and current:
            command = c.MoveToGroup(
                participant=active[x % len(active)], group=current[y % len(current)].id
            )
        elif action == "note" and active:
            command, actor = c.AddNote(text=f"idea {y}"), active[x % len(active)]
        elif action == "pick" and state.notes:
            notes = list(state.notes)
            command, actor = c.PickNote(note=notes[y % len(notes)]), FACILITATOR
        if command is None:
            continue
        try:
            engine.execute(command, actor)
        except Rejected:
            pass
        state = engine.state
        for key in (PAIRS, FOURS):
            placed_once(state, key)
        if groups.spec_at(engine.items, state.step_key) is not None:
            # everyone present is in a group of the round they are in
            index = state.group_of.get(state.step_key, {})
            assert {p.id for p in state.active_participants()} <= set(index)
    for note in engine.state.notes.values():
        assert note.group is None or note.group in engine.state.groups
    again = engine_for(clock=FakeClock())
    again.replay(journal.events)
    assert again.state.model_dump() == engine.state.model_dump()


def test_the_record_keeps_notes_under_their_group_and_names_no_one_on_anonymous_steps() -> None:
    import csv
    import io

    from sessionkit.core.record import Record
    from sessionkit.export import csv as export_csv
    from sessionkit.export import markdown

    engine = engine_for(one_two_four(anonymous_pairs=True))
    people = room(engine, 4)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    ours = groups.group_of(engine.state, PAIRS, people[0])
    assert ours is not None
    note = engine.execute(c.AddNote(text="Pair idea"), people[0]).data["note"]
    engine.execute(c.AddNote(text="Typed from paper", group=ours.id))
    engine.execute(c.PickNote(note=note), people[0])
    record = Record.from_engine(engine)
    assert all(not g.members for g in record.state.groups.values())
    assert record.state.group_of[PAIRS] == {}
    assert record.state.notes[note].author == ""
    rows = list(csv.reader(io.StringIO(export_csv.render(record)[1:])))
    by_text = {row[8]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_text["Pair idea"]["group"] == ours.label and by_text["Pair idea"]["picked"] == "yes"
    assert by_text["Typed from paper"]["group"] == f"{ours.label} (paper)"
    text = markdown.render(record)
    assert f"**Group {ours.label}** (2 notes)" in text
    assert "- Pair idea — *the group's pick*" in text
    assert "- Typed from paper — *on paper*" in text


def test_a_snapshot_keeps_the_groups_exactly(tmp_path: Path) -> None:
    from sessionkit import store

    engine = engine_for()
    people = room(engine, 6)
    engine.execute(c.StartSession())
    go(engine, PAIRS)
    note = engine.execute(c.AddNote(text="ours"), people[0]).data["note"]
    engine.execute(c.PickNote(note=note), people[0])
    engine.execute(c.ReformGroups())
    go(engine, FOURS)
    path = tmp_path / "snapshot.toml"
    store.write_snapshot(path, engine.state)
    assert store.read_snapshot(path) == engine.state


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("size = 2\n", "sise = 2\n"), "steps[1].groups.sise", "unknown key 'sise' (did you mean"),
        (("size = 2\n", "size = 20\n"), "steps[1].groups.size", "expected at most 12, got 20"),
        (
            ("", "\n[steps.groups]\nsize = 3\n"),
            "steps[3].groups",
            "a cluster step cannot be done in groups",
        ),
    ],
)
def test_check_names_the_line_of_a_bad_groups_table(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    text = (METHODS_DIR / "1-2-4-all.toml").read_text(encoding="utf-8")
    old, new = change
    text = text.replace(old, new, 1) if old else text + new
    path = tmp_path / "1-2-4-all.toml"
    path.write_text(text, encoding="utf-8")
    library = load_library([], [], [path], config=False, bundled=False, cwd=False)
    found = [p for p in library.problems if p.field == field]
    assert found and message in found[0].message
    assert found[0].line is not None and found[0].line > 100  # in the steps, not line 1
