"""Starting the participant server from the Textual app: build, bind, serve, link.

This is the one place that knows both halves: :func:`~sessionkit.web.routes.create_app`
(what phones talk to) and :class:`~sessionkit.web.server.ParticipantServer` (uvicorn as
a guest in the app's loop). Keeping it out of ``server`` leaves the server a plain ASGI
host that never imports the routes, so the ``web`` package has no import circle.
"""

from __future__ import annotations

import logging
from typing import Any

from sessionkit.core.engine import Engine
from sessionkit.netaddr import JoinLink, check_public_url, join_link
from sessionkit.web.limits import WebLimits
from sessionkit.web.routes import create_app, new_token
from sessionkit.web.server import ParticipantServer


async def serve_in_app(
    app: Any,
    engine: Engine,
    *,
    host: str = "0.0.0.0",
    port: int = 8765,
    public_url: str | None = None,
    language: str = "en",
    token: str | None = None,
    retired: tuple[str, ...] = (),
    limits: WebLimits | None = None,
    log_handler: logging.Handler | None = None,
    room_token: str | None = None,
) -> tuple[ParticipantServer, JoinLink]:
    """Start the participant server as a worker of the Textual app ``app``.

    ``retired``: the run's earlier join tokens (phones that joined with them stay in).
    ``room_token``: serve the room page at ``/room/{room_token}`` too.
    Returns ``(server, link)``: ``link.url`` is the join URL for the QR code, or ``None``
    with ``link.problem`` saying why phones cannot reach this computer. Raises
    :class:`~sessionkit.web.server.ServerError` (port taken, bad host) or ``ValueError``
    (bad ``public_url``) before anything is started. Call ``server.stop()`` from
    ``on_unmount``.
    """
    if public_url:
        check_public_url(public_url)
    token = token or new_token()
    asgi = create_app(
        engine,
        token=token,
        retired=retired,
        limits=limits,
        room_token=room_token,
        language=language,
    )
    server = ParticipantServer(asgi, log_handler=log_handler)
    server.bind(host, port)
    link = join_link(token, port=server.port, host=host, public_url=public_url)
    if asgi.state.room is not None and link.url is not None:  # the room page shows it
        asgi.state.room.join_base = link.url.rsplit("/j/", 1)[0]

    async def run() -> None:
        try:
            await server.serve()
        finally:
            asgi.state.hub.detach()  # this app is done with: stop following the engine
            if asgi.state.room is not None:
                asgi.state.room.detach()

    app.run_worker(
        run(), name="participant-server", group="participant-server", exit_on_error=False
    )
    await server.wait_started()
    return server, link
