"""Simulated phones for the benchmarks: raw asyncio HTTP/1.1 clients on 127.0.0.1.

A :class:`Phone` behaves like the phone page (``web/static/app.js``): it joins, holds the
event stream open, and on every ``changed`` whose ``seq`` differs from the one its view
reflects it fetches ``GET state`` (one fetch at a time; a notice during a fetch asks for
one more); a ``delta`` that follows on from its view (``from <= seq < to``) it applies,
any other delta (a gap) it answers with a fetch. It counts the bytes it receives (event
stream and fetched bodies, not HTTP headers). It submits on a connection of its own, so
a submission never waits behind a refresh. Three sockets per phone: events, submissions, refreshes.

httpx would need far more CPU per connection than a 2-core machine can spare next to
the server; these clients only parse what they measure.

Also here: :class:`ServerProcess` (starts ``bench/_server.py`` and talks to its control
channel, reads its CPU time and peak RSS from ``/proc``), percentiles, and the journal
check.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import math
import os
import random
import re
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"  # loopback only, always
SERVER = Path(__file__).with_name("_server.py")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

now = time.perf_counter


# ---------------------------------------------------------------- figures


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``; nan for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": pct(values, 50),
        "p95": pct(values, 95),
        "p99": pct(values, 99),
        "max": max(values) if values else float("nan"),
    }


def ms(seconds: float) -> str:
    if math.isnan(seconds):
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


# ---------------------------------------------------------------- the server process


class ServerProcess:
    """``bench/_server.py`` in its own process, driven over stdin/stdout."""

    def __init__(self, mode: str, records: Path, extra: tuple[str, ...] = ()) -> None:
        self.mode = mode
        self.records = records
        self.extra = extra
        """More arguments for ``_server.py``; its stderr goes to ``server-<mode>.err``."""
        self.proc: asyncio.subprocess.Process | None = None
        self.port = 0
        self.token = ""
        self.folder: Path | None = None
        self.pid = 0
        self.worst_stall_ms = 0.0
        """The event loop's worst stall over every ``stats`` read so far."""

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(SERVER),
            "--mode",
            self.mode,
            "--records",
            str(self.records),
            *self.extra,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=open(self.records / f"server-{self.mode}.err", "wb"),
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        line = await asyncio.wait_for(self._line(), 30)
        if not line.startswith("ready "):
            raise RuntimeError(f"server did not start: {line!r}")
        info = dict(word.split("=", 1) for word in line.split()[1:])
        self.port, self.token, self.pid = int(info["port"]), info["token"], int(info["pid"])
        self.folder = None if info["folder"] == "-" else Path(info["folder"])

    async def _line(self) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        raw = await self.proc.stdout.readline()
        if not raw:
            raise RuntimeError("the server process ended")
        return raw.decode().rstrip("\n")

    async def command(self, line: str) -> str:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()
        answer = await asyncio.wait_for(self._line(), 30)
        if not answer.startswith("ok"):
            raise RuntimeError(f"{line!r} -> {answer!r}")
        return answer

    async def stats(self) -> dict[str, Any]:
        answer = json.loads((await self.command("stats"))[3:])
        # Each read resets the server's figure: keep the worst of the whole run here.
        self.worst_stall_ms = max(self.worst_stall_ms, answer.get("stall_ms") or 0.0)
        return answer

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        with open(f"/proc/{self.pid}/stat") as file:
            fields = file.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.pid}/status") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    async def stop(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"quit\n")
            await self.proc.stdin.drain()
            await asyncio.wait_for(self.proc.wait(), 20)
        except (TimeoutError, ConnectionError, BrokenPipeError):
            self.proc.kill()  # our own child, by its handle
            await self.proc.wait()


# ---------------------------------------------------------------- raw HTTP/1.1


class HttpError(Exception):
    pass


async def read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("connection closed before a response")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise HttpError(f"bad status line {status_line[:80]!r}")
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers


async def read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                return bytes(body)
            body += (await reader.readexactly(size + 2))[:-2]
    return await reader.read()


class HttpConn:
    """One keep-alive connection; a request on a connection the server closed while it
    was idle is sent again once on a new one (submissions carry a client_id, so that is
    safe: the engine answers a resend with the original result)."""

    def __init__(self, port: int, source: str | None = None) -> None:
        self.port = port
        self.local_addr = (source, 0) if source else None
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.reconnects = 0
        self.lock = asyncio.Lock()  # one request at a time on a connection

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        async with self.lock:
            return await self._request(method, path, body, headers)

    async def _request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str] | None
    ) -> tuple[int, bytes]:
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}")
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        data = ("\r\n".join(head) + "\r\n\r\n").encode() + (body or b"")
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                self.reader, self.writer = await asyncio.open_connection(
                    HOST, self.port, local_addr=self.local_addr
                )
            reader, writer = self.reader, self.writer  # close() may clear them meanwhile
            assert reader is not None and writer is not None
            try:
                writer.write(data)
                status, response_headers = await read_head(reader)
                payload = await read_body(reader, response_headers)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt:
                    raise
                self.reconnects += 1
                continue
            if response_headers.get("connection", "").lower() == "close":
                self.close()
            return status, payload
        raise AssertionError("unreachable")


# ---------------------------------------------------------------- phones


@dataclass
class Submission:
    phone: int
    kind: str
    client_id: str
    sent: float
    acked: float = 0.0
    status: int = 0
    seq: int = 0
    duplicate: bool = False
    note: str = ""
    error: str = ""


@dataclass
class Fetch:
    """One state fetch by an observing phone: which notice set it off, what it showed."""

    trigger_seq: int
    me_seq: int
    ids: set[str]
    oldest: int
    total: int


_HEAD = re.compile(rb'^\{"from":(\d+),"to":(\d+),"step":"([^"]*)"')


def _delta_head(data: bytes) -> dict[str, Any]:
    """``from``, ``to`` and ``step`` of a delta without parsing its notes (the hub writes
    them first; anything else is parsed whole)."""
    match = _HEAD.match(data)
    if match is None:
        return json.loads(data)
    return {"from": int(match[1]), "to": int(match[2]), "step": match[3].decode()}


def _note_number(note_id: str) -> int:
    return int(note_id[1:]) if note_id[1:].isdigit() else 0


class Phone:
    def __init__(self, room: Room, index: int) -> None:
        self.room = room
        self.index = index
        self.pid = ""
        self.key = ""
        self.source = room.source_of(index)
        self.submit_conn = HttpConn(room.port, self.source)
        self.fetch_conn = HttpConn(room.port, self.source)
        self.sse_task: asyncio.Task[None] | None = None
        self.sse_writer: asyncio.StreamWriter | None = None
        self.times: list[float] = []
        self.seqs: list[int] = []
        self.last_seq = -1
        self.notice_seq = -1
        self.step: str | None = None
        self.fetching = False
        self.fetch_again = False
        self.fetches = 0
        self.fetch_errors = 0
        self.observer = False
        self.observed: list[Fetch] = []
        self.closed = False
        self.refresh_task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self.sse_error = ""
        self.received = 0
        """Bytes read: event stream payload and fetched bodies."""
        self.deltas = 0
        self.gaps = 0
        self.view_ids: list[str] = []
        """The observer's board, kept up to date by fetches and deltas."""
        self.view_total = 0
        self._counter = 0

    # ------------------------------------------------------------ joining

    async def join(self) -> None:
        client_id = f"join-{self.index:06d}-{random.getrandbits(64):016x}"
        status, body = await self.submit_conn.request(
            "POST", f"{self.room.api}/join", json.dumps({"client_id": client_id}).encode()
        )
        if status not in (200, 201):
            raise HttpError(f"join: {status} {body[:200]!r}")
        data = json.loads(body)
        self.pid, self.key = data["participant"], data["key"]

    async def open_stream(self) -> None:
        self.sse_task = asyncio.create_task(self._sse())
        await asyncio.wait_for(self.connected.wait(), 30)

    async def _sse(self) -> None:
        try:
            reader, writer = await asyncio.open_connection(
                HOST, self.room.port, local_addr=(self.source, 0) if self.source else None
            )
            self.sse_writer = writer
            writer.write(
                (
                    f"GET {self.room.api}/events?key={self.key} HTTP/1.1\r\n"
                    f"Host: {HOST}:{self.room.port}\r\n"
                    "Accept: text/event-stream\r\n"
                    "Accept-Encoding: gzip\r\n\r\n"  # as Chromium asks
                ).encode()
            )
            status, headers = await read_head(reader)
            if status != 200:
                raise HttpError(f"events: {status}")
            chunked = headers.get("transfer-encoding", "").lower() == "chunked"
            # The bytes counted are those on the wire (compressed, if it was).
            gzipped = headers.get("content-encoding", "") == "gzip"
            decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS) if gzipped else None
            buffer = b""
            while True:
                if chunked:
                    size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        break
                    more = (await reader.readexactly(size + 2))[:-2]
                else:
                    more = await reader.read(65536)
                    if not more:
                        break
                self.received += len(more)
                buffer += decoder.decompress(more) if decoder is not None else more
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    self._on_block(block)
        except (ConnectionError, asyncio.IncompleteReadError, HttpError, OSError) as error:
            self.sse_error = f"{type(error).__name__}: {error}"
        finally:
            self.connected.set()

    def _on_block(self, block: bytes) -> None:
        kind, data = None, None
        for line in block.split(b"\n"):
            if line.startswith(b"event: "):
                kind = line[7:]
            elif line.startswith(b"data: "):
                data = line[6:]
        if kind == b"changed" and data is not None:
            t = now()
            notice = json.loads(data)
            seq, step = notice["seq"], notice["step"]
            self.times.append(t)
            self.seqs.append(seq)
            self.notice_seq = max(self.notice_seq, seq)
            self.step = step
            self.connected.set()
            self.room.on_notice(self, t, seq, step)
            if self.room.fetch and seq != self.last_seq and not self.closed:
                self.refresh()
        elif kind == b"delta" and data is not None:
            t = now()
            # Only the observer needs the notes: the others read the head (from, to,
            # step), so the client's parsing does not take the 2 cores from the server.
            delta = json.loads(data) if self.observer else _delta_head(data)
            seq = delta["to"]
            self.times.append(t)
            self.seqs.append(seq)
            self.notice_seq = max(self.notice_seq, seq)
            self.room.on_notice(self, t, seq, delta["step"])
            if not self.room.fetch or self.closed or self.last_seq >= seq:
                return
            if self.fetching or self.last_seq < delta["from"]:
                self.gaps += 1
                self.refresh()
                return
            self.deltas += 1
            self.last_seq = seq
            if self.observer:
                self._apply(delta)

    def _apply(self, delta: dict[str, Any]) -> None:
        """The observer's board after a delta, recorded like a fetch."""
        have = set(self.view_ids)
        self.view_ids += [n["id"] for n in delta["added"] if n["id"] not in have]
        del self.view_ids[: max(0, len(self.view_ids) - delta["window"])]
        self.view_total = delta["total"]
        self._observe(delta["to"], delta["to"])

    def _observe(self, trigger: int, seq: int) -> None:
        ids = self.view_ids
        oldest = min((_note_number(i) for i in ids), default=0)
        self.observed.append(Fetch(trigger, seq, set(ids), oldest, self.view_total))

    def close(self) -> None:
        self.closed = True
        if self.refresh_task is not None:
            self.refresh_task.cancel()
        if self.sse_writer is not None:
            self.sse_writer.close()
        if self.sse_task is not None:
            self.sse_task.cancel()
        self.submit_conn.close()
        self.fetch_conn.close()

    # ------------------------------------------------------------ the view

    def refresh(self) -> None:
        if self.fetching:
            self.fetch_again = True
            return
        self.fetching = True
        self.refresh_task = asyncio.get_running_loop().create_task(self._refresh())

    async def _refresh(self) -> None:
        try:
            while True:
                self.fetch_again = False
                trigger = self.notice_seq
                try:
                    status, body = await self.fetch_conn.request(
                        "GET", f"{self.room.api}/state", headers={"X-Participant-Key": self.key}
                    )
                except (ConnectionError, asyncio.IncompleteReadError, OSError):
                    self.fetch_errors += 1
                    return
                self.fetches += 1
                self.received += len(body)
                if status != 200:
                    self.fetch_errors += 1
                    return
                # The personal part is last: parse only it, unless this phone observes.
                if self.observer:
                    view = json.loads(body)
                    me = view["me"]
                    notes = view["public"].get("notes", [])
                    self.view_ids = [n["id"] for n in notes]
                    self.view_total = view["public"].get("notes_total", len(notes))
                    self._observe(trigger, me["seq"])
                else:
                    me = json.loads(body[body.rindex(b',"me":') + 6 : -1])
                # What the shared part reflects (a delta applied meanwhile may be newer).
                self.last_seq = max(self.last_seq, me["seq"])
                if not self.fetch_again:
                    return
        finally:
            self.fetching = False

    # ------------------------------------------------------------ submitting

    def next_client_id(self, kind: str) -> str:
        self._counter += 1
        return f"{kind}-{self.index:06d}-{self._counter:06d}"

    async def submit(
        self, kind: str, payload: dict[str, Any], client_id: str | None = None
    ) -> Submission:
        client_id = client_id or self.next_client_id(kind)
        route = {"note": "notes", "vote": "votes"}.get(kind, "command")
        path = f"{self.room.api}/{route}"
        body = json.dumps({**payload, "client_id": client_id}).encode()
        record = Submission(self.index, kind, client_id, now())
        try:
            status, answer = await self.submit_conn.request(
                "POST", path, body, headers={"X-Participant-Key": self.key}
            )
        except (ConnectionError, asyncio.IncompleteReadError, OSError) as error:
            record.acked = now()
            record.error = f"{type(error).__name__}: {error}"
            return record
        record.acked = now()
        record.status = status
        try:
            data = json.loads(answer)
        except ValueError:
            data = {}
        if status in (200, 201):
            record.seq = data.get("seq", 0)
            record.duplicate = bool(data.get("duplicate"))
            record.note = str(data.get("note") or "")
        else:
            record.error = str(data.get("error", answer[:200]))
        return record


class Room:
    """N phones on one server, and the watches that time what they see."""

    def __init__(
        self, port: int, token: str, *, fetch: bool = True, own_addresses: bool = False
    ) -> None:
        self.port = port
        self.own_addresses = own_addresses
        """Each phone on an address of its own (127.0.3.x ...: Linux routes all of
        127.0.0.0/8 to this computer), as on a room's Wi-Fi; else all on 127.0.0.1."""
        self.api = f"/j/{token}/api"
        self.fetch = fetch
        self.phones: list[Phone] = []
        self._watch: tuple[str, float, dict[int, float], asyncio.Future[None]] | None = None

    async def connect(self, count: int, concurrency: int = 50) -> float:
        """Join ``count`` phones and open their streams; returns how long it took."""
        started = now()
        gate = asyncio.Semaphore(concurrency)

        async def one(index: int) -> None:
            phone = Phone(self, index)
            self.phones.append(phone)
            async with gate:
                await phone.join()
                await phone.open_stream()
                if phone.sse_error:
                    raise HttpError(f"phone {index}: {phone.sse_error}")

        await asyncio.gather(*(one(len(self.phones) + i) for i in range(count)))
        self.phones.sort(key=lambda p: p.index)
        return now() - started

    def source_of(self, index: int) -> str | None:
        if not self.own_addresses:
            return None
        return f"127.0.{3 + index // 250}.{1 + index % 250}"

    def on_notice(self, phone: Phone, t: float, seq: int, step: str | None) -> None:
        watch = self._watch
        if watch is not None and step == watch[0] and phone.index not in watch[2]:
            watch[2][phone.index] = t
            if len(watch[2]) == len(self.phones) and not watch[3].done():
                watch[3].set_result(None)

    async def step_change(
        self, server: ServerProcess, item: int, step: int, timeout: float = 10.0
    ) -> tuple[float, list[float]]:
        """Move the facilitator; returns (until every phone heard, each phone's delay)."""
        key = f"{item}.{step}"
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        seen: dict[int, float] = {}
        started = now()
        self._watch = (key, started, seen, future)
        await server.command(f"goto {item} {step}")
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            pass
        finally:
            self._watch = None
        delays = [t - started for t in seen.values()]
        missing = len(self.phones) - len(seen)
        return (max(delays) if not missing else float("inf")), delays

    def seen_delays(
        self, submissions: list[Submission], sample: int = 400, rng: random.Random | None = None
    ) -> tuple[list[float], list[float], int]:
        """submit -> a notice with seq >= the submission's, on every *other* phone.

        Returns (per phone and submission, per submission until all phones, never seen)."""
        rng = rng or random.Random(1)
        acked = [s for s in submissions if s.status in (200, 201) and s.seq]
        chosen = acked if len(acked) <= sample else rng.sample(acked, sample)
        each: list[float] = []
        everyone: list[float] = []
        never = 0
        for s in chosen:
            latest = 0.0
            for phone in self.phones:
                if phone.index == s.phone:
                    continue
                i = _first_at_least(phone.seqs, s.seq)
                if i is None:
                    never += 1
                    latest = float("inf")
                    continue
                delay = max(0.0, phone.times[i] - s.sent)
                each.append(delay)
                latest = max(latest, delay)
            everyone.append(latest)
        return each, everyone, never

    def close(self) -> None:
        for phone in self.phones:
            phone.close()


def _first_at_least(seqs: list[int], wanted: int) -> int | None:
    """Index of the first notice with seq >= wanted (notices only ever go up)."""
    i = bisect.bisect_left(seqs, wanted)
    return i if i < len(seqs) else None


def check_observed(
    observer: Phone, notes: list[Submission], note_ids: dict[str, str]
) -> dict[str, int]:
    """For each acknowledged note, the observer's first fetch set off by a notice that
    covers it: was the note in the view (or older than the newest-notes window)?"""
    out = Counter(present=0, beyond_window=0, missing=0, never_fetched=0)
    fetches = sorted(observer.observed, key=lambda f: f.trigger_seq)
    triggers = [f.trigger_seq for f in fetches]
    for s in notes:
        if s.status not in (200, 201) or s.phone == observer.index or s.duplicate:
            continue
        note_id = note_ids.get(s.client_id)
        i = bisect.bisect_left(triggers, s.seq)
        if i >= len(fetches) or note_id is None:
            out["never_fetched"] += 1
            continue
        fetch = fetches[i]
        if note_id in fetch.ids:
            out["present"] += 1
        elif _note_number(note_id) < fetch.oldest:
            out["beyond_window"] += 1
        else:
            out["missing"] += 1
    return dict(out)


# ---------------------------------------------------------------- the journal


def read_journal(folder: Path) -> list[dict[str, Any]]:
    events = []
    with open(folder / "journal.jsonl", "rb") as file:
        for line in file:
            if line.strip():
                events.append(json.loads(line))
    return events


@dataclass
class JournalCheck:
    events: int = 0
    notes_in_journal: int = 0
    votes_in_journal: int = 0
    acked: int = 0
    lost: int = 0
    duplicated: int = 0
    unacknowledged_extra: int = 0
    resent: int = 0
    resent_ok: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.problems) and self.resent == self.resent_ok


def check_journal(
    folder: Path, submissions: list[Submission], pid_of: dict[int, str]
) -> tuple[JournalCheck, dict[str, str]]:
    """Every acknowledged submission is in the journal exactly once, nothing else is.

    Returns the check and ``client_id -> note id`` for the acknowledged notes."""
    events = read_journal(folder)
    check = JournalCheck(events=len(events))
    kinds = {"note_added": "note", "vote_cast": "vote"}
    recorded: Counter[tuple[str, str]] = Counter()
    note_ids: dict[str, str] = {}
    for event in events:
        kind = kinds.get(event["type"])
        if kind is None:
            continue
        client_id = event["data"].get("client_id", "")
        recorded[(event["actor"], client_id)] += 1
        if kind == "note":
            check.notes_in_journal += 1
            note_ids[client_id] = event["data"]["note"]
        else:
            check.votes_in_journal += 1
    acked = {
        (pid_of[s.phone], s.client_id)
        for s in submissions
        if s.status in (200, 201) and not s.duplicate
    }
    check.acked = len(acked)
    for key in acked:
        if recorded[key] == 0:
            check.lost += 1
    check.duplicated = sum(count - 1 for count in recorded.values() if count > 1)
    tried = {(pid_of[s.phone], s.client_id) for s in submissions}
    check.unacknowledged_extra = sum(1 for key in recorded if key not in acked and key in tried)
    foreign = [key for key in recorded if key not in tried]
    if foreign:
        check.problems.append(f"{len(foreign)} journal entries no phone sent")
    return check, note_ids


async def run_configurations(
    one_run: Any, show: Any, table: Any, args: Any, timeout: float
) -> None:
    """Run every configuration (``--participants`` x ``--modes``) in turn, print each as it
    finishes and then the table; write the results to ``--json`` if given."""
    results = []
    started = time.perf_counter()
    for count in [int(n) for n in args.participants.split(",") if n]:
        for mode in [m for m in args.modes.split(",") if m]:
            result = await asyncio.wait_for(one_run(mode, count, args), timeout)
            show(result)
            results.append(result)
    table(results)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
