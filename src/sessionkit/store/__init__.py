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
    snapshot.toml     the folded state at the last step change (and on close), with a
                      checksum of itself and the number and checksum of the journal
                      event it was folded up to (:mod:`sessionkit.store.snapshot`);
                      written atomically; only a shortcut, never the only copy of
                      anything. Inside a running event loop (the TUI) it is taken
                      SNAPSHOT_DELAY after the step change and written by a worker thread
    exports/          where ``sessionkit export`` writes by default
    join-token        the join token in the QR code, then the ones it replaced (still
                      good for the phones that joined with them), one a line
                      (:mod:`sessionkit.store.tokens`)
    .lock             held (flock) while a sessionkit process has the run open for writing
    journal.jsonl.torn             (only after a crash) the cut-short last line, set aside
    snapshot.damaged-<time>.toml   (only after recovery) a snapshot that could not be used
    journal.damaged-<time>.jsonl   (only after a repair) the lines it set aside, unchanged
    repairs.toml                   (only after a repair) what each repair set aside and
                                   which events it recorded as lost
                                   (:mod:`sessionkit.store.repair_log`)

A run is made in a hidden ``.creating-...`` folder and renamed into place, so a crash while
creating never leaves half a run. Folders are private to the user (mode 0700) and every
file in them too (0600): they hold what participants wrote.

Recovery rules (:func:`open_run`)
---------------------------------
The journal is the record; the snapshot only saves replaying it. Everything recovery works
around is in ``Run.warnings``: one sentence each, naming the file and line, what is wrong
and what was done about it.

* Events number 1, 2, 3... in line order. Every intact event is kept, whatever is damaged
  around it: a damaged line (not JSON, not an event, its checksum wrong, no checksum after
  lines with one) is skipped. If no event number is missing around it, nothing was lost
  and it is only a warning. If numbers are missing (the damaged line held an event, or a
  line was deleted), the events after the gap are still kept and the missing numbers are
  reported as lost.
* A line whose event repeats an earlier one exactly is left out (a warning); one whose
  number does not fit the order of the lines around it, or that repeats a number with
  other content, is left out and reported. The lines kept are the longest run of lines
  whose numbers go up.
* Events are folded one at a time. One that does not fit the state (it needs an event
  that was lost, or the record was edited by hand) is left out and reported at its line,
  and the events after it are still folded. Ids for new notes, participants and clusters
  are moved past any a lost event could have made, so nothing kept is overwritten.
* The snapshot is used only if it agrees with the journal: readable, of this run, its
  checksum right, its ``seq`` not after the journal's last event, and the journal event
  it names (number and checksum) the one the journal has. Otherwise it is reported and the
  whole journal is replayed, which loses nothing because the journal starts at event 1;
  opened for writing, the snapshot is moved to ``snapshot.damaged-<time>.toml`` and
  written again from the journal. Missing numbers the snapshot covers are not lost.
* A last line cut short (no line break) is what a crash in the middle of a write leaves:
  it was never acknowledged (acknowledgement follows the fsync). It is a warning, never
  fatal; opened for writing, its bytes are moved to ``journal.jsonl.torn`` and the
  journal is cut back to its last whole line, so the next event starts on a line of its
  own. A whole last line that is damaged may have held an acknowledged event: it is
  reported as a possible loss.
* If an acknowledged event is lost (and no repair has recorded it yet), opening raises
  :class:`DamagedRecord`, which names the file and line of the first loss and carries
  ``.run``: every intact event, read-only, so it can still be exported. Otherwise the run
  opens normally, with its warnings.
* :func:`plan_repair` says what a repair would set aside (file, line, why) and
  :func:`apply_repair` (``sessionkit repair RUN --apply``) does it: the lines go,
  unchanged, to ``journal.damaged-<time>.jsonl``, the lost events are recorded in
  ``repairs.toml`` (after which the gaps they leave are warnings, not damage), the journal
  keeps every other line byte for byte, and the snapshot is written again from it.
* A journal line that was deleted at the very end leaves no trace: it cannot be told from
  a write that never happened.

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
* :mod:`~sessionkit.store.journal`: writing and reading ``journal.jsonl``, line checksums
* :mod:`~sessionkit.store.snapshot`: ``snapshot.toml``, and TOML with located errors
* :mod:`~sessionkit.store.run`: :class:`Run`, an open run, and when it snapshots
* :mod:`~sessionkit.store.recovery`: the journal and snapshot reconciled (the rules above)
* :mod:`~sessionkit.store.opening`: creating and opening a run
* :mod:`~sessionkit.store.repair_log`: ``repairs.toml``
* :mod:`~sessionkit.store.repair`: :func:`plan_repair`, :func:`apply_repair`
* :mod:`~sessionkit.store.records`: where runs are kept, finding one by name, purging,
  and :func:`discard_unused` (a run nothing happened in is not kept)
* :mod:`~sessionkit.store.listing`: the records index, :func:`list_runs`
* :mod:`~sessionkit.store.tokens`: ``join-token``, the run's join tokens
"""

from __future__ import annotations

from sessionkit.store.errors import RecordError
from sessionkit.store.files import _Lock as _Lock
from sessionkit.store.files import atomic_write, fsync_dir
from sessionkit.store.journal import Journal, ReadOnlyJournal, encode_event
from sessionkit.store.layout import (
    EXPORTS_DIR,
    FORMAT_VERSION,
    JOIN_TOKEN_FILE,
    JOURNAL_FILE,
    LOCK_FILE,
    METHODS_DIR,
    PLAN_FILE,
    REPAIRS_FILE,
    ROOM_TOKEN_FILE,
    RUN_FILE,
    RUN_FORMAT,
    SNAPSHOT_FILE,
    SNAPSHOT_FORMAT,
    TORN_FILE,
)
from sessionkit.store.listing import RunSummary, list_runs
from sessionkit.store.opening import DamagedRecord, create_run, open_run, run_folder_name
from sessionkit.store.records import (
    default_records_dir,
    discard_unused,
    is_run_folder,
    purge_run,
    resolve_run,
)
from sessionkit.store.recovery import Finding
from sessionkit.store.repair import Repair, apply_repair, plan_repair, repair_run
from sessionkit.store.run import SNAPSHOT_DELAY, SNAPSHOT_EVENTS, Run
from sessionkit.store.snapshot import _write_snapshot_data as _write_snapshot_data
from sessionkit.store.snapshot import read_snapshot, write_snapshot
from sessionkit.store.tokens import (
    JoinTokens,
    join_tokens,
    new_join_token,
    read_join_tokens,
    replace_join_token,
    room_token,
    write_join_tokens,
)

__all__ = [
    "EXPORTS_DIR",
    "FORMAT_VERSION",
    "JOIN_TOKEN_FILE",
    "JOURNAL_FILE",
    "LOCK_FILE",
    "METHODS_DIR",
    "PLAN_FILE",
    "REPAIRS_FILE",
    "ROOM_TOKEN_FILE",
    "RUN_FILE",
    "RUN_FORMAT",
    "SNAPSHOT_DELAY",
    "SNAPSHOT_EVENTS",
    "SNAPSHOT_FILE",
    "SNAPSHOT_FORMAT",
    "TORN_FILE",
    "DamagedRecord",
    "Finding",
    "JoinTokens",
    "Journal",
    "ReadOnlyJournal",
    "RecordError",
    "Repair",
    "Run",
    "RunSummary",
    "apply_repair",
    "atomic_write",
    "create_run",
    "default_records_dir",
    "discard_unused",
    "encode_event",
    "fsync_dir",
    "is_run_folder",
    "join_tokens",
    "list_runs",
    "new_join_token",
    "open_run",
    "plan_repair",
    "purge_run",
    "read_join_tokens",
    "read_snapshot",
    "repair_run",
    "replace_join_token",
    "resolve_run",
    "room_token",
    "run_folder_name",
    "write_join_tokens",
    "write_snapshot",
]
