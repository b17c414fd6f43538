"""Choosing the series a run started from the home screen belongs to (key S there).

A picker of the series the records already have, "a new series…" (typed, and checked:
a name with path characters is refused with the reason) and "no series".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import App

from sessionkit.core.series_name import MAX_SERIES_CHARS, check_series_name
from sessionkit.tui.screens.modals import Picker, TextPrompt

NEW, NONE = "\x00new", "\x00none"


def choose_series(
    app: App[object],
    known: Sequence[str],
    current: str | None,
    chosen: Callable[[str | None], None],
) -> None:
    """Ask which series; call ``chosen`` with it (``None``: no series). Esc changes nothing."""
    choices = [(name, f"Series {name}") for name in known]
    choices += [(NEW, "A new series…"), (NONE, "No series")]

    def named(text: str | None) -> None:
        if text is None:
            return
        try:
            chosen(check_series_name(text))
        except ValueError as error:
            app.bell()
            app.notify(f"Not a series name: {error}.", severity="warning", markup=False)

    def picked(value: str | None) -> None:
        if value is None:
            return
        if value == NONE:
            chosen(None)
        elif value == NEW:
            app.push_screen(
                TextPrompt(
                    "The new series' name",
                    placeholder="e.g. knot-2026",
                    hint="letters, digits, - _ . · enter saves · esc cancels",
                    max_length=MAX_SERIES_CHARS,
                ),
                named,
            )
        else:
            chosen(value)

    app.push_screen(
        Picker(
            "Which series do the runs you start belong to?",
            choices,
            current=current or NONE,
            hint="its open actions are loaded for a review step · enter picks · esc cancels",
        ),
        picked,
    )
