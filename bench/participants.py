"""How does the participant server hold up with a room full of phones?

    python bench/participants.py                      # 50, 200 and 1,000 phones, ~6 min
    python bench/participants.py -n 200 --notes-seconds 30

For each number of phones, a fresh server process (``bench/_server.py``: engine,
journal on disk, hub, views; no TUI) and, for comparison, a bare Starlette server with
the same routes and notification policy that does no work (``--mode bare``). Simulated
phones (``bench/_phones.py``, raw asyncio on 127.0.0.1, in this process) then:

1. join and hold their event streams open (all of them at once);
2. post a note every ``--interval`` seconds each, for ``--notes-seconds``, on an open
   board (phase offsets spread evenly, so the rate is steady);
3. resend a sample of acknowledged notes with the same client_id (must be answered as a
   duplicate, never recorded twice);
4. follow the facilitator to a vote on those notes and cast a dot every ``--interval``
   seconds each, for ``--votes-seconds``;
5. follow ``--step-changes`` more step changes;
6. follow the facilitator to a round in fours (groups formed as the step starts) and post
   to their group's shared list every ``--interval`` seconds, for ``--rounds-seconds``
   (``bench/_rounds.py``).
7. follow the facilitator to a sort of the notes and place a note in a bucket every
   ``--interval`` seconds each, for ``--sort-seconds`` (``bench/_sort.py``).

Every phone refetches its view on each notice, like the phone page. Phone 0 only
watches: it parses every view it fetches, to check that a notice that covers a note is
followed by a view that shows it.

Figures: submit -> acknowledged; submit -> seen by the other phones (a ``changed``
notice with ``seq`` >= the note's); step change -> seen by all phones (from the control
command to the last phone's notice); throughput; server CPU (``/proc/<pid>/stat``) and
peak RSS (``VmHWM``). After each sessionkit run the journal is read back: every
acknowledged note and vote exactly once, nothing recorded twice.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _phones import (
    Phone,
    Room,
    ServerProcess,
    Submission,
    check_journal,
    check_observed,
    ms,
    now,
    run_configurations,
    summary,
)
from _rounds import rounds_phase, rounds_text
from _sort import show_sort, sort_phase

# Notes of 2-10 words drawn from a room's vocabulary, not one sentence cut short: the
# stream is gzipped, and a repeated sentence would compress far better than real notes.
WORDS = (
    "the a to of and in for on with we they people family staff team service support "
    "referral waiting list weeks months phone call letter form online visit home care "
    "worker nurse doctor council housing benefits carer school hospital discharge "
    "nobody somebody always never often again first last next same different story "
    "tell ask wait move change lose find share trust know help listen repeat explain "
    "right wrong time place door number name record system handover meeting plan "
    "money rent food transport bus evening weekend night morning winter local "
    "community centre library group friend neighbour volunteer manager director "
    "policy target funding contract budget risk safe worried angry tired confused "
    "kind quick slow late early clear simple hard easy better worse new old long short"
).split()


async def post_notes(
    room: Room, seconds: float, interval: float, rng: random.Random
) -> list[Submission]:
    out: list[Submission] = []
    posters = [p for p in room.phones if not p.observer]
    start = now() + 0.2
    end = start + seconds

    async def phone_loop(phone: Phone, offset: float) -> None:
        k = 0
        while True:
            due = start + offset + k * interval
            if due >= end:
                return
            await asyncio.sleep(max(0.0, due - now()))
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(2, 11)))
            text = f"note {phone.index}/{k} {words}"
            out.append(await phone.submit("note", {"text": text}))
            k += 1

    await asyncio.gather(
        *(phone_loop(p, interval * i / len(posters)) for i, p in enumerate(posters))
    )
    return out


async def cast_votes(
    room: Room, targets: list[str], seconds: float, interval: float, rng: random.Random
) -> list[Submission]:
    out: list[Submission] = []
    posters = [p for p in room.phones if not p.observer]
    start = now() + 0.2
    end = start + seconds

    async def phone_loop(phone: Phone, offset: float) -> None:
        mine = rng.sample(targets, min(len(targets), int(seconds / interval) + 2))
        k = 0
        while k < len(mine):
            due = start + offset + k * interval
            if due >= end:
                return
            await asyncio.sleep(max(0.0, due - now()))
            out.append(await phone.submit("vote", {"target": mine[k]}))
            k += 1

    await asyncio.gather(
        *(phone_loop(p, interval * i / len(posters)) for i, p in enumerate(posters))
    )
    return out


async def resend_sample(
    room: Room, notes: list[Submission], count: int, rng: random.Random
) -> tuple[int, int, list[Submission]]:
    acked = [s for s in notes if s.status in (200, 201)]
    sample = rng.sample(acked, min(count, len(acked)))
    answers = await asyncio.gather(
        *(
            room.phones[s.phone].submit("note", {"text": "resent"}, client_id=s.client_id)
            for s in sample
        )
    )
    good = sum(
        1
        for a, s in zip(answers, sample, strict=False)
        if a.status == 200 and a.duplicate and a.seq == s.seq
    )
    return len(sample), good, list(answers)


async def one_run(mode: str, count: int, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(count)
    records = Path(tempfile.mkdtemp(prefix="sessionkit-bench-"))
    server = ServerProcess(mode, records)
    result: dict[str, Any] = {"mode": mode, "phones": count}
    room: Room | None = None
    try:
        await server.start()
        room = Room(server.port, server.token)
        cpu_client0 = time.process_time()
        result["connect_s"] = await room.connect(count)
        room.phones[0].observer = True
        stats = await server.stats()
        result["streams_open"] = stats["streams"]
        await asyncio.sleep(1.0)  # let the first refetches settle

        # -- notes
        await server.stats()  # resets the journal write counters
        cpu0, wall0 = server.cpu_seconds(), now()
        received0 = sum(p.received for p in room.phones)
        fetches0 = sum(p.fetches for p in room.phones)
        notes = await post_notes(room, args.notes_seconds, args.interval, rng)
        wall1, cpu1 = now(), server.cpu_seconds()
        notes_stats = await server.stats()
        result["writes_notes"] = notes_stats.get("journal")
        result["stall_notes_ms"] = notes_stats.get("stall_ms")
        result["bytes_per_phone_s"] = (sum(p.received for p in room.phones) - received0) / (
            count * (wall1 - wall0)
        )
        result["fetches_notes"] = sum(p.fetches for p in room.phones) - fetches0
        bulk = max(0.5, count * 0.01)
        await asyncio.sleep(bulk + 1.5)  # the coalesced notice of the last notes
        ok_notes = [s for s in notes if s.status in (200, 201)]
        result["notes_sent"] = len(notes)
        result["notes_acked"] = len(ok_notes)
        result["notes_failed"] = sorted(
            {f"{s.status} {s.error[:60]}" for s in notes if s.status not in (200, 201)}
        )[:5]
        result["ack"] = summary([s.acked - s.sent for s in ok_notes])
        result["notes_per_s"] = len(ok_notes) / (wall1 - wall0)
        result["cpu_notes"] = (cpu1 - cpu0) / (wall1 - wall0)
        each, everyone, never = room.seen_delays(ok_notes, sample=args.seen_sample, rng=rng)
        result["seen"] = summary(each)
        result["seen_by_all"] = summary(everyone)
        result["seen_never"] = never

        # -- resends must not duplicate
        tried, good, resent = await resend_sample(room, notes, args.resend, rng)
        result["resent"], result["resent_ok"] = tried, good

        # -- votes (step change to a view that lists every note)
        step_changes: list[dict[str, Any]] = []
        all_seen, delays = await room.step_change(server, 0, 1)
        step_changes.append({"to": "vote", "all": all_seen, "each": delays})
        await server.command("open_vote")
        await asyncio.sleep(2.0)
        targets = [s.note for s in ok_notes if s.note]
        cpu2, wall2 = server.cpu_seconds(), now()
        await server.stats()
        votes = await cast_votes(room, targets, args.votes_seconds, args.interval, rng)
        wall3, cpu3 = now(), server.cpu_seconds()
        result["writes_votes"] = (await server.stats()).get("journal")
        ok_votes = [s for s in votes if s.status in (200, 201)]
        result["votes_sent"], result["votes_acked"] = len(votes), len(ok_votes)
        result["votes_refused"] = sorted(
            {f"{s.status} {s.error[:60]}" for s in votes if s.status not in (200, 201)}
        )[:5]
        result["vote_ack"] = summary([s.acked - s.sent for s in ok_votes])
        result["cpu_votes"] = (cpu3 - cpu2) / (wall3 - wall2)

        # -- step changes to light views
        for i in range(args.step_changes):
            await asyncio.sleep(1.0)
            all_seen, delays = await room.step_change(server, 0, 2 + i % 2)
            step_changes.append({"to": "talk", "all": all_seen, "each": delays})
        result["step_changes"] = len(step_changes)
        result["step_all"] = summary([s["all"] for s in step_changes])
        result["step_all_max"] = max(s["all"] for s in step_changes)
        result["step_first_all"] = step_changes[0]["all"]
        result["step_each"] = summary([d for s in step_changes for d in s["each"]])

        # -- a round in fours: each group's shared list
        await asyncio.sleep(1.0)
        round_notes = await rounds_phase(room, server, args, rng, result, post_notes)

        # -- a sort of the notes: the same p95 submit->ack beside the bare endpoint's
        if args.sort_seconds > 0:
            result.update(
                await sort_phase(room, server, targets, args.sort_seconds, args.interval, rng)
            )

        result["cpu_total_s"] = server.cpu_seconds()
        result["peak_rss_mb"] = server.peak_rss_mb()
        result["client_cpu_s"] = time.process_time() - cpu_client0
        await server.stats()
        result["stall_max_ms"] = server.worst_stall_ms
        result["deltas_applied"] = sum(p.deltas for p in room.phones)
        result["delta_gaps"] = sum(p.gaps for p in room.phones)
        result["fetches"] = sum(p.fetches for p in room.phones)
        result["fetch_errors"] = sum(p.fetch_errors for p in room.phones)
        result["reconnects"] = sum(
            p.submit_conn.reconnects + p.fetch_conn.reconnects for p in room.phones
        )
        result["sse_errors"] = sum(1 for p in room.phones if p.sse_error)
        pid_of = {p.index: p.pid for p in room.phones}
        observer = room.phones[0]
        room.close()
        room = None
        await server.stop()
        if mode == "sessionkit" and server.folder is not None:
            check, note_ids = check_journal(
                server.folder, notes + votes + resent + round_notes, pid_of
            )
            result["journal"] = check.__dict__ | {"ok": check.ok}
        else:
            note_ids = {s.client_id: s.note for s in ok_notes}
        result["observed"] = check_observed(observer, notes, note_ids)
        return result
    finally:
        if room is not None:
            room.close()
        await server.stop()
        shutil.rmtree(records, ignore_errors=True)


def show(result: dict[str, Any]) -> None:
    r = result
    print(f"\n== {r['mode']}, {r['phones']} phones ==")
    print(
        f"  connected: {r['streams_open']} streams open at once, joined in {r['connect_s']:.1f} s"
    )
    a = r["ack"]
    print(
        f"  notes: {r['notes_acked']}/{r['notes_sent']} acknowledged, {r['notes_per_s']:.1f}/s; "
        f"submit->ack p50 {ms(a['p50'])} p95 {ms(a['p95'])} p99 {ms(a['p99'])} max {ms(a['max'])}"
    )
    if r["notes_failed"]:
        print(f"  refused notes: {r['notes_failed']}")
    s, e = r["seen"], r["seen_by_all"]
    print(
        f"  submit->seen by another phone p50 {ms(s['p50'])} p95 {ms(s['p95'])} "
        f"p99 {ms(s['p99'])}; by all p95 {ms(e['p95'])} max {ms(e['max'])}; "
        f"never {r['seen_never']}"
    )
    print(f"  observer check: {r['observed']}")
    print(
        f"  while notes flowed: {r['bytes_per_phone_s'] / 1000:.1f} KB/s received per phone, "
        f"{r['fetches_notes']} state fetches; deltas applied {r['deltas_applied']}, gaps "
        f"{r['delta_gaps']}; worst loop stall {r['stall_notes_ms']} ms (whole run "
        f"{r['stall_max_ms']} ms)"
    )
    print(
        f"  resent {r['resent']} with the same client_id: {r['resent_ok']} answered as duplicates"
    )
    v = r["vote_ack"]
    print(
        f"  votes: {r['votes_acked']}/{r['votes_sent']}; submit->ack p50 {ms(v['p50'])} "
        f"p95 {ms(v['p95'])} p99 {ms(v['p99'])}"
    )
    if r["votes_refused"]:
        print(f"  refused votes: {r['votes_refused']}")
    if "sort_ack" in r:
        print(show_sort(r, ms))
    st = r["step_all"]
    print(
        f"  step change -> seen by all: to the vote {ms(r['step_first_all'])}; all changes "
        f"p50 {ms(st['p50'])} max {ms(r['step_all_max'])}; per phone p95 "
        f"{ms(r['step_each']['p95'])}"
    )
    print(
        f"  server CPU: {r['cpu_notes'] * 100:.0f}% of a core while notes flowed, "
        f"{r['cpu_votes'] * 100:.0f}% during votes, {r['cpu_total_s']:.1f} s in all; "
        f"peak RSS {r['peak_rss_mb']:.0f} MB; client CPU {r['client_cpu_s']:.1f} s"
    )
    print(
        f"  state fetches {r['fetches']} (errors {r['fetch_errors']}), reconnects "
        f"{r['reconnects']}, stream errors {r['sse_errors']}"
    )
    for phase in ("notes", "votes"):
        w = r.get(f"writes_{phase}")
        if w and w["appends"]:
            print(
                f"  journal writes during {phase}: {w['appends']} fsynced appends for "
                f"{w['events']} events (mean batch {w['events'] / w['appends']:.2f}, "
                f"largest {w['max_batch']}), {w['seconds'] * 1000 / w['appends']:.2f} ms each"
            )
    print(rounds_text(r, ms))
    if "journal" in r:
        j = r["journal"]
        print(
            f"  journal: {j['notes_in_journal']} notes, {j['votes_in_journal']} votes; "
            f"acknowledged {j['acked']}, lost {j['lost']}, duplicated {j['duplicated']}, "
            f"recorded but unacknowledged {j['unacknowledged_extra']} -> "
            f"{'OK' if j['ok'] else 'PROBLEM ' + str(j['problems'])}"
        )
    sys.stdout.flush()


def ratio(a: float, b: float) -> str:
    if math.isnan(a) or math.isnan(b) or b <= 0:
        return "-"
    return f"{a / b:.1f}x"


def table(results: list[dict[str, Any]]) -> None:
    """The Markdown table for docs/benchmarks.md."""
    by = {(r["mode"], r["phones"]): r for r in results}
    print("\n| configuration | metric | sessionkit | bare Starlette | ratio | target | met? |")
    print("|---|---|---|---|---|---|---|")
    for count in sorted({r["phones"] for r in results}):
        sk, bare = by.get(("sessionkit", count)), by.get(("bare", count))
        if sk is None:
            continue
        b = bare or {}

        def row(
            metric: str,
            value: float,
            base: float | None,
            fmt: Any = ms,
            target: str = "",
            met: str = "",
            count: int = count,
        ) -> None:
            shown_base = fmt(base) if base is not None else "-"
            r = ratio(value, base) if base is not None else "-"
            print(
                f"| {count} phones | {metric} | {fmt(value)} | {shown_base} | {r} "
                f"| {target} | {met} |"
            )

        def get(r: dict[str, Any], *path: str) -> float | None:
            for part in path:
                if not isinstance(r, dict) or part not in r:
                    return None
                r = r[part]
            return r  # type: ignore[return-value]

        def num(v):
            return f"{v:,.0f}"

        row(
            "streams open at once",
            sk["streams_open"],
            get(b, "streams_open"),
            num,
            "1,000" if count == 1000 else "",
            ("yes" if sk["streams_open"] >= 1000 else "no") if count == 1000 else "",
        )
        for p in ("p50", "p95", "p99"):
            target = "< 50 ms" if (p == "p95" and count == 200) else ""
            met = ("yes" if sk["ack"][p] < 0.05 else "no") if target else ""
            row(f"note submit->ack {p}", sk["ack"][p], get(b, "ack", p), target=target, met=met)
        for p in ("p50", "p95", "p99"):
            goal = {200: 1.0, 1000: 2.0}.get(count) if p == "p95" else None
            row(
                f"note submit->seen by others {p}",
                sk["seen"][p],
                get(b, "seen", p),
                target=f"< {goal:g} s" if goal else "",
                met=("yes" if sk["seen"][p] < goal else "no") if goal else "",
            )
        row(
            "bytes received per phone per second while notes flowed",
            sk["bytes_per_phone_s"],
            get(b, "bytes_per_phone_s"),
            lambda v: f"{v / 1000:.1f} KB/s",
            "< 10 KB/s" if count == 1000 else "",
            ("yes" if sk["bytes_per_phone_s"] < 10_000 else "no") if count == 1000 else "",
        )
        row("state fetches while notes flowed", sk["fetches_notes"], get(b, "fetches_notes"), num)
        row(
            "event loop's worst stall, notes phase",
            sk["stall_notes_ms"] / 1000,
            (get(b, "stall_notes_ms") or 0) / 1000,
        )
        row(
            "event loop's worst stall, whole run",
            sk["stall_max_ms"] / 1000,
            (get(b, "stall_max_ms") or 0) / 1000,
        )
        row("vote submit->ack p95", sk["vote_ack"]["p95"], get(b, "vote_ack", "p95"))
        if "sort_ack" in sk:
            row("sort submit->ack p95", sk["sort_ack"]["p95"], get(b, "sort_ack", "p95"))
        target = "< 1 s" if count == 1000 else ""
        row(
            f"step change->seen by all (worst of {sk['step_changes']} changes)",
            sk["step_all_max"],
            get(b, "step_all_max"),
            target=target,
            met=("yes" if sk["step_all_max"] < 1.0 else "no") if target else "",
        )
        row("step change->seen, per phone p95", sk["step_each"]["p95"], get(b, "step_each", "p95"))
        row(
            "notes acknowledged per second",
            sk["notes_per_s"],
            get(b, "notes_per_s"),
            lambda v: f"{v:.1f}",
        )
        row(
            "server CPU while notes flowed",
            sk["cpu_notes"],
            get(b, "cpu_notes"),
            lambda v: f"{v * 100:.0f}%",
        )
        row(
            "server CPU, whole run",
            sk["cpu_total_s"],
            get(b, "cpu_total_s"),
            lambda v: f"{v:.1f} s",
        )
        for p in ("p50", "p95", "p99"):
            target = "< 50 ms" if (p == "p95" and count == 1000) else ""
            met = ("yes" if sk["rounds_ack"][p] < 0.05 else "no") if target else ""
            value, base = sk["rounds_ack"][p], get(b, "rounds_ack", p)
            row(f"rounds (fours): note submit->ack {p}", value, base, target=target, met=met)
        row(
            "rounds: step change forming the groups->seen by all",
            sk["rounds_step_all"],
            get(b, "rounds_step_all"),
        )
        row("server peak RSS", sk["peak_rss_mb"], get(b, "peak_rss_mb"), lambda v: f"{v:.0f} MB")
        if "journal" in sk:
            j = sk["journal"]
            lost_dup = f"{j['lost']} lost, {j['duplicated']} duplicated of {j['acked']}"
            print(
                f"| {count} phones | journal check | {lost_dup} | - | - | 0 and 0 | "
                f"{'yes' if j['ok'] else 'no'} |"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n",
        "--participants",
        default="50,200,1000",
        help="comma-separated numbers of phones (default 50,200,1000)",
    )
    parser.add_argument("--modes", default="sessionkit,bare")
    parser.add_argument("--notes-seconds", type=float, default=20.0)
    parser.add_argument("--votes-seconds", type=float, default=10.0)
    parser.add_argument(
        "--interval",
        type=float,
        default=5.0,
        help="seconds between one phone's submissions (default 5)",
    )
    parser.add_argument("--sort-seconds", type=float, default=10.0, help="0: no sort phase")
    parser.add_argument("--step-changes", type=int, default=4)
    parser.add_argument(
        "--rounds-seconds",
        type=float,
        default=10.0,
        help="how long phones post to their group's list in the round of fours (default 10)",
    )
    parser.add_argument("--resend", type=int, default=50)
    parser.add_argument(
        "--seen-sample",
        type=int,
        default=400,
        help="notes whose submit->seen is measured on every phone",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    await run_configurations(one_run, show, table, args, timeout=600)


if __name__ == "__main__":
    asyncio.run(main())
