"""Cleaning of untrusted text at the point it enters the system.

Participant text (and, to be safe, every free-text field of a method or plan) may carry
terminal control sequences: an OSC 8 hyperlink or an OSC 0 title change would reach the
facilitator's terminal even through Rich's ``Text``. So C0 and C1 control characters are
removed here, once, in the models; newline and tab survive because people use them.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

# C0 controls except \t (09) and \n (0a); DEL; C1 controls (80-9f).
# \r is dropped too: "\r\n" becomes "\n", a lone "\r" would let text overwrite itself.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi overrides and isolates can visually reorder a line in a terminal; keep RTL text
# itself (Arabic, Hebrew) but drop the invisible direction-forcing marks.
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """Return ``value`` without control characters (newline and tab are kept)."""
    value = value.replace("\r\n", "\n")
    value = _CONTROL.sub("", value)
    return _BIDI_CONTROL.sub("", value)


CleanStr = Annotated[str, AfterValidator(clean_text)]
"""A string field whose content has been through :func:`clean_text`."""


def paragraphs(text: str) -> list[str]:
    """Author-written text (a purpose, a prompt) as paragraphs: TOML files are wrapped by
    hand, so single line breaks are joined and blank lines separate paragraphs."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def first_words(text: str, limit: int = 40) -> str:
    """The start of ``text`` on one line, at most ``limit`` characters, cut at a word
    boundary with an ellipsis: how a dialog names a note (never by its internal id)."""
    flat = " ".join(clean_text(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut and flat[limit - 1] != " ":  # do not end in the middle of a word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"
