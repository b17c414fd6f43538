"""What a browser sees outside the JSON API, and the headers every answer carries.

- :func:`phone_page` is the one page phones load: HTML linking its versioned script and
  stylesheet (:mod:`.assets`) and a Content-Security-Policy that allows only those;
- :func:`html_message` is a short page for a person (the home page, a wrong join link);
- :func:`http_error` answers Starlette's own errors (unknown path, wrong method) in our
  words: JSON for the API, a page otherwise;
- :class:`Guard`, the outermost middleware, adds the security headers and turns any
  unexpected exception into a JSON 503 instead of a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from html import escape
from importlib import resources

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sessionkit.web.assets import asset

log = logging.getLogger("sessionkit.web")

_MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing here.",
    405: "That method is not allowed here.",
    413: "The request is too large.",
}


def _wants_json(request: Request) -> bool:
    return "/api/" in request.url.path or "application/json" in request.headers.get("accept", "")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = _MESSAGES.get(exc.status_code, str(exc.detail))
    if _wants_json(request):
        return JSONResponse(
            {"error": message, "code": "http"}, exc.status_code, headers=dict(exc.headers or {})
        )
    return html_message(exc.status_code, "sessionkit", message, headers=dict(exc.headers or {}))


def html_message(
    status: int, title: str, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
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


def welsh_catalogue() -> dict[str, str]:
    """The phone page's Welsh strings, by their English text (static/strings/cy.json,
    without its notes: keys starting with "_")."""
    static = resources.files("sessionkit.web") / "static"
    data = json.loads((static / "strings" / "cy.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def phone_page(
    title: str,
    roles: Sequence[str] = (),
    tables: int | None = None,
    care_line: str = "",
    trailing_slash: bool = False,
    language: str = "en",
) -> tuple[str, dict[str, str]]:
    """index.html linking the current versions of app.css and app.js (see
    :mod:`.assets`), the session's title filled in, the plan's ``join_roles`` and
    ``tables`` on the join form (as data attributes: the script asks for them), the
    safeguarding line (who to talk to if worried about someone: there before anyone
    joins, and kept up to date by the script) and a Content-Security-Policy that allows
    scripts and styles from this server only.

    The links are relative (``/j/app.js`` seen from ``/j/{token}``), so the page works
    under a ``--public-url`` with a path; ``trailing_slash``: the page was asked for as
    ``/j/{token}/``, one level further down."""
    static = resources.files("sessionkit.web") / "static"
    html = (static / "index.html").read_text(encoding="utf-8")
    up = "../" if trailing_slash else ""
    for name, tag in (
        ("app.css", '<link rel="stylesheet" href="{}">'),
        ("app.js", '<script src="{}"></script>'),
    ):
        if html.count(tag.format(name)) != 1:
            raise RuntimeError("static/index.html must link app.css and app.js exactly once")
        html = html.replace(tag.format(name), tag.format(up + asset(name).url))
    html = html.replace(
        'class="session-title">Workshop<', f'class="session-title">{escape(title)}<', 1
    )
    asks = f' data-roles="{escape(json.dumps(list(roles)))}"' if roles else ""
    asks += f' data-tables="{tables}"' if tables else ""
    html = html.replace(
        '<form id="join-form" novalidate>', f'<form id="join-form" novalidate{asks}>'
    )
    if care_line:
        html = html.replace(
            '<p id="care-line" class="care-line" hidden></p>',
            f'<p id="care-line" class="care-line">{escape(care_line)}</p>',
            1,
        )
    html = html.replace(
        "<title>Join the session</title>", f"<title>Join: {escape(title)}</title>", 1
    )
    # The run's language, and the Welsh catalogue as data (not a script: data
    # is never run, so script-src 'self' lets it be). "</" is escaped so no string in
    # it can close the block.
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

    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    # no-cache, not no-store: the browser may keep it but asks each time, so the page
    # always names the current script and stylesheet.
    return html, {"Content-Security-Policy": csp, "Cache-Control": "no-cache"}


# ---------------------------------------------------------------- the outermost guard


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class Guard:
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
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        except Exception:
            log.exception(
                "unexpected error answering %s %s", scope.get("method"), scope.get("path")
            )
            if not started:
                await JSONResponse(
                    {
                        "error": "Something went wrong on the facilitator's computer; this "
                        "was not saved. Try again in a moment.",
                        "code": "server",
                    },
                    503,
                    headers={"Retry-After": "2"},
                )(scope, receive, send)
