"""A :class:`Problem` with one file, and the wording shared by every problem message.

A :class:`Problem` names the file, the line, the field path and what was expected.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sessionkit.library.toml_lines import _BARE_KEY


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, located as precisely as we can.

    ``str(problem)`` is one line, e.g.
    ``methods/x.toml:12: steps[0].minuts: unknown key 'minuts' (did you mean 'timebox'?)``.
    """

    file: Path
    line: int | None
    field: str
    """The key path inside the file, like ``steps[1].input.target_step`` ("" = the file)."""
    message: str
    """What was wrong and what was expected."""
    column: int | None = None
    code: str = "invalid"
    """A short machine-readable kind: ``unknown-key``, ``type``, ``missing``, ``choice``,
    ``file``, ``id``, ``duplicate``, ``unknown-method``, ``variable``, ``minutes``,
    ``timing``, ``reference``, ``overrun``, ``override`` (a note), ``safeguarding`` (a
    warning: a method with no safeguarding note), ``config`` ..."""

    @property
    def where(self) -> str:
        """``file:line`` (or ``file:line:column``, or just ``file``)."""
        text = display_path(self.file)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text

    def __str__(self) -> str:
        parts = [self.where]
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class LibraryError(Exception):
    """A method or plan could not be found or loaded; ``problems`` says why in detail."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


def display_path(path: Path) -> str:
    """The path relative to the current directory when it is inside it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def field_path(loc: Iterable[str | int]) -> str:
    """``("steps", 1, "input", "target_step")`` -> ``steps[1].input.target_step``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
            text += f".{key}" if text else key
    return text


_SYNONYMS = {
    "minutes": "timebox",
    "mins": "timebox",
    "time": "timebox",
    "duration": "timebox",
    "type": "kind",
    "input_kind": "kind",
    "color": "colour",
    "license": "licence",
    "description": "summary",
    "title": "name",
    "name": "title",
    "length": "duration",
    "pause": "break",
}


def suggest(word: str, options: Iterable[str], likely: Iterable[str] = ()) -> str | None:
    """The option ``word`` was probably meant to be, or None.

    ``likely``: options that are especially plausible (required keys missing from the
    same table: ``minuts`` next to a missing ``timebox`` is a misspelt ``timebox``).
    """
    options = list(options)
    likely = [o for o in likely if o != word]
    if len(likely) == 1:
        return likely[0]
    for pool, cutoff in ((likely, 0.4), (options, 0.8)):
        close = difflib.get_close_matches(word.lower(), pool, n=1, cutoff=cutoff)
        if close:
            return close[0]
    synonym = difflib.get_close_matches(word.lower(), list(_SYNONYMS), n=1, cutoff=0.8)
    if synonym and _SYNONYMS[synonym[0]] in options and _SYNONYMS[synonym[0]] != word:
        return _SYNONYMS[synonym[0]]
    close = difflib.get_close_matches(word.lower(), options, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(word: str, options: Iterable[str], likely: Iterable[str] = ()) -> str:
    best = suggest(word, options, likely)
    return f" (did you mean '{best}'?)" if best else ""


def _quoted_list(items: Iterable[str]) -> str:
    items = [f"'{item}'" for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _shown(value: Any) -> str:
    """A value as an author would recognise it from their TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if hasattr(value, "isoformat"):  # TOML dates and times, as TOML writes them
        return str(value.isoformat())
    return str(value)
