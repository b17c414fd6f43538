"""Where runs are kept and how a run is named on the command line; deleting one, and
letting go of one that was never used."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from sessionkit.store.errors import RecordError
from sessionkit.store.files import _Lock, fsync_dir
from sessionkit.store.layout import (
    EXPORTS_DIR,
    JOURNAL_FILE,
    LOCK_FILE,
    METHODS_DIR,
    PLAN_FILE,
    RUN_FILE,
    SNAPSHOT_FILE,
)

UNUSED_RUN = frozenset(
    {RUN_FILE, PLAN_FILE, METHODS_DIR, JOURNAL_FILE, SNAPSHOT_FILE, EXPORTS_DIR, LOCK_FILE}
)
"""What a run folder holds before anything happens in it (as ``create_run`` makes it)."""


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


def is_run_folder(path: Path) -> bool:
    return path.is_dir() and (path / RUN_FILE).is_file()


def _run_folders(records: Path) -> list[Path]:
    try:
        entries = list(records.iterdir())
    except FileNotFoundError:
        return []
    except OSError as error:
        raise RecordError(
            f"{records}: cannot be read ({error.strerror or error})", file=records
        ) from None
    return sorted(p for p in entries if not p.name.startswith(".") and is_run_folder(p))


def resolve_run(ref: str | Path, records_dir: Path | str | None = None) -> Path:
    """A run folder from a path, a folder name, a unique prefix of one, or a prefix of
    the run id. :class:`RecordError` for none or several."""
    records = Path(records_dir) if records_dir is not None else default_records_dir()
    text = str(ref)
    path = Path(text).expanduser()
    if is_run_folder(path):
        return path.resolve()
    looks_like_path = (
        isinstance(ref, Path)
        or os.sep in text
        or text.startswith(".")
        or (os.altsep is not None and os.altsep in text)
    )
    if looks_like_path:
        if path.exists():
            raise RecordError(
                f"{path} is not a sessionkit run folder (it has no {RUN_FILE})", file=path
            )
        raise RecordError(f"{path} does not exist", file=path)
    folders = _run_folders(records)
    exact = [f for f in folders if f.name == text]
    if exact:
        return exact[0]
    matches = [
        f
        for f in folders
        if f.name.startswith(text)
        or (len(text) >= 3 and f.name.rsplit("-", 1)[-1].startswith(text))
    ]
    if not matches:
        raise RecordError(f"no run '{text}' in {records} (`sessionkit records` lists them)")
    if len(matches) > 1:
        shown = ", ".join(f.name for f in matches[:5]) + (", ..." if len(matches) > 5 else "")
        raise RecordError(f"'{text}' matches {len(matches)} runs ({shown}); give more of the name")
    return matches[0]


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
        raise RecordError(
            f"{folder}: could not be deleted ({error.strerror or error})", file=folder
        ) from None
    finally:
        lock.release()
    fsync_dir(folder.parent)
    return folder


def discard_unused(folder: Path, also: frozenset[str] = frozenset()) -> bool:
    """Delete ``folder`` if nothing ever happened in its run; return whether it did.

    Opening a plan and quitting before anyone joined or anything was typed leaves nothing
    worth keeping, and a folder each time would bury the real runs. Unused means: its
    journal is empty (not one event: no join, no note, not started), ``exports/`` is
    empty and the folder holds nothing but what creating it made (and ``also``, files
    the caller adds such as the join token). Anything else (a torn line, a snapshot set
    aside, a repair) is kept, as is a run open in another sessionkit.
    """
    try:
        if folder.is_symlink() or not is_run_folder(folder):
            return False
        if {p.name for p in folder.iterdir()} - UNUSED_RUN - also:
            return False
        if (folder / JOURNAL_FILE).stat().st_size != 0:
            return False
        exports = folder / EXPORTS_DIR
        if exports.exists() and any(exports.iterdir()):
            return False
        lock = _Lock(folder)
    except (OSError, RecordError):
        return False
    try:
        if (folder / JOURNAL_FILE).stat().st_size != 0:  # written to before the lock was ours
            return False
        shutil.rmtree(folder)
    except OSError:
        return False
    finally:
        lock.release()
    with contextlib.suppress(OSError):
        fsync_dir(folder.parent)
    return True
