"""Limits that hold (issue 16): the attack scenarios of bench/attack.py, small and fast.

Every client is on loopback. Linux routes all of 127.0.0.0/8 to this computer, so the
attacker's sockets are bound to 127.0.0.2 (or 127.0.1.x) and the honest phones' to
127.0.0.3 and up: to the server they are different network addresses. (127.0.0.1 itself
is where a tunnel would connect from, which is capped only by the total.)

- requests that arrive too slowly (head or body, a byte at a time) are closed, with a
  408 if the head had begun, and record nothing;
- one address cannot hold more than its share of connections, and at the total cap the
  address holding the most makes room, while a connected phone keeps its event stream
  and gets its acknowledgements; when nothing can make room, a new connection is told
  503 in JSON and let go of;
- a join flood from one address gets the cap's worth of places, and a sentence;
- each kind of log message is written once per interval, with a count;
- in a child process with only 400 descriptors, idle, slowloris and join floods at once
  never run it out of files: honest phones are acknowledged, the snapshot is written,
  and the log holds no traceback.

The tests wait for outcomes (tests/helpers/waiting.py), never for time: the deadlines
are set short here so that the outcomes come soon.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import resource
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from factories import ANON, ListJournal, go, make_engine
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.web import WebLimits, create_app
from sessionkit.web.door import Door, accept_backlog, connection_cap
from sessionkit.web.logs import ThrottledHandler

TOKEN = "limits-token-123456"
API = f"/j/{TOKEN}/api"
ATTACKER = "127.0.0.2"
CHILD = Path(__file__).parent / "helpers" / "http_child.py"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="needs all of 127.0.0.0/8 on loopback (Linux)"
)


def limits(**overrides: Any) -> WebLimits:
    base: dict[str, Any] = {
        "rate": 10_000.0,
        "burst": 10_000,
        "anonymous_rate": 10_000.0,
        "anonymous_burst": 10_000,
        "urgent_delay": 0.01,
        "bulk_delay": 0.02,
        "header_seconds": 30.0,
        "body_seconds": 30.0,
        "log_interval_seconds": 600.0,
    }
    return WebLimits(**{**base, **overrides})


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


class Served:
    """A real server in this loop for an engine on an open anonymous board."""

    def __init__(self, **overrides: Any) -> None:
        self.engine = make_engine(journal=ListJournal())
        self.engine.execute(c.StartSession())
        go(self.engine, ANON)
        self.app = create_app(self.engine, token=TOKEN, limits=limits(**overrides))
        self.log = Records()

    async def __aenter__(self) -> Served:
        from helpers.waiting import start_server

        self.server, self.task = await start_server(
            self.app, log_handler=self.log, graceful_seconds=1
        )
        self.port = self.server.port
        self.sockets: list[socket.socket] = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        for sock in self.sockets:
            sock.close()
        self.server.stop()
        await asyncio.wait_for(self.task, 30)

    @property
    def door(self) -> Door:
        assert self.server.door is not None
        return self.server.door

    def raw(self, source: str = ATTACKER, data: bytes = b"") -> socket.socket:
        """A socket from ``source``, connected, having sent ``data``."""
        sock = socket.socket()
        sock.bind((source, 0))
        sock.connect(("127.0.0.1", self.port))
        sock.setblocking(False)
        if data:
            sock.send(data)
        self.sockets.append(sock)
        return sock

    def phone(self, source: str) -> httpx.AsyncClient:
        transport = httpx.AsyncHTTPTransport(local_address=source)
        return httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{self.port}", transport=transport, timeout=30
        )


def received(sock: socket.socket, got: bytearray) -> bool:
    """Read what is there; ``True`` once the server has hung up."""
    while True:
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            return False
        except ConnectionResetError:
            return True
        if not chunk:
            return True
        got.extend(chunk)


async def raw_join(
    port: int, source: str, n: int, cookie: str = ""
) -> tuple[int, dict[str, Any], str]:
    """A join from a browser of its own (no cookie unless given) at ``source``: returns
    (status, answer, the device cookie it was given). Raw asyncio: an httpx client per
    browser costs a TLS context each, which a 2-core machine feels."""
    body = json.dumps({"client_id": f"flood-{n:05d}-0000000000"}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    head = (
        f"POST {API}/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n"
        + (f"Cookie: {cookie}\r\n" if cookie else "")
        + "\r\n"
    )
    writer.write(head.encode() + body)
    answer = await reader.read()
    writer.close()
    top, _, payload = answer.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    given = next(
        (
            line.split(":", 1)[1].split(";")[0].strip()
            for line in lines
            if line.lower().startswith("set-cookie:")
        ),
        "",
    )
    return int(lines[0].split()[1]), json.loads(payload), given


async def join(http: httpx.AsyncClient, n: int) -> dict[str, str]:
    r = await http.post(f"{API}/join", json={"client_id": f"honest-phone-{n:04d}-join"})
    assert r.status_code in (200, 201), r.text
    return {"X-Participant-Key": r.json()["key"]}


async def note(http: httpx.AsyncClient, key: dict[str, str], text: str) -> httpx.Response:
    return await http.post(
        f"{API}/notes", json={"text": text, "client_id": text.replace(" ", "-")}, headers=key
    )


class Stream:
    """A phone's event stream on a connection of its own, read in the background."""

    def __init__(self, served: Served, source: str, key: dict[str, str]) -> None:
        path = f"{API}/events?key={key['X-Participant-Key']}"
        self.sock = served.raw(source, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        self.got = bytearray()
        self.closed = False

    def poll(self) -> bytes:
        self.closed = self.closed or received(self.sock, self.got)
        return bytes(self.got)


# ---------------------------------------------------------------- deadlines


async def test_requests_that_arrive_too_slowly_are_closed_and_record_nothing():
    async with Served(header_seconds=0.3, body_seconds=0.3) as served:
        notes_before = len(served.engine.state.notes)
        silent = served.raw()
        head = served.raw(data=b"POST " + API.encode() + b"/notes HTTP/1.1\r\nX-Pad: ")
        body = served.raw(
            data=(
                f"POST {API}/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: 4000\r\n\r\n"
            ).encode()
            + b'{"text": "slow'
        )
        answers = {id(s): bytearray() for s in (silent, head, body)}

        def a_byte_more_until_closed() -> bool:
            done = True
            for sock in (silent, head, body):
                closed = received(sock, answers[id(sock)])
                if not closed and sock is not silent:
                    try:  # a byte at a time: more bytes must not move the deadline
                        sock.send(b"x")
                    except OSError:
                        closed = True
                done = done and closed
            return done

        await until(a_byte_more_until_closed, "the server to close the three slow connections")
        assert answers[id(silent)] == b"", "a connection that said nothing is just closed"
        assert answers[id(head)].startswith(b"HTTP/1.1 408 "), bytes(answers[id(head)])
        assert b'"code": "timeout"' in answers[id(head)]
        assert len(served.engine.state.notes) == notes_before
        assert served.door.open == 0 or all(a != ATTACKER for a in served.door.counts), (
            "closed connections are no longer counted"
        )
        async with served.phone("127.0.0.3") as http:  # and the server serves on
            assert (await note(http, await join(http, 1), "after the slow ones")).status_code == 201


# ---------------------------------------------------------------- connection caps


async def test_one_address_gets_its_share_and_a_connected_phone_keeps_its_acks():
    """Over its share an address is refused (its own connections are left alone)."""
    async with Served(max_connections_per_address=10, max_connections=1000) as served:
        async with served.phone("127.0.0.3") as http:
            key = await join(http, 1)
            stream = Stream(served, "127.0.0.3", key)
            await until(lambda: b"event: changed" in stream.poll(), "the phone's stream")
            door = served.door
            burst = [served.raw() for _ in range(30)]
            await until(lambda: door.refused >= 20, "connections over the share refused")
            assert door.counts[ATTACKER] == 10 and door.made_room == 0
            answers = [bytearray() for _ in burst]
            await until(
                lambda: sum(received(s, a) for s, a in zip(burst, answers, strict=True)) >= 20,
                "the refused to be let go",
            )
            assert any(a.startswith(b"HTTP/1.1 503 ") for a in answers)
            for n in range(2):  # the step's most per person
                r = await note(http, key, f"honest note {n}")
                assert r.status_code == 201, r.text
            seq = served.engine.state.seq
            await until(
                lambda: any(  # a changed notice, or a delta on an open board
                    mark.encode() in stream.poll()
                    for mark in (f'"seq": {seq}', f'"seq":{seq}', f'"to":{seq}')
                ),
                "the phone's stream to hear of its notes",
            )
            assert not stream.closed


async def test_at_the_total_cap_the_biggest_holder_makes_room_then_503():
    async with Served(
        max_connections=12, max_connections_per_address=1000, max_streams_per_participant=20
    ) as served:
        async with served.phone("127.0.0.3") as http:
            key = await join(http, 1)  # one keep-alive connection
            stream = Stream(served, "127.0.0.3", key)
            await until(lambda: b"event: changed" in stream.poll(), "the phone's stream")
            big = [served.raw("127.0.1.1") for _ in range(8)]
            small = [served.raw("127.0.1.2") for _ in range(2)]
            await until(lambda: served.door.open == 12, "the server to be full")
            newcomer = served.raw("127.0.0.4")
            await until(lambda: served.door.counts.get("127.0.0.4") == 1, "the newcomer in")
            assert served.door.open <= 12
            assert served.door.counts["127.0.1.1"] == 7, "the biggest holder made room"
            assert not any(received(s, bytearray()) for s in small)
            assert (await note(http, key, "at the cap")).status_code == 201
            assert not stream.poll().endswith(b"0\r\n\r\n") and not stream.closed

            # Fill the server with event streams (being answered: nothing may close them)
            for s in [*big, *small, newcomer]:
                s.close()
            served.sockets.clear()
            await until(lambda: served.door.open <= 2, "the attackers' connections gone")
            streams = [Stream(served, f"127.0.2.{n}", key) for n in range(10)]
            await until(
                lambda: all(b"event: changed" in s.poll() for s in streams), "ten more streams"
            )
            await until(lambda: served.door.open == 12, "the server full of streams")
            extra = Stream(served, "127.0.0.5", key)  # the phone's idle keep-alive makes room
            await until(
                lambda: b"event: changed" in extra.poll() and served.door.made_room == 2,
                "the keep-alive to make room for one more stream",
            )
            refused = served.raw("127.0.0.6")  # every connection is being answered
            got = bytearray()
            await until(lambda: received(refused, got), "the refused connection to be let go")
            assert got.startswith(b"HTTP/1.1 503 "), bytes(got)
            assert json.loads(got.split(b"\r\n\r\n", 1)[1])["code"] == "busy"
            assert not extra.poll().endswith(b"0\r\n\r\n") and not extra.closed
            extra.sock.close()  # a place again: the phone opens its keep-alive again
            await until(lambda: served.door.open == 11, "the extra stream gone")
            assert (await note(http, key, "still acknowledged")).status_code == 201
        lines = [line for line in served.log.lines if "refused a connection" in line]
        assert len(lines) == 1, "one line per kind per interval"


def test_the_connection_cap_leaves_room_for_the_record():
    for files in (256, 1024, 8192, 20_000):
        backlog = accept_backlog(files)
        cap = connection_cap(files, backlog)
        assert 0 < cap < files - backlog - 100, files


# ---------------------------------------------------------------- joins


async def test_a_join_flood_from_one_address_gets_the_cap_and_a_sentence():
    async with Served(max_joins_per_address=5) as served:
        answers = await asyncio.gather(  # twelve browsers, one address
            *(raw_join(served.port, ATTACKER, n) for n in range(12))
        )
        codes = sorted(status for status, _, _ in answers)
        assert codes == [201] * 5 + [403] * 7, codes
        refusal = next(answer for status, answer, _ in answers if status == 403)
        assert refusal["code"] == "network_full"
        assert "Too many people have joined from this network" in refusal["error"]
        cookie = next(given for status, _, given in answers if status == 201)
        status, _, _ = await raw_join(served.port, ATTACKER, 99, cookie)
        assert status == 201, "the same browser joining again takes no place"
        async with served.phone("127.0.0.3") as http:
            await join(http, 1)  # another network still gets in
        places = served.app.state.context.gate.join_places
        assert places.count(ATTACKER) == 5 and places.count("127.0.0.3") == 1
        assert len(served.engine.state.participants) == 7  # the browser that joined again too


# ---------------------------------------------------------------- logs


def test_each_kind_of_log_message_is_written_once_per_interval_with_a_count():
    now = [0.0]
    target = Records()
    handler = ThrottledHandler(target, interval=10.0, clock=lambda: now[0])
    logger = logging.getLogger("sessionkit.web.test-throttle")
    logger.handlers, logger.propagate = [handler], False
    for n in range(100):
        logger.warning("refused a connection (%d)", n)
    logger.warning("another kind")
    assert target.lines == ["refused a connection (0)", "another kind"]
    now[0] = 11.0
    logger.warning("refused a connection (%d)", 100)
    assert target.lines[-1] == "refused a connection (100) (and 99 more like this in the last 11 s)"
    try:
        raise OSError(errno.EMFILE, "Too many open files")
    except OSError:
        logger.exception("socket.accept() out of system resource")
    assert "Traceback" not in target.lines[-1] and "Too many open files" in target.lines[-1]


# ---------------------------------------------------------------- out of descriptors


class Child:
    def __init__(self, records: Path, files: int) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "CHILD_FILES": str(files)}
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(records), TOKEN],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        assert first.startswith("ready "), first + self.proc.stderr.read()  # type: ignore[union-attr]
        self.port = int(first.split()[1])

    def command(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def quit(self) -> str:
        self.command("quit")
        self.proc.wait(timeout=30)
        assert self.proc.stderr is not None
        return self.proc.stderr.read()


async def test_floods_at_once_never_run_the_server_out_of_descriptors(tmp_path: Path):
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1024:
        pytest.fail(f"this test needs 1,024 descriptors for its own sockets (has {soft})")
    child = Child(tmp_path, files=300)
    sockets: list[socket.socket] = []
    try:
        stats = json.loads(child.command("stats")[3:])
        assert 0 < stats["cap"] < 300 - 100
        base = f"http://127.0.0.1:{child.port}"
        phones = [
            httpx.AsyncClient(
                base_url=base,
                transport=httpx.AsyncHTTPTransport(local_address=f"127.0.0.{3 + n}"),
                timeout=30,
            )
            for n in range(5)
        ]
        keys = [await join(http, n) for n, http in enumerate(phones)]
        arrived = 0
        for _ in range(8):  # more idle connections than the process has descriptors
            for _ in range(30):  # at most a backlog's worth at a time: none is dropped
                sock = socket.socket()
                sock.bind((ATTACKER, 0))
                sock.setblocking(False)
                sock.connect_ex(("127.0.0.1", child.port))
                sockets.append(sock)
            arrived += 30
            await _until_stats(child, lambda s, n=arrived: s["admitted"] + s["refused"] >= n)
        for _ in range(40):  # slowloris: half a head each
            sock = socket.socket()
            sock.bind(("127.0.1.9", 0))
            sock.connect(("127.0.0.1", child.port))
            sock.send(b"POST " + API.encode() + b"/notes HTTP/1.1\r\nHost")
            sockets.append(sock)
        flooding = asyncio.gather(
            *(raw_join(child.port, ATTACKER, n) for n in range(60)), return_exceptions=True
        )
        stats = await _until_stats(child, lambda s: s["admitted"] + s["refused"] >= arrived + 40)
        assert stats["open"] <= stats["cap"] and stats["refused"] + stats["made_room"] >= 60
        for round_ in range(3):
            answers = await asyncio.gather(
                *(
                    note(http, key, f"honest {n} {round_}")
                    for n, (http, key) in enumerate(zip(phones, keys, strict=True))
                )
            )
            assert [r.status_code for r in answers] == [201] * 5, [r.text for r in answers]
        assert child.command("snapshot") == "ok"
        flooded = await flooding
        assert all(isinstance(f, tuple) and f[0] == 201 for f in flooded), flooded
        for http in phones:
            await http.aclose()
    finally:
        for sock in sockets:
            sock.close()
        stderr = child.quit()
    log = (tmp_path / "child.log").read_text()
    for text in (log, stderr):
        assert "Traceback" not in text and "Too many open files" not in text, text[-2000:]


async def _until_stats(child: Child, wanted: Any) -> dict[str, Any]:
    latest: dict[str, Any] = {}

    def check() -> bool:
        latest.update(json.loads(child.command("stats")[3:]))
        return bool(wanted(latest))

    try:
        await until(check, "the child's door to turn connections away", interval=0.05)
    except AssertionError as error:
        raise AssertionError(f"{error}: {latest}") from None
    return latest
