"""The facilitator's own settings kept across runs, in the user config file.

The config file (``$SESSIONKIT_CONFIG``, else ``$XDG_CONFIG_HOME/sessionkit/config.toml``,
else ``~/.config/sessionkit/config.toml``) is the one that names method and plan folders;
people edit it by hand. So a setting is changed by rewriting only its own top-level line
(comments and every other line stay as they were), the file is replaced atomically, and a
file that is not valid TOML is never rewritten: the facilitator is told what is wrong
with it and where, and the setting simply is not kept.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from sessionkit.store.files import atomic_write

THEME_KEY = "theme"
_TABLE = re.compile(r"^\s*\[")


def _key_line(lines: list[str], key: str) -> int | None:
    """The index of ``key = ...`` among the top-level lines (before the first table)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for n, line in enumerate(lines):
        if _TABLE.match(line):
            return None
        if pattern.match(line):
            return n
    return None


class ThemeSetting:
    """The Textual theme the TUI shows, read at start and kept when it is changed."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def where(self) -> str:
        return str(self.path)

    def _line_of(self, text: str) -> str:
        n = _key_line(text.splitlines(), THEME_KEY)
        return f"{self.path} line {n + 1}" if n is not None else str(self.path)

    def read(self) -> tuple[str | None, str | None]:
        """(the theme named, what is wrong): no file or no ``theme`` key is ``(None, None)``."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, None
        except (OSError, UnicodeDecodeError) as error:
            return None, f"{self.path} could not be read ({error}); the default theme is used."
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            return None, f"{self.path} is not valid TOML ({error}); the default theme is used."
        value = data.get(THEME_KEY)
        if value is None:
            return None, None
        if not isinstance(value, str) or not value.strip():
            return None, (
                f"{self._line_of(text)}: theme should be a theme's name in quotes, like "
                f'theme = "textual-light"; the default theme is used.'
            )
        return value.strip(), None

    def problem_with(self, name: str, known: list[str]) -> str:
        """What to say when the file names a theme the app does not have."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        return (
            f"{self._line_of(text)}: there is no theme {name!r} (there are "
            f"{', '.join(sorted(known))}); the default theme is used."
        )

    def keep(self, name: str) -> str | None:
        """Write ``theme = "name"`` into the file (made if missing); what went wrong, if
        anything (the file is then as it was)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        except (OSError, UnicodeDecodeError) as error:
            return f"The theme was not kept: {self.path} could not be read ({error})."
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            return f"The theme was not kept: {self.path} is not valid TOML ({error})."
        line = f"{THEME_KEY} = {json.dumps(name)}\n"  # a theme's name: a plain TOML string
        lines = text.splitlines(keepends=True)
        n = _key_line([x.rstrip("\n") for x in lines], THEME_KEY)
        if n is not None:
            lines[n] = line
        else:
            lines.insert(0, line)  # top level: before any [table]
        new = "".join(lines)
        try:
            if tomllib.loads(new).get(THEME_KEY) != name:
                raise ValueError
        except (tomllib.TOMLDecodeError, ValueError):
            return f"The theme was not kept: {self.path} has a line sessionkit cannot change."
        try:
            mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, new.encode("utf-8"), mode=mode)
        except OSError as error:
            return f"The theme was not kept: {self.path} could not be written ({error})."
        return None
