"""Running the participant server inside the TUI's event loop (or a test's).

This module is only the host: it is handed a ready ASGI app and never imports the
routes (:mod:`sessionkit.web.launch` builds the app and hands it over), so the web
package has no import circle.

uvicorn is made to behave as a guest in someone else's loop and terminal
(see shared/PITFALLS.md):

- :meth:`ParticipantServer.bind` opens the listening socket itself, so a taken port is a
  :class:`ServerError` with a sentence for the facilitator instead of uvicorn's
  ``sys.exit(3)``;
- signal handlers are left alone (``capture_signals`` is a no-op): the app owns SIGINT
  and SIGTERM;
- no logging reaches stdout/stderr: ``log_config=None``, no access log, and the
  ``uvicorn`` and ``sessionkit.web`` loggers go to the handler you give (a log file, the
  TUI's log panel) or nowhere;
- :meth:`stop` ends the open event streams, so shutdown does not wait for phones;
- no client can take the server down: connections are capped below the descriptor
  limit and per address, slow requests are closed (:mod:`sessionkit.web.door`), and
  each kind of log message is written once per interval with a count
  (:mod:`sessionkit.web.logs`).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import socket
import sys
from collections.abc import Generator
from typing import Any

import uvicorn

from sessionkit import heap
from sessionkit.web.door import (
    Door,
    GuardedProtocol,
    Listener,
    accept_backlog,
    connection_cap,
    descriptor_limit,
)
from sessionkit.web.limits import WebLimits
from sessionkit.web.logs import ThrottledHandler

LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "sessionkit.web")


class ServerError(Exception):
    """The server could not start; ``str()`` says why and what to do.

    ``short`` says why in a few words, for a status line ("port 8765 is in use");
    ``option`` is the option to change (``--port`` or ``--host``), if one would help;
    ``port_taken`` is set when another program has the port, so another port would do.
    """

    def __init__(
        self,
        message: str,
        *,
        short: str | None = None,
        option: str | None = None,
        port_taken: bool = False,
    ) -> None:
        super().__init__(message)
        self.short = short or message
        self.option = option
        self.port_taken = port_taken


class _GuestServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # the host app handles signals


def route_logs(handler: logging.Handler | None, interval: float = 10.0) -> None:
    """Send the server's log records to ``handler`` only (``None``: drop them), each kind
    at most once per ``interval`` seconds. asyncio's own records go there too when a
    handler is given: left alone they would reach stderr, over the TUI."""
    throttled = ThrottledHandler(handler, interval) if handler is not None else None
    names = (*LOGGERS, "asyncio") if handler is not None else LOGGERS
    for name in names:
        logger = logging.getLogger(name)
        logger.handlers = [throttled or logging.NullHandler()]
        logger.propagate = False


def _raise_file_limit() -> None:
    """1,000 phones hold 1,000 open streams; the usual soft limit of 1,024 files is tight."""
    try:
        import resource
    except ImportError:  # Windows
        return
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = 8192 if hard == resource.RLIM_INFINITY else min(hard, 8192)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (OSError, ValueError):
        pass


def _limits_of(app: Any) -> WebLimits:
    """The limits the app was made with (``create_app`` keeps them), else the defaults."""
    context = getattr(getattr(app, "state", None), "context", None)
    limits = getattr(context, "limits", None)
    return limits if isinstance(limits, WebLimits) else WebLimits()


def free_port_near(host: str, port: int, tries: int = 20) -> int | None:
    """A port after ``port`` that is free on ``host`` right now, to suggest instead of a
    taken one (advice only: another program may take it before it is used)."""
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                host or None, candidate, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )[0]
            with socket.socket(family, kind, proto) as probe:
                if sys.platform != "win32":  # as bind() does: only a live listener counts
                    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
        except (OSError, UnicodeError):
            continue
        return candidate
    return None


class ParticipantServer:
    """uvicorn serving one ASGI app in the running loop; start with ``bind`` then ``serve``."""

    def __init__(
        self,
        app: Any,
        *,
        log_handler: logging.Handler | None = None,
        graceful_seconds: float = 2.0,
        limits: WebLimits | None = None,
    ) -> None:
        self.app = app
        self.graceful_seconds = graceful_seconds
        self.limits = limits or _limits_of(app)
        self.door: Door | None = None
        """Open connections and their caps, once :meth:`serve` runs."""
        self.socket: socket.socket | None = None
        self.host = ""
        self.port = 0
        self.error: BaseException | None = None
        """Why :meth:`serve` ended early, if it did."""
        self._server: _GuestServer | None = None
        self._stopped = False
        route_logs(log_handler, self.limits.log_interval_seconds)

    # ------------------------------------------------------------ lifecycle

    def bind(self, host: str, port: int) -> socket.socket:
        """Open the listening socket; raise :class:`ServerError` with advice if it fails."""
        where = f"port {port} on {host}"
        if not 0 <= port <= 65535:
            raise ServerError(
                f"{port} is not a port number; choose one from 1024 to 65535 with --port",
                short=f"{port} is not a port number",
                option="--port",
            )
        try:
            infos = socket.getaddrinfo(
                host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )
        except (socket.gaierror, UnicodeError) as error:
            raise ServerError(
                f"cannot listen on '{host}': it is not an address of this "
                f"computer ({getattr(error, 'strerror', None) or error}); "
                "use 0.0.0.0 to listen on every network",
                short=f"'{host}' is not an address of this computer",
                option="--host",
            ) from None
        family, kind, proto, _, address = infos[0]
        sock = Listener(family, kind, proto)
        try:
            if sys.platform == "win32":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
            else:  # reuse a port whose old connections are still closing, never a live one
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and host in ("::", ""):
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            sock.bind(address)
            sock.listen(2048)
            sock.setblocking(False)
        except OSError as error:
            sock.close()
            option: str | None = "--port"
            if error.errno == errno.EADDRINUSE:
                message = f"{where} is already in use; choose another with --port"
                short = f"port {port} is in use"
            elif error.errno == errno.EACCES:
                message = (
                    f"not allowed to use {where} (ports below 1024 need "
                    "administrator rights); choose another with --port"
                )
                short = f"not allowed to use port {port}"
            elif error.errno == errno.EADDRNOTAVAIL:
                message = (
                    f"{host} is not an address of this computer; use 0.0.0.0 to "
                    "listen on every network, or choose another with --host"
                )
                short = f"{host} is not an address of this computer"
                option = "--host"
            else:
                message = f"cannot listen on {where}: {error.strerror or error}"
                short, option = f"cannot listen on port {port}", None
            raise ServerError(
                message, short=short, option=option, port_taken=error.errno == errno.EADDRINUSE
            ) from None
        self.socket = sock
        self.host = host
        self.port = sock.getsockname()[1]
        return sock

    async def serve(self) -> None:
        """Serve until :meth:`stop`; run it as a Textual worker or an asyncio task.

        Never raises for a server problem and never exits the process: a failure is kept
        in :attr:`error` (and logged) and ``serve`` returns.
        """
        if self._stopped:
            return
        if self.socket is None:
            raise ServerError("call bind(host, port) before serve()")
        _raise_file_limit()
        heap.keep_what_lasts()
        limits = self.limits
        files = descriptor_limit()
        backlog = accept_backlog(files)
        cap = limits.max_connections or connection_cap(files, backlog)
        door = Door(cap, limits.max_connections_per_address)
        self.door = door
        if isinstance(self.socket, Listener):
            self.socket.door = door
        config = uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            lifespan="off",
            http="h11",
            ws="none",
            interface="asgi3",
            server_header=False,
            timeout_graceful_shutdown=max(1, int(self.graceful_seconds + 0.999)),
            timeout_keep_alive=max(1, round(limits.keep_alive_seconds)),
            backlog=backlog,
        )
        config.http = functools.partial(  # type: ignore[assignment]
            GuardedProtocol,
            door=door,
            header_seconds=limits.header_seconds,
            body_seconds=limits.body_seconds,
        )
        self._server = _GuestServer(config)
        try:
            await self._server.serve(sockets=[self.socket])
        except (Exception, SystemExit) as error:  # uvicorn's sys.exit() must not end the app
            self.error = error
            logging.getLogger("sessionkit.web").exception("participant server stopped")
        finally:
            # Also when cancelled (Textual cancels its workers on exit): stop listening
            # and hang up, so the port is free at once and phones notice.
            self._close_listeners()
            self._drop_connections()
            self.socket = None

    @property
    def started(self) -> bool:
        return self._server is not None and self._server.started

    @property
    def running(self) -> bool:
        server = self._server
        return server is not None and server.started and not server.should_exit

    async def wait_started(self, timeout: float = 5.0) -> None:
        """Wait until the server accepts connections (raises ServerError if it cannot)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.started:
            if self.error is not None:
                raise ServerError(
                    f"the participant server could not start: {self.error}",
                    short="the participant server did not start",
                )
            if loop.time() > deadline:
                raise ServerError(
                    "the participant server did not start in time",
                    short="the participant server did not start",
                )
            await asyncio.sleep(0.02)

    def stop(self) -> None:
        """Ask the server to stop: end the event streams, close the listening socket.

        Safe to call more than once and before ``serve`` started. ``serve`` returns once
        open requests finish (at most ``graceful_seconds``).
        """
        self._stopped = True
        hub = getattr(getattr(self.app, "state", None), "hub", None)
        if hub is not None:
            hub.close_all()
        if self.door is not None:  # nothing to finish for them: no graceful wait
            self.door.close_waiting()
        if self._server is not None:
            self._server.should_exit = True
        elif self.socket is not None:
            self.socket.close()
            self.socket = None

    def _close_listeners(self) -> None:
        hub = getattr(getattr(self.app, "state", None), "hub", None)
        if hub is not None:
            hub.close_all()
        for listener in getattr(self._server, "servers", None) or []:
            listener.close()
        if self.socket is not None:
            self.socket.close()

    def _drop_connections(self) -> None:
        if self._server is None:
            return
        for connection in list(self._server.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None and not transport.is_closing():
                transport.close()
