"""Child process for tests/test_faults.py: a real participant server over a real run.

Usage: python http_child.py RECORDS_DIR TOKEN [RUN_FOLDER]

Creates a run of a one-step plan (an open notes board) in RECORDS_DIR and starts it, or
reopens RUN_FOLDER (after a crash: recovery as ``sessionkit run`` would do it), then
serves it on 127.0.0.1 and a free port with the join token TOKEN. Prints
``ready <port> <run folder>``, then answers one command per stdin line:

    fsize <bytes>|off  limit the size of any file this process writes (RLIMIT_FSIZE) to
                       the journal's current size plus <bytes>: appends then fail with
                       EFBIG, as on a full disk; ``off`` lifts the limit   -> ok
    stats              -> ok {"seq", "notes", "storage_error", "journal_bytes", and the
                       door's "open", "cap", "admitted", "refused", "made_room"}
    snapshot           write the snapshot now                       -> ok, or err <why>
    quit               stop serving, close the run, exit                   -> bye

Logs go to ``child.log`` in RECORDS_DIR. With ``CHILD_FILES=<n>`` in the environment the
process may open only <n> files (RLIMIT_NOFILE, soft and hard), as on a small machine.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import resource
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers.sample import notes_board
from sessionkit import store
from sessionkit.core import commands as c
from sessionkit.web import ParticipantServer, WebLimits, create_app

PLAN, METHODS = notes_board("board")
LIMITS = WebLimits(
    rate=10_000.0,
    burst=10_000,
    anonymous_rate=10_000.0,
    anonymous_burst=10_000,
    urgent_delay=0.01,
    bulk_delay=0.05,
)


def _door(server: ParticipantServer) -> dict[str, int]:
    door = server.door
    if door is None:
        return {}
    return {
        "open": door.open,
        "cap": door.cap,
        "admitted": door.admitted,
        "refused": door.refused,
        "made_room": door.made_room,
    }


async def main() -> None:
    records, token = Path(sys.argv[1]), sys.argv[2]
    if files := os.environ.get("CHILD_FILES"):
        resource.setrlimit(resource.RLIMIT_NOFILE, (int(files), int(files)))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write over the limit fails with EFBIG
    if len(sys.argv) > 3:
        run = store.open_run(Path(sys.argv[3]))
    else:
        run = store.create_run(records, PLAN, METHODS)
        run.engine.execute(c.StartSession())
    handler = logging.FileHandler(records / "child.log")
    server = ParticipantServer(
        create_app(run.engine, token=token, limits=LIMITS), log_handler=handler
    )
    server.bind("127.0.0.1", 0)
    task = asyncio.create_task(server.serve())
    await server.wait_started()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    say(f"ready {server.port} {run.folder}")
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    try:
        while line := (await reader.readline()).decode().strip():
            words = line.split()
            if words[0] == "quit":
                break
            if words[0] == "fsize":
                if words[1] == "off":
                    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
                else:
                    size = run.journal_path.stat().st_size + int(words[1])
                    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
                say("ok")
            elif words[0] == "stats":
                say(
                    "ok "
                    + json.dumps(
                        {
                            "seq": run.engine.state.seq,
                            "notes": len(run.engine.state.notes),
                            "storage_error": run.engine.storage_error,
                            "journal_bytes": os.path.getsize(run.journal_path),
                            **_door(server),
                        }
                    )
                )
            elif words[0] == "snapshot":
                try:
                    run.save_snapshot()
                except OSError as error:
                    say(f"err {error}")
                else:
                    say("ok")
            else:
                say(f"err {line}")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
        server.stop()
        await asyncio.wait_for(task, 10)
        run.close()
        say("bye")


if __name__ == "__main__":
    asyncio.run(main())
