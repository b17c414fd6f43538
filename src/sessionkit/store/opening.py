"""Creating a run, opening one (recovery: snapshot plus journal) and repairing one.

The recovery rules are explained in :mod:`sessionkit.store`.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sessionkit
from sessionkit.core.engine import Engine, Limits
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.record import toml_data
from sessionkit.core.state import Event, SessionState
from sessionkit.store.errors import RecordError, _where
from sessionkit.store.files import _Lock, append_private, atomic_write, fsync_dir
from sessionkit.store.journal import Journal, ReadOnlyJournal, _Line, _read_journal_lines
from sessionkit.store.layout import (
    EXPORTS_DIR,
    FORMAT_VERSION,
    JOURNAL_FILE,
    METHODS_DIR,
    PLAN_FILE,
    RUN_FILE,
    RUN_FORMAT,
    SNAPSHOT_FILE,
    TORN_FILE,
)
from sessionkit.store.records import default_records_dir, resolve_run
from sessionkit.store.run import Run
from sessionkit.store.snapshot import (
    _dump_toml,
    _load_model,
    _read_toml_file,
    read_snapshot,
    write_snapshot,
)


class DamagedRecord(RecordError):
    """The journal is damaged part-way through. ``run`` holds everything before the
    damage, opened read-only (it can be exported, not continued)."""

    def __init__(self, message: str, *, file: Path, line: int, run: Run):
        super().__init__(message, file=file, line=line)
        self.run = run


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


# ---------------------------------------------------------------- opening


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
    """Open ``folder`` (already resolved, ``lock`` already taken): the steps below, in order."""
    warnings: list[str] = []
    meta, plan, methods = _load_definitions(folder, warnings)
    fresh = SessionState(run_id=meta["run_id"], plan_id=meta["plan_id"],
                         created_at=float(meta["created_at"]))
    base = _load_base(folder / SNAPSHOT_FILE, fresh, warnings)
    journal_path = folder / JOURNAL_FILE
    lines, size = _read_journal_lines(journal_path)
    torn = _take_torn_line(lines, journal_path, read_only, warnings)
    reading = _events_after(lines, base, journal_path, warnings)
    if reading.damage is None and base is not fresh and base.seq > reading.last_seq:
        warnings.append(f"{journal_path}: ends at event {reading.last_seq} but the snapshot "
                        f"is at event {base.seq}; carrying on from the snapshot")
    engine = _fold(plan, methods, base, reading, clock, limits)
    if reading.damage is not None:
        if lock is not None:
            lock.release()
        raise _damaged(folder, plan, methods, engine, reading.damage, warnings)
    journal: Journal | ReadOnlyJournal
    if read_only:
        journal = ReadOnlyJournal("this run was opened read-only")
    else:
        journal = Journal(journal_path)
        if torn is not None:
            _set_aside_tail(journal_path, torn.start, size)
        elif lines and not lines[-1].terminated:
            journal.end_line()
    engine.journal = journal
    return Run(folder, plan, methods, engine, journal, warnings=warnings, lock=lock)


def _load_definitions(folder: Path, warnings: list[str],
                      ) -> tuple[dict[str, Any], Plan, dict[str, Method]]:
    """``run.toml``, the plan and the methods copied in (a missing copy is a warning)."""
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
    return meta, plan, methods


def _load_base(snapshot_path: Path, fresh: SessionState, warnings: list[str]) -> SessionState:
    """The state to replay the journal onto: the snapshot if it can be used, else ``fresh``."""
    try:
        snapshot = read_snapshot(snapshot_path)
    except RecordError as error:
        warnings.append(f"{error}; the whole journal was replayed instead")
        return fresh
    if snapshot.run_id != fresh.run_id:
        warnings.append(f"{snapshot_path}: belongs to run {snapshot.run_id}, not "
                        f"{fresh.run_id}; the whole journal was replayed instead")
        return fresh
    return snapshot


def _take_torn_line(lines: list[_Line], journal_path: Path, read_only: bool,
                    warnings: list[str]) -> _Line | None:
    """Remove and return a last line that could not be read: what a crash mid-write leaves."""
    if not lines or lines[-1].problem is None:
        return None
    torn = lines.pop()
    warnings.append(
        f"{_where(journal_path, torn.number)}: the last line was cut short ({torn.problem}), "
        "as a crash while writing leaves it; it was never acknowledged and was "
        + ("left out" if read_only else f"set aside in {TORN_FILE}"))
    return torn


@dataclass
class _Reading:
    """The journal read against the base state: the events to fold, and the first damage."""

    events: list[tuple[_Line, Event]] = field(default_factory=list)
    damage: tuple[_Line, str] | None = None
    last_seq: int = 0
    """The last event number the journal holds (before any damage)."""


def _events_after(lines: list[_Line], base: SessionState, journal_path: Path,
                  warnings: list[str]) -> _Reading:
    """The events after ``base.seq``, in order; stops at the first damage that loses one."""
    reading = _Reading()
    pending: _Line | None = None
    current = base.seq
    for line in lines:
        if line.event is None:
            pending = pending or line
            continue
        event = line.event
        if event.seq <= reading.last_seq:
            reading.damage = (line, f"event {event.seq} comes after event {reading.last_seq} "
                                    "(out of order)")
            break
        reading.last_seq = event.seq
        if event.seq > current + 1:
            if pending is not None:
                reading.damage = (pending, f"the line is damaged ({pending.problem}) and the "
                                           "snapshot does not cover it")
            else:
                reading.damage = (line, f"events {current + 1} to {event.seq - 1} are missing "
                                        f"before event {event.seq}")
            break
        if pending is not None:
            warnings.append(f"{_where(journal_path, pending.number)}: the line is damaged "
                            f"({pending.problem}), but no event is missing around it (the "
                            "snapshot or the lines after it carry on), so nothing was lost")
            pending = None
        if event.seq <= current:
            continue  # already folded into the snapshot
        reading.events.append((line, event))
        current = event.seq
    if reading.damage is None and pending is not None:
        reading.damage = (pending, f"the line is damaged ({pending.problem})")
    return reading


def _fold(plan: Plan, methods: dict[str, Method], base: SessionState, reading: _Reading,
          clock: Callable[[], float], limits: Limits) -> Engine:
    """An engine with ``reading``'s events folded onto ``base``, one at a time, so an event
    that does not fit the state (a record edited by hand, a bug) is reported at its line
    (as ``reading.damage``) with everything before it kept."""

    def build(events: list[tuple[_Line, Event]]) -> Engine:
        engine = Engine(plan, methods, state=base.model_copy(deep=True), clock=clock,
                        limits=limits)
        engine.replay(event for _, event in events)
        return engine

    engine = build([])
    for index, (line, event) in enumerate(reading.events):
        try:
            engine.replay([event])
        except Exception as error:  # any failure is damage at this line
            reading.damage = (line, f"event {event.seq} ({event.type}) does not fit the "
                                    f"record ({type(error).__name__}: {error})")
            return build(reading.events[:index])
    return engine


def _damaged(folder: Path, plan: Plan, methods: dict[str, Method], engine: Engine,
             damage: tuple[_Line, str], warnings: list[str]) -> DamagedRecord:
    """The error for a journal damaged part-way, carrying the run opened read-only."""
    journal_path = folder / JOURNAL_FILE
    line, reason = damage
    kept = engine.state.seq
    message = (f"{_where(journal_path, line.number)}: {reason}. Everything up to event "
               f"{kept} was kept; the run is open read-only (`sessionkit export` still "
               "works; repair_run sets the damaged part aside so the run can go on)")
    journal = ReadOnlyJournal(f"the record is damaged at {journal_path.name} line "
                              f"{line.number}")
    engine.journal = journal
    run = Run(folder, plan, methods, engine, journal, warnings=warnings)
    return DamagedRecord(message, file=journal_path, line=line.number, run=run)


def _set_aside_tail(path: Path, start: int, size: int) -> None:
    """Move bytes ``start..size`` of the journal to ``journal.jsonl.torn``, then cut them."""
    with open(path, "rb") as file:
        file.seek(start)
        tail = file.read(size - start)
    append_private(path.with_name(TORN_FILE), tail + (b"" if tail.endswith(b"\n") else b"\n"))
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
        lines, _ = _read_journal_lines(path)
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
