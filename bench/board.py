"""How fast is the facilitator's board with thousands of notes?

A script, not a test (timings depend on the machine). Run it headless:

    python bench/board.py                 # 2,000 notes in 100 clusters, then 10,000 in 500
    python bench/board.py --notes 10000   # one size (clusters: one per 20 notes)

For each size it prints the median and worst time of:

- floor: a key bound to nothing, and refresh: a redraw of the whole screen asked for
  through the Pilot; both are the Pilot's own cost, measured in the same run as the
  rest, so the figures below can be read against them;
- open first: moving from the notes step to the cluster step the first time (none of
  the notes in a cluster yet); the run screen laid that board out half a second after
  the notes step began (``RunScreen._prepare_next``), as it does in a real session;
- lay out: what that costs, a board laid out from every note (a fresh ``LiveBoard``,
  outside the Pilot): the one callback, so the stall it makes;
- open again: going back to the cluster step (every note now in a cluster), whose
  board is kept up to date from events meanwhile (``tui/board_live.py``);
- focus: moving the cursor one note down;
- move: moving the focused note to the next cluster (``]``): an engine command, the
  board brought up to date and redrawn;
- phone: a note arriving from a phone while the board is open (engine event ->
  batched redraw);
- room: opening the room view (cards laid out for every visible note; built in full).

Beside each: the event loop's worst stall over those runs, the longest any one callback
of the loop ran (so the longest a key press or a phone's request could have waited).

Each action is timed two ways:

- wall: time.perf_counter() around the key press plus ``await pilot.pause()``, i.e. until
  the app has processed the key and everything it triggered. This includes the pilot's
  own idle detection, which sleeps in 20 ms slices (about 60 ms per press + pause even
  for a key that does nothing: the "floor" line measures exactly that);
- cpu: time.process_time() over the same span: the work the app really did (handling
  the key, rebuilding the board, drawing), which is what a facilitator waits for.

The budget is 50 ms of work (CPU) for open, focus, move and phone, at either size.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import Event
from sessionkit.tui import SessionkitApp
from sessionkit.tui.board_live import LiveBoard

BUDGET_MS = 50.0
SIZE = (160, 50)
BUDGETED = ("open first", "open again", "focus", "move", "phone", "lay out")


def workshop() -> tuple[Plan, dict[str, Method]]:
    method = Method.model_validate(
        {
            "id": "big",
            "name": "Big board",
            "summary": "Many notes.",
            "purpose": "Benchmark.",
            "phase": "define",
            "duration": {"min": 20, "typical": 20, "max": 20},
            "group_size": {"min": 2, "max": 500},
            "steps": [
                {
                    "id": "collect",
                    "title": "Collect",
                    "prompt": "Add notes.",
                    "timebox": 10,
                    "input": {"kind": "notes", "max_per_person": 100},
                },
                {
                    "id": "group",
                    "title": "Group",
                    "prompt": "Group them.",
                    "timebox": 10,
                    "input": {"kind": "cluster", "source_steps": ["collect"]},
                },
            ],
        }
    )
    plan = Plan.model_validate(
        {
            "id": "bench",
            "title": "Benchmark",
            "days": [{"start": "09:00", "end": "17:00", "agenda": [{"method": "big"}]}],
        }
    )
    return plan, {"big": method}


def filled_engine(notes: int, clusters: int) -> Engine:
    plan, methods = workshop()
    engine = Engine(plan, methods)
    engine.execute(c.StartSession())
    engine.execute_many(
        [
            (
                c.AddNote(
                    text=f"Note {i}: people told us about waiting times, forms and "
                    f"phone calls that go nowhere ({i % 97})"
                ),
                "facilitator",
            )
            for i in range(notes)
        ]
    )
    return engine


def cluster_commands(engine: Engine, clusters: int) -> list[tuple[c.Command, str]]:
    """Every note in one of ``clusters`` clusters (run on the cluster step)."""
    ids = list(engine.state.notes)
    per = len(ids) // clusters
    return [
        (
            c.CreateCluster(
                label=f"Theme {k}: something people said", notes=ids[k * per : (k + 1) * per]
            ),
            "facilitator",
        )
        for k in range(clusters)
    ]


def ms(seconds: list[float]) -> str:
    values = [s * 1000 for s in seconds]
    return f"{statistics.median(values):6.1f} / {max(values):6.1f}"


class StallMeter:
    """The longest any one callback of the event loop ran, while switched on.

    Everything in a Textual app runs as callbacks of one asyncio loop, so the longest
    callback is the longest the loop was stalled: wraps ``asyncio.Handle._run``.
    """

    def __init__(self) -> None:
        self.worst = 0.0
        self.worst_cpu = 0.0
        """The most CPU any one callback used: on a machine shared with other work the
        wall time of a callback also counts the time the OS gave to others."""
        self.on = False
        run = asyncio.events.Handle._run
        meter = self

        def timed(handle: asyncio.events.Handle) -> None:
            if not meter.on:
                return run(handle)
            began, cpu = time.perf_counter(), time.process_time()
            try:
                return run(handle)
            finally:
                meter.worst = max(meter.worst, time.perf_counter() - began)
                meter.worst_cpu = max(meter.worst_cpu, time.process_time() - cpu)

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]


STALLS = StallMeter()


class GcMeter:
    """CPU time spent in the garbage collector while switched on (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._began = 0.0
        gc.callbacks.append(self._heard)

    def _heard(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.process_time()
        else:
            self.spent += time.process_time() - self._began


GC = GcMeter()


class Stopwatch:
    """Wall and CPU time and the worst stall of one action; appends them to a list."""

    def __init__(self, into: list[tuple[float, float, float, float, float]]) -> None:
        self.into = into

    def __enter__(self) -> None:
        STALLS.worst, STALLS.worst_cpu, STALLS.on = 0.0, 0.0, True
        GC.spent = 0.0
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def __exit__(self, *exc: object) -> None:
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        STALLS.on = False
        self.into.append((wall, cpu, STALLS.worst, STALLS.worst_cpu, GC.spent))


ACTIONS = (
    "floor",
    "refresh",
    "open first",
    "open again",
    "focus",
    "move",
    "phone",
    "room",
    "lay out",
)


Runs = list[tuple[float, float, float, float, float]]
"""(wall, cpu, worst stall wall, worst stall cpu, in the GC) of each run of an action,
in seconds."""


async def measure(notes: int, clusters: int) -> dict[str, Runs]:
    engine = filled_engine(notes, clusters)
    app = SessionkitApp(engine=engine, join_url="http://192.168.1.20:8000/j/benchmark")
    timings: dict[str, Runs] = {k: [] for k in ACTIONS}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(10):  # a key bound to nothing: what the pilot itself costs
            with Stopwatch(timings["floor"]):
                await pilot.press("f12")
                await pilot.pause()
        for _ in range(10):  # the whole screen redrawn, asked through the pilot
            with Stopwatch(timings["refresh"]):
                app.screen.refresh()
                await pilot.pause()
        with Stopwatch(timings["open first"]):
            await pilot.press("n")
            await pilot.pause()
        # Clusters are made through the engine on the cluster step (as if the room had
        # already sorted), then we leave the board and come back to it.
        results = engine.execute_many(cluster_commands(engine, clusters))
        assert all(isinstance(r, Event) for r in results), "the clusters were not made"
        app.link.flush()
        await pilot.pause()
        for _ in range(3):
            await pilot.press("p")
            await pilot.pause()
            with Stopwatch(timings["open again"]):
                await pilot.press("n")
                await pilot.pause()
        # into the first cluster, so "]" has somewhere to go
        await pilot.press("down", "down")
        await pilot.pause()
        for _ in range(40):
            with Stopwatch(timings["focus"]):
                await pilot.press("down")
                await pilot.pause()
        moved = sum(1 for e in engine.history if e.type == "note_moved")
        for _ in range(20):
            with Stopwatch(timings["move"]):
                await pilot.press("right_square_bracket")
                await pilot.pause()
        moved = sum(1 for e in engine.history if e.type == "note_moved") - moved
        assert moved == 20, f"only {moved} of 20 moves happened"
        first_source = engine.cluster_sources()[0]
        for i in range(10):
            with Stopwatch(timings["phone"]):
                engine.execute(c.AddNote(text=f"late note {i}", step=first_source))
                app.link.flush()  # what the batching timer does 50 ms later
                await pilot.pause()
        for _ in range(3):
            with Stopwatch(timings["room"]):
                await pilot.press("v")
                await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        for _ in range(3):  # on the cluster step: the pass over every note, alone
            live = LiveBoard()
            with Stopwatch(timings["lay out"]):
                live.model(engine)
            live.close()
        for runs in (timings["lay out"],):  # one callback: the stall is the whole of it
            runs[:] = [(w, cpu, w, cpu, g) for w, cpu, _, _, g in runs]
    return timings


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, help="one board of this many notes")
    args = parser.parse_args()
    sizes = (
        [(args.notes, max(1, args.notes // 20))] if args.notes else [(2_000, 100), (10_000, 500)]
    )
    failed = False
    for notes, clusters in sizes:
        print(f"{notes:,} notes in {clusters} clusters, {SIZE[0]}x{SIZE[1]} terminal")
        print(
            "              wall ms (median / worst)   cpu ms (median / worst)"
            "   worst stall ms (wall / cpu)   gc ms (worst)"
        )
        timings = await measure(notes, clusters)
        for name, runs in timings.items():
            wall = [r[0] for r in runs]
            cpu = [r[1] for r in runs]
            stall = max(r[2] for r in runs) * 1000
            stall_cpu = max(r[3] for r in runs) * 1000
            in_gc = max(r[4] for r in runs) * 1000
            budget = ""
            if name in BUDGETED:
                ok = max(cpu) * 1000 < BUDGET_MS
                failed |= not ok
                budget = "  ok" if ok else f"  OVER {BUDGET_MS:.0f} ms"
            print(
                f"  {name:10}  {ms(wall)}          {ms(cpu)}"
                f"          {stall:6.1f} / {stall_cpu:5.1f}        {in_gc:5.1f}{budget}"
            )
        worst = max(r[2] for runs in timings.values() for r in runs) * 1000
        worst_cpu = max(r[3] for runs in timings.values() for r in runs) * 1000
        print(
            f"  worst event-loop stall in this configuration: {worst:.1f} ms wall, "
            f"{worst_cpu:.1f} ms cpu"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
