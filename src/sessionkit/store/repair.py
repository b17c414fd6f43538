"""Repairing a run: set aside what recovery had to work around, so the run can go on.

:func:`plan_repair` says what a repair would do and changes nothing; :func:`apply_repair`
does it. A repair keeps every intact event: it moves the lines recovery left out
(damaged, out of order, repeated, not fitting the record, cut short) unchanged to
``journal.damaged-<time>.jsonl``, sets an unusable snapshot aside as
``snapshot.damaged-<time>.toml``, records the events that are lost in ``repairs.toml``
(see :mod:`sessionkit.store.repair_log`), rewrites the journal with the lines it keeps,
byte for byte, and writes a snapshot that agrees with it. Each step is an atomic write,
in that order, so a repair cut short by a crash can simply be run again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import sessionkit
from sessionkit.core.engine import Limits
from sessionkit.store.errors import RecordError
from sessionkit.store.files import _Lock, atomic_write
from sessionkit.store.journal import _Line
from sessionkit.store.layout import DAMAGED_JOURNAL
from sessionkit.store.opening import _aside_name, _read_run, _set_aside_snapshot
from sessionkit.store.records import resolve_run
from sessionkit.store.recovery import Finding, Inputs, Recovery, recover
from sessionkit.store.repair_log import accepted_losses, record_repair
from sessionkit.store.snapshot import write_snapshot


@dataclass(frozen=True)
class Repair:
    """What a repair of ``folder`` sets aside (or, once applied, did set aside)."""

    folder: Path
    lines: tuple[Finding, ...]
    """Journal lines to move out of the journal, each with why."""
    lost: tuple[int, ...]
    """Events to record as lost (no intact line and no usable snapshot has them)."""
    snapshot: Finding | None
    """Why the snapshot is set aside and written again from the journal, if it is."""
    kept: int = 0
    """How many journal lines stay."""
    applied: bool = False
    journal_aside: Path | None = None
    """Where the lines went (after :func:`apply_repair`)."""
    snapshot_aside: Path | None = None
    """Where the snapshot went (after :func:`apply_repair`)."""

    @property
    def needed(self) -> bool:
        return bool(self.lines or self.lost or self.snapshot)


def plan_repair(ref: str | Path, records_dir: Path | str | None = None) -> Repair:
    """What :func:`apply_repair` would do to the run; changes nothing, takes no lock.
    Raises :class:`RecordError` if the run cannot be found or its plan read."""
    folder = resolve_run(ref, records_dir)
    _, recovery = _recover(folder)
    return _plan(folder, recovery)


def apply_repair(ref: str | Path, records_dir: Path | str | None = None) -> Repair:
    """Repair the run (see the module's docstring); returns what was done. The run must not
    be open elsewhere. Raises :class:`RecordError` (or ``OSError`` if a write fails: then
    nothing after it was done, and the repair can be run again)."""
    folder = resolve_run(ref, records_dir)
    lock = _Lock(folder)
    try:
        _, log_error = accepted_losses(folder)
        if log_error is not None:
            raise RecordError(
                f"{log_error}; move it out of the way to repair again",
                file=log_error.file,
                line=log_error.line,
            )
        inputs, recovery = _recover(folder)
        repair = _plan(folder, recovery)
        if not repair.needed:
            return repair
        return _apply(repair, inputs, recovery)
    finally:
        lock.release()


def repair_run(ref: str | Path, records_dir: Path | str | None = None) -> Path | None:
    """Repair the run (:func:`apply_repair`); return the file the journal lines set aside
    went to, or ``None`` if no line was set aside."""
    return apply_repair(ref, records_dir).journal_aside


def _recover(folder: Path) -> tuple[Inputs, Recovery]:
    _, plan, methods, inputs, _ = _read_run(folder, [])
    return inputs, recover(inputs, plan, methods, clock=time.time, limits=Limits())


def _plan(folder: Path, recovery: Recovery) -> Repair:
    lines = tuple(
        sorted((f for f in recovery.findings if f.set_aside is not None), key=lambda f: f.line or 0)
    )
    return Repair(
        folder, lines, tuple(recovery.lost), recovery.snapshot_problem, kept=len(recovery.kept)
    )


def _whole(data: bytes, line: _Line) -> bytes:
    raw = data[line.start : line.end]
    return raw if raw.endswith(b"\n") else raw + b"\n"


def _apply(repair: Repair, inputs: Inputs, recovery: Recovery) -> Repair:
    folder = repair.folder
    data = inputs.journal.read_bytes() if inputs.journal.exists() else b""
    journal_aside = snapshot_aside = None
    if repair.lines:
        journal_aside = _aside_name(folder, DAMAGED_JOURNAL)
        atomic_write(
            journal_aside, b"".join(_whole(data, f.set_aside) for f in repair.lines if f.set_aside)
        )
    if repair.snapshot is not None and inputs.snapshot_path.exists():
        snapshot_aside = _set_aside_snapshot(inputs.snapshot_path)
    entry: dict[str, object] = {
        "at": time.time(),
        "by": f"sessionkit {sessionkit.__version__}",
        "lost": list(repair.lost),
    }
    if journal_aside is not None:
        entry["journal_set_aside"] = journal_aside.name
    if repair.snapshot is not None:
        entry["snapshot_why"] = repair.snapshot.reason
        if snapshot_aside is not None:
            entry["snapshot_set_aside"] = snapshot_aside.name
    entry["lines"] = [{"line": f.line, "why": f.reason} for f in repair.lines]
    record_repair(folder, entry)
    atomic_write(inputs.journal, b"".join(_whole(data, line) for line in recovery.kept))
    write_snapshot(inputs.snapshot_path, recovery.engine.state, recovery.last_event)
    return Repair(
        folder,
        repair.lines,
        repair.lost,
        repair.snapshot,
        repair.kept,
        applied=True,
        journal_aside=journal_aside,
        snapshot_aside=snapshot_aside,
    )
