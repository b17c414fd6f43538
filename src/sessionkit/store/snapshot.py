"""Snapshots (the folded state as TOML, written atomically) and reading TOML files of a
run folder with errors that name the file and line.

Besides ``[state]``, a snapshot holds:

* ``state_crc``: the CRC-32 of the ``[state]`` table as canonical JSON (keys sorted, no
  spaces), so a snapshot changed after it was written is not trusted;
* ``[journal]``, when the run's journal was known: ``seq`` and ``crc``, the number and the
  line checksum (see :mod:`sessionkit.store.journal`) of the last journal event folded
  into it, so recovery can tell a snapshot that belongs to another history (or whose
  ``seq`` was changed) from one that matches the journal.

Snapshots written before these were added are read without them.
"""

from __future__ import annotations

import json
import tomllib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from sessionkit.core.state import SessionState
from sessionkit.core.tomldata import toml_data
from sessionkit.store.errors import RecordError, _where
from sessionkit.store.files import atomic_write
from sessionkit.store.layout import FORMAT_VERSION, SNAPSHOT_FORMAT


@dataclass(frozen=True)
class Snapshot:
    """A snapshot as read: the state, and the journal event it says it was folded up to."""

    state: SessionState
    journal_seq: int | None = None
    journal_crc: int | None = None


def _dump_toml(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data).encode("utf-8")


def _state_crc(state: dict[str, Any]) -> str:
    text = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return f"{zlib.crc32(text.encode('utf-8')) & 0xFFFFFFFF:08x}"


def _with_checksum(data: dict[str, Any]) -> dict[str, Any]:
    """What :func:`_snapshot_data` made, with the state's checksum added."""
    return {**data, "state_crc": _state_crc(data["state"])}


def _write_snapshot_data(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, _dump_toml(data))


def write_snapshot(path: Path, state: SessionState, journal: tuple[int, int] | None = None) -> None:
    """Write the state atomically as TOML (``None`` values are left out). ``journal`` is
    the (seq, line checksum) of the last journal event folded into ``state``, if known."""
    _write_snapshot_data(path, _with_checksum(_snapshot_data(state, journal)))


def _snapshot_data(state: SessionState, journal: tuple[int, int] | None = None) -> dict[str, Any]:
    """The snapshot as plain, freshly built dicts and lists: nothing in it is shared with
    ``state``, so it can be written out while the state moves on."""
    data: dict[str, Any] = {"format": SNAPSHOT_FORMAT, "version": FORMAT_VERSION}
    if journal is not None:
        data["journal"] = {"seq": journal[0], "crc": f"{journal[1]:08x}"}
    data["state"] = toml_data(state)
    return data


def read_snapshot(path: Path) -> SessionState:
    """Load a snapshot; :class:`RecordError` names the file and line if it is damaged."""
    return read_snapshot_file(path).state


def read_snapshot_file(path: Path) -> Snapshot:
    """Load a snapshot and what it says about the journal. :class:`RecordError` names the
    file and line if it is damaged, or says that it was changed after it was written."""
    text, data = _read_toml_file(path)
    if data.get("format") != SNAPSHOT_FORMAT or not isinstance(data.get("state"), dict):
        raise RecordError(f"{path}: not a sessionkit snapshot", file=path)
    try:
        state = SessionState.model_validate(data["state"])
    except ValidationError as error:
        raise _validation_error(path, text, error, prefix=("state",)) from None
    written = data.get("state_crc")
    if written is not None and written != _state_crc(data["state"]):
        line = _guess_line(text, ("state_crc",))
        raise RecordError(
            f"{_where(path, line)}: the state does not match its checksum "
            "(state_crc): it was changed after it was written",
            file=path,
            line=line,
        )
    journal = data.get("journal")
    if journal is None:
        return Snapshot(state)
    seq = journal.get("seq") if isinstance(journal, dict) else None
    crc = journal.get("crc") if isinstance(journal, dict) else None
    if (
        not isinstance(seq, int)
        or not isinstance(crc, str)
        or len(crc) != 8
        or crc.strip("0123456789abcdef")
    ):
        line = _guess_line(text, ("journal",))
        raise RecordError(
            f"{_where(path, line)}: [journal] is not valid (it needs seq, a "
            "number, and crc, 8 hexadecimal digits)",
            file=path,
            line=line,
        )
    return Snapshot(state, seq, int(crc, 16))


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        raise RecordError(
            f"{_where(path, line)}: not valid TOML ({error})", file=path, line=line
        ) from None


def _toml_error_line(message: str) -> int | None:
    marker = "at line "
    if marker in message:
        digits = ""
        for ch in message.split(marker, 1)[1]:
            if not ch.isdigit():
                break
            digits += ch
        return int(digits) if digits else None
    return None


def _validation_error(
    path: Path, text: str, error: ValidationError, prefix: tuple[str, ...] = ()
) -> RecordError:
    first = error.errors()[0]
    loc = prefix + tuple(str(p) for p in first["loc"])
    line = _guess_line(text, loc)
    field = ".".join(loc)
    return RecordError(f"{_where(path, line)}: {field}: {first['msg']}", file=path, line=line)


def _guess_line(text: str, loc: tuple[str, ...]) -> int | None:
    """The line of the deepest key of ``loc`` that appears in a table header or as a
    key after the header of its parent (good enough for a damaged file)."""
    lines = text.splitlines()
    best = None
    for depth in range(len(loc), 0, -1):
        key = loc[depth - 1]
        for number, line in enumerate(lines, 1):
            stripped = line.strip()
            if stripped.startswith("[") and (
                f".{key}]" in stripped
                or f'."{key}"]' in stripped
                or stripped in (f"[{key}]", f'["{key}"]')
            ):
                best = number
                break
            if stripped.startswith((f"{key} =", f'"{key}" =')):
                best = number
                break
        if best:
            return best
    return None


def _read_toml_file(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise RecordError(f"{path}: missing", file=path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{path}: cannot be read ({error})", file=path) from None
    return text, _parse_toml(path, text)


def _load_model(path: Path, model: type[Any]) -> Any:
    text, data = _read_toml_file(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _validation_error(path, text, error) from None
