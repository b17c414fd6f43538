"""The command palette's entries for a session: every key that applies, and "Go to"."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from sessionkit.tui.keys import split_action
from sessionkit.tui.safe import one_line


class SessionCommands(Provider):
    """Palette entries for every key of the current screen that applies right now, and
    "Go to" for each agenda item.

    Displays are Content: the palette parses plain strings as markup, and agenda titles
    come from plan files.
    """

    def _commands(self) -> list[tuple[str, Content, str, Callable[[], Any]]]:
        app = self.app
        screen = self.screen
        found: list[tuple[str, Content, str, Callable[[], Any]]] = []
        for key in getattr(screen, "KEYS", []):
            name, params = split_action(key.action)
            try:
                applies = getattr(screen, "applies", screen.check_action)(name, params)
            except Exception:  # a palette must not crash on an odd state
                applies = False
            if not applies:
                continue
            display = Content.assemble(key.label, Content.styled(f"   {key.named_keys}", "dim"))
            found.append(
                (key.label, display, key.help, partial(app.run_action, key.action, screen))
            )
        # The app is SessionkitApp (which imports this module): read through getattr, so
        # the provider stays harmless if another app ever lists it.
        link = getattr(app, "link", None)
        go_to = getattr(app, "go_to", None)
        if link is not None and go_to is not None and getattr(screen, "KEYS", None) is not None:
            for item in link.engine.items:
                title = f"Go to {item.index + 1}: {item.title}"
                display = Content("Go to ") + one_line(f"{item.index + 1}: {item.title}")
                found.append(
                    (title, display, "Jump to this agenda item", partial(go_to, item.index))
                )
        return found

    async def discover(self) -> Hits:
        for text, display, help_text, callback in self._commands():
            if not text.startswith("Go to"):
                yield DiscoveryHit(display, callback, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, display, help_text, callback in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, display, callback, text=text, help=help_text)
