"""Series in the records folder: which runs belong to which, and their actions.

A run's series is in its ``run.toml`` (``series = "knot-2026"``) and, once it has
started, in its journal (its first event, or a ``series_joined`` one that
:func:`join_series` appends), which wins if the two disagree (a run belongs to
one series). Nothing else is kept: a series is the runs that name it, so there is no
index to fall out of step with the folders. Each run is opened read-only; one that cannot
be read is reported and left out, never stops the rest (:func:`open_series`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sessionkit.core.engine import Limits
from sessionkit.core.errors import Rejected
from sessionkit.core.inputs.review import JoinSeries
from sessionkit.core.record import Record
from sessionkit.core.redaction import RedactText, remove_copy
from sessionkit.core.series import SeriesAction, SeriesRun, follow_actions
from sessionkit.core.series_name import check_series_name
from sessionkit.store.errors import RecordError
from sessionkit.store.files import atomic_write
from sessionkit.store.layout import RUN_FILE
from sessionkit.store.opening import DamagedRecord, _open, _read_meta, meta_series, open_run
from sessionkit.store.records import _run_folders, default_records_dir
from sessionkit.store.run import Run
from sessionkit.store.snapshot import _dump_toml


@dataclass
class Series:
    """One series: its runs (oldest first), its actions across them, and what reading
    them found (one sentence each)."""

    name: str
    runs: list[SeriesRun] = field(default_factory=list)
    actions: list[SeriesAction] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def open_actions(self) -> list[SeriesAction]:
        return [a for a in self.actions if a.is_open]


def _records(records_dir: Path | str | None) -> Path:
    return Path(records_dir) if records_dir is not None else default_records_dir()


def _read(folder: Path, warnings: list[str]) -> tuple[str | None, SeriesRun | None]:
    """The run's series and its record (``None`` if it cannot be read: a warning)."""
    found: list[str] = []
    try:
        meta = _read_meta(folder)
    except RecordError as error:
        warnings.append(f"{folder.name} is left out: {error}")
        return None, None
    named = meta_series(folder, meta, found)
    if named is None and not found:
        return None, None  # in no series: not opened at all
    try:
        run = _open(folder, True, time.time, Limits(), None)
    except DamagedRecord as damaged:
        run = damaged.run
        found.append(f"{folder.name} is damaged ({damaged}); its intact events are used")
    except RecordError as error:
        warnings.append(f"{folder.name} is left out: {error}")
        return named, None
    warnings += found + run.warnings
    return run.engine.series, SeriesRun(folder.name, Record.from_run(run))


def all_series(records_dir: Path | str | None = None) -> dict[str, Series]:
    """Every series in the records folder, by name (sorted), each with its runs."""
    warnings: list[str] = []
    found: dict[str, Series] = {}
    seen: dict[str, str] = {}
    for folder in _run_folders(_records(records_dir)):
        name, run = _read(folder, warnings)
        if name is None or run is None:
            continue
        if run.run_id in seen:  # a copied folder: both would claim the same actions
            warnings.append(
                f"{folder.name} is a copy of run {seen[run.run_id]} (the same run id "
                f"{run.run_id}): it is left out of series {name!r}"
            )
            continue
        seen[run.run_id] = folder.name
        found.setdefault(name, Series(name)).runs.append(run)
    for series in found.values():
        series.runs.sort(key=lambda r: (r.record.started_at or r.record.state.created_at, r.name))
        series.actions, series.warnings = follow_actions(series.runs)
        series.warnings[:0] = warnings
    return dict(sorted(found.items()))


def open_series(name: str, records_dir: Path | str | None = None) -> Series:
    """The series called ``name``; :class:`RecordError` if the name cannot be one or no
    run belongs to it (the message lists the series there are)."""
    try:
        name = check_series_name(name)
    except ValueError as error:
        raise RecordError(str(error)) from None
    found = all_series(records_dir)
    if name not in found:
        known = ", ".join(found) or "none yet (start one with sessionkit run PLAN --series NAME)"
        raise RecordError(f"no run belongs to series {name!r}; the series are: {known}")
    return found[name]


def carried_for(
    records_dir: Path | str | None, name: str, run_id: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """The open actions of series ``name``'s runs other than ``run_id``, as a new run's
    start event carries them in, and what reading the runs found."""
    series = all_series(records_dir).get(name)
    if series is None:
        return [], []
    earlier = [run for run in series.runs if run.run_id != run_id]
    actions, warnings = follow_actions(earlier)
    return [a.carried() for a in actions if a.is_open], list(
        dict.fromkeys(series.warnings + warnings)
    )


def carry_in(run: Run) -> Run:
    """Before a run of a series starts: hand its engine the open actions of the series'
    other runs (they go into its first event), and keep what reading them found in
    ``run.series_warnings``. A run that has started is mended instead: an action whose
    text another run removed since is removed here too (:func:`removed_elsewhere`), by
    a journalled event. A run in no series is left as it is."""
    engine = run.engine
    if not engine.series or run.read_only:
        return run
    if not engine.state.started:
        engine.carried_in, run.series_warnings = carried_for(
            run.folder.parent, engine.series, engine.state.run_id
        )
        return run
    removed = removed_elsewhere(run)
    for item, reason in removed.items():
        engine.execute(RedactText(item=item, reason=reason))
    if removed:
        actions = f"{len(removed)} action{'' if len(removed) == 1 else 's'}"
        run.series_warnings.append(
            f"{actions} of this run had text that another run of series "
            f"{engine.series!r} has since removed: removed here too"
        )
    return run


def removed_elsewhere(run: Run) -> dict[str, str]:
    """This run's actions, and the actions it carried in, whose text another run of its
    series has removed since it kept its copy: item id -> the reason code."""
    engine = run.engine
    series = all_series(run.folder.parent).get(engine.series or "")
    if series is None:
        return {}
    state = engine.state
    others, _ = follow_actions([r for r in series.runs if r.run_id != state.run_id])
    removed = {a.ref: a.redacted for a in others if a.redacted is not None}
    found = {
        action.id: removed[f"{state.run_id}/{action.id}"]
        for action in state.actions.values()
        if action.redacted is None and f"{state.run_id}/{action.id}" in removed
    }
    found |= {
        reviewed.id: removed[reviewed.ref]
        for reviewed in state.reviews.values()
        if reviewed.redacted is None and reviewed.ref in removed
    }
    return found


def record_of(run: Run) -> Record:
    """The run's record for an export, with what another run of its series has since
    removed left out too (a run opened to read is not written to: the copy is mended in
    the record only, and in the run itself when it is next resumed)."""
    record = Record.from_run(run)
    if run.engine.series:
        for item, reason in removed_elsewhere(run).items():
            remove_copy(record.state, item, reason)
    return record


def join_series(ref: str | Path, name: str, records_dir: Path | str | None = None) -> Run:
    """Put a run that is in no series into ``name``: ``run.toml`` says so, and a run that
    has started journals it (``series_joined``), since its journal is what decides.
    :class:`RecordError` with the reason when it cannot (another series already, a bad
    name, the run open in another sessionkit)."""
    try:
        name = check_series_name(name)
    except ValueError as error:
        raise RecordError(str(error)) from None
    run = open_run(ref, records_dir)
    try:
        engine = run.engine
        if engine.series not in (None, name):
            raise RecordError(
                f"{run.name} is in series {engine.series!r}: a run belongs to one series"
            )
        if engine.state.started and engine.state.series != name:
            try:
                engine.execute(JoinSeries(series=name))
            except Rejected as error:
                raise RecordError(f"{run.name}: {error}") from None
        meta = _read_meta(run.folder)
        if meta.get("series") != name:
            meta["series"] = name
            atomic_write(run.folder / RUN_FILE, _dump_toml(meta))
        engine.series = name
    finally:
        run.close()
    return run
