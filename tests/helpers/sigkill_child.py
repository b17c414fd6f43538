"""Child process for tests/test_sigkill.py: writes participant notes until it is killed.

Usage: python sigkill_child.py RECORDS_DIR [RUN_FOLDER]

Creates a run (or reopens RUN_FOLDER), prints ``run <folder>``, then adds notes as
participants as fast as it can. After each note is acknowledged (the engine returned, so
the journal write was fsynced) it prints ``ack <seq> <text>`` and flushes stdout. The
parent reads some acks and SIGKILLs it mid-stream.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers.sample import notes_board
from sessionkit import store
from sessionkit.core import commands as c
from sessionkit.core.state import NEWCOMER

PLAN, METHODS = notes_board("flood")


def main() -> None:
    records = Path(sys.argv[1])
    if len(sys.argv) > 2:
        run = store.open_run(Path(sys.argv[2]))
    else:
        run = store.create_run(records, PLAN, METHODS)
        run.engine.execute(c.StartSession())
    print(f"run {run.folder}", flush=True)
    engine = run.engine
    start = len(engine.state.notes)
    person = None
    i = start
    while True:
        if person is None or i % 100 == 0:
            person = engine.execute(c.Join(name=None), NEWCOMER).data["participant"]
        text = f"note {i:06d} " + "x" * (i % 400)
        event = engine.execute(c.AddNote(text=text, client_id=f"c{i}"), person)
        print(f"ack {event.seq} note {i:06d}", flush=True)
        i += 1


if __name__ == "__main__":
    main()
