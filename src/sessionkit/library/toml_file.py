"""Reading one TOML file: its text, its data and where each key is, or a Problem."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sessionkit.library.problems import Problem
from sessionkit.library.toml_lines import TomlLines


@dataclass
class _Source:
    """A file that is TOML: where it is, its text, its data and where each key is."""

    path: Path
    text: str
    data: dict[str, Any]
    lines: TomlLines


def read_toml(path: Path) -> tuple[_Source | None, list[Problem]]:
    """Read one TOML file; any failure is a one-line Problem, never an exception."""
    try:
        raw = Path(path).read_bytes()
    except IsADirectoryError:
        return None, [Problem(path, None, "", "is a folder, expected a .toml file", code="file")]
    except FileNotFoundError:
        return None, [Problem(path, None, "", "no such file", code="file")]
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [Problem(path, None, "", f"cannot read the file: {reason}", code="file")]
    if b"\x00" in raw:
        return None, [
            Problem(
                path,
                None,
                "",
                "is a binary file (it contains NUL bytes), expected TOML text",
                code="file",
            )
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [_undecodable(path, raw, error)]
    if not text.strip():
        return None, [Problem(path, None, "", "is empty, expected TOML", code="file")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # before ValueError, which it is
        return None, [_not_toml(path, text, error)]
    except (RecursionError, ValueError, TypeError) as error:
        return None, [Problem(path, None, "", f"is not valid TOML: {error}", code="file")]
    if not data:
        return None, [
            Problem(path, None, "", "has no settings (only comments), expected TOML", code="file")
        ]
    return _Source(Path(path), text, data, TomlLines(text)), []


def _undecodable(path: Path, raw: bytes, error: UnicodeDecodeError) -> Problem:
    """Not UTF-8: point at the first byte that is not, by line and column."""
    line = raw[: error.start].count(b"\n") + 1
    column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
    byte = raw[error.start : error.start + 1].hex()
    return Problem(
        path,
        line,
        "",
        f"is not UTF-8 text (byte 0x{byte} cannot be decoded); save the file as UTF-8",
        column=column,
        code="file",
    )


def _not_toml(path: Path, text: str, error: tomllib.TOMLDecodeError) -> Problem:
    """tomllib's message, with its position moved into the Problem's line and column."""
    message = str(error)
    line: int | None = None
    column: int | None = None
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        message = message[: match.start()]
    elif message.endswith("(at end of document)"):
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        message = message.removesuffix("(at end of document)").strip() + " at the end of the file"
    return Problem(path, line, "", f"is not valid TOML: {message}", column=column, code="file")
