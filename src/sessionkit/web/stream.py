"""``GET /j/{token}/api/events``: the Server-Sent Events stream a phone listens on.

The stream carries notices (``changed``, ``ping``), after which the phone fetches its
view with ``GET api/state``, and, on a grouped step, ``me``: the phone's own part when
its group's shared list changed, so a room of groups writing does not become a room of
refetches; and, on an open board, ``delta``: the notes added and edited since the
last flush, which a phone that is current applies instead of refetching
(:mod:`sessionkit.web.deltas`). What goes into a connection's mailbox, and when, is the hub's
business (:mod:`sessionkit.web.hub`); this module only writes it out.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from sessionkit.web.assets import accepts_gzip
from sessionkit.web.guards import ApiError
from sessionkit.web.hub import Hub
from sessionkit.web.stream_gzip import GzipStream


class Admits(Protocol):
    """Who may listen: the phones' gate (a participant's key), or the room page's (its
    token); either says whose stream it is, or raises :class:`ApiError`."""

    def participant(self, request: Request, allow_query: bool = False) -> str: ...


class EventStream:
    """Server-Sent Events, one mailbox per connection (a raw ASGI app, not an endpoint:
    the response is written as the mailbox fills and ends when the phone hangs up).

    Sends ``retry: 2000`` (reconnect after two seconds), then ``event: changed`` with
    ``{"seq", "step"}`` at once and whenever this phone's view may have changed, and an
    ``event: ping`` (after a ``:`` comment line) every ``heartbeat_seconds`` so both ends
    notice a dead connection; ``event: me`` with the phone's own part (what ``state``
    answers as ``me``) when its group's list changed; ``event: delta`` (see
    :mod:`sessionkit.web.deltas`) in a ``changed`` notice's place on an open board.
    gzipped when the browser accepts it, each message compressed once for all phones
    and none held back (:mod:`sessionkit.web.stream_gzip`).
    """

    def __init__(self, gate: Admits, hub: Hub, heartbeat_seconds: float) -> None:
        self.gate = gate
        self.hub = hub
        self.heartbeat_seconds = heartbeat_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if scope["method"] != "GET":
            await ApiError(
                405, "Use GET for the event stream.", "method", headers={"Allow": "GET"}
            ).response()(scope, receive, send)
            return
        try:
            # EventSource cannot set headers, so the key may come as ?key=.
            pid = self.gate.participant(request, allow_query=True)
        except ApiError as error:
            await error.response()(scope, receive, send)
            return
        hub = self.hub
        connection = hub.connect(pid)
        gone = False

        async def watch() -> None:
            nonlocal gone
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    gone = True
                    connection.close()
                    return

        watcher = asyncio.ensure_future(watch())
        gzipped = GzipStream() if accepts_gzip(request) else None

        async def write(body: bytes, personal: bool = False) -> None:
            if gzipped is not None:
                body = gzipped.piece(body, personal=personal)
            await send({"type": "http.response.body", "body": body, "more_body": True})

        headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-store"),
            (b"x-accel-buffering", b"no"),
            (b"vary", b"accept-encoding"),
        ]
        if gzipped is not None:
            headers.append((b"content-encoding", b"gzip"))
        try:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            first = b"retry: 2000\n\n"
            if gzipped is not None:
                first = gzipped.start(first)
            await send({"type": "http.response.body", "body": first, "more_body": True})
            heartbeat = self.heartbeat_seconds
            while True:
                idle = connection.pending is None and connection.pending_me is None
                if idle and not connection.closed:
                    try:
                        async with asyncio.timeout(heartbeat):
                            await connection.wake.wait()
                    except TimeoutError:
                        await write(b": keep-alive\n\nevent: ping\ndata: {}\n\n")
                        continue
                connection.wake.clear()
                message, connection.pending = connection.pending, None
                if message is not None and not gone:
                    await write(message)
                mine, connection.pending_me = connection.pending_me, None
                if mine is not None and not gone:
                    await write(mine, personal=True)
                if connection.closed:
                    break
            if not gone:
                last = gzipped.end() if gzipped is not None else b""
                await send({"type": "http.response.body", "body": last, "more_body": False})
        finally:
            hub.disconnect(connection)
            watcher.cancel()
