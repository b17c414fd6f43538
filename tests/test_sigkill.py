"""A real process is SIGKILLed while participants' notes stream in: after reopening the
run, every note it acknowledged is there, exactly once, and the run carries on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from sessionkit import store

CHILD = Path(__file__).parent / "helpers" / "sigkill_child.py"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _start(records: Path, folder: Path | None = None) -> tuple[subprocess.Popen[str], Path]:
    args = [sys.executable, str(CHILD), str(records)] + ([str(folder)] if folder else [])
    child = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    if not first.startswith("run "):
        child.kill()
        raise AssertionError(f"child did not start: {first!r} {child.stderr.read()!r}")
    return child, Path(first[4:].strip())


def _kill_after(child: subprocess.Popen[str], acks_wanted: int) -> list[tuple[int, str]]:
    """Read ``acks_wanted`` acknowledgements, then SIGKILL the child mid-stream."""
    acks: list[tuple[int, str]] = []
    assert child.stdout is not None
    while len(acks) < acks_wanted:
        line = child.stdout.readline()
        assert line, f"child stopped early: {child.stderr.read() if child.stderr else ''}"
        _, seq, text = line.rstrip("\n").split(" ", 2)
        acks.append((int(seq), text))
    child.send_signal(signal.SIGKILL)
    # Acks printed before the kill landed are acknowledgements too.
    rest, _ = child.communicate(timeout=30)
    for line in rest.splitlines():
        if line.startswith("ack ") and line.count(" ") >= 2:
            _, seq, text = line.split(" ", 2)
            if text.startswith("note ") and len(text) == len("note 000000"):
                acks.append((int(seq), text))
    assert child.returncode == -signal.SIGKILL
    return acks


def _check(folder: Path, acks: list[tuple[int, str]]) -> store.Run:
    run = store.open_run(folder)
    assert all("cut short" in w for w in run.warnings), run.warnings
    prefixes = Counter(note.text[:11] for note in run.state.notes.values())
    for seq, text in acks:
        assert prefixes[text] == 1, (
            f"acknowledged {text} (event {seq}) found {prefixes[text]} times"
        )
        assert run.state.seq >= seq
    assert all(count == 1 for count in prefixes.values()), "a note was recorded twice"
    # No holes: what was recorded is note 0..k, in order (unacknowledged ones may follow).
    numbers = sorted(int(text[5:11]) for text in prefixes)
    assert numbers == list(range(len(numbers)))
    return run


@pytest.mark.parametrize("acks_wanted", [1, 37, 250])
def test_acknowledged_notes_survive_sigkill(tmp_path: Path, acks_wanted: int) -> None:
    child, folder = _start(tmp_path)
    acks = _kill_after(child, acks_wanted)
    run = _check(folder, acks)
    run.close()


def test_killed_again_and_again(tmp_path: Path) -> None:
    """Reopen after each kill and keep writing: the record stays whole across crashes."""
    child, folder = _start(tmp_path)
    acks = _kill_after(child, 20)
    for wanted in (5, 60, 1):
        _check(folder, acks).close()
        child, again = _start(tmp_path, folder)
        assert again == folder
        acks += _kill_after(child, wanted)
    run = _check(folder, acks)
    # The run carries on after the last crash.
    from sessionkit.core import commands as c
    from sessionkit.core.state import NEWCOMER

    person = run.engine.execute(c.Join(), NEWCOMER).data["participant"]
    event = run.engine.execute(c.AddNote(text="after the crashes"), person)
    run.close()
    reopened = store.open_run(folder)
    assert reopened.state.seq == event.seq
    assert reopened.warnings == []
    reopened.close()
