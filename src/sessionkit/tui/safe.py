"""The one way untrusted text reaches the screen.

Textual parses a plain ``str`` handed to most widgets as markup: a note reading
``[@click=app.quit]hi[/]`` would become a button that quits the app, and ``unbalanced [/]``
raises ``MarkupError`` and kills it. ``textual.markup.escape`` has gaps (``[$primary]``,
``[B]``). So every participant, method or plan string goes through :func:`literal`, which
builds a :class:`~textual.content.Content` that is never parsed, after the same control
character cleaning the models apply (a second line of defence: text that reached us some
other way, e.g. from an old record, cannot carry an OSC sequence to the terminal either),
and with joined emoji drawn unjoined (:mod:`sessionkit.tui.cells`: terminals disagree on
their width, and a row that is wider on screen than measured misaligns).

Mixing our own markup with untrusted values goes through :func:`fmt`, which uses
``Content.from_markup``'s ``$variables``: values are inserted as text, never parsed.
"""

from __future__ import annotations

from textual.content import Content

from sessionkit.core.text import clean_text
from sessionkit.tui.cells import steady


def clean(text: object) -> str:
    """``text`` as a string without control characters (newline and tab kept), its emoji
    unjoined so that every terminal draws it as wide as it is measured (:func:`steady`)."""
    return steady(clean_text("" if text is None else str(text)))


def literal(text: object, style: str = "") -> Content:
    """Untrusted ``text`` as Content that shows exactly what was typed, optionally styled."""
    content = Content(clean(text))
    return content.stylize(style) if style else content


def one_line(text: object, style: str = "") -> Content:
    """Like :func:`literal` with line breaks and tabs folded into spaces (for list rows)."""
    return literal(" ".join(clean(text).split()), style)


def fmt(template: str, **values: object) -> Content:
    """Our own markup ``template`` with ``$name`` placeholders filled by untrusted values.

    >>> fmt("[b]$title[/b]", title="[@click=app.quit]x[/]").plain
    '[@click=app.quit]x[/]'
    """
    safe = {
        name: value if isinstance(value, Content) else literal(value)
        for name, value in values.items()
    }
    return Content.from_markup(template, **safe)
