"""Where each key path of a TOML document is written.

``tomllib`` gives no positions, so :class:`TomlLines` maps key paths back to lines for
problems that point at a line.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable

Loc = tuple[str | int, ...]


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
                array = (*parent, keys[-1])
                index = self.arrays.get(array, -1) + 1
                self.arrays[array] = index
                self.mark_prefixes((*array, index), start)
                self.table = (*array, index)
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
                j = self.basic_string_end()
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
        """Step over one value; arrays and inline tables also mark their elements."""
        if self.peek('"""'):
            self.skip_multiline_basic()
        elif self.peek("'''"):
            self.skip_multiline_literal()
        elif self.peek('"'):
            self.i = self.basic_string_end() + 1
        elif self.peek("'"):
            k = self.s.find("'", self.i + 1)
            self.i = self.n if k < 0 else k + 1
        elif self.peek("["):
            self.array(path)
        elif self.peek("{"):
            self.inline_table(path)
        else:
            self.skip_bare_value()

    def basic_string_end(self) -> int:
        """The position of the quote closing the "..." string that starts here."""
        j = self.i + 1
        while j < self.n and self.s[j] not in '"\n':
            j += 2 if self.s[j] == "\\" else 1
        return j

    def skip_multiline_basic(self) -> None:
        s = self.s
        j = self.i + 3
        while True:
            k = s.find('"""', j)
            if k < 0:
                raise _Stop
            backslashes = 0
            while s[k - 1 - backslashes] == "\\":
                backslashes += 1
            if backslashes % 2:  # an escaped quote, not the end
                j = k + 1
                continue
            self.i = k + 3
            break
        while self.peek('"'):  # quotes just before the closing """ are content
            self.i += 1

    def skip_multiline_literal(self) -> None:
        k = self.s.find("'''", self.i + 3)
        if k < 0:
            raise _Stop
        self.i = k + 3
        while self.peek("'"):
            self.i += 1

    def array(self, path: Loc) -> None:
        self.i += 1
        index = 0
        while True:
            self.skip_blank()
            if self.peek("]"):
                self.i += 1
                return
            self.mark((*path, index), self.i)
            self.value((*path, index))
            self.skip_blank()
            if self.peek(","):
                self.i += 1
                index += 1
            elif self.peek("]"):
                self.i += 1
                return
            else:
                raise _Stop

    def inline_table(self, path: Loc) -> None:
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

    def skip_bare_value(self) -> None:
        """A number, boolean or date: up to the next separator."""
        start = self.i
        while self.i < self.n and self.s[self.i] not in ",]}#\r\n":
            self.i += 1
        if self.i == start:
            raise _Stop
