"""The run's durable record: an append-only journal, a TOML snapshot, and recovery.

Where runs live
---------------
:func:`default_records_dir`: ``$SESSIONKIT_RECORDS`` if set, else
``$XDG_DATA_HOME/sessionkit/records``, else ``~/.local/share/sessionkit/records``.

Each run has its own folder, ``<records>/<YYYY-MM-DD-HHMM>-<plan id>-<run id[:6]>/``
(local time of creation)::

    run.toml          run id, plan id, creation time, format version (written once)
    plan.toml         the plan as it was when the run was created
    methods/<id>.toml the methods it uses, copied, so the run opens even if the library
                      changes or loses them later
    journal.jsonl     every event, one JSON object per line, appended and fsynced before
                      the engine acts on it: the record itself
    snapshot.toml     the folded state at the last step change (and on close), written
                      atomically; only a shortcut, never the only copy of anything.
                      Inside a running event loop (the TUI) it is taken SNAPSHOT_DELAY
                      after the step change and written by a worker thread
    exports/          where ``sessionkit export`` writes by default
    .lock             held (flock) while a sessionkit process has the run open for writing
    journal.jsonl.torn            (only after a crash) the cut-short last line, set aside
    journal.damaged-<time>.jsonl  (only after :func:`repair_run`) the damaged part, set aside

A run is made in a hidden ``.creating-...`` folder and renamed into place, so a crash while
creating never leaves half a run. Folders are private to the user (mode 0700): they hold
what participants wrote.

Recovery rules (:func:`open_run`)
---------------------------------
* State = the snapshot, then every journal event after the snapshot's ``seq``.
* A last journal line that is cut short or unreadable is what a crash in the middle of a
  write leaves: it was never acknowledged (acknowledgement follows the fsync). It is
  reported in ``Run.warnings`` (file and line), never fatal; when the run is opened for
  writing, its bytes are moved to ``journal.jsonl.torn`` and the journal is cut back to
  its last whole line, so the next event starts on a line of its own.
* A damaged line in the middle is a warning if no event is missing around it (the
  snapshot covers it, or the events after it carry straight on); otherwise it is fatal:
  :class:`DamagedRecord` names the file and line and carries ``.run``, opened read-only
  with everything before the damage, so it can still be exported. :func:`repair_run`
  sets the damaged part aside so the run can go on.
* A snapshot that cannot be read is a warning (file and line): the whole journal is
  replayed instead, which loses nothing because the journal always starts at event 1.
* Events must number 1, 2, 3...; a gap or a repeat is damage at that line.

Storage failures
----------------
:class:`Journal` raises ``OSError`` when an append cannot be made durable (disk full,
I/O error, file not writable, file deleted); it first cuts the file back so nothing
unacknowledged stays. The engine turns that into ``Rejected(code="storage")``, leaves
its state as it was and sets ``engine.storage_error``; the next append that succeeds
clears it. A snapshot that cannot be written only sets ``Run.snapshot_error``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import tempfile
import time
import tomllib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

import sessionkit
from sessionkit.core.engine import Engine, Limits
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.record import Record, toml_data
from sessionkit.core.state import Event, SessionState

try:  # POSIX only; on other systems a run is simply not locked.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

RUN_FORMAT = "sessionkit.run"
SNAPSHOT_FORMAT = "sessionkit.snapshot"
FORMAT_VERSION = 1

RUN_FILE = "run.toml"
PLAN_FILE = "plan.toml"
METHODS_DIR = "methods"
JOURNAL_FILE = "journal.jsonl"
TORN_FILE = "journal.jsonl.torn"
SNAPSHOT_FILE = "snapshot.toml"
EXPORTS_DIR = "exports"
LOCK_FILE = ".lock"

SNAPSHOT_EVENTS = frozenset({"step_started", "session_ended"})
"""Events after which the snapshot is rewritten."""
SNAPSHOT_DELAY = 0.5
"""Inside a running event loop, how long a snapshot waits after its step change (so the
change reaches phones and the screen first; changes in quick succession share one)."""

__all__ = [
    "DamagedRecord",
    "Journal",
    "ReadOnlyJournal",
    "RecordError",
    "Run",
    "RunSummary",
    "atomic_write",
    "create_run",
    "default_records_dir",
    "list_runs",
    "open_run",
    "purge_run",
    "read_snapshot",
    "repair_run",
    "resolve_run",
    "write_snapshot",
]


def default_records_dir() -> Path:
    """Where runs are kept: ``$SESSIONKIT_RECORDS``, else
    ``$XDG_DATA_HOME/sessionkit/records``, else ``~/.local/share/sessionkit/records``.

    A relative ``XDG_DATA_HOME`` is ignored, as the XDG spec asks.
    """
    if env := os.environ.get("SESSIONKIT_RECORDS"):
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base / "sessionkit" / "records"


# ---------------------------------------------------------------- errors


class RecordError(Exception):
    """A run's record could not be found or read. ``str()`` is one line for a person."""

    def __init__(self, message: str, *, file: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.file = file
        self.line = line


class DamagedRecord(RecordError):
    """The journal is damaged part-way through. ``run`` holds everything before the
    damage, opened read-only (it can be exported, not continued)."""

    def __init__(self, message: str, *, file: Path, line: int, run: Run):
        super().__init__(message, file=file, line=line)
        self.run = run


def _where(path: Path, line: int | None = None) -> str:
    return f"{path}" + (f", line {line}" if line else "")


# ---------------------------------------------------------------- durable writes


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


def _dump_toml(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data).encode("utf-8")


def _write_snapshot_data(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, _dump_toml(data))


# ---------------------------------------------------------------- the journal


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
        raise RecordError(f"{path}: cannot be read ({error.strerror or error})", file=path)
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


# ---------------------------------------------------------------- snapshots


def write_snapshot(path: Path, state: SessionState) -> None:
    """Write the state atomically as TOML (``None`` values are left out)."""
    atomic_write(path, _dump_toml(_snapshot_data(state)))


def _snapshot_data(state: SessionState) -> dict[str, Any]:
    """The snapshot as plain, freshly built dicts and lists: nothing in it is shared with
    ``state``, so it can be written out while the state moves on."""
    return {"format": SNAPSHOT_FORMAT, "version": FORMAT_VERSION, "state": toml_data(state)}


def read_snapshot(path: Path) -> SessionState:
    """Load a snapshot; :class:`RecordError` names the file and line if it is damaged."""
    text, data = _read_toml_file(path)
    if data.get("format") != SNAPSHOT_FORMAT or not isinstance(data.get("state"), dict):
        raise RecordError(f"{path}: not a sessionkit snapshot", file=path)
    try:
        return SessionState.model_validate(data["state"])
    except ValidationError as error:
        raise _validation_error(path, text, error, prefix=("state",)) from None


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        raise RecordError(f"{_where(path, line)}: not valid TOML ({error})", file=path,
                          line=line) from None


def _toml_error_line(message: str) -> int | None:
    marker = "at line "
    if marker in message:
        digits = ""
        for ch in message.split(marker, 1)[1]:
            if not ch.isdigit():
                break
            digits += ch
        return int(digits) if digits else None
    return None


def _validation_error(path: Path, text: str, error: ValidationError,
                      prefix: tuple[str, ...] = ()) -> RecordError:
    first = error.errors()[0]
    loc = prefix + tuple(str(p) for p in first["loc"])
    line = _guess_line(text, loc)
    field = ".".join(loc)
    return RecordError(f"{_where(path, line)}: {field}: {first['msg']}", file=path, line=line)


def _guess_line(text: str, loc: tuple[str, ...]) -> int | None:
    """The line of the deepest key of ``loc`` that appears in a table header or as a
    key after the header of its parent (good enough for a damaged file)."""
    lines = text.splitlines()
    best = None
    for depth in range(len(loc), 0, -1):
        key = loc[depth - 1]
        for number, line in enumerate(lines, 1):
            stripped = line.strip()
            if stripped.startswith("[") and (f".{key}]" in stripped or f'."{key}"]' in stripped
                                             or stripped in (f"[{key}]", f'["{key}"]')):
                best = number
                break
            if stripped.startswith((f"{key} =", f'"{key}" =')):
                best = number
                break
        if best:
            return best
    return None


# ---------------------------------------------------------------- locking


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
            raise RecordError(f"{path}: cannot be opened ({error.strerror or error})",
                              file=path) from None
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
                file=folder) from None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


# ---------------------------------------------------------------- a run


class Run:
    """One run, open: its folder, plan, methods and an :class:`Engine` wired to its
    journal. A snapshot is written on every ``step_started`` and ``session_ended`` event
    and by :meth:`close` (inside a running event loop: a moment after the event, off the
    loop; see :meth:`_on_event`).

    ``warnings`` lists what recovery had to work around (file and line each).
    ``snapshot_error`` is set while snapshots cannot be written (the journal still has
    everything; the next snapshot clears it).
    """

    def __init__(self, folder: Path, plan: Plan, methods: dict[str, Method], engine: Engine,
                 journal: Journal | ReadOnlyJournal, *, warnings: list[str] | None = None,
                 lock: _Lock | None = None) -> None:
        self.folder = folder
        self.plan = plan
        self.methods = methods
        self.engine = engine
        self.journal = journal
        self.warnings: list[str] = list(warnings or [])
        self.snapshot_error: str | None = None
        self._lock = lock
        self._closed = False
        self._snapshot_handle: asyncio.TimerHandle | None = None
        self._snapshot_writer: concurrent.futures.ThreadPoolExecutor | None = None
        if not self.read_only:
            engine.subscribe(self._on_event)

    @property
    def read_only(self) -> bool:
        return isinstance(self.journal, ReadOnlyJournal)

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def run_id(self) -> str:
        return self.engine.state.run_id

    @property
    def state(self) -> SessionState:
        return self.engine.state

    @property
    def journal_path(self) -> Path:
        return self.folder / JOURNAL_FILE

    @property
    def snapshot_path(self) -> Path:
        return self.folder / SNAPSHOT_FILE

    @property
    def exports_dir(self) -> Path:
        return self.folder / EXPORTS_DIR

    def record(self) -> Record:
        """The run's de-identified :class:`Record`, for exports."""
        return Record.from_engine(self.engine)

    def save_snapshot(self) -> None:
        """Write the snapshot now. Raises ``OSError``; read-only runs write nothing."""
        if self.read_only:
            return
        write_snapshot(self.snapshot_path, self.engine.state)
        self.snapshot_error = None

    def _on_event(self, event: Event, state: SessionState) -> None:
        if event.type not in SNAPSHOT_EVENTS:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            try:
                self.save_snapshot()
            except OSError as error:  # the journal has it all: never fail the command
                self._snapshot_failed(error)
            return
        # In the app's event loop, which every phone and the facilitator's screen wait on:
        # TOML-encoding and fsyncing a big state there took ~80 ms per 4,000 notes at
        # every step change, before the change could reach anyone. Copy the state there
        # a moment later (a quarter of the cost), write the copy in a worker thread.
        if self._snapshot_handle is None:
            self._snapshot_handle = loop.call_later(SNAPSHOT_DELAY, self._snapshot_soon)

    def _snapshot_soon(self) -> None:
        self._snapshot_handle = None
        if self._closed:
            return
        data = _snapshot_data(self.engine.state)  # between commands: durable events only
        if self._snapshot_writer is None:
            self._snapshot_writer = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="sessionkit-snapshot")  # in order
        loop = asyncio.get_running_loop()
        future = self._snapshot_writer.submit(_write_snapshot_data, self.snapshot_path, data)

        def done(finished: concurrent.futures.Future[None]) -> None:
            error = None if finished.cancelled() else finished.exception()

            def report() -> None:  # on the loop, like every other change to this Run
                if error is None:
                    self.snapshot_error = None
                else:
                    self._snapshot_failed(error if isinstance(error, OSError)
                                          else OSError(errno.EIO, str(error)))

            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody to tell
                loop.call_soon_threadsafe(report)

        future.add_done_callback(done)

    def _snapshot_failed(self, error: OSError) -> None:
        self.snapshot_error = (f"The snapshot could not be saved "
                               f"({error.strerror or error}); the journal is intact.")

    def close(self) -> None:
        """Write a final snapshot (if possible), close the journal and let go of the run."""
        if self._closed:
            return
        self._closed = True
        if self._snapshot_handle is not None:
            self._snapshot_handle.cancel()
            self._snapshot_handle = None
        if self._snapshot_writer is not None:  # let a write in progress finish first
            self._snapshot_writer.shutdown(wait=True)
            self._snapshot_writer = None
        try:
            if not self.read_only:
                try:
                    self.save_snapshot()
                except OSError as error:
                    self.snapshot_error = f"The final snapshot could not be saved ({error})."
        finally:
            self.journal.close()
            if self._lock is not None:
                self._lock.release()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Run({str(self.folder)!r}, seq={self.engine.state.seq})"


# ---------------------------------------------------------------- creating


def _local(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp)


def run_folder_name(plan_id: str, run_id: str, created_at: float) -> str:
    return f"{_local(created_at):%Y-%m-%d-%H%M}-{plan_id}-{run_id[:6]}"


def create_run(records_dir: Path | str | None, plan: Plan, methods: dict[str, Method], *,
               clock: Callable[[], float] = time.time, limits: Limits | None = None,
               run_id: str | None = None) -> Run:
    """Make a new run of ``plan`` and open it for writing.

    ``methods`` may be the whole library: only the methods the plan uses are copied in
    (methods it names but that are missing are simply absent, as for the engine).
    Raises ``OSError`` if the folder cannot be made.
    """
    records = Path(records_dir) if records_dir is not None else default_records_dir()
    records.mkdir(parents=True, exist_ok=True, mode=0o700)
    used = {item.method for _, item in plan.items() if item.method}
    copied = {mid: methods[mid] for mid in sorted(used) if mid in methods}
    created_at = clock()
    for _ in range(10):
        rid = run_id or uuid.uuid4().hex[:12]
        name = run_folder_name(plan.id, rid, created_at)
        if not (records / name).exists():
            break
        if run_id:
            raise FileExistsError(errno.EEXIST, "a run with this id already exists",
                                  str(records / name))
    folder = records / name
    staging = Path(tempfile.mkdtemp(prefix=f".creating-{name}-", dir=records))
    try:
        os.chmod(staging, 0o700)
        meta = {"format": RUN_FORMAT, "version": FORMAT_VERSION, "run_id": rid,
                "plan_id": plan.id, "created_at": created_at,
                "created_by": f"sessionkit {sessionkit.__version__}"}
        atomic_write(staging / RUN_FILE, _dump_toml(meta))
        atomic_write(staging / PLAN_FILE, _dump_toml(toml_data(plan)))
        (staging / METHODS_DIR).mkdir(mode=0o700)
        for mid, method in copied.items():
            atomic_write(staging / METHODS_DIR / f"{mid}.toml", _dump_toml(toml_data(method)))
        fsync_dir(staging / METHODS_DIR)
        state = SessionState(run_id=rid, plan_id=plan.id, created_at=created_at)
        write_snapshot(staging / SNAPSHOT_FILE, state)
        atomic_write(staging / JOURNAL_FILE, b"")
        (staging / EXPORTS_DIR).mkdir(mode=0o700)
        fsync_dir(staging)
        if folder.exists():
            raise FileExistsError(errno.EEXIST, "a run folder with this name exists", str(folder))
        os.rename(staging, folder)
        fsync_dir(records)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return open_run(folder, clock=clock, limits=limits)


# ---------------------------------------------------------------- finding


def is_run_folder(path: Path) -> bool:
    return path.is_dir() and (path / RUN_FILE).is_file()


def _run_folders(records: Path) -> list[Path]:
    try:
        entries = list(records.iterdir())
    except FileNotFoundError:
        return []
    except OSError as error:
        raise RecordError(f"{records}: cannot be read ({error.strerror or error})",
                          file=records) from None
    return sorted(p for p in entries if not p.name.startswith(".") and is_run_folder(p))


def resolve_run(ref: str | Path, records_dir: Path | str | None = None) -> Path:
    """A run folder from a path, a folder name, a unique prefix of one, or a prefix of
    the run id. :class:`RecordError` for none or several."""
    records = Path(records_dir) if records_dir is not None else default_records_dir()
    text = str(ref)
    path = Path(text).expanduser()
    if is_run_folder(path):
        return path.resolve()
    looks_like_path = isinstance(ref, Path) or os.sep in text or text.startswith(".") \
        or (os.altsep is not None and os.altsep in text)
    if looks_like_path:
        if path.exists():
            raise RecordError(f"{path} is not a sessionkit run folder (it has no {RUN_FILE})",
                              file=path)
        raise RecordError(f"{path} does not exist", file=path)
    folders = _run_folders(records)
    exact = [f for f in folders if f.name == text]
    if exact:
        return exact[0]
    matches = [f for f in folders
               if f.name.startswith(text) or (len(text) >= 3 and f.name.rsplit("-", 1)[-1].startswith(text))]
    if not matches:
        raise RecordError(f"no run '{text}' in {records} (`sessionkit records` lists them)")
    if len(matches) > 1:
        shown = ", ".join(f.name for f in matches[:5]) + (", ..." if len(matches) > 5 else "")
        raise RecordError(f"'{text}' matches {len(matches)} runs ({shown}); give more of the name")
    return matches[0]


# ---------------------------------------------------------------- opening


def _read_toml_file(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise RecordError(f"{path}: missing", file=path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{path}: cannot be read ({error})", file=path) from None
    return text, _parse_toml(path, text)


def _load_model(path: Path, model: type[Any]) -> Any:
    text, data = _read_toml_file(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _validation_error(path, text, error) from None


def _read_meta(folder: Path) -> dict[str, Any]:
    path = folder / RUN_FILE
    _, data = _read_toml_file(path)
    if data.get("format") != RUN_FORMAT:
        raise RecordError(f"{path}: not a sessionkit run (format is {data.get('format')!r})",
                          file=path)
    if data.get("version") != FORMAT_VERSION:
        raise RecordError(f"{path}: made by a different sessionkit (record version "
                          f"{data.get('version')!r}, this one reads {FORMAT_VERSION})", file=path)
    for key, kind in (("run_id", str), ("plan_id", str), ("created_at", (int, float))):
        if not isinstance(data.get(key), kind):
            raise RecordError(f"{path}: {key} is missing or not valid", file=path)
    return data


def open_run(ref: str | Path, records_dir: Path | str | None = None, *, read_only: bool = False,
             clock: Callable[[], float] = time.time, limits: Limits | None = None) -> Run:
    """Open a run: snapshot plus the journal events after it.

    ``read_only=True`` (listing, exporting) takes no lock and changes no file; its engine
    refuses every command. Otherwise the run is locked against a second writer and a torn
    last journal line is set aside. Raises :class:`RecordError` (unknown run, unreadable
    plan) or :class:`DamagedRecord` (damage in the middle of the journal; ``.run`` has
    everything before it).
    """
    folder = resolve_run(ref, records_dir)
    lock = None if read_only else _Lock(folder)
    try:
        return _open(folder, read_only, clock, limits or Limits(), lock)
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _open(folder: Path, read_only: bool, clock: Callable[[], float], limits: Limits,
          lock: _Lock | None) -> Run:
    warnings: list[str] = []
    meta = _read_meta(folder)
    plan: Plan = _load_model(folder / PLAN_FILE, Plan)
    methods: dict[str, Method] = {}
    methods_dir = folder / METHODS_DIR
    for path in sorted(methods_dir.glob("*.toml")) if methods_dir.is_dir() else []:
        method: Method = _load_model(path, Method)
        methods[method.id] = method
    missing = sorted({item.method for _, item in plan.items() if item.method} - set(methods))
    if missing:
        warnings.append(f"{methods_dir}: no copy of method(s) {', '.join(missing)}; "
                        "those agenda items have no steps")

    fresh = SessionState(run_id=meta["run_id"], plan_id=meta["plan_id"],
                         created_at=float(meta["created_at"]))
    snapshot_path = folder / SNAPSHOT_FILE
    base = fresh
    try:
        snapshot = read_snapshot(snapshot_path)
    except RecordError as error:
        warnings.append(f"{error}; the whole journal was replayed instead")
    else:
        if snapshot.run_id != fresh.run_id:
            warnings.append(f"{snapshot_path}: belongs to run {snapshot.run_id}, not "
                            f"{fresh.run_id}; the whole journal was replayed instead")
        else:
            base = snapshot

    journal_path = folder / JOURNAL_FILE
    lines, size = _read_journal_lines(journal_path)
    torn: _Line | None = None
    if lines and (lines[-1].problem is not None):
        torn = lines.pop()
        warnings.append(
            f"{_where(journal_path, torn.number)}: the last line was cut short ({torn.problem}), "
            "as a crash while writing leaves it; it was never acknowledged and was "
            + ("left out" if read_only else f"set aside in {TORN_FILE}"))

    events: list[tuple[_Line, Event]] = []
    damage: tuple[_Line, str] | None = None
    pending: _Line | None = None
    current = base.seq
    previous = 0
    for line in lines:
        if line.event is None:
            pending = pending or line
            continue
        event = line.event
        if event.seq <= previous:
            damage = (line, f"event {event.seq} comes after event {previous} (out of order)")
            break
        previous = event.seq
        if event.seq > current + 1:
            if pending is not None:
                damage = (pending, f"the line is damaged ({pending.problem}) and the "
                                   "snapshot does not cover it")
            else:
                damage = (line, f"events {current + 1} to {event.seq - 1} are missing "
                                f"before event {event.seq}")
            break
        if pending is not None:
            warnings.append(f"{_where(journal_path, pending.number)}: the line is damaged "
                            f"({pending.problem}), but no event is missing around it (the "
                            "snapshot or the lines after it carry on), so nothing was lost")
            pending = None
        if event.seq <= current:
            continue  # already folded into the snapshot
        events.append((line, event))
        current = event.seq
    if damage is None and pending is not None:
        damage = (pending, f"the line is damaged ({pending.problem})")
    last_journal_seq = previous
    if damage is None and base.seq > last_journal_seq and base is not fresh:
        warnings.append(f"{journal_path}: ends at event {last_journal_seq} but the snapshot "
                        f"is at event {base.seq}; carrying on from the snapshot")

    def build(upto: int) -> Engine:
        engine = Engine(plan, methods, state=base.model_copy(deep=True), clock=clock,
                        limits=limits)
        engine.replay(event for _, event in events[:upto])
        return engine

    # Fold the events one at a time, so an event that does not fit the state (a record
    # edited by hand, a bug) is reported at its line with everything before it kept.
    engine = Engine(plan, methods, state=base.model_copy(deep=True), clock=clock, limits=limits)
    for index, (line, event) in enumerate(events):
        try:
            engine.replay([event])
        except Exception as error:  # noqa: BLE001 - any failure is damage at this line
            damage = (line, f"event {event.seq} ({event.type}) does not fit the record "
                            f"({type(error).__name__}: {error})")
            engine = build(index)
            break

    if damage is not None:
        line, reason = damage
        kept = engine.state.seq
        message = (f"{_where(journal_path, line.number)}: {reason}. Everything up to event "
                   f"{kept} was kept; the run is open read-only (`sessionkit export` still "
                   "works; repair_run sets the damaged part aside so the run can go on)")
        journal = ReadOnlyJournal(f"the record is damaged at {journal_path.name} line "
                                  f"{line.number}")
        engine.journal = journal
        run = Run(folder, plan, methods, engine, journal, warnings=warnings)
        if lock is not None:
            lock.release()
        raise DamagedRecord(message, file=journal_path, line=line.number, run=run)

    if read_only:
        journal: Journal | ReadOnlyJournal = ReadOnlyJournal(
            "this run was opened read-only")
    else:
        journal = Journal(journal_path)
        if torn is not None:
            _set_aside_tail(journal_path, torn.start, size)
        elif lines and not lines[-1].terminated:
            journal.end_line()
    engine.journal = journal
    return Run(folder, plan, methods, engine, journal, warnings=warnings, lock=lock)


def _set_aside_tail(path: Path, start: int, size: int) -> None:
    """Move bytes ``start..size`` of the journal to ``journal.jsonl.torn``, then cut them."""
    with open(path, "rb") as file:
        file.seek(start)
        tail = file.read(size - start)
    torn = path.with_name(TORN_FILE)
    with open(torn, "ab") as file:
        file.write(tail + (b"" if tail.endswith(b"\n") else b"\n"))
        file.flush()
        os.fsync(file.fileno())
    with open(path, "r+b") as file:
        file.truncate(start)
        file.flush()
        os.fsync(file.fileno())


def repair_run(ref: str | Path, records_dir: Path | str | None = None) -> Path | None:
    """Set aside the damaged part of a run's journal so the run can be opened again.

    The journal is cut back to the last event that fits; the rest is moved, unchanged,
    to ``journal.damaged-<time>.jsonl`` beside it. Returns that file, or ``None`` if
    the journal was not damaged. The run must not be open elsewhere.
    """
    folder = resolve_run(ref, records_dir)
    lock = _Lock(folder)
    try:
        try:
            run = _open(folder, True, time.time, Limits(), None)
        except DamagedRecord as damaged:
            keep = damaged.run.engine.state.seq
        else:
            run.close()
            return None
        path = folder / JOURNAL_FILE
        lines, size = _read_journal_lines(path)
        cut = 0
        for line in lines:
            if line.event is None or line.event.seq > keep:
                break
            cut = line.end
        data = path.read_bytes()
        aside = folder / f"journal.damaged-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"
        atomic_write(aside, data[cut:])
        atomic_write(path, data[:cut] if data[:cut].endswith(b"\n") or not cut
                     else data[:cut] + b"\n")
        return aside
    finally:
        lock.release()


# ---------------------------------------------------------------- listing and purging


@dataclass(frozen=True)
class RunSummary:
    folder: Path
    run_id: str
    plan_id: str
    plan_title: str
    created_at: float | None
    status: str
    """``not started``, ``in progress``, ``ended``, ``damaged`` or ``unreadable``."""
    notes: int = 0
    participants: int = 0
    events: int = 0
    problem: str | None = None

    @property
    def name(self) -> str:
        return self.folder.name


def _summary(folder: Path) -> RunSummary:
    try:
        run = _open(folder, True, time.time, Limits(), None)
        status = None
        problem = "; ".join(run.warnings) or None
    except DamagedRecord as damaged:
        run, status, problem = damaged.run, "damaged", str(damaged)
    except RecordError as error:
        meta: dict[str, Any] = {}
        with contextlib.suppress(RecordError):
            meta = _read_meta(folder)
        return RunSummary(folder, str(meta.get("run_id", "")), str(meta.get("plan_id", "")),
                          "", meta.get("created_at"), "unreadable", problem=str(error))
    state = run.engine.state
    record_status = ("ended" if state.ended_at is not None
                     else "in progress" if state.started else "not started")
    return RunSummary(folder, state.run_id, state.plan_id, run.plan.title, state.created_at,
                      status or record_status, notes=len(state.notes),
                      participants=len(state.participants), events=state.seq, problem=problem)


def list_runs(records_dir: Path | str | None = None) -> list[RunSummary]:
    """Every run in the records folder, newest first. A run that cannot be read is listed
    as ``unreadable`` (or ``damaged``) with the reason, never stops the listing."""
    records = Path(records_dir) if records_dir is not None else default_records_dir()
    summaries = [_summary(folder) for folder in _run_folders(records)]
    return sorted(summaries, key=lambda s: (s.created_at or 0, s.name), reverse=True)


def purge_run(ref: str | Path, records_dir: Path | str | None = None) -> Path:
    """Delete a run folder and everything in it. Refuses anything that is not a run
    folder, and a run open in a sessionkit. Returns the folder deleted."""
    folder = resolve_run(ref, records_dir)
    if folder.is_symlink() or not is_run_folder(folder):
        raise RecordError(f"{folder} is not a sessionkit run folder", file=folder)
    lock = _Lock(folder)  # raises if the run is open elsewhere
    try:
        shutil.rmtree(folder)
    except OSError as error:
        raise RecordError(f"{folder}: could not be deleted ({error.strerror or error})",
                          file=folder) from None
    finally:
        lock.release()
    fsync_dir(folder.parent)
    return folder
