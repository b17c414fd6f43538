"""sessionkit.heap: what a full collection finds alive is left out of the next ones,
what is frozen is still freed when let go, and churning cycles are not frozen."""

from __future__ import annotations

import gc
import weakref

from sessionkit import heap


class Thing:
    """Tracked by the collector, and can be referred to weakly."""


def test_installed_once_per_process() -> None:
    heap.keep_what_lasts()
    heap.keep_what_lasts()
    assert gc.callbacks.count(heap._after_a_pass) == 1
    assert gc.get_freeze_count() > 1000


def test_what_a_quiet_full_pass_finds_alive_is_frozen_and_still_freed_when_let_go() -> None:
    heap.keep_what_lasts()
    gc.collect()  # whatever garbage earlier tests left goes first
    kept = [Thing() for _ in range(5_000)]
    before = gc.get_freeze_count()
    assert gc.collect() <= heap.NEXT_TO_NOTHING
    assert gc.get_freeze_count() >= before + len(kept)
    frozen = set(map(id, gc.get_objects(generation=2)))
    assert id(kept[0]) not in frozen, "not walked by the next full pass"
    gone = weakref.ref(kept[0])
    del kept[:]
    assert gone() is None, "a frozen object is still freed when nothing refers to it"


def test_a_full_pass_that_frees_much_freezes_nothing_more() -> None:
    heap.keep_what_lasts()
    gc.collect()
    pairs = []
    for _ in range(5_000):  # cycles that live a while, then are dropped
        a, b = Thing(), Thing()
        a.other, b.other = b, a  # type: ignore[attr-defined]
        pairs.append(a)
    gc.collect(1)  # promoted to the oldest generation by a young pass, which freezes nothing
    before = gc.get_freeze_count()
    del pairs[:]  # garbage now, that only the collector can free
    assert gc.collect() > heap.NEXT_TO_NOTHING
    assert gc.get_freeze_count() == before
