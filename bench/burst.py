"""Everyone submits in the same instant: how long until every note is acknowledged?

    python bench/burst.py                   # 200 and 1,000 phones, ~2 min
    python bench/burst.py -n 1000 --rounds 5
    python bench/burst.py --vote-notes 6000 # 30 phones refetch a vote on 6,000 notes at once

For each number of phones, a fresh server process (``bench/_server.py``) with the engine
and the journal on, and the bare Starlette baseline. The phones join and hold their event
streams open; the facilitator moves to a fresh notes board; then, ``--rounds`` times,
every phone posts one note at the same instant (all requests are written in one turn of
the client's event loop, i.e. within a few milliseconds). Reported per round: until the
last acknowledgement, the per-request latency, how many fsynced journal writes carried
the burst (group commit), and until every phone had a notice covering the last note.
The journal is then checked: every acknowledged note exactly once.

With ``--vote-notes N`` it measures instead what refetching a vote on N notes costs,
paged and not, beside the bare app (``bench/_refetch.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _refetch
from _phones import (
    Room,
    ServerProcess,
    Submission,
    check_journal,
    ms,
    now,
    pct,
    run_configurations,
    summary,
)


async def burst(room: Room, round_: int) -> tuple[float, list[Submission]]:
    fire = now() + 0.3
    out: list[Submission] = []

    async def one(phone: Any) -> None:
        await asyncio.sleep(max(0.0, fire - now()))
        out.append(await phone.submit("note", {"text": f"burst {round_} from {phone.index}"}))

    await asyncio.gather(*(one(p) for p in room.phones))
    return fire, out


async def one_run(mode: str, count: int, args: argparse.Namespace) -> dict[str, Any]:
    records = Path(tempfile.mkdtemp(prefix="sessionkit-burst-"))
    server = ServerProcess(mode, records)
    result: dict[str, Any] = {"mode": mode, "phones": count, "rounds": []}
    room: Room | None = None
    try:
        await server.start()
        room = Room(server.port, server.token)
        await room.connect(count)
        result["streams_open"] = (await server.stats())["streams"]
        all_seen, _ = await room.step_change(server, 0, 4)
        result["step_change_all"] = all_seen
        submissions: list[Submission] = []
        for r in range(args.rounds):
            await asyncio.sleep(args.pause)  # refetches after the last notice settle
            await server.stats()
            cpu0 = server.cpu_seconds()
            fire, out = await burst(room, r)
            cpu1 = server.cpu_seconds()
            writes = (await server.stats()).get("journal")
            ok = [s for s in out if s.status in (200, 201)]
            latencies = [s.acked - s.sent for s in ok]
            last_ack = max(s.acked for s in ok) - fire if ok else float("nan")
            # until every phone got a notice covering the whole burst
            await asyncio.sleep(max(0.5, count * 0.01) + 1.0)
            top = max((s.seq for s in ok), default=0)
            seen_all = 0.0
            for phone in room.phones:
                i = next((k for k, seq in enumerate(phone.seqs) if seq >= top), None)
                seen_all = max(seen_all, float("inf") if i is None else phone.times[i] - fire)
            result["rounds"].append(
                {
                    "acked": len(ok),
                    "sent": len(out),
                    "all_acked": last_ack,
                    "latency": summary(latencies),
                    "writes": writes,
                    "seen_by_all": seen_all,
                    "cpu": cpu1 - cpu0,
                    "failed": sorted({f"{s.status} {s.error[:60]}" for s in out if s not in ok})[
                        :3
                    ],
                }
            )
            submissions += out
        result["peak_rss_mb"] = server.peak_rss_mb()
        pid_of = {p.index: p.pid for p in room.phones}
        room.close()
        room = None
        await server.stop()
        if mode == "sessionkit" and server.folder is not None:
            check, _ = check_journal(server.folder, submissions, pid_of)
            result["journal"] = check.__dict__ | {"ok": check.ok}
        return result
    finally:
        if room is not None:
            room.close()
        await server.stop()
        shutil.rmtree(records, ignore_errors=True)


def show(r: dict[str, Any]) -> None:
    print(f"\n== burst: {r['mode']}, {r['phones']} phones ({r['streams_open']} streams open) ==")
    for i, x in enumerate(r["rounds"]):
        w = x["writes"]
        batches = (
            (
                f"{w['appends']} journal writes (mean batch {w['events'] / w['appends']:.1f}, "
                f"largest {w['max_batch']})"
            )
            if w and w["appends"]
            else "no journal"
        )
        lat = x["latency"]
        print(
            f"  round {i}: {x['acked']}/{x['sent']} acknowledged, the last after "
            f"{ms(x['all_acked'])}; per request p50 {ms(lat['p50'])} p95 {ms(lat['p95'])} "
            f"p99 {ms(lat['p99'])}; {batches}; server CPU {x['cpu']:.2f} s; "
            f"seen by every phone after {ms(x['seen_by_all'])}"
        )
        if x["failed"]:
            print(f"    failed: {x['failed']}")
    print(f"  peak RSS {r['peak_rss_mb']:.0f} MB")
    if "journal" in r:
        j = r["journal"]
        print(
            f"  journal: {j['notes_in_journal']} notes; acknowledged {j['acked']}, lost "
            f"{j['lost']}, duplicated {j['duplicated']} -> {'OK' if j['ok'] else 'PROBLEM'}"
        )
    sys.stdout.flush()


def table(results: list[dict[str, Any]]) -> None:
    by = {(r["mode"], r["phones"]): r for r in results}
    print("\n| configuration | metric | sessionkit | bare Starlette | ratio | target | met? |")
    print("|---|---|---|---|---|---|---|")
    for count in sorted({r["phones"] for r in results}):
        sk, bare = by.get(("sessionkit", count)), by.get(("bare", count))
        if sk is None:
            continue

        def med(r: dict[str, Any] | None, key: str, sub: str | None = None) -> float:
            if r is None:
                return float("nan")
            values = [x[key][sub] if sub else x[key] for x in r["rounds"]]
            return pct(values, 50)

        n = len(sk["rounds"])
        for label, key, sub in (
            (f"burst: until all acknowledged (median of {n} rounds)", "all_acked", None),
            (f"burst: per-request p95 (median of {n} rounds)", "latency", "p95"),
            (f"burst: until seen by every phone (median of {n} rounds)", "seen_by_all", None),
        ):
            a, b = med(sk, key, sub), med(bare, key, sub)
            ratio = f"{a / b:.1f}x" if not math.isnan(b) and b > 0 else "-"
            print(f"| {count} phones | {label} | {ms(a)} | {ms(b)} | {ratio} | | |")
        w = [x["writes"] for x in sk["rounds"] if x["writes"]]
        mean_batch = sum(x["events"] for x in w) / max(1, sum(x["appends"] for x in w))
        print(
            f"| {count} phones | burst: notes per fsynced journal write "
            f"| {mean_batch:.1f} | - | - | | |"
        )
        if "journal" in sk:
            j = sk["journal"]
            print(
                f"| {count} phones | burst: journal check | {j['lost']} lost, {j['duplicated']} "
                f"duplicated of {j['acked']} | - | - | 0 and 0 | {'yes' if j['ok'] else 'no'} |"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--participants", default="200,1000")
    parser.add_argument("--modes", default="sessionkit,bare")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--pause", type=float, default=3.0, help="seconds between rounds (default 3)"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--vote-notes", type=int, default=0)
    parser.add_argument("--refetchers", type=int, default=30)
    args = parser.parse_args()
    if args.vote_notes:
        await _refetch.run(args)
        return
    await run_configurations(one_run, show, table, args, timeout=300)


if __name__ == "__main__":
    asyncio.run(main())
