"""The phone page's script and stylesheet as versioned files, and gzip for the answers.

The page links ``app.js?v=<hash>`` and ``app.css?v=<hash>`` (the hash is of the file's
text), so a phone keeps them for a year and a new version of sessionkit is a new URL; the
page itself is ``no-cache``, so it always names the current version. Each file is
compressed once, when first asked for, not once per phone: a room joining at once asks
for it hundreds of times in a minute.

:class:`Compress` gzips every other answer worth it (the page, state views) when the
browser accepts gzip. It leaves the event stream alone: a streaming compressor holds
bytes back until it has enough, and a notice must reach the phone when it is written.
The stream compresses itself, a message at a time (:mod:`.stream_gzip`).
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

ASSETS = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
"""The files of ``static/`` served as they are (index.html is filled in by ``pages``)."""

FOREVER = "public, max-age=31536000, immutable"
"""For a versioned URL: its content never changes (a new version is a new URL)."""


@dataclass(frozen=True)
class Asset:
    name: str
    text: str
    media_type: str
    version: str
    """The first 16 hex digits of the SHA-256 of ``text``: the ``?v=`` of its URL."""
    gzipped: bytes

    @property
    def url(self) -> str:
        """Its URL relative to ``/j/`` (where the page lives)."""
        return f"{self.name}?v={self.version}"


@cache
def asset(name: str) -> Asset:
    """One of :data:`ASSETS`, read from the package once."""
    text = (resources.files("sessionkit.web") / "static" / name).read_text(encoding="utf-8")
    data = text.encode("utf-8")
    return Asset(
        name=name,
        text=text,
        media_type=ASSETS[name],
        version=hashlib.sha256(data).hexdigest()[:16],
        gzipped=gzip.compress(data, compresslevel=9, mtime=0),
    )


def accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


async def serve_asset(request: Request) -> Response:
    """``GET /j/app.js`` or ``/j/app.css``: kept for a year when asked for by the current
    version, revalidated every time otherwise (an old page, or no ``?v=``)."""
    found = asset(request.url.path.rsplit("/", 1)[-1])
    current = request.query_params.get("v") == found.version
    etag = f'"{found.version}"'
    headers = {
        "Cache-Control": FOREVER if current else "no-cache",
        "ETag": etag,
        "Vary": "Accept-Encoding",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if accepts_gzip(request):
        headers["Content-Encoding"] = "gzip"
        return Response(found.gzipped, media_type=found.media_type, headers=headers)
    return Response(found.text, media_type=found.media_type, headers=headers)


class Compress:
    """gzip (level 6: nearly level 9's size for a fraction of its time on the one event
    loop every phone shares) for answers of at least ``minimum_size`` bytes."""

    def __init__(self, app: ASGIApp, minimum_size: int = 500, level: int = 6) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=level)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].endswith("/api/events"):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
