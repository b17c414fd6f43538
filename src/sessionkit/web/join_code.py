"""The server's root page: type the short join code instead of scanning the QR code.

``GET /`` is a form (no script: it works on any phone, and nothing runs before the code
is right); ``POST /`` with ``code=...`` answers a 303 to the phone page of the run whose
current join token the code is derived from (:func:`sessionkit.netaddr.join_code`).
Spaces, dashes and small letters are forgiven. A code from a replaced join token (the
facilitator pressed ``C``) is refused, as its QR code is.

Guessing is what a short code invites, so wrong codes are rate-limited (:class:`Misses`):
per network address and for the whole server, so many addresses cannot guess together
either. Only wrong codes count: a room behind one proxy address, all typing the right
code at once, is never turned away. Once a limit is reached every try is a 429 (right
or wrong, so a guesser learns nothing) with the wait in words and in ``Retry-After``.
"""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Callable
from html import escape
from urllib.parse import parse_qs

from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sessionkit.netaddr import JOIN_CODE_LENGTH, join_code, typed_code
from sessionkit.web.limits import WebLimits

MAX_FORM_BYTES = 1024


class Misses:
    """Wrong codes per key, as a bucket that refills ``allowed`` tries per ``window``
    seconds; ``wait(key)`` is ``None`` while tries are left, else seconds until one is."""

    def __init__(
        self, allowed: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.allowed = float(allowed)
        self.rate = allowed / window
        self.clock = clock
        self._tries: dict[str, tuple[float, float]] = {}

    def _left(self, key: str, now: float) -> float:
        left, then = self._tries.get(key, (self.allowed, now))
        return min(self.allowed, left + (now - then) * self.rate)

    def wait(self, key: str) -> float | None:
        left = self._left(key, self.clock())
        return None if left >= 1.0 else (1.0 - left) / self.rate

    def missed(self, key: str) -> None:
        now = self.clock()
        if len(self._tries) > 20_000:  # many addresses: forget the ones that are full again
            self._tries = {k: v for k, v in self._tries.items() if self._left(k, now) < 1.0}
        self._tries[key] = (self._left(key, now) - 1.0, now)


class CodeDoor:
    """Checks typed codes against the gate's join tokens, within the limits."""

    def __init__(
        self,
        tokens: Callable[[], tuple[str, tuple[str, ...]]],
        limits: WebLimits,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tokens = tokens
        """``() -> (current token, retired tokens)``: read at each try, so a new join
        token takes effect at once."""
        window = limits.wrong_code_window
        self.per_address = Misses(limits.wrong_codes_per_address, window, clock)
        self.overall = Misses(limits.wrong_codes_overall, window, clock)

    async def page(self, request: Request) -> Response:
        if request.method != "POST":
            return code_page()
        address = request.client.host if request.client else "unknown"
        for misses, whose in ((self.per_address, address), (self.overall, "")):
            wait = misses.wait(whose)
            if wait is not None:
                seconds = max(1, math.ceil(wait))
                where = "from this network" if whose else "on this session"
                return code_page(
                    f"Too many wrong codes have been tried {where} just now. Wait "
                    f"{_duration(seconds)} and try again, or scan the QR code instead.",
                    status=429,
                    headers={"Retry-After": str(seconds)},
                )
        typed = typed_code(await _form_code(request))
        if not typed:
            return code_page("Type the join code first.", status=422)
        current, retired = self.tokens()
        if hmac.compare_digest(typed.encode(), join_code(current).encode()):
            # Relative, so it works behind a --public-url that adds a path in front.
            return RedirectResponse(f"j/{current}", status_code=303)
        self.per_address.missed(address)
        self.overall.missed("")
        if any(hmac.compare_digest(typed.encode(), join_code(t).encode()) for t in retired):
            return code_page(
                "That code is no longer in use: type the new one on the facilitator's screen.",
                typed,
                status=410,
            )
        if len(typed) != JOIN_CODE_LENGTH:
            message = (
                f"A join code has {JOIN_CODE_LENGTH} letters and numbers; "
                f"that was {len(typed)}. Check the code on the facilitator's screen."
            )
        else:
            message = "That is not the code of the session running here. Check it and try again."
        return code_page(message, typed, status=404)


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    return f"{math.ceil(seconds / 60)} minutes"


async def _form_code(request: Request) -> str:
    """The ``code`` field of a small urlencoded form (parsed here: nothing more is needed)."""
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return ""
    except ClientDisconnect:
        return ""
    values = parse_qs(body.decode("utf-8", "replace"), max_num_fields=4)
    code = values.get("code", [""])[0]
    return code[: JOIN_CODE_LENGTH * 4]  # room for spaces and dashes, not an essay


_STYLE = """
body{font:1.15rem/1.5 system-ui,sans-serif;margin:0;color:#0b0c0c;background:#fff}
main{max-width:32rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.6rem;margin:0 0 1rem}
label{display:block;font-weight:700;margin-bottom:.25rem}
.hint{color:#505a5f;margin:0 0 .5rem}
.error{color:#b3261e;font-weight:700;margin:0 0 .5rem}
input{font:inherit;font-size:1.6rem;letter-spacing:.2em;text-transform:uppercase;
width:100%;max-width:12em;box-sizing:border-box;padding:.4rem .5rem;
border:2px solid #0b0c0c;border-radius:0}
input[aria-invalid=true]{border-color:#b3261e;border-width:4px}
input:focus,button:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}
button{font:inherit;font-weight:700;margin-top:1rem;padding:.6rem 1.2rem;border:0;
background:#00703c;color:#fff;cursor:pointer}
"""


def code_page(
    error: str = "", typed: str = "", status: int = 200, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """The form, with what went wrong above the field (and the field marked) if anything."""
    described = "code-hint code-error" if error else "code-hint"
    problem = f'<p id="code-error" class="error">{escape(error)}</p>' if error else ""
    invalid = ' aria-invalid="true" autofocus' if error else ""
    title = ("Error: " if error else "") + "Join a session"
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style></head><body><main>"
        "<h1>Join a session</h1>"
        '<form method="post" action="">'
        '<label for="code">Join code</label>'
        '<p id="code-hint" class="hint">The 6 letters and numbers on the facilitator\'s '
        "screen. Or scan the QR code instead.</p>"
        f"{problem}"
        f'<input id="code" name="code" type="text" value="{escape(typed)}" '
        f'maxlength="{JOIN_CODE_LENGTH * 4}" autocomplete="off" autocapitalize="characters" '
        f'spellcheck="false" aria-describedby="{described}"{invalid}>'
        '<div><button type="submit">Join</button></div>'
        "</form></main></body></html>"
    )
    all_headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }
    all_headers.update(headers or {})
    return HTMLResponse(body, status, headers=all_headers)
