"""Snapshots (the folded state as TOML, written atomically) and reading TOML files of a
run folder with errors that name the file and line."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from sessionkit.core.record import toml_data
from sessionkit.core.state import SessionState
from sessionkit.store.errors import RecordError, _where
from sessionkit.store.files import atomic_write
from sessionkit.store.layout import FORMAT_VERSION, SNAPSHOT_FORMAT


def _dump_toml(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data).encode("utf-8")


def _write_snapshot_data(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, _dump_toml(data))


def write_snapshot(path: Path, state: SessionState) -> None:
    """Write the state atomically as TOML (``None`` values are left out)."""
    atomic_write(path, _dump_toml(_snapshot_data(state)))


def _snapshot_data(state: SessionState) -> dict[str, Any]:
    """The snapshot as plain, freshly built dicts and lists: nothing in it is shared with
    ``state``, so it can be written out while the state moves on."""
    return {"format": SNAPSHOT_FORMAT, "version": FORMAT_VERSION, "state": toml_data(state)}


def read_snapshot(path: Path) -> SessionState:
    """Load a snapshot; :class:`RecordError` names the file and line if it is damaged."""
    text, data = _read_toml_file(path)
    if data.get("format") != SNAPSHOT_FORMAT or not isinstance(data.get("state"), dict):
        raise RecordError(f"{path}: not a sessionkit snapshot", file=path)
    try:
        return SessionState.model_validate(data["state"])
    except ValidationError as error:
        raise _validation_error(path, text, error, prefix=("state",)) from None


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        raise RecordError(f"{_where(path, line)}: not valid TOML ({error})", file=path,
                          line=line) from None


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


def _validation_error(path: Path, text: str, error: ValidationError,
                      prefix: tuple[str, ...] = ()) -> RecordError:
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
            if stripped.startswith("[") and (f".{key}]" in stripped or f'."{key}"]' in stripped
                                             or stripped in (f"[{key}]", f'["{key}"]')):
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

