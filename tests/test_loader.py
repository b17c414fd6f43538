"""Loading the library: located, readable problems for every kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessionkit.library import (
    LibraryError,
    Problem,
    TomlLines,
    bundled_dirs,
    field_path,
    load_library,
    resolve_method,
    resolve_plan,
)

REPO = Path(__file__).resolve().parents[1]
RTB = REPO / "methods" / "rose-thorn-bud.toml"
RTB_TEXT = RTB.read_text(encoding="utf-8")


# ---------------------------------------------------------------- helpers


def swap(text: str, old: str, new: str) -> str:
    assert old in text, f"test fixture out of date: {old!r} not found"
    return text.replace(old, new, 1)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the ``occurrence``-th line that is exactly ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == needle]
    assert len(hits) >= occurrence, f"{needle!r} not in fixture"
    return hits[occurrence - 1]


def load(*paths, methods=(), sessions=()):
    """The library from the given folders only: no bundled files, config or current folder."""
    return load_library(methods, sessions, paths, config=False, bundled=False, cwd=False)


def only(library, code: str | None = None) -> Problem:
    problems = [p for p in library.problems if code is None or p.code == code]
    assert len(problems) == 1, "\n".join(map(str, library.problems))
    return problems[0]


def rtb_as(id: str, text: str = RTB_TEXT) -> str:
    return swap(text, 'id = "rose-thorn-bud"', f'id = "{id}"')


@pytest.fixture
def methods(tmp_path) -> Path:
    folder = tmp_path / "methods"
    write(folder, "rose-thorn-bud.toml", RTB_TEXT)
    return folder


PLAN = """\
title = "A test day"

[[days]]
date = 2025-02-11
start = "09:30"
end = "16:30"

[[days.agenda]]
method = "rose-thorn-bud"
minutes = 40
variables = { topic = "the front desk" }

[[days.agenda]]
break = 15
"""


# ---------------------------------------------------------------- the line mapper


def test_line_mapper_tables_arrays_of_tables_and_keys():
    lines = TomlLines(RTB_TEXT)
    assert lines.line(("id",)) == 1
    assert lines.line(("duration", "typical")) == line_of(RTB_TEXT, "typical = 30")
    assert lines.line(("steps", 0)) == line_of(RTB_TEXT, "[[steps]]", 1)
    assert lines.line(("steps", 2)) == line_of(RTB_TEXT, "[[steps]]", 3)
    assert lines.line(("steps", 2, "input", "target_step")) == line_of(
        RTB_TEXT, 'target_step = "group"'
    )
    assert lines.line(("steps", 0, "input", "categories", 1, "colour")) == line_of(
        RTB_TEXT, 'colour = "#bfdbfe"'
    )
    assert lines.line(("variables", "topic", "default")) == line_of(
        RTB_TEXT, 'default = "the way this service works today"'
    )
    # a key that is not written falls back to its nearest parent
    assert lines.line(("steps", 0, "timebox", "extra")) == line_of(RTB_TEXT, "timebox = 8")
    assert lines.line(("steps", 3, "input", "summary")) == line_of(RTB_TEXT, "[steps.input]", 4)
    assert lines.line(("nowhere",)) is None


def test_line_mapper_strings_arrays_inline_tables_and_dotted_keys():
    text = '''\
# a comment with key = "value"
title = """
fake = "not a key"
[not.a.table]
"""
list = [
  "one",   # comment
  { name = "two", deep = { x = 1 } },
  [3, 4],
]
a.b.c = 'x'
"quoted key" = 1
literal = \'\'\'
[[nope]]
\'\'\'

[t]
u = 1
[[arr]]
v = 1
[[arr]]
v = 2
[arr.sub]
w = { y = 2,
      z = 3 }
'''
    lines = TomlLines(text)
    assert lines.line(("title",)) == 2
    assert (
        ("fake",) not in lines.lines
        and ("not",) not in lines.lines
        and ("nope",) not in lines.lines
    )
    assert lines.line(("list", 0)) == 7
    assert lines.line(("list", 1, "name")) == 8
    assert lines.line(("list", 1, "deep", "x")) == 8
    assert lines.line(("list", 2, 1)) == 9
    assert lines.line(("a", "b", "c")) == 11
    assert lines.line(("quoted key",)) == 12
    assert lines.line(("t", "u")) == 18
    assert lines.line(("arr", 0, "v")) == 20
    assert lines.line(("arr", 1, "v")) == 22
    assert lines.line(("arr", 1, "sub")) == 23
    assert lines.line(("arr", 1, "sub", "w", "z")) == 25


def test_field_path_formatting():
    assert field_path(("steps", 1, "input", "target_step")) == "steps[1].input.target_step"
    assert field_path(("days", 0, "agenda", 2)) == "days[0].agenda[2]"
    assert field_path(("variables", "has space")) == 'variables."has space"'
    assert field_path(()) == ""


# ---------------------------------------------------------------- schema errors


def test_unknown_key_names_file_line_field_and_suggests(tmp_path):
    text = swap(RTB_TEXT, "timebox = 8", "minuts = 8")
    path = write(tmp_path, "rose-thorn-bud.toml", text)
    library = load(path)
    problem = only(library, "unknown-key")
    assert problem.file == path
    assert problem.line == line_of(text, "minuts = 8")
    assert problem.field == "steps[0].minuts"
    assert problem.message == "unknown key 'minuts' (did you mean 'timebox'?)"
    assert str(problem).endswith(
        f"rose-thorn-bud.toml:{problem.line}: steps[0].minuts: unknown key 'minuts' (did you mean 'timebox'?)"
    )
    missing = only(library, "missing")
    assert (missing.field, missing.message) == (
        "steps[0].timebox",
        "missing required field 'timebox'",
    )
    assert missing.line == line_of(text, "[[steps]]", 1)
    assert library.methods == {}


def test_unknown_key_suggestion_without_a_missing_field(tmp_path):
    text = swap(
        RTB_TEXT, 'prompt = "Put your three dots', 'promt = "x"\nprompt = "Put your three dots'
    )
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert problem.field == "steps[2].promt"
    assert problem.message == "unknown key 'promt' (did you mean 'prompt'?)"
    assert problem.line == line_of(text, 'promt = "x"')


def test_unknown_key_in_a_step_input_lists_that_input(tmp_path):
    text = swap(RTB_TEXT, "dots_per_person = 3", "dots_per_persn = 3")
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert problem.field == "steps[2].input.dots_per_persn"
    assert (
        problem.message
        == "unknown key 'dots_per_persn' for a 'vote' input (did you mean 'dots_per_person'?)"
    )
    assert problem.line == line_of(text, "dots_per_persn = 3")


def test_unknown_key_without_a_close_match_lists_allowed_keys(tmp_path):
    text = swap(RTB_TEXT, "[duration]", "[duration]\nzzz = 1")
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert problem.message == "unknown key 'zzz' (expected one of: min, typical, max, note)"
    assert problem.line == line_of(text, "zzz = 1")


def test_wrong_type(tmp_path):
    text = swap(RTB_TEXT, "timebox = 12", 'timebox = "five"')
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert (problem.field, problem.code) == ("steps[1].timebox", "type")
    assert problem.message == "expected an integer, got 'five'"
    assert problem.line == line_of(text, 'timebox = "five"')


def test_wrong_type_for_a_table_and_a_bool(tmp_path):
    text = swap(RTB_TEXT, "private = true", 'private = "maybe"')
    text = swap(text, "[group_size]\nmin = 3\nmax = 40\n", "")
    text = swap(text, 'phase = "discover"', 'phase = "discover"\ngroup_size = 5')
    problems = load(write(tmp_path, "rose-thorn-bud.toml", text)).problems
    by_field = {p.field: p for p in problems}
    assert (
        by_field["group_size"].message == "expected a table (a [section] or { key = value }), got 5"
    )
    assert by_field["group_size"].line == line_of(text, "group_size = 5")
    assert by_field["steps[0].input.private"].message == "expected true or false, got 'maybe'"


def test_missing_top_level_field(tmp_path):
    text = swap(RTB_TEXT, 'name = "Rose, Thorn, Bud"\n', "")
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert (problem.field, problem.message, problem.line) == (
        "name",
        "missing required field 'name'",
        None,
    )
    assert str(problem).endswith("rose-thorn-bud.toml: name: missing required field 'name'")


def test_enum_and_literal_values_are_listed(tmp_path):
    text = swap(RTB_TEXT, 'phase = "discover"', 'phase = "discovery"')
    text = swap(text, 'target = "clusters"', 'target = "cluster"')
    text = swap(text, 'grouping = "whole group"', 'grouping = "everyone"')
    problems = {p.field: p for p in load(write(tmp_path, "rose-thorn-bud.toml", text)).problems}
    phase = problems["phase"]
    assert phase.message == (
        "expected 'discover', 'define', 'develop', 'deliver' or 'reflect', got 'discovery' "
        "(did you mean 'discover'?)"
    )
    assert phase.line == line_of(text, 'phase = "discovery"')
    target = problems["steps[2].input.target"]
    assert (
        target.message == "expected 'notes' or 'clusters', got 'cluster' (did you mean 'clusters'?)"
    )
    assert target.line == line_of(text, 'target = "cluster"')
    grouping = problems["steps[1].grouping"]
    assert grouping.message.startswith(
        "expected 'solo', 'pairs', 'small group' or 'whole group', got 'everyone'"
    )


def test_unknown_input_kind_suggests_the_closest(tmp_path):
    text = swap(RTB_TEXT, 'kind = "cluster"', 'kind = "clustering"')
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert problem.field == "steps[1].input.kind"
    assert problem.message == (
        "unknown kind 'clustering' (did you mean 'cluster'?); expected 'notes', 'vote', "
        "'cluster', 'rating', 'canvas', 'discussion', 'words', 'questions', 'actions', 'sort', "
        "'rank', 'requests' or 'review'"
    )
    assert problem.line == line_of(text, 'kind = "clustering"')


def test_missing_input_kind(tmp_path):
    text = swap(RTB_TEXT, 'kind = "discussion"', "summary = true")
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert problem.field == "steps[3].input.kind"
    assert problem.message.startswith("missing required field 'kind' (one of 'notes', 'vote'")
    assert problem.line == line_of(text, "[steps.input]", 4)


def test_input_keys_written_on_the_step_are_pointed_to_the_input_table(tmp_path):
    text = swap(RTB_TEXT, 'grouping = "solo"', 'grouping = "solo"\nmax_per_person = 3')
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert problem.field == "steps[0].max_per_person"
    assert "[steps.input]" in problem.message


def test_pattern_and_model_validator_errors(tmp_path):
    text = swap(RTB_TEXT, 'colour = "#bfdbfe"', 'colour = "green"')
    text = swap(text, "min = 20\ntypical = 30", "min = 35\ntypical = 30")
    problems = {p.field: p for p in load(write(tmp_path, "rose-thorn-bud.toml", text)).problems}
    colour = problems["steps[0].input.categories[1].colour"]
    assert (
        colour.message
        == "expected a colour written '#' and six hex digits, like '#f4a6b7', got 'green'"
    )
    assert colour.line == line_of(text, 'colour = "green"')
    duration = problems["duration"]
    assert duration.message == "expected min <= typical <= max, got 35, 30, 45"
    assert duration.line == line_of(text, "[duration]")


def test_ids_get_a_kebab_case_suggestion(tmp_path):
    text = swap(RTB_TEXT, 'id = "write"', 'id = "Write Notes"')
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert problem.field == "steps[0].id"
    assert problem.message.endswith("got 'Write Notes' (did you mean 'write-notes'?)")


def test_wrong_kind_of_values(tmp_path):
    text = swap(RTB_TEXT, "timebox = 5", "timebox = 2.5")
    text = swap(text, 'summary = "Everyone', 'summary = 5 # "Everyone')
    text = swap(text, 'name = "Rose, Thorn, Bud"', 'name = ""')
    problems = {
        p.field: p.message for p in load(write(tmp_path, "rose-thorn-bud.toml", text)).problems
    }
    assert problems == {
        "name": "must not be empty",
        "summary": "expected text in quotes, got 5",
        "steps[2].timebox": "expected a whole number, got 2.5",
    }


def test_bad_variable_name(tmp_path):
    text = swap(RTB_TEXT, "[variables.topic]", "[variables.Topic-Name]")
    problems = load(write(tmp_path, "rose-thorn-bud.toml", text)).problems
    bad = [p for p in problems if p.field == "variables.Topic-Name"]
    assert bad and "'Topic-Name' is not a valid name here" in bad[0].message
    assert bad[0].line == line_of(text, "[variables.Topic-Name]")


# ---------------------------------------------------------------- cross-field problems


def test_vote_on_a_step_collecting_nothing(tmp_path):
    text = rtb_as("vote-on-talk")
    text = swap(
        text, 'target_step = "group"\ntarget = "clusters"', 'target_step = "chat"\ntarget = "notes"'
    )
    # turn the cluster step into a discussion that collects nothing
    text = swap(text, 'id = "group"', 'id = "chat"')
    text = swap(
        text,
        'kind = "cluster"\nsource_steps = ["write"]\nparking_lot = true',
        'kind = "discussion"',
    )
    problem = only(load(write(tmp_path, "vote-on-talk.toml", text)))
    assert problem.field == "steps[2].input.target_step"
    assert problem.line == line_of(text, 'target_step = "chat"')
    assert problem.message == (
        "step 'chat' collects discussion, so there are no notes to vote on "
        "(expected a step collecting notes or canvas)"
    )
    assert problem.code == "reference"


def test_step_timeboxes_that_do_not_fit_the_duration(tmp_path):
    text = swap(RTB_TEXT, "timebox = 8", "timebox = 36")
    problem = only(load(write(tmp_path, "rose-thorn-bud.toml", text)))
    assert problem.field == "steps"
    assert (
        problem.message
        == "the step timeboxes add up to 58 min, outside the method's duration of 20..45 min"
    )
    assert problem.line == line_of(text, "[[steps]]", 1)


def test_id_must_match_the_file_name(tmp_path):
    path = write(tmp_path, "rose-thorn.toml", RTB_TEXT)
    library = load(path)
    problem = only(library)
    assert (problem.field, problem.line, problem.code) == ("id", 1, "id")
    assert problem.message == (
        "id 'rose-thorn-bud' does not match the file name 'rose-thorn.toml' "
        '(expected id = "rose-thorn", or rename the file to rose-thorn-bud.toml)'
    )
    assert "rose-thorn" not in library.methods and "rose-thorn" in library.rejected_methods


# ---------------------------------------------------------------- unreadable files


@pytest.mark.parametrize(
    "content,expected",
    [
        ("", "is empty, expected TOML"),
        ("  \n\n", "is empty, expected TOML"),
        ("# only a comment\n", "has no settings (only comments), expected TOML"),
        (b"\x00\x01\x02TOML?", "is a binary file (it contains NUL bytes), expected TOML text"),
    ],
)
def test_empty_and_binary_files(tmp_path, content, expected):
    path = write(tmp_path / "methods", "x.toml", content)
    problem = only(load(methods=[path.parent]))
    assert (problem.file, problem.line, problem.message, problem.code) == (
        path,
        None,
        expected,
        "file",
    )
    assert str(problem).endswith(f"x.toml: {expected}")


def test_non_utf8_file_reports_where(tmp_path):
    path = write(tmp_path / "methods", "x.toml", 'id = "x"\nname = "caf\xe9"\n'.encode("latin-1"))
    problem = only(load(methods=[path.parent]))
    assert (problem.line, problem.column) == (2, 12)
    assert (
        problem.message == "is not UTF-8 text (byte 0xe9 cannot be decoded); save the file as UTF-8"
    )
    assert str(problem).endswith(
        "x.toml:2:12: is not UTF-8 text (byte 0xe9 cannot be decoded); save the file as UTF-8"
    )


def test_invalid_toml_reports_tomllib_line_and_column(tmp_path):
    path = write(tmp_path / "methods", "x.toml", 'id = "x"\nname = \n')
    problem = only(load(methods=[path.parent]))
    assert (problem.line, problem.column) == (2, 8)
    assert problem.message == "is not valid TOML: Invalid value"


def test_invalid_toml_at_end_of_document(tmp_path):
    path = write(tmp_path / "methods", "x.toml", 'id = "x"\nname = "unterminated')
    problem = only(load(methods=[path.parent]))
    assert problem.line == 2 and "is not valid TOML" in problem.message


def test_a_utf8_bom_is_accepted(tmp_path):
    folder = tmp_path / "methods"
    write(folder, "rose-thorn-bud.toml", "\ufeff" + RTB_TEXT)
    assert list(load(methods=[folder]).methods) == ["rose-thorn-bud"]


def test_one_bad_file_does_not_stop_the_others(tmp_path, methods):
    write(methods, "broken.toml", b"\x00")
    write(methods, "bad-toml.toml", "= = =")
    write(methods, "copy.toml", rtb_as("copy"))
    write(methods, "typo.toml", swap(rtb_as("typo"), "timebox = 8", "minuts = 8"))
    library = load(methods=[methods])
    assert sorted(library.methods) == ["copy", "rose-thorn-bud"]
    assert sorted(p.file.name for p in library.problems) == [
        "bad-toml.toml",
        "broken.toml",
        "typo.toml",
        "typo.toml",
    ]
    assert set(library.rejected_methods) == {"broken", "bad-toml", "typo"}


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_no_input_file_raises(tmp_path, content):
    path = write(tmp_path / "fuzz", "fuzz.toml", content)
    library = load(path)
    for problem in library.problems:
        assert problem.file == path and str(problem)


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(st.data())
def test_mangled_methods_give_located_problems(tmp_path, data):
    lines = RTB_TEXT.splitlines()
    n = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["drop", "dup", "garble"]))
    if action == "drop":
        del lines[n]
    elif action == "dup":
        lines.insert(n, lines[n])
    else:
        lines[n] = lines[n].replace("=", "= 5 #", 1).replace('"', "'", 1)
    path = write(tmp_path / "mangled", "rose-thorn-bud.toml", "\n".join(lines))
    library = load(path)
    for problem in library.problems:
        assert str(problem).startswith(str(problem.where))
        if problem.line is not None:
            assert 1 <= problem.line <= len(lines) + 1


def test_deeply_nested_toml_is_a_problem_not_a_crash(tmp_path):
    path = write(tmp_path / "methods", "deep.toml", "a = " + "[" * 5000 + "]" * 5000)
    problems = load(methods=[path.parent]).problems
    assert problems and all(p.file == path for p in problems)


# ---------------------------------------------------------------- plans


def test_plan_id_defaults_to_the_file_name(tmp_path, methods):
    sessions = tmp_path / "sessions"
    write(sessions, "test-day.toml", PLAN)
    library = load(methods=[methods], sessions=[sessions])
    assert library.problems == []
    assert library.plans["test-day"].id == "test-day"
    assert library.plan_paths["test-day"] == sessions / "test-day.toml"


def test_plan_id_if_given_must_match(tmp_path, methods):
    text = 'id = "another-day"\n' + PLAN
    write(tmp_path / "sessions", "test-day.toml", text)
    problem = only(load(methods=[methods], sessions=[tmp_path / "sessions"]))
    assert (problem.field, problem.line, problem.code) == ("id", 1, "id")
    assert "id 'another-day' does not match the file name 'test-day.toml'" in problem.message


def test_plan_file_name_must_make_a_valid_id(tmp_path, methods):
    write(tmp_path / "sessions", "Test Day.toml", PLAN)
    problem = only(load(methods=[methods], sessions=[tmp_path / "sessions"]))
    assert problem.field == "id"
    assert problem.message.startswith("the file name 'Test Day' is not a valid id: rename the file")


def test_plan_naming_an_unknown_method(tmp_path, methods):
    text = swap(PLAN, 'method = "rose-thorn-bud"', 'method = "rose-thorn-bd"')
    write(tmp_path / "sessions", "test-day.toml", text)
    library = load(methods=[methods], sessions=[tmp_path / "sessions"])
    problem = only(library)
    assert problem.field == "days[0].agenda[0].method"
    assert problem.line == line_of(text, 'method = "rose-thorn-bd"')
    assert problem.message == "unknown method 'rose-thorn-bd' (did you mean 'rose-thorn-bud'?)"
    assert problem.code == "unknown-method"
    assert "test-day" in library.plans and "test-day" in library.rejected_plans


def test_plan_naming_a_method_with_problems(tmp_path):
    folder = tmp_path / "methods"
    write(folder, "rose-thorn-bud.toml", swap(RTB_TEXT, "timebox = 8", "timebox = 80"))
    write(tmp_path / "sessions", "test-day.toml", PLAN)
    library = load(methods=[folder], sessions=[tmp_path / "sessions"])
    [plan_problem] = [p for p in library.problems if p.file.name == "test-day.toml"]
    assert plan_problem.message.startswith("method 'rose-thorn-bud' has problems of its own")


def test_plan_variables_the_method_does_not_declare(tmp_path, methods):
    text = swap(
        PLAN, 'variables = { topic = "the front desk" }', 'variables = { topik = "the front desk" }'
    )
    write(tmp_path / "sessions", "test-day.toml", text)
    problem = only(load(methods=[methods], sessions=[tmp_path / "sessions"]))
    assert problem.field == "days[0].agenda[0].variables.topik"
    assert problem.line == line_of(text, 'variables = { topik = "the front desk" }')
    assert (
        problem.message
        == "method 'rose-thorn-bud' declares no variable 'topik' (did you mean 'topic'?)"
    )


def test_plan_minutes_outside_the_method_duration(tmp_path, methods):
    text = swap(PLAN, "minutes = 40", "minutes = 90")
    write(tmp_path / "sessions", "test-day.toml", text)
    problem = only(load(methods=[methods], sessions=[tmp_path / "sessions"]))
    assert problem.field == "days[0].agenda[0].minutes"
    assert problem.line == line_of(text, "minutes = 90")
    assert (
        problem.message
        == "minutes = 90 is outside the duration of method 'rose-thorn-bud' (20..45 min)"
    )


def test_plan_agenda_that_overruns_the_day(tmp_path, methods):
    text = swap(PLAN, 'start = "09:30"\nend = "16:30"', 'start = "15:50"\nend = "16:30"')
    write(tmp_path / "sessions", "test-day.toml", text)
    library = load(methods=[methods], sessions=[tmp_path / "sessions"])
    problem = only(library)
    assert problem.code == "overrun"
    assert problem.field == "days[0].agenda[1]"
    assert problem.line == line_of(text, "[[days.agenda]]", 2)
    assert problem.message.startswith(
        "day 1 (2025-02-11) ends at 16:45, 15 min after its end time 16:30"
    )
    assert "from 'Break', 16:30-16:45" in problem.message
    # an overrun is a problem for `check` but the plan itself is usable
    assert "test-day" in library.plans and "test-day" not in library.rejected_plans


def test_plan_schema_errors_inside_inline_tables(tmp_path, methods):
    text = (
        PLAN
        + '\n[[days]]\nstart = "9h"\nend = "17:00"\nagenda = [\n  { method = "rose-thorn-bud" },\n  { brek = 5 },\n]\n'
    )
    write(tmp_path / "sessions", "test-day.toml", text)
    problems = {
        p.field: p for p in load(methods=[methods], sessions=[tmp_path / "sessions"]).problems
    }
    assert problems["days[1].start"].message == "expected a clock time like \"09:30\", got '9h'"
    assert problems["days[1].start"].line == line_of(text, 'start = "9h"')
    brek = problems["days[1].agenda[1].brek"]
    assert brek.message == "unknown key 'brek' (did you mean 'break'?)"
    assert brek.line == line_of(text, "{ brek = 5 },")


def test_misplaced_files_are_explained(tmp_path, methods):
    write(methods, "test-day.toml", PLAN)
    problem = only(load(methods=[methods]))
    assert problem.message.startswith("looks like a session plan (it has days), not a method")


# ---------------------------------------------------------------- sources, duplicates, overrides


def test_duplicate_ids_in_the_same_source(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    write(one, "rose-thorn-bud.toml", RTB_TEXT)
    write(two, "rose-thorn-bud.toml", RTB_TEXT)
    library = load(methods=[one, two])
    problem = only(library)
    assert problem.file == two / "rose-thorn-bud.toml"
    assert (problem.field, problem.line, problem.code) == ("id", 1, "duplicate")
    assert problem.message.startswith("duplicate method id 'rose-thorn-bud': also defined in ")
    assert "one" in problem.message
    assert library.method_paths["rose-thorn-bud"] == one / "rose-thorn-bud.toml"


def test_duplicate_ids_in_subfolders(tmp_path):
    write(tmp_path / "m", "rose-thorn-bud.toml", RTB_TEXT)
    write(tmp_path / "m" / "sub", "rose-thorn-bud.toml", RTB_TEXT)
    assert only(load(methods=[tmp_path / "m"])).code == "duplicate"


def test_later_sources_override_earlier_ones_with_a_note(tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    write(
        mine, "rose-thorn-bud.toml", swap(RTB_TEXT, 'name = "Rose, Thorn, Bud"', 'name = "My RTB"')
    )
    config = write(tmp_path, "config.toml", f'method_dirs = ["{mine.name}"]\n')
    monkeypatch.chdir(tmp_path)
    library = load_library(config=config, cwd=False)
    assert library.problems == []
    assert library.methods["rose-thorn-bud"].name == "My RTB"
    assert library.method_paths["rose-thorn-bud"] == mine / "rose-thorn-bud.toml"
    [note] = library.notes
    assert note.code == "override"
    assert "overrides the one in" in note.message and "(bundled)" in note.message


def test_config_from_the_environment(tmp_path, monkeypatch):
    mine = tmp_path / "elsewhere" / "methods"
    write(mine, "my-copy.toml", rtb_as("my-copy"))
    config = write(
        tmp_path / "cfg", "config.toml", f'method_dirs = ["{mine}"]\nother_setting = 1\n'
    )
    monkeypatch.setenv("SESSIONKIT_CONFIG", str(config))
    library = load_library(bundled=False, cwd=False)
    assert list(library.methods) == ["my-copy"]
    assert library.problems == []


def test_bad_config_is_a_problem(tmp_path, monkeypatch):
    config = write(
        tmp_path, "config.toml", 'method_dirs = "nope"\nsession_dirs = [1]\nmethod_dir = []\n'
    )
    library = load_library(config=config, bundled=False, cwd=False)
    problems = {p.field: p for p in library.problems}
    assert problems["session_dirs"].message.startswith("expected a list of folder names")
    assert problems["session_dirs"].line == 2
    assert (
        problems["method_dir"].message == "unknown key 'method_dir' (did you mean 'method_dirs'?)"
    )
    # a single string is taken as one folder, relative to the config file
    [folder] = [p for p in library.problems if p.code == "folder"]
    assert (folder.file, folder.message) == (tmp_path / "nope", "no such folder")


def test_missing_config_named_in_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSIONKIT_CONFIG", str(tmp_path / "nope.toml"))
    library = load_library(bundled=False, cwd=False)
    assert only(library).message == "config file not found ($SESSIONKIT_CONFIG)"


def test_missing_folder_on_the_command_line(tmp_path):
    problem = only(load(methods=[tmp_path / "nope"]))
    assert (problem.message, problem.code) == ("no such folder", "folder")


def test_current_folder_is_read_unless_it_is_the_bundled_one(tmp_path, monkeypatch):
    write(tmp_path / "methods", "local-one.toml", rtb_as("local-one"))
    monkeypatch.chdir(tmp_path)
    library = load_library(config=False)
    assert "local-one" in library.methods
    assert ("current folder", "method", Path.cwd() / "methods") in library.sources
    monkeypatch.chdir(REPO)
    library = load_library(config=False)
    assert not any(level == "current folder" for level, _, _ in library.sources)


# ---------------------------------------------------------------- lookups


def test_resolve_plan_by_id_and_by_path(tmp_path, methods):
    sessions = tmp_path / "sessions"
    path = write(sessions, "test-day.toml", PLAN)
    library = load(methods=[methods], sessions=[sessions])
    assert resolve_plan(library, "test-day").title == "A test day"
    other = write(tmp_path / "loose", "loose-plan.toml", PLAN)
    plan = resolve_plan(library, str(other))
    assert plan.id == "loose-plan"
    assert library.plans["loose-plan"] is plan
    assert resolve_plan(library, path) is library.plans["test-day"]


def test_resolve_plan_errors(tmp_path, methods):
    sessions = tmp_path / "sessions"
    write(sessions, "test-day.toml", PLAN)
    write(sessions, "broken.toml", "title = 5\n")
    library = load(methods=[methods], sessions=[sessions])
    with pytest.raises(
        LibraryError, match=r"no plan called 'test-dya' \(did you mean 'test-day'\?\)"
    ):
        resolve_plan(library, "test-dya")
    with pytest.raises(
        LibraryError, match=r"no plan called 'zzz' \(known plans: broken, test-day\)"
    ):
        resolve_plan(library, "zzz")
    with pytest.raises(LibraryError) as excinfo:
        resolve_plan(library, "broken")
    assert "has problems" in excinfo.value.message
    assert any(p.field == "title" for p in excinfo.value.problems)
    with pytest.raises(LibraryError, match="no such file"):
        resolve_plan(library, str(tmp_path / "nope.toml"))
    bad = write(tmp_path / "x", "bad.toml", "title = \n")
    with pytest.raises(LibraryError) as excinfo:
        resolve_plan(library, str(bad))
    assert excinfo.value.problems[0].line == 1


def test_resolve_method(tmp_path, methods):
    library = load(methods=[methods])
    assert resolve_method(library, "rose-thorn-bud").name == "Rose, Thorn, Bud"
    with pytest.raises(LibraryError, match="did you mean 'rose-thorn-bud'"):
        resolve_method(library, "rose-thorn")


# ---------------------------------------------------------------- the bundled library


def test_bundled_library_checks_clean():
    methods_dir, sessions_dir = bundled_dirs()
    assert methods_dir.is_dir()
    library = load_library(config=False, cwd=False)
    assert library.problems == [], "\n".join(map(str, library.problems))
    files = sorted(methods_dir.glob("*.toml"))
    assert "rose-thorn-bud" in library.methods
    assert sorted(library.methods) == sorted(f.stem for f in files)
    assert sorted(library.plans) == sorted(f.stem for f in sessions_dir.glob("*.toml"))


# ---------------------------------------------------------------- the authoring guide


def _doc_block(heading: str) -> str:
    text = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    after = text.split(heading + "\n", 1)[1]
    return after.split("```toml\n", 1)[1].split("```\n", 1)[0]


def test_the_examples_in_the_authoring_guide_are_valid(tmp_path):
    methods_dir, sessions_dir = tmp_path / "methods", tmp_path / "sessions"
    write(methods_dir, "journey-walk.toml", _doc_block("## Complete example method"))
    write(methods_dir, "rose-thorn-bud.toml", RTB_TEXT)
    write(sessions_dir, "front-desk-review.toml", _doc_block("## Complete example plan"))
    library = load(methods=[methods_dir], sessions=[sessions_dir])
    assert library.problems == [], "\n".join(map(str, library.problems))
    method = library.methods["journey-walk"]
    assert {s.input.kind for s in method.steps} == {
        "notes",
        "canvas",
        "cluster",
        "vote",
        "rating",
        "discussion",
    }
    plan = library.plans["front-desk-review"]
    assert [len(day.agenda) for day in plan.days] == [4, 2]
    assert [item.kind for item in plan.days[0].agenda][:2] == ["talk", "method"]
    assert plan.days[0].agenda[-1].source == "walk.vote"


def test_bundled_dirs_prefer_the_copy_inside_an_installed_package(tmp_path, monkeypatch):
    import sessionkit

    package = tmp_path / "site-packages" / "sessionkit"
    write(package / "bundled" / "methods", "rose-thorn-bud.toml", RTB_TEXT)
    (package / "bundled" / "sessions").mkdir()
    monkeypatch.setattr(sessionkit, "__file__", str(package / "__init__.py"))
    assert bundled_dirs() == (package / "bundled" / "methods", package / "bundled" / "sessions")
    library = load_library(config=False, cwd=False)
    assert list(library.methods) == ["rose-thorn-bud"] and library.problems == []
    # without a bundled/ folder, the repository checkout's folders are used
    monkeypatch.setattr(sessionkit, "__file__", str(REPO / "src" / "sessionkit" / "__init__.py"))
    assert bundled_dirs() == (REPO / "methods", REPO / "sessions")


def test_quoted_numbers_and_booleans_are_wrong_types_not_guesses(tmp_path):
    text = swap(RTB_TEXT, "timebox = 5", 'timebox = "5"')
    text = swap(text, "private = true", 'private = "yes"')
    problems = {
        p.field: p.message for p in load(write(tmp_path, "rose-thorn-bud.toml", text)).problems
    }
    assert problems == {
        "steps[2].timebox": "expected an integer, got '5'",
        "steps[0].input.private": "expected true or false, got 'yes'",
    }
