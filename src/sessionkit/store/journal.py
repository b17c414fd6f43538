"""The journal: one JSON event per line, appended and fsynced before it is acknowledged.

:class:`Journal` writes it, :class:`ReadOnlyJournal` refuses to, and
:func:`_read_journal_lines` reads it back line by line, each line parsed or with the
reason it could not be (recovery, in :mod:`sessionkit.store.opening`, decides what that
means).

The line format
---------------
Each line is one JSON object: the event's fields (``seq``, ``at``, ``type``, ``actor``,
``data``) in the compact form :func:`encode_event` writes (no spaces, UTF-8 as is), then
a last member ``"crc"``: the CRC-32 (8 lowercase hex digits) of that same line with the
``,"crc":"..."`` member left out, i.e. of the bytes up to the ``,"crc"`` plus the closing
``}``::

    {"seq":7,"at":1714550000.25,"type":"note_added","actor":"p1","data":{...},"crc":"5d1f0a3c"}

Every line stays plain JSON (any tool reads it); a changed byte anywhere in it, the
checksum included, makes it a damaged line rather than a different event. CRC-32 catches
every change of up to 32 consecutive bits, which is what disks and editors do by accident;
it is not meant to stop someone who wants to forge a record. Journals written before the
checksum (lines without ``"crc"``) are still read; once a line with a checksum has been
read, a later line without one is damaged.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sessionkit.core.state import Event
from sessionkit.store.errors import RecordError

_CHECKSUM = re.compile(rb',"crc":"([0-9a-f]{8})"}$')
"""The checksum member at the end of a line (the line without its line break)."""


def _crc(body: bytes) -> int:
    return zlib.crc32(body) & 0xFFFFFFFF


def _encode(event: Event) -> tuple[bytes, int]:
    """An event's journal line, and the CRC-32 of its body (the line without ``"crc"``)."""
    text = json.dumps(event.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    body = text.encode("utf-8")
    crc = _crc(body)
    return body[:-1] + b',"crc":"%08x"}\n' % crc, crc


def encode_event(event: Event) -> bytes:
    """One event as one journal line, with its checksum (see the module's docstring).
    JSON escapes newlines inside strings, so a line break only ever ends an event (lines
    are split on ``\\n`` alone, never on U+2028)."""
    return _encode(event)[0]


class Journal:
    """The engine's journal: append-only ``journal.jsonl``, fsynced on every append.

    ``append`` writes all the events' lines with one write, flushes and fsyncs before
    returning. If any part fails it cuts the file back to where it was (no torn line is
    left behind and nothing unacknowledged stays) and raises ``OSError``. If even that
    fails, the cut is retried before the next append, which fails rather than write after
    unacknowledged bytes. The file is opened on first use and reopened after a failure,
    so a disk that comes back (space freed, permissions fixed) is used again.
    """

    def __init__(self, path: Path | str, last: tuple[int, int] | None = None) -> None:
        self.path = Path(path)
        self.last = last
        """``(seq, checksum)`` of the last event in the file, for the snapshot to name."""
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
        encoded = [_encode(event) for event in events]
        data = b"".join(line for line, _ in encoded)
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
        self.last = (events[-1].seq, encoded[-1][1])

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
    crc: int | None = None
    """The CRC-32 of the event's body (computed for a line written without one)."""
    checked: bool = False
    """The line carried a checksum, and it matched."""


def _read_journal_lines(path: Path) -> tuple[list[_Line], int]:
    """Every non-blank line of a journal, parsed; and the file's size."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], 0
    except OSError as error:
        raise RecordError(
            f"{path}: cannot be read ({error.strerror or error})", file=path
        ) from None
    lines: list[_Line] = []
    offset = 0
    number = 0
    checksums = False  # a line with a checksum has been read
    while offset < len(data):
        number += 1
        newline = data.find(b"\n", offset)
        end = len(data) if newline < 0 else newline + 1
        raw = data[offset : end if newline < 0 else newline]
        line = _Line(number, offset, end, terminated=newline >= 0)
        offset = end
        if not raw.strip():
            if raw and line.terminated is False:
                line.problem = "blank and cut short"
                lines.append(line)
            continue
        _parse(raw, line, checksums)
        checksums = checksums or line.checked
        lines.append(line)
    return lines, len(data)


def _parse(raw: bytes, line: _Line, checksums: bool) -> None:
    """Fill in ``line.event`` (and its checksum) or ``line.problem`` from its bytes."""
    match = _CHECKSUM.search(raw)
    body = raw if match is None else raw[: match.start()] + b"}"
    try:
        payload: Any = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        line.problem = "not valid UTF-8"
        return
    except json.JSONDecodeError as error:
        line.problem = f"not valid JSON ({error.msg} at column {error.colno})"
        return
    line.crc = _crc(body)
    if match is not None:
        if int(match.group(1), 16) != line.crc:
            line.problem = (
                "its checksum does not match its content (a byte of it was "
                "changed after it was written)"
            )
            return
        line.checked = True
    elif isinstance(payload, dict) and "crc" in payload:
        line.problem = "its checksum is not where sessionkit writes it (the line was edited)"
        return
    elif checksums:
        line.problem = "it has no checksum, but the lines before it have one (edited or damaged)"
        return
    try:
        line.event = Event.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "event"
        line.problem = f"not a valid event ({where}: {first['msg']})"
