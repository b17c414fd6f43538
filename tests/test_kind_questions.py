"""The questions kind: ask, upvote once each, answer, merge (votes as a union); exported
and driven from the keyboard."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import (
    FakeClock,
    kinds_methods,
    kinds_plan,
    make_engine,
    make_method,
    make_plan,
    step,
)
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.errors import Rejected
from sessionkit.core.fold import apply
from sessionkit.core.inputs.questions import ranked
from sessionkit.core.record import Record
from sessionkit.core.state import FACILITATOR, NEWCOMER, SessionState
from sessionkit.export import export, load_record
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.modals import NoteEntry, Picker
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.room_board import RoomBoard
from sessionkit.web.views import Views

KEY = "0.2"


def engine_at_questions(**kw) -> Engine:
    engine = make_engine(kinds_plan(), kinds_methods(), **kw)
    engine.execute(c.StartSession())
    engine.execute(c.GoTo(item=0, step=2))
    return engine


def join(engine: Engine, name: str | None = None) -> str:
    return engine.execute(c.Join(name=name), NEWCOMER).data["participant"]


def ask(engine: Engine, text: str, actor: str = FACILITATOR) -> str:
    return engine.execute(c.AskQuestion(text=text), actor).data["question"]


def test_one_upvote_per_person_toggle_and_not_ones_own() -> None:
    engine = engine_at_questions()
    ann, bob = join(engine), join(engine)
    q = ask(engine, "Who pays for the lift?", ann)
    with pytest.raises(Rejected, match="your own question") as own:
        engine.execute(c.Upvote(question=q), ann)
    assert own.value.code == "forbidden"
    engine.execute(c.Upvote(question=q), bob)
    with pytest.raises(Rejected, match="already upvoted") as twice:
        engine.execute(c.Upvote(question=q), bob)
    assert twice.value.code == "conflict"
    assert engine.state.questions[q].voters == [bob]  # nothing lost, nothing doubled
    engine.execute(c.WithdrawUpvote(question=q), bob)
    with pytest.raises(Rejected, match="not upvoted"):
        engine.execute(c.WithdrawUpvote(question=q), bob)
    engine.execute(c.Upvote(question=q), bob)
    engine.execute(c.Upvote(question=q))  # paper upvotes: one more person each
    engine.execute(c.Upvote(question=q))
    assert len(engine.state.questions[q].voters) == 3
    engine.execute(c.WithdrawUpvote(question=q))
    assert len(engine.state.questions[q].voters) == 2
    with pytest.raises(Rejected, match="Only the facilitator"):
        engine.execute(c.MarkAnswered(question=q), bob)
    engine.execute(c.MarkAnswered(question=q))
    assert engine.state.questions[q].answered
    with pytest.raises(Rejected, match="no such question") as missing:
        engine.execute(c.Upvote(question="q999"), bob)
    assert missing.value.code == "not_found"


def test_merging_duplicates_unions_the_votes_and_orders_by_votes() -> None:
    engine = engine_at_questions()
    ann, bob, cat, dan = (join(engine) for _ in range(4))
    lift = ask(engine, "When is the lift fixed?", ann)
    lift2 = ask(engine, "Lift: when?", bob)
    other = ask(engine, "Can we meet in the evening?", cat)
    for voter in (bob, cat):
        engine.execute(c.Upvote(question=lift), voter)
    for voter in (cat, dan, ann):  # cat upvoted both: counted once after the merge
        engine.execute(c.Upvote(question=lift2), voter)
    engine.execute(c.Upvote(question=other), dan)
    assert [q.id for q in ranked(engine.state, KEY)] == [lift2, lift, other]
    engine.execute(c.MergeQuestions(source=lift2, target=lift))
    assert sorted(engine.state.questions[lift].voters) == sorted([bob, cat, dan])  # not ann
    assert [q.id for q in ranked(engine.state, KEY)] == [lift, other]
    with pytest.raises(Rejected, match="merged into another"):
        engine.execute(c.Upvote(question=lift2), dan)
    with pytest.raises(Rejected, match="already merged"):
        engine.execute(c.MergeQuestions(source=lift2, target=other))
    engine.execute(c.MarkAnswered(question=lift))
    assert [q.id for q in ranked(engine.state, KEY)] == [other, lift]  # answered last


OPS = st.lists(
    st.tuples(
        st.sampled_from(["ask", "up", "down", "merge", "answer"]),
        st.integers(0, 3),  # who (3: the facilitator)
        st.integers(0, 5),  # which question
        st.integers(0, 5),  # another question, for merges
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_one_upvote_per_person_per_question_whatever_happens(ops) -> None:
    engine = engine_at_questions()
    people = [join(engine) for _ in range(3)] + [FACILITATOR]
    ids: list[str] = []
    for op, who, which, other in ops:
        actor = people[who]
        pick = ids[which % len(ids)] if ids else "q999"
        try:
            if op == "ask":
                ids.append(ask(engine, f"Question {len(ids)}", actor))
            elif op == "up":
                engine.execute(c.Upvote(question=pick), actor)
            elif op == "down":
                engine.execute(c.WithdrawUpvote(question=pick), actor)
            elif op == "merge":
                target = ids[other % len(ids)] if ids else "q999"
                engine.execute(c.MergeQuestions(source=pick, target=target), actor)
            else:
                engine.execute(c.MarkAnswered(question=pick), actor)
        except Rejected:
            pass
        for question in engine.state.questions.values():
            assert len(question.voters) == len(set(question.voters))  # one each
            assert question.author not in question.voters or question.author == FACILITATOR
            if question.merged_into is not None:
                assert engine.state.questions[question.merged_into].merged_into is None
    fresh = SessionState(run_id="x", plan_id="kinds-plan", created_at=0)
    for event in engine.history:
        apply(fresh, event)
    assert fresh.questions == engine.state.questions
    record = Record.from_engine(engine)  # de-identified: the counts survive renumbering
    for qid, question in engine.state.questions.items():
        voters = record.state.questions[qid].voters
        assert len(voters) == len(question.voters) == len(set(voters))


def test_exports_show_the_questions_by_votes() -> None:
    engine = engine_at_questions()
    ann, bob = join(engine, "Ann"), join(engine)
    top = ask(engine, "Who *really* decides?", ann)
    dup = ask(engine, "Who decides?", bob)
    ask(engine, "=HYPERLINK(1)", bob)
    engine.execute(c.Upvote(question=top), bob)
    engine.execute(c.Upvote(question=dup), ann)
    engine.execute(c.MergeQuestions(source=dup, target=top))
    engine.execute(c.MarkAnswered(question=top))
    record = Record.from_engine(engine)
    md = export(record, "md")
    assert "1. =HYPERLINK(1) — *0 upvotes*" in md
    assert "2. Who \\*really\\* decides? — *1 upvote · answered · 1 merged in*" in md
    assert "   - *merged:* Who decides?" in md
    html = export(record, "html")
    assert '<ol class="questions">' in html and '<small dir="auto">merged: Who decides?' in html
    rows = list(csv.reader(io.StringIO(export(record, "csv").lstrip("\ufeff"))))
    header = rows.index(["questions step", "question", "votes", "answered", "merged into", "time"])
    assert [r[1:5] for r in rows[header + 1 : header + 4]] == [
        ["'=HYPERLINK(1)", "0", "", ""],
        ["Who *really* decides?", "1", "yes", ""],
        ["Who decides?", "", "", "Who *really* decides?"],
    ]
    for fmt in ("json", "toml"):
        back = load_record(export(record, fmt), fmt)
        assert back.state.questions == record.state.questions
        assert all(not q.author for q in back.state.questions.values())
        assert all(v.startswith("voter-") for q in back.state.questions.values() for v in q.voters)


# ------------------------------------------------------------------ the TUI


async def test_questions_from_the_keyboard_paper_upvotes_answer_merge() -> None:
    engine = engine_at_questions(clock=FakeClock())
    ann = join(engine)
    first = ask(engine, "When is the lift fixed?", ann)
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        assert isinstance(app.screen, NoteEntry)
        for text in ("Lift: when?", "[b]Evening[/b] meetings?"):
            await pilot.press(*[ch if ch != " " else "space" for ch in text], "enter")
            await pilot.pause()
        await pilot.press("escape")
        await until(lambda: len(engine.state.questions) == 3, "paper questions added")
        await pilot.pause()
        board = app.screen.query_one(Board)
        assert [r.ref[0] for r in board.rows][-1] == "[b]Evening[/b] meetings?"
        board.move_to_key("question", first)
        await pilot.press("d", "d")
        await until(lambda: len(engine.state.questions[first].voters) == 2, "paper upvotes")
        await pilot.press("D")
        await until(lambda: len(engine.state.questions[first].voters) == 1, "one taken back")
        await pilot.pause()
        assert board.render_line(0).text.startswith("   1 ▲ When is the lift fixed?")
        second = next(q.id for q in engine.state.questions.values() if q.text == "Lift: when?")
        board.move_to_key("question", second)
        await pilot.press("d")
        await until(lambda: len(engine.state.questions[second].voters) == 1, "its upvote")
        await pilot.press("m")
        picker = app.screen
        assert isinstance(picker, Picker)
        await pilot.press(*"lift", "enter")
        await until(lambda: engine.state.questions[second].merged_into == first, "merged")
        assert len(engine.state.questions[first].voters) == 2  # two paper voters
        await pilot.pause()
        assert board.current_row.key == first
        await pilot.press("y")
        await until(lambda: engine.state.questions[first].answered, "answered")
        await pilot.pause()
        assert "answered" in board.render_line(1).text  # answered ones go last
        await pilot.press("v")
        await pilot.pause()
        room = app.screen.query_one(RoomBoard)
        room.render_lines(room.scrollable_content_region.reset_offset)
        text = "\n".join(room.render_line(y).text for y in range(3))
        assert "[b]Evening[/b] meetings?" in text and "q1" not in text


def test_a_snapshot_round_trips_words_questions_and_actions(tmp_path) -> None:
    from sessionkit import store

    engine = engine_at_questions()
    ann, bob = join(engine, "Ann"), join(engine)
    first = ask(engine, "Who decides?", ann)
    engine.execute(c.Upvote(question=first), bob)
    engine.execute(c.Upvote(question=first))
    engine.execute(c.MarkAnswered(question=first))
    engine.execute(c.GoTo(item=0, step=1))
    engine.execute(c.AddWords(text="Trust"), ann)
    engine.execute(c.HideWord(word="trust"))
    engine.execute(c.GoTo(item=0, step=3))
    engine.execute(c.AddAction(what="Call", due="2026-03-14"))
    engine.execute(c.AddAction(what="Write", who="Bob"), bob)
    engine.execute(c.MarkActionDone(action=next(iter(engine.state.actions))))
    store.write_snapshot(tmp_path / "snapshot.toml", engine.state)
    assert store.read_snapshot(tmp_path / "snapshot.toml") == engine.state


# ---------------------------------------------------------------- a budget of upvotes


def budget_engine(upvotes: int = 2) -> Engine:
    method = make_method(
        "dots",
        [step("topics", {"kind": "questions", "max_per_person": 5, "upvotes_per_person": upvotes})],
    )
    engine = make_engine(make_plan([{"method": "dots"}]), {"dots": method})
    engine.execute(c.StartSession())
    return engine


def test_an_upvote_budget_is_spent_freed_and_given_back() -> None:
    engine = budget_engine(2)
    ann, bob = join(engine), join(engine)
    topics = [ask(engine, f"Topic {n}", bob) for n in range(4)]
    engine.execute(c.Upvote(question=topics[0]), ann)
    engine.execute(c.Upvote(question=topics[1]), ann)
    with pytest.raises(Rejected, match="used your 2 upvotes") as spent:
        engine.execute(c.Upvote(question=topics[2]), ann)
    assert spent.value.code == "limit"
    assert engine.state.questions[topics[2]].voters == []  # nothing counted
    engine.execute(c.WithdrawUpvote(question=topics[0]), ann)  # taken back: free again
    engine.execute(c.Upvote(question=topics[2]), ann)
    # A question taken down, or merged into one already upvoted, gives its upvote back.
    engine.execute(c.HideQuestion(question=topics[1]))
    engine.execute(c.Upvote(question=topics[3]), ann)
    engine.execute(c.MergeQuestions(source=topics[3], target=topics[2]))
    engine.execute(c.Upvote(question=topics[0]), ann)
    # The facilitator's paper upvotes have no budget.
    for _ in range(5):
        engine.execute(c.Upvote(question=topics[0]))
    assert len(engine.state.questions[topics[0]].voters) == 6


def test_the_phone_is_told_its_budget_and_what_is_left() -> None:
    engine = budget_engine(3)
    views = Views(engine)
    ann, bob = join(engine), join(engine)
    q = ask(engine, "Who pays for the lift?", bob)
    engine.execute(c.Upvote(question=q), ann)
    assert views.build_public()["input"]["upvotes_per_person"] == 3
    assert views.me(ann)["upvotes_left"] == 2
    unlimited = Views(engine_at_questions())
    assert "upvotes_left" not in unlimited.me(join(unlimited.engine))


def test_lean_coffee_gives_three_upvotes_each() -> None:
    from sessionkit.library import load_library

    [spec] = [
        s.input
        for s in load_library(config=False, cwd=False).methods["lean-coffee"].steps
        if s.input.kind == "questions"
    ]
    assert spec.upvotes_per_person == 3
    assert "3 upvotes each" in spec.describe()
