"""What lasts is kept out of the garbage collector's full passes.

A full (oldest-generation) collection walks every object the collector tracks. In a
running session most of them are there to stay: the code, the plan, and the run itself,
which grows with every note (1,000 phones posting for 20 s leave some 200,000 objects).
Python starts a full pass whenever what was promoted since the last one is a quarter of
what that one left, so the passes keep coming as the run grows, and each costs more:
100-200 ms of CPU at 200,000 objects, a stall that every phone's acknowledgement and
every key press waiting behind it feels (docs/benchmarks.md). And such a pass, in a
session, frees next to nothing.

So, once per process: collect, then freeze what is left (:func:`gc.freeze`: the frozen
objects are never walked again); and after every later full pass that freed next to
nothing, freeze what it left too. Right after a full pass every object the collector
tracks is reachable, so nothing is frozen that was garbage then. What is frozen is still
freed the moment nothing refers to it (reference counting does not look at
generations); only an object that later becomes part of an unreachable cycle stays
until the process ends. Where full passes do free things (cycles being made and dropped
all the time), nothing more is frozen, so that churn is not kept.
"""

from __future__ import annotations

import gc

NEXT_TO_NOTHING = 1_000
"""A full pass that freed at most this many objects found the heap all alive."""

_installed = False


def keep_what_lasts() -> None:
    """Freeze the heap as it is, and what later full passes find alive (once per
    process; calling it again does nothing)."""
    global _installed
    if _installed:
        return
    _installed = True
    gc.collect()
    gc.freeze()
    gc.callbacks.append(_after_a_pass)


def _after_a_pass(phase: str, info: dict[str, int]) -> None:
    if phase == "stop" and info["generation"] == 2 and info["collected"] <= NEXT_TO_NOTHING:
        gc.freeze()
