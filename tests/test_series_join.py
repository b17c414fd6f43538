"""Putting a run begun without ``--series`` into a series afterwards
(``sessionkit series NAME --add RUN``): journalled if it started, refused with a reason
if it cannot be (another series, a bad name, the run open elsewhere)."""

from __future__ import annotations

import tomllib

import pytest

from sessionkit import store
from sessionkit.cli import main
from sessionkit.core import commands as c
from sessionkit.core.errors import Rejected
from sessionkit.library import load_library, resolve_plan
from sessionkit.store.series import all_series
from test_series import ACTIONS, journal_events, run_knot, start_follow_up


@pytest.fixture(scope="module")
def library():
    return load_library()


def one_line(err: str) -> str:
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    return line


def test_an_earlier_run_added_to_a_series_has_its_actions_reviewed_next(tmp_path, library, capsys):
    records = tmp_path / "records"
    knot = run_knot(records, library, series=None)  # begun without --series
    assert all_series(records) == {}
    assert main(["series", "knot-2026", "--add", knot.name, "--records", str(records)]) == 0
    assert capsys.readouterr().out.strip() == f"{knot.name} is in series knot-2026"
    assert [e["data"]["series"] for e in journal_events(knot) if e["type"] == "series_joined"] == [
        "knot-2026"
    ]
    meta = tomllib.loads((knot.folder / "run.toml").read_text(encoding="utf-8"))
    assert meta["series"] == "knot-2026"
    [series] = all_series(records).values()
    assert [run.name for run in series.runs] == [knot.name] and series.warnings == []
    follow = start_follow_up(records, library)
    assert [r.what for r in follow.engine.state.reviews.values()] == [a[0] for a in ACTIONS]
    follow.close()
    # Asked again, it is already there: said plainly, and nothing is journalled twice.
    assert main(["series", "knot-2026", "--add", knot.name, "--records", str(records)]) == 0
    capsys.readouterr()
    assert [e["type"] for e in journal_events(knot)].count("series_joined") == 1


def test_a_run_not_started_yet_is_added_by_its_run_toml_alone(tmp_path, library, capsys):
    records = tmp_path / "records"
    plan = resolve_plan(library, "unpicking-the-knot")
    run = store.create_run(records, plan, library.timing_methods())
    run.close()
    assert main(["series", "knot-2026", "--add", str(run.folder)]) == 0
    assert journal_events(run) == []
    assert store.open_run(run.folder, read_only=True).engine.series == "knot-2026"


def test_adding_is_refused_with_a_reason(tmp_path, library, capsys):
    records = tmp_path / "records"
    knot = run_knot(records, library)  # in knot-2026
    cases = [
        (["series", "other-2027", "--add", knot.name], "is in series 'knot-2026'"),
        (["series", "knot/2026", "--add", knot.name], "cannot contain '/'"),
        (["series", "--add", knot.name], "which series?"),
        (["series", "knot-2026", "--add", "nope"], "no run 'nope'"),
        (["series", "knot-2026", "--add", knot.name, "--export"], "separate steps"),
    ]
    for argv, message in cases:
        assert main([*argv, "--records", str(records)]) == 1, argv
        assert message in one_line(capsys.readouterr().err), argv
    # A run open in another sessionkit is not written to behind its back.
    other = run_knot(records, library, series=None)
    held = store.open_run(other.folder)
    try:
        assert main(["series", "knot-2026", "--add", other.name, "--records", str(records)]) == 1
        assert "open" in one_line(capsys.readouterr().err)
    finally:
        held.close()
    assert held.engine.state.series is None


def test_the_engine_keeps_a_run_in_one_series(tmp_path, library):
    knot = store.open_run(run_knot(tmp_path / "records", library).folder)
    try:
        with pytest.raises(Rejected, match="belongs to one series"):
            knot.engine.execute(c.JoinSeries(series="other-2027"))
        with pytest.raises(Rejected, match="already in series"):
            knot.engine.execute(c.JoinSeries(series="knot-2026"))
        with pytest.raises(Rejected, match="cannot contain"):
            knot.engine.execute(c.JoinSeries(series="a b"))
    finally:
        knot.close()
