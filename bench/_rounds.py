"""The rounds phase of ``participants.py``: every phone in a group of four.

The facilitator moves to a grouped step (the engine forms 250 fours of 1,000 phones as
the step starts, in the step change's event); after 2.5 s (as before the votes: the step
change's refetches and snapshot settle), every phone posts to its group's
shared list every ``--interval`` seconds for ``--rounds-seconds``. Each note notifies
the four members at once (their personal view changed), so each note costs up to four
refetches of a view that carries the group's list.
"""

from __future__ import annotations

import argparse
import asyncio
import random
from typing import Any

from _phones import Room, ServerProcess, Submission, now, summary

ROUNDS_STEP = 5
"""Index of the bench method's grouped step (``_server.py``)."""


async def rounds_phase(
    room: Room,
    server: ServerProcess,
    args: argparse.Namespace,
    rng: random.Random,
    result: dict[str, Any],
    post_notes: Any,
) -> list[Submission]:
    all_seen, delays = await room.step_change(server, 0, ROUNDS_STEP)
    result["rounds_step_all"] = all_seen
    result["rounds_step_each"] = summary(delays)
    # As before the votes: let the step change's refetches (every phone) and the
    # snapshot it schedules settle, so the figures are of the round itself.
    await asyncio.sleep(2.5)
    cpu0, wall0 = server.cpu_seconds(), now()
    notes: list[Submission] = await post_notes(room, args.rounds_seconds, args.interval, rng)
    wall1, cpu1 = now(), server.cpu_seconds()
    ok = [s for s in notes if s.status in (200, 201)]
    result["rounds_sent"], result["rounds_acked"] = len(notes), len(ok)
    result["rounds_failed"] = sorted(
        {f"{s.status} {s.error[:60]}" for s in notes if s.status not in (200, 201)}
    )[:5]
    result["rounds_ack"] = summary([s.acked - s.sent for s in ok])
    result["rounds_cpu"] = (cpu1 - cpu0) / (wall1 - wall0)
    return notes


def rounds_text(r: dict[str, Any], ms: Any) -> str:
    a = r["rounds_ack"]
    return (
        f"  rounds (fours): {r['rounds_acked']}/{r['rounds_sent']} group notes acknowledged; "
        f"submit->ack p50 {ms(a['p50'])} p95 {ms(a['p95'])} p99 {ms(a['p99'])}; step change "
        f"forming the groups seen by all in {ms(r['rounds_step_all'])}; server CPU "
        f"{r['rounds_cpu'] * 100:.0f}%"
        + (f"; refused {r['rounds_failed']}" if r["rounds_failed"] else "")
    )
