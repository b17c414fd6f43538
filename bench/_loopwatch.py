"""Where the bench server's event loop stalls: slow callbacks, fsyncs and collections.

    SESSIONKIT_BENCH_SLOWLOG=/tmp/slow.jsonl python bench/attack.py --modes sessionkit

With the variable set, ``bench/_server.py`` writes one JSON line for every event-loop
callback that ran longer than 20 ms (its wall and CPU time: a callback whose CPU time
is far below its wall time was waiting, on the disk or for a core; one close to it was
working), every ``fsync`` over 10 ms, and every garbage collection over 10 ms or of the
oldest generation (with what it freed). A ``py-spy`` profile shows where the CPU goes
on average; this shows what the worst stalls were, which is what honest phones feel.

For the benchmarks only: it wraps asyncio's ``Handle._run`` and ``os.fsync``.
"""

from __future__ import annotations

import asyncio.events
import gc
import json
import os
import time
from typing import Any

SLOW_CALLBACK = 0.02
SLOW_FSYNC = 0.01
SLOW_COLLECTION = 0.01


def install(path: str) -> None:
    out = open(path, "w")  # open for the life of the process

    def write(**row: Any) -> None:
        out.write(json.dumps({"t": round(time.time(), 3), **row}) + "\n")
        out.flush()

    _watch_callbacks(write)
    _watch_fsync(write)
    _watch_collections(write)


def _watch_callbacks(write: Any) -> None:
    run = asyncio.events.Handle._run

    def timed(handle: asyncio.events.Handle) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            run(handle)
        finally:
            wall = time.perf_counter() - wall
            if wall > SLOW_CALLBACK:
                callback = handle._callback  # type: ignore[attr-defined]
                owner = getattr(callback, "__self__", None) or callback
                write(
                    wall_ms=round(wall * 1000, 1),
                    cpu_ms=round((time.thread_time() - cpu) * 1000, 1),
                    callback=repr(owner)[:120],
                )

    asyncio.events.Handle._run = timed  # type: ignore[method-assign]


def _watch_fsync(write: Any) -> None:
    fsync = os.fsync

    def timed(fd: Any) -> None:
        started = time.perf_counter()
        try:
            fsync(fd)
        finally:
            took = time.perf_counter() - started
            if took > SLOW_FSYNC:
                write(fsync_ms=round(took * 1000, 1))

    os.fsync = timed


def _watch_collections(write: Any) -> None:
    started: list[float] = [0.0, 0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter(), time.thread_time()]
            return
        wall = time.perf_counter() - started[0]
        if info["generation"] == 2 or wall > SLOW_COLLECTION:
            write(
                collection=info["generation"],
                wall_ms=round(wall * 1000, 1),
                cpu_ms=round((time.thread_time() - started[1]) * 1000, 1),
                freed=info["collected"],
                walked=len(gc.get_objects()) if info["generation"] == 2 else None,
            )

    gc.callbacks.append(callback)
