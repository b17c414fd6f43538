"""A closed connection is freed at once, not left for Python's cycle collector (issue 16).

Under attack the server opens and closes thousands of connections a second. On Python
3.11 asyncio's socket transport keeps a bound method of its own, so each closed one was
garbage only the cycle collector could free; the full collections that piled up behind
them were the event loop's worst stalls (bench/attack.py, docs/benchmarks.md). With the
collector switched off here, every transport must be gone once its connection is.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import weakref
from collections.abc import Iterator

import pytest

from factories import ANON, ListJournal, go, make_engine
from helpers.waiting import start_server, until
from sessionkit import heap
from sessionkit.core import commands as c
from sessionkit.web import WebLimits, create_app

TOKEN = "memory-token-1234567"


@pytest.fixture
def no_cycle_collector() -> Iterator[None]:
    gc.collect()  # what earlier tests left
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def test_closed_connections_are_freed_without_the_cycle_collector(no_cycle_collector):
    engine = make_engine(journal=ListJournal())
    engine.execute(c.StartSession())
    go(engine, ANON)
    app = create_app(engine, token=TOKEN, limits=WebLimits(header_seconds=0.2))
    server, task = await start_server(app, graceful_seconds=1)
    door = server.door
    assert door is not None and server._server is not None
    try:
        request = f"GET /j/{TOKEN}/api/state HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(5)]
        asking = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(5)]
        for sock in asking:
            sock.sendall(request)
        await until(lambda: door.open == 10, "the ten connections to be open")
        await until(
            lambda: all(s.recv(65536, socket.MSG_PEEK | socket.MSG_DONTWAIT) for s in asking),
            "the answers",
        )
        transports = [
            weakref.ref(protocol.transport) for protocol in server._server.server_state.connections
        ]
        assert len(transports) == 10
        for sock in asking:  # closed by the phone, after an answer
            sock.close()
        # the silent ones are closed by the server: their head deadline passes
        await until(lambda: door.open == 0, "every connection to be closed")
        await until(
            lambda: all(ref() is None for ref in transports),
            "the closed connections' transports to be freed",
        )
        for sock in silent:
            sock.close()
    finally:
        server.stop()
        await asyncio.wait_for(task, 30)


async def test_what_exists_when_the_server_starts_is_left_out_of_full_collections():
    """Under attack full collections come every few seconds; the code, plan and app
    that were there before the first server started are not walked by them."""
    engine = make_engine(journal=ListJournal())
    app = create_app(engine, token=TOKEN, limits=WebLimits())
    server, task = await start_server(app, graceful_seconds=1)
    try:
        assert gc.get_freeze_count() > 1000, "the heap as it was at the first start is frozen"
        again, again_task = await start_server(app, graceful_seconds=1)
        again.stop()
        await asyncio.wait_for(again_task, 30)
        # once per process, not per server (sessionkit.heap: tests/test_heap.py)
        assert gc.callbacks.count(heap._after_a_pass) == 1
    finally:
        server.stop()
        await asyncio.wait_for(task, 30)
