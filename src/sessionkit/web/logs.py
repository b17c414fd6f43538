"""The server's log, one line per kind of message per interval.

Under attack the same complaint comes thousands of times a second ("refused a
connection", uvicorn's "Invalid HTTP request received.", asyncio's "socket.accept() out
of system resource"). Written each time, they fill the disk and bury anything else, and
formatting them costs the event loop the phones wait on. :class:`ThrottledHandler`
writes the first of a kind, drops the rest for ``interval`` seconds, then writes the next
one with how many were dropped. A kind is the logger, the level and the message's
template (so "refused: ... (%d)" is one kind whatever the number).

Running out of file descriptors is said in a sentence, not a traceback: it is a
condition to report, not a bug to debug (the door's caps keep it from happening).
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable

_OUT_OF_FILES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


class ThrottledHandler(logging.Handler):
    """Passes records to ``target``, at most one per kind per ``interval`` seconds."""

    def __init__(
        self,
        target: logging.Handler,
        interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        max_kinds: int = 1000,
    ) -> None:
        super().__init__(level=target.level)
        self.target = target
        self.interval = interval
        self.clock = clock
        self.max_kinds = max_kinds
        self._kinds: dict[tuple[str, int, str], tuple[float, int]] = {}
        """kind -> (when one was last written, how many were dropped since)."""

    def emit(self, record: logging.LogRecord) -> None:
        _plain_if_out_of_files(record)
        kind = (record.name, record.levelno, str(record.msg))
        now = self.clock()
        last = self._kinds.get(kind)
        if last is not None and now - last[0] < self.interval:
            self._kinds[kind] = (last[0], last[1] + 1)
            return
        if len(self._kinds) >= self.max_kinds:  # kinds made up of participant text
            self._kinds.clear()
        dropped = last[1] if last is not None else 0
        self._kinds[kind] = (now, 0)
        if dropped:
            record.msg = (
                f"{record.getMessage()} (and {dropped} more like this "
                f"in the last {now - last[0]:.0f} s)"  # type: ignore[index]
            )
            record.args = None
        self.target.handle(record)

    def flush(self) -> None:
        self.target.flush()

    def close(self) -> None:
        super().close()


def _plain_if_out_of_files(record: logging.LogRecord) -> None:
    info = record.exc_info
    error = info[1] if info else None
    if isinstance(error, OSError) and error.errno in _OUT_OF_FILES:
        record.msg = (
            f"{record.getMessage()}: {error.strerror or error} (no descriptor free for "
            "a new connection; it is accepted again in a moment)"
        )
        record.args = None
        record.exc_info = None
        record.exc_text = None
