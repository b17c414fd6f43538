"""Untrusted text as inert Markdown, reading as it was written.

A backslash goes only before a character that would otherwise start markup *where it
stands* (CommonMark with tables and strikethrough, the dialect of the places people
paste into). So ``a < b``, ``Tom & Jerry``, ``[1]``, ``@team`` and ``snake_case`` stay as
they are, while ``<b>``, ``&amp;``, ``[x](http://y)``, ``*star*`` and a line that starts
``# `` or ``1. `` are made inert. ``tests/test_markdown_escape.py`` renders escaped text
with a real CommonMark parser and checks it reads back unchanged.
"""

from __future__ import annotations

import re

_ALWAYS = frozenset("\\`*|")
"""Escaped wherever they are: code spans, emphasis, table cells (all rare in prose)."""
_TAG_START = re.compile(r"<[A-Za-z/!?]")
"""An HTML tag, comment or autolink: ``<b>``, ``</p>``, ``<!--``, ``<http://x>``."""
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_LINK_END = re.compile(r"\]\s*[(\[:]")
"""What makes ``[...]`` a link, an image or a link definition (a lone ``[1]`` is text)."""
_BLOCK_START = re.compile(r"^(#{1,6}(?= |$)|>|[-+*](?= |$)|\d{1,9}[.)](?= |$)|\[[ xX]\](?= |$))")
"""What makes a line (or a list item's first words) a heading, quote, list or task."""
_RULE = re.compile(r"^(=+|-+|(- *){3,}|(_ *){3,})$")
"""A line of ``=`` or ``-`` alone underlines the line above it; ``- - -`` is a rule."""


def escape(text: str) -> str:
    """One line of untrusted text as inert Markdown (line breaks become spaces)."""
    return _escape_line(" ".join(text.split()))


def _escape_line(line: str) -> str:
    line = line.strip()
    out: list[str] = []
    for at, char in enumerate(line):
        if _needs_escape(line, at, char):
            out.append("\\")
        out.append(char)
    text = "".join(out)
    start = _BLOCK_START.match(line)
    if start and start.group(1)[0].isdigit():  # "1. " -> "1\. ": a backslash before a
        cut = len(start.group(1)) - 1  # digit is no escape in CommonMark
        return text[:cut] + "\\" + text[cut:]
    if (start or _RULE.match(line)) and not text.startswith("\\"):
        return "\\" + text
    return text


def _needs_escape(line: str, at: int, char: str) -> bool:
    if char in _ALWAYS:
        return True
    if char == "_":  # intraword underscores never emphasise (snake_case stays)
        before = line[at - 1] if at else " "
        after = line[at + 1] if at + 1 < len(line) else " "
        return not (before.isalnum() and after.isalnum())
    if char == "<":
        return bool(_TAG_START.match(line, at))
    if char == "&":
        return bool(_ENTITY.match(line, at))
    if char == "[":
        close = line.find("]", at + 1)
        return close != -1 and bool(_LINK_END.match(line, close))
    if char == "~":  # strikethrough takes a pair
        return line.count("~") > 1
    return False


def escape_block(text: str, indent: str = "  ") -> str:
    """Untrusted text that may have several lines, kept together on its bullet: each
    line escaped and indented under the first (soft breaks, no trailing backslashes)."""
    lines = [_escape_line(line) for line in text.split("\n")]
    lines = [line for line in lines if line] or [""]
    return ("\n" + indent).join(lines)
