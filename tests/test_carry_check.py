"""``sessionkit check`` on a plan's ``from``, ``top``, ``cluster``, ``into``,
``variation``, talk items and variables in labels: each problem located (file, line,
field) and worded for the author."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sessionkit.core.agenda import time_plan
from sessionkit.library import load_library

REPO = Path(__file__).resolve().parents[1]

PLAN = """\
title = "Carrying"
join_roles = ["Social work", "Health"]  # seeing-the-knot mixes its listening groups by role

[[days]]
start = "09:00"
end = "17:00"

[[days.agenda]]
id = "themes"
method = "rose-thorn-bud"

[[days.agenda]]
break = 10

[[days.agenda]]
talk = "Why we vote"
minutes = 10
notes = "Two slides."

[[days.agenda]]
method = "dot-voting"
from = "themes.group"
"""


@pytest.fixture
def methods(tmp_path) -> Path:
    folder = tmp_path / "methods"
    folder.mkdir()
    for name in ("rose-thorn-bud", "dot-voting", "seeing-the-knot"):
        shutil.copy(REPO / "methods" / f"{name}.toml", folder)
    return folder


def check(tmp_path: Path, methods: Path, text: str):
    sessions = tmp_path / "sessions"
    sessions.mkdir(exist_ok=True)
    (sessions / "carrying.toml").write_text(text, encoding="utf-8")
    library = load_library([methods], [sessions], config=False, bundled=False, cwd=False)
    return library


def line_of(text: str, needle: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == needle]
    assert hits, f"{needle!r} not in fixture"
    return hits[0]


def one_problem(library):
    assert len(library.problems) == 1, "\n".join(map(str, library.problems))
    return library.problems[0]


def swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_a_good_plan_has_no_problems_and_resolves_the_carry(tmp_path, methods):
    library = check(tmp_path, methods, PLAN)
    assert library.problems == []
    items = time_plan(library.plans["carrying"], library.methods).items
    carry = items[3].carry
    assert carry is not None
    assert (carry.source, carry.step, carry.into) == (0, 1, 2)  # themes.group -> vote
    assert items[2].kind == "talk" and items[2].title == "Why we vote"
    assert items[2].minutes == 10 and items[2].steps == ()


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (
            'from = "themez.group"',
            "from",
            "no agenda item is called 'themez' (earlier items: 'themes')",
        ),
        (
            'from = "themes.grop"',
            "from",
            "method 'rose-thorn-bud' (item #1) has no step 'grop' "
            "(its steps: write, group, vote, discuss)",
        ),
        (
            'from = "themes.discuss"',
            "from",
            "step 'discuss' of 'rose-thorn-bud' (item #1) is a discussion step: it collects "
            "nothing to work on (steps with items: write, group, vote)",
        ),
        ('from = "#2"', "from", "item #2 is a break: it collects nothing to carry forward"),
        ('from = "#3"', "from", "item #3 is a talk: it collects nothing to carry forward"),
        ('from = "#9"', "from", "there is no agenda item #9 (the plan has 4 items)"),
        (
            'from = "#4"',
            "from",
            "item #4 comes here: items can only be carried forward from an earlier item "
            "(this is #4)",
        ),
    ],
)
def test_a_bad_from_is_reported_with_file_line_and_field(tmp_path, methods, line, field, message):
    text = swap(PLAN, 'from = "themes.group"', line)
    problem = one_problem(check(tmp_path, methods, text))
    assert problem.file.name == "carrying.toml"
    assert problem.line == line_of(text, line)
    assert problem.field == f"days[0].agenda[3].{field}"
    assert problem.message == message
    assert problem.code == "from"


def test_a_from_naming_a_later_item(tmp_path, methods):
    text = swap(
        PLAN, 'id = "themes"\nmethod = "rose-thorn-bud"', 'method = "dot-voting"\nfrom = "later"'
    )
    text += '\n[[days.agenda]]\nid = "later"\nmethod = "rose-thorn-bud"\n'
    library = check(tmp_path, methods, swap(text, 'from = "themes.group"', 'from = "#1"'))
    messages = {(p.field, p.message) for p in library.problems}
    assert (
        "days[0].agenda[0].from",
        "item #5 comes later in the agenda: items can only be carried forward from an "
        "earlier item (this is #1)",
    ) in messages


def test_a_method_used_twice_must_be_named(tmp_path, methods):
    text = swap(PLAN, 'id = "themes"\n', "")
    text = swap(text, "[[days.agenda]]\nbreak = 10", '[[days.agenda]]\nmethod = "rose-thorn-bud"')
    text = swap(text, 'from = "themes.group"', 'from = "rose-thorn-bud.group"')
    problem = one_problem(check(tmp_path, methods, text))
    assert problem.message == (
        "'rose-thorn-bud' runs 2 times in this plan (#1, #2): give the one you mean an "
        'id = "..." or write its number, like "#1"'
    )
    fixed = swap(text, 'from = "rose-thorn-bud.group"', 'from = "#2.group"')
    assert check(tmp_path, methods, fixed).problems == []


def test_two_items_with_one_id(tmp_path, methods):
    text = swap(
        PLAN,
        "[[days.agenda]]\nbreak = 10",
        '[[days.agenda]]\nid = "themes"\nmethod = "rose-thorn-bud"',
    )
    library = check(tmp_path, methods, text)
    problem = next(p for p in library.problems if p.code == "duplicate")
    assert (problem.field, problem.line) == ("days[0].agenda[1].id", 13)
    assert problem.message == "two agenda items have the id 'themes'"


def test_top_on_a_source_nobody_votes_on(tmp_path, methods):
    text = swap(PLAN, 'from = "themes.group"', 'from = "themes.write"\ntop = 3')
    problem = one_problem(check(tmp_path, methods, text))
    assert (problem.field, problem.line) == ("days[0].agenda[3].top", line_of(text, "top = 3"))
    assert problem.message == (
        "top ranks items by their dots, but no step of 'rose-thorn-bud' votes on step 'write'"
    )
    # on the clusters the method does vote on, or on its vote step: fine
    for source in ('"themes.group"', '"themes.vote"', '"themes"'):
        good = swap(PLAN, 'from = "themes.group"', f"from = {source}\ntop = 3")
        assert check(tmp_path, methods, good).problems == [], source


def test_cluster_on_a_source_that_makes_no_clusters(tmp_path, methods):
    text = swap(PLAN, 'from = "themes.group"', 'from = "themes.write"\ncluster = "Roses"')
    problem = one_problem(check(tmp_path, methods, text))
    assert problem.field == "days[0].agenda[3].cluster"
    assert problem.line == line_of(text, 'cluster = "Roses"')
    assert problem.message == (
        "cluster picks the notes of one cluster, but step 'write' of 'rose-thorn-bud' makes "
        "no clusters (it is a notes step)"
    )


def test_from_on_a_method_without_a_vote_step(tmp_path, methods):
    text = swap(
        PLAN,
        'method = "dot-voting"\nfrom = "themes.group"',
        'method = "seeing-the-knot"\nfrom = "themes"',
    )
    problem = one_problem(check(tmp_path, methods, text))
    assert problem.field == "days[0].agenda[3].from"
    assert problem.message == (
        "method 'seeing-the-knot' has no vote, sort or rank step, so nothing can work on carried items"
    )


def test_into_a_step_that_cannot_take_items(tmp_path, methods):
    text = swap(PLAN, 'from = "themes.group"', 'from = "themes.group"\ninto = "options"')
    problem = one_problem(check(tmp_path, methods, text))
    assert (problem.field, problem.line) == (
        "days[0].agenda[3].into",
        line_of(text, 'into = "options"'),
    )
    assert (
        problem.message
        == "step 'options' is a notes step: only a vote, sort or rank step can take items"
    )
    text = swap(PLAN, 'from = "themes.group"', 'from = "themes.group"\ninto = "vot"')
    assert one_problem(check(tmp_path, methods, text)).message == (
        "method 'dot-voting' has no step 'vot' (its steps: options, clarify, vote, talk)"
    )


def test_an_unknown_variation(tmp_path, methods):
    text = swap(PLAN, 'from = "themes.group"', 'from = "themes.group"\nvariation = "Three colours"')
    problem = one_problem(check(tmp_path, methods, text))
    assert (problem.field, problem.code) == ("days[0].agenda[3].variation", "variation")
    assert problem.line == line_of(text, 'variation = "Three colours"')
    assert problem.message == (
        "method 'dot-voting' has no variation 'Three colours' "
        "(its variations: 'Vote on themes', 'Two colours')"
    )
    good = swap(PLAN, 'from = "themes.group"', 'from = "themes.group"\nvariation = "Two colours"')
    assert check(tmp_path, methods, good).problems == []


def test_a_talk_item_without_minutes_or_with_method_keys(tmp_path, methods):
    text = swap(PLAN, "minutes = 10\nnotes", "notes")
    problem = one_problem(check(tmp_path, methods, text))
    assert problem.field == "days[0].agenda[2]"
    assert "a talk item needs minutes = MINUTES" in problem.message
    text = swap(PLAN, 'talk = "Why we vote"', 'talk = "Why we vote"\nfrom = "themes"')
    problem = one_problem(check(tmp_path, methods, text))
    assert "from only applies to a method item" in problem.message


def test_labels_may_use_the_methods_variables(tmp_path, methods):
    text = swap(
        PLAN,
        'method = "dot-voting"\nfrom = "themes.group"',
        'method = "seeing-the-knot"\nvariables = { other_roles = "Housing" }',
    )
    library = check(tmp_path, methods, text)
    assert library.problems == []
    items = time_plan(library.plans["carrying"], library.methods).items
    regions = items[3].method.steps[0].input.regions  # type: ignore[union-attr]
    assert regions[-1].label == "Housing"
    assert library.methods["seeing-the-knot"].steps[0].input.regions[-1].label == "{{other_roles}}"


def test_a_label_naming_an_undeclared_variable(tmp_path, methods):
    path = methods / "seeing-the-knot.toml"
    text = path.read_text(encoding="utf-8").replace(
        'label = "{{other_roles}}"', 'label = "{{others}}"', 1
    )
    path.write_text(text, encoding="utf-8")
    library = load_library([methods], [], config=False, bundled=False, cwd=False)
    problem = one_problem(library)
    assert problem.field.endswith(".input.regions[5].label")
    assert problem.line == line_of(text, 'label = "{{others}}"')
    assert "uses {{others}} but the method declares no variable 'others'" in problem.message


def test_the_bundled_plans_carry_items_forward(tmp_path):
    library = load_library(config=False, cwd=False)
    assert library.problems == []
    carried = {}
    for key, plan in library.plans.items():
        items = time_plan(plan, library.methods).items
        carried[key] = [
            (item.title, items[item.carry.source].title) for item in items if item.carry
        ]
    assert carried["unpicking-the-knot"] == [("Choose the thread", "Finding a thread to pull")]
    assert carried["outcomes-framework-co-design"] == [
        ("How we would know", "Outcomes co-design"),
        ("Min Specs for the framework", "How to write the worst framework"),
    ]
    assert carried["service-design-for-public-services"] == [("Prioritisation Matrix", "Crazy 8s")]
    talks = [
        item.title
        for item in time_plan(
            library.plans["service-design-for-public-services"], library.methods
        ).items
        if item.kind == "talk"
    ]
    assert talks == [
        "What is service design?",
        "Empathy and assumptions",
        "Research with people who use services",
        "From insights to a question",
        "Front stage, back stage and the line of visibility",
        "Prototyping and testing",
        "Human Learning Systems",
    ]


def test_a_variable_naming_a_region_cannot_be_empty(tmp_path, methods):
    text = swap(
        PLAN,
        'method = "dot-voting"\nfrom = "themes.group"',
        'method = "seeing-the-knot"\nvariables = { other_roles = "" }',
    )
    problem = one_problem(check(tmp_path, methods, text))
    assert problem.field == "days[0].agenda[3].variables.other_roles"
    assert problem.message == (
        "'other_roles' names a region or category of 'seeing-the-knot', so it cannot be empty"
    )


def test_every_bundled_plan_ends_with_agreed_actions() -> None:
    """A workshop that ends without what, who and by when leaves its ideas on the wall."""
    from sessionkit.library import load_library

    library = load_library((), ())
    assert len(library.plans) == 4
    for plan in library.plans.values():
        methods = [item.method for day in plan.days for item in day.agenda if item.method]
        assert "agree-actions" in methods[-2:], plan.id
