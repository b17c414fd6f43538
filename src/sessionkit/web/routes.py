"""The participant server: an ASGI app that phones join by QR code.

Routes (``{token}`` is the run's unguessable join token; any other token is a 404; a
token replaced by a new QR code (:func:`rotate_token`) still serves the phones that
joined with it, but joining with it is a 410):

=========  ====================================  =========================================
GET, POST  ``/``                                 the short join code's form -> 303 to
                                                 ``/j/{token}`` (:mod:`~.join_code`)
GET        ``/j/{token}``                        the phone page (HTML; no-cache)
GET        ``/j/app.js``, ``/j/app.css``         its script and stylesheet, the same for
                                                 every session (``?v=`` the current
                                                 version: cached for a year)
POST       ``/j/{token}/api/join``               ``{"name"?, "role"?, "table"?,
                                                 "client_id"}`` -> id and key
GET        ``/j/{token}/api/state``              ``{"public": {...}, "me": {...}}``
GET        ``/j/{token}/api/items``              ``?list=&step=&offset=&q=``: more of a
                                                 long list (:mod:`~.item_pages`)
POST       ``/j/{token}/api/notes``              ``{"text", "category"?, "region"?,
                                                 "step"?, "client_id"}``
PATCH      ``/j/{token}/api/notes/{note}``       ``{"text"?, "category"?, "region"?,
                                                 "client_id"?}`` (own or own group's)
POST       ``/j/{token}/api/votes``              ``{"target", "client_id"}``
DELETE     ``/j/{token}/api/votes/{target}``     ``?client_id=...`` takes one dot back
POST       ``/j/{token}/api/rating``             ``{"value", "client_id"}``
POST       ``/j/{token}/api/command``            a participant command as the engine spells it
GET        ``/j/{token}/api/events``             Server-Sent Events (``?key=...``)
=========  ====================================  =========================================

Joining sets the browser's device cookie (HttpOnly, SameSite=Strict; see
:func:`~sessionkit.web.guards.device_of`): the join records it hashed, so a removed
participant's browser cannot simply join again. A phone proves who it is with
``X-Participant-Key: <key>`` (or ``Authorization: Bearer
<key>``; the event stream also takes ``?key=``, since ``EventSource`` cannot set
headers). Every answer is JSON; every refusal is ``{"error": "...", "code": "..."}``
with a 4xx status and a sentence the phone shows as is. The only 5xx is 503: the session
record could not be saved (nothing was recorded; resend later). Answers of 500 bytes or
more are gzipped for a browser that accepts it (:mod:`.assets`); the event stream is
gzipped a message at a time (:mod:`.stream_gzip`).

Nothing a phone sends reaches the engine unchecked (:mod:`~sessionkit.web.guards`):
bodies are size-limited, strictly UTF-8 JSON, and every string is refused if it carries
control characters or lone surrogates. Commands are the engine's participant commands
only; everything is carried out by ``engine.execute_many`` (durable before the answer,
:mod:`~sessionkit.web.submit`), and a resend with the same ``client_id`` returns the
original result.

The handlers are plain Starlette endpoints; what they share (engine, hub, views, guards,
submitter) is the app's :class:`Context`, at ``request.app.state.context``.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.state import NEWCOMER, Event
from sessionkit.web import item_pages
from sessionkit.web.assets import ASSETS, Compress, serve_asset
from sessionkit.web.guards import (
    ApiError,
    Gate,
    build,
    check_strings,
    device_hash,
    device_of,
    fields,
    guarded,
    keep_device,
    phone_command,
    read_json,
)
from sessionkit.web.hub import Hub
from sessionkit.web.join_code import CodeDoor
from sessionkit.web.limits import WebLimits
from sessionkit.web.pages import Guard, html_message, http_error, phone_page
from sessionkit.web.room import Room, room_routes
from sessionkit.web.stream import EventStream
from sessionkit.web.submit import Submitter
from sessionkit.web.views import Views, care_line

JOIN_CLIENT_ID_MIN = 16
"""A join's ``client_id`` must be long and random: a resend returns the original key."""


def new_token() -> str:
    """A fresh join token: 96 random bits, URL-safe, short enough for a small QR code."""
    return secrets.token_urlsafe(12)


class Context:
    """Everything the endpoints share: engine, limits, hub, views, guards (the join
    tokens are the gate's)."""

    def __init__(
        self,
        engine: Engine,
        token: str,
        limits: WebLimits,
        retired: tuple[str, ...] = (),
        language: str = "en",
    ) -> None:
        self.engine = engine
        self.language = language
        """What the phone page starts in (en, cy or cy+en); each phone may change it."""
        self.limits = limits
        self.views = Views(
            engine, cache_seconds=limits.view_cache_seconds, max_notes=limits.max_notes_shown
        )
        self.hub = Hub(
            engine,
            self.views,
            urgent_delay=limits.urgent_delay,
            bulk_delay=limits.bulk_delay,
            bulk_delay_per_stream=limits.bulk_delay_per_stream,
            delta_delay=limits.delta_delay,
            max_streams_per_participant=limits.max_streams_per_participant,
        )
        self.submitter = Submitter(engine)
        self.gate = Gate(engine, token, self.hub, limits, retired)
        self.door = CodeDoor(lambda: (self.gate.token, tuple(self.gate.retired)), limits)
        self._pages: dict[tuple[str, bool], tuple[str, dict[str, str]]] = {}

    def page(self, trailing_slash: bool = False) -> tuple[str, dict[str, str]]:
        """The phone page, built again only when the safeguarding line changed (the
        facilitator named a lead): the title, roles and tables are the plan's, fixed."""
        line = care_line(self.engine)
        if (line, trailing_slash) not in self._pages:
            plan = self.engine.plan
            self._pages = {
                key: page for key, page in self._pages.items() if key[0] == line
            }  # an old line's pages are not asked for again
            self._pages[line, trailing_slash] = phone_page(
                plan.title,
                plan.join_roles,
                plan.tables,
                line,
                trailing_slash,
                language=self.language,
            )
        return self._pages[line, trailing_slash]

    async def body(self, request: Request) -> dict[str, Any]:
        return await read_json(request, self.limits.max_body_bytes)

    def ack(
        self, event: Event, duplicate: bool, pid: str, status: int = 201, **extra: Any
    ) -> JSONResponse:
        """The answer to a carried-out command; a resend is a 200, not a new 201."""
        body = {
            "ok": True,
            "seq": event.seq,
            "duplicate": duplicate,
            **extra,
            "me": self.views.me(pid),
        }
        return JSONResponse(body, 200 if duplicate else status)


def _context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


# ---------------------------------------------------------------- pages


async def home(request: Request) -> Response:
    return await _context(request).door.page(request)


async def favicon(request: Request) -> Response:
    return Response(status_code=204)


async def phone(request: Request) -> Response:
    ctx = _context(request)
    try:
        ctx.gate.check_token(request)
    except ApiError as error:  # a person reads this, so a page rather than JSON
        return html_message(error.status, "Not a current session", error.message)
    page, headers = ctx.page(trailing_slash=request.url.path.endswith("/"))
    return HTMLResponse(page, headers=headers)


# ---------------------------------------------------------------- the API


async def join(request: Request) -> Response:
    ctx = _context(request)
    ctx.gate.check_token(request, joining=True)
    ctx.gate.anonymous(request)
    got = fields(
        await ctx.body(request),
        {
            "name": (str, False),
            "role": (str, False),
            "table": (int, False),
            "client_id": (str, True),
        },
    )
    client_id = got["client_id"]
    if len(client_id) < JOIN_CLIENT_ID_MIN:
        raise ApiError(
            422, f"'client_id' for joining must be at least {JOIN_CLIENT_ID_MIN} random characters."
        )
    name = (got.get("name") or "").strip() or None
    device, _ = device_of(request)
    command = build(
        c.Join,
        name=name,
        key=secrets.token_urlsafe(24),
        device=device_hash(ctx.engine.state.run_id, device),
        role=got.get("role") or None,
        table=got.get("table"),
        client_id=client_id,
    )
    with ctx.gate.join_place(request, device):
        event, duplicate = await ctx.submitter.carry_out(command, NEWCOMER)
        if event.type != "participant_joined":  # a resend whose original was not kept
            raise ApiError(
                409,
                "Your earlier attempt to join could not be confirmed. Please join again.",
                "rejoin",
            )
    pid, key = event.data["participant"], event.data.get("key", "")
    body = {
        "ok": True,
        "participant": pid,
        "key": key,
        "name": event.data.get("name"),
        "duplicate": duplicate,
        "me": ctx.views.me(pid),
    }
    response = JSONResponse(body, 200 if duplicate else 201)
    keep_device(response, device, secure=request.url.scheme == "https")
    return response


async def state(request: Request) -> Response:
    ctx = _context(request)
    pid = ctx.gate.participant(request)
    return Response(ctx.views.state_bytes(pid), media_type="application/json")


async def add_note(request: Request) -> Response:
    ctx = _context(request)
    pid = ctx.gate.participant(request)
    got = fields(
        await ctx.body(request),
        {
            "text": (str, True),
            "category": (str, False),
            "region": (str, False),
            "step": (str, False),
            "client_id": (str, True),
        },
    )
    # "step" is the step the phone showed when the note was written: a note queued
    # offline is refused rather than landing in whatever step is on now.
    if len(got["text"].strip()) > c.MAX_NOTE_CHARS:
        raise ApiError(
            422,
            f"A note can be at most {c.MAX_NOTE_CHARS} characters "
            f"(this one has {len(got['text'].strip())}).",
            "too_long",
        )
    event, duplicate = await ctx.submitter.carry_out(build(c.AddNote, **got), pid)
    return ctx.ack(event, duplicate, pid, note=event.data.get("note"))


async def edit_note(request: Request) -> Response:
    ctx = _context(request)
    pid = ctx.gate.participant(request)
    got = fields(
        await ctx.body(request),
        {
            "text": (str, False),
            "category": (str, False),
            "region": (str, False),
            "client_id": (str, False),
        },
    )
    if len(got.get("text", "").strip()) > c.MAX_NOTE_CHARS:
        raise ApiError(422, f"A note can be at most {c.MAX_NOTE_CHARS} characters.", "too_long")
    check_strings({"note": request.path_params["note"]})
    command = build(c.EditNote, note=request.path_params["note"], **got)
    event, duplicate = await ctx.submitter.carry_out(command, pid)
    return ctx.ack(event, duplicate, pid, status=200, note=command.note)


async def cast_vote(request: Request) -> Response:
    ctx = _context(request)
    pid = ctx.gate.participant(request)
    got = fields(await ctx.body(request), {"target": (str, True), "client_id": (str, True)})
    event, duplicate = await ctx.submitter.carry_out(build(c.CastVote, **got), pid)
    return ctx.ack(event, duplicate, pid, target=got["target"])


async def withdraw_vote(request: Request) -> Response:
    ctx = _context(request)
    pid = ctx.gate.participant(request)
    client_id = request.query_params.get("client_id")
    if not client_id:
        raise ApiError(422, "'client_id' is required (as ?client_id=...).")
    target = request.path_params["target"]
    check_strings({"target": target, "client_id": client_id})
    event, duplicate = await ctx.submitter.carry_out(
        build(c.WithdrawVote, target=target, client_id=client_id), pid
    )
    return ctx.ack(event, duplicate, pid, status=200, target=target)


async def rate(request: Request) -> Response:
    ctx = _context(request)
    pid = ctx.gate.participant(request)
    got = fields(await ctx.body(request), {"value": (int, True), "client_id": (str, True)})
    event, duplicate = await ctx.submitter.carry_out(build(c.Rate, **got), pid)
    return ctx.ack(event, duplicate, pid, value=got["value"])


async def command(request: Request) -> Response:
    ctx = _context(request)
    pid = ctx.gate.participant(request)
    cmd = phone_command(await ctx.body(request))
    event, duplicate = await ctx.submitter.carry_out(cmd, pid)
    return ctx.ack(event, duplicate, pid, type=cmd.type_name())


# ---------------------------------------------------------------- the app


def _check_token(token: str) -> None:
    if not token or not re.fullmatch(r"[A-Za-z0-9_-]{8,128}", token):
        raise ValueError("a join token must be 8-128 URL-safe characters")


def create_app(
    engine: Engine,
    *,
    token: str,
    retired: tuple[str, ...] = (),
    limits: WebLimits | None = None,
    room_token: str | None = None,
    language: str = "en",
) -> Starlette:
    """The participant server for ``engine``; phones join at ``/j/{token}``, and with a
    ``room_token`` the room page is at ``/room/{room_token}`` (:mod:`.room`).

    ``retired``: the run's earlier join tokens (see :func:`rotate_token`), still good for
    the phones that joined with them. Must run in the engine's event loop (the TUI's):
    handlers call the engine directly. ``app.state.hub`` and ``app.state.context`` expose
    the internals to the server wrapper and to tests.
    """
    for each in (token, *retired, *([room_token] if room_token else [])):
        _check_token(each)
    if room_token is not None and room_token in (token, *retired):
        raise ValueError("the room token must differ from every join token")
    ctx = Context(engine, token, limits or WebLimits(), retired, language)
    api = "/j/{token}/api"
    routes = [
        Route("/", home, methods=["GET", "POST"]),
        Route("/favicon.ico", favicon),
        # Before /j/{token}: no token has a dot in it.
        *(Route(f"/j/{name}", serve_asset, methods=["GET"]) for name in ASSETS),
        Route("/j/{token}", phone),
        Route("/j/{token}/", phone),
        Route(f"{api}/join", guarded(join), methods=["POST"]),
        Route(f"{api}/state", guarded(state), methods=["GET"]),
        Route(f"{api}/items", guarded(item_pages.items), methods=["GET"]),
        Route(f"{api}/notes", guarded(add_note), methods=["POST"]),
        Route(f"{api}/notes/{{note}}", guarded(edit_note), methods=["PATCH"]),
        Route(f"{api}/votes", guarded(cast_vote), methods=["POST"]),
        Route(f"{api}/votes/{{target}}", guarded(withdraw_vote), methods=["DELETE"]),
        Route(f"{api}/rating", guarded(rate), methods=["POST"]),
        Route(f"{api}/command", guarded(command), methods=["POST"]),
        Route(f"{api}/events", EventStream(ctx.gate, ctx.hub, ctx.limits.heartbeat_seconds)),
    ]
    room = None
    if room_token is not None:
        room = Room(engine, ctx.views, ctx.hub, room_token, lambda: ctx.gate.token, ctx.language)
        routes += room_routes(room, ctx.limits.heartbeat_seconds)
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard), Middleware(Compress)],
        exception_handlers={HTTPException: http_error},
    )
    app.state.context = ctx
    app.state.hub = ctx.hub
    app.state.engine = engine
    app.state.token = token
    app.state.room = room
    return app


def rotate_token(app: Starlette, token: str) -> None:
    """From now on people join with ``token`` (a new QR code); the current token is
    retired: phones that joined with it keep working, but nobody new joins with it."""
    _check_token(token)
    context: Context = app.state.context
    context.gate.rotate(token)
    app.state.token = token
