"""Redaction: the facilitator removes a participant's text for good, whatever kind of
item it is; the item and what it counts stay, the journal's event never holds the text,
and replay, snapshots and every export keep it removed."""

from __future__ import annotations

import json

import pytest

from factories import ListJournal
from redaction_plan import ACT, JOT, SECRET, every_text_engine, fill, go
from sessionkit.core import commands as c
from sessionkit.core.errors import Rejected
from sessionkit.core.fold import apply
from sessionkit.core.inputs.words import cloud
from sessionkit.core.redaction import REMOVED_TEXT, reason_of, removed_counts
from sessionkit.core.state import SessionState

ITEMS = ["note", "paper", "grid", "group", "word", "question", "action", "request"]


def secret_in(state: SessionState) -> bool:
    return "zanzibar-7731" in state.model_dump_json().casefold()


@pytest.mark.parametrize("kind", ITEMS)
def test_every_kind_of_text_is_replaced_and_the_item_stays(kind: str) -> None:
    engine = every_text_engine()
    ids = fill(engine)
    item = ids[kind]
    event = engine.execute(c.RedactText(item=item, reason="safeguarding"))
    assert event.type == "text_redacted"
    assert reason_of(engine.state, item) == "safeguarding"
    state = engine.state
    found = {
        "word": state.words,
        "question": state.questions,
        "action": state.actions,
        "request": state.requests,
    }.get(kind, state.notes)[item]
    assert (found.what if kind == "action" else found.text) == REMOVED_TEXT
    if kind == "request":  # the answering team's reply went with it; the answer stays
        assert found.reply == REMOVED_TEXT and found.answer == "yes"
    if kind == "question":
        assert found.voters == [ids["bo"]]
    assert removed_counts(state) == {"safeguarding": 2 if kind == "word" else 1}


def test_a_note_keeps_its_cluster_its_dots_and_its_place_in_the_action_list() -> None:
    engine = every_text_engine()
    ids = fill(engine)
    note = engine.state.notes[ids["note"]]
    cluster, tally = note.cluster, engine.state.tally("0.4")
    go(engine, ACT)
    action = engine.execute(c.AddAction(what="Call back", source=ids["note"])).data["action"]
    engine.execute(c.RedactText(item=ids["note"], reason="personal-data"))
    note = engine.state.notes[ids["note"]]
    assert note.text == REMOVED_TEXT and note.redacted == "personal-data"
    assert note.cluster == cluster and note.category == "rose"
    assert engine.state.tally("0.4") == tally == {ids["note"]: 1}
    from sessionkit.core.inputs.actions import source_label

    assert source_label(engine.state, engine.state.actions[action].source) == REMOVED_TEXT


def test_every_text_of_a_run_can_be_removed_and_none_of_it_is_left_in_the_state() -> None:
    engine = every_text_engine()
    ids = fill(engine)
    assert secret_in(engine.state)
    for kind in ITEMS:
        if kind != "word":
            engine.execute(c.RedactText(item=ids[kind], reason="other"))
    engine.execute(c.RedactText(item=ids["word2"], reason="other"))  # takes "word" too
    assert not secret_in(engine.state)
    assert removed_counts(engine.state) == {"other": len(ITEMS) + 1}


def test_a_word_goes_with_every_answer_that_gave_it_and_stays_out_if_taken_out() -> None:
    engine = every_text_engine()
    ids = fill(engine)
    go(engine, "0.5")
    engine.execute(c.AddWords(text="calm"), ids["ann"])
    engine.execute(c.HideWord(word="Zanzibar-7731"))
    engine.execute(c.RedactText(item=ids["word"], reason="safeguarding"))
    state = engine.state
    assert {state.words[ids["word"]].word, state.words[ids["word2"]].word} == {REMOVED_TEXT}
    assert state.hidden_words["0.5"] == [REMOVED_TEXT]
    assert cloud(state, "0.5") == [("calm", 1)]
    engine.execute(c.HideWord(word=REMOVED_TEXT, hidden=False))  # back in, as removed
    assert cloud(state, "0.5") == [(REMOVED_TEXT, 2), ("calm", 1)]
    words = json.dumps([state.model_dump()[k] for k in ("words", "hidden_words")])
    assert "zanzibar" not in words.casefold()


def test_twice_unknown_and_from_a_phone_are_refused_with_a_message() -> None:
    engine = every_text_engine()
    ids = fill(engine)
    engine.execute(c.RedactText(item=ids["question"], reason="safeguarding"))
    seq = engine.state.seq
    with pytest.raises(Rejected, match=r"question's text was already removed \(safeguarding\)"):
        engine.execute(c.RedactText(item=ids["question"], reason="other"))
    with pytest.raises(Rejected, match="no note, answer, question, request or action 'n999'") as e:
        engine.execute(c.RedactText(item="n999", reason="other"))
    assert e.value.code == "not_found"
    with pytest.raises(Rejected, match="Only the facilitator") as e:
        engine.execute(c.RedactText(item=ids["note"], reason="other"), ids["ann"])
    assert e.value.code == "forbidden"
    assert engine.state.seq == seq
    with pytest.raises(ValueError, match="reason"):
        c.RedactText(item=ids["note"], reason="because")  # type: ignore[arg-type]


def test_removed_text_cannot_be_written_back_by_anyone() -> None:
    engine = every_text_engine()
    ids = fill(engine)
    go(engine, JOT)
    engine.execute(c.RedactText(item=ids["note"], reason="safeguarding"))
    with pytest.raises(Rejected, match=r"The facilitator removed this note's text\.") as e:
        engine.execute(c.EditNote(note=ids["note"], text="again"), ids["ann"])
    assert e.value.code == "redacted"
    with pytest.raises(Rejected, match="text was removed; it cannot be edited") as e:
        engine.execute(c.EditNote(note=ids["note"], text="again"))
    engine.execute(c.EditNote(note=ids["note"], category="thorn"))  # its kind still moves
    assert engine.state.notes[ids["note"]].text == REMOVED_TEXT
    engine.execute(c.RedactText(item=ids["action"], reason="other"))
    with pytest.raises(Rejected, match="action's text was removed") as e:
        engine.execute(c.EditAction(action=ids["action"], what="again"))
    engine.execute(c.EditAction(action=ids["action"], what=REMOVED_TEXT, who="Sam"))
    assert engine.state.actions[ids["action"]].who == "Sam"


def test_the_journal_records_the_redaction_without_the_text_and_replay_keeps_it() -> None:
    journal = ListJournal()
    engine = every_text_engine(journal=journal)
    ids = fill(engine)
    for kind in ("note", "word", "request", "action"):
        engine.execute(c.RedactText(item=ids[kind], reason="personal-data"))
    redactions = [e for e in journal.events if e.type == "text_redacted"]
    assert len(redactions) == 4
    for event in redactions:
        line = event.model_dump_json()
        assert "zanzibar" not in line.casefold() and REMOVED_TEXT not in line
        assert set(event.data) <= {"item", "kind", "reason", "also"}
        assert event.data["reason"] == "personal-data" and event.at
    # The events that brought the text in are still there (the journal is append-only).
    assert any(SECRET in json.dumps(e.data) for e in journal.events)
    state = SessionState(run_id="again", plan_id="every-text", created_at=0)
    for event in journal.events:
        apply(state, event)
    assert state.notes[ids["note"]].text == REMOVED_TEXT
    assert state.notes[ids["note"]].redacted == "personal-data"
    assert state.requests[ids["request"]].reply == REMOVED_TEXT
    assert state.model_dump(exclude={"run_id", "created_at"}) == engine.state.model_dump(
        exclude={"run_id", "created_at"}
    )
