"""Carrying out what phones send: group commit, resends, and the engine's refusals.

:class:`Submitter` gathers the commands that arrive in one turn of the event loop and
hands them to ``engine.execute_many``: one journal write (one fsync) for all of them, and
each answer only once its event is durable. :meth:`Submitter.carry_out` is what the
endpoints call: it keeps phones to their own commands, says whether a command was a
resend (same ``client_id``: the engine returns the original event), and turns the
engine's :class:`~sessionkit.core.engine.Rejected` into an :class:`ApiError`.
"""

from __future__ import annotations

import asyncio
import logging

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine, Rejected
from sessionkit.core.state import NEWCOMER, Event
from sessionkit.web.guards import PHONE_COMMANDS, ApiError

log = logging.getLogger("sessionkit.web")

STATUS_FOR = {
    "invalid": 422,
    "forbidden": 403,
    "not_found": 404,
    "locked": 423,
    "closed": 403,
    "banned": 403,
    "redacted": 410,
    "limit": 409,
    "conflict": 409,
    "storage": 503,
}
"""``Rejected.code`` -> HTTP status."""


class Submitter:
    """Group commit: commands that arrive in the same loop turn share one journal write."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pending: list[tuple[c.Command, str, asyncio.Future[Event]]] = []
        self._scheduled = False

    async def carry_out(self, command: c.Command, actor: str) -> tuple[Event, bool]:
        """Run ``command`` for ``actor``; return (event, was it a resend)."""
        allowed = (c.Join,) if actor == NEWCOMER else PHONE_COMMANDS
        if not isinstance(command, allowed):
            raise ApiError(403, "Only the facilitator can do that.", "forbidden")
        client_id = getattr(command, "client_id", None)
        duplicate = client_id is not None and f"{actor}/{client_id}" in self.engine.state.receipts
        try:
            event = await self.submit(command, actor)
        except Rejected as rejection:
            raise ApiError(
                STATUS_FOR.get(rejection.code, 422), str(rejection), rejection.code
            ) from None
        return event, duplicate

    async def submit(self, command: c.Command, actor: str) -> Event:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Event] = loop.create_future()
        self._pending.append((command, actor, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._run)
        # Shielded: once queued the command is carried out even if the phone hangs up;
        # its resend (same client_id) then gets the original result.
        return await asyncio.shield(future)

    def _run(self) -> None:
        batch, self._pending = self._pending, []
        self._scheduled = False
        results: list[Event | Rejected] | list[Exception]
        try:
            results = self.engine.execute_many([(cmd, actor) for cmd, actor, _ in batch])
        except Exception as error:  # the engine itself failed: tell every waiter
            log.exception("engine failed on a batch of %d command(s)", len(batch))
            results = [error] * len(batch)
        # execute_many answers every command of the batch, in order.
        for (_, _, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)
