"""Waiting in tests: for a condition, never for an amount of wall-clock time.

A busy machine (two cores, a build beside the suite) makes everything slower, so a test
that sleeps "long enough" or asserts "within a second" fails there for no reason. These
helpers wait for the condition that matters; their deadline is only a safety net, so a
broken feature fails with a sentence instead of hanging the suite, and it is generous
on purpose. How fast things happen is measured by bench/ (see docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

SAFETY_SECONDS = 30.0
"""How long to wait for something that should happen before giving up on it."""

SAFETY_MS = int(SAFETY_SECONDS * 1000)
"""The same, for Playwright's ``timeout=`` arguments."""


async def until(
    predicate: Callable[[], T],
    what: str,
    *,
    timeout: float = SAFETY_SECONDS,
    interval: float = 0.01,
) -> T:
    """Poll ``predicate`` in the running loop until it is true; return its value.

    Raise ``AssertionError`` naming ``what`` if it is still false after ``timeout``.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"gave up after {timeout:g} s waiting for {what}")
        await asyncio.sleep(interval)


async def start_server(
    app: Any, port: int = 0, *, host: str = "127.0.0.1", **options: Any
) -> tuple[Any, asyncio.Task[None]]:
    """Serve ``app`` from a real uvicorn in the running loop; return ``(server, task)``.

    With ``port=0`` (the default) the server's own socket is bound to a port the kernel
    picks and ``server.port`` says which: nothing else can take it between choosing and
    binding, as it could with a probe socket closed before the server binds. Pass a port
    only to come back on the one a stopped server had. Stop with ``server.stop()`` and
    ``await asyncio.wait_for(task, ...)``.
    """
    from sessionkit.web import ParticipantServer

    server = ParticipantServer(app, **options)
    server.bind(host, port)
    task = asyncio.create_task(server.serve())
    try:
        await server.wait_started(timeout=SAFETY_SECONDS)
    except BaseException:
        server.stop()
        task.cancel()
        raise
    return server, task
