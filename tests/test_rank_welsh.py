"""A rank step's criteria in Welsh (``cy.label``, ``cy.low_label``, ``cy.high_label`` on
each ``[[steps.input.criteria]]``, as a category carries ``cy.label``): loaded from a
method's TOML, sent to phones beside the English, shown in the phone's language; the
criterion's id stays what a phone sends. Participants' items are never translated."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from factories import make_engine, make_method, make_plan, step
from helpers.phones import CHROMIUM, phone_room
from sessionkit.core import commands as c
from sessionkit.core.language import welsh_gaps
from sessionkit.library import load_library
from sessionkit.web import create_app
from sessionkit.web.views import Views
from test_web import fast_limits

TOKEN = "rank-welsh-token-42"
IMPACT = {
    "id": "impact",
    "label": "Impact",
    "low_label": "little",
    "high_label": "a lot",
    "cy": {"label": "Effaith", "low_label": "ychydig", "high_label": "llawer"},
}
EFFORT = {"id": "effort", "label": "Effort"}  # no Welsh: the English is shown
OWN_TEXT = "Impact"
"""A participant's idea that is also a criterion's English label: never translated."""

METHOD_TOML = """id = "judge"
name = "Judge"
summary = "s"
purpose = "p"
phase = "define"
[duration]
min = 10
typical = 10
max = 10
[group_size]
min = 1
max = 9
[[steps]]
id = "list"
title = "L"
prompt = "p"
timebox = 5
[steps.input]
kind = "notes"
[[steps]]
id = "judge"
title = "J"
prompt = "p"
timebox = 5
[steps.input]
kind = "rank"
target_step = "list"
mode = "score"
[[steps.input.criteria]]
id = "impact"
label = "Impact"
low_label = "little"
high_label = "a lot"
cy.label = "Effaith"
cy.low_label = "ychydig"
cy.high_label = "llawer"
"""


def test_a_methods_criteria_carry_welsh_from_its_toml(tmp_path: Path) -> None:
    (tmp_path / "judge.toml").write_text(METHOD_TOML)
    library = load_library(paths=[tmp_path], config=False, bundled=False, cwd=False)
    assert library.problems == []
    [criterion] = library.methods["judge"].steps[1].input.criteria
    assert criterion.label == "Impact" and criterion.id == "impact"  # the English as before
    assert criterion.cy is not None
    assert (criterion.cy.label, criterion.cy.low_label, criterion.cy.high_label) == (
        "Effaith",
        "ychydig",
        "llawer",
    )
    assert welsh_gaps(library.methods["judge"]) == [
        ("steps", 0, "title"),
        ("steps", 0, "prompt"),
        ("steps", 1, "title"),
        ("steps", 1, "prompt"),
    ]


def test_a_misspelt_welsh_key_on_a_criterion_is_named_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "judge.toml").write_text(METHOD_TOML.replace("cy.low_label", "cy.low_lable"))
    library = load_library(paths=[tmp_path], config=False, bundled=False, cwd=False)
    [problem] = library.problems
    assert problem.file.name == "judge.toml"
    assert problem.field == "steps[1].input.criteria[0].cy.low_lable"
    assert problem.line == METHOD_TOML.splitlines().index('cy.low_label = "ychydig"') + 1


def test_a_criterion_without_welsh_is_a_gap_and_the_bundled_ones_have_it() -> None:
    method = make_method(
        "choose",
        [
            step("ideas", {"kind": "notes"}),
            step(
                "score",
                {"kind": "rank", "target_step": "ideas", "mode": "score", "criteria": [IMPACT]},
            ),
        ],
    )
    assert ("steps", 1, "input", "criteria", 0, "label") not in welsh_gaps(method)
    bare = make_method(
        "bare",
        [
            step("ideas", {"kind": "notes"}),
            step(
                "score",
                {"kind": "rank", "target_step": "ideas", "mode": "score", "criteria": [EFFORT]},
            ),
        ],
    )
    assert ("steps", 1, "input", "criteria", 0, "label") in welsh_gaps(bare)
    bundled = load_library(config=False, cwd=False).methods
    for key in ("prioritisation-matrix", "25-10-crowd-sourcing"):
        criteria = [crit for s in bundled[key].steps for crit in getattr(s.input, "criteria", [])]
        assert criteria and all(crit.cy and crit.cy.label for crit in criteria), key


def scoring_engine():
    method = make_method(
        "choose",
        [
            step("ideas", {"kind": "notes"}),
            step(
                "score",
                {
                    "kind": "rank",
                    "target_step": "ideas",
                    "mode": "score",
                    "criteria": [IMPACT, EFFORT],
                },
            ),
        ],
    )
    engine = make_engine(make_plan([{"method": "choose"}]), {method.id: method})
    engine.execute(c.StartSession())
    engine.execute(c.AddNote(text=OWN_TEXT))
    engine.execute(c.NextStep())
    return engine


def test_the_phone_view_sends_each_criterions_welsh_beside_its_english() -> None:
    public = Views(scoring_engine()).build_public()
    impact, effort = public["input"]["criteria"]
    assert impact["label"] == "Impact" and impact["id"] == "impact"
    assert impact["cy"] == {"label": "Effaith", "low_label": "ychydig", "high_label": "llawer"}
    assert effort["cy"] is None


browser = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM),
    reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package to run browser tests)",
)
pytest.importorskip(
    "playwright.async_api", reason="playwright (Python) is not installed: pip install playwright"
)


@browser
@pytest.mark.parametrize("language", ["cy", "cy+en", "en"])
async def test_the_phone_shows_the_criteria_in_its_language(language: str) -> None:
    engine = scoring_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits(), language=language)
    async with phone_room(app, TOKEN) as room:
        expect = room.expect
        page = await room.join("Ann")
        labels = page.locator("#score-items .score-line label")
        await expect(labels).to_have_count(2)
        impact, effort = labels.nth(0), labels.nth(1)
        options = page.locator("#score-items select").first.locator("option")
        if language == "cy":
            await expect(impact).to_have_text("Effaith")
            await expect(options.nth(1)).to_have_text("1 — ychydig")
            await expect(options.nth(5)).to_have_text("5 — llawer")
        elif language == "cy+en":
            await expect(impact.locator("[lang=cy]")).to_have_text("Effaith")
            await expect(impact.locator("[lang=en]")).to_have_text("Impact")
            await expect(options.nth(1)).to_have_text("1 — ychydig / little")
        else:
            await expect(impact).to_have_text("Impact")
            await expect(options.nth(1)).to_have_text("1 — little")
        await expect(effort).to_have_text("Effort")  # no Welsh: its English, once
        # The idea being scored is the participant's, as written.
        await expect(page.locator("#score-items .text")).to_have_text([OWN_TEXT])
        # Scoring still sends the criterion's id: the results are the same in any language.
        await page.locator("#score-items select").first.select_option("4")
        await room.expect(page.locator("#score-items select").first).to_have_value("4")
    assert room.problems == []
    [(_scorer, given)] = engine.state.scores["0.1"].items()
    assert list(given.values()) == [{"impact": 4}]
