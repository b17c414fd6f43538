"""A run's join tokens in its folder: made once, replaced on request, kept across
reopening; and the joining events (closed joining, bans) kept by the record.

(The live server's side, a new code while phones are joined, is in tests/test_live_joining.py.)
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from helpers import sample
from sessionkit import store
from sessionkit.core import commands as c
from sessionkit.core.state import NEWCOMER
from sessionkit.store import tokens


def _new_run(tmp_path: Path) -> store.Run:
    return store.create_run(tmp_path, sample.plan(), sample.methods())


def test_a_run_gets_one_join_token_and_keeps_it_across_reopening(tmp_path: Path) -> None:
    run = _new_run(tmp_path)
    assert store.read_join_tokens(run.folder) is None  # made when first asked for
    first = store.join_tokens(run.folder)
    assert first.retired == ()
    assert store.join_tokens(run.folder) == first
    path = run.folder / store.JOIN_TOKEN_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # a secret: private to the user
    run.close()
    reopened = store.open_run(run.folder)
    assert store.join_tokens(reopened.folder) == first
    reopened.close()


def test_a_replaced_token_stays_replaced_after_reopening(tmp_path: Path) -> None:
    run = _new_run(tmp_path)
    first = store.join_tokens(run.folder)
    second = store.replace_join_token(run.folder)
    third = store.replace_join_token(run.folder)
    assert len({first.current, second.current, third.current}) == 3
    assert third.retired == (second.current, first.current)  # newest first
    run.close()

    reopened = store.open_run(run.folder)
    assert store.join_tokens(reopened.folder) == third
    reopened.close()


def test_a_token_that_cannot_be_kept_is_not_replaced(tmp_path: Path, monkeypatch) -> None:
    run = _new_run(tmp_path)
    first = store.join_tokens(run.folder)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tokens, "atomic_write", full_disk)
    with pytest.raises(OSError):
        store.replace_join_token(run.folder)
    monkeypatch.undo()
    assert store.join_tokens(run.folder) == first
    run.close()


def test_an_unreadable_token_file_gives_a_new_token(tmp_path: Path) -> None:
    run = _new_run(tmp_path)
    path = run.folder / store.JOIN_TOKEN_FILE
    path.write_bytes(b"not a token!\n\xff\xfe")
    made = store.join_tokens(run.folder)
    assert made.current and made.retired == ()
    assert store.read_join_tokens(run.folder) == made
    # A file with a bad line among good ones keeps the good ones.
    path.write_text(f"{made.current}\nbad token!\nolder-token-1234\n", encoding="ascii")
    assert store.join_tokens(run.folder) == store.JoinTokens(made.current, ("older-token-1234",))
    run.close()


def test_closed_joining_and_bans_survive_reopening(tmp_path: Path) -> None:
    run = _new_run(tmp_path)
    engine = run.engine
    engine.execute(c.StartSession())
    engine.execute(c.Join(name="Ann", device="dev-a"), NEWCOMER)
    engine.execute(c.RemoveParticipant(participant="p1"))
    engine.execute(c.SetJoining(open=False))
    run.close()  # a final snapshot, which must hold them too

    reopened = store.open_run(run.folder)
    assert not reopened.state.joining_open and reopened.state.participants["p1"].bans
    reopened.close()
    (run.folder / store.SNAPSHOT_FILE).unlink()  # the journal alone says the same
    replayed = store.open_run(run.folder)
    assert not replayed.state.joining_open and replayed.state.participants["p1"].bans
    replayed.close()
