"""A headless participant server for the benchmarks, run as its own process.

    python bench/_server.py --mode sessionkit|bare [--records DIR] [--max-participants N]
                            [--files N] [--default-limits]

``sessionkit`` creates a run of :data:`PLAN` in a records folder (a temporary one unless
``--records`` is given; on disk, so every acknowledgement waits for a real fsync), starts
the session on the notes step and serves it with :class:`ParticipantServer` on
127.0.0.1 and a free port: the engine, the journal, the hub and the views all on, no TUI.

``bare`` serves the same routes with a Starlette app that does no real work: no engine,
no journal, no validation beyond ``json.loads``, notes kept in a list. Its event stream
follows the same notification policy as the hub (one-slot mailbox per stream, step
changes after ``urgent_delay``, new notes on the open board sent every ``delta_delay`` as
one shared ``delta`` message with the notes since the last flush, anything else a
``changed`` notice), so the two can be compared figure for figure and the ratio shows
the cost of the engine, the journal and the views, not of a different policy.

Both run uvicorn exactly as the TUI does (:class:`ParticipantServer`: h11, no access log).

Control channel: stdin and stdout, which only the bench script that started the process
holds. The first line on stdout is ``ready port=<port> token=<token> folder=<run folder>
pid=<pid>``. Then one command per stdin line, one answer per stdout line:

    goto <item> <step>   the facilitator moves to a step    -> ok seq=<seq> step=<key>
    open_vote            opens the vote on the current step  -> ok seq=<seq>
    stats                -> ok {json}: open streams, seq, journal writes since the last
                            stats, the event loop's worst stall since the last stats
                            (``stall_ms``) and the door's counts (``door``)
    snapshot             write the snapshot now (sessionkit)  -> ok, or err <why>
    seed <n>             the facilitator adds n notes to the current step in one
                         journal write (a big board to vote on) -> ok seq=<seq>
    quit                 stop serving, close the run, exit   -> bye

``--page N`` sends phones N items of each long list a page (:data:`sessionkit.web.windows.PAGE`;
0: every item, as before long lists were paged); the bare app's vote then lists as many.
``--gzip`` has the bare app gzip its answers as sessionkit's does (``web.assets.Compress``).
``--files N`` lets the process open only N files (RLIMIT_NOFILE), as on a machine whose
limit is N; ``--default-limits`` serves with ``WebLimits()`` as shipped instead of
:data:`BENCH_LIMITS` (for phones that each have an address of their own).

Anything that goes wrong is ``err <message>``. Logs go to ``server.log`` beside the run
(or in the temporary folder), never to stdout.

``SESSIONKIT_BENCH_PROFILE=FILE`` writes a cProfile of the process;
``SESSIONKIT_BENCH_SLOWLOG=FILE`` its event loop's slow callbacks, fsyncs and garbage
collections (``_loopwatch.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sessionkit import store
from sessionkit.core import commands as c
from sessionkit.core.engine import Limits
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import FACILITATOR
from sessionkit.web import ParticipantServer, WebLimits, create_app, windows
from sessionkit.web.assets import Compress
from sessionkit.web.stream_gzip import GzipStream

HOST = "127.0.0.1"  # loopback only, always
ROUNDS_KEY = "0.5"
"""The bench method's grouped step (see ``_rounds.py``)."""

METHOD = Method.model_validate(
    {
        "id": "bench",
        "name": "Bench",
        "summary": "Benchmark steps.",
        "purpose": "Load.",
        "phase": "discover",
        "duration": {"min": 12, "typical": 12, "max": 12},
        "group_size": {"min": 1, "max": 5000},
        "steps": [
            # 0.0: an open board: every note is shown to every phone
            {
                "id": "write",
                "title": "Write",
                "prompt": "What happened?",
                "timebox": 2,
                "input": {"kind": "notes", "max_per_person": 100},
            },
            # 0.1: dots on the notes of 0.0
            {
                "id": "vote",
                "title": "Vote",
                "prompt": "Dots on what matters.",
                "timebox": 2,
                "input": {
                    "kind": "vote",
                    "target_step": "write",
                    "dots_per_person": 50,
                    "max_per_item": 1,
                },
            },
            # 0.2, 0.3: discussions (cheap views: step changes without a big refetch)
            {
                "id": "talk",
                "title": "Talk",
                "prompt": "Discuss.",
                "timebox": 2,
                "input": {"kind": "discussion"},
            },
            {
                "id": "talk-more",
                "title": "Talk more",
                "prompt": "Discuss more.",
                "timebox": 2,
                "input": {"kind": "discussion"},
            },
            # 0.4: a fresh board for the burst
            {
                "id": "burst",
                "title": "Burst",
                "prompt": "Everyone at once!",
                "timebox": 2,
                "input": {"kind": "notes", "max_per_person": 100},
            },
            # 0.5: a round in fours: groups formed as it starts, one shared list each
            {
                "id": "rounds",
                "title": "Fours",
                "prompt": "Sharpen your ideas together.",
                "timebox": 2,
                "input": {"kind": "notes", "anonymous": False},
                "groups": {"size": 4, "pick": True, "max_per_group": 100},
            },
            # 0.6: every note of 0.0 sorted into one of two buckets
            {
                "id": "sort",
                "title": "Sort",
                "prompt": "Keep or drop?",
                "timebox": 2,
                "input": {"kind": "sort", "target_step": "write", "buckets": ["Keep", "Drop"]},
            },
        ],
    }
)
PLAN = Plan.model_validate(
    {
        "id": "bench-plan",
        "title": "Benchmark",
        "days": [{"start": "09:00", "end": "10:00", "agenda": [{"method": "bench"}]}],
    }
)


def seed_text(n: int) -> str:
    """A seeded note: about as long as a real one (80 characters)."""
    return f"Note {n:05d}: the discharge letter should reach the GP before the patient does"


BENCH_LIMITS = WebLimits(anonymous_rate=5000.0, anonymous_burst=5000, max_joins_per_address=5000)
"""The defaults except for joins without a key: every simulated phone comes from
127.0.0.1, which the default per-address limits (20 joins a second, 300 people) would
treat as one busy phone, or one network. Per-participant limits stay as they are."""


# ---------------------------------------------------------------- the bare baseline


class _Stream:
    __slots__ = ("closed", "pending", "pending_me", "wake")

    def __init__(self) -> None:
        self.pending: bytes | None = None
        self.pending_me: bytes | None = None
        self.wake = asyncio.Event()
        self.closed = False


class BareHub:
    """Just enough to mirror the hub's notification policy."""

    def __init__(self, limits: WebLimits) -> None:
        self.limits = limits
        self.streams: set[_Stream] = set()
        self.by_key: dict[str, set[_Stream]] = {}
        self.joined: dict[str, int] = {}
        self.order: list[str] = []
        """Key -> join order: the rounds step's fours are phones 0-3, 4-7 ... (the bare
        server forms no groups; this is only where its personal pushes go)."""
        self.seq = 0
        self.step = "0.0"
        self.base = 0
        """Seq the next delta starts from (the last flush)."""
        self.added: list[dict[str, Any]] = []
        self.spoiled = False
        self.total = 0
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0

    def message(self) -> bytes:
        return (
            b"event: changed\ndata: "
            + json.dumps({"seq": self.seq, "step": self.step}).encode()
            + b"\n\n"
        )

    def schedule(self, urgent: bool) -> None:
        loop = asyncio.get_running_loop()
        if urgent:
            self.spoiled = True
        delay = self.limits.urgent_delay if urgent else self.limits.delta_delay
        due = loop.time() + delay
        if self._handle is not None:
            if self._due <= due:
                return
            self._handle.cancel()
        self._due = due
        self._handle = loop.call_at(due, self.flush)

    def flush(self) -> None:
        self._handle = None
        message = self.message()
        if self.added and not self.spoiled and self.step == "0.0":
            body = {
                "from": self.base,
                "to": self.seq,
                "step": self.step,
                "added": self.added,
                "edited": [],
                "total": self.total,
                "window": self.limits.max_notes_shown,
            }
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            message = b"event: delta\ndata: " + data + b"\n\n"
        self.base, self.added, self.spoiled = self.seq, [], False
        for stream in self.streams:
            stream.pending = message
            stream.wake.set()

    def push_group(self, key: str, notes: list[dict[str, Any]]) -> None:
        """The hub's policy on a grouped step: the writer's three group mates get their
        own part (the group's list) pushed on their streams; nobody else is told."""
        index = self.joined.get(key)
        if index is None:
            return
        first = index - index % 4
        mates = [k for k in self.order[first : first + 4] if k != key]
        for mate in mates:
            body = json.dumps({"seq": self.seq, "step": self.step, "notes": notes[-8:]})
            message = b"event: me\ndata: " + body.encode() + b"\n\n"
            for stream in self.by_key.get(mate, ()):
                stream.pending_me = message
                stream.wake.set()

    def close_all(self) -> None:
        for stream in list(self.streams):
            stream.closed = True
            stream.wake.set()


class _Asgi:
    """A plain ASGI callable for a route (Starlette treats bare functions as endpoints)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def bare_app(limits: WebLimits, page: int = windows.PAGE) -> Starlette:
    hub = BareHub(limits)
    notes: list[dict[str, Any]] = []
    receipts: dict[str, int] = {}
    cache: list[Any] = [None, -1, 0.0]  # bytes, seq, built

    def public() -> bytes:
        now = time.monotonic()
        if cache[1] != hub.seq and (
            cache[0] is None or now - cache[2] >= limits.view_cache_seconds
        ):
            shown = (
                (notes[:page] if page else notes)
                if hub.step == "0.1"
                else notes[-limits.max_notes_shown :]
            )
            cache[:] = [
                json.dumps(
                    {"step": {"key": hub.step}, "notes_total": len(notes), "notes": shown}
                ).encode(),
                hub.seq,
                now,
            ]
        return cache[0]

    async def join(request: Request) -> Response:
        await request.json()
        hub.seq += 1
        pid = f"p{hub.seq}"
        hub.joined[pid] = len(hub.joined)
        hub.order.append(pid)
        return JSONResponse({"ok": True, "participant": pid, "key": pid}, 201)

    async def submit(request: Request) -> Response:
        body = await request.json()
        pid = request.headers.get("x-participant-key", "")
        receipt = f"{pid}/{body.get('client_id')}"
        if receipt in receipts:
            return JSONResponse(
                {"ok": True, "seq": receipts[receipt], "duplicate": True, "me": {"seq": hub.seq}}
            )
        hub.seq += 1
        receipts[receipt] = hub.seq
        extra = {}
        if "text" in body:
            extra["note"] = f"n{hub.seq}"
            notes.append({"id": extra["note"], "text": body["text"]})
            hub.added.append(notes[-1])
            hub.total = len(notes)
            if hub.step == ROUNDS_KEY:
                hub.push_group(pid, notes)
            else:
                hub.schedule(urgent=False)
        return JSONResponse(
            {"ok": True, "seq": hub.seq, "duplicate": False, **extra, "me": {"seq": hub.seq}}, 201
        )

    async def state(request: Request) -> Response:
        return Response(
            b'{"public":'
            + public()
            + b',"me":'
            + json.dumps({"seq": hub.seq, "step": hub.step}).encode()
            + b"}",
            media_type="application/json",
        )

    async def events(scope: Any, receive: Any, send: Any) -> None:
        stream = _Stream()
        hub.streams.add(stream)
        key = parse_qs(scope.get("query_string", b"").decode()).get("key", [""])[0]
        hub.by_key.setdefault(key, set()).add(stream)
        stream.pending = hub.message()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            stream.closed = True
            stream.wake.set()

        watcher = asyncio.ensure_future(watch())
        # gzipped as sessionkit's stream is (the same shared pieces), when asked for.
        accept = dict(scope.get("headers", [])).get(b"accept-encoding", b"")
        gzipped = GzipStream() if b"gzip" in accept else None
        headers = [(b"content-type", b"text/event-stream; charset=utf-8")]
        if gzipped is not None:
            headers.append((b"content-encoding", b"gzip"))
        try:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            first = b"retry: 2000\n\n"
            await send(
                {
                    "type": "http.response.body",
                    "body": gzipped.start(first) if gzipped is not None else first,
                    "more_body": True,
                }
            )
            while not stream.closed:
                if stream.pending is None and stream.pending_me is None:
                    await stream.wake.wait()
                stream.wake.clear()
                for name in ("pending", "pending_me"):
                    message = getattr(stream, name)
                    setattr(stream, name, None)
                    if message is not None and not stream.closed:
                        if gzipped is not None:
                            message = gzipped.piece(message, personal=name == "pending_me")
                        await send(
                            {"type": "http.response.body", "body": message, "more_body": True}
                        )
        finally:
            hub.streams.discard(stream)
            hub.by_key.get(key, set()).discard(stream)
            watcher.cancel()

    api = "/j/{token}/api"
    app = Starlette(
        routes=[
            Route(f"{api}/join", join, methods=["POST"]),
            Route(f"{api}/notes", submit, methods=["POST"]),
            Route(f"{api}/votes", submit, methods=["POST"]),
            Route(f"{api}/command", submit, methods=["POST"]),
            Route(f"{api}/state", state, methods=["GET"]),
            Route(f"{api}/events", _Asgi(events)),
        ]
    )
    app.state.hub = hub
    app.state.notes = notes
    return app


# ---------------------------------------------------------------- control


WRITES = {"appends": 0, "events": 0, "max_batch": 0, "seconds": 0.0}
"""Journal appends (one write and one fsync each) since the last ``stats``: how well the
group commit in ``web/submit.py`` batches what phones send in the same loop turn."""


def _count_journal_writes(run: store.Run) -> None:
    journal = run.journal
    append = journal.append

    def counted(events: Any) -> None:
        started = time.perf_counter()
        try:
            append(events)
        finally:
            WRITES["appends"] += 1
            WRITES["events"] += len(events)
            WRITES["max_batch"] = max(WRITES["max_batch"], len(events))
            WRITES["seconds"] += time.perf_counter() - started

    journal.append = counted  # type: ignore[method-assign]


class StallWatch:
    """How late the event loop runs a 10 ms timer: its worst stall since the last read."""

    def __init__(self) -> None:
        self.worst = 0.0

    async def watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + 0.01
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, loop.time() - due)

    def read(self) -> float:
        worst, self.worst = self.worst, 0.0
        return round(worst * 1000, 1)


STALLS = StallWatch()


def _door(server: ParticipantServer) -> dict[str, int]:
    door = server.door
    if door is None:
        return {}
    return {
        "open": door.open,
        "cap": door.cap,
        "admitted": door.admitted,
        "refused": door.refused,
        "made_room": door.made_room,
    }


class Control:
    def __init__(
        self, mode: str, run: store.Run | None, app: Starlette, server: ParticipantServer
    ) -> None:
        self.mode = mode
        self.run = run
        self.app = app
        self.server = server

    def handle(self, line: str) -> str:
        words = line.split()
        if not words:
            return "err empty command"
        command, args = words[0], words[1:]
        if self.mode == "bare":
            hub: BareHub = self.app.state.hub
            if command == "goto":
                hub.seq += 1
                hub.step = f"{int(args[0])}.{int(args[1])}"
                hub.schedule(urgent=True)
                return f"ok seq={hub.seq} step={hub.step}"
            if command == "open_vote":
                hub.seq += 1
                return f"ok seq={hub.seq}"
            if command == "seed":
                for _ in range(int(args[0])):
                    hub.seq += 1
                    self.app.state.notes.append({"id": f"n{hub.seq}", "text": seed_text(hub.seq)})
                return f"ok seq={hub.seq}"
            if command == "stats":
                return "ok " + json.dumps(
                    {
                        "streams": len(hub.streams),
                        "seq": hub.seq,
                        "stall_ms": STALLS.read(),
                        "door": _door(self.server),
                    }
                )
            return f"err unknown command {command!r}"
        assert self.run is not None
        engine = self.run.engine
        try:
            if command == "goto":
                event = engine.execute(c.GoTo(item=int(args[0]), step=int(args[1])))
                return f"ok seq={event.seq} step={engine.state.step_key}"
            if command == "open_vote":
                return f"ok seq={engine.execute(c.OpenVote()).seq}"
            if command == "seed":
                batch = [(c.AddNote(text=seed_text(n)), FACILITATOR) for n in range(int(args[0]))]
                return f"ok seq={engine.execute_many(batch)[-1].seq}"
            if command == "snapshot":
                self.run.save_snapshot()
                return "ok"
            if command == "stats":
                hub = self.app.state.hub
                answer = "ok " + json.dumps(
                    {
                        "streams": len(hub.connections),
                        "seq": engine.state.seq,
                        "notes": len(engine.state.notes),
                        "participants": len(engine.state.participants),
                        "storage_error": engine.storage_error,
                        "journal": dict(WRITES),
                        "stall_ms": STALLS.read(),
                        "door": _door(self.server),
                        "snapshot_error": self.run.snapshot_error,
                    }
                )
                WRITES.update(appends=0, events=0, max_batch=0, seconds=0.0)
                return answer
        except Exception as error:
            return f"err {type(error).__name__}: {error}"
        return f"err unknown command {command!r}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("sessionkit", "bare"), default="sessionkit")
    parser.add_argument("--records", type=Path, default=None)
    parser.add_argument("--max-participants", type=int, default=5000)
    parser.add_argument("--files", type=int, default=None)
    parser.add_argument("--default-limits", action="store_true")
    parser.add_argument("--page", type=int, default=windows.PAGE)
    parser.add_argument("--gzip", action="store_true", help="bare: gzip answers as sessionkit does")
    args = parser.parse_args()
    windows.PAGE = args.page or 10**9  # 0: every item in the first page
    if args.files:
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (args.files, args.files))
    limits = WebLimits() if args.default_limits else BENCH_LIMITS

    base = args.records or Path(tempfile.mkdtemp(prefix="sessionkit-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(base / f"server-{args.mode}.log")
    run: store.Run | None = None
    token = secrets.token_urlsafe(12)
    if args.mode == "sessionkit":
        run = store.create_run(
            base, PLAN, {"bench": METHOD}, limits=Limits(max_participants=args.max_participants)
        )
        run.engine.execute(c.StartSession())
        _count_journal_writes(run)
        app = create_app(run.engine, token=token, limits=limits)
        folder = str(run.folder)
    else:
        app = bare_app(limits, args.page)
        if args.gzip:
            app.add_middleware(Compress)
        folder = "-"
    server = ParticipantServer(app, log_handler=handler, limits=limits)
    server.bind(HOST, 0)
    task = asyncio.create_task(server.serve())
    await server.wait_started()
    control = Control(args.mode, run, app, server)
    watcher = asyncio.create_task(STALLS.watch())

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    say(f"ready port={server.port} token={token} folder={folder} pid={os.getpid()}")
    try:
        while True:
            raw = await reader.readline()
            if not raw:
                break  # the bench went away: stop too
            line = raw.decode().strip()
            if line == "quit":
                break
            say(control.handle(line))
    finally:
        watcher.cancel()
        server.stop()
        try:
            await asyncio.wait_for(task, 10)
        except (TimeoutError, asyncio.CancelledError):
            pass
        if run is not None:
            run.close()
        say("bye")


if __name__ == "__main__":
    if slow_log := os.environ.get("SESSIONKIT_BENCH_SLOWLOG"):  # the loop's worst stalls
        import _loopwatch

        _loopwatch.install(slow_log)
    if profile := os.environ.get("SESSIONKIT_BENCH_PROFILE"):  # a cProfile of the server
        import cProfile

        cProfile.run("asyncio.run(main())", profile)
    else:
        asyncio.run(main())
