"""``repairs.toml``: what each repair set aside, and the events it recorded as lost.

Once a repair has recorded an event as lost, opening the run reports the gap it leaves in
the journal as a warning instead of damage, so the run can go on::

    format = "sessionkit.repairs"
    version = 1

    [[repair]]
    at = 1714550000.5                  # when (Unix seconds)
    by = "sessionkit 0.1.0"
    lost = [5]                         # events no longer in the journal, nor in a snapshot
    journal_set_aside = "journal.damaged-20240501-101320.jsonl"
    snapshot_set_aside = "snapshot.damaged-20240501-101320.toml"

    [[repair.lines]]                   # one per line set aside
    line = 5                           # its number in the journal before the repair
    why = "the line is damaged (...)"
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sessionkit.store.errors import RecordError
from sessionkit.store.files import atomic_write
from sessionkit.store.layout import FORMAT_VERSION, REPAIRS_FILE, REPAIRS_FORMAT
from sessionkit.store.snapshot import _dump_toml, _read_toml_file


def _entries(folder: Path) -> list[dict[str, Any]]:
    """The repairs recorded so far ([] if none); :class:`RecordError` if unreadable."""
    path = folder / REPAIRS_FILE
    if not path.exists():
        return []
    _, data = _read_toml_file(path)
    entries = data.get("repair", [])
    if (
        data.get("format") != REPAIRS_FORMAT
        or not isinstance(entries, list)
        or not all(isinstance(e, dict) for e in entries)
    ):
        raise RecordError(f"{path}: not a sessionkit repair log", file=path)
    return entries


def accepted_losses(folder: Path) -> tuple[dict[int, str], RecordError | None]:
    """Events recorded as lost -> which repair recorded it; and why the log could not be
    read, if it could not (then no loss counts as recorded)."""
    try:
        entries = _entries(folder)
    except RecordError as error:
        return {}, error
    accepted: dict[int, str] = {}
    for entry in entries:
        at = entry.get("at")
        when = (
            f" of {dt.datetime.fromtimestamp(at):%Y-%m-%d %H:%M}"
            if isinstance(at, (int, float))
            else ""
        )
        for seq in entry.get("lost", []):
            if isinstance(seq, int):
                accepted.setdefault(seq, f"the repair{when} ({REPAIRS_FILE})")
    return accepted, None


def record_repair(folder: Path, entry: dict[str, Any]) -> None:
    """Add one repair to the log (written atomically). Refuses to replace a log it cannot
    read: it is the only account of the repairs before."""
    try:
        entries = _entries(folder)
    except RecordError as error:
        raise RecordError(
            f"{error}; move it out of the way to repair again", file=error.file, line=error.line
        ) from None
    data = {"format": REPAIRS_FORMAT, "version": FORMAT_VERSION, "repair": [*entries, entry]}
    atomic_write(folder / REPAIRS_FILE, _dump_toml(data))
