"""Creating a run and opening one: reading what :mod:`sessionkit.store.recovery` works
from, and doing what it decides (setting aside a torn line or an unusable snapshot).

The recovery rules are explained in :mod:`sessionkit.store`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sessionkit
from sessionkit.core.engine import Engine, Limits
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.series_name import check_series_name
from sessionkit.core.state import SessionState
from sessionkit.core.tomldata import toml_data
from sessionkit.store.errors import RecordError
from sessionkit.store.files import _Lock, append_private, atomic_write, fsync_dir
from sessionkit.store.journal import Journal, ReadOnlyJournal, _read_journal_lines
from sessionkit.store.layout import (
    DAMAGED_SNAPSHOT,
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
from sessionkit.store.recovery import Finding, Inputs, Recovery, recover
from sessionkit.store.repair_log import accepted_losses
from sessionkit.store.run import Run
from sessionkit.store.snapshot import (
    Snapshot,
    _dump_toml,
    _load_model,
    _read_toml_file,
    read_snapshot_file,
    write_snapshot,
)


class DamagedRecord(RecordError):
    """The journal lost an acknowledged event (``file`` and ``line``: the first loss). ``run``
    holds every intact event, opened read-only (it can be exported, not continued; a
    repair lets it go on); its ``warnings`` list every problem found."""

    def __init__(self, message: str, *, file: Path, line: int, run: Run):
        super().__init__(message, file=file, line=line)
        self.run = run


# ---------------------------------------------------------------- creating


def _local(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp)


def run_folder_name(plan_id: str, run_id: str, created_at: float) -> str:
    return f"{_local(created_at):%Y-%m-%d-%H%M}-{plan_id}-{run_id[:6]}"


def create_run(
    records_dir: Path | str | None,
    plan: Plan,
    methods: dict[str, Method],
    *,
    clock: Callable[[], float] = time.time,
    limits: Limits | None = None,
    run_id: str | None = None,
    series: str | None = None,
) -> Run:
    """Make a new run of ``plan`` and open it for writing.

    ``series``: the series it belongs to (kept in ``run.toml``); :func:`.series.carry_in`
    loads the open actions of the series' earlier runs for its review.
    Raises ``ValueError`` for a series name that cannot be one.

    ``methods`` may be the whole library: only the methods the plan uses are copied in
    (methods it names but that are missing are simply absent, as for the engine).
    Raises ``OSError`` if the folder cannot be made.
    """
    if series is not None:
        series = check_series_name(series)
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
            raise FileExistsError(
                errno.EEXIST, "a run with this id already exists", str(records / name)
            )
    folder = records / name
    staging = Path(tempfile.mkdtemp(prefix=f".creating-{name}-", dir=records))
    try:
        os.chmod(staging, 0o700)
        meta = {
            "format": RUN_FORMAT,
            "version": FORMAT_VERSION,
            "run_id": rid,
            "plan_id": plan.id,
            "created_at": created_at,
            "created_by": f"sessionkit {sessionkit.__version__}",
        }
        if series is not None:
            meta["series"] = series
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
        raise RecordError(
            f"{path}: not a sessionkit run (format is {data.get('format')!r})", file=path
        )
    if data.get("version") != FORMAT_VERSION:
        raise RecordError(
            f"{path}: made by a different sessionkit (record version "
            f"{data.get('version')!r}, this one reads {FORMAT_VERSION})",
            file=path,
        )
    for key, kind in (("run_id", str), ("plan_id", str), ("created_at", (int, float))):
        if not isinstance(data.get(key), kind):
            raise RecordError(f"{path}: {key} is missing or not valid", file=path)
    return data


def open_run(
    ref: str | Path,
    records_dir: Path | str | None = None,
    *,
    read_only: bool = False,
    clock: Callable[[], float] = time.time,
    limits: Limits | None = None,
) -> Run:
    """Open a run: the journal's events folded onto the snapshot (if it agrees with them).

    ``read_only=True`` (listing, exporting) takes no lock and changes no file; its engine
    refuses every command. Otherwise the run is locked against a second writer, a torn
    last journal line is set aside and an unusable snapshot is set aside and rewritten.
    Raises :class:`RecordError` (unknown run, unreadable plan) or :class:`DamagedRecord`
    (an acknowledged event is lost; ``.run`` has every intact event, read-only).
    """
    folder = resolve_run(ref, records_dir)
    lock = None if read_only else _Lock(folder)
    try:
        return _open(folder, read_only, clock, limits or Limits(), lock)
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _open(
    folder: Path, read_only: bool, clock: Callable[[], float], limits: Limits, lock: _Lock | None
) -> Run:
    """Open ``folder`` (already resolved, ``lock`` already taken): the steps below, in order."""
    warnings: list[str] = []
    meta, plan, methods, inputs, size = _read_run(folder, warnings)
    recovery = recover(inputs, plan, methods, clock=clock, limits=limits)
    damage = recovery.damaged
    writing = not read_only and damage is None
    snapshot_aside = None
    if writing and recovery.snapshot_problem is not None and inputs.snapshot_path.exists():
        with contextlib.suppress(OSError):  # then it is only overwritten, below
            snapshot_aside = _set_aside_snapshot(inputs.snapshot_path)
    warnings += _messages(recovery, writing, snapshot_aside)
    if damage is not None:
        if lock is not None:
            lock.release()
        raise _damaged(folder, plan, methods, recovery, damage, warnings)
    journal: Journal | ReadOnlyJournal
    if read_only:
        journal = ReadOnlyJournal("this run was opened read-only")
    else:
        journal = Journal(inputs.journal, last=recovery.last_event)
        if recovery.torn is not None:
            _set_aside_tail(inputs.journal, recovery.torn.start, size)
        elif inputs.lines and not inputs.lines[-1].terminated:
            journal.end_line()
    recovery.engine.journal = journal
    _join_series(folder, meta, recovery.engine, warnings)
    run = Run(folder, plan, methods, recovery.engine, journal, warnings=warnings, lock=lock)
    if writing and recovery.snapshot_problem is not None:
        try:
            run.save_snapshot()
        except OSError as error:  # the journal has it all
            run._snapshot_failed(error)
    return run


def meta_series(folder: Path, meta: dict[str, Any], warnings: list[str]) -> str | None:
    """The series ``run.toml`` names (``None``: none, or a name that cannot be one)."""
    given = meta.get("series")
    if given is None:
        return None
    try:
        return check_series_name(str(given))
    except ValueError as error:
        warnings.append(f"{folder / RUN_FILE}: {error}; the run is treated as in no series")
        return None


def _join_series(folder: Path, meta: dict[str, Any], engine: Engine, warnings: list[str]) -> None:
    """Tell the engine its series (what it carries in is :func:`.series.carry_in`'s).

    The journal is the record: once the run has started, the series its events name
    (the first, or a later ``series_joined``) is the run's, whatever ``run.toml`` says
    now (a run cannot be in two)."""
    named = meta_series(folder, meta, warnings)
    started = engine.state.series if engine.state.started else named
    if engine.state.started and named != started:
        warnings.append(
            f"{folder / RUN_FILE}: says series {named or '(none)'!r} but the run started in "
            f"series {started or '(none)'!r} (its journal says so): a run belongs to one "
            f"series, so it stays in {started or 'no series'!r}"
        )
    engine.series = started


def _read_run(
    folder: Path,
    warnings: list[str],
) -> tuple[dict[str, Any], Plan, dict[str, Method], Inputs, int]:
    """Everything in the folder that recovery works from; and the journal's size."""
    meta, plan, methods = _load_definitions(folder, warnings)
    fresh = SessionState(
        run_id=meta["run_id"], plan_id=meta["plan_id"], created_at=float(meta["created_at"])
    )
    snapshot_path = folder / SNAPSHOT_FILE
    snapshot: Snapshot | None = None
    snapshot_error: RecordError | None = None
    try:
        snapshot = read_snapshot_file(snapshot_path)
    except RecordError as error:
        snapshot_error = error
    accepted, log_error = accepted_losses(folder)
    if log_error is not None:
        warnings.append(f"{log_error}; the losses it recorded are reported as damage again")
    lines, size = _read_journal_lines(folder / JOURNAL_FILE)
    inputs = Inputs(
        folder / JOURNAL_FILE, lines, fresh, snapshot_path, snapshot, snapshot_error, accepted
    )
    return meta, plan, methods, inputs, size


def _load_definitions(
    folder: Path,
    warnings: list[str],
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
        warnings.append(
            f"{methods_dir}: no copy of method(s) {', '.join(missing)}; "
            "those agenda items have no steps"
        )
    return meta, plan, methods


def _messages(recovery: Recovery, writing: bool, snapshot_aside: Path | None) -> list[str]:
    """The findings for a person, with what opening did about the torn line and snapshot."""
    messages = []
    for finding in recovery.findings:
        message = finding.message
        if finding is recovery.snapshot_problem and writing:
            message += (
                f"; the snapshot was set aside as {snapshot_aside.name} and written "
                "again from the journal"
                if snapshot_aside
                else "; a new one was written from the journal"
            )
        elif finding.set_aside is not None and finding.set_aside is recovery.torn:
            message += f" and was set aside in {TORN_FILE}" if writing else " and was left out"
        messages.append(message)
    return messages


def _damaged(
    folder: Path,
    plan: Plan,
    methods: dict[str, Method],
    recovery: Recovery,
    damage: Finding,
    warnings: list[str],
) -> DamagedRecord:
    """The error for a journal that lost an event, carrying the run opened read-only."""
    engine = recovery.engine
    others = sum(1 for f in recovery.findings if f.lost) - 1
    message = (
        f"{damage.message}. Every other intact event was kept (the record is at "
        f"event {engine.state.seq}"
        + (f"; {others} more problem{'s' if others > 1 else ''} in its warnings" if others else "")
        + f"); the run is open read-only (`sessionkit export` still works; "
        f"`sessionkit repair {folder.name}` sets the damage aside so the run can "
        "go on)"
    )
    journal = ReadOnlyJournal(f"the record is damaged at {damage.file.name} line {damage.line}")
    engine.journal = journal
    run = Run(folder, plan, methods, engine, journal, warnings=warnings)
    return DamagedRecord(message, file=damage.file, line=damage.line or 0, run=run)


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


def _aside_name(folder: Path, pattern: str) -> Path:
    """A new file name from ``pattern`` (with ``{time}``) that no file has yet."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / pattern.format(time=stamp)
    number = 1
    while path.exists():
        number += 1
        path = folder / pattern.format(time=f"{stamp}-{number}")
    return path


def _set_aside_snapshot(path: Path) -> Path:
    """Rename the snapshot out of the way (unchanged, for a person to look at)."""
    aside = _aside_name(path.parent, DAMAGED_SNAPSHOT)
    os.replace(path, aside)
    fsync_dir(path.parent)
    return aside
