"""Removed text stays removed in the record: every export, the snapshot, and a run
reopened from its journal; the journal keeps the original until the run is purged."""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import FakeClock
from helpers.word import readable
from redaction_plan import every_text_engine, every_text_plan, fill
from sessionkit import store
from sessionkit.core import commands as c
from sessionkit.core.record import Record
from sessionkit.core.redaction import REMOVED_TEXT
from sessionkit.export import FORMATS, export, load_record

MARK = "zanzibar-7731"
"""In every secret (the words step's answer too, casefolded there)."""


def redact_everything(engine, ids: dict[str, str]) -> None:
    reasons = {"note": "safeguarding", "grid": "safeguarding", "group": "personal-data"}
    for kind in ("note", "paper", "grid", "group", "question", "action", "request", "word"):
        engine.execute(c.RedactText(item=ids[kind], reason=reasons.get(kind, "other")))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_export_holds_a_removed_text(fmt: str) -> None:
    engine = every_text_engine()
    ids = fill(engine)
    before = readable(Record.from_engine(engine), fmt)
    assert MARK in before.casefold(), "the secret is in the export before it is removed"
    redact_everything(engine, ids)
    text = readable(Record.from_engine(engine), fmt)
    assert MARK not in text.casefold()
    assert "removed by the facilitator" in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_readable_exports_count_what_was_removed_and_why(fmt: str) -> None:
    engine = every_text_engine()
    ids = fill(engine)
    assert "removed by the facilitator (" not in export(Record.from_engine(engine), fmt)
    redact_everything(engine, ids)
    text = export(Record.from_engine(engine), fmt)
    assert (
        "9 texts were removed by the facilitator (safeguarding: 2, personal-data: 1, other: 6)."
    ) in text


@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_the_full_record_marks_each_removed_item_with_its_reason(fmt: str) -> None:
    engine = every_text_engine()
    ids = fill(engine)
    redact_everything(engine, ids)
    state = load_record(export(Record.from_engine(engine), fmt), fmt).state
    assert state.notes[ids["note"]].redacted == "safeguarding"
    assert state.notes[ids["group"]].text == REMOVED_TEXT
    assert state.words[ids["word2"]].redacted == "other"
    assert state.requests[ids["request"]].reply == REMOVED_TEXT
    assert state.questions[ids["question"]].voters  # de-identified, still counted


def test_a_reopened_run_is_still_redacted_and_the_snapshot_lets_the_text_go(
    tmp_path: Path,
) -> None:
    plan, methods = every_text_plan()
    run = store.create_run(tmp_path, plan, methods, clock=FakeClock())
    run.engine.execute(c.StartSession())
    ids = fill(run.engine)
    run.save_snapshot()
    assert MARK in run.snapshot_path.read_text(encoding="utf-8").casefold()
    redact_everything(run.engine, ids)
    # A redaction rewrites the snapshot at once (outside an event loop: at once).
    assert MARK not in run.snapshot_path.read_text(encoding="utf-8").casefold()
    journal = run.journal_path.read_text(encoding="utf-8")
    redactions = [line for line in journal.splitlines() if '"text_redacted"' in line]
    assert len(redactions) == 8 and not any(MARK in line.casefold() for line in redactions)
    assert MARK in journal.casefold(), "the journal keeps the original until purged"
    folder = run.folder
    run.close()

    again = store.open_run(folder)
    try:
        assert again.engine.state.notes[ids["note"]].text == REMOVED_TEXT
        assert again.engine.state.notes[ids["note"]].redacted == "safeguarding"
        assert MARK not in again.engine.state.model_dump_json().casefold()
    finally:
        again.close()
    # Without the snapshot, the journal alone is replayed: the same.
    (folder / "snapshot.toml").unlink()
    replayed = store.open_run(folder)
    try:
        assert MARK not in replayed.engine.state.model_dump_json().casefold()
        assert replayed.engine.state.actions[ids["action"]].redacted == "other"
    finally:
        replayed.close()
