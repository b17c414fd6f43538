"""The room page: a full-screen page for a projector or a second screen, on its own token.

Routes (``{room}`` is the run's room token, kept in its folder beside the join token and
never shown to the room; a join token or a participant's key opens none of them):

=======  ================================  ==============================================
GET      ``/room/{room}``                  the page (HTML, CSS and JS inline)
GET      ``/room/{room}/api/state``        what the room sees (:mod:`.room_view`)
GET      ``/room/{room}/api/events``       the phones' event stream (``changed``, ``ping``)
GET      ``/room/{room}/join.svg``         the join QR code (the current join link)
=======  ================================  ==============================================

The page speaks the run's language (``--language``: en, cy or cy+en), with the phone
page's Welsh catalogue (static/strings/cy.json) inlined as data; it is a projector's
page, so it has no language switch of its own.

The page follows the run as phones do: it listens on the same stream (:mod:`.stream`,
as one more connection of the phones' :class:`~sessionkit.web.hub.Hub`) and fetches its
view on each notice. The hub tells only the writer about a vote, a private note or a
group's note; the room is told about those too (coalesced), since its counts change.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import secrets
from html import escape
from importlib import resources
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from sessionkit import netaddr, qr
from sessionkit.core.engine import Engine
from sessionkit.core.redaction import REMOVED_TEXT
from sessionkit.core.state import FACILITATOR, Event, SessionState
from sessionkit.web.guards import ApiError, guarded
from sessionkit.web.hub import PARTICIPANT_ONLY, Hub
from sessionkit.web.pages import html_message, welsh_catalogue
from sessionkit.web.room_view import VERBS, room_view
from sessionkit.web.stream import EventStream
from sessionkit.web.strings import COUNT_CALL, DYNAMIC, page_keys, script_keys
from sessionkit.web.views import Views, dumps

ROOM_VIEWER = "\x00room"
"""The room page's connections on the hub: an id no participant can have."""

TOLD_ONLY_THE_WRITER = PARTICIPANT_ONLY | {"rated", "note_added", "note_edited", "note_picked"}
"""Phone events the hub may tell nobody else about, which still change the room's counts
or a grouped step's boards (the room view decides what of them it may show)."""


class RoomGate:
    """The room token: the one thing that opens the room page (compared in constant time)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def check(self, request: Request) -> None:
        given = str(request.path_params.get("room", ""))
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            raise ApiError(404, "There is no room page at this address.", "unknown_room")

    def participant(self, request: Request, allow_query: bool = False) -> str:
        """What :class:`EventStream` asks of a gate: who is listening (the room)."""
        self.check(request)
        return ROOM_VIEWER


class Room:
    """The room page's part of the server: its gate, the join link it shows, and the
    notices the hub would not send it. ``app.state.room``."""

    def __init__(
        self,
        engine: Engine,
        views: Views,
        hub: Hub,
        token: str,
        join_token: Any,
        language: str = "en",
    ) -> None:
        self.engine = engine
        self.language = language
        self.views = views
        self.hub = hub
        self.gate = RoomGate(token)
        self.join_token = join_token
        """``() -> str``: the current join token (it changes with a new join code)."""
        self.join_base: str | None = None
        """Where phones reach this laptop (``http://192.168.1.5:8765``), once known."""
        self.bulk_delay = hub.bulk_delay
        self._pending: asyncio.TimerHandle | None = None
        self._unsubscribe: Any = engine.subscribe(self._on_event)
        self._page: tuple[str, str, dict[str, str]] | None = None

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def join(self) -> dict[str, Any]:
        base, token = self.join_base, self.join_token()
        return {
            "url": f"{base}/j/{token}" if base else None,
            "open": self.engine.state.joining_open,
            # The short code people type at the root page instead of scanning.
            "code": netaddr.spaced_code(netaddr.join_code(token)) if base else None,
            "where": f"{base}/" if base else None,
        }

    def _on_event(self, event: Event, state: SessionState) -> None:
        if event.type in TOLD_ONLY_THE_WRITER and event.actor != FACILITATOR:
            if self._pending is None:
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:  # no loop, so no open streams to tell
                    return
                self._pending = loop.call_later(self.bulk_delay, self._tell)

    def _tell(self) -> None:
        self._pending = None
        self.hub.notify_participant(ROOM_VIEWER)

    def page(self) -> tuple[str, dict[str, str]]:
        title = self.engine.plan.title
        if self._page is None or self._page[0] != title:
            self._page = (title, *room_page(title, self.language))
        return self._page[1], self._page[2]


def room_page(title: str, language: str = "en") -> tuple[str, dict[str, str]]:
    """room.html with room.css and room.js inlined, and a policy allowing just those;
    the run's ``language`` on ``<html>`` and the Welsh catalogue as a JSON data block
    (never run, so the policy need not allow it; "</" escaped so it cannot close it)."""
    static = resources.files("sessionkit.web") / "static"
    html = (static / "room.html").read_text(encoding="utf-8")
    css = (static / "room.css").read_text(encoding="utf-8")
    js = (static / "room.js").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError("room.js and room.css must not contain closing </script> or </style>")
    html = html.replace('<link rel="stylesheet" href="room.css">', f"<style>{css}</style>", 1)
    html = html.replace('<script src="room.js"></script>', f"<script>{js}</script>", 1)
    html = html.replace("<title>Room</title>", f"<title>Room: {escape(title)}</title>", 1)
    if language != "en":  # English is the page as written
        html = html.replace(
            '<html lang="en">', f'<html lang="cy" data-language="{escape(language)}">', 1
        )
    catalogue = json.dumps(welsh_catalogue(), ensure_ascii=False).replace("</", "<\\/")
    html = html.replace(
        '<script type="application/json" id="strings-cy">{}</script>',
        f'<script type="application/json" id="strings-cy">{catalogue}</script>',
        1,
    )

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()

    csp = (
        "default-src 'none'; "
        f"script-src 'sha256-{digest(js)}'; style-src 'sha256-{digest(css)}'; "
        "connect-src 'self'; img-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    return html, {"Content-Security-Policy": csp, "Cache-Control": "no-store"}


def room_keys() -> set[str]:
    """Every English string the room page can look up (its answer counts, a request's
    answer and a removed text come from the server: ``VERBS``, ``DYNAMIC``)."""
    static = resources.files("sessionkit.web") / "static"
    js = (static / "room.js").read_text(encoding="utf-8")
    html = (static / "room.html").read_text(encoding="utf-8")
    counted = {json.loads(f'"{m}"') for pair in COUNT_CALL.findall(js) for m in pair}
    alt = set(re.findall(r'\balt="([^"]+)"', html))
    return (
        script_keys(js)
        | counted
        | page_keys(html)
        | alt
        | set(VERBS.values())
        | {
            REMOVED_TEXT,
            *DYNAMIC,
        }
    )


def _room(request: Request) -> Room:
    room: Room = request.app.state.room
    return room


async def page(request: Request) -> Response:
    room = _room(request)
    try:
        room.gate.check(request)
    except ApiError as error:
        return html_message(error.status, "No room page here", error.message)
    html, headers = room.page()
    return HTMLResponse(html, headers=headers)


async def state(request: Request) -> Response:
    room = _room(request)
    room.gate.check(request)
    return Response(dumps(room_view(room.views, room.join())), media_type="application/json")


async def join_code(request: Request) -> Response:
    room = _room(request)
    room.gate.check(request)
    url = room.join()["url"]
    if url is None:
        raise ApiError(404, "Phones cannot reach this computer yet, so there is no join code.")
    return Response(qr.svg(url), media_type="image/svg+xml")


def room_routes(room: Room, heartbeat_seconds: float) -> list[Route]:
    base = "/room/{room}"
    return [
        Route(base, page),
        Route(f"{base}/api/state", guarded(state), methods=["GET"]),
        Route(f"{base}/join.svg", guarded(join_code), methods=["GET"]),
        Route(f"{base}/api/events", EventStream(room.gate, room.hub, heartbeat_seconds)),
    ]


__all__ = ["ROOM_VIEWER", "Room", "RoomGate", "room_keys", "room_page", "room_routes"]
