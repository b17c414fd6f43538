"""Removed text stays removed across a series: an action's text removed in the run that
agreed it, or in a run that reviewed it, leaves every other run's copy of it too (the
series view and exports at once; each run's own journal when it is next opened)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.waiting import until
from sessionkit import store
from sessionkit.cli import main
from sessionkit.core import commands as c
from sessionkit.core.redaction import REMOVED_TEXT
from sessionkit.export import export
from sessionkit.library import load_library
from sessionkit.live import Live, ServerOptions
from sessionkit.store.series import all_series, record_of
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.redact import ReasonDialog
from sessionkit.tui.widgets.board import Board
from sessionkit.web.views import Views
from test_series import ACTIONS, journal_events, run_knot, start_follow_up

SOURCE = "Referrals get lost between teams"
LEARNED = "Housing asked for a named contact"


@pytest.fixture(scope="module")
def library():
    return load_library()


def reviewed_with_learning(records: Path, library) -> tuple[store.Run, store.Run, str]:
    """The knot (three actions), then a follow-up that learned from the first."""
    knot = run_knot(records, library)
    follow = start_follow_up(records, library)
    first = next(iter(follow.engine.state.reviews))
    follow.engine.execute(c.SetActionStatus(action=first, status="in progress"))
    follow.engine.execute(c.AddLearning(action=first, text=LEARNED))
    return knot, follow, first


def series_first(records: Path):
    [series] = all_series(records).values()
    return series.actions[0]


def test_removing_a_reviewed_actions_text_removes_all_written_about_it(tmp_path, library):
    _, follow, first = reviewed_with_learning(tmp_path / "records", library)
    engine = follow.engine
    engine.execute(c.SetActionStatus(action=first, status="changed", what="Call housing weekly"))
    engine.execute(c.RedactText(item=first, reason="personal-data"))
    action = engine.state.reviews[first]
    assert (action.what, action.redacted) == (REMOVED_TEXT, "personal-data")
    assert action.origin.source == REMOVED_TEXT
    assert [n.text for n in action.learned] == [REMOVED_TEXT]
    assert [ch.what for ch in action.history if ch.what] == [REMOVED_TEXT]
    assert action.status == "changed"  # where it got to still counts
    text = export(record_of(follow), "md")
    for gone in (ACTIONS[0][0], SOURCE, LEARNED, "Call housing weekly"):
        assert gone not in text
    assert "text_redacted" in [e["type"] for e in journal_events(follow)]
    with pytest.raises(Exception, match="already removed"):
        engine.execute(c.RedactText(item=first, reason="other"))
    follow.close()
    # The series and the run the knot's action came from follow at once.
    entry = series_first(tmp_path / "records")
    assert (entry.what, entry.redacted) == (REMOVED_TEXT, "personal-data")
    assert [n.text for n in entry.learned] == [REMOVED_TEXT]


def test_removed_in_the_agreeing_run_after_the_review_copied_it(tmp_path, library, capsys):
    records = tmp_path / "records"
    knot, follow, first = reviewed_with_learning(records, library)
    follow.close()
    # Back in the knot's run, its facilitator removes the first action's text.
    knot = store.open_run(knot.folder)
    action = next(iter(knot.engine.state.actions))
    knot.engine.execute(c.RedactText(item=action, reason="safeguarding"))
    knot.close()
    # The series view never shows the follow-up's old copy...
    entry = series_first(records)
    assert (entry.what, entry.redacted) == (REMOVED_TEXT, "safeguarding")
    assert [n.text for n in entry.learned] == [REMOVED_TEXT]  # it may repeat what went
    # ... nor does an export of the follow-up, which is only read, not written.
    out = tmp_path / "follow-up.md"
    assert main(["export", str(follow.folder), "-o", str(out)]) == 0
    assert ACTIONS[0][0] not in out.read_text() and LEARNED not in out.read_text()
    assert "text_redacted" not in [e["type"] for e in journal_events(follow)]
    capsys.readouterr()
    # Resumed, the follow-up mends its own journal, and says so once.
    live = Live(records, ServerOptions(enabled=False))
    engine = live.resume(follow.folder.name)
    assert engine.state.reviews[first].redacted == "safeguarding"
    assert engine.state.reviews[first].what == REMOVED_TEXT
    assert any("since removed" in w for w in live.warnings(engine))
    types = [e["type"] for e in journal_events(follow)]
    assert types.count("text_redacted") == 1
    live.close()


def test_removed_in_a_review_reaches_the_agreeing_run_and_the_next(tmp_path, library):
    records = tmp_path / "records"
    knot, follow, first = reviewed_with_learning(records, library)
    follow.engine.execute(c.RedactText(item=first, reason="other"))
    follow.close()
    # The knot's own record drops it when read, and its journal when reopened.
    assert ACTIONS[0][0] not in export(record_of(store.open_run(knot.folder, read_only=True)), "md")
    live = Live(records, ServerOptions(enabled=False))
    engine = live.resume(knot.folder.name)
    [agreed] = [a for a in engine.state.actions.values() if a.redacted]
    assert agreed.what == REMOVED_TEXT and agreed.redacted == "other"
    live.close()
    # A third run carries it in removed (it is still open), and keeps it removed.
    third = start_follow_up(records, library)
    carried = next(iter(third.engine.state.reviews.values()))
    assert (carried.what, carried.redacted) == (REMOVED_TEXT, "other")
    third.close()


async def test_x_on_a_reviewed_action_removes_its_text_and_phones_follow(tmp_path, library):
    records = tmp_path / "records"
    _, follow, first = reviewed_with_learning(records, library)
    engine = follow.engine
    views = Views(engine)
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(100, 30)) as pilot:
        board = app.screen.query_one(Board)
        await until(lambda: board.current_row is not None, "a row focused")
        assert board.current_row.kind == "reviewed" and board.current_row.key == first
        await pilot.press("X")
        await until(lambda: isinstance(app.screen, ReasonDialog), "the reason dialog")
        await pilot.press("enter", "y")  # safeguarding, the first reason; then yes
        await until(lambda: engine.state.reviews[first].redacted is not None, "removed")
    assert engine.state.reviews[first].redacted == "safeguarding"
    [shown] = [a for a in views.build_public()["reviews"] if a["id"] == first]
    assert shown["what"] == REMOVED_TEXT and shown["redacted"] is True
    assert shown["learned"] == [REMOVED_TEXT]
    follow.close()
