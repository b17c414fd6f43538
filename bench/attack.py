"""An attacker on the room's network, while honest phones post: does the room hold?

    python bench/attack.py                       # ~2 min: sessionkit, then bare Starlette
    python bench/attack.py --seconds 20 --idle 2000 --slow 200

For each mode, a fresh server process (``bench/_server.py --default-limits --files
8192``: the limits as shipped, and the descriptor limit of a usual Linux desktop, with
which 8,600 idle connections used to exhaust the server). ``sessionkit`` is the engine,
the journal and the hub; ``bare`` is a Starlette app doing no work, behind the same
uvicorn host (so the same door: the comparison shows what the engine costs under
attack, not what the door does).

50 honest phones join, each from an address of its own (127.0.3.x: on Linux all of
127.0.0.0/8 is this computer), hold their event streams and post a note every 2 s.
Meanwhile, from one address (127.0.0.2, or with ``--spread N`` the idle connections
from N addresses, to hit the total cap rather than the per-address one):

- ``--idle`` connections (8,000) are opened and held, and opened again when closed;
- ``--slow`` slowloris connections (1,000): half send a request head a byte a second,
  half a whole head and then a body a byte a second; opened again when closed;
- a join flood: 20 joins at a time, each from a new browser (no cookie).

Half-way, the facilitator changes step and the snapshot is written on command.
Reported: the honest acknowledgements (p50/p95/p99), refused honest submissions, the
event loop's worst stall, the door's counts, how long slowloris connections lived,
the join flood's answers, the snapshot, and tracebacks in the server's log and stderr;
then every honest note is checked against the journal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _phones import (
    CLOCK_TICKS,
    HOST,
    Room,
    ServerProcess,
    Submission,
    check_journal,
    ms,
    now,
    summary,
)

ATTACKER = "127.0.0.2"


class Attack:
    def __init__(self, port: int, api: str, args: argparse.Namespace) -> None:
        self.port = port
        self.api = api
        self.args = args
        self.stop = False
        self.open_idle = 0
        self.idle_closed = 0
        self.slow_lived: list[float] = []
        self.joins: Counter[str] = Counter()
        self.connect_errors = 0
        self.keys: list[str] = []
        """Participants the attacker joined: its slow bodies carry a key, so the server
        reads them (without one they are refused before the body)."""

    def source(self, n: int) -> str:
        spread = self.args.spread
        return ATTACKER if spread <= 1 else f"127.0.9.{1 + n % spread}"

    async def connect(self, source: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(HOST, self.port, local_addr=(source, 0))

    async def idle(self, n: int) -> None:
        while not self.stop:
            try:
                reader, writer = await self.connect(self.source(n))
            except OSError:
                self.connect_errors += 1
                await asyncio.sleep(0.5)
                continue
            self.open_idle += 1
            try:
                await reader.read()  # until the server lets go
            except OSError:
                pass
            self.open_idle -= 1
            self.idle_closed += 1
            writer.close()
            await asyncio.sleep(0.2 + random.random())  # then come back

    async def slowloris(self, n: int) -> None:
        head = f"POST {self.api}/notes HTTP/1.1\r\nHost: x\r\nX-Pad: {'a' * 2000}\r\n".encode()
        whole = (
            f"POST {self.api}/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 4000\r\n\r\n"
        ).encode()
        while not self.stop:
            try:
                reader, writer = await self.connect(ATTACKER)
            except OSError:
                self.connect_errors += 1
                await asyncio.sleep(0.5)
                continue
            opened = now()
            data = head
            if n % 2:
                key = self.keys[n % len(self.keys)] if self.keys else ""
                writer.write(
                    whole.replace(b"\r\n\r\n", f"\r\nX-Participant-Key: {key}\r\n\r\n".encode())
                )
                data = b'{"text": "' + b"a" * 3000
            try:
                for byte in data:
                    if self.stop or reader.at_eof():
                        break
                    writer.write(bytes([byte]))
                    await writer.drain()
                    try:
                        await asyncio.wait_for(reader.read(1024), 1.0)
                    except TimeoutError:
                        continue
                    break  # an answer (408) or the end: the server let go
            except OSError:
                pass
            if not self.stop:
                self.slow_lived.append(now() - opened)
            writer.close()

    async def join_flood(self) -> None:
        n = 0
        while not self.stop:
            n += 1
            body = json.dumps({"client_id": f"flood-{n:08d}-{random.getrandbits(40):x}"})
            try:
                reader, writer = await self.connect(ATTACKER)
                writer.write(
                    (
                        f"POST {self.api}/join HTTP/1.1\r\nHost: x\r\n"
                        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                        f"Connection: close\r\n\r\n{body}"
                    ).encode()
                )
                answer = await asyncio.wait_for(reader.read(), 10)
                writer.close()
            except (OSError, TimeoutError):
                self.joins["no answer"] += 1
                continue
            status = answer[9:12].decode() if answer.startswith(b"HTTP/1.1 ") else "closed"
            code = ""
            if b'"code"' in answer:
                code = answer.split(b'"code":', 1)[1].split(b'"')[1].decode()
            self.joins[f"{status} {code}".strip()] += 1


async def attacker_main(args: argparse.Namespace) -> None:
    """The attack, in a process of its own, until a line on stdin; then its figures."""
    port, api, keys = args.attacker.split(" ")
    if args.nice:
        # On the bench's 2 cores the attacker's CPU is the server's CPU; a real attacker
        # is another machine. At a low priority it still runs flat out whenever a core is
        # free, but no longer pre-empts the server (see docs/benchmarks.md).
        os.nice(args.nice)
    attack = Attack(int(port), api, args)
    attack.keys = [k for k in keys.split(",") if k]
    tasks = []
    for n in range(args.idle):
        tasks.append(asyncio.create_task(attack.idle(n)))
        if n % 500 == 499:
            await asyncio.sleep(0.05)  # open them over a moment, not in one loop turn
    tasks += [asyncio.create_task(attack.slowloris(n)) for n in range(args.slow)]
    tasks += [asyncio.create_task(attack.join_flood()) for _ in range(20)]
    print("started", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.readline()
    open_at_end = attack.open_idle
    attack.stop = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    seen = {
        "attack_idle_open_at_end": open_at_end,
        "idle_closed_by_server": attack.idle_closed,
        "slow_lived": summary(attack.slow_lived),
        "joins": dict(attack.joins),
        "connect_errors": attack.connect_errors,
    }
    print(json.dumps(seen), flush=True)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


async def _attacker_join(port: int, api: str, n: int) -> str:
    reader, writer = await asyncio.open_connection(HOST, port, local_addr=(ATTACKER, 0))
    body = json.dumps({"client_id": f"attacker-{n:04d}-{random.getrandbits(40):x}"})
    writer.write(
        (
            f"POST {api}/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
        ).encode()
    )
    answer = await reader.read()
    writer.close()
    try:
        return str(json.loads(answer.split(b"\r\n\r\n", 1)[1])["key"])
    except (ValueError, KeyError, IndexError):
        return ""


async def honest_posting(room: Room, seconds: float) -> list[Submission]:
    out: list[Submission] = []
    end = now() + seconds

    async def one(phone: Any) -> None:
        await asyncio.sleep(random.random() * 2.0)
        n = 0
        while now() < end:
            n += 1
            out.append(await phone.submit("note", {"text": f"honest {phone.index} {n}"}))
            await asyncio.sleep(2.0)

    await asyncio.gather(*(one(p) for p in room.phones))
    return out


async def one_run(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    records = Path(tempfile.mkdtemp(prefix="sessionkit-attack-"))
    server = ServerProcess(mode, records, ("--default-limits", "--files", str(args.files)))
    result: dict[str, Any] = {"mode": mode, "nice": args.nice}
    room: Room | None = None
    attacker: asyncio.subprocess.Process | None = None
    try:
        await server.start()
        room = Room(server.port, server.token, own_addresses=True)
        await room.connect(args.phones, concurrency=10)
        attackers = [await _attacker_join(server.port, room.api, n) for n in range(5)]
        # The attacker is a process of its own: in this one its thousands of tasks would
        # hold up the honest phones' loop, and the figures would be the client's.
        attacker = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--attacker",
            f"{server.port} {room.api} {','.join(k for k in attackers if k)}",
            *(f"--{name}={getattr(args, name)}" for name in ("idle", "slow", "spread", "nice")),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert attacker.stdout is not None and attacker.stdin is not None
        await attacker.stdout.readline()  # "started": every task under way
        await server.stats()  # the worst stall from here on
        await asyncio.sleep(3)  # the attack under way
        cpu_from = (now(), server.cpu_seconds(), cpu_seconds(attacker.pid))

        async def halfway() -> None:
            await asyncio.sleep(args.seconds / 2)
            await server.command("goto 0 4")  # a fresh board
            result["snapshot"] = await server.command("snapshot") if mode == "sessionkit" else "-"

        posted, _ = await asyncio.gather(honest_posting(room, args.seconds), halfway())
        stats = await server.stats()
        spent = now() - cpu_from[0]
        result["cpu_share"] = {  # of one core, while the honest phones posted
            "server": (server.cpu_seconds() - cpu_from[1]) / spent,
            "attacker": (cpu_seconds(attacker.pid) - cpu_from[2]) / spent,
            "load_average": os.getloadavg()[0],
        }
        attacker.stdin.write(b"stop\n")
        await attacker.stdin.drain()
        seen = json.loads(await attacker.stdout.readline())
        await attacker.wait()
        result.update(
            stall_ms=stats.get("stall_ms"),
            door=stats.get("door"),
            snapshot_error=stats.get("snapshot_error"),
            participants=stats.get("participants"),
            **seen,
        )
        ok = [s for s in posted if s.status in (200, 201)]
        result["honest"] = {
            "sent": len(posted),
            "acknowledged": len(ok),
            "refused": [f"{s.status} {s.error}" for s in posted if s.status not in (200, 201)],
            "ack": summary([s.acked - s.sent for s in ok]),
            "reconnects": sum(p.submit_conn.reconnects for p in room.phones),
            "streams_lost": sum(1 for p in room.phones if p.sse_error),
        }
        if server.folder is not None:
            check, _ = check_journal(server.folder, posted, {p.index: p.pid for p in room.phones})
            result["journal"] = {
                "lost": check.lost,
                "duplicated": check.duplicated,
                "acked": check.acked,
            }
    finally:
        if attacker is not None and attacker.returncode is None:
            attacker.kill()  # our own child, by its handle
            await attacker.wait()
        if room is not None:
            room.close()
        await server.stop()
        logs = "".join(f.read_text(errors="replace") for f in records.glob("server-*.*"))
        result["tracebacks"] = logs.count("Traceback")
        at = logs.find("Traceback")
        result["first_traceback"] = logs[max(0, at - 300) : at + 1500] if at >= 0 else ""
        result["too_many_open_files"] = logs.count("Too many open files")
        result["log_lines"] = logs.count("\n")
        shutil.rmtree(records, ignore_errors=True)
    return result


def show(result: dict[str, Any]) -> None:
    honest = result["honest"]
    ack = honest["ack"]
    print(f"\n== {result['mode']}")
    print(
        f"honest: {honest['acknowledged']}/{honest['sent']} acknowledged, "
        f"refused {len(honest['refused'])}, ack p50 {ms(ack['p50'])} p95 {ms(ack['p95'])} "
        f"p99 {ms(ack['p99'])} max {ms(ack['max'])}; reconnects {honest['reconnects']}, "
        f"streams lost {honest['streams_lost']}"
    )
    if honest["refused"]:
        print(f"  refused as: {sorted(set(honest['refused']))[:3]}")
    print(f"worst event-loop stall {result['stall_ms']} ms; door {result['door']}")
    cpu = result["cpu_share"]
    print(
        f"CPU while posting (of one core): server {cpu['server']:.0%}, attacker "
        f"{cpu['attacker']:.0%} (nice {result['nice']}); load average {cpu['load_average']:.1f}"
    )
    print(
        f"idle: {result['attack_idle_open_at_end']} open at the end, "
        f"{result['idle_closed_by_server']} let go by the server; slowloris lived "
        f"p50 {ms(result['slow_lived']['p50'])} max {ms(result['slow_lived']['max'])} "
        f"({result['slow_lived']['n']} closed)"
    )
    print(f"join flood: {result['joins']}; participants {result.get('participants')}")
    print(
        f"snapshot {result.get('snapshot')} (error: {result.get('snapshot_error')}); "
        f"journal {result.get('journal')}; log: {result['log_lines']} lines, "
        f"{result['tracebacks']} tracebacks, {result['too_many_open_files']} 'Too many open files'"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", default="sessionkit,bare")
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--idle", type=int, default=8000)
    parser.add_argument("--slow", type=int, default=1000)
    parser.add_argument("--spread", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--files", type=int, default=8192)
    parser.add_argument(
        "--nice", type=int, default=19, help="the attacker's niceness (0: same as the server)"
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--attacker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.idle + args.slow + args.phones * 3 + 200
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, wanted), hard))
    if args.attacker:
        await attacker_main(args)
        return
    results = []
    for mode in args.modes.split(","):
        result = await one_run(mode, args)
        show(result)
        results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    socket.setdefaulttimeout(None)
    asyncio.run(main())
