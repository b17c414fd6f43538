"""Load methods and session plans from TOML files, with errors that point at a line.

The library is every ``methods/<id>.toml`` and ``sessions/<id>.toml`` the user can reach,
read from these sources in order of precedence (a later source overrides an earlier one
with the same id, and the override is noted):

1. bundled: ``sessionkit/bundled/{methods,sessions}`` inside the installed package, or
   the repository checkout's ``methods/`` and ``sessions/`` when running from source;
2. the user's config file (``$SESSIONKIT_CONFIG``, else
   ``$XDG_CONFIG_HOME/sessionkit/config.toml``, else ``~/.config/sessionkit/config.toml``)
   with ``method_dirs = [...]`` and ``session_dirs = [...]``;
3. the current directory's ``methods/`` and ``sessions/`` (when they are not the bundled
   ones);
4. folders given on the command line (``--methods DIR``, ``--sessions DIR``) and files or
   folders given to ``sessionkit check``.

Two files with the same id in the *same* source are a problem; one source overriding
another is not. Every file is loaded on its own: a file that cannot be read, is not
TOML or does not validate adds :class:`Problem` entries and never stops the others.

A :class:`Problem` names the file, the line, the field path and what was expected.
``tomllib`` gives no positions, so :class:`TomlLines` maps key paths back to lines.

File I/O lives here, not in ``sessionkit.core``.
"""

from __future__ import annotations

import bisect
import difflib
import json
import os
import re
import tomllib
import types
import typing
from enum import Enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

import sessionkit
from sessionkit.core.agenda import TimedAgenda, TimedDay, clock_text, time_plan
from sessionkit.core.method import (
    HEX_COLOUR,
    KEBAB,
    CanvasInput,
    ClusterInput,
    DiscussionInput,
    Method,
    NotesInput,
    RatingInput,
    Step,
    VoteInput,
    method_problems,
)
from sessionkit.core.plan import Plan

Loc = tuple[str | int, ...]
Kind = Literal["method", "plan"]

__all__ = [
    "Library",
    "LibraryError",
    "Problem",
    "TomlLines",
    "bundled_dirs",
    "config_path",
    "field_path",
    "load_library",
    "overrun_message",
    "resolve_method",
    "resolve_plan",
]


# ---------------------------------------------------------------- problems


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
    ``timing``, ``reference``, ``overrun``, ``override`` (a note), ``config`` ..."""

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


# ---------------------------------------------------------------- TOML line mapping

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class _Stop(Exception):
    """The mapper met something it does not understand; keep what it has so far."""


class TomlLines:
    """Where each key path of a TOML document is written (1-based line numbers).

    Understands tables ``[a.b]``, arrays of tables ``[[a.b]]`` (each with its index),
    dotted keys, ``key = value`` lines, multi-line strings and arrays, and inline tables.
    Paths are tuples like ``("steps", 1, "input", "kind")``; array elements have their
    index. Built from a document tomllib has already accepted; on anything unexpected it
    stops quietly and keeps what it mapped so far.
    """

    def __init__(self, text: str) -> None:
        self.lines: dict[Loc, int] = {}
        try:
            _Mapper(text, self.lines).run()
        except (_Stop, IndexError, RecursionError, ValueError):
            pass

    def line(self, loc: Iterable[str | int]) -> int | None:
        """The line of ``loc``, or of its nearest mapped parent (None if none is)."""
        path = tuple(loc)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


class _Mapper:
    def __init__(self, text: str, out: dict[Loc, int]) -> None:
        self.s = text
        self.n = len(text)
        self.i = 0
        self.out = out
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.arrays: dict[Loc, int] = {}
        """Concrete path of each array of tables -> index of its last element."""
        self.table: Loc = ()
        """The table the following ``key = value`` lines belong to."""

    # positions
    def lineno(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def mark(self, path: Loc, pos: int) -> None:
        if path:
            self.out.setdefault(path, self.lineno(pos))

    def peek(self, text: str) -> bool:
        return self.s.startswith(text, self.i)

    def skip_spaces(self) -> None:
        while self.i < self.n and self.s[self.i] in " \t":
            self.i += 1

    def skip_blank(self) -> None:
        """Spaces, newlines and comments."""
        while self.i < self.n:
            c = self.s[self.i]
            if c in " \t\r\n":
                self.i += 1
            elif c == "#":
                self.skip_line()
            else:
                return

    def skip_line(self) -> None:
        j = self.s.find("\n", self.i)
        self.i = self.n if j < 0 else j + 1

    # document
    def run(self) -> None:
        while True:
            self.skip_blank()
            if self.i >= self.n:
                return
            start = self.i
            if self.peek("[["):
                self.i += 2
                keys = self.key()
                parent = self.concrete(keys[:-1])
                array = parent + (keys[-1],)
                index = self.arrays.get(array, -1) + 1
                self.arrays[array] = index
                self.mark_prefixes(array + (index,), start)
                self.table = array + (index,)
            elif self.peek("["):
                self.i += 1
                self.table = self.concrete(self.key())
                self.mark_prefixes(self.table, start)
            else:
                self.key_value(self.table)
            self.skip_line()

    def mark_prefixes(self, path: Loc, pos: int) -> None:
        for k in range(1, len(path) + 1):
            self.mark(path[:k], pos)

    def concrete(self, keys: Loc) -> Loc:
        """A header's keys with the current index of every array of tables on the way."""
        path: Loc = ()
        for key in keys:
            path += (key,)
            if path in self.arrays:
                path += (self.arrays[path],)
        return path

    def key(self) -> Loc:
        parts: list[str] = []
        while True:
            self.skip_spaces()
            c = self.s[self.i] if self.i < self.n else ""
            if c == '"':
                j = self.i + 1
                while j < self.n and self.s[j] not in '"\n':
                    j += 2 if self.s[j] == "\\" else 1
                raw = self.s[self.i + 1 : j]
                try:
                    parts.append(json.loads(f'"{raw}"'))
                except ValueError:
                    parts.append(raw)
                self.i = j + 1
            elif c == "'":
                j = self.s.find("'", self.i + 1)
                if j < 0:
                    raise _Stop
                parts.append(self.s[self.i + 1 : j])
                self.i = j + 1
            else:
                match = _BARE_KEY.match(self.s, self.i)
                if not match:
                    raise _Stop
                parts.append(match.group())
                self.i = match.end()
            self.skip_spaces()
            if self.peek("."):
                self.i += 1
                continue
            return tuple(parts)

    def key_value(self, base: Loc) -> None:
        start = self.i
        path = base + self.key()
        self.mark_prefixes(path, start)
        self.skip_spaces()
        if not self.peek("="):
            raise _Stop
        self.i += 1
        self.skip_spaces()
        self.value(path)

    def value(self, path: Loc) -> None:
        s = self.s
        if self.peek('"""'):
            j = self.i + 3
            while True:
                k = s.find('"""', j)
                if k < 0:
                    raise _Stop
                backslashes = 0
                while s[k - 1 - backslashes] == "\\":
                    backslashes += 1
                if backslashes % 2:
                    j = k + 1
                    continue
                self.i = k + 3
                break
            while self.peek('"'):
                self.i += 1
        elif self.peek("'''"):
            k = s.find("'''", self.i + 3)
            if k < 0:
                raise _Stop
            self.i = k + 3
            while self.peek("'"):
                self.i += 1
        elif self.peek('"'):
            j = self.i + 1
            while j < self.n and s[j] not in '"\n':
                j += 2 if s[j] == "\\" else 1
            self.i = j + 1
        elif self.peek("'"):
            k = s.find("'", self.i + 1)
            self.i = self.n if k < 0 else k + 1
        elif self.peek("["):
            self.i += 1
            index = 0
            while True:
                self.skip_blank()
                if self.peek("]"):
                    self.i += 1
                    return
                self.mark(path + (index,), self.i)
                self.value(path + (index,))
                self.skip_blank()
                if self.peek(","):
                    self.i += 1
                    index += 1
                elif self.peek("]"):
                    self.i += 1
                    return
                else:
                    raise _Stop
        elif self.peek("{"):
            self.i += 1
            while True:
                self.skip_blank()
                if self.peek("}"):
                    self.i += 1
                    return
                self.key_value(path)
                self.skip_blank()
                if self.peek(","):
                    self.i += 1
                elif self.peek("}"):
                    self.i += 1
                    return
                else:
                    raise _Stop
        else:
            start = self.i
            while self.i < self.n and s[self.i] not in ",]}#\r\n":
                self.i += 1
            if self.i == start:
                raise _Stop


# ---------------------------------------------------------------- reading files


@dataclass
class _Source:
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
        return None, [Problem(
            path, None, "", "is a binary file (it contains NUL bytes), expected TOML text",
            code="file",
        )]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start : error.start + 1].hex()
        return None, [Problem(
            path, line, "",
            f"is not UTF-8 text (byte 0x{byte} cannot be decoded); save the file as UTF-8",
            column=column, code="file",
        )]
    if not text.strip():
        return None, [Problem(path, None, "", "is empty, expected TOML", code="file")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line = column = None
        match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            message = message[: match.start()]
        elif message.endswith("(at end of document)"):
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
            message = message.removesuffix("(at end of document)").strip() + " at the end of the file"
        return None, [Problem(path, line, "", f"is not valid TOML: {message}", column=column, code="file")]
    except (RecursionError, ValueError, TypeError) as error:
        return None, [Problem(path, None, "", f"is not valid TOML: {error}", code="file")]
    if not data:
        return None, [Problem(path, None, "", "has no settings (only comments), expected TOML", code="file")]
    return _Source(Path(path), text, data, TomlLines(text)), []


# ---------------------------------------------------------------- pydantic errors -> problems


_PATTERNS = {
    KEBAB: "lowercase letters and digits joined by single hyphens, like 'rose-thorn-bud'",
    HEX_COLOUR: "a colour written '#' and six hex digits, like '#f4a6b7'",
    r"^[a-z_][a-z0-9_]*$": "lowercase letters, digits and underscores, like 'topic'",
}

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


_INPUT_KEYS = {
    key
    for model in (NotesInput, VoteInput, ClusterInput, RatingInput, CanvasInput, DiscussionInput)
    for key in model.model_fields
} - set(Step.model_fields)


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
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass
class _Union:
    """A discriminated union met while walking a pydantic loc."""

    discriminator: str
    members: dict[str, type[BaseModel]]


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _field_info(model: type[BaseModel], key: str):
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _tag_of(model: type[BaseModel], discriminator: str) -> str | None:
    info = model.model_fields.get(discriminator)
    if info is None:
        return None
    args = typing.get_args(_unwrap(info.annotation))
    return args[0] if args else None


def _walk(model: type[BaseModel], loc: Loc) -> tuple[Loc, type[BaseModel] | None, Any]:
    """Follow a pydantic error ``loc`` through the model classes.

    Returns the path as written in the TOML file (without the union tags pydantic
    inserts, such as ``'notes'`` in ``steps.0.input.notes.categories``, and without
    ``'[key]'`` markers), the model class that owns the last key, and the annotation
    (or :class:`_Union`) reached at the end (None when the walk left the models).
    """
    clean: list[str | int] = []
    owner: type[BaseModel] | None = None
    current: Any = model
    for part in loc:
        if part == "[key]":
            continue
        current = _unwrap(current) if not isinstance(current, _Union) else current
        if isinstance(current, _Union) and isinstance(part, str) and part in current.members:
            current = current.members[part]
            continue
        if _is_model(current) and isinstance(part, str):
            owner = current
            clean.append(part)
            info = _field_info(current, part)
            if info is None:
                current = None
            elif info.discriminator and isinstance(info.discriminator, str):
                members = [a for a in typing.get_args(_unwrap(info.annotation)) if _is_model(a)]
                current = _Union(
                    info.discriminator,
                    {tag: m for m in members if (tag := _tag_of(m, info.discriminator))},
                )
            else:
                current = info.annotation
            continue
        origin = typing.get_origin(current)
        clean.append(part)
        if origin is list and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif origin is dict and isinstance(part, str):
            current = typing.get_args(current)[1]
        else:
            current = None
    return tuple(clean), owner, current


def _literal_values(annotation: Any) -> list[str]:
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) is Literal:
        return [str(a) for a in typing.get_args(annotation)]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(m.value) for m in annotation]
    return []


def _what(owner: type[BaseModel] | None) -> str:
    """" for a 'vote' input" when the model is a step input, else ""."""
    if owner is None:
        return ""
    tag = _tag_of(owner, "kind")
    return f" for a '{tag}' input" if tag else ""


def _problems_from_validation(
    error: ValidationError, model: type[BaseModel], source: _Source, injected_id: bool = False
) -> list[Problem]:
    problems = []
    errors = error.errors(include_url=False)
    missing: dict[Loc, list[str]] = {}
    for err in errors:
        if err["type"] == "missing":
            clean, _, _ = _walk(model, tuple(err["loc"]))
            missing.setdefault(clean[:-1], []).append(str(clean[-1]))
    for err in errors:
        loc: Loc = tuple(err["loc"])
        clean, owner, current = _walk(model, loc)
        kind = err["type"]
        value = err.get("input")
        ctx = err.get("ctx") or {}
        key = clean[-1] if clean else ""
        line_loc = clean
        code = "invalid"
        if kind == "extra_forbidden":
            code = "unknown-key"
            allowed = _keys(owner) if owner else []
            hint = _did_you_mean(str(key), allowed, missing.get(clean[:-1], ()))
            if owner is Step and str(key) in _INPUT_KEYS:
                hint = " (input settings go in the step's input table: [steps.input])"
            if not hint and allowed:
                hint = f" (expected one of: {', '.join(allowed)})"
            message = f"unknown key '{key}'{_what(owner)}{hint}"
        elif kind == "missing":
            code = "missing"
            message = f"missing required field '{key}'"
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            discriminator = ctx.get("discriminator", "'kind'").strip("'")
            tags = list(current.members) if isinstance(current, _Union) else re.findall(
                r"'([^']*)'", ctx.get("expected_tags", "")
            )
            line_loc = clean = clean + (discriminator,)
            if kind == "union_tag_not_found":
                code = "missing"
                message = f"missing required field '{discriminator}' (one of {_quoted_list(tags)})"
            else:
                code = "choice"
                tag = ctx.get("tag", "")
                message = (
                    f"unknown {discriminator} '{tag}'{_did_you_mean(str(tag), tags)}; "
                    f"expected {_quoted_list(tags)}"
                )
        elif kind in ("literal_error", "enum"):
            code = "choice"
            allowed = _literal_values(current) or re.findall(r"'([^']*)'", ctx.get("expected", ""))
            message = f"expected {_quoted_list(allowed)}, got {_shown(value)}"
            if isinstance(value, str):
                message += _did_you_mean(value, allowed)
        elif kind in ("int_type", "int_parsing") and not isinstance(value, float):
            code = "type"
            message = f"expected an integer, got {_shown(value)}"
        elif kind in ("int_from_float", "int_type"):
            code = "type"
            message = f"expected a whole number, got {_shown(value)}"
        elif kind in ("bool_type", "bool_parsing"):
            code = "type"
            message = f"expected true or false, got {_shown(value)}"
        elif kind == "string_type":
            code = "type"
            message = f"expected text in quotes, got {_shown(value)}"
        elif kind == "list_type":
            code = "type"
            message = f'expected a list like ["a", "b"], got {_shown(value)}'
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            code = "type"
            message = f"expected a table (a [section] or {{ key = value }}), got {_shown(value)}"
        elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
            code = "type"
            message = f"expected a date like 2025-02-11, got {_shown(value)}"
        elif kind in ("time_type", "time_parsing"):
            code = "type"
            message = f'expected a clock time like "09:30", got {_shown(value)}'
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            bound = {
                "greater_than_equal": ("at least", "ge"),
                "greater_than": ("more than", "gt"),
                "less_than_equal": ("at most", "le"),
                "less_than": ("less than", "lt"),
            }[kind]
            message = f"expected {bound[0]} {ctx.get(bound[1])}, got {_shown(value)}"
        elif kind == "too_short":
            wanted = ctx.get("min_length")
            message = f"expected at least {wanted} item{'s' if wanted != 1 else ''}, got {ctx.get('actual_length', 0)}"
        elif kind == "too_long":
            message = f"expected at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
        elif kind == "string_too_short":
            message = "must not be empty" if ctx.get("min_length") == 1 else (
                f"expected at least {ctx.get('min_length')} characters"
            )
        elif kind == "string_too_long":
            message = f"expected at most {ctx.get('max_length')} characters, got {len(str(value))}"
        elif kind == "string_pattern_mismatch":
            wanted = _PATTERNS.get(ctx.get("pattern", ""), f"text matching {ctx.get('pattern')}")
            if loc and loc[-1] == "[key]":
                message = f"'{value}' is not a valid name here: expected {wanted}"
            elif injected_id and clean == ("id",):
                message = (
                    f"the file name '{source.path.stem}' is not a valid id: rename the file "
                    f"to {wanted}"
                )
            else:
                message = f"expected {wanted}, got {_shown(value)}"
                if ctx.get("pattern") == KEBAB and isinstance(value, str):
                    fixed = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
                    if fixed and fixed != value:
                        message += f" (did you mean '{fixed}'?)"
        elif kind in ("value_error", "assertion_error"):
            message = str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
        else:
            message = f"{err['msg']}, got {_shown(value)}"
        problems.append(Problem(
            source.path, source.lines.line(line_loc), field_path(clean), message, code=code
        ))
    return sorted(problems, key=lambda p: p.line or 0)


# ---------------------------------------------------------------- one file


def _guess_kind(data: dict[str, Any], path: Path) -> Kind:
    """Whether a file given by path (not found in a library folder) is a method or a plan."""
    if "days" in data and "steps" not in data:
        return "plan"
    if "steps" in data:
        return "method"
    folders = {part.lower() for part in Path(path).parent.parts}
    if folders & {"sessions", "plans"} and not folders & {"methods"}:
        return "plan"
    plan_score = len(set(data) & set(_keys(Plan)))
    method_score = len(set(data) & set(_keys(Method)))
    return "plan" if plan_score > method_score else "method"


def _misplaced(data: dict[str, Any], kind: Kind, path: Path) -> Problem | None:
    if kind == "method" and "days" in data and "steps" not in data:
        return Problem(
            path, None, "",
            "looks like a session plan (it has days), not a method: move it to a sessions folder",
            code="misplaced",
        )
    if kind == "plan" and "steps" in data and "days" not in data:
        return Problem(
            path, None, "",
            "looks like a method (it has steps), not a session plan: move it to a methods folder",
            code="misplaced",
        )
    return None


def _check_method(source: _Source) -> tuple[Method | None, list[Problem]]:
    try:
        method = Method.model_validate(source.data)
    except ValidationError as error:
        return None, _problems_from_validation(error, Method, source)
    problems = []
    stem = source.path.stem
    if method.id != stem:
        problems.append(Problem(
            source.path, source.lines.line(("id",)), "id",
            f"id '{method.id}' does not match the file name '{source.path.name}' "
            f"(expected id = \"{stem}\", or rename the file to {method.id}.toml)",
            code="id",
        ))
    for loc, message in method_problems(method):
        code = "timing" if loc == ("steps",) else (
            "variable" if loc[-1:] == ("prompt",) else "reference"
        )
        problems.append(Problem(source.path, source.lines.line(loc), field_path(loc), message, code=code))
    return method, problems


def _check_plan_schema(source: _Source) -> tuple[Plan | None, list[Problem]]:
    data = dict(source.data)
    stem = source.path.stem
    injected = "id" not in data
    if injected:
        data["id"] = stem
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        return None, _problems_from_validation(error, Plan, source, injected_id=injected)
    if plan.id != stem:
        return plan, [Problem(
            source.path, source.lines.line(("id",)), "id",
            f"id '{plan.id}' does not match the file name '{source.path.name}' "
            f"(expected id = \"{stem}\", remove the id line, or rename the file to {plan.id}.toml)",
            code="id",
        )]
    return plan, []


def overrun_message(day: TimedDay) -> str:
    """``day 1 (2025-02-11) ends at 16:45, 15 min after its end time 16:30``."""
    label = f"day {day.index + 1}"
    if day.date is not None:
        label += f" ({day.date.isoformat()})"
    return (
        f"{label} ends at {clock_text(day.finish)}, {day.overrun_minutes} min after its "
        f"end time {clock_text(day.end)}"
    )


def _check_plan_references(
    plan: Plan, source: _Source, library: Library
) -> list[Problem]:
    problems: list[Problem] = []
    known = sorted(set(library.methods) | set(library.rejected_methods))

    def add(loc: Loc, message: str, code: str) -> None:
        problems.append(Problem(source.path, source.lines.line(loc), field_path(loc), message, code=code))

    for d, day in enumerate(plan.days):
        for a, item in enumerate(day.agenda):
            where: Loc = ("days", d, "agenda", a)
            if item.method is None:
                continue
            method = library.methods.get(item.method)
            if method is None:
                if item.method in library.rejected_methods:
                    bad = library.method_paths.get(item.method)
                    add(where + ("method",),
                        f"method '{item.method}' has problems of its own (see "
                        f"{display_path(bad) if bad else 'sessionkit check'})",
                        "broken-method")
                else:
                    hint = _did_you_mean(item.method, known)
                    add(where + ("method",), f"unknown method '{item.method}'{hint}", "unknown-method")
                continue
            for name in item.variables:
                if name not in method.variables:
                    declared = list(method.variables)
                    hint = _did_you_mean(name, declared)
                    if not hint:
                        hint = (
                            f" (it declares {_quoted_list(declared)})" if declared
                            else " (it declares no variables)"
                        )
                    add(where + ("variables", name),
                        f"method '{method.id}' declares no variable '{name}'{hint}", "variable")
            if item.minutes is not None:
                low, high = method.duration.min, method.duration.max
                if not low <= item.minutes <= high:
                    add(where + ("minutes",),
                        f"minutes = {item.minutes} is outside the duration of method "
                        f"'{method.id}' ({low}..{high} min)", "minutes")
                elif item.minutes < len(method.steps):
                    add(where + ("minutes",),
                        f"minutes = {item.minutes} is too short for the {len(method.steps)} "
                        f"steps of '{method.id}' (each needs at least one minute)", "minutes")
    agenda = time_plan(plan, library.timing_methods())
    for day in agenda.overruns:
        first = next((i for i in day.items if i.end > day.end), day.items[-1])
        a = day.items.index(first)
        add(("days", day.index, "agenda", a),
            f"{overrun_message(day)} (from '{first.title}', "
            f"{clock_text(first.start)}-{clock_text(first.end)})",
            "overrun")
    return problems


# ---------------------------------------------------------------- the library


@dataclass
class Library:
    """Every method and plan found, where each came from, and what was wrong.

    ``methods`` holds only methods without problems. A method file that fails (or has
    cross-field problems) is in ``rejected_methods`` (the Method when it validated, else
    None) so plans naming it get a precise message. ``plans`` holds every plan that
    validated, even if it refers to unknown methods or overruns a day: those are in
    ``problems`` (see :meth:`problems_for`).
    """

    methods: dict[str, Method] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    method_paths: dict[str, Path] = field(default_factory=dict)
    plan_paths: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    """Things worth knowing that are not wrong: a method overriding a bundled one."""
    rejected_methods: dict[str, Method | None] = field(default_factory=dict)
    rejected_plans: set[str] = field(default_factory=set)
    files: dict[Path, Kind] = field(default_factory=dict)
    """Every file read (resolved path) and what it was read as."""
    sources: list[tuple[str, Kind, Path]] = field(default_factory=list)
    """(level, kind, folder) for every folder searched, lowest precedence first."""

    @property
    def paths(self) -> dict[str, Path]:
        """id -> file for plans and methods (a method wins if a plan has the same id;
        use ``method_paths`` / ``plan_paths`` when you know which you want)."""
        return {**self.plan_paths, **self.method_paths}

    def file_of(self, model: Method | Plan) -> Path | None:
        """The file a loaded method or plan came from (by identity, so a plan whose id
        does not match its file name is still found)."""
        if isinstance(model, Plan):
            pairs = [(self.plans.get(k), f) for k, f in self.plan_paths.items()]
        else:
            pairs = [(self.methods.get(k) or self.rejected_methods.get(k), f)
                     for k, f in self.method_paths.items()]
        return next((f for m, f in pairs if m is model), None)

    def problems_for(self, *files: Path) -> list[Problem]:
        wanted = {Path(f).resolve() for f in files}
        return [p for p in self.problems if Path(p.file).resolve() in wanted]

    def timing_methods(self) -> dict[str, Method]:
        """Methods to lay a plan out with: valid ones, plus those with only cross-field problems."""
        usable = {k: m for k, m in self.rejected_methods.items() if m is not None}
        return {**usable, **self.methods}

    def time(self, plan: Plan) -> TimedAgenda:
        return time_plan(plan, self.timing_methods())


def bundled_dirs() -> tuple[Path, Path]:
    """(methods, sessions) shipped with sessionkit: inside the wheel, or the repo checkout."""
    package = Path(sessionkit.__file__).resolve().parent
    bundled = package / "bundled"
    if bundled.is_dir():
        return bundled / "methods", bundled / "sessions"
    repo = Path(sessionkit.__file__).resolve().parents[2]
    return repo / "methods", repo / "sessions"


def config_path() -> Path:
    """The user config file: ``$SESSIONKIT_CONFIG`` or the XDG/``~/.config`` default."""
    explicit = os.environ.get("SESSIONKIT_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "sessionkit" / "config.toml"


def _config_dirs(path: Path, required: bool) -> tuple[list[Path], list[Path], list[Problem]]:
    """method_dirs and session_dirs of a config file (relative paths: from the file)."""
    if not path.exists():
        if required:
            return [], [], [Problem(path, None, "", "config file not found ($SESSIONKIT_CONFIG)", code="config")]
        return [], [], []
    source, problems = read_toml(path)
    if source is None:  # an empty config file is fine; anything else unreadable is reported
        return [], [], [p for p in problems if not p.message.startswith(("is empty", "has no settings"))]
    found: dict[str, list[Path]] = {"method_dirs": [], "session_dirs": []}
    problems = []
    for key in found:
        value = source.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(Problem(
                path, source.lines.line((key,)), key,
                f'expected a list of folder names like ["~/workshops/{key.split("_")[0]}s"], '
                f"got {_shown(value)}",
                code="config",
            ))
            continue
        for folder in value:
            folder_path = Path(os.path.expandvars(folder)).expanduser()
            if not folder_path.is_absolute():
                folder_path = path.parent / folder_path
            found[key].append(folder_path)
    for key in source.data:
        # other settings belong to other parts of sessionkit; only near-misses of ours are flagged
        if key not in found and difflib.get_close_matches(key, list(found), n=1, cutoff=0.75):
            problems.append(Problem(
                path, source.lines.line((key,)), key,
                f"unknown key '{key}'{_did_you_mean(key, found)}", code="config",
            ))
    return found["method_dirs"], found["session_dirs"], problems


def _toml_files(folder: Path) -> list[Path]:
    """*.toml under a folder (recursively, skipping hidden folders), in a stable order."""
    files = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        files.extend(Path(dirpath) / name for name in sorted(filenames) if name.endswith(".toml") and not name.startswith("."))
    return files


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def load_library(
    method_dirs: Iterable[str | Path] = (),
    session_dirs: Iterable[str | Path] = (),
    paths: Iterable[str | Path] = (),
    *,
    config: str | Path | bool = True,
    bundled: bool = True,
    cwd: bool = True,
) -> Library:
    """Load the whole library. Never raises for anything in the files it reads.

    ``method_dirs`` / ``session_dirs``: extra folders (``--methods`` / ``--sessions``).
    ``paths``: files or folders to load on top of everything, each file read as a method
    or a plan according to its content (what ``sessionkit check PATH`` checks).
    ``config``: True to read the user's config file, a path to read that one, False not to.
    """
    library = Library()
    levels: list[tuple[str, list[tuple[Kind, Path]]]] = []
    if bundled:
        b_methods, b_sessions = bundled_dirs()
        levels.append(("bundled", [("method", b_methods), ("plan", b_sessions)]))
    else:
        b_methods = b_sessions = None
    if config is not False:
        cfg = config_path() if config is True else Path(config).expanduser()
        required = config is not True or bool(os.environ.get("SESSIONKIT_CONFIG"))
        m_dirs, s_dirs, problems = _config_dirs(cfg, required)
        library.problems.extend(problems)
        levels.append(("config", [("method", d) for d in m_dirs] + [("plan", d) for d in s_dirs]))
    if cwd:
        here = Path.cwd()
        local: list[tuple[Kind, Path]] = []
        for kind, name, bundled_dir in (("method", "methods", b_methods), ("plan", "sessions", b_sessions)):
            folder = here / name
            if folder.is_dir() and not (bundled_dir and _same_dir(folder, bundled_dir)):
                local.append((kind, folder))
        levels.append(("current folder", local))
    levels.append((
        "command line",
        [("method", Path(d)) for d in method_dirs] + [("plan", Path(d)) for d in session_dirs],
    ))

    seen: set[Path] = set()
    # (kind, id) -> (level, file) of the file currently providing it
    owners: dict[tuple[Kind, str], tuple[str, Path]] = {}
    pending_plans: list[tuple[_Source, Plan, str]] = []

    def take(kind: Kind | None, file: Path, level: str) -> None:
        try:
            resolved = file.resolve()
        except OSError:
            resolved = file
        if resolved in seen:
            return
        seen.add(resolved)
        try:
            _take(kind, file, level, resolved)
        except Exception as error:  # a safety net: one file must never stop the others
            library.problems.append(Problem(
                file, None, "",
                f"could not be loaded (internal error {type(error).__name__}: {error}); "
                "please report this",
                code="internal",
            ))

    def _take(kind: Kind | None, file: Path, level: str, resolved: Path) -> None:
        source, problems = read_toml(file)
        if source is None:
            guessed: Kind = kind or _guess_kind({}, file)
            library.files[resolved] = guessed
            library.problems.extend(problems)
            _register(guessed, file.stem, file, level, None, ok=False)
            return
        if kind is None:
            kind = _guess_kind(source.data, file)
        else:
            misplaced = _misplaced(source.data, kind, file)
            if misplaced:
                library.files[resolved] = kind
                library.problems.append(misplaced)
                return
        library.files[resolved] = kind
        if kind == "method":
            method, problems = _check_method(source)
            library.problems.extend(problems)
            _register("method", file.stem, file, level, method, ok=method is not None and not problems,
                      source=source)
        else:
            plan, problems = _check_plan_schema(source)
            library.problems.extend(problems)
            if _register("plan", file.stem, file, level, plan, ok=plan is not None and not problems,
                         source=source) and plan is not None:
                pending_plans.append((source, plan, file.stem))

    def _register(kind: Kind, key: str, file: Path, level: str, model: Any, ok: bool,
                  source: _Source | None = None) -> bool:
        previous = owners.get((kind, key))
        what = "method" if kind == "method" else "plan"
        if previous is not None:
            prev_level, prev_file = previous
            if prev_level == level:
                line = source.lines.line(("id",)) if source else None
                library.problems.append(Problem(
                    file, line, "id" if line else "",
                    f"duplicate {what} id '{key}': also defined in {display_path(prev_file)}",
                    code="duplicate",
                ))
                return False
            if level != "given":  # a file given to check is not meant to override anything
                library.notes.append(Problem(
                    file, None, "",
                    f"{what} '{key}' overrides the one in {display_path(prev_file)} ({prev_level})",
                    code="override",
                ))
        owners[(kind, key)] = (level, file)
        if kind == "method":
            library.method_paths[key] = file
            library.methods.pop(key, None)
            library.rejected_methods.pop(key, None)
            if ok:
                library.methods[key] = model
            else:
                library.rejected_methods[key] = model
        else:
            library.plan_paths[key] = file
            library.plans.pop(key, None)
            library.rejected_plans.discard(key)
            if model is not None:
                library.plans[key] = model
            if not ok:
                library.rejected_plans.add(key)
        return True

    for level, folders in levels:
        for kind, folder in folders:
            library.sources.append((level, kind, folder))
            if not folder.is_dir():
                if level != "bundled":
                    library.problems.append(Problem(
                        folder, None, "",
                        "no such folder" if not folder.exists() else "is not a folder",
                        code="folder",
                    ))
                continue
            for file in _toml_files(folder):
                take(kind, file, level)
    for given in paths:
        given = Path(given)
        if given.is_dir():
            for file in _toml_files(given):
                take(None, file, "given")
        elif given.exists():
            take(None, given, "given")
        else:
            library.problems.append(Problem(given, None, "", "no such file or folder", code="file"))

    # plans are checked once every method is known
    for source, plan, key in pending_plans:
        if library.plans.get(key) is not plan:
            continue  # overridden by a later file
        problems = _check_plan_references(plan, source, library)
        library.problems.extend(problems)
        if any(p.code != "overrun" for p in problems):
            library.rejected_plans.add(key)
    # group each file's problems together, in line order, files in the order they were read
    order: dict[Path, int] = {}
    for problem in library.problems:
        order.setdefault(Path(problem.file), len(order))
    library.problems.sort(key=lambda p: (order[Path(p.file)], p.line or 0))
    return library


# ---------------------------------------------------------------- lookups


def _is_path_ref(ref: str | Path) -> bool:
    text = str(ref)
    return isinstance(ref, Path) or text.endswith(".toml") or os.sep in text or "/" in text


def resolve_plan(library: Library, ref: str | Path) -> Plan:
    """A plan by id, or by the path of a .toml file (which is then loaded into ``library``).

    Returns the plan if it validated (it may still have reference or timing problems:
    see ``library.problems_for(library.plan_paths[plan.id])``). Raises
    :class:`LibraryError` with a clear message when there is no such plan or it is invalid.
    """
    if _is_path_ref(ref):
        return _load_file(library, Path(ref), "plan")  # type: ignore[return-value]
    ref = str(ref)
    if ref in library.plans:
        return library.plans[ref]
    if ref in library.plan_paths:
        file = library.plan_paths[ref]
        raise LibraryError(f"plan '{ref}' ({display_path(file)}) has problems", library.problems_for(file))
    raise LibraryError(f"no plan called '{ref}'{_known('plan', ref, library.plan_paths)}")


def resolve_method(library: Library, ref: str | Path, *, allow_flawed: bool = False) -> Method:
    """A method by id or path. ``allow_flawed``: also return a method that validated but
    has cross-field problems (for showing it)."""
    if _is_path_ref(ref):
        method = _load_file(library, Path(ref), "method", allow_flawed=allow_flawed)
        return method  # type: ignore[return-value]
    ref = str(ref)
    if ref in library.methods:
        return library.methods[ref]
    if ref in library.method_paths:
        file = library.method_paths[ref]
        flawed = library.rejected_methods.get(ref)
        if allow_flawed and flawed is not None:
            return flawed
        raise LibraryError(f"method '{ref}' ({display_path(file)}) has problems", library.problems_for(file))
    raise LibraryError(f"no method called '{ref}'{_known('method', ref, library.method_paths)}")


def _known(what: str, ref: str, ids: dict[str, Path]) -> str:
    hint = _did_you_mean(ref, ids)
    if hint:
        return hint
    if not ids:
        return f" (no {what}s were found)"
    names = sorted(ids)
    listed = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f" (known {what}s: {listed})"


def _load_file(library: Library, file: Path, kind: Kind, allow_flawed: bool = False) -> Method | Plan:
    what = "method" if kind == "method" else "plan"
    paths = library.method_paths if kind == "method" else library.plan_paths
    resolved = file.resolve()
    for key, known in paths.items():
        if known.resolve() == resolved:
            if kind == "plan":
                return resolve_plan(library, key)
            return resolve_method(library, key, allow_flawed=allow_flawed)
    source, problems = read_toml(file)
    if source is None:
        raise LibraryError(f"cannot load {display_path(file)}: {problems[0].message}", problems)
    misplaced = _misplaced(source.data, kind, file)
    if misplaced:
        raise LibraryError(f"{display_path(file)} {misplaced.message}", [misplaced])
    try:
        if kind == "method":
            model, problems = _check_method(source)
        else:
            model, problems = _check_plan_schema(source)
            if model is not None:
                problems += _check_plan_references(model, source, library)
    except Exception as error:  # never a traceback for a file
        raise LibraryError(f"cannot load {display_path(file)}: internal error {error!r}") from None
    key = file.stem
    if key in paths and model is not None:
        library.notes.append(Problem(
            file, None, "", f"{what} '{key}' overrides the one in {display_path(paths[key])}",
            code="override",
        ))
    library.problems.extend(problems)
    library.files[resolved] = kind
    if model is None:
        raise LibraryError(f"{display_path(file)} is not a valid {what}", problems)
    paths[key] = file
    if kind == "method":
        if problems:
            library.rejected_methods[key] = model  # type: ignore[assignment]
            library.methods.pop(key, None)
            if not allow_flawed:
                raise LibraryError(f"{display_path(file)} has problems", problems)
        else:
            library.methods[key] = model  # type: ignore[assignment]
    else:
        library.plans[key] = model  # type: ignore[assignment]
        if any(p.code != "overrun" for p in problems):
            library.rejected_plans.add(key)
    return model
