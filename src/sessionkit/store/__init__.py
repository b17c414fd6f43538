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
    journal.jsonl     every event, one JSON object per line ending in a CRC-32 of the
                      line (the format: :mod:`sessionkit.store.journal`), appended and
                      fsynced before the engine acts on it: the record itself
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
* A line whose checksum does not match (or that lost it) is a damaged line. Lines
  written before journals had checksums are read without one.

Storage failures
----------------
:class:`Journal` raises ``OSError`` when an append cannot be made durable (disk full,
I/O error, file not writable, file deleted); it first cuts the file back so nothing
unacknowledged stays. The engine turns that into ``Rejected(code="storage")``, leaves
its state as it was and sets ``engine.storage_error``; the next append that succeeds
clears it. A snapshot that cannot be written only sets ``Run.snapshot_error``.

Modules
-------
One concept each; this package re-exports what the rest of sessionkit uses.

* :mod:`~sessionkit.store.layout`: the names of the files above, and format markers
* :mod:`~sessionkit.store.errors`: :class:`RecordError`
* :mod:`~sessionkit.store.files`: fsync, atomic replace, the one-writer lock
* :mod:`~sessionkit.store.journal`: writing and reading ``journal.jsonl``
* :mod:`~sessionkit.store.snapshot`: ``snapshot.toml``, and TOML with located errors
* :mod:`~sessionkit.store.run`: :class:`Run`, an open run, and when it snapshots
* :mod:`~sessionkit.store.opening`: creating, opening (recovery) and repairing a run
* :mod:`~sessionkit.store.records`: where runs are kept, finding one by name, purging
* :mod:`~sessionkit.store.listing`: the records index, :func:`list_runs`
"""

from __future__ import annotations

from sessionkit.store.errors import RecordError
from sessionkit.store.files import _Lock as _Lock
from sessionkit.store.files import atomic_write, fsync_dir
from sessionkit.store.journal import Journal, ReadOnlyJournal, encode_event
from sessionkit.store.layout import (
    EXPORTS_DIR,
    FORMAT_VERSION,
    JOURNAL_FILE,
    LOCK_FILE,
    METHODS_DIR,
    PLAN_FILE,
    RUN_FILE,
    RUN_FORMAT,
    SNAPSHOT_FILE,
    SNAPSHOT_FORMAT,
    TORN_FILE,
)
from sessionkit.store.listing import RunSummary, list_runs
from sessionkit.store.opening import (
    DamagedRecord,
    create_run,
    open_run,
    repair_run,
    run_folder_name,
)
from sessionkit.store.records import default_records_dir, is_run_folder, purge_run, resolve_run
from sessionkit.store.run import SNAPSHOT_DELAY, SNAPSHOT_EVENTS, Run
from sessionkit.store.snapshot import _write_snapshot_data as _write_snapshot_data
from sessionkit.store.snapshot import read_snapshot, write_snapshot

__all__ = [
    "EXPORTS_DIR",
    "FORMAT_VERSION",
    "JOURNAL_FILE",
    "LOCK_FILE",
    "METHODS_DIR",
    "PLAN_FILE",
    "RUN_FILE",
    "RUN_FORMAT",
    "SNAPSHOT_DELAY",
    "SNAPSHOT_EVENTS",
    "SNAPSHOT_FILE",
    "SNAPSHOT_FORMAT",
    "TORN_FILE",
    "DamagedRecord",
    "Journal",
    "ReadOnlyJournal",
    "RecordError",
    "Run",
    "RunSummary",
    "atomic_write",
    "create_run",
    "default_records_dir",
    "encode_event",
    "fsync_dir",
    "is_run_folder",
    "list_runs",
    "open_run",
    "purge_run",
    "read_snapshot",
    "repair_run",
    "resolve_run",
    "run_folder_name",
    "write_snapshot",
]
