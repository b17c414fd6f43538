"""A live run: the engine with its durable record and its participant server.

The CLI makes one :class:`Live` for the app. Every run the app shows (started from the
command line, from the home screen, or resumed) is made or opened here, so each has a
folder in the records location and a journal the engine writes before it acknowledges
anything. When the app shows a run, :meth:`Live.serve` starts the phone server for it in
the app's event loop and hands the app the join URL for the QR code.

The join token is kept in the run's folder, so after a crash the same QR code still
works: phones reconnect by themselves and resend what was not acknowledged. A new join
code (:meth:`Live.new_join_code`) is kept there too, with the tokens it replaced: those no
longer let anyone join, but the phones that joined with them keep working.
"""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sessionkit import store
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.export import FORMATS, format_named
from sessionkit.netaddr import NO_ADDRESS, JoinLink, JoinProblem, RoomLink, join_link, room_link
from sessionkit.store.series import carry_in, record_of

log = logging.getLogger(__name__)

TOKEN_FILE = store.JOIN_TOKEN_FILE
ROOM_TOKEN_FILE = store.ROOM_TOKEN_FILE


@dataclass(frozen=True)
class ServerOptions:
    enabled: bool = True
    host: str = "0.0.0.0"
    port: int = 8765
    public_url: str | None = None
    language: str = "en"
    """What phones, the room view and the HTML export speak: en, cy or cy+en."""


class Live:
    def __init__(
        self,
        records_dir: Path | None = None,
        server: ServerOptions = ServerOptions(),
        log_handler: logging.Handler | None = None,
    ) -> None:
        self.records_dir = records_dir
        self.options = server
        self.log_handler = log_handler
        self._runs: dict[int, store.Run] = {}
        self._server: Any = None
        self._unkept_room_tokens: dict[int, str] = {}

    # ------------------------------------------------------------ runs

    def new_run(self, plan: Plan, methods: dict[str, Method], series: str | None = None) -> Engine:
        """A new run of ``plan`` with its own folder (in ``series``, if given: the open
        actions of its earlier runs are loaded for review); returns its engine. Raises
        ``ValueError`` for a series name that cannot be one."""
        used = {
            item.method: methods[item.method]
            for _, item in plan.items()
            if item.method and item.method in methods
        }
        run = store.create_run(self.records_dir, plan, used, series=series)
        return self._keep(carry_in(run))

    def resume(self, ref: str) -> Engine:
        """Reopen an unfinished run (a folder name, unique prefix or path)."""
        try:
            run = store.open_run(ref, self.records_dir)
        except store.DamagedRecord as damaged:
            raise store.RecordError(
                f"{damaged} Export what was kept with `sessionkit export`, or repair it first."
            ) from None
        carry_in(run)
        for warning in [*run.warnings, *run.series_warnings]:
            log.warning("%s", warning)
        return self._keep(run)

    def unfinished(self) -> list[tuple[str, str, str]]:
        """(id, title, description) of runs the home screen offers to resume."""
        found = []
        for summary in store.list_runs(self.records_dir):
            if summary.status in ("not started", "in progress"):
                notes = f"{summary.notes} note{'' if summary.notes == 1 else 's'}"
                found.append(
                    (
                        summary.name,
                        summary.plan_title or summary.plan_id,
                        f"{summary.status} · {notes} · {summary.name}",
                    )
                )
        return found

    def series_names(self) -> list[str]:
        """The series the records folder has (for the home screen)."""
        from sessionkit.store.series import all_series

        try:
            return list(all_series(self.records_dir))
        except store.RecordError as error:
            log.warning("%s", error)
            return []

    def warnings(self, engine: Engine) -> list[str]:
        run = self._runs.get(id(engine))
        return [*run.warnings, *run.series_warnings] if run else []

    def export_formats(self) -> list[tuple[str, str]]:
        """(name, description) of every format :meth:`export` writes, for the app's picker."""
        return [(f.name, f.description) for f in FORMATS.values()]

    def export(self, engine: Engine, fmt: str) -> Path:
        """Write ``engine``'s run as ``fmt`` into its exports folder; return the path."""
        chosen = format_named(fmt)
        run = self._runs.get(id(engine))
        if run is None:
            raise RuntimeError("this run has no record folder")
        contents = chosen.bytes_of(record_of(run), self.options.language)
        target = run.exports_dir / f"{run.name}.{chosen.extension}"
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        store.atomic_write(target, contents, mode=0o644)
        return target

    def _keep(self, run: store.Run) -> Engine:
        self._runs[id(run.engine)] = run
        return run.engine

    # ------------------------------------------------------------ the phone server

    async def serve(self, app: Any, engine: Engine, port: int | None = None) -> str | JoinProblem:
        """Start (or move) the participant server to ``engine``'s run; return the join
        URL, or why phones cannot join and what to do (the app keeps it on screen).
        ``port``: try this one instead (the app offers a free one when the port is taken);
        once it works it is the port from then on."""
        self.stop_server()
        options = self.options if port is None else replace(self.options, port=port)
        if not options.enabled:
            return JoinProblem(
                "started with --no-server",
                "This run was started with --no-server: the participant server is off, "
                "so there is no join code. Paper notes can still be typed in with a.",
                "without --no-server",
                self._resume_command(engine, server=True),
            )
        from sessionkit.web import ServerError, free_port_near, serve_in_app

        link: JoinLink  # what serve_in_app returns as its second value (typed Any there)
        tokens = self.join_tokens(engine)
        try:
            server, link = await serve_in_app(
                app,
                engine,
                host=options.host,
                port=options.port,
                public_url=options.public_url,
                language=options.language,
                token=tokens.current,
                retired=tokens.retired,
                log_handler=self.log_handler,
                room_token=self.room_token(engine),
            )
        except ServerError as error:
            log.warning("participant server: %s", error)
            if error.port_taken:
                other = free_port_near(options.host, options.port)
                suggested = str(other) if other else "PORT"
                return JoinProblem(
                    error.short,
                    f"Another program is using port {options.port}"
                    f"{'' if options.host in ('', '0.0.0.0', '::') else ' on ' + options.host}"
                    " (perhaps another sessionkit), so phones cannot reach this run.",
                    f"with --port {suggested}" + ("" if other else " (another port number)"),
                    self._resume_command(engine, port=suggested),
                    retry_port=other,
                )
            placeholder = {"--port": "PORT", "--host": "ADDRESS"}.get(error.option or "")
            return JoinProblem(
                error.short,
                f"The participant server could not start: {error}.",
                f"with another {error.option}" if error.option else "",
                self._resume_command(
                    engine,
                    port=placeholder if error.option == "--port" else None,
                    host=placeholder if error.option == "--host" else None,
                ),
            )
        except ValueError as error:  # a --public-url that is not an address
            return JoinProblem(
                "--public-url is not usable",
                f"{error}.",
                "with --public-url https://… (the address phones use)",
                self._resume_command(engine, public_url="URL"),
            )
        except OSError as error:
            log.exception("participant server")
            return JoinProblem(
                "the participant server did not start",
                f"The participant server could not start: {error.strerror or error}.",
                "",
                self._resume_command(engine),
            )
        self._server = server
        self.options = options
        if link.url is not None:
            return link.url
        local = f" On this computer the join page is at {link.local_url}"
        if options.host in ("", "0.0.0.0", "::"):  # no network at all
            return JoinProblem(
                "no network address",
                f"{NO_ADDRESS}{local}",
                "",
                self._resume_command(engine),
                before="Join the room's Wi-Fi or a phone hotspot, or use --public-url.",
            )
        return JoinProblem(
            f"listening on {options.host} only",
            f"{link.problem}{local}",
            "with --host 0.0.0.0",
            self._resume_command(engine, host="0.0.0.0"),
        )

    def _resume_command(
        self,
        engine: Engine,
        *,
        server: bool = False,
        host: str | None = None,
        port: str | None = None,
        public_url: str | None = None,
    ) -> str | None:
        """``sessionkit resume`` for ``engine``'s run with these options changed (and the
        others as they were given), for a fix to show; ``None`` for a run with no folder."""
        run = self._runs.get(id(engine))
        if run is None:
            return None
        options = self.options
        words = ["sessionkit", "resume", run.name]
        if self.records_dir is not None:
            words += ["--records", str(self.records_dir)]
        if not options.enabled and not server:
            words.append("--no-server")
        chosen_host = host or options.host
        if chosen_host != ServerOptions.host:
            words += ["--host", chosen_host]
        chosen_port = port or str(options.port)
        if chosen_port != str(ServerOptions.port):
            words += ["--port", chosen_port]
        chosen_url = public_url or options.public_url
        if chosen_url:
            words += ["--public-url", chosen_url]
        return shlex.join(words)

    def stop_server(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def join_tokens(self, engine: Engine) -> store.JoinTokens:
        """The run's join tokens: made once, kept in its folder so a resumed run keeps
        the same QR code (a run without a folder gets a new one each time)."""
        run = self._runs.get(id(engine))
        if run is None:
            return store.JoinTokens(store.new_join_token())
        return store.join_tokens(run.folder)

    def room_token(self, engine: Engine) -> str:
        """The run's room-page token, kept in its folder like the join tokens (a run
        without a folder gets a new one each time it is served)."""
        run = self._runs.get(id(engine))
        if run is None:
            return self._unkept_room_tokens.setdefault(id(engine), store.new_join_token())
        return store.room_token(run.folder)

    def room_link(self, engine: Engine) -> RoomLink | None:
        """Where ``engine``'s room page is, while its server runs (``None`` otherwise)."""
        server = self._server
        if server is None or getattr(server.app.state, "engine", None) is not engine:
            return None
        if getattr(server.app.state, "room", None) is None:
            return None
        return room_link(server.app.state.room.gate.token, port=server.port, host=self.options.host)

    def new_join_code(self, engine: Engine) -> str | None:
        """Replace ``engine``'s join token (a new QR code) and return the new join URL.

        The new token is kept in the run's folder before the server uses it, so a
        restart cannot bring the old one back; the old one stops letting people join,
        while the phones that joined with it stay in. Raises ``OSError`` (the token could
        not be kept: nothing changed) or ``RuntimeError`` (no record folder).
        """
        run = self._runs.get(id(engine))
        if run is None:
            raise RuntimeError("this run has no record folder to keep a join code in")
        tokens = store.replace_join_token(run.folder)
        server = self._server
        if server is None or getattr(server.app.state, "engine", None) is not engine:
            return None  # not being served: the next start uses the new code
        from sessionkit.web import rotate_token

        rotate_token(server.app, tokens.current)
        link = join_link(
            tokens.current,
            port=server.port,
            host=self.options.host,
            public_url=self.options.public_url,
        )
        return link.url

    # ------------------------------------------------------------ the end

    def close(self) -> None:
        """Stop the server and close every run (final snapshot, lock released). A run
        nothing happened in (not started, nobody joined, nothing typed or exported) is
        not kept: opening a plan to look at it must not leave a folder each time."""
        self.stop_server()
        for run in self._runs.values():
            try:
                run.close()
                if not run.read_only and run.engine.state.seq == 0 and not run.warnings:
                    store.discard_unused(run.folder, also=frozenset({TOKEN_FILE, ROOM_TOKEN_FILE}))
            except Exception:
                log.exception("closing %s", run.folder)
        self._runs.clear()
