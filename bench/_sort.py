"""The sort phase of ``bench/participants.py``: every phone places items into buckets.

Each phone places a different item every ``--interval`` seconds for ``--sort-seconds``
(a bucket chosen at random), through ``POST /api/command`` as the phone page does. The
bare server answers the same route without doing any work, so the two p95 figures of one
run can be compared.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from _phones import Phone, Room, ServerProcess, Submission, now, summary

BUCKETS = ("Keep", "Drop")
SORT_STEP = 6
"""The bench method's sort step (``bench/_server.py``): 0.6, on the notes of 0.0."""


async def place_items(
    room: Room, targets: list[str], seconds: float, interval: float, rng: random.Random
) -> list[Submission]:
    out: list[Submission] = []
    posters = [p for p in room.phones if not p.observer]
    start = now() + 0.2
    end = start + seconds

    async def phone_loop(phone: Phone, offset: float) -> None:
        mine = rng.sample(targets, min(len(targets), int(seconds / interval) + 2))
        for k, item in enumerate(mine):
            due = start + offset + k * interval
            if due >= end:
                return
            await asyncio.sleep(max(0.0, due - now()))
            body = {"type": "place_item", "item": item, "bucket": rng.choice(BUCKETS)}
            out.append(await phone.submit("place", body))

    await asyncio.gather(
        *(phone_loop(p, interval * i / len(posters)) for i, p in enumerate(posters))
    )
    return out


async def sort_phase(
    room: Room,
    server: ServerProcess,
    targets: list[str],
    seconds: float,
    interval: float,
    rng: random.Random,
) -> dict[str, Any]:
    """Go to the sort step, sort, and return the figures (``sort_*`` keys)."""
    all_seen, _ = await room.step_change(server, 0, SORT_STEP)
    await asyncio.sleep(2.0)  # every phone has refetched the sort's view
    cpu0, wall0 = server.cpu_seconds(), now()
    placed = await place_items(room, targets, seconds, interval, rng)
    wall1, cpu1 = now(), server.cpu_seconds()
    ok = [s for s in placed if s.status in (200, 201)]
    return {
        "sort_step_all": all_seen,
        "sort_sent": len(placed),
        "sort_acked": len(ok),
        "sort_refused": sorted(
            {f"{s.status} {s.error[:60]}" for s in placed if s.status not in (200, 201)}
        )[:5],
        "sort_ack": summary([s.acked - s.sent for s in ok]),
        "cpu_sort": (cpu1 - cpu0) / (wall1 - wall0),
    }


def show_sort(r: dict[str, Any], ms: Any) -> str:
    a = r["sort_ack"]
    text = (
        f"  sort: {r['sort_acked']}/{r['sort_sent']} placements; submit->ack p50 "
        f"{ms(a['p50'])} p95 {ms(a['p95'])} p99 {ms(a['p99'])}; server CPU "
        f"{r['cpu_sort'] * 100:.0f}%"
    )
    if r["sort_refused"]:
        text += f"\n  refused placements: {r['sort_refused']}"
    return text
