"""Durable files: fsync a folder, replace a file atomically, append to a file, lock a run
for one writer. Every file made here is private to the user (0600): a run folder holds
what participants wrote."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from sessionkit.store.errors import RecordError
from sessionkit.store.layout import LOCK_FILE

try:  # POSIX only; on other systems a run is simply not locked.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # e.g. Windows cannot open a directory
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file,
    never a mix: temp file in the same folder, flush, fsync, ``os.replace``, fsync the
    folder. Raises ``OSError`` (the old file is then untouched)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def append_private(path: Path, data: bytes) -> None:
    """Append ``data`` to ``path`` and fsync it; the file is made (or made again) 0600
    whatever the umask or the mode it had."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            if written <= 0:
                raise OSError(errno.EIO, "the disk accepted no data")
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)


class _Lock:
    """An exclusive ``flock`` on ``<run>/.lock``: one writer per run. Released when the
    process ends, however it ends."""

    def __init__(self, folder: Path) -> None:
        self.fd: int | None = None
        if fcntl is None:  # pragma: no cover
            return
        path = folder / LOCK_FILE
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as error:
            raise RecordError(
                f"{path}: cannot be opened ({error.strerror or error})", file=path
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = ""
            with contextlib.suppress(OSError, ValueError):
                holder = os.pread(fd, 32, 0).decode().strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise RecordError(
                f"{folder.name} is open in another sessionkit{who}; close it there first",
                file=folder,
            ) from None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None
