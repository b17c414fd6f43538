"""`sessionkit check`, `methods`, `show` and `plan`, run through main()."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sessionkit.cli import build_parser, main
from sessionkit.library import bundled_dirs, load_library

REPO = Path(__file__).resolve().parents[1]
RTB_TEXT = (REPO / "methods" / "rose-thorn-bud.toml").read_text(encoding="utf-8")
ANSI = re.compile(r"\x1b\[")

PLAN = """\
title = "A test day"
facilitators = ["Sam"]

[[days]]
date = 2025-02-11
title = "The only day"
start = "09:30"
end = "11:00"

[[days.agenda]]
method = "rose-thorn-bud"

[[days.agenda]]
break = 15

[[days.agenda]]
method = "rose-thorn-bud"
title = "Again, longer"
minutes = 45
"""


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No user config, an empty current folder, wide plain output."""
    config = tmp_path / "config.toml"
    config.write_text("")
    monkeypatch.setenv("SESSIONKIT_CONFIG", str(config))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def swap(text: str, old: str, new: str) -> str:
    assert old in text, f"test fixture out of date: {old!r} not found"
    return text.replace(old, new, 1)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert not ANSI.search(out + err), "escape codes in piped output"
    return code, out, err


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.strip() == needle)


# ---------------------------------------------------------------- check


def test_check_the_whole_library(capsys):
    code, out, _ = run(capsys, "check")
    methods = len(list(bundled_dirs()[0].glob("*.toml")))
    plans = len(list(bundled_dirs()[1].glob("*.toml")))
    assert code == 0, out
    assert out.strip().splitlines()[-1] == (
        f"{methods} method{'s' * (methods != 1)} and {plans} plan{'s' * (plans != 1)}, no problems"
    )


def test_check_a_file_with_a_typo(capsys, tmp_path):
    text = swap(RTB_TEXT, "timebox = 8", "minuts = 8")
    path = write(tmp_path / "copy", "rose-thorn-bud.toml", text)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    expected = (
        f"copy/rose-thorn-bud.toml:{line_of(text, 'minuts = 8')}: steps[0].minuts: "
        "unknown key 'minuts' (did you mean 'timebox'?)"
    )
    assert expected in out.splitlines()
    assert out.strip().splitlines()[-1] == "2 problems in 1 file (1 method and 0 plans checked)"


def test_check_a_folder_reports_every_problem_and_counts(capsys, tmp_path):
    folder = tmp_path / "mixed"
    write(folder, "rose-thorn-bud.toml", RTB_TEXT)
    write(folder, "empty.toml", "")
    write(
        folder, "test-day.toml", swap(PLAN, 'method = "rose-thorn-bud"', 'method = "rose-thorn-bd"')
    )
    code, out, _ = run(capsys, "check", str(folder))
    assert code == 1
    lines = out.strip().splitlines()
    assert "mixed/empty.toml: is empty, expected TOML" in lines
    assert any(
        line.startswith("mixed/test-day.toml:")
        and "unknown method 'rose-thorn-bd' (did you mean 'rose-thorn-bud'?)" in line
        for line in lines
    )
    assert lines[-1] == "2 problems in 2 files (2 methods and 1 plan checked)"


def test_check_clean_files(capsys, tmp_path):
    folder = tmp_path / "good"
    write(folder, "rose-thorn-bud.toml", RTB_TEXT)
    write(folder, "test-day.toml", PLAN)
    code, out, _ = run(
        capsys, "check", str(folder / "rose-thorn-bud.toml"), str(folder / "test-day.toml")
    )
    assert (code, out.strip()) == (0, "1 method and 1 plan, no problems")


def test_check_a_missing_path(capsys, tmp_path):
    code, out, _ = run(capsys, "check", "nope.toml")
    assert code == 1
    assert "nope.toml: no such file or folder" in out


def test_check_with_methods_and_sessions_options(capsys, tmp_path):
    write(
        tmp_path / "m",
        "extra-method.toml",
        swap(RTB_TEXT, 'id = "rose-thorn-bud"', 'id = "extra-method"'),
    )
    write(
        tmp_path / "s",
        "test-day.toml",
        swap(PLAN, 'method = "rose-thorn-bud"', 'method = "extra-method"'),
    )
    code, out, _ = run(capsys, "check", "--methods", "m", "--sessions", "s")
    assert code == 0, out
    assert out.strip().endswith("no problems")
    code, out, _ = run(capsys, "check", "--sessions", "s")
    assert code == 1
    assert "unknown method 'extra-method'" in out


def test_check_overrun_is_a_problem(capsys, tmp_path):
    write(tmp_path / "s", "test-day.toml", swap(PLAN, 'end = "11:00"', 'end = "10:30"'))
    code, out, _ = run(capsys, "check", "s")
    assert code == 1
    assert "day 1 (2025-02-11) ends at 11:00, 30 min after its end time 10:30" in out


# ---------------------------------------------------------------- methods


def test_methods_table(capsys):
    code, out, _ = run(capsys, "methods")
    assert code == 0
    header = out.splitlines()[0].split()
    assert header == ["id", "name", "phase", "min", "people", "summary"]
    row = next(line for line in out.splitlines() if line.startswith("rose-thorn-bud "))
    assert re.search(
        r"rose-thorn-bud\s+Rose, Thorn, Bud\s+discover\s+30\s+3-40\s+Everyone notes", row
    )


def method_rows(out: str) -> dict[str, str]:
    """id -> phase for each row of the methods table (continuation lines start with a space)."""
    rows = {}
    for line in out.splitlines()[2:]:
        if line and not line.startswith(" "):
            cells = re.split(r"\s{2,}", line)
            rows[cells[0]] = cells[2]
    return rows


def test_methods_filters(capsys, tmp_path):
    code, out, _ = run(capsys, "methods")
    everything = method_rows(out)
    assert everything["rose-thorn-bud"] == "discover"
    code, out, _ = run(capsys, "methods", "--phase", "discover")
    discover = method_rows(out)
    assert code == 0 and "rose-thorn-bud" in discover
    assert set(discover.values()) == {"discover"}
    assert discover == {k: v for k, v in everything.items() if v == "discover"}
    code, out, _ = run(capsys, "methods", "--phase", "deliver", "--tag", "no-such-tag")
    assert (code, out.strip()) == (0, "no methods with phase 'deliver' and tag 'no-such-tag'")
    code, out, _ = run(capsys, "methods", "--tag", "prioritisation")
    assert "rose-thorn-bud" in method_rows(out)


def test_methods_phase_filter_keeps_only_that_phase(capsys, tmp_path):
    write(
        tmp_path / "m",
        "define-me.toml",
        swap(
            swap(RTB_TEXT, 'id = "rose-thorn-bud"', 'id = "define-me"'),
            'phase = "discover"',
            'phase = "define"',
        ),
    )
    _code, out, _ = run(capsys, "methods", "--methods", "m", "--phase", "define")
    assert "define-me" in out and "rose-thorn-bud" not in out


def test_methods_by_input_kind(capsys):
    code, out, _ = run(capsys, "methods", "--kind", "sort")
    assert code == 0
    library = load_library([], [], [], config=False, cwd=False)
    sorting = {
        m.id for m in library.methods.values() if any(s.input.kind == "sort" for s in m.steps)
    }
    assert {"min-specs", "triz"} <= sorting
    assert set(method_rows(out)) == sorting
    code, out, _ = run(capsys, "methods", "--kind", "Vote")  # any case
    rows = method_rows(out)
    assert {"rose-thorn-bud", "dot-voting", "what-so-what-now-what"} <= set(rows)
    assert "triz" not in rows
    code, out, _ = run(capsys, "methods", "--kind", "requests", "--phase", "reflect")
    assert code == 0


def test_methods_by_an_unknown_kind_lists_the_kinds(capsys):
    code, out, err = run(capsys, "methods", "--kind", "votes")
    assert (code, out) == (2, "")
    message = " ".join(err.split())
    assert message.startswith(
        "error: --kind: no input kind 'votes' (did you mean 'vote'?); the input kinds are: notes, "
    )
    for kind in (
        "canvas",
        "cluster",
        "vote",
        "rating",
        "discussion",
        "words",
        "questions",
        "actions",
        "sort",
        "rank",
        "requests",
    ):
        assert kind in message


@pytest.mark.parametrize("written", ["cc-by-sa-4.0", "CC BY-SA 4.0", "cc by-sa 4.0"])
def test_methods_by_licence_in_any_spelling(capsys, tmp_path, written):
    other = swap(
        swap(RTB_TEXT, 'id = "rose-thorn-bud"', 'id = "our-own"'),
        '[provenance]\ntext_origin = "original"\nlicence = "CC BY-SA 4.0"',
        '[provenance]\ntext_origin = "original"\nlicence = "MIT"',
    )
    write(tmp_path / "m", "our-own.toml", other)
    code, out, _ = run(capsys, "methods", "--methods", "m", "--licence", written)
    assert code == 0
    rows = method_rows(out)
    assert "rose-thorn-bud" in rows and "our-own" not in rows
    code, out, _ = run(capsys, "methods", "--methods", "m", "--licence", "mit")
    assert set(method_rows(out)) == {"our-own"}


def test_methods_by_a_licence_nobody_uses_lists_those_in_use(capsys):
    code, out, err = run(capsys, "methods", "--licence", "CC BY 4.0")
    assert (code, out) == (2, "")
    assert " ".join(err.split()) == (
        "error: --licence: no method's text is under 'CC BY 4.0' (did you mean 'CC BY-SA 4.0'?); "
        "the licences in use are: CC BY-SA 4.0"
    )


def test_methods_rejects_an_unknown_phase(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["methods", "--phase", "nope"])
    assert excinfo.value.code == 2


# ---------------------------------------------------------------- show


def test_show_a_method(capsys):
    code, out, _ = run(capsys, "show", "rose-thorn-bud")
    assert code == 0
    for expected in (
        "Rose, Thorn, Bud  (rose-thorn-bud)",
        "discover · 20-45 min (typical 30) · 3-40 people",
        "Purpose",
        "When to use",
        "When to avoid",
        "Materials",
        "Preparation",
        "Tips",
        "Variations",
        "Care",
        "Sources",
        "1. Write roses, thorns and buds  0-8 min (8 min, solo)",
        "2. Find the themes  8-20 min (12 min, whole group)",
        "Input: notes: up to 9 per person; private until revealed; anonymous; categories: Rose, Thorn, Bud",
        "Input: vote: 3 dots each, at most 2 per item, on the clusters of step 'group'",
        "Safeguarding:",
        "Licence: cite only",
        "{{topic}}",
    ):
        assert expected in out, expected


def test_show_puts_the_care_notes_first_safeguarding_and_accessibility_at_the_top(capsys):
    code, out, _ = run(capsys, "show", "1-2-4-all")
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    heads = [n for n, line in enumerate(lines) if line == "Care: read before the session"]
    assert len(heads) == 1
    order = [
        next(n for n, line in enumerate(lines) if line.startswith(label))
        for label in (
            "Care: read before the session",
            "- Safeguarding: ",
            "- Accessibility: ",
            "- Power dynamics: ",
            "- Lived experience: ",
            "Purpose",
            "Steps (",
            "Sources",
        )
    ]
    assert order == sorted(order), "care first, then the purpose, the steps and the sources"


def test_show_gives_each_source_its_licence_attribution_changes_and_link_status(capsys):
    code, out, _ = run(capsys, "show", "triz")
    assert code == 0
    sources = out[out.index("\nSources\n") :]
    flat = " ".join(sources.split())
    assert (
        "Making Space with TRIZ, Henri Lipmanowicz and Keith McCandless, Liberating Structures (adapted from)"
        in flat
    )
    assert (
        "Link: https://www.liberatingstructures.com/6-making-space-with-triz/ (link not confirmed)"
        in flat
    )
    assert "Licence: CC BY-SA 4.0, https://creativecommons.org/licenses/by-sa/4.0/" in flat
    assert (
        "Attribution: This work includes content from Liberating Structures Fieldbook (2026) by "
        "Keith McCandless and Nancy White, available at www.liberatingstructures.com. Licensed "
        "under CC BY-SA 4.0."
    ) in flat
    assert "Changes: What we changed: rewritten in our own words" in flat
    assert "Checked: 2 December 2026" in flat
    # a confirmed link carries no mark
    _code, out, _ = run(capsys, "show", "dot-voting")
    link = next(line for line in out.splitlines() if "Link: " in line)
    assert link.strip() == "Link: https://github.com/18F/methods/blob/main/_methods/dot-voting.md"


def test_show_marks_a_link_unconfirmed_unless_the_file_says_confirmed(capsys, tmp_path):
    text = swap(
        RTB_TEXT,
        'url = "https://www.luma-institute.com/about-luma/luma-system-explore-methods/"\nurl_status = "confirmed"',
        'url = "https://example.org/rose-thorn-bud"',
    )
    write(tmp_path / "methods", "rose-thorn-bud.toml", text)
    code, out, _ = run(capsys, "show", "rose-thorn-bud")
    assert code == 0
    assert "Link: https://example.org/rose-thorn-bud (link not confirmed)" in out


def test_show_never_parses_file_text_as_markup(capsys, tmp_path):
    tricky = "[bold]x[/bold] [@click=app.quit]y[/] unbalanced [/] [B]z[/B] :smile:"
    text = swap(RTB_TEXT, 'title = "Find the themes"', f'title = "{tricky}"')
    write(tmp_path / "methods", "rose-thorn-bud.toml", text)
    code, out, _ = run(capsys, "show", "rose-thorn-bud")
    assert code == 0
    assert tricky in out


def test_show_unknown_method(capsys):
    code, out, err = run(capsys, "show", "rose-thorn")
    assert code == 1 and out == ""
    assert "error: no method called 'rose-thorn' (did you mean 'rose-thorn-bud'?)" in err


def test_show_a_method_file_with_problems(capsys, tmp_path):
    path = write(tmp_path, "rose-thorn-bud.toml", swap(RTB_TEXT, "timebox = 8", "minuts = 8"))
    code, _out, err = run(capsys, "show", str(path))
    assert code == 1
    assert "is not a valid method" in err
    assert "unknown key 'minuts' (did you mean 'timebox'?)" in err


# ---------------------------------------------------------------- plan


def agenda_rows(out: str) -> list[list[str]]:
    return [
        line.split(None, 3)
        for line in out.splitlines()
        if re.match(r"\d\d:\d\d\s+\d\d:\d\d\s", line)
    ]


def test_plan_shows_clock_times_of_items_and_steps(capsys, tmp_path):
    write(tmp_path / "sessions", "test-day.toml", PLAN)
    code, out, err = run(capsys, "plan", "test-day")
    assert code == 0, err
    assert "A test day  (test-day)" in out
    assert "Day 1 · Tue 11 Feb 2025 · The only day · 09:30-11:00 (1 h 30 min available)" in out
    rows = [(r[0], r[1], r[2], r[3].split("  ")[0].strip(" -")) for r in agenda_rows(out)]
    assert rows == [
        ("09:30", "10:00", "30", "Rose, Thorn, Bud (rose-thorn-bud)"),
        ("09:30", "09:38", "8", "Write roses, thorns and buds"),
        ("09:38", "09:50", "12", "Find the themes"),
        ("09:50", "09:55", "5", "Vote on what matters most"),
        ("09:55", "10:00", "5", "Talk about the top themes"),
        ("10:00", "10:15", "15", "Break"),
        ("10:15", "11:00", "45", "Again, longer (rose-thorn-bud)"),
        ("10:15", "10:27", "12", "Write roses, thorns and buds"),
        ("10:27", "10:45", "18", "Find the themes"),
        ("10:45", "10:53", "8", "Vote on what matters most"),
        ("10:53", "11:00", "7", "Talk about the top themes"),
    ]
    assert "steps scaled from 30 min" in out
    assert "Planned 1 h 30 min of 1 h 30 min; 0 min spare" in out
    assert "Warning" not in out


def test_plan_overrun_is_a_warning(capsys, tmp_path):
    write(tmp_path / "sessions", "test-day.toml", swap(PLAN, 'end = "11:00"', 'end = "10:45"'))
    code, out, _err = run(capsys, "plan", "test-day")
    assert code == 0
    assert "Warning: day 1 (2025-02-11) ends at 11:00, 15 min after its end time 10:45" in out
    assert "Planned 1 h 30 min of 1 h 15 min; 15 min over" in out


def test_plan_by_path_with_an_unknown_method(capsys, tmp_path):
    path = write(
        tmp_path / "loose",
        "my-plan.toml",
        swap(PLAN, 'method = "rose-thorn-bud"', 'method = "rose-thorn-bd"'),
    )
    code, out, err = run(capsys, "plan", str(path))
    assert code == 1
    assert "[unknown method]" in out
    assert "unknown method 'rose-thorn-bd' (did you mean 'rose-thorn-bud'?)" in err


def test_plan_with_a_mismatched_id_still_lays_out_but_fails(capsys, tmp_path):
    write(tmp_path / "sessions", "test-day.toml", 'id = "other-day"\n' + PLAN)
    code, out, err = run(capsys, "plan", "test-day")
    assert code == 1
    assert "09:30  10:00   30  Rose, Thorn, Bud (rose-thorn-bud)" in out
    assert "id 'other-day' does not match the file name 'test-day.toml'" in err


def test_plan_unknown(capsys):
    code, out, err = run(capsys, "plan", "no-such-plan")
    assert code == 1 and out == ""
    assert "error: no plan called 'no-such-plan'" in err


@pytest.mark.parametrize("plan_id", sorted(p.stem for p in bundled_dirs()[1].glob("*.toml")))
def test_every_bundled_plan_lays_out(capsys, plan_id):
    code, out, err = run(capsys, "plan", plan_id)
    assert code == 0, err
    assert "Day 1" in out and "Planned" in out


# ---------------------------------------------------------------- options


@pytest.mark.parametrize("command", [["check"], ["methods"], ["show", "x"], ["plan", "x"]])
def test_library_options_are_repeatable(command):
    args = build_parser().parse_args(
        [*command, "--methods", "a", "--methods", "b", "--sessions", "c"]
    )
    assert args.methods == [Path("a"), Path("b")]
    assert args.sessions == [Path("c")]


def test_plan_alone_lists_the_plans_to_choose_from(capsys):
    """`sessionkit run` with no plan points at `sessionkit plan`, which must then list them."""
    code, out, _ = run(capsys, "plan")
    assert code == 0
    assert "unpicking-the-knot" in out and "sessionkit plan PLAN" in out


@pytest.mark.parametrize("columns", [80, 100, 150, 200])
def test_methods_never_cuts_the_id_and_fits_the_terminal(capsys, monkeypatch, columns):
    """The id is what people type next (`sessionkit show ID`): whole at every width; the
    summary gives way, with an ellipsis, and no line is wider than the terminal."""
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, _ = run(capsys, "methods")
    assert code == 0
    rows = [line for line in out.splitlines() if line and not line.startswith(("id ", "─", " "))]
    ids = {line.split()[0] for line in rows}
    assert "pressures-and-priorities" in ids and not any(i.endswith("…") for i in ids)
    assert max(len(line.rstrip()) for line in out.splitlines()) <= columns
