"""The durable record: journal, snapshot, recovery, storage failures, listing, purging."""

from __future__ import annotations

import errno
import json
import os
import re
import tomllib
from pathlib import Path

import pytest

from helpers import sample
from helpers.waiting import until
from sessionkit import store
from sessionkit.core import commands as c
from sessionkit.core.engine import Rejected
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import Event, SessionState


@pytest.fixture
def clock() -> sample.Clock:
    return sample.Clock()


@pytest.fixture
def run(tmp_path: Path, clock: sample.Clock):
    run = store.create_run(tmp_path / "records", sample.plan(), sample.methods(), clock=clock)
    yield run
    run.close()


def crash(run: store.Run) -> None:
    """Let go of a run the way a killed process does: no final snapshot."""
    run.journal.close()
    if run._lock is not None:
        run._lock.release()
    run._closed = True


def journal_events(run: store.Run) -> list[Event]:
    lines = run.journal_path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    return [Event.model_validate(_without_checksum(json.loads(line))) for line in lines[:-1]]


def _without_checksum(payload: dict) -> dict:
    assert re.fullmatch(r"[0-9a-f]{8}", payload.pop("crc")), "every line carries a checksum"
    return payload


def start_with_notes(run: store.Run, clock: sample.Clock, count: int = 3) -> str:
    person = sample.join(run.engine, "Alice")
    run.engine.execute(c.StartSession())
    sample.go(run.engine, sample.ANON, clock)
    for n in range(count):
        clock.tick()
        run.engine.execute(c.AddNote(text=f"note {n}"), person)
    return person


# ---------------------------------------------------------------- where and how runs are kept


def test_default_records_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SESSIONKIT_RECORDS", str(tmp_path / "mine"))
    assert store.default_records_dir() == tmp_path / "mine"
    monkeypatch.delenv("SESSIONKIT_RECORDS")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store.default_records_dir() == tmp_path / "xdg" / "sessionkit" / "records"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store.default_records_dir() == tmp_path / "home" / ".local/share/sessionkit/records"


def test_a_new_run_has_its_own_folder_with_copies_of_plan_and_methods(run: store.Run) -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-\d{4}-sample-plan-[0-9a-f]{6}", run.name)
    assert run.name.endswith(run.run_id[:6])
    names = {p.name for p in run.folder.iterdir()}
    assert {
        "run.toml",
        "plan.toml",
        "methods",
        "journal.jsonl",
        "snapshot.toml",
        "exports",
    } <= names
    assert (run.folder / "methods" / "sample.toml").is_file()
    assert run.folder.stat().st_mode & 0o077 == 0, "records are private to the user"
    # The copies load back to exactly the models the run was made from.
    plan = Plan.model_validate(tomllib.loads((run.folder / "plan.toml").read_text()))
    method = Method.model_validate(
        tomllib.loads((run.folder / "methods" / "sample.toml").read_text())
    )
    assert plan == sample.plan()
    assert method == sample.method()
    assert "break = 15" in (run.folder / "plan.toml").read_text()
    assert not [p for p in run.folder.parent.iterdir() if p.name.startswith(".creating")]


def test_only_the_methods_the_plan_uses_are_copied(tmp_path: Path) -> None:
    extra = sample.method().model_copy(update={"id": "unused"})
    run = store.create_run(tmp_path, sample.plan(), {**sample.methods(), "unused": extra})
    assert [p.name for p in (run.folder / "methods").iterdir()] == ["sample.toml"]
    run.close()


def test_the_run_opens_even_if_the_library_changes(run: store.Run, clock) -> None:
    start_with_notes(run, clock)
    run.close()
    reopened = store.open_run(run.folder)  # nothing from the library is needed
    assert reopened.methods == sample.methods()
    assert reopened.engine.prompt("0.0") == "What works about home care?"
    reopened.close()


# ---------------------------------------------------------------- the journal


def test_every_event_is_one_fsynced_journal_line(
    run: store.Run, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd))[1])
    start_with_notes(run, clock, count=2)
    events = journal_events(run)
    assert [e.seq for e in events] == list(range(1, run.state.seq + 1))
    assert events == run.engine.history
    assert len(fsyncs) >= run.state.seq, "every append is fsynced before it returns"


def test_a_batch_is_one_write(run: store.Run, clock, monkeypatch: pytest.MonkeyPatch) -> None:
    person = start_with_notes(run, clock, count=0)
    writes: list[bytes] = []
    real_write = os.write

    def spy(fd: int, data: bytes) -> int:
        writes.append(bytes(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", spy)
    results = run.engine.execute_many(
        [(c.AddNote(text=f"batch {n}", client_id=f"b{n}"), person) for n in range(5)]
    )
    assert all(isinstance(r, Event) for r in results)
    assert len(writes) == 1 and writes[0].count(b"\n") == 5


def test_notes_with_line_breaks_and_unicode_line_separators_stay_one_line(run, clock) -> None:
    person = start_with_notes(run, clock, count=0)
    text = "one\ntwo\u2028three\u2029four\r"
    event = run.engine.execute(c.AddNote(text=text), person)
    crash(run)
    reopened = store.open_run(run.folder)
    assert reopened.state.notes[event.data["note"]].text == event.data["text"]
    assert reopened.warnings == []
    reopened.close()


# ---------------------------------------------------------------- snapshots


def test_snapshot_round_trip_is_exact(run: store.Run, clock, tmp_path: Path) -> None:
    sample.play(run.engine, clock)
    state = run.engine.state
    path = tmp_path / "snap.toml"
    store.write_snapshot(path, state)
    assert store.read_snapshot(path) == state
    assert "null" not in path.read_text() and "None" not in path.read_text()


def test_snapshot_of_a_fresh_state_round_trips(tmp_path: Path) -> None:
    state = SessionState(run_id="r", plan_id="p", created_at=1.5)
    store.write_snapshot(tmp_path / "s.toml", state)
    assert store.read_snapshot(tmp_path / "s.toml") == state


def test_snapshot_is_written_at_step_changes_and_on_close(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=2)
    snap = store.read_snapshot(run.snapshot_path)
    assert snap.step_key == sample.ANON
    assert snap.seq < run.state.seq  # notes since the step change are only in the journal
    sample.go(run.engine, sample.EMPTY, clock)
    assert store.read_snapshot(run.snapshot_path) == run.state
    run.engine.execute(c.Join(name="Late"), "newcomer")
    run.close()
    assert store.read_snapshot(run.snapshot_path) == run.state


def test_snapshot_write_is_atomic(run: store.Run, clock, monkeypatch: pytest.MonkeyPatch) -> None:
    start_with_notes(run, clock)
    before = run.snapshot_path.read_bytes()

    def fail(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        run.save_snapshot()
    assert run.snapshot_path.read_bytes() == before
    assert [p.name for p in run.folder.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failing_snapshot_never_fails_the_command(
    run: store.Run, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_with_notes(run, clock)

    def full(path, data, mode=0o600):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sessionkit.store.snapshot.atomic_write", full)
    event = run.engine.execute(c.NextStep())  # a step change: a snapshot is due
    assert event.type == "step_started"
    assert "No space left" in run.snapshot_error
    monkeypatch.undo()
    sample.go(run.engine, sample.MAP, clock)
    assert run.snapshot_error is None


# ---------------------------------------------------------------- recovery


def test_recovery_is_snapshot_plus_journal(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=4)
    expected = run.state.model_copy(deep=True)
    assert store.read_snapshot(run.snapshot_path).seq < expected.seq
    crash(run)
    reopened = store.open_run(run.folder)
    assert reopened.state == expected
    assert reopened.warnings == []
    # The reopened engine carries on numbering from there.
    event = reopened.engine.execute(c.AddNote(text="after", step=sample.ANON))
    assert event.seq == expected.seq + 1
    reopened.close()


def test_full_sample_run_recovers_exactly(run: store.Run, clock) -> None:
    sample.play(run.engine, clock, end=False)
    expected = run.state.model_copy(deep=True)
    crash(run)
    reopened = store.open_run(run.folder, clock=clock)
    assert reopened.state == expected
    reopened.close()


def test_a_corrupt_snapshot_is_reported_and_the_whole_journal_replayed(
    run: store.Run, clock
) -> None:
    start_with_notes(run, clock)
    sample.go(run.engine, sample.EMPTY, clock)
    expected = run.state.model_copy(deep=True)
    crash(run)
    text = run.snapshot_path.read_text().splitlines()
    text[6] = "seq = = ="
    run.snapshot_path.write_text("\n".join(text))
    reopened = store.open_run(run.folder)
    assert reopened.state == expected
    [warning] = reopened.warnings
    assert "snapshot.toml" in warning and "line 7" in warning
    assert "whole journal" in warning
    reopened.close()


def test_a_snapshot_with_bad_values_is_reported_with_its_line(run: store.Run, clock) -> None:
    start_with_notes(run, clock)
    expected = run.state.model_copy(deep=True)
    crash(run)
    text = run.snapshot_path.read_text().replace("started = true", 'started = "maybe"')
    run.snapshot_path.write_text(text)
    line = text.splitlines().index('started = "maybe"') + 1
    reopened = store.open_run(run.folder)
    assert reopened.state == expected
    assert f"line {line}" in reopened.warnings[0] and "state.started" in reopened.warnings[0]
    reopened.close()


def test_a_torn_last_line_is_tolerated_and_reported(run: store.Run, clock) -> None:
    start_with_notes(run, clock)
    expected = run.state.model_copy(deep=True)
    crash(run)
    good = run.journal_path.read_bytes()
    lines = good.count(b"\n")
    with open(run.journal_path, "ab") as f:
        f.write(b'{"seq":99,"at":1.0,"type":"note_ad')  # the write a crash cut short
    reopened = store.open_run(run.folder)
    assert reopened.state == expected
    [warning] = reopened.warnings
    assert "journal.jsonl" in warning and f"line {lines + 1}" in warning
    assert "cut short" in warning
    # Set aside, and the journal is whole again: the next event starts its own line.
    assert run.journal_path.read_bytes() == good
    assert b"note_ad" in (run.folder / "journal.jsonl.torn").read_bytes()
    reopened.engine.execute(c.AddNote(text="next", step=sample.ANON))
    expected = reopened.state.model_copy(deep=True)
    reopened.close()
    again = store.open_run(run.folder)
    assert again.state == expected and again.warnings == []
    again.close()


def test_a_torn_line_is_only_reported_when_opened_read_only(run: store.Run, clock) -> None:
    start_with_notes(run, clock)
    crash(run)
    with open(run.journal_path, "ab") as f:
        f.write(b"\x00\x00\x00\x00")
    before = run.journal_path.read_bytes()
    view = store.open_run(run.folder, read_only=True)
    assert "cut short" in view.warnings[0]
    assert run.journal_path.read_bytes() == before
    with pytest.raises(Rejected) as rejected:
        view.engine.execute(c.NextStep())
    assert rejected.value.code == "storage"


def test_a_whole_last_event_without_its_line_break_is_kept(run: store.Run, clock) -> None:
    start_with_notes(run, clock)
    expected = run.state.model_copy(deep=True)
    crash(run)
    run.journal_path.write_bytes(run.journal_path.read_bytes().rstrip(b"\n"))
    reopened = store.open_run(run.folder)
    assert reopened.state == expected
    event = reopened.engine.execute(c.AddNote(text="next", step=sample.ANON))
    reopened.close()
    assert journal_events(reopened)[-1] == event


def test_a_corrupt_middle_line_names_file_and_line_and_keeps_every_other_event(
    run: store.Run, clock
) -> None:
    start_with_notes(run, clock, count=4)
    expected = run.state.model_copy(deep=True)
    crash(run)
    lines = run.journal_path.read_bytes().split(b"\n")
    # Damage an event the snapshot does not cover (the snapshot is at the step change).
    snap_seq = store.read_snapshot(run.snapshot_path).seq
    bad = snap_seq + 1  # seq n is on line n: the first note
    lost_text = json.loads(lines[bad - 1])["data"]["text"]
    lines[bad - 1] = b'{"seq": garbage'
    run.journal_path.write_bytes(b"\n".join(lines))
    with pytest.raises(store.DamagedRecord) as caught:
        store.open_run(run.folder)
    damaged = caught.value
    assert "journal.jsonl" in str(damaged) and f"line {bad}" in str(damaged)
    assert f"event {bad} is missing here and is lost" in str(damaged)
    assert damaged.line == bad and damaged.file == run.journal_path
    # Every intact event is kept: the ones before the damage and the ones after it.
    assert damaged.run.state.seq == expected.seq
    assert _note_texts(damaged.run) == sorted(
        n.text for n in expected.notes.values() if n.text != lost_text
    )
    assert any(f"line {bad}" in w for w in damaged.run.warnings)
    # It is read-only: continuing would write after the damage.
    with pytest.raises(Rejected) as rejected:
        damaged.run.engine.execute(c.AddNote(text="x", step=sample.ANON))
    assert rejected.value.code == "storage"
    # And it can still be exported.
    assert damaged.run.record().state.seq == expected.seq


def test_a_corrupt_line_the_snapshot_covers_loses_nothing(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=2)
    sample.go(run.engine, sample.EMPTY, clock)  # snapshot now covers everything so far
    run.engine.execute(c.Join(name="Late"), "newcomer")
    expected = run.state.model_copy(deep=True)
    crash(run)
    lines = run.journal_path.read_bytes().split(b"\n")
    lines[2] = b"#### not json"
    run.journal_path.write_bytes(b"\n".join(lines))
    reopened = store.open_run(run.folder)
    assert reopened.state == expected
    assert "line 3" in reopened.warnings[0] and "nothing was lost" in reopened.warnings[0]
    reopened.close()


def test_a_gap_in_the_journal_is_damage(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=4)
    crash(run)
    run.snapshot_path.unlink()  # no snapshot: the journal alone must be whole
    lines = run.journal_path.read_bytes().split(b"\n")
    del lines[3]  # event 4 is missing
    run.journal_path.write_bytes(b"\n".join(lines))
    with pytest.raises(store.DamagedRecord) as caught:
        store.open_run(run.folder)
    assert "line 4" in str(caught.value) and "event 4 is missing" in str(caught.value)
    assert caught.value.run.state.seq == 7  # the events after the gap are kept
    assert _note_texts(caught.value.run) == ["note 1", "note 2", "note 3"]


def test_repair_sets_the_damage_aside_and_the_run_goes_on(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=4)
    crash(run)
    run.snapshot_path.unlink()
    lines = run.journal_path.read_bytes().split(b"\n")
    lines[4] = b"garbage"  # event 5, the second note
    run.journal_path.write_bytes(b"\n".join(lines))
    aside = store.repair_run(run.folder)
    assert aside is not None and aside.read_bytes() == b"garbage\n"
    reopened = store.open_run(run.folder)
    assert reopened.state.seq == 7  # the events after the damage were kept
    assert _note_texts(reopened) == ["note 0", "note 2", "note 3"]
    [warning] = reopened.warnings
    assert "event 5 is missing" in warning and "the repair of" in warning
    event = reopened.engine.execute(c.AddNote(text="after repair", step=sample.ANON))
    assert event.seq == 8
    reopened.close()
    log = tomllib.loads((run.folder / "repairs.toml").read_text())
    [entry] = log["repair"]
    assert entry["lost"] == [5] and entry["journal_set_aside"] == aside.name
    assert entry["lines"] == [{"line": 5, "why": entry["lines"][0]["why"]}]
    assert "damaged" in entry["lines"][0]["why"]
    assert store.repair_run(run.folder) is None


# ---------------------------------------------------------------- damage: every intact event survives


def _damage(path: Path, index: int, how: str) -> None:
    """Damage line ``index`` (from 0) of a journal: replace it, change one byte, delete it."""
    lines = path.read_bytes().split(b"\n")
    if how == "garbage":
        lines[index] = b"#### not an event"
    elif how == "byte":
        at = lines[index].index(b'"at":') + 6  # a digit of the time: still valid JSON
        digit = b"1" if lines[index][at : at + 1] != b"1" else b"2"
        lines[index] = lines[index][:at] + digit + lines[index][at + 1 :]
    else:
        del lines[index]
    path.write_bytes(b"\n".join(lines))


def _open_whatever(folder: Path) -> store.Run:
    """The run, opened read-only: damaged or not, with every event recovery kept."""
    try:
        return store.open_run(folder, read_only=True)
    except store.DamagedRecord as damaged:
        return damaged.run


@pytest.mark.parametrize("how", ["garbage", "byte", "deleted"])
def test_damage_to_any_one_line_loses_that_line_only(run: store.Run, clock, how: str) -> None:
    person = start_with_notes(run, clock, count=4)
    run.engine.execute(c.Join(name="Bo"), "newcomer")
    run.engine.execute(c.AddNote(text="last"), person)
    crash(run)
    run.snapshot_path.unlink()  # the journal alone
    original = run.journal_path.read_bytes()
    texts = {}  # line index -> the note it adds
    for index, line in enumerate(original.splitlines()):
        payload = json.loads(line)
        if payload["type"] == "note_added":
            texts[index] = payload["data"]["text"]
    for index in range(len(original.splitlines())):
        _damage(run.journal_path, index, how)
        intact = sorted(text for i, text in texts.items() if i != index)
        view = _open_whatever(run.folder)
        assert _note_texts(view) == intact, (how, index)
        if not (how == "deleted" and index == len(original.splitlines()) - 1):
            # (A deleted last line leaves no trace: it looks like a write never made.)
            assert any(f"line {index + 1}" in w for w in view.warnings), (how, index)
        store.repair_run(run.folder)
        repaired = store.open_run(run.folder)
        assert _note_texts(repaired) == intact
        event = repaired.engine.execute(c.AddNote(text="new", step=sample.ANON))
        assert _note_texts(repaired) == sorted([*intact, "new"]), "a new id, not a kept one"
        assert event.seq == repaired.state.seq
        repaired.close()
        assert _note_texts(store.open_run(run.folder, read_only=True)) == sorted([*intact, "new"])
        for leftover in run.folder.iterdir():  # back to the undamaged run for the next line
            if leftover.name.startswith(("journal.damaged-", "snapshot", "repairs")):
                leftover.unlink()
        run.journal_path.write_bytes(original)


def test_a_damaged_line_whose_neighbours_carry_on_is_skipped_and_reported(
    run: store.Run, clock
) -> None:
    start_with_notes(run, clock, count=3)
    expected = run.state.model_copy(deep=True)
    crash(run)
    run.snapshot_path.unlink()
    lines = run.journal_path.read_bytes().split(b"\n")
    lines.insert(5, b"\xff\xfe an editor's leftovers")  # a line that was never an event
    run.journal_path.write_bytes(b"\n".join(lines))
    reopened = store.open_run(run.folder)  # nothing lost: the run goes on
    assert reopened.state == expected
    [warning] = [w for w in reopened.warnings if "journal.jsonl" in w]
    assert "line 6" in warning and "not valid UTF-8" in warning and "nothing was lost" in warning
    reopened.close()
    repair = store.plan_repair(run.folder)
    assert [(f.line, f.lost) for f in repair.lines] == [(6, False)] and repair.lost == ()


def test_an_event_that_needs_a_lost_one_is_set_aside_and_the_rest_kept(
    run: store.Run, clock
) -> None:
    person = start_with_notes(run, clock, count=3)  # notes n2, n3, n4 on lines 4 to 6
    run.engine.execute(c.HideNote(note="n2"))  # line 7: needs note n2
    run.engine.execute(c.AddNote(text="after"), person)  # line 8
    crash(run)
    run.snapshot_path.unlink()
    _damage(run.journal_path, 3, "byte")  # note n2 ("note 0") is lost
    with pytest.raises(store.DamagedRecord) as caught:
        store.open_run(run.folder)
    damaged = caught.value.run
    assert _note_texts(damaged) == ["after", "note 1", "note 2"]
    first, second = [w for w in damaged.warnings if "journal.jsonl" in w]
    assert "line 4" in first and "checksum does not match" in first
    assert "event 4 is missing here and is lost" in first
    assert "line 7" in second and "event 7 (note_hidden) does not fit" in second
    assert "KeyError" in second and "may depend on event 4" in second
    assert caught.value.line == 4 and "1 more problem" in str(caught.value)
    repair = store.plan_repair(run.folder)
    assert [f.line for f in repair.lines] == [4, 7] and repair.lost == (4, 7)
    store.apply_repair(run.folder)
    reopened = store.open_run(run.folder)
    assert _note_texts(reopened) == ["after", "note 1", "note 2"]
    assert len(reopened.warnings) == 2
    assert all("the repair of" in w for w in reopened.warnings)
    reopened.close()


def test_after_a_repair_every_lost_event_is_still_in_the_warnings(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=3)
    run.engine.execute(c.HideNote(note="n2"))  # the last event: needs note n2
    crash(run)
    run.snapshot_path.unlink()
    _damage(run.journal_path, 3, "garbage")  # note n2 is lost, and with it the last event
    store.apply_repair(run.folder)
    reopened = store.open_run(run.folder)
    assert [w.split(": ", 1)[1] for w in reopened.warnings] == [
        "event 4 is missing before event 5 and was lost before, as the repair of "
        f"{_repair_time(run)} (repairs.toml) recorded",
        f"event 7 after event 6 was lost, as the repair of {_repair_time(run)} "
        "(repairs.toml) recorded",
    ]
    reopened.close()


def _repair_time(run: store.Run) -> str:
    import datetime as dt

    [entry] = tomllib.loads((run.folder / "repairs.toml").read_text())["repair"]
    return f"{dt.datetime.fromtimestamp(entry['at']):%Y-%m-%d %H:%M}"


def test_a_repeated_line_is_left_out_and_nothing_lost(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=3)
    expected = run.state.model_copy(deep=True)
    crash(run)
    lines = run.journal_path.read_bytes().split(b"\n")
    lines.insert(5, lines[4])  # event 5 twice
    run.journal_path.write_bytes(b"\n".join(lines))
    reopened = store.open_run(run.folder)
    assert reopened.state == expected
    [warning] = reopened.warnings
    assert "line 6" in warning and "repeats event 5 of line 5 exactly" in warning
    reopened.close()


def test_an_event_out_of_order_is_set_aside_and_the_others_kept(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=4)
    crash(run)
    run.snapshot_path.unlink()
    lines = run.journal_path.read_bytes().split(b"\n")
    lines.insert(5, lines.pop(3))  # event 4 moved between events 6 and 7
    run.journal_path.write_bytes(b"\n".join(lines))
    with pytest.raises(store.DamagedRecord) as caught:
        store.open_run(run.folder)
    warnings = [w for w in caught.value.run.warnings if "journal.jsonl" in w]
    assert any("event 4 is missing before event 5" in w for w in warnings)
    assert any(
        "line 6" in w
        and "holds event 4 (note_added)" in w
        and "out of order" in w
        and "between events 6 and 7" in w
        for w in warnings
    )
    assert _note_texts(caught.value.run) == ["note 1", "note 2", "note 3"]


# ---------------------------------------------------------------- a snapshot that disagrees


def _edit_snapshot(path: Path, edit) -> None:
    data = tomllib.loads(path.read_text())
    edit(data)
    import tomli_w

    path.write_text(tomli_w.dumps(data))


def _snapshot_then_notes(run: store.Run, clock) -> SessionState:
    """A run whose snapshot (at a step change) is followed by acknowledged notes."""
    person = start_with_notes(run, clock, count=2)
    sample.go(run.engine, sample.EMPTY, clock)  # the snapshot is at this step change
    for n in range(3):
        run.engine.execute(c.AddNote(text=f"later {n}"), person)
    expected = run.state.model_copy(deep=True)
    assert store.read_snapshot(run.snapshot_path).seq < expected.seq
    crash(run)
    return expected


def _legacy(data: dict) -> None:
    """A snapshot as written before snapshots carried checks."""
    del data["state_crc"], data["journal"]


@pytest.mark.parametrize("kind", ["checked", "legacy"])
def test_a_snapshot_ahead_of_the_journal_is_set_aside_and_rebuilt(
    run: store.Run, clock, kind: str
) -> None:
    expected = _snapshot_then_notes(run, clock)
    if kind == "legacy":
        _edit_snapshot(run.snapshot_path, _legacy)
    text = run.snapshot_path.read_text()
    seq = store.read_snapshot(run.snapshot_path).seq
    assert f"\nseq = {seq}\n" in text
    # One digit more: the snapshot now claims events the journal has never had.
    run.snapshot_path.write_text(text.replace(f"\nseq = {seq}\n", f"\nseq = 9{seq}\n"))
    before = run.snapshot_path.read_bytes()
    view = store.open_run(run.folder, read_only=True)  # reports, changes nothing
    assert view.state == expected
    assert run.snapshot_path.read_bytes() == before
    reopened = store.open_run(run.folder)
    assert reopened.state == expected  # every acknowledged note, from the journal
    [warning] = reopened.warnings
    assert "snapshot.toml" in warning and "whole journal was replayed" in warning
    if kind == "legacy":
        assert f"at event 9{seq}, but the journal's last event is {expected.seq}" in warning
    else:
        assert "does not match its checksum" in warning
    [aside] = run.folder.glob("snapshot.damaged-*.toml")
    assert aside.name in warning and aside.read_bytes() == before
    assert store.read_snapshot(run.snapshot_path) == expected  # rewritten from the journal
    reopened.close()
    again = store.open_run(run.folder)
    assert again.warnings == [] and again.state == expected
    again.close()


@pytest.mark.parametrize(
    "edit, said",
    [
        (lambda d: d["journal"].update(crc="0badc0de"), "taken after another event"),
        (lambda d: d["journal"].update(seq=2), "says it was taken at event 2"),
    ],
)
def test_a_snapshot_that_names_another_journal_event_is_set_aside(
    run: store.Run, clock, edit, said: str
) -> None:
    expected = _snapshot_then_notes(run, clock)
    _edit_snapshot(run.snapshot_path, edit)  # the state (and its checksum) unchanged
    reopened = store.open_run(run.folder)
    assert reopened.state == expected
    [warning] = reopened.warnings
    assert said in warning and "set aside" in warning
    reopened.close()


def test_a_snapshot_behind_that_matches_the_journal_is_used(run: store.Run, clock) -> None:
    expected = _snapshot_then_notes(run, clock)
    written = tomllib.loads(run.snapshot_path.read_text())
    assert written["journal"]["seq"] == written["state"]["seq"] < expected.seq
    reopened = store.open_run(run.folder)
    assert reopened.state == expected and reopened.warnings == []
    reopened.close()


# ---------------------------------------------------------------- line checksums


def _note_texts(run: store.Run) -> list[str]:
    return sorted(n.text for n in run.state.notes.values())


def test_a_changed_byte_in_a_line_is_detected_not_replayed(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=3)
    crash(run)
    run.snapshot_path.unlink()  # nothing else to fall back on
    data = run.journal_path.read_bytes()
    assert data.count(b'"note 1"') == 1
    run.journal_path.write_bytes(data.replace(b'"note 1"', b'"note 7"'))  # still valid JSON
    line = data[: data.index(b'"note 1"')].count(b"\n") + 1
    with pytest.raises(store.DamagedRecord) as caught:
        store.open_run(run.folder)
    assert f"journal.jsonl, line {line}" in str(caught.value)
    assert "checksum does not match" in str(caught.value)
    assert "note 7" not in _note_texts(caught.value.run)


def test_a_changed_checksum_is_detected(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=2)
    crash(run)
    run.snapshot_path.unlink()
    lines = run.journal_path.read_bytes().split(b"\n")
    crc = lines[2][-10:-2]
    lines[2] = lines[2][:-10] + (b"0" if crc[:1] != b"0" else b"1") + crc[1:] + b'"}'
    run.journal_path.write_bytes(b"\n".join(lines))
    with pytest.raises(store.DamagedRecord) as caught:
        store.open_run(run.folder)
    assert "line 3" in str(caught.value) and "checksum" in str(caught.value)


def _strip_checksums(path: Path) -> None:
    """Make the journal look like one written before lines had checksums."""
    lines = []
    for line in path.read_bytes().splitlines():
        payload = json.loads(line)
        del payload["crc"]
        lines.append(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_a_journal_written_before_checksums_is_still_read_and_continued(
    run: store.Run, clock
) -> None:
    start_with_notes(run, clock, count=3)
    expected = run.state.model_copy(deep=True)
    crash(run)
    _strip_checksums(run.journal_path)
    assert b'"crc"' not in run.journal_path.read_bytes()
    reopened = store.open_run(run.folder)
    assert reopened.state == expected and reopened.warnings == []
    event = reopened.engine.execute(c.AddNote(text="new line", step=sample.ANON))
    reopened.close()
    assert run.journal_path.read_bytes().splitlines()[-1].endswith(b'"}')
    assert b'"crc"' in run.journal_path.read_bytes().splitlines()[-1]
    again = store.open_run(run.folder)
    assert again.warnings == [] and again.state.seq == event.seq
    assert "new line" in _note_texts(again)
    again.close()


def test_a_line_without_its_checksum_after_lines_with_one_is_damaged(run: store.Run, clock) -> None:
    start_with_notes(run, clock, count=3)
    crash(run)
    run.snapshot_path.unlink()
    lines = run.journal_path.read_bytes().split(b"\n")
    payload = json.loads(lines[4])
    del payload["crc"]
    lines[4] = json.dumps(payload, separators=(",", ":")).encode()
    run.journal_path.write_bytes(b"\n".join(lines))
    with pytest.raises(store.DamagedRecord) as caught:
        store.open_run(run.folder)
    assert "line 5" in str(caught.value) and "no checksum" in str(caught.value)


# ---------------------------------------------------------------- privacy


@pytest.fixture
def open_umask():
    """The usual umask, which lets others read new files unless the store says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _private(folder: Path) -> dict[str, int]:
    """Every file and folder under ``folder`` (relative name -> mode) that others could read."""
    return {
        str(p.relative_to(folder)): p.stat().st_mode & 0o777
        for p in [folder, *folder.rglob("*")]
        if p.stat().st_mode & 0o077
    }


def test_every_file_the_store_makes_is_private(tmp_path: Path, clock, open_umask) -> None:
    run = store.create_run(tmp_path / "records", sample.plan(), sample.methods(), clock=clock)
    start_with_notes(run, clock)
    crash(run)
    with open(run.journal_path, "ab") as f:
        f.write(b'{"seq":99,"at":1.0,"type":"note_ad')  # a torn line: set aside on opening
    reopened = store.open_run(run.folder)
    reopened.close()
    run.snapshot_path.unlink()
    lines = run.journal_path.read_bytes().split(b"\n")
    lines[4] = b"garbage"
    run.journal_path.write_bytes(b"\n".join(lines))
    assert store.repair_run(run.folder) is not None
    run.snapshot_path.write_text("not = = toml")  # set aside, and written again, on opening
    store.open_run(run.folder).close()
    made = {p.name for p in run.folder.rglob("*")}
    assert {
        "run.toml",
        "plan.toml",
        "sample.toml",
        "journal.jsonl",
        "snapshot.toml",
        ".lock",
        "journal.jsonl.torn",
        "repairs.toml",
    } <= made
    assert [n for n in made if n.startswith("journal.damaged-")]
    assert [n for n in made if n.startswith("snapshot.damaged-")]
    assert _private(run.folder) == {}


# ---------------------------------------------------------------- storage failures


def _unchanged(run: store.Run, before: SessionState, size: int) -> None:
    assert run.engine.state == before
    assert run.journal_path.stat().st_size == size
    assert [e.seq for e in journal_events(run)] == list(range(1, before.seq + 1))


@pytest.mark.parametrize("failure", ["enospc", "partial", "fsync"])
def test_a_failing_disk_is_refused_cleanly_and_used_again_once_it_recovers(
    run: store.Run, clock, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    person = start_with_notes(run, clock)
    before = run.engine.state.model_copy(deep=True)
    size = run.journal_path.stat().st_size
    real_write, real_fsync = os.write, os.fsync

    def write(fd: int, data: bytes) -> int:
        if failure == "partial" and len(data) > 10:
            return real_write(fd, bytes(data)[:10])  # a short write, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    if failure == "fsync":
        monkeypatch.setattr(os, "fsync", fsync)
    else:
        monkeypatch.setattr(os, "write", write)
    with pytest.raises(Rejected) as rejected:
        run.engine.execute(c.AddNote(text="lost?", client_id="x1"), person)
    assert rejected.value.code == "storage"
    assert "could not be saved" in str(rejected.value)
    assert run.engine.storage_error
    monkeypatch.setattr(os, "fsync", real_fsync)  # let the check read the file
    _unchanged(run, before, size)
    # A batch is refused as a whole.
    monkeypatch.setattr(os, "fsync", fsync if failure == "fsync" else real_fsync)
    results = run.engine.execute_many([(c.AddNote(text=f"b{n}"), person) for n in range(3)])
    assert all(isinstance(r, Rejected) and r.code == "storage" for r in results)
    monkeypatch.undo()
    _unchanged(run, before, size)
    # The disk recovers: the resend is accepted once and recorded.
    event = run.engine.execute(c.AddNote(text="lost?", client_id="x1"), person)
    assert event.seq == before.seq + 1
    assert run.engine.storage_error is None
    assert run.engine.execute(c.AddNote(text="lost?", client_id="x1"), person) == event
    crash(run)
    reopened = store.open_run(run.folder)
    assert reopened.warnings == []
    assert [n.text for n in reopened.state.notes.values()].count("lost?") == 1
    reopened.close()


def test_when_even_the_undo_fails_the_stray_bytes_are_cut_before_the_next_write(
    run: store.Run, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = start_with_notes(run, clock)
    size = run.journal_path.stat().st_size
    real_fsync, real_ftruncate = os.fsync, os.ftruncate
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "EIO")))
    monkeypatch.setattr(
        os, "ftruncate", lambda fd, n: (_ for _ in ()).throw(OSError(errno.EIO, "EIO"))
    )
    with pytest.raises(Rejected):
        run.engine.execute(c.AddNote(text="stray"), person)
    assert run.journal_path.stat().st_size > size  # the bytes are still there...
    monkeypatch.setattr(os, "fsync", real_fsync)
    with pytest.raises(Rejected):  # ...and nothing is written after them while they are
        run.engine.execute(c.AddNote(text="next"), person)
    monkeypatch.setattr(os, "ftruncate", real_ftruncate)
    event = run.engine.execute(c.AddNote(text="next"), person)
    events = journal_events(run)
    assert events[-1] == event and b"stray" not in run.journal_path.read_bytes()


def test_a_read_only_journal_file_is_refused(
    run: store.Run, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal file cannot be opened for writing (permissions, a read-only mount)."""
    person = start_with_notes(run, clock)
    before = run.engine.state.model_copy(deep=True)
    size = run.journal_path.stat().st_size
    run.journal.close()  # the next append opens the file afresh
    os.chmod(run.journal_path, 0o444)
    real_open = os.open
    if os.geteuid() == 0:  # root ignores permissions: play the part of the kernel

        def refuse(path, flags, *args, **kw):
            if str(path) == str(run.journal_path) and flags & (os.O_WRONLY | os.O_RDWR):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args, **kw)

        monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(Rejected) as rejected:
        run.engine.execute(c.AddNote(text="refused"), person)
    assert rejected.value.code == "storage" and "Permission denied" in str(rejected.value)
    assert run.engine.state == before and run.journal_path.stat().st_size == size
    monkeypatch.undo()
    os.chmod(run.journal_path, 0o600)
    event = run.engine.execute(c.AddNote(text="accepted"), person)
    assert journal_events(run)[-1] == event


def test_a_journal_deleted_under_the_run_is_refused(run: store.Run, clock) -> None:
    person = start_with_notes(run, clock)
    run.journal_path.unlink()
    with pytest.raises(Rejected) as rejected:
        run.engine.execute(c.AddNote(text="into the void"), person)
    assert rejected.value.code == "storage"


# ---------------------------------------------------------------- one writer


def test_a_run_can_only_be_open_once_for_writing(run: store.Run) -> None:
    with pytest.raises(store.RecordError, match="open in another sessionkit"):
        store.open_run(run.folder)
    view = store.open_run(run.folder, read_only=True)  # reading is always fine
    assert view.state == run.state
    run.close()
    store.open_run(run.folder).close()


# ---------------------------------------------------------------- finding, listing, purging


def _three_runs(tmp_path: Path, clock: sample.Clock) -> tuple[Path, list[store.Run]]:
    records = tmp_path / "records"
    runs = []
    for stage in ("not started", "in progress", "ended"):
        clock.tick(3600)
        run = store.create_run(records, sample.plan(), sample.methods(), clock=clock)
        if stage != "not started":
            sample.play(run.engine, clock, end=stage == "ended")
        run.close()
        runs.append(run)
    return records, runs


def test_list_runs(tmp_path: Path, clock) -> None:
    records, runs = _three_runs(tmp_path, clock)
    (records / ".creating-something").mkdir()  # half-made runs are not listed
    (records / "not-a-run").mkdir()
    summaries = store.list_runs(records)
    assert [s.status for s in summaries] == ["ended", "in progress", "not started"]
    ended = summaries[0]
    assert ended.plan_title == "Sample workshop"
    assert ended.participants == 3 and ended.notes == len(runs[2].state.notes)
    assert ended.events == runs[2].state.seq
    assert summaries[2].events == 0 and summaries[2].notes == 0
    assert store.list_runs(tmp_path / "nowhere") == []


def test_a_damaged_run_is_listed_not_fatal(tmp_path: Path, clock) -> None:
    records, runs = _three_runs(tmp_path, clock)
    (runs[0].folder / "plan.toml").write_text("this is = = not toml")
    statuses = {s.name: s for s in store.list_runs(records)}
    broken = statuses[runs[0].name]
    assert broken.status == "unreadable" and "plan.toml" in broken.problem
    assert statuses[runs[1].name].status == "in progress"


def test_resolve_by_name_prefix_run_id_or_path(tmp_path: Path, clock) -> None:
    records, runs = _three_runs(tmp_path, clock)
    target = runs[1].folder
    assert store.resolve_run(target.name, records) == target
    assert store.resolve_run(runs[1].run_id[:5], records) == target
    assert store.resolve_run(target, records) == target.resolve()
    with pytest.raises(store.RecordError, match="matches 3 runs"):
        store.resolve_run("20", records)
    with pytest.raises(store.RecordError, match="no run 'zzz'"):
        store.resolve_run("zzz", records)
    with pytest.raises(store.RecordError, match="not a sessionkit run folder"):
        store.resolve_run(str(tmp_path) + "/", records)


def test_purge(tmp_path: Path, clock) -> None:
    records, runs = _three_runs(tmp_path, clock)
    open_one = store.open_run(runs[1].folder)
    with pytest.raises(store.RecordError, match="open in another"):
        store.purge_run(runs[1].name, records)
    open_one.close()
    assert store.purge_run(runs[1].name, records) == runs[1].folder
    assert not runs[1].folder.exists()
    assert len(store.list_runs(records)) == 2
    with pytest.raises(store.RecordError):
        store.purge_run(str(tmp_path) + "/", records)  # never anything but a run folder
    assert tmp_path.exists()


def test_a_run_nothing_happened_in_is_let_go_and_any_other_is_kept(tmp_path: Path, clock) -> None:
    records = tmp_path / "records"

    def closed_run(then=lambda run: None) -> Path:
        run = store.create_run(records, sample.plan(), sample.methods(), clock=clock)
        then(run)
        run.close()
        return run.folder

    unused = closed_run()
    assert store.discard_unused(unused) and not unused.exists()

    joined = closed_run(lambda run: sample.join(run.engine, "Alice"))  # before the start
    exported = closed_run(lambda run: (run.exports_dir / "x.md").write_text("mine"))
    stray = closed_run(lambda run: (run.folder / "notes.txt").write_text("mine"))
    for kept in (joined, exported, stray):
        assert not store.discard_unused(kept) and kept.exists()
    token = closed_run(lambda run: (run.folder / "join-token").write_text("t"))
    assert not store.discard_unused(token)
    assert store.discard_unused(token, also=frozenset({"join-token"}))

    in_use = closed_run()
    elsewhere = store.open_run(in_use)  # open in another sessionkit
    assert not store.discard_unused(in_use) and in_use.exists()
    elsewhere.close()
    assert not store.discard_unused(tmp_path) and tmp_path.exists()  # never a non-run
    assert {p.name for p in records.iterdir()} == {
        joined.name,
        exported.name,
        stray.name,
        in_use.name,
    }


def test_every_bundled_method_and_plan_round_trips_through_a_run_folder(tmp_path: Path) -> None:
    """What a run copies must load back exactly, for every real method and plan."""
    import tomli_w

    from sessionkit.core.tomldata import toml_data

    root = Path(__file__).resolve().parents[1]
    checked = 0
    for kind, model in (("methods", Method), ("sessions", Plan)):
        for path in sorted((root / kind).glob("*.toml")):
            try:
                original = model.model_validate(tomllib.loads(path.read_text()))
            except Exception:
                continue
            copied = model.model_validate(tomllib.loads(tomli_w.dumps(toml_data(original))))
            assert copied == original, path.name
            checked += 1
    if not checked:
        pytest.skip("no bundled methods or plans load yet")


# ---------------------------------------------------------------- snapshots inside the app's loop


async def test_in_the_event_loop_a_snapshot_waits_for_the_step_change_and_leaves_the_loop(
    run: store.Run, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the TUI's loop (where phones and the screen wait) a step change is not held up
    by encoding and fsyncing the whole state: the snapshot is copied a moment later,
    written by a worker thread, and quick successive changes share one."""
    import threading

    monkeypatch.setattr("sessionkit.store.run.SNAPSHOT_DELAY", 0.05)
    writes: list[tuple[str, int]] = []
    write = store._write_snapshot_data

    def counted(path: Path, data: dict) -> None:
        write(path, data)  # recorded once the file is written, not when the write starts
        writes.append((threading.current_thread().name, data["state"]["seq"]))

    monkeypatch.setattr("sessionkit.store.run._write_snapshot_data", counted)
    start_with_notes(run, clock)
    for _ in range(4):  # the facilitator clicks through four steps
        run.engine.execute(c.NextStep())
    assert writes == [] and store.read_snapshot(run.snapshot_path).seq < run.state.seq
    await until(lambda: writes, "the snapshot to be written")
    assert len(writes) == 1 and writes[0][0] != threading.current_thread().name
    assert writes[0][1] == run.state.seq
    assert store.read_snapshot(run.snapshot_path) == run.state

    def full(path, data, mode=0o600):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sessionkit.store.snapshot.atomic_write", full)
    event = run.engine.execute(c.NextStep())
    assert event.type == "step_started"  # the command never fails for a snapshot
    await until(lambda: run.snapshot_error, "the failed snapshot to be reported")
    assert "No space left" in run.snapshot_error
    monkeypatch.undo()
    # A snapshot still pending when the run closes gives way to the final one.
    monkeypatch.setattr("sessionkit.store.run.SNAPSHOT_DELAY", 5.0)
    run.engine.execute(c.PreviousStep())
    run.close()
    assert store.read_snapshot(run.snapshot_path) == run.state
