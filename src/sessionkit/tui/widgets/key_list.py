"""The help screen's list of keys, each sentence wrapped under itself.

A key's sentence can be longer than the dialog is wide (at 80 columns many are). Wrapped
as one text it would go back to the left edge under the key names, and the column of
keys would no longer read as one; so each sentence is wrapped to the width left beside
its key, and its later lines start where its first one did (a hanging indent). The
wrapping depends on the width, so it is done when drawn, and the height follows.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

KeyRow = tuple[str, str]
"""A key's name as shown and its sentence."""

Row = Content | KeyRow
"""A line of its own (a heading, a blank, a note) or a key with its sentence."""

KEY_WIDTH = 9
"""The keys are right-aligned in a column this wide, so the sentences line up."""


class KeyList(Widget):
    def __init__(self, rows: Sequence[Row], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = list(rows)

    def lines(self, width: int) -> list[Content]:
        out: list[Content] = []
        for row in self.rows:
            if isinstance(row, Content):
                out.extend(row.wrap(width) if row.plain else [row])
                continue
            key, sentence = row
            head = Content.styled(f"  {key:>{KEY_WIDTH}}  ", "bold")
            indent = cell_len(head.plain)
            wrapped = Content(sentence).wrap(max(width - indent, 12))
            out.append(head + wrapped[0])
            out.extend(Content(" " * indent) + line for line in wrapped[1:])
        return out

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.size.width or 80))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))
