"""The board as the room sees it on the projector: notes as cards in columns.

Read-only, no cursor. Built from the same rows as the facilitator's board but with the
room's visibility (no hidden notes, no private notes before they are revealed). Laid out
once per change or resize into a list of strips, then scrolled with the Line API. During
an open vote the room sees what is being voted on but not the running tally, so early
dots do not sway later ones; the results appear, ranked, when the vote closes.

Sized for the screen it is on (80x24 to 160x50 and up): the room cannot scroll, so the
last line counts what does not fit ("and 12 more"), and the labels of votes and ratings
wrap beside their bars rather than being cut. The words people read are drawn by
:func:`more_content`, :meth:`RoomBoard._target` and :meth:`RoomBoard._bars`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, cast

from textual import events
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import RenderOptions

from sessionkit.tui.board_model import BoardModel, Row
from sessionkit.tui.cells import clip_words
from sessionkit.tui.safe import literal, one_line
from sessionkit.tui.widgets import kind_rows
from sessionkit.tui.widgets import rows as draw

CARD_MIN = 26
GAP = 2
CARD_MAX_LINES = 6
UNCOUNTED = frozenset({"section", "text", "word", "grid"})
"""Rows that are not items the room counts: headings, text, the cloud's words (they
flow together) and a canvas's rows (each holds many notes)."""
LABEL_LINES = 2
"""Lines a vote's or rating's label may wrap to in the room view."""


def bar_parts(row: Row) -> tuple[Content, Content, int]:
    """A vote's or rating's label, what it holds ("  3 notes") and its count; nothing
    for other rows."""
    if row.kind == "target":
        (label, extra), count = row.ref
        muted = Content.styled(f"  {extra}", ".board--muted")
        return draw.vote_label(label), muted if extra else Content(""), count
    if row.kind == "scale":
        _value, label, count = row.ref
        return one_line(label), Content(""), count
    return Content(""), Content(""), 0


def more_content(more: int) -> Content:
    """The board's last line when ``more`` items do not fit above it (the room cannot
    scroll, so it is told how many there are)."""
    return Content.styled(f" and {more} more", "bold")


class RoomBoard(ScrollView):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "board--card",
        "board--muted",
        "board--bar",
        "board--chip",
        "board--empty",
        "board--heading",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = BoardModel("waiting")
        self.items = 0
        """How many items the board has (what "and 12 more" counts)."""
        self.vote_open = False
        self.empty_message = ""
        self._strips: list[Strip] = []
        self._shown: list[int] = []
        """For each line laid out: how many items (notes, votes...) are drawn whole by its
        end. The room cannot scroll, so the last line says how many more there are."""
        self._drawn = 0
        self._producer: Iterator[Strip] | None = None
        self._width = -1

    def show(self, model: BoardModel, *, vote_open: bool = False, empty: str = "") -> None:
        self.model = model
        self.items = sum(1 for row in model.rows if row.kind not in UNCOUNTED)
        self.vote_open = vote_open
        self.empty_message = empty
        self._layout(force=True)
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._layout()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._layout()
        self._ensure(self.scroll_offset.y + crop.bottom + 1)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self._width
        if y == self.scrollable_content_region.height - 1 and index > 0:
            more = self.items - self._shown_by(index - 1)
            if more > 0 and (index + 1 < len(self._strips) or self._producer is not None):
                return self._line(more_content(more), width)
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(width, self.get_visual_style().rich_style)

    def _shown_by(self, index: int) -> int:
        shown = self._shown
        return shown[min(index, len(shown) - 1)] if shown else 0

    # ------------------------------------------------------------ layout

    # Not named _render: that is Widget's own (private) method, with another signature.
    def _line(self, content: Content, width: int, *component: str) -> Strip:
        style = self.get_visual_style(*component)
        # RenderOptions types its rules as a RulesMap; Textual itself passes a widget's
        # styles there (Visual.to_strips), which are read the same way (rules.get).
        options = RenderOptions(self._get_style, cast(RulesMap, self.styles))
        strips = content.render_strips(width, 1, style, options)
        strip = strips[0] if strips else Strip([])
        return strip.extend_cell_length(width, style.rich_style).crop(0, width)

    def _layout(self, force: bool = False) -> None:
        """Start laying the board out for the current width.

        Lines are produced lazily (:meth:`_ensure`), as far as the view needs: wrapping
        every one of 10,000 notes into cards before showing the first screen would
        freeze the app for seconds. The scrollable height is estimated until the end of
        the board has been laid out, then exact.
        """
        width = self.scrollable_content_region.width if self.is_mounted else 0
        if width == self._width and not force:
            return
        self._width = width
        self._strips = []
        self._shown = []
        self._drawn = 0
        self._producer = self._produce(width) if width > 0 else None
        self.virtual_size = Size(width, self._estimate(width) if width > 0 else 0)

    def _ensure(self, lines: int) -> None:
        """Lay out until at least ``lines`` lines exist (or the board ends)."""
        producer = self._producer
        if producer is None:
            return
        strips = self._strips
        for strip in producer:
            strips.append(strip)
            self._shown.append(self._drawn)
            if len(strips) >= lines:
                break
        else:
            self._producer = None
            self.virtual_size = Size(self._width, len(strips))

    def _estimate(self, width: int) -> int:
        """Roughly how many lines the board takes, without wrapping any text."""
        columns, card_width = self._grid(width)
        inner = max(1, card_width - 2)
        total = 2
        run: list[int] = []

        def flush() -> int:
            lines = 0
            for start in range(0, len(run), columns):
                lines += max(run[start : start + columns]) + 1
            run.clear()
            return lines

        for row in self.model.rows:
            if row.kind == "note":
                run.append(min(CARD_MAX_LINES, len(row.ref.text) // inner + 1))
                continue
            total += flush()
            if row.kind == "grid":  # a heading, the stages, a line or so per note
                total += 3 + max(len(texts) for _, texts in row.ref[1])
                continue
            total += (
                2
                if row.kind == "section"
                else len(str(row.ref)) // width + 1
                if row.kind == "text"
                else 1
            )
        return total + flush()

    def _grid(self, width: int) -> tuple[int, int]:
        columns = max(1, (width + GAP) // (CARD_MIN + GAP))
        return columns, (width - GAP * (columns - 1)) // columns

    def _produce(self, width: int) -> Iterator[Strip]:
        rows = self.model.rows
        blank = Strip.blank(width, self.get_visual_style().rich_style)
        if not rows and self.empty_message:
            yield blank
            yield self._line(Content.styled(self.empty_message, ".board--empty"), width)
        previous_blank = True
        rank = 0
        longest = max(
            (sum(part.cell_length for part in bar_parts(row)[:2]) for row in rows),
            default=None,
        )
        i = 0
        while i < len(rows):
            row = rows[i]
            if row.kind == "word":  # the words of a cloud flow together
                j = i
                while j < len(rows) and rows[j].kind == "word":
                    j += 1
                cloud = kind_rows.cloud_lines(rows[i:j], width, self.model.tally_max)
                for content in cloud:
                    yield self._line(content, width)
                previous_blank = False
                i = j
                continue
            if row.kind == "note":
                j = i
                while j < len(rows) and rows[j].kind == "note":
                    j += 1
                yield from self._cards([r.ref.text for r in rows[i:j]], width, blank)
                previous_blank = True
                i = j
                continue
            if row.kind == "section":
                if not previous_blank:
                    yield blank
                yield self._line(
                    draw.section_content(row, width, room=True), width, "board--heading"
                )
            elif row.kind == "grid":
                if not previous_blank:
                    yield blank
                yield from self._grid_row(row, width)
                yield blank
                previous_blank = True
                i += 1
                continue
            elif row.kind == "target":
                rank += 1
                self._drawn += 1
                yield from self._target(row, width, rank, longest)
            elif row.kind == "scale":
                self._drawn += 1
                head = Content.styled(f"{row.ref[0]:>4} ", "bold")  # the point of the scale
                yield from self._bars(head, row, width, longest)
            elif row.kind == "text":
                for line in literal(row.ref).wrap(width - 1) or [Content("")]:
                    yield self._line(Content(" ") + line, width)
            elif row.kind in kind_rows.KIND_ROWS:
                self._drawn += 1
                yield self._line(
                    kind_rows.KIND_ROWS[row.kind](row, width, self.model.tally_max), width
                )
            previous_blank = False
            i += 1

    def _target(self, row: Row, width: int, rank: int, longest: int | None) -> Iterator[Strip]:
        if self.vote_open:  # what is voted on, without the tally
            for n, line in enumerate(clip_words(draw.target_label(row), width - 4, LABEL_LINES)):
                yield self._line(Content(" ● " if n == 0 else "   ") + line, width)
            return
        yield from self._bars(Content.styled(f"{rank:>3}. ", "bold"), row, width, longest)

    def _bars(self, head: Content, row: Row, width: int, longest: int | None) -> Iterator[Strip]:
        """A vote's or rating's bar: the label wrapped in its column (two lines at most,
        then "…"), so it is read whole, with the bar and count beside its first line."""
        label, extra, count = bar_parts(row)
        inner = width - head.cell_length
        labels = draw.label_width(inner, longest)
        lines = clip_words(label, labels, LABEL_LINES) or [Content("")]
        if extra and lines[-1].cell_length + extra.cell_length <= labels:
            lines[-1] += extra  # "3 notes" only where it fits whole: the label matters more
        first = draw.bar_line(lines[0], labels, count, self.model.tally_max, inner)
        yield self._line(head + first, width)
        indent = Content(" " * (head.cell_length + 1))
        for line in lines[1:]:
            yield self._line(indent + line, width)

    def _grid_row(self, row: Row, width: int) -> Iterator[Strip]:
        """One row of a grid canvas as a table row: its label, then its cells side by
        side under their column labels, each note a bullet wrapped within its cell."""
        label, cells = row.ref
        yield self._line(
            Content.styled(" " + " ".join(label.split()), "bold"), width, "board--heading"
        )
        count = len(cells)
        cell_width = max(4, (width - GAP * (count - 1)) // count)
        columns: list[list[Content]] = []
        for heading, texts in cells:
            lines = [draw.fit(Content.styled(" ".join(heading.split()), "underline"), cell_width)]
            for text in texts:
                wrapped = literal(text).wrap(max(1, cell_width - 2)) or [Content("")]
                lines.extend(
                    (Content("• ") if n == 0 else Content("  ")) + line
                    for n, line in enumerate(wrapped[:CARD_MAX_LINES])
                )
            if not texts:
                lines.append(Content.styled("—", ".board--muted"))
            columns.append(lines)
        style = self.get_visual_style().rich_style
        gap = Strip.blank(GAP, style)
        for line_no in range(max(len(c) for c in columns)):
            parts: list[Strip] = []
            for n, lines in enumerate(columns):
                if n:
                    parts.append(gap)
                line = lines[line_no] if line_no < len(lines) else Content("")
                parts.append(self._line(line, cell_width))
            yield Strip.join(parts).extend_cell_length(width, style).crop(0, width)

    def _cards(self, texts: list[str], width: int, blank: Strip) -> Iterator[Strip]:
        columns, card_width = self._grid(width)
        inner = max(1, card_width - 2)
        gap = Strip.blank(GAP, self.get_visual_style().rich_style)
        tail_width = width - columns * card_width - GAP * (columns - 1)
        for start in range(0, len(texts), columns):
            cards: list[list[Content]] = []
            for text in texts[start : start + columns]:
                lines = literal(text).wrap(inner)
                if len(lines) > CARD_MAX_LINES:
                    lines = lines[:CARD_MAX_LINES]
                    lines[-1] = draw.fit(lines[-1] + "…", inner)
                cards.append(lines or [Content("")])
            height = max(len(card) for card in cards)
            for line_no in range(height):
                parts: list[Strip] = []
                for n in range(columns):
                    if n:
                        parts.append(gap)
                    if n < len(cards):
                        card = cards[n]
                        line = card[line_no] if line_no < len(card) else Content("")
                        parts.append(self._line(Content(" ") + line, card_width, "board--card"))
                    else:
                        parts.append(Strip.blank(card_width, self.get_visual_style().rich_style))
                if tail_width > 0:
                    parts.append(Strip.blank(tail_width, self.get_visual_style().rich_style))
                if line_no == height - 1:  # this row of cards is drawn whole
                    self._drawn += len(cards)
                yield Strip.join(parts)
            yield blank
