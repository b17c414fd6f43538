"""The one way a rule says no."""

from __future__ import annotations

CODES = frozenset(
    {
        "invalid",
        "forbidden",
        "not_found",
        "locked",
        "limit",
        "conflict",
        "storage",
        "closed",
        "banned",
        "redacted",
    }
)
"""Every ``Rejected.code``; adapters map each one (``web.submit.STATUS_FOR``)."""


class Rejected(Exception):
    """A command that was not carried out; ``str()`` is the message for a person.

    ``code`` lets adapters choose a status: invalid, forbidden, not_found, locked,
    limit, conflict, storage, closed (joining is closed), banned (a removed person's
    browser joining again), redacted (the facilitator removed the text being changed).
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code
