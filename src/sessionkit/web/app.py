"""The participant server: an ASGI app that phones join by QR code.

Routes (``{token}`` is the run's unguessable join token; any other token is a 404):

=========  ====================================  =========================================
GET        ``/j/{token}``                        the phone page (HTML, CSS and JS inline)
POST       ``/j/{token}/api/join``               ``{"name"?, "client_id"}`` -> id and key
GET        ``/j/{token}/api/state``              ``{"public": {...}, "me": {...}}``
POST       ``/j/{token}/api/notes``              ``{"text", "category"?, "region"?, "step"?, "client_id"}``
PATCH      ``/j/{token}/api/notes/{note}``       ``{"text"?, "category"?, "region"?}``
POST       ``/j/{token}/api/votes``              ``{"target", "client_id"}``
DELETE     ``/j/{token}/api/votes/{target}``     ``?client_id=...`` takes one dot back
POST       ``/j/{token}/api/rating``             ``{"value", "client_id"}``
POST       ``/j/{token}/api/command``            a participant command as the engine spells it
GET        ``/j/{token}/api/events``             Server-Sent Events (``?key=...``)
=========  ====================================  =========================================

A phone proves who it is with ``X-Participant-Key: <key>`` (or ``Authorization: Bearer
<key>``; the event stream also takes ``?key=``, since ``EventSource`` cannot set
headers). Every answer is JSON; every refusal is ``{"error": "...", "code": "..."}``
with a 4xx status and a sentence the phone shows as is. The only 5xx is 503: the session
record could not be saved (nothing was recorded; resend later).

Nothing a phone sends reaches the engine unchecked: bodies are size-limited (on
Content-Length and on the stream), strictly UTF-8 JSON, and every string is refused if it
carries control characters or lone surrogates. Commands are the engine's participant
commands only; everything is carried out by ``engine.execute_many`` (durable before the
answer), and a resend with the same ``client_id`` returns the original result.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any, get_args

from pydantic import TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.state import NEWCOMER
from sessionkit.web.hub import Hub, Submitter
from sessionkit.web.limits import TokenBuckets, WebLimits
from sessionkit.web.views import Views

log = logging.getLogger("sessionkit.web")

STATUS_FOR = {
    "invalid": 422, "forbidden": 403, "not_found": 404, "locked": 423, "limit": 409,
    "conflict": 409, "storage": 503,
}
"""``Rejected.code`` -> HTTP status."""

PHONE_COMMANDS = tuple(m for m in c.PARTICIPANT_COMMANDS if m is not c.Join)
"""What ``POST api/command`` accepts: the participant commands except ``join`` (which has
its own endpoint, since it hands out the key). Derived, so the core keeps the one list."""

KEY_HEADER = "x-participant-key"
MAX_KEY_CHARS = 128
JOIN_CLIENT_ID_MIN = 16
"""A join's ``client_id`` must be long and random: a resend returns the original key."""

# C0 controls except tab, newline and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

_ANY_COMMAND: TypeAdapter[Any] = TypeAdapter(c.AnyCommand)
_COMMAND_TYPES = frozenset(m.model_fields["type"].default for m in get_args(get_args(c.AnyCommand)[0]))
_PHONE_TYPES = frozenset(m.model_fields["type"].default for m in PHONE_COMMANDS)


def new_token() -> str:
    """A fresh join token: 96 random bits, URL-safe, short enough for a small QR code."""
    return secrets.token_urlsafe(12)


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str = "invalid",
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.message, "code": self.code}, self.status,
                            headers=self.headers)


# ---------------------------------------------------------------- request bodies


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def check_strings(value: Any, where: str = "body", depth: int = 0) -> None:
    """Refuse control characters and lone surrogates anywhere in a parsed JSON value."""
    if depth > 20:
        raise ApiError(422, "The request is nested too deeply.")
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ApiError(422, f"'{where}' is not valid Unicode text.")
        if _CONTROL.search(value):
            raise ApiError(
                422, f"'{where}' contains control characters (invisible formatting codes). "
                "Remove them and try again.")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_strings(key, where, depth + 1)
            check_strings(item, key if depth == 0 else f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_strings(item, where, depth + 1)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


async def read_json(request: Request, limit: int) -> dict[str, Any]:
    """The request body as a JSON object, within ``limit`` bytes, or an :class:`ApiError`."""
    length = request.headers.get("content-length")
    too_large = ApiError(413, f"That is too much to send at once (the limit is "
                              f"{limit // 1024} KiB). Shorten the text.", "too_large")
    if length is not None:
        if not length.isdigit():
            raise ApiError(400, "The request has a malformed Content-Length header.")
        if int(length) > limit:
            raise too_large
    content_type = request.headers.get("content-type", "application/json")
    if content_type.split(";")[0].strip().lower() not in ("application/json", "text/plain", ""):
        raise ApiError(415, "Send the request as JSON (Content-Type: application/json).",
                       "unsupported")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_large
    except ClientDisconnect:
        raise ApiError(400, "The request was cut off before it was complete.") from None
    if not body:
        raise ApiError(400, "The request has no body; expected a JSON object.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "The request is not valid UTF-8 text.") from None
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise ApiError(400, "The request is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(422, f"Expected a JSON object, got {_type_name(data)}.")
    check_strings(data)
    return data


def fields(data: dict[str, Any], spec: dict[str, tuple[type | tuple[type, ...], bool]]) -> dict[str, Any]:
    """Check ``data`` against ``{name: (types, required)}``: no unknown, missing or mistyped."""
    for name in data:
        if name not in spec:
            allowed = ", ".join(f"'{k}'" for k in spec)
            raise ApiError(422, f"Unexpected field '{name[:40]}' (expected {allowed}).")
    out: dict[str, Any] = {}
    for name, (types, required) in spec.items():
        if name not in data or data[name] is None:
            if required:
                raise ApiError(422, f"'{name}' is required.")
            continue
        value = data[name]
        if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
            raise ApiError(422, f"'{name}' must be {_expected(types)}, not true/false.")
        if not isinstance(value, types):
            raise ApiError(422, f"'{name}' must be {_expected(types)}, not {_type_name(value)}.")
        out[name] = value
    return out


def _expected(types: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", bool: "true or false", list: "a list"}
    if not isinstance(types, tuple):
        types = (types,)
    return " or ".join(names.get(t, t.__name__) for t in types)


def build(model: type[c.Command], **values: Any) -> c.Command:
    """Make a command, turning pydantic's complaint into a sentence for a person."""
    try:
        return model(**values)
    except ValidationError as error:
        raise ApiError(422, _explain(error)) from None


def _explain(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if not isinstance(p, int))
    kind, ctx = first.get("type", ""), first.get("ctx") or {}
    if kind in ("string_too_long", "too_long") and where in ("text", "name", "author_name"):
        what = "A note" if where == "text" else "A name"
        return f"{what} can be at most {ctx.get('max_length')} characters."
    if kind in ("string_too_long", "too_long"):
        return f"'{where}' is too long (at most {ctx.get('max_length')} characters)."
    if kind in ("string_too_short", "too_short"):
        return f"'{where}' cannot be empty."
    if where == "client_id":
        return "'client_id' must be 1-64 letters, digits or . _ : - characters."
    message = str(first.get("msg", "is not valid"))
    return f"'{where}': {message}." if where else f"{message}."


# ---------------------------------------------------------------- the app


class _Context:
    """Everything the endpoints share: engine, token, limits, hub, views."""

    def __init__(self, engine: Engine, token: str, limits: WebLimits) -> None:
        self.engine = engine
        self.token = token
        self.limits = limits
        self.views = Views(engine, cache_seconds=limits.view_cache_seconds,
                           max_notes=limits.max_notes_shown)
        self.hub = Hub(engine, self.views, urgent_delay=limits.urgent_delay,
                       bulk_delay=limits.bulk_delay,
                       bulk_delay_per_stream=limits.bulk_delay_per_stream,
                       max_streams_per_participant=limits.max_streams_per_participant)
        self.submitter = Submitter(engine)
        self.buckets = TokenBuckets(limits.rate, limits.burst)
        self.anonymous_buckets = TokenBuckets(limits.anonymous_rate, limits.anonymous_burst)

    # token, identity, rate ------------------------------------------------

    def check_token(self, request: Request) -> None:
        given = str(request.path_params.get("token", ""))
        if not hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                                   self.token.encode("utf-8")):
            raise ApiError(404, "This join link is not for the session that is running. "
                                "Scan the QR code again.", "bad_token")

    def _throttle(self, bucket: TokenBuckets, key: str) -> None:
        wait = bucket.take(key)
        if wait is not None:
            seconds = max(1, int(wait + 0.999))
            raise ApiError(429, "Too many requests from this phone. Wait a moment and "
                                "try again.", "rate", headers={"Retry-After": str(seconds)})

    def client_address(self, request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def anonymous(self, request: Request) -> None:
        self._throttle(self.anonymous_buckets, self.client_address(request))

    def participant(self, request: Request, allow_query: bool = False) -> str:
        """The participant a request comes from; raises 401/403/429 otherwise."""
        self.check_token(request)
        key = request.headers.get(KEY_HEADER, "")
        if not key:
            auth = request.headers.get("authorization", "")
            if auth[:7].lower() == "bearer ":
                key = auth[7:].strip()
        if not key and allow_query:
            key = request.query_params.get("key", "")
        pid = self.hub.participant_for(key) if key and len(key) <= MAX_KEY_CHARS else None
        if pid is None:
            self.anonymous(request)
            if not key:
                raise ApiError(401, "Join the session first.", "unauthorized")
            raise ApiError(403, "This phone is not recognised in this session. "
                                "Join again.", "unknown_key")
        self._throttle(self.buckets, pid)
        person = self.engine.state.participants.get(pid)
        if person is None or person.removed:
            raise ApiError(403, "You are not part of this session any more.", "removed")
        return pid

    # carrying out commands --------------------------------------------------

    async def carry_out(self, command: c.Command, actor: str) -> tuple[Any, bool]:
        """Run ``command`` for ``actor``; return (event, was it a resend)."""
        allowed = (c.Join,) if actor == NEWCOMER else PHONE_COMMANDS
        if not isinstance(command, allowed):
            raise ApiError(403, "Only the facilitator can do that.", "forbidden")
        client_id = getattr(command, "client_id", None)
        duplicate = (client_id is not None
                     and f"{actor}/{client_id}" in self.engine.state.receipts)
        try:
            event = await self.submitter.submit(command, actor)
        except Rejected as rejection:
            raise ApiError(STATUS_FOR.get(rejection.code, 422), str(rejection),
                           rejection.code) from None
        return event, duplicate

    def ack(self, event: Any, duplicate: bool, pid: str, status: int = 201,
            **extra: Any) -> JSONResponse:
        body = {"ok": True, "seq": event.seq, "duplicate": duplicate, **extra,
                "me": self.views.me(pid)}
        return JSONResponse(body, 200 if duplicate else status)


Endpoint = Callable[[Request], Awaitable[Response]]


def _guarded(handler: Endpoint) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as error:
            return error.response()
    endpoint.__name__ = handler.__name__
    return endpoint


def create_app(engine: Engine, *, token: str, limits: WebLimits | None = None) -> Starlette:
    """The participant server for ``engine``; phones join at ``/j/{token}``.

    Must run in the engine's event loop (the TUI's): handlers call the engine directly.
    ``app.state.hub`` and ``app.state.context`` expose the internals to the server
    wrapper and to tests.
    """
    if not token or not re.fullmatch(r"[A-Za-z0-9_-]{8,128}", token):
        raise ValueError("a join token must be 8-128 URL-safe characters")
    limits = limits or WebLimits()
    ctx = _Context(engine, token, limits)
    page, page_headers = _phone_page(engine.plan.title)

    async def home(request: Request) -> Response:
        return _html_message(200, "sessionkit", "Scan the QR code on the facilitator's "
                                                "screen to join the session.")

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)

    async def phone_page(request: Request) -> Response:
        try:
            ctx.check_token(request)
        except ApiError as error:
            return _html_message(error.status, "Not a current session", error.message)
        return HTMLResponse(page, headers=page_headers)

    async def join(request: Request) -> Response:
        ctx.check_token(request)
        ctx.anonymous(request)
        got = fields(await read_json(request, limits.max_body_bytes),
                     {"name": (str, False), "client_id": (str, True)})
        client_id = got["client_id"]
        if len(client_id) < JOIN_CLIENT_ID_MIN:
            raise ApiError(422, f"'client_id' for joining must be at least "
                                f"{JOIN_CLIENT_ID_MIN} random characters.")
        name = (got.get("name") or "").strip() or None
        command = build(c.Join, name=name, key=secrets.token_urlsafe(24),
                        client_id=client_id)
        event, duplicate = await ctx.carry_out(command, NEWCOMER)
        if event.type != "participant_joined":  # a resend whose original was not kept
            raise ApiError(409, "Your earlier attempt to join could not be confirmed. "
                                "Please join again.", "rejoin")
        pid, key = event.data["participant"], event.data.get("key", "")
        body = {"ok": True, "participant": pid, "key": key, "name": event.data.get("name"),
                "duplicate": duplicate, "me": ctx.views.me(pid)}
        return JSONResponse(body, 200 if duplicate else 201)

    async def state(request: Request) -> Response:
        pid = ctx.participant(request)
        return Response(ctx.views.state_bytes(pid), media_type="application/json")

    async def add_note(request: Request) -> Response:
        pid = ctx.participant(request)
        got = fields(await read_json(request, limits.max_body_bytes), {
            "text": (str, True), "category": (str, False), "region": (str, False),
            "step": (str, False), "client_id": (str, True)})
        # "step" is the step the phone showed when the note was written: a note queued
        # offline is refused rather than landing in whatever step is on now.
        if len(got["text"].strip()) > c.MAX_NOTE_CHARS:
            raise ApiError(422, f"A note can be at most {c.MAX_NOTE_CHARS} characters "
                                f"(this one has {len(got['text'].strip())}).", "too_long")
        event, duplicate = await ctx.carry_out(build(c.AddNote, **got), pid)
        return ctx.ack(event, duplicate, pid, note=event.data.get("note"))

    async def edit_note(request: Request) -> Response:
        pid = ctx.participant(request)
        got = fields(await read_json(request, limits.max_body_bytes), {
            "text": (str, False), "category": (str, False), "region": (str, False)})
        if len(got.get("text", "").strip()) > c.MAX_NOTE_CHARS:
            raise ApiError(422, f"A note can be at most {c.MAX_NOTE_CHARS} characters.",
                           "too_long")
        check_strings({"note": request.path_params["note"]})
        command = build(c.EditNote, note=request.path_params["note"], **got)
        event, duplicate = await ctx.carry_out(command, pid)
        return ctx.ack(event, duplicate, pid, status=200, note=command.note)  # type: ignore[attr-defined]

    async def cast_vote(request: Request) -> Response:
        pid = ctx.participant(request)
        got = fields(await read_json(request, limits.max_body_bytes),
                     {"target": (str, True), "client_id": (str, True)})
        event, duplicate = await ctx.carry_out(build(c.CastVote, **got), pid)
        return ctx.ack(event, duplicate, pid, target=got["target"])

    async def withdraw_vote(request: Request) -> Response:
        pid = ctx.participant(request)
        client_id = request.query_params.get("client_id")
        if not client_id:
            raise ApiError(422, "'client_id' is required (as ?client_id=...).")
        target = request.path_params["target"]
        check_strings({"target": target, "client_id": client_id})
        event, duplicate = await ctx.carry_out(
            build(c.WithdrawVote, target=target, client_id=client_id), pid)
        return ctx.ack(event, duplicate, pid, status=200, target=target)

    async def rate(request: Request) -> Response:
        pid = ctx.participant(request)
        got = fields(await read_json(request, limits.max_body_bytes),
                     {"value": (int, True), "client_id": (str, True)})
        event, duplicate = await ctx.carry_out(build(c.Rate, **got), pid)
        return ctx.ack(event, duplicate, pid, value=got["value"])

    async def command(request: Request) -> Response:
        pid = ctx.participant(request)
        data = await read_json(request, limits.max_body_bytes)
        kind = data.get("type")
        if not isinstance(kind, str):
            raise ApiError(422, "'type' is required: which command to carry out.")
        try:
            cmd = _ANY_COMMAND.validate_python(data)
        except ValidationError as error:
            if kind in _COMMAND_TYPES and kind not in _PHONE_TYPES:
                raise ApiError(403, "Only the facilitator can do that.", "forbidden") from None
            raise ApiError(422, _explain(error)) from None
        if not isinstance(cmd, PHONE_COMMANDS):
            raise ApiError(403, "Only the facilitator can do that.", "forbidden")
        if getattr(cmd, "step", None) is not None or getattr(cmd, "author_name", None):
            raise ApiError(403, "Only the facilitator can add notes to another step or "
                                "in someone else's name.", "forbidden")
        event, duplicate = await ctx.carry_out(cmd, pid)
        return ctx.ack(event, duplicate, pid, type=cmd.type)  # type: ignore[attr-defined]

    api = "/j/{token}/api"
    routes = [
        Route("/", home),
        Route("/favicon.ico", favicon),
        Route("/j/{token}", phone_page),
        Route("/j/{token}/", phone_page),
        Route(f"{api}/join", _guarded(join), methods=["POST"]),
        Route(f"{api}/state", _guarded(state), methods=["GET"]),
        Route(f"{api}/notes", _guarded(add_note), methods=["POST"]),
        Route(f"{api}/notes/{{note}}", _guarded(edit_note), methods=["PATCH"]),
        Route(f"{api}/votes", _guarded(cast_vote), methods=["POST"]),
        Route(f"{api}/votes/{{target}}", _guarded(withdraw_vote), methods=["DELETE"]),
        Route(f"{api}/rating", _guarded(rate), methods=["POST"]),
        Route(f"{api}/command", _guarded(command), methods=["POST"]),
        Route(f"{api}/events", EventStream(ctx)),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(_Guard)],
        exception_handlers={HTTPException: _http_error},  # type: ignore[dict-item]
    )
    app.state.context = ctx
    app.state.hub = ctx.hub
    app.state.engine = engine
    app.state.token = token
    return app


# ---------------------------------------------------------------- event stream


class EventStream:
    """``GET /j/{token}/api/events``: Server-Sent Events, one mailbox per connection.

    Sends ``retry: 2000`` (reconnect after two seconds), then ``event: changed`` with
    ``{"seq", "step"}`` at once and whenever this phone's view may have changed, and an
    ``event: ping`` (after a ``:`` comment line) every ``heartbeat_seconds`` so both ends
    notice a dead connection.
    """

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if scope["method"] != "GET":
            await ApiError(405, "Use GET for the event stream.", "method",
                           headers={"Allow": "GET"}).response()(scope, receive, send)
            return
        try:
            pid = self.ctx.participant(request, allow_query=True)
        except ApiError as error:
            await error.response()(scope, receive, send)
            return
        hub = self.ctx.hub
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
            await send({"type": "http.response.start", "status": 200, "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-store"),
                (b"x-accel-buffering", b"no"),
            ]})
            await send({"type": "http.response.body", "body": b"retry: 2000\n\n",
                        "more_body": True})
            heartbeat = self.ctx.limits.heartbeat_seconds
            while True:
                if connection.pending is None and not connection.closed:
                    try:
                        async with asyncio.timeout(heartbeat):
                            await connection.wake.wait()
                    except TimeoutError:
                        await send({"type": "http.response.body", "more_body": True,
                                    "body": b": keep-alive\n\nevent: ping\ndata: {}\n\n"})
                        continue
                connection.wake.clear()
                message, connection.pending = connection.pending, None
                if message is not None and not gone:
                    await send({"type": "http.response.body", "body": message,
                                "more_body": True})
                if connection.closed:
                    break
            if not gone:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            hub.disconnect(connection)
            watcher.cancel()


# ---------------------------------------------------------------- pages and errors


_MESSAGES = {400: "The request could not be understood.", 404: "There is nothing here.",
             405: "That method is not allowed here.", 413: "The request is too large."}


def _wants_json(request: Request) -> bool:
    return "/api/" in request.url.path or "application/json" in request.headers.get("accept", "")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = _MESSAGES.get(exc.status_code, str(exc.detail))
    if _wants_json(request):
        return JSONResponse({"error": message, "code": "http"}, exc.status_code,
                            headers=dict(exc.headers or {}))
    return _html_message(exc.status_code, "sessionkit", message, headers=dict(exc.headers or {}))


def _html_message(status: int, title: str, message: str,
                  headers: dict[str, str] | None = None) -> HTMLResponse:
    from html import escape

    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font:1.1rem/1.5 system-ui,sans-serif;margin:2rem;max-width:32rem">'
        f"<h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>"
    )
    all_headers = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
    all_headers.update(headers or {})
    return HTMLResponse(body, status, headers=all_headers)


def _phone_page(title: str) -> tuple[str, dict[str, str]]:
    """index.html with app.css and app.js inlined (one request, works offline), the
    session's title filled in, and a Content-Security-Policy that allows exactly the two
    inline blocks."""
    from html import escape

    static = resources.files("sessionkit.web") / "static"
    html = (static / "index.html").read_text(encoding="utf-8")
    css = (static / "app.css").read_text(encoding="utf-8")
    js = (static / "app.js").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError("app.js and app.css must not contain closing </script> or </style>")
    style_tag = '<link rel="stylesheet" href="app.css">'
    script_tag = '<script src="app.js"></script>'
    if style_tag not in html or script_tag not in html:
        raise RuntimeError("static/index.html must link app.css and app.js exactly once")
    html = html.replace(style_tag, f"<style>{css}</style>").replace(script_tag, f"<script>{js}</script>")
    html = html.replace('class="session-title">Workshop<', f'class="session-title">{escape(title)}<', 1)
    html = html.replace("<title>Join the session</title>",
                        f"<title>Join: {escape(title)}</title>", 1)

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()

    csp = (
        "default-src 'none'; "
        f"script-src 'sha256-{digest(js)}'; style-src 'sha256-{digest(css)}'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    return html, {"Content-Security-Policy": csp, "Cache-Control": "no-store"}


# ---------------------------------------------------------------- the outermost guard


_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class _Guard:
    """Security headers on every answer, and no traceback ever.

    Sits just inside Starlette's ``ServerErrorMiddleware``, which it never lets see an
    exception: anything unexpected is logged (to the ``sessionkit.web`` logger, never the
    terminal) and answered with a JSON 503 telling the phone its input was not saved,
    where Starlette would answer a bare 500 and re-raise into the server's log.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in present]
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        except Exception:
            log.exception("unexpected error answering %s %s", scope.get("method"),
                          scope.get("path"))
            if not started:
                await JSONResponse(
                    {"error": "Something went wrong on the facilitator's computer; this "
                              "was not saved. Try again in a moment.", "code": "server"},
                    503, headers={"Retry-After": "2"},
                )(scope, receive, send)
