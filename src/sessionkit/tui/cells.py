"""Measuring text in terminal cells, and cutting it where people can still read it.

Rich 15 measures a joined emoji (a ZWJ sequence such as "👩‍⚕️", "👨‍👩‍👧" or "🏳️‍🌈", an emoji with
a skin tone, or one made wide by U+FE0F) as one grapheme two cells wide. Terminals do not
agree: tmux, VTE and xterm draw the parts side by side (3 to 6 cells), newer ones join
them (2). When the terminal draws more cells than Rich counted, the rest of the line slides
right, the row no longer lines up, and the cells pushed past the edge stay on screen as
stray characters. No width fits every terminal for the joined form, so :func:`steady`
draws it unjoined: the ZWJ, the presentation selectors and the skin tones are left out,
and what remains are single code points whose width every terminal and Rich take from
the same Unicode table ("👩‍⚕️" is drawn "👩⚕", 3 cells everywhere). Only the screen's copy
changes: the phone, the room page and the exports show what was typed.

CJK (two cells a character) and combining accents (none) are measured alike by Rich and
terminals, so they are left as they are.
"""

from __future__ import annotations

import re

from textual.content import Content

_PICTOGRAPHIC = "\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2900-\u2bff\U0001f000-\U0001faff"
_JOINERS = re.compile(
    "\ufe0e|\ufe0f|[\U0001f3fb-\U0001f3ff]"  # presentation selectors, skin tones
    f"|(?<=[{_PICTOGRAPHIC}\ufe0f\U0001f3fb-\U0001f3ff])\u200d(?=[{_PICTOGRAPHIC}])"
)
"""What joins an emoji to the next: a ZWJ only between pictographs (elsewhere, as in
Indic scripts, it shapes letters and changes no width)."""

ELLIPSIS = "…"


def steady(text: str) -> str:
    """``text`` with its emoji unjoined, so that Rich and every terminal give it the same
    width (see the module's docstring for why).

    >>> steady("👩\u200d⚕\ufe0f nurse")
    '👩⚕ nurse'
    """
    return _JOINERS.sub("", text)


def clip_words(content: Content, width: int, lines: int) -> list[Content]:
    """``content`` wrapped to ``width`` cells in at most ``lines`` lines; when it needs
    more, the last line ends with an ellipsis after its last whole word that leaves room."""
    if width <= 0 or lines <= 0:
        return []
    wrapped = content.wrap(width)
    if len(wrapped) <= lines:
        return wrapped
    kept = wrapped[:lines]
    last = kept[-1].rstrip()
    while last.cell_length + len(ELLIPSIS) > width:
        cut = last.plain.rfind(" ")
        last = last[:cut].rstrip() if cut > 0 else last.truncate(width - len(ELLIPSIS))
    kept[-1] = last + ELLIPSIS
    return kept
