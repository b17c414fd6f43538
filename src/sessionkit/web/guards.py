"""Request guards: nothing a phone sends reaches the engine unchecked.

- :func:`read_json` takes a body only within its size limit (on Content-Length and on the
  stream), strictly UTF-8 JSON, an object, and :func:`check_strings` refuses control
  characters and lone surrogates anywhere in it;
- :func:`fields` and :func:`build` check it against what an endpoint expects and turn
  pydantic's complaint into a sentence the phone shows as is (:func:`explain`);
- :func:`phone_command` accepts only the participant commands (:data:`PHONE_COMMANDS`);
- :class:`Gate` checks the join token, the participant's key and how often they ask;
- :func:`device_of` reads (or makes) the browser's device id, the cookie a ban sticks to.

Every refusal is an :class:`ApiError`; :func:`guarded` turns it into the JSON answer
``{"error": "...", "code": "..."}`` with its 4xx status.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.web.hub import Hub
from sessionkit.web.limits import JoinPlaces, TokenBuckets, WebLimits

PHONE_COMMANDS = tuple(m for m in c.PARTICIPANT_COMMANDS if m is not c.Join)
"""What ``POST api/command`` accepts: the participant commands except ``join`` (which has
its own endpoint, since it hands out the key). Derived, so the core keeps the one list."""

KEY_HEADER = "x-participant-key"
MAX_KEY_CHARS = 128

DEVICE_COOKIE = "sessionkit_device"
DEVICE_SECONDS = 400 * 24 * 3600
"""How long a browser keeps its device id: the longest browsers allow (400 days)."""
_DEVICE = re.compile(r"[A-Za-z0-9_-]{16,64}")

# C0 controls except tab, newline and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

_ANY_COMMAND: TypeAdapter[Any] = TypeAdapter(c.AnyCommand)
_COMMAND_TYPES = frozenset(m.type_name() for m in c.ALL_COMMANDS)
_PHONE_TYPES = frozenset(m.type_name() for m in PHONE_COMMANDS)

CommandT = TypeVar("CommandT", bound=c.Command)


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        code: str = "invalid",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"error": self.message, "code": self.code}, self.status, headers=self.headers
        )


Endpoint = Callable[[Request], Awaitable[Response]]


def guarded(handler: Endpoint) -> Endpoint:
    """``handler`` with its :class:`ApiError` answered as JSON instead of raised."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as error:
            return error.response()

    endpoint.__name__ = handler.__name__
    return endpoint


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
                422,
                f"'{where}' contains control characters (invisible formatting codes). "
                "Remove them and try again.",
            )
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
    too_large = ApiError(
        413,
        f"That is too much to send at once (the limit is {limit // 1024} KiB). Shorten the text.",
        "too_large",
    )
    if length is not None:
        if not length.isdigit():
            raise ApiError(400, "The request has a malformed Content-Length header.")
        if int(length) > limit:
            raise too_large
    content_type = request.headers.get("content-type", "application/json")
    if content_type.split(";")[0].strip().lower() not in ("application/json", "text/plain", ""):
        raise ApiError(
            415, "Send the request as JSON (Content-Type: application/json).", "unsupported"
        )
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


FieldSpec = dict[str, tuple[type | tuple[type, ...], bool]]
"""``{name: (types, required)}``: what :func:`fields` expects of a body."""


def fields(data: dict[str, Any], spec: FieldSpec) -> dict[str, Any]:
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
        # bool is an int to isinstance; JSON's true is not a number to a person.
        if isinstance(value, bool) and bool not in (
            types if isinstance(types, tuple) else (types,)
        ):
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


def build(model: type[CommandT], **values: Any) -> CommandT:
    """Make a command, turning pydantic's complaint into a sentence for a person."""
    try:
        return model(**values)
    except ValidationError as error:
        raise ApiError(422, explain(error)) from None


def explain(error: ValidationError) -> str:
    """pydantic's first complaint as a sentence a person can act on."""
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


def phone_command(data: dict[str, Any]) -> c.Command:
    """A participant command as the engine spells it; a facilitator's command is a 403."""
    kind = data.get("type")
    if not isinstance(kind, str):
        raise ApiError(422, "'type' is required: which command to carry out.")
    try:
        cmd = _ANY_COMMAND.validate_python(data)
    except ValidationError as error:
        # A real command that is not the phone's is refused as such, even when its
        # fields are wrong too: "not allowed" is the answer that helps.
        if kind in _COMMAND_TYPES and kind not in _PHONE_TYPES:
            raise ApiError(403, "Only the facilitator can do that.", "forbidden") from None
        raise ApiError(422, explain(error)) from None
    if not isinstance(cmd, PHONE_COMMANDS):
        raise ApiError(403, "Only the facilitator can do that.", "forbidden")
    if getattr(cmd, "step", None) is not None or getattr(cmd, "author_name", None):
        raise ApiError(
            403,
            "Only the facilitator can add notes to another step or in someone else's name.",
            "forbidden",
        )
    return cmd


# ---------------------------------------------------------------- token, identity, rate


def device_of(request: Request) -> tuple[str, bool]:
    """The browser's device id from its cookie, or a new one: ``(id, is it new)``.

    The cookie is the server's own (HttpOnly: the page's script never sees it), so a phone
    that forgets its participant key and joins again is still the same device, and a ban
    still holds. A different browser, a private window or clearing the site's data is a
    new device: a ban is a speed bump, not a lock (the README says so).
    """
    given = request.cookies.get(DEVICE_COOKIE, "")
    if _DEVICE.fullmatch(given):
        return given, False
    return secrets.token_urlsafe(18), True


def device_hash(run_id: str, device: str) -> str:
    """What the record keeps of a device id: hashed with the run's id, so the journal
    holds no cookie a person could replay, and two runs' records cannot be matched up by
    browser."""
    return hashlib.sha256(f"{run_id}:{device}".encode()).hexdigest()[:32]


def keep_device(response: Response, device: str, secure: bool) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_SECONDS,
        path="/",  # every run and every join token on this address: the same browser
        httponly=True,
        samesite="strict",
        secure=secure,
    )


class Gate:
    """Who is asking: the run's join token, the participant's key, and how often.

    ``token`` lets people join; ``retired`` tokens (replaced by a new QR code) no longer
    do, but phones that joined with one go on working: their participant key is what
    proves who they are.
    """

    def __init__(
        self,
        engine: Engine,
        token: str,
        hub: Hub,
        limits: WebLimits,
        retired: tuple[str, ...] = (),
    ) -> None:
        self.engine = engine
        self.token = token
        self.retired: list[str] = list(retired)
        self.hub = hub
        self.buckets = TokenBuckets(limits.rate, limits.burst)
        self.anonymous_buckets = TokenBuckets(limits.anonymous_rate, limits.anonymous_burst)
        self.join_places = JoinPlaces(limits.max_joins_per_address)

    def rotate(self, token: str) -> None:
        """``token`` lets people join from now on; the one before only serves phones in."""
        if token != self.token:
            self.retired.insert(0, self.token)
            self.token = token

    def check_token(self, request: Request, *, joining: bool = False) -> None:
        given = str(request.path_params.get("token", "")).encode("utf-8", "surrogatepass")
        # Constant time, so the token cannot be guessed a character at a time.
        if hmac.compare_digest(given, self.token.encode("utf-8")):
            return
        if any(hmac.compare_digest(given, old.encode("utf-8")) for old in self.retired):
            if not joining:
                return
            raise ApiError(
                410,
                "This join link is no longer valid; scan the new code on the facilitator's screen.",
                "old_token",
            )
        raise ApiError(
            404,
            "This join link is not for the session that is running. Scan the QR code again.",
            "bad_token",
        )

    def _throttle(self, bucket: TokenBuckets, key: str) -> None:
        wait = bucket.take(key)
        if wait is not None:
            seconds = max(1, int(wait + 0.999))
            raise ApiError(
                429,
                "Too many requests from this phone. Wait a moment and try again.",
                "rate",
                headers={"Retry-After": str(seconds)},
            )

    @contextlib.contextmanager
    def join_place(self, request: Request, device: str) -> Iterator[None]:
        """Hold a place for ``device`` among those joining from the request's address
        while the join is carried out, given back if it fails (see :class:`JoinPlaces`)."""
        address = self.client_address(request)
        taken = self.join_places.take(address, device)
        if taken is None:
            raise ApiError(
                403,
                f"Too many people have joined from this network ({self.join_places.cap}). "
                "Ask the facilitator.",
                "network_full",
            )
        try:
            yield
        except BaseException:
            if taken:
                self.join_places.give_back(address, device)
            raise

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
            raise ApiError(
                403, "This phone is not recognised in this session. Join again.", "unknown_key"
            )
        self._throttle(self.buckets, pid)
        person = self.engine.state.participants.get(pid)
        if person is None or person.removed:
            raise ApiError(403, "You are not part of this session any more.", "removed")
        return pid
