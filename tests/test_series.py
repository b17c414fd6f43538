"""Series of runs: the knot workshop, then its follow-up in the same series, whose review
step carries in the knot's open actions; every status change journalled; the series
export (Markdown, HTML, CSV, iCalendar); and the bad input the issue lists."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import httpx
import icalendar
import pytest

from helpers.waiting import until
from sessionkit import store
from sessionkit.cli import main
from sessionkit.core import commands as c
from sessionkit.core.state import NEWCOMER
from sessionkit.export.series import series_files
from sessionkit.library import load_library, resolve_plan
from sessionkit.store.series import all_series, carry_in, open_series
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.modals import Picker, TextPrompt
from sessionkit.tui.widgets.board import Board
from sessionkit.web import create_app

FOLLOW_UP = Path(__file__).parent / "series_plans" / "knot-follow-up-stand-in.toml"
ACTIONS = (
    ("Call the housing team about joint referrals", "Sam", "2026-03-02"),
    ("Draft a shared referral form", "Priya", "2026-03-16"),
    ("Book a room for the next get-together", None, None),
)


@pytest.fixture(scope="module")
def library():
    return load_library()


def _item(engine, method_id: str) -> int:
    return next(i for i, it in enumerate(engine.items) if it.method and it.method.id == method_id)


def run_knot(records: Path, library, series: str = "knot-2026") -> store.Run:
    """The knot workshop: a note on the first step, three actions agreed at the end."""
    plan = resolve_plan(library, "unpicking-the-knot")
    run = carry_in(store.create_run(records, plan, library.timing_methods(), series=series))
    engine = run.engine
    engine.execute(c.StartSession())
    agree = _item(engine, "agree-actions")
    engine.execute(c.GoTo(item=agree, step=0))
    note = engine.execute(c.AddNote(text="Referrals get lost between teams")).data["note"]
    engine.execute(c.GoTo(item=agree, step=1))
    for n, (what, who, due) in enumerate(ACTIONS):
        engine.execute(c.AddAction(what=what, who=who, due=due, source=note if n == 0 else None))
    engine.execute(c.EndSession())
    run.close()
    return run


def start_follow_up(records: Path, library, series: str = "knot-2026") -> store.Run:
    plan = resolve_plan(library, str(FOLLOW_UP))
    run = carry_in(store.create_run(records, plan, library.timing_methods(), series=series))
    run.engine.execute(c.StartSession())
    run.engine.execute(c.GoTo(item=_item(run.engine, "review-actions")))
    return run


def journal_events(run: store.Run) -> list[dict]:
    lines = run.journal_path.read_text(encoding="utf-8").splitlines()
    return [
        json.loads(line.rsplit("\t", 1)[0]) if "\t" in line else json.loads(line) for line in lines
    ]


def test_the_follow_up_reviews_the_knots_actions_and_the_series_export_shows_both(
    tmp_path, library
):
    records = tmp_path / "records"
    knot = run_knot(records, library)
    follow = start_follow_up(records, library)
    engine = follow.engine
    # The review step shows the three actions, with where each was agreed.
    reviews = list(engine.state.reviews.values())
    assert [(r.what, r.who, r.due) for r in reviews] == list(ACTIONS)
    assert all(r.origin.run == knot.run_id for r in reviews)
    assert reviews[0].origin.source == "Referrals get lost between teams"
    assert reviews[0].origin.item == "Who does what next"
    first, second, third = (r.id for r in reviews)
    person = engine.execute(c.Join(name="Ann"), NEWCOMER).data["participant"]
    engine.execute(c.SetActionStatus(action=first, status="in progress"), person)
    engine.execute(c.SetActionStatus(action=first, status="done"))
    engine.execute(
        c.SetActionStatus(action=second, status="changed", what="Draft it with health too")
    )
    engine.execute(c.AddLearning(action=second, text="Health need to be in it"), person)
    engine.execute(c.SetActionStatus(action=third, status="dropped"))
    follow.close()
    # Every status change is in the follow-up's journal (and replay reads only it).
    events = journal_events(follow)
    changes = [
        (e["data"]["action"], e["data"]["status"])
        for e in events
        if e["type"] == "action_status_set"
    ]
    assert changes == [
        (first, "in progress"),
        (first, "done"),
        (second, "changed"),
        (third, "dropped"),
    ]
    start = next(e for e in events if e["type"] == "step_started")
    assert start["data"]["series"] == "knot-2026" and len(start["data"]["carried"]) == 3
    reopened = store.open_run(follow.folder, read_only=True)
    assert reopened.state.reviews[second].what == "Draft it with health too"
    # The series: both runs, each action's history across them.
    series = open_series("knot-2026", records)
    assert [r.name for r in series.runs] == [knot.name, follow.name]
    assert [a.status for a in series.actions] == ["done", "changed", "dropped"]
    assert [a.what for a in series.open_actions] == ["Draft it with health too"]
    files = series_files(series.name, series.runs, series.actions)
    md = files["md"]
    assert "Unpicking the hard knot" in md and "Unpicking the knot: what happened next" in md
    assert "History: open (" in md and "in progress (" in md and "done (" in md
    assert "Health need to be in it" in md and "Draft it with health too" in md
    assert "Unpicking the hard knot" in files["html"] and "<script" not in files["html"]
    rows = list(csv.DictReader(io.StringIO(files["csv"].removeprefix("\ufeff"))))
    assert [(r["what"][:5], r["status"]) for r in rows] == [
        ("Call ", "open"),
        ("Call ", "in progress"),
        ("Call ", "done"),
        ("Draft", "open"),
        ("Draft", "changed"),
        ("Book ", "open"),
        ("Book ", "dropped"),
    ]
    assert rows[4]["reworded to"] == "Draft it with health too" and rows[1]["by"] == "room"
    calendar = icalendar.Calendar.from_ical(files["ics"])
    events_ = [ev for ev in calendar.walk("VEVENT")]
    assert [(str(ev["SUMMARY"]), ev["DTSTART"].dt.isoformat()) for ev in events_] == [
        ("Call the housing team about joint referrals (Sam)", "2026-03-02"),
        ("Draft it with health too (Priya)", "2026-03-16"),
    ]


def test_a_changed_action_stays_open_and_comes_into_the_third_run(tmp_path, library):
    records = tmp_path / "records"
    run_knot(records, library)
    follow = start_follow_up(records, library)
    first = next(iter(follow.engine.state.reviews))
    follow.engine.execute(c.SetActionStatus(action=first, status="in progress"))
    follow.engine.execute(c.AddLearning(action=first, text="Housing asked for a named contact"))
    follow.close()
    third = start_follow_up(records, library)
    carried = list(third.engine.state.reviews.values())
    assert len(carried) == 3  # nothing was closed
    assert carried[0].status == "in progress"
    assert [n.text for n in carried[0].learned] == ["Housing asked for a named contact"]
    third.close()


def test_series_and_actions_commands_list_runs_and_open_actions(tmp_path, library, capsys):
    records = tmp_path / "records"
    run_knot(records, library)
    assert main(["series", "--records", str(records)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t") == ["series", "run", "date", "plan", "state", "actions", "open"]
    assert out[1].split("\t")[0] == "knot-2026" and out[1].split("\t")[-2:] == ["3", "3"]
    assert main(["actions", "--open", "--series", "knot-2026", "--records", str(records)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and "Call the housing team about joint referrals" in lines[1]
    assert (
        main(
            [
                "series",
                "knot-2026",
                "--export",
                "-o",
                str(tmp_path / "out"),
                "--records",
                str(records),
            ]
        )
        == 0
    )
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [
        "knot-2026-actions.csv",
        "knot-2026-actions.ics",
        "knot-2026.html",
        "knot-2026.md",
    ]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", ["../etc", "knot/2026", "knot 2026", ".hidden", ""])
def test_a_series_name_with_path_characters_is_refused_with_a_reason(
    tmp_path, library, name, capsys
):
    plan = resolve_plan(library, "unpicking-the-knot")
    with pytest.raises(ValueError, match="series name"):
        store.create_run(tmp_path, plan, library.timing_methods(), series=name)
    assert not list(tmp_path.iterdir())
    assert main(["series", name or " ", "--records", str(tmp_path)]) == 1
    assert "series name" in capsys.readouterr().err


def test_a_run_moved_into_another_series_stays_in_the_one_its_journal_says(tmp_path, library):
    records = tmp_path / "records"
    knot = run_knot(records, library)
    meta = knot.folder / store.RUN_FILE
    meta.write_text(meta.read_text().replace('series = "knot-2026"', 'series = "other"'))
    series = all_series(records)
    assert list(series) == ["knot-2026"]
    assert any("a run belongs to one series" in w for w in series["knot-2026"].warnings)
    copy = records / (knot.name + "-copy")
    shutil.copytree(knot.folder, copy)
    again = all_series(records)["knot-2026"]
    assert len(again.runs) == 1 and len(again.actions) == 3
    assert any("is a copy of run" in w for w in again.warnings)


def test_a_missing_earlier_run_folder_loses_nothing_the_later_run_kept(tmp_path, library):
    records = tmp_path / "records"
    knot = run_knot(records, library)
    follow = start_follow_up(records, library)
    first = next(iter(follow.engine.state.reviews))
    follow.engine.execute(c.SetActionStatus(action=first, status="done"))
    follow.close()
    shutil.rmtree(knot.folder)
    series = open_series("knot-2026", records)
    assert [a.status for a in series.actions] == ["done", "open", "open"]
    assert any("folder is missing" in w and knot.name in w for w in series.warnings)
    third = start_follow_up(records, library)
    assert len(third.engine.state.reviews) == 2
    assert any("folder is missing" in w for w in third.series_warnings)
    third.close()


def test_an_action_whose_origin_was_hidden_says_so(tmp_path, library):
    records = tmp_path / "records"
    knot = run_knot(records, library)
    reopened = store.open_run(knot.folder, records)
    note = next(iter(reopened.state.notes))
    reopened.engine.execute(c.HideNote(note=note))
    reopened.close()
    follow = start_follow_up(records, library)
    first = next(iter(follow.engine.state.reviews.values()))
    assert first.origin.source == "(a hidden note)"
    follow.close()
    assert open_series("knot-2026", records).actions[0].origin.source == "(a hidden note)"


def test_a_run_in_no_series_has_nothing_to_review(tmp_path, library):
    plan = resolve_plan(library, str(FOLLOW_UP))
    run = carry_in(store.create_run(tmp_path, plan, library.timing_methods()))
    run.engine.execute(c.StartSession())
    assert run.engine.state.reviews == {} and run.engine.state.series is None
    run.close()


# ---------------------------------------------------------------- the facilitator and phones


async def test_the_facilitator_marks_and_adds_learning_from_the_keyboard(tmp_path, library):
    records = tmp_path / "records"
    run_knot(records, library)
    follow = start_follow_up(records, library)
    engine = follow.engine
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board = app.screen.query_one(Board)
        await until(lambda: board.current_row is not None, "a row focused")
        assert board.current_row.kind == "reviewed"
        await pilot.press("y")
        await until(lambda: isinstance(app.screen, Picker), "the status picker")
        await pilot.press(*"done", "enter")
        first = next(iter(engine.state.reviews.values()))
        await until(lambda: first.status == "done", "marked done")
        await pilot.press("a")
        await until(lambda: isinstance(app.screen, TextPrompt), "the learning prompt")
        await pilot.press(*"[B]x[/B] asked early", "enter")
        await until(lambda: bool(first.learned), "learning added")
        assert first.learned[0].text == "[B]x[/B] asked early"
    follow.close()


async def test_a_phone_sees_the_review_and_marks_an_action(tmp_path, library):
    records = tmp_path / "records"
    run_knot(records, library)
    follow = start_follow_up(records, library)
    engine = follow.engine
    app = create_app(engine, token="test-token-1234")
    api = "/j/test-token-1234/api"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        joined = (await http.post(f"{api}/join", json={"client_id": "client-series-join"})).json()
        key = {"X-Participant-Key": joined["key"]}
        view = (await http.get(f"{api}/state", headers=key)).json()
        reviews = view["public"]["reviews"]
        assert [r["what"] for r in reviews] == [a[0] for a in ACTIONS]
        assert "Unpicking the hard knot" in reviews[0]["origin"]
        body = {
            "type": "set_action_status",
            "action": reviews[1]["id"],
            "status": "in progress",
            "client_id": "client-series-1",
        }
        assert (await http.post(f"{api}/command", json=body, headers=key)).status_code < 300
        reword = {**body, "status": "changed", "what": "x", "client_id": "client-series-2"}
        refused = await http.post(f"{api}/command", json=reword, headers=key)
        assert refused.status_code == 403 and "facilitator" in refused.json()["error"]
    assert engine.state.reviews[reviews[1]["id"]].status == "in progress"
    follow.close()


async def test_the_home_screen_chooses_a_series_and_refuses_a_bad_name(tmp_path, library):
    from sessionkit.live import Live, ServerOptions
    from sessionkit.tui.screens.home import HomeScreen

    records = tmp_path / "records"
    run_knot(records, library)
    library = load_library(session_dirs=[FOLLOW_UP.parent])
    live = Live(records, ServerOptions(enabled=False))
    app = SessionkitApp(
        library=library,
        runs=live.unfinished,
        new_session=live.new_run,
        series_names=live.series_names,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        await pilot.press("S")
        await until(lambda: isinstance(app.screen, Picker), "the series picker")
        await pilot.press(*"new series", "enter")
        await until(lambda: isinstance(app.screen, TextPrompt), "the name prompt")
        await pilot.press(*"../knot", "enter")
        await until(lambda: isinstance(app.screen, HomeScreen), "back home")
        assert home.series is None
        await pilot.press("S")
        await until(lambda: isinstance(app.screen, Picker), "the series picker again")
        await pilot.press(*"knot-2026", "enter")
        await until(lambda: home.series == "knot-2026", "the series chosen")
        home._start("plan:knot-follow-up-stand-in")
        await until(lambda: type(app.screen).__name__ == "RunScreen", "the run on screen")
        await pilot.pause()
        assert (
            app.engine is not None
            and app.engine.series == "knot-2026"
            and len(app.engine.carried_in) == 3
        )
    live.close()


def _rate_check_in(records: Path, library, values: tuple[int, ...]) -> store.Run:
    """A run of the bundled follow-up in the series, its check-in rated by a few phones."""
    plan = resolve_plan(library, "knot-follow-up")
    run = carry_in(store.create_run(records, plan, library.timing_methods(), series="knot-2026"))
    engine = run.engine
    engine.execute(c.StartSession())
    for value in values:
        person = engine.execute(c.Join(name=None), NEWCOMER).data["participant"]
        engine.execute(c.Rate(value=value), person)
    engine.execute(c.EndSession())
    run.close()
    return run


def test_a_rating_asked_in_every_run_is_shown_side_by_side(tmp_path, library):
    records = tmp_path / "records"
    first = _rate_check_in(records, library, (2, 2, 3))
    second = _rate_check_in(records, library, (4, 5, 4, 3))
    series = open_series("knot-2026", records)
    files = series_files(series.name, series.runs, series.actions)
    md = files["md"]
    # Markdown: a table per question, a row per run, a column per point of the scale.
    section = md[md.index("### How are you arriving today?") :].split("###")[1]
    rows = [line for line in section.splitlines() if line.startswith("| 2")]
    counts = [[cell.strip() for cell in row.split("|")[2:-1]] for row in rows]
    assert counts == [
        ["0", "2", "1", "0", "0", "3", "2.3"],
        ["0", "0", "1", "2", "1", "4", "4.0"],
    ]
    assert [r.name for r in series.runs] == [first.name, second.name]  # oldest first
    # HTML: the same, as small charts with the counts in words.
    html = files["html"]
    assert 'class="chart"' in html and "3 ratings, mean 2.3" in html
    assert "4 ratings, mean 4.0" in html
