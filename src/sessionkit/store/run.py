"""An open run: plan, methods and an engine wired to the journal, and when to snapshot."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import errno
from pathlib import Path
from typing import Any

from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.record import Record
from sessionkit.core.state import Event, SessionState
from sessionkit.store.files import _Lock
from sessionkit.store.journal import Journal, ReadOnlyJournal
from sessionkit.store.layout import EXPORTS_DIR, JOURNAL_FILE, SNAPSHOT_FILE
from sessionkit.store.snapshot import (
    _snapshot_data,
    _with_checksum,
    _write_snapshot_data,
    write_snapshot,
)

SNAPSHOT_EVENTS = frozenset({"step_started", "session_ended", "text_redacted"})
"""Events after which the snapshot is rewritten (after a redaction, so the snapshot
stops holding the removed text: only the journal keeps it, until the run is purged)."""
SNAPSHOT_DELAY = 0.5
"""Inside a running event loop, how long a snapshot waits after its step change (so the
change reaches phones and the screen first; changes in quick succession share one)."""


class Run:
    """One run, open: its folder, plan, methods and an :class:`Engine` wired to its
    journal. A snapshot is written on every ``step_started`` and ``session_ended`` event
    and by :meth:`close` (inside a running event loop: a moment after the event, off the
    loop; see :meth:`_on_event`).

    ``warnings`` lists what recovery had to work around (file and line each).
    ``snapshot_error`` is set while snapshots cannot be written (the journal still has
    everything; the next snapshot clears it).
    """

    def __init__(
        self,
        folder: Path,
        plan: Plan,
        methods: dict[str, Method],
        engine: Engine,
        journal: Journal | ReadOnlyJournal,
        *,
        warnings: list[str] | None = None,
        lock: _Lock | None = None,
    ) -> None:
        self.folder = folder
        self.plan = plan
        self.methods = methods
        self.engine = engine
        self.journal = journal
        self.warnings: list[str] = list(warnings or [])
        self.snapshot_error: str | None = None
        self.series_warnings: list[str] = []
        """What loading the series' earlier runs found (kept apart from ``warnings``,
        which are about this run's own record)."""
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
        write_snapshot(self.snapshot_path, self.engine.state, self._journal_event())
        self.snapshot_error = None

    def _journal_event(self) -> tuple[int, int] | None:
        """(seq, checksum) of the journal's last event, if the state is folded up to it."""
        last = self.journal.last if isinstance(self.journal, Journal) else None
        return last if last is not None and last[0] == self.engine.state.seq else None

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
        # Between commands: the state holds durable events only, the journal's last.
        data = _snapshot_data(self.engine.state, self._journal_event())
        if self._snapshot_writer is None:
            self._snapshot_writer = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="sessionkit-snapshot"
            )  # in order
        loop = asyncio.get_running_loop()
        future = self._snapshot_writer.submit(_write_in_background, self.snapshot_path, data)

        def done(finished: concurrent.futures.Future[None]) -> None:
            error = None if finished.cancelled() else finished.exception()

            def report() -> None:  # on the loop, like every other change to this Run
                if error is None:
                    self.snapshot_error = None
                else:
                    self._snapshot_failed(
                        error if isinstance(error, OSError) else OSError(errno.EIO, str(error))
                    )

            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody to tell
                loop.call_soon_threadsafe(report)

        future.add_done_callback(done)

    def _snapshot_failed(self, error: OSError) -> None:
        self.snapshot_error = (
            f"The snapshot could not be saved ({error.strerror or error}); the journal is intact."
        )

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


def _write_in_background(path: Path, data: dict[str, Any]) -> None:
    """The snapshot writer thread's work: the checksum, then the file."""
    _write_snapshot_data(path, _with_checksum(data))
