"""The records index: every run in the records folder, summarised for a listing."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sessionkit.core.engine import Limits
from sessionkit.store.errors import RecordError
from sessionkit.store.opening import DamagedRecord, _open, _read_meta
from sessionkit.store.records import _run_folders, default_records_dir


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
        return RunSummary(
            folder,
            str(meta.get("run_id", "")),
            str(meta.get("plan_id", "")),
            "",
            meta.get("created_at"),
            "unreadable",
            problem=str(error),
        )
    state = run.engine.state
    record_status = (
        "ended" if state.ended_at is not None else "in progress" if state.started else "not started"
    )
    return RunSummary(
        folder,
        state.run_id,
        state.plan_id,
        run.plan.title,
        state.created_at,
        status or record_status,
        notes=len(state.notes),
        participants=len(state.participants),
        events=state.seq,
        problem=problem,
    )


def list_runs(records_dir: Path | str | None = None) -> list[RunSummary]:
    """Every run in the records folder, newest first. A run that cannot be read is listed
    as ``unreadable`` (or ``damaged``) with the reason, never stops the listing."""
    records = Path(records_dir) if records_dir is not None else default_records_dir()
    summaries = [_summary(folder) for folder in _run_folders(records)]
    return sorted(summaries, key=lambda s: (s.created_at or 0, s.name), reverse=True)
