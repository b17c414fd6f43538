"""The theme (ctrl+p, "Change theme") kept across runs.

Where it is kept is the caller's business (the CLI hands the app a
:class:`~sessionkit.store.settings.ThemeSetting` for the user config file); the app only
reads it once at start and tells it each change. Trouble with the file is told in a
notification, never raised: a bad settings file must not stop a workshop.
"""

from __future__ import annotations

from typing import Any, Protocol

from textual.app import App
from textual.theme import Theme


class ThemeStore(Protocol):
    def read(self) -> tuple[str | None, str | None]:
        """(the theme kept, what is wrong with where it is kept)."""

    def problem_with(self, name: str, known: list[str]) -> str:
        """What to say when the theme kept is not one the app has."""

    def keep(self, name: str) -> str | None:
        """Keep ``name``; what went wrong, if anything."""


def _warn(app: App[Any], message: str) -> None:
    app.notify(message, title="Theme", severity="warning", timeout=20, markup=False)


def use_kept_theme(app: App[Any], store: ThemeStore) -> None:
    """Show the theme ``store`` kept, and keep every change the facilitator makes."""
    name, problem = store.read()
    if problem:
        _warn(app, problem)
    elif name is not None:
        if name in app.available_themes:
            app.theme = name
        else:
            _warn(app, store.problem_with(name, list(app.available_themes)))
    kept = [app.theme]

    def changed(theme: Theme) -> None:
        if theme.name == kept[0]:
            return  # the start-up theme coming back: nothing new to keep
        kept[0] = theme.name
        trouble = store.keep(theme.name)
        if trouble:
            _warn(app, trouble)

    app.theme_changed_signal.subscribe(app, changed)
