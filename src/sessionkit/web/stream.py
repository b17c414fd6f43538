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

from sessionkit.web.guards import ApiError
from sessionkit.web.hub import Hub


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
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-store"),
                        (b"x-accel-buffering", b"no"),
                    ],
                }
            )
            await send(
                {"type": "http.response.body", "body": b"retry: 2000\n\n", "more_body": True}
            )
            heartbeat = self.heartbeat_seconds
            while True:
                idle = connection.pending is None and connection.pending_me is None
                if idle and not connection.closed:
                    try:
                        async with asyncio.timeout(heartbeat):
                            await connection.wake.wait()
                    except TimeoutError:
                        await send(
                            {
                                "type": "http.response.body",
                                "more_body": True,
                                "body": b": keep-alive\n\nevent: ping\ndata: {}\n\n",
                            }
                        )
                        continue
                connection.wake.clear()
                message, connection.pending = connection.pending, None
                if message is not None and not gone:
                    await send({"type": "http.response.body", "body": message, "more_body": True})
                mine, connection.pending_me = connection.pending_me, None
                if mine is not None and not gone:
                    await send({"type": "http.response.body", "body": mine, "more_body": True})
                if connection.closed:
                    break
            if not gone:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            hub.disconnect(connection)
            watcher.cancel()
