"""Where runs are kept and how a run is named on the command line; deleting one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sessionkit.store.errors import RecordError
from sessionkit.store.files import _Lock, fsync_dir
from sessionkit.store.layout import RUN_FILE


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
