"""Faults seen from the phones: a crash under load, a journal that cannot be written,
and clients that hang up half-way or stop reading.

- A real server process (tests/helpers/http_child.py) is SIGKILLed while phones post
  notes over HTTP; after it comes back every acknowledged note is in the record exactly
  once, and the phones' resends of what was in flight are recorded once at most.
- The same server is made unable to grow its journal (RLIMIT_FSIZE: a write past the
  limit fails with EFBIG, as on a full disk): phones get a 503 with a sentence and no
  acknowledgement, then everything works again once the limit is lifted.
- In-process, a crowd of misbehaving clients (never reading, reading a byte at a time,
  sending half a body, hanging up before the answer) holds up only itself: while they are
  stuck, well-behaved phones still hear about every step change and get their answers.

Nothing here asserts how fast that is (bench/ measures step-change latency, see
docs/benchmarks.md); the tests wait for each outcome with a generous safety deadline.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from factories import ANON, TALK, VOTE_NOTES, WRITE, ListJournal, go, make_engine
from helpers.waiting import SAFETY_SECONDS, until
from sessionkit import store
from sessionkit.core import commands as c
from sessionkit.web import ParticipantServer, WebLimits, create_app

CHILD = Path(__file__).parent / "helpers" / "http_child.py"
TOKEN = "fault-token-123456"
API = f"/j/{TOKEN}/api"

needs_posix = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or sys.platform == "win32",
    reason="needs SIGKILL and RLIMIT_FSIZE",
)


class Child:
    """tests/helpers/http_child.py, driven over stdin/stdout."""

    def __init__(self, records: Path, folder: Path | None = None) -> None:
        args = [sys.executable, str(CHILD), str(records), TOKEN] + ([str(folder)] if folder else [])
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        if not first.startswith("ready "):
            self.proc.kill()
            raise AssertionError(f"child did not start: {first!r} {self.proc.stderr.read()!r}")
        _, port, folder_text = first.split(" ", 2)
        self.port = int(port)
        self.folder = Path(folder_text.strip())
        self.base = f"http://127.0.0.1:{self.port}"

    def command(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer.startswith("ok"), answer
        return answer

    def stats(self) -> dict[str, Any]:
        return json.loads(self.command("stats")[3:])

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        assert self.proc.returncode == -signal.SIGKILL

    def quit(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=15)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


async def join(http: httpx.AsyncClient, n: int) -> tuple[str, dict[str, str]]:
    r = await http.post(f"{API}/join", json={"client_id": f"phone-{n:04d}-join-0000"})
    assert r.status_code in (200, 201), r.text
    return r.json()["participant"], {"X-Participant-Key": r.json()["key"]}


def recorded_notes(folder: Path) -> Counter[tuple[str, str]]:
    """(participant, client_id) -> how many notes the journal holds for it. Recovery must
    agree: the run opens (read-only) and holds the same notes."""
    run = store.open_run(folder, read_only=True)
    try:
        in_state = len(run.state.notes)
    finally:
        run.close()
    counts: Counter[tuple[str, str]] = Counter()
    lines = (folder / "journal.jsonl").read_bytes().split(b"\n")
    for number, line in enumerate(lines):
        try:
            event = json.loads(line)
        except ValueError:
            assert number == len(lines) - 1, "only the last line may be torn"
            continue
        if event["type"] == "note_added":
            counts[(event["actor"], event["data"].get("client_id", ""))] += 1
    assert sum(counts.values()) == in_state
    return counts


# ---------------------------------------------------------------- SIGKILL under load


@needs_posix
async def test_sigkill_under_http_load_then_resume(tmp_path: Path):
    child = Child(tmp_path)
    phones = 8
    acked: dict[str, list[str]] = {}
    in_flight: dict[str, str] = {}
    total = 0
    enough = asyncio.Event()
    try:
        async with httpx.AsyncClient(
            base_url=child.base, timeout=10, limits=httpx.Limits(max_connections=phones * 2)
        ) as http:
            people = [await join(http, n) for n in range(phones)]

            async def post(pid: str, key: dict[str, str]) -> None:
                nonlocal total
                acked[pid] = []
                for i in range(10_000):
                    client_id = f"{pid}-note-{i:05d}"
                    in_flight[pid] = client_id
                    try:
                        r = await http.post(
                            f"{API}/notes",
                            headers=key,
                            json={"text": f"note {i} from {pid}", "client_id": client_id},
                        )
                    except httpx.HTTPError:
                        return  # the server is gone: this one is unacknowledged
                    assert r.status_code == 201, r.text
                    acked[pid].append(client_id)
                    del in_flight[pid]
                    total += 1
                    if total >= 200:
                        enough.set()

            tasks = [asyncio.create_task(post(pid, key)) for pid, key in people]
            await asyncio.wait_for(enough.wait(), SAFETY_SECONDS)
            child.kill()  # mid-stream: requests of all eight phones are in flight
            await asyncio.wait_for(asyncio.gather(*tasks), SAFETY_SECONDS)
    finally:
        child.quit()

    assert sum(len(v) for v in acked.values()) >= 200
    counts = recorded_notes(child.folder)
    for pid, ids in acked.items():
        for client_id in ids:
            assert counts[(pid, client_id)] == 1, (
                f"acknowledged {client_id} recorded {counts[(pid, client_id)]} times"
            )
    assert max(counts.values()) == 1
    already = {pid: counts[(pid, cid)] == 1 for pid, cid in in_flight.items()}

    # Resume: the server comes back on the same run; phones keep their keys and resend.
    again = Child(tmp_path, child.folder)
    try:
        async with httpx.AsyncClient(base_url=again.base, timeout=10) as http:
            keys = dict(people)
            for pid, client_id in in_flight.items():
                r = await http.post(
                    f"{API}/notes",
                    headers=keys[pid],
                    json={"text": "resent after the crash", "client_id": client_id},
                )
                assert r.status_code in (200, 201), r.text
                # A duplicate exactly when the kill landed after the write but before the answer.
                assert r.json()["duplicate"] is already[pid], (pid, client_id, r.text)
            for pid, key in people:
                r = await http.post(
                    f"{API}/notes", headers=key, json={"text": "after", "client_id": f"{pid}-after"}
                )
                assert r.status_code == 201
    finally:
        again.quit()

    counts = recorded_notes(child.folder)
    assert max(counts.values()) == 1
    for pid, ids in acked.items():
        assert all(counts[(pid, client_id)] == 1 for client_id in ids)
        assert counts[(pid, f"{pid}-after")] == 1
    for pid, client_id in in_flight.items():
        assert counts[(pid, client_id)] == 1
    reopened = store.open_run(child.folder)
    assert reopened.warnings == []  # the torn tail (if any) was set aside on the resume
    reopened.close()


# ---------------------------------------------------------------- a journal that cannot grow


@needs_posix
async def test_unwritable_journal_is_a_503_then_recovers(tmp_path: Path):
    child = Child(tmp_path)
    try:
        async with httpx.AsyncClient(base_url=child.base, timeout=10) as http:
            people = [await join(http, n) for n in range(4)]
            for pid, key in people:
                r = await http.post(
                    f"{API}/notes",
                    headers=key,
                    json={"text": "before", "client_id": f"{pid}-before"},
                )
                assert r.status_code == 201
            before = child.stats()
            assert before["storage_error"] is None

            child.command("fsize 0")  # the journal cannot grow by a single byte
            failed = await asyncio.gather(
                *(
                    http.post(
                        f"{API}/notes",
                        headers=key,
                        json={"text": f"during {i}", "client_id": f"{pid}-during-{i}"},
                    )
                    for i in range(3)
                    for pid, key in people
                )
            )
            for r in failed:
                assert r.status_code == 503, r.text
                assert r.headers["content-type"].startswith("application/json")
                assert "could not be saved" in r.json()["error"]
                assert r.json()["code"] == "storage"
            during = child.stats()
            assert during["seq"] == before["seq"] and during["notes"] == before["notes"]
            assert during["journal_bytes"] == before["journal_bytes"]  # nothing half-written
            assert "could not be saved" in during["storage_error"]  # the facilitator is told
            # Phones can still look; they just cannot add.
            view = await http.get(f"{API}/state", headers=people[0][1])
            assert view.status_code == 200 and view.json()["public"]["notes_total"] == 4
            joined = await http.post(f"{API}/join", json={"client_id": "late-phone-0000000001"})
            assert joined.status_code == 503 and joined.json()["error"]

            child.command("fsize off")
            retried = await asyncio.gather(
                *(
                    http.post(
                        f"{API}/notes",
                        headers=key,
                        json={"text": f"during {i}", "client_id": f"{pid}-during-{i}"},
                    )
                    for i in range(3)
                    for pid, key in people
                )
            )
            assert [r.status_code for r in retried] == [201] * len(retried)
            assert not any(r.json()["duplicate"] for r in retried)
            assert child.stats()["storage_error"] is None
    finally:
        child.quit()
    counts = recorded_notes(child.folder)
    assert len(counts) == 4 + 12 and max(counts.values()) == 1
    reopened = store.open_run(child.folder)
    assert reopened.warnings == []
    reopened.close()


# ---------------------------------------------------------------- misbehaving clients


FAST = WebLimits(
    rate=10_000.0,
    burst=10_000,
    anonymous_rate=10_000.0,
    anonymous_burst=10_000,
    urgent_delay=0.02,
    bulk_delay=0.05,
    view_cache_seconds=0.0,
    heartbeat_seconds=0.5,
)


class Listener:
    """A well-behaved phone's event stream, read with raw asyncio."""

    def __init__(self) -> None:
        self.steps: list[str | None] = []
        """The step named by every notice, in the order they arrived."""
        self.task: asyncio.Task[None] | None = None

    async def open(self, port: int, key: str) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer = writer
        writer.write(f"GET {API}/events?key={key} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert b" 200 " in await reader.readline()
        self.task = asyncio.create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            if line.startswith(b"data: {") and b'"step"' in line:
                self.steps.append(json.loads(line[6:])["step"])

    def close(self) -> None:
        self.writer.close()
        if self.task is not None:
            self.task.cancel()


def _tiny_socket(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)  # fills at once
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


async def test_clients_that_hang_up_or_never_read_do_not_stall_anyone():
    engine = make_engine(journal=ListJournal())
    engine.execute(c.StartSession())
    go(engine, ANON)
    for i in range(300):  # a board whose view is big: ~150 KB a fetch
        engine.execute(c.AddNote(text=f"{i} " + "x" * 480))
    server = ParticipantServer(create_app(engine, token=TOKEN, limits=FAST), graceful_seconds=1)
    server.bind("127.0.0.1", 0)
    # Small kernel buffers for every accepted connection (they inherit the listener's),
    # as on a bad Wi-Fi link: loopback would otherwise soak up megabytes per socket and
    # the server would never feel a client that does not read.
    assert server.socket is not None
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
    serving = asyncio.create_task(server.serve())
    await server.wait_started(timeout=SAFETY_SECONDS)
    port = server.port
    sockets: list[socket.socket] = []
    listeners: list[Listener] = []

    def stuck() -> list[Any]:
        """The server's connections whose writes wait for a client that does not read."""
        return [
            conn
            for conn in server._server.server_state.connections  # type: ignore[union-attr]
            if conn.flow.write_paused
        ]

    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            good = [await join(http, n) for n in range(10)]
            bad = [await join(http, 100 + n) for n in range(40)]
            for _, key in good:
                listener = Listener()
                await listener.open(port, key["X-Participant-Key"])
                listeners.append(listener)

            def raw(data: bytes) -> socket.socket:
                sock = _tiny_socket(port)
                sock.send(data)
                sockets.append(sock)
                return sock

            def head(
                method: str, path: str, key: dict[str, str], length: int | None = None
            ) -> bytes:
                extra = (
                    f"Content-Type: application/json\r\nContent-Length: {length}\r\n"
                    if length
                    else ""
                )
                return (
                    f"{method} {path} HTTP/1.1\r\nHost: x\r\nX-Participant-Key: "
                    f"{key['X-Participant-Key']}\r\n{extra}\r\n"
                ).encode()

            hung_up: dict[str, str] = {}
            gone_ports: set[int] = set()  # the client ends of the sockets hung up on
            for n, (pid, key) in enumerate(bad):
                kind = n % 5
                if kind == 0:  # opens the event stream and never reads it
                    raw(head("GET", f"{API}/events", key))
                elif kind == 1:  # asks for the big board and never reads the answer
                    for _ in range(5):
                        raw(head("GET", f"{API}/state", key))
                elif kind == 2:  # sends half a body, then nothing
                    raw(head("POST", f"{API}/notes", key, 200) + b'{"text": "half')
                elif kind == 3:  # sends half a body and hangs up
                    sock = raw(head("POST", f"{API}/notes", key, 200) + b'{"text": "cut')
                    gone_ports.add(sock.getsockname()[1])
                    sock.close()
                else:  # sends a whole note and hangs up before the answer
                    body = json.dumps({"text": "gone", "client_id": f"{pid}-gone"}).encode()
                    sock = raw(head("POST", f"{API}/notes", key, len(body)) + body)
                    gone_ports.add(sock.getsockname()[1])
                    sock.close()
                    hung_up[pid] = f"{pid}-gone"

            # The never-reading clients hold up their own writes (and only those).
            await until(
                lambda: len(stuck()) >= 8,
                "the never-reading clients' answers to fill their connections' buffers",
            )

            # A flood of notices (the slow streams' mailboxes just keep the newest one),
            # with step changes every good phone must hear. How soon is bench/'s business:
            # here it only has to happen while the stuck clients are stuck.
            for round_, step in enumerate((VOTE_NOTES, TALK, WRITE, TALK, ANON)):
                for _ in range(100):
                    engine.execute(c.TimerCommand(action="extend", seconds=1))
                    await asyncio.sleep(0)
                await http.get(f"{API}/state", headers=good[0][1])
                seen = [len(li.steps) for li in listeners]  # notices from here on are new
                go(engine, step)
                await until(
                    lambda step=step, seen=seen: all(
                        step in li.steps[n:] for li, n in zip(listeners, seen, strict=True)
                    ),
                    f"step change {round_} to {step} to reach every good phone",
                )
            assert len(stuck()) >= 8, "the never-reading clients should still be held up"

            # Slow readers are still served, a byte at a time.
            slow = _tiny_socket(port)
            sockets.append(slow)
            slow.send(head("GET", f"{API}/state", good[1][1]))
            got = bytearray()

            def a_byte_more() -> bool:
                try:
                    got.extend(slow.recv(1))
                except BlockingIOError:
                    pass
                return len(got) >= len(b"HTTP/1.1 200")

            await until(a_byte_more, "the status line, read a byte at a time")
            assert got.startswith(b"HTTP/1.1 200"), bytes(got)

            # Half bodies recorded nothing; a whole note whose sender hung up is recorded
            # at most once, and its resend makes it exactly once. Once the server has let
            # go of every connection that hung up, it is done with what they sent.
            await until(
                lambda: (
                    not {
                        conn.client[1]
                        for conn in server._server.server_state.connections  # type: ignore[union-attr]
                        if conn.client
                    }
                    & gone_ports
                ),
                "the server to notice every client that hung up",
            )
            texts = Counter(n.text for n in engine.state.notes.values())
            assert texts["half"] == 0 and texts["cut"] == 0 and texts["gone"] <= len(hung_up)
            keys = dict(bad)
            for pid, client_id in hung_up.items():
                r = await http.post(
                    f"{API}/notes", headers=keys[pid], json={"text": "gone", "client_id": client_id}
                )
                assert r.status_code in (200, 201), r.text
            gone = [n for n in engine.state.notes.values() if n.text == "gone"]
            assert sorted(n.author for n in gone) == sorted(hung_up)
            # And the server still answers, with the stuck clients still stuck.
            assert (await http.get(f"{API}/state", headers=good[2][1])).status_code == 200
            assert len(stuck()) >= 8
    finally:
        for listener in listeners:
            listener.close()
        for sock in sockets:
            sock.close()
        server.stop()
        await asyncio.wait_for(serving, SAFETY_SECONDS)
