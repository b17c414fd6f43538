"""The journal: one JSON event per line, appended and fsynced before it is acknowledged.

:class:`Journal` writes it, :class:`ReadOnlyJournal` refuses to, and
:func:`_read_journal_lines` reads it back line by line, each line parsed or with the
reason it could not be (recovery, in :mod:`sessionkit.store.opening`, decides what that
means).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from sessionkit.core.state import Event
from sessionkit.store.errors import RecordError


def encode_event(event: Event) -> bytes:
    """One event as one journal line. JSON escapes newlines inside strings, so a line
    break only ever ends an event (lines are split on ``\\n`` alone, never on U+2028)."""
    text = json.dumps(event.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


class Journal:
    """The engine's journal: append-only ``journal.jsonl``, fsynced on every append.

    ``append`` writes all the events' lines with one write, flushes and fsyncs before
    returning. If any part fails it cuts the file back to where it was (no torn line is
    left behind and nothing unacknowledged stays) and raises ``OSError``. If even that
    fails, the cut is retried before the next append, which fails rather than write after
    unacknowledged bytes. The file is opened on first use and reopened after a failure,
    so a disk that comes back (space freed, permissions fixed) is used again.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._cut_to: int | None = None
        """Size to cut the file back to before the next write (an undo that failed)."""
        self._needs_newline = False

    def _open(self) -> int:
        if self._fd is None:
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
            self._fd = os.open(self.path, flags, 0o600)
        return self._fd

    def _drop(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def end_line(self) -> None:
        """Ask for a line break before the next event (the file's last line has none)."""
        self._needs_newline = True

    def append(self, events: Sequence[Event]) -> None:
        if not events:
            return
        data = b"".join(encode_event(event) for event in events)
        try:
            fd = self._open()
            if os.fstat(fd).st_nlink == 0:
                raise OSError(errno.ENOENT, f"{self.path} was deleted while the run was open")
            if self._cut_to is not None:
                os.ftruncate(fd, self._cut_to)
                os.fsync(fd)
                self._cut_to = None
            start = os.fstat(fd).st_size
        except OSError:
            self._drop()
            raise
        if self._needs_newline:
            data = b"\n" + data
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                if written <= 0:
                    raise OSError(errno.EIO, "the disk accepted no data")
                view = view[written:]
            os.fsync(fd)
        except OSError:
            try:
                os.ftruncate(fd, start)
                os.fsync(fd)
            except OSError:
                self._cut_to = start
            self._drop()
            raise
        self._needs_newline = False

    def close(self) -> None:
        self._drop()


class ReadOnlyJournal:
    """A journal that refuses every append: for runs opened to read or export."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def append(self, events: Sequence[Event]) -> None:
        raise OSError(errno.EROFS, self.reason)

    def close(self) -> None:
        pass


@dataclass
class _Line:
    number: int
    start: int
    end: int
    """Offset just after the line (its newline included, if it has one)."""
    terminated: bool
    event: Event | None = None
    problem: str | None = None


def _read_journal_lines(path: Path) -> tuple[list[_Line], int]:
    """Every non-blank line of a journal, parsed; and the file's size."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], 0
    except OSError as error:
        raise RecordError(f"{path}: cannot be read ({error.strerror or error})",
                          file=path) from None
    lines: list[_Line] = []
    offset = 0
    number = 0
    while offset < len(data):
        number += 1
        newline = data.find(b"\n", offset)
        end = len(data) if newline < 0 else newline + 1
        raw = data[offset: end if newline < 0 else newline]
        line = _Line(number, offset, end, terminated=newline >= 0)
        offset = end
        if not raw.strip():
            if raw and line.terminated is False:
                line.problem = "blank and cut short"
                lines.append(line)
            continue
        try:
            payload = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            line.problem = "not valid UTF-8"
        except json.JSONDecodeError as error:
            line.problem = f"not valid JSON ({error.msg} at column {error.colno})"
        else:
            try:
                line.event = Event.model_validate(payload)
            except ValidationError as error:
                first = error.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "event"
                line.problem = f"not a valid event ({where}: {first['msg']})"
        lines.append(line)
    return lines, len(data)

