"""The words kind: short answers, normalised, counted into a cloud; moderated, exported,
driven from the keyboard."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import FakeClock, kinds_methods, kinds_plan, make_engine
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.errors import Rejected
from sessionkit.core.fold import apply
from sessionkit.core.inputs.words import cloud, normalise
from sessionkit.core.record import Record
from sessionkit.core.state import FACILITATOR, NEWCOMER, SessionState
from sessionkit.export import export, load_record
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.modals import NoteEntry
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.room_board import RoomBoard


def engine_at_words(**kw) -> Engine:
    engine = make_engine(kinds_plan(), kinds_methods(), **kw)
    engine.execute(c.StartSession())
    engine.execute(c.GoTo(item=0, step=1))
    return engine


def join(engine: Engine, name: str | None = None) -> str:
    return engine.execute(c.Join(name=name), NEWCOMER).data["participant"]


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("Trust", "trust"),
        ("  more   TIME! ", "more time"),
        ("«Respect»", "respect"),
        ("...listening...", "listening"),
        ("don't, stop", "don't, stop"),
        ("Straße", "strasse"),
        ("🙂 calm", "🙂 calm"),
        ("?!", ""),
    ],
)
def test_normalise(typed: str, word: str) -> None:
    assert normalise(typed) == word


def test_answers_counted_per_normalised_word_with_limits() -> None:
    engine = engine_at_words()
    ann, bob = join(engine), join(engine)
    engine.execute(c.AddWords(text="Trust"), ann)
    engine.execute(c.AddWords(text=" trust!"), bob)
    engine.execute(c.AddWords(text="more time"), ann)
    with pytest.raises(Rejected, match="most this step allows") as refused:
        engine.execute(c.AddWords(text="one more"), ann)
    assert refused.value.code == "limit"
    with pytest.raises(Rejected, match=r"Use at most 2 words \(3 written\)"):
        engine.execute(c.AddWords(text="far too many"), bob)
    with pytest.raises(Rejected, match="not only punctuation"):
        engine.execute(c.AddWords(text="!!"), bob)
    for _ in range(3):  # paper answers count separately, with no limit
        engine.execute(c.AddWords(text="TRUST"))
    assert cloud(engine.state, "0.1") == [("trust", 5), ("more time", 1)]
    engine.execute(c.HideWord(word="Trust"))
    assert cloud(engine.state, "0.1") == [("more time", 1)]
    with pytest.raises(Rejected, match="already out"):
        engine.execute(c.HideWord(word="trust"))
    with pytest.raises(Rejected, match="Only the facilitator"):
        engine.execute(c.HideWord(word="trust", hidden=False), ann)
    engine.execute(c.HideWord(word="trust", hidden=False))
    assert cloud(engine.state, "0.1")[0] == ("trust", 5)
    with pytest.raises(Rejected, match="no word cloud"):
        engine.execute(c.GoTo(item=0, step=0)) and engine.execute(c.AddWords(text="x"), ann)


ANSWERS = st.lists(
    st.tuples(
        st.sampled_from(["p", "q", FACILITATOR]),
        st.sampled_from(
            ["Trust", "trust!", " TRUST ", "more time", "More  Time.", "hope", "?", "a b c"]
        ),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=ANSWERS, hide=st.sampled_from([None, "trust", "hope"]))
def test_word_counts_equal_the_normalised_answers_and_replay(answers, hide) -> None:
    engine = engine_at_words()
    people = {"p": join(engine), "q": join(engine), FACILITATOR: FACILITATOR}
    accepted: list[str] = []
    for who, text in answers:
        try:
            engine.execute(c.AddWords(text=text), people[who])
            accepted.append(normalise(text))
        except Rejected:
            pass
    if hide is not None:
        try:
            engine.execute(c.HideWord(word=hide))
        except Rejected:
            hide = None
    counts = dict(cloud(engine.state, "0.1"))
    expected: dict[str, int] = {}
    for word in accepted:
        if word != hide:
            expected[word] = expected.get(word, 0) + 1
    assert counts == expected
    assert all(len(w.split()) <= 2 and w for w in counts)
    for pid in (people["p"], people["q"]):
        assert sum(1 for a in engine.state.words.values() if a.author == pid) <= 2
    fresh = SessionState(run_id="x", plan_id="kinds-plan", created_at=0)
    for event in engine.history:
        apply(fresh, event)
    assert fresh.words == engine.state.words
    assert fresh.hidden_words == engine.state.hidden_words


def test_exports_show_the_cloud() -> None:
    engine = engine_at_words()
    ann, bob = join(engine), join(engine)
    engine.execute(c.AddWords(text="Trust"), ann)
    engine.execute(c.AddWords(text="trust"), bob)
    engine.execute(c.AddWords(text="<b>bold|</b>"), bob)
    engine.execute(c.AddWords(text="=1+1"))
    record = Record.from_engine(engine)
    md = export(record, "md")
    assert "| trust | 2 |" in md and "| \\<b>bold\\|\\</b> | 1 |" in md
    html = export(record, "html")
    assert '<ul class="wordcloud">' in html
    assert re.search(r'<li style="font-size:40px;[^"]*" dir="auto">trust<small>2</small>', html)
    assert "&lt;b&gt;bold|&lt;/b&gt;" in html and "<b>bold" not in html
    rows = list(csv.reader(io.StringIO(export(record, "csv").lstrip("\ufeff"))))
    header = rows.index(["words step", "word", "count"])
    assert rows[header + 1] == ["1.2 Words", "trust", "2"]
    assert ["1.2 Words", "'=1+1", "1"] in rows[header:]
    for fmt in ("json", "toml"):
        back = load_record(export(record, fmt), fmt)
        assert back.state.words == record.state.words
        assert {a.author for a in back.state.words.values()} == {"", FACILITATOR}


# ------------------------------------------------------------------ the TUI


async def test_words_from_the_keyboard_paper_answers_sizes_and_taking_a_word_out() -> None:
    engine = engine_at_words(clock=FakeClock())
    ann = join(engine)
    engine.execute(c.AddWords(text="Hope"), ann)
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        assert isinstance(app.screen, NoteEntry)
        for answer in ("Trust", "trust!", "[@click=app.quit]x [/]", "far too many"):
            await pilot.press(*[ch if ch != " " else "space" for ch in answer], "enter")
            await pilot.pause()
        await until(lambda: len(engine.state.words) == 4, "the paper answers added")
        assert app.screen.query_one("Input").value == "far too many"  # refused, kept
        await pilot.press("escape")
        await pilot.pause()
        board = app.screen.query_one(Board)
        rows = [r.ref[:2] for r in board.rows]
        assert rows[0] == ("trust", 2)
        assert ("click=app.quit]x", 1) in rows  # shown as typed, never as markup
        line = board.render_line(0).text
        assert "trust" in line and "█" in line and line.rstrip().endswith("2")
        assert board.current_row.key == "hope"  # the cursor stays on what it was on
        await pilot.press("home")
        assert board.current_row.key == "trust"
        await pilot.press("h")
        await until(lambda: engine.state.hidden_words.get("0.1") == ["trust"], "taken out")
        await pilot.pause()
        assert [r.ref for r in board.rows if r.key == "trust"] == [("trust", 2, True)]
        await pilot.press("v")
        await pilot.pause()
        room = app.screen.query_one(RoomBoard)
        room.render_lines(room.scrollable_content_region.reset_offset)
        text = "\n".join(room.render_line(y).text for y in range(3))
        assert "hope" in text and "trust" not in text
        await pilot.press("v")
        await pilot.pause()
        board = app.screen.query_one(Board)
        board.move_to_key("word", "trust")
        await pilot.press("h")
        await until(lambda: not engine.state.hidden_words.get("0.1"), "put back")


def test_a_burst_of_answers_from_phones_is_batched_like_notes() -> None:
    from sessionkit.web import create_app

    engine = engine_at_words()
    hub = create_app(engine, token="words-token-1234").state.hub
    urgent = hub.views.urgent_seq
    event = engine.execute(c.AddWords(text="Trust"), join(engine))
    assert hub.views.bulk_seq == event.seq and hub.views.urgent_seq == urgent
    paper = engine.execute(c.AddWords(text="hope"))  # the facilitator's show at once
    assert hub.views.urgent_seq == paper.seq
