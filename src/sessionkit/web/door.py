"""Who gets a connection: caps on open connections, and deadlines on slow requests.

A participant server has one file descriptor per open connection, and the journal, the
snapshot and the exports need descriptors too. So the server never holds more than
:attr:`Door.cap` connections (the descriptor limit less :data:`RESERVED_FILES` and the
accept backlog), nor more than ``max_connections_per_address`` from one address.

- **Admission happens in ``accept()``** (:class:`Listener`): a connection over a cap is
  closed at once, before asyncio builds a transport for it, so the count can never run
  ahead of the descriptors (asyncio accepts up to a backlog's worth in one go before any
  protocol hears of them).
- **Over its address's share a connection is refused** (a JSON 503, then closed).
- **At the total cap, the longest-waiting connection makes room** if there is one: a
  connection the server is waiting on (silent, idle between requests, or still sending
  its request) from the address holding the most. A connection whose request the server
  is answering, an event stream above all, is never closed to make room: a phone that
  is connected keeps its stream and gets its acknowledgements (an idle keep-alive it
  loses, it opens again).
- **Deadlines** (:class:`GuardedProtocol`): a request's headers must arrive within
  ``header_seconds`` of its first byte (or of the connection opening), its body within
  ``body_seconds`` of the headers. uvicorn's own keep-alive timer only runs between
  requests, so a request sent a byte at a time would otherwise be waited on for ever.

Addresses whose ``X-Forwarded-For`` uvicorn trusts (this computer: a tunnel or a reverse
proxy forwarding the whole room) count only towards the total cap.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import socket
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

RESERVED_FILES = 128
"""Descriptors kept free for everything that is not a phone: the journal, the snapshot
and its temporary file, exports, log files, the terminal, Python's own."""

PROXY_ADDRESSES = frozenset({"127.0.0.1", "::1"})
"""uvicorn's default ``forwarded_allow_ips``: connections from here carry other people's
requests (a tunnel, a reverse proxy), so they are not capped per address."""

MAX_DROPS_PER_ACCEPT = 64
"""Connections refused in one ``accept()`` call before the event loop gets a turn."""


def _canned(status: str, message: str, code: str, extra: str = "") -> bytes:
    """A whole JSON answer, for a connection no request cycle will answer."""
    body = json.dumps({"error": message, "code": code}).encode()
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{extra}"
        f"connection: close\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


BUSY = _canned(
    "503 Service Unavailable",
    "The session has too many connections right now. Try again in a moment.",
    "busy",
    "retry-after: 2\r\n",
)
TIMED_OUT = _canned(
    "408 Request Timeout",
    "The request took too long to arrive. Check the connection and try again.",
    "timeout",
)

log = logging.getLogger("sessionkit.web.door")


def descriptor_limit() -> int | None:
    """The process's soft limit on open files (``None``: unknown or unlimited)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else soft


def accept_backlog(files: int | None) -> int:
    """How many connections the kernel queues (and asyncio accepts in one go)."""
    return 1024 if files is None else max(16, min(1024, files // 8))


def connection_cap(files: int | None, backlog: int) -> int:
    """Connections at most for a descriptor limit of ``files``: the limit less the
    backlog (accepted but not yet seen by a protocol) and :data:`RESERVED_FILES`."""
    if files is None:
        return 60_000
    return max(8, files - backlog - RESERVED_FILES)


def address_of(peer: Any) -> str:
    """The host part of a peer address; an IPv4 address mapped into IPv6 as IPv4."""
    host = str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"
    if host.startswith("::ffff:"):
        try:
            mapped = ipaddress.IPv6Address(host).ipv4_mapped
        except ValueError:
            return host
        return str(mapped) if mapped is not None else host
    return host


class Door:
    """The counts of open connections, per address and in all, and who makes room.

    ``waiting[address]`` keeps, oldest first, the connections the server is waiting on
    (nothing asked yet, idle between requests, or a request still arriving): the ones
    that may be closed to make room. The others are being answered.
    """

    def __init__(self, cap: int, per_address: int) -> None:
        self.cap = cap
        self.per_address = per_address
        self.open = 0
        self.counts: dict[str, int] = {}
        self.waiting: dict[str, dict[GuardedProtocol, None]] = {}
        self.admitted = 0
        self.refused = 0
        self.made_room = 0

    # ------------------------------------------------------------ accept

    def admit(self, address: str) -> bool:
        """May a new connection from ``address`` stay? Makes room if it can."""
        if self.open >= self.cap and not self._make_room(None):
            self._refuse("open connections", self.cap)
            return False
        # Over its own share an address is refused, not given room: closing its oldest
        # for its newest would let one client that reconnects as fast as it is closed
        # keep the server building and tearing down connections (2,400 a second
        # measured, and honest acknowledgements at 0.9 s). Refused here, a connection
        # costs an accept and a close, no transport.
        if address not in PROXY_ADDRESSES and self.counts.get(address, 0) >= self.per_address:
            self._refuse("connections from one address", self.per_address)
            return False
        self.open += 1
        self.admitted += 1
        self.counts[address] = self.counts.get(address, 0) + 1
        return True

    def _refuse(self, what: str, cap: int) -> None:
        self.refused += 1
        log.warning("refused a connection: %s at the limit (%d)", what, cap)

    def _make_room(self, address: str | None) -> bool:
        if address is None:  # from the address holding the most
            ranked = sorted(self.counts, key=self.counts.__getitem__, reverse=True)
            address = next((a for a in ranked if self.waiting.get(a)), None)
            if address is None:
                return False
        waiting = self.waiting[address]
        oldest = next(iter(waiting))
        self.made_room += 1
        log.info("closed the longest-waiting connection to make room for a new one")
        oldest.close_for_room()
        return True

    def close_waiting(self) -> None:
        """Close every connection the server waits on (when stopping: a request still
        arriving would otherwise hold the graceful shutdown, then be cancelled)."""
        for waiting in list(self.waiting.values()):
            for protocol in list(waiting):
                protocol.close_for_room()

    # ------------------------------------------------------------ protocols

    def wait_on(self, protocol: GuardedProtocol) -> None:
        """The server now waits on ``protocol`` (moved to the back of the queue)."""
        waiting = self.waiting.setdefault(protocol.address, {})
        waiting.pop(protocol, None)
        waiting[protocol] = None

    def answering(self, protocol: GuardedProtocol) -> None:
        """``protocol``'s request is complete: the server is answering it."""
        waiting = self.waiting.get(protocol.address)
        if waiting is not None:
            waiting.pop(protocol, None)
            if not waiting:
                del self.waiting[protocol.address]

    def gone(self, protocol: GuardedProtocol) -> None:
        """``protocol``'s connection is closed (or closing, to make room): uncount it."""
        address = protocol.address
        self.answering(protocol)
        self.open -= 1
        left = self.counts.get(address, 1) - 1
        if left > 0:
            self.counts[address] = left
        else:
            self.counts.pop(address, None)


class Listener(socket.socket):
    """The listening socket; its ``accept()`` (called by asyncio) asks the door first."""

    door: Door | None = None

    def accept(self) -> tuple[socket.socket, Any]:
        for _ in range(MAX_DROPS_PER_ACCEPT):
            conn, peer = super().accept()  # BlockingIOError when none is waiting
            door = self.door
            if door is None or door.admit(address_of(peer)):
                return conn, peer
            try:  # say why, if the kernel takes it at once; then let go of the descriptor
                conn.setblocking(False)
                conn.send(BUSY)
            except OSError:
                pass
            conn.close()
        raise BlockingIOError  # let the event loop run; the rest are accepted next turn


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with deadlines on requests, counted by a :class:`Door`."""

    def __init__(
        self,
        config: Any,
        server_state: Any,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        door: Door,
        header_seconds: float,
        body_seconds: float,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.door = door
        self.header_seconds = header_seconds
        self.body_seconds = body_seconds
        self.address = "unknown"
        self._deadline: asyncio.TimerHandle | None = None
        self._awaiting = ""  # "head" or "body": what the deadline is for
        self._heard = False  # any byte of the current request
        self._counted = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.address = address_of(transport.get_extra_info("peername"))
        self._counted = True
        self.door.wait_on(self)
        self._expect("head")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._uncount()
        super().connection_lost(exc)
        # Gone: let go of what refers back to this protocol, so that the connection is
        # freed as soon as its request (if one is still running) is done with it.
        # uvicorn cancels its keep-alive timer only on a clean close; after a reset the
        # timer would hold the connection for ``keep_alive_seconds``.
        self.cycle = None  # type: ignore[assignment]
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None
        _free_at_once(self.transport)

    def data_received(self, data: bytes) -> None:
        if not self._awaiting and self.conn.their_state is h11.IDLE:
            self._expect("head")  # the first byte of a request after an idle keep-alive
        self._heard = True
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            self._follow()
            return
        self._heard = bool(self.conn.trailing_data[0])
        if self._counted:
            self.door.wait_on(self)
        if self._heard:  # part of a pipelined request is already here
            self._expect("head")

    # ------------------------------------------------------------ deadlines

    def _follow(self) -> None:
        state = self.conn.their_state
        if state is h11.IDLE:
            return  # still the head: its deadline stands
        if state is h11.SEND_BODY:
            if self._awaiting != "body":
                self._expect("body")
            return
        self._disarm()  # the whole request is here: the app's turn
        if self._counted:
            self.door.answering(self)

    def _expect(self, what: str) -> None:
        self._disarm()
        self._awaiting = what
        seconds = self.header_seconds if what == "head" else self.body_seconds
        self._deadline = self.loop.call_later(seconds, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._awaiting = ""

    def _too_slow(self) -> None:
        what, self._deadline, self._awaiting = self._awaiting, None, ""
        if self.transport.is_closing():
            return
        if what == "head" and self._heard:
            seconds = self.header_seconds
            log.info("closed a connection: a request's headers took over %g s", seconds)
            self.transport.write(TIMED_OUT)
        elif what == "body":
            log.info("closed a connection: a request's body took over %g s", self.body_seconds)
        self.transport.close()  # the app, if reading a body, hears a disconnect

    # ------------------------------------------------------------ making room

    def close_for_room(self) -> None:
        self._disarm()
        self._uncount()  # now: its descriptor is freed on the loop's next turn
        if not self.transport.is_closing():
            self.transport.close()

    def _uncount(self) -> None:
        if self._counted:
            self._counted = False
            self.door.gone(self)


def _free_at_once(transport: asyncio.BaseTransport) -> None:
    """Break the reference cycle a closed asyncio transport keeps to itself.

    On Python 3.11 a socket transport holds its own bound method (``_read_ready_cb``),
    so a closed connection was garbage only the cycle collector could free. Under attack
    hundreds a second piled up for it, and the full collections they set off were the
    event loop's worst stalls (250-500 ms measured, every few seconds, honest
    acknowledgements waiting behind them). Python 3.12 clears it in ``close()``; this
    does the same once the connection is gone, so it is freed when it closes.
    """
    if getattr(transport, "_read_ready_cb", None) is not None:
        transport._read_ready_cb = None  # type: ignore[attr-defined]
