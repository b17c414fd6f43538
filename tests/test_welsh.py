"""Welsh in methods, the catalogue, `check`'s list and `--language` (no browser)."""

from __future__ import annotations

import copy
import re
import tomllib
from importlib import resources

import pytest

from sessionkit.cli import build_parser, main
from sessionkit.cli.check import welsh_lines
from sessionkit.core.engine import Engine
from sessionkit.core.language import parse_language, welsh_gaps
from sessionkit.core.method import Method, method_problems
from sessionkit.core.plan import Plan
from sessionkit.library import bundled_dirs, load_library
from sessionkit.web.pages import phone_page, welsh_catalogue
from sessionkit.web.room import room_keys, room_page
from sessionkit.web.strings import phone_keys
from sessionkit.web.views import Views
from test_web import METHOD, PLAN, MemoryJournal

PLAN_METHODS = sorted(
    {
        item["method"]
        for path in bundled_dirs()[1].glob("*.toml")
        for day in tomllib.loads(path.read_text(encoding="utf-8"))["days"]
        for item in day["agenda"]
        if "method" in item
    }
)


def test_every_string_the_phone_page_looks_up_has_welsh():
    catalogue = welsh_catalogue()
    missing = sorted(phone_keys() - set(catalogue))
    assert missing == []
    # A placeholder in the English is in the Welsh too (a value is never lost).
    for key in phone_keys():
        for name in ("{n}", "{text}", "{title}", "{value}", "{group}", "{time}", "{status}"):
            assert (name in key) == (name in catalogue[key]), (key, catalogue[key])


def test_every_string_the_room_page_looks_up_has_welsh_with_its_placeholders():
    catalogue = welsh_catalogue()
    keys = room_keys()
    assert {"Starting soon", "Time is up", "{people} of {of} have voted"} <= keys
    assert "{n} dot each" not in keys  # the keys are whole sentences, as written
    assert sorted(keys - set(catalogue)) == []
    for key in keys:
        for name in ("{n}", "{people}", "{of}", "{team}", "{time}", "{group}", "{title}"):
            assert (name in key) == (name in catalogue[key]), (key, catalogue[key])


def test_the_room_page_carries_the_run_language_and_the_catalogue_as_data():
    page, headers = room_page("Workshop", language="cy+en")
    assert '<html lang="cy" data-language="cy+en">' in page
    block = page.split('id="strings-cy">', 1)[1].split("</script>", 1)[0]
    assert "</" not in block and '"Starting soon": "Yn dechrau cyn bo hir"' in block
    # The data block is not a script: the policy allows only the page's one script.
    assert headers["Content-Security-Policy"].count("sha256-") == 2  # room.js, room.css
    english, _ = room_page("Workshop")
    assert '<html lang="en">' in english


def test_the_catalogue_says_it_is_a_draft_to_be_checked():
    page, _ = phone_page("Workshop", language="cy")
    assert "fluent Welsh speaker" not in page  # the note stays in the file, not the page
    from importlib import resources

    raw = (resources.files("sessionkit.web") / "static" / "strings" / "cy.json").read_text()
    assert "DRAFT" in raw and "fluent Welsh speaker" in raw


def test_the_page_carries_the_run_language_and_no_closing_tag_from_the_catalogue():
    page, _ = phone_page("Workshop", language="cy+en")
    assert '<html lang="cy" data-language="cy+en">' in page
    block = page.split('id="strings-cy">', 1)[1].split("</script>", 1)[0]
    assert "</" not in block
    english, _ = phone_page("Workshop")
    assert '<html lang="en">' in english


def test_every_step_of_the_plans_methods_has_a_welsh_title_and_prompt():
    library = load_library()
    lacking = []
    for key in PLAN_METHODS:
        for gap in welsh_gaps(library.methods[key]):
            if gap[-1] in ("title", "prompt") and len(gap) == 3:
                lacking.append((key, gap))
    assert len(PLAN_METHODS) >= 29 and lacking == []


def welsh_step_method() -> dict:
    data = copy.deepcopy(METHOD)
    data["steps"][0]["cy"] = {"title": "Ysgrifennu", "prompt": "Beth am {{topic}}?"}
    return data


def test_a_welsh_prompt_names_only_declared_variables():
    method = Method.model_validate(welsh_step_method())
    problems = method_problems(method)
    assert [(path, msg) for path, msg in problems if "topic" in msg] == [
        (
            ("steps", 0, "cy", "prompt"),
            "uses {{topic}} but the method declares no variable 'topic' "
            "(add a [variables.topic] table)",
        )
    ]


def test_a_welsh_list_must_match_its_english_one():
    data = copy.deepcopy(METHOD)
    data["steps"][2]["input"]["labels"] = ["a", "b", "c", "d", "e"]
    data["steps"][2]["input"]["cy"] = {"labels": ["un", "dau"]}
    problems = method_problems(Method.model_validate(data))
    assert any(path == ("steps", 2, "input", "cy", "labels") for path, _ in problems)


def test_the_phone_view_carries_the_welsh_beside_the_english():
    data = welsh_step_method()
    data["variables"] = {"topic": {"description": "t", "default": "y gwaith"}}
    data["steps"][0]["input"]["categories"][0]["cy"] = {"label": "Rhosyn"}
    engine = Engine(
        Plan.model_validate(PLAN), {"retro": Method.model_validate(data)}, journal=MemoryJournal()
    )
    from sessionkit.core import commands as c

    engine.execute(c.StartSession())
    public = Views(engine).build_public()
    assert public["step"]["title"] == "Write"  # the English is unchanged
    assert public["step"]["cy"] == {"title": "Ysgrifennu", "prompt": "Beth am y gwaith?"}
    rose, thorn = public["input"]["categories"]
    assert rose["cy"] == {"label": "Rhosyn", "hint": ""} and "cy" not in thorn


def test_check_says_every_bundled_method_has_welsh(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("Welsh:"))
    library = load_library()
    assert sorted(k for k, m in library.methods.items() if welsh_gaps(m)) == []
    assert line == "Welsh: every bundled method has Welsh for its participants' texts"
    assert out.strip().splitlines()[-1].endswith("no problems")


def test_check_lists_a_bundled_method_that_lacks_welsh():
    """A bundled method whose step lost its Welsh prompt is listed, with how many texts."""
    library = load_library()
    five_whys = library.methods["five-whys"]
    steps = list(five_whys.steps)
    steps[0] = steps[0].model_copy(update={"cy": None})
    library.methods["five-whys"] = five_whys.model_copy(update={"steps": steps})
    line = welsh_lines(library)[0].plain
    assert line.startswith("Welsh: 1 bundled method lacks Welsh ")
    assert "five-whys (2 texts)" in line
    # Two: "lack" (a rank criterion's label counts, like a category's).
    matrix = library.methods["prioritisation-matrix"]
    steps = list(matrix.steps)
    spec = steps[2].input
    criteria = [crit.model_copy(update={"cy": None}) for crit in spec.criteria]
    steps[2] = steps[2].model_copy(update={"input": spec.model_copy(update={"criteria": criteria})})
    library.methods["prioritisation-matrix"] = matrix.model_copy(update={"steps": steps})
    line = welsh_lines(library)[0].plain
    assert line.startswith("Welsh: 2 bundled methods lack Welsh ")
    assert "prioritisation-matrix (2 texts)" in line


@pytest.mark.parametrize("given, wanted", [("cy", "cy"), ("EN", "en"), ("cy+en", "cy+en")])
def test_language_option_accepts_the_three_languages(given, wanted):
    args = build_parser().parse_args(["run", "some-plan", "--language", given])
    assert args.language == wanted
    assert parse_language(given) == wanted


def test_language_option_refuses_others_with_a_clear_message(capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["run", "some-plan", "--language", "fr"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--language" in err and "'fr' is not a language" in err
    assert "cy (Cymraeg), en (English) or cy+en" in err


SHOWN_LITERAL = [
    re.compile(r'\b(?:el|say)\([^,()\n]*,[^,()\n]*,\s*"([^"\n]*[A-Za-z]{2}[^"\n]*)"'),
    re.compile(r'\.(?:textContent|placeholder|title)\s*=\s*"([^"\n]*[A-Za-z]{2}[^"\n]*)"'),
    re.compile(
        r'setAttribute\("(?:aria-label|title|placeholder)",\s*"([^"\n]*[A-Za-z]{2}[^"\n]*)"'
    ),
    re.compile(r'\b(?:showAlert|announce)\("([^"\n]*[A-Za-z]{2}[^"\n]*)"'),
]
"""Where the phone script puts a string literal on the screen without t(): a new
screen's English would reach a Welsh page untranslated."""


def test_the_phone_script_puts_no_english_on_screen_without_looking_it_up():
    js = (resources.files("sessionkit.web") / "static" / "app.js").read_text(encoding="utf-8")
    shown = sorted({m.group(1) for pattern in SHOWN_LITERAL for m in pattern.finditer(js)})
    assert shown == []
