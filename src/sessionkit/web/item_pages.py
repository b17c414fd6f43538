"""``GET /j/{token}/api/items``: more of a long list than the view's first page.

``?list=targets&step=2.3&offset=100&q=queue`` answers ``{"list", "step", "offset",
"query", "total", "items"}``: up to :data:`~sessionkit.web.windows.PAGE` items from
``offset`` of the whole list (of those whose words contain ``q``, when given; ``total``
is then how many match). Behind the participant key, like ``state``. Every bad
parameter is a 4xx naming it; a step no longer on screen is a 409 (the phone fetches
the new step's view instead).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sessionkit.web.guards import ApiError, check_strings
from sessionkit.web.views import dumps
from sessionkit.web.windows import LIST_NAMES, MAX_QUERY

MAX_OFFSET = 10**7
"""Far past any list: a larger offset is a mistake, not a page."""


def _offset(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_OFFSET:
        raise ApiError(400, f"'offset' must be a whole number from 0 (got {raw[:20]!r}).")
    return int(raw)


async def items(request: Request) -> Response:
    ctx = request.app.state.context
    pid = ctx.gate.participant(request)
    params = request.query_params
    name = params.get("list", "")
    step = params.get("step", "")
    query = params.get("q", "").strip()
    check_strings({"list": name, "step": step, "q": query})
    if name not in LIST_NAMES:
        raise ApiError(400, f"'list' must be one of {', '.join(LIST_NAMES)} (got {name[:40]!r}).")
    if not step:
        raise ApiError(400, "'step' is required (as ?step=..., the step the list is on).")
    if len(query) > MAX_QUERY:
        raise ApiError(400, f"The search is too long: at most {MAX_QUERY} characters.")
    offset = _offset(params.get("offset"))
    lists = ctx.views.lists(pid)
    if step != lists.step:
        raise ApiError(
            409, "That step is no longer on screen: this page will show the new one.", "moved"
        )
    if name not in lists.lists:
        raise ApiError(404, f"This step has no list called {name!r}.", "no_list")
    page, total = lists.page(name, offset, query)
    body = {
        "list": name,
        "step": step,
        "offset": offset,
        "query": query,
        "total": total,
        "items": page,
    }
    return Response(dumps(body), media_type="application/json")
