"""A vote on a big board: how large is the view, and what do 30 phones refetching it at
once cost? (``python bench/burst.py --vote-notes 6000``; issue 16 item 2.)

For each configuration a fresh ``bench/_server.py``: ``sessionkit`` as shipped (long
lists a page of 100 at a time), ``sessionkit --page 0`` (every target in the view, as
before paging: the "before" figure), and the bare Starlette app with the same two
payload rules. The facilitator adds ``--vote-notes`` notes to the board in one journal
write, moves to the vote on them and opens it; ``--refetchers`` phones join (no event
streams: only their fetches are timed) and, ``--rounds`` times, all ask for ``GET
state`` at the same instant, accepting gzip as a browser does (the bare app gzips as sessionkit
does). Reported: the bytes of one view (as JSON, and gzipped on the wire), the per-request latency
(p50, p95, the slowest), and the server's event loop's worst stall during the rounds.
"""

from __future__ import annotations

import asyncio
import gzip
import shutil
import tempfile
from pathlib import Path
from typing import Any

from _phones import Phone, Room, ServerProcess, ms, now, pct

CONFIGURATIONS = (
    ("sessionkit", ()),
    ("sessionkit", ("--page", "0")),
    ("bare", ("--gzip",)),
    ("bare", ("--gzip", "--page", "0")),
)


def label(mode: str, extra: tuple[str, ...]) -> str:
    return f"{mode} ({'every target' if '--page' in extra else 'first page of 100'})"


async def one_config(mode: str, extra: tuple[str, ...], args: Any) -> dict[str, Any]:
    records = Path(tempfile.mkdtemp(prefix="sessionkit-refetch-"))
    server = ServerProcess(mode, records, extra)
    try:
        await server.start()
        await server.command(f"seed {args.vote_notes}")
        await server.command("goto 0 1")
        await server.command("open_vote")
        room = Room(server.port, server.token, fetch=False)
        phones = []
        for _ in range(args.refetchers):
            phone = Phone(room, len(phones))
            await phone.join()
            phones.append(phone)
        headers = {"X-Participant-Key": phones[0].key, "Accept-Encoding": "gzip"}
        status, wire = await phones[0].fetch_conn.request("GET", f"{room.api}/state", None, headers)
        assert status == 200, (status, wire[:200])
        body = gzip.decompress(wire)
        latencies: list[float] = []
        stalls: list[float] = []
        for _ in range(args.rounds):
            await asyncio.sleep(0.5)
            await server.stats()  # the worst stall from here on

            async def fetch(phone: Any) -> None:
                started = now()
                got, _ = await phone.fetch_conn.request(
                    "GET",
                    f"{room.api}/state",
                    None,
                    {"X-Participant-Key": phone.key, "Accept-Encoding": "gzip"},
                )
                assert got == 200
                latencies.append(now() - started)

            await asyncio.gather(*(fetch(p) for p in phones))
            stalls.append(float((await server.stats())["stall_ms"]) / 1000)
        for phone in phones:
            phone.fetch_conn.close()
            phone.submit_conn.close()
        return {
            "config": label(mode, extra),
            "bytes": len(body),
            "wire": len(wire),
            "p50": pct(latencies, 50),
            "p95": pct(latencies, 95),
            "max": max(latencies),
            "stall": max(stalls),
        }
    finally:
        await server.stop()
        shutil.rmtree(records, ignore_errors=True)


async def run(args: Any) -> None:
    results = []
    for mode, extra in CONFIGURATIONS:
        result = await asyncio.wait_for(one_config(mode, extra, args), 300)
        print(result, flush=True)
        results.append(result)
    print(
        f"\n{args.refetchers} phones refetch a vote on {args.vote_notes:,} notes at once, "
        f"{args.rounds} rounds:\n"
    )
    print("| server | view (gzipped) | per request p50 | p95 | slowest | loop's worst stall |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['config']} | {r['bytes'] / 1000:,.1f} kB ({r['wire'] / 1000:,.1f} kB) "
            f"| {ms(r['p50'])} | {ms(r['p95'])} "
            f"| {ms(r['max'])} | {ms(r['stall'])} |"
        )
