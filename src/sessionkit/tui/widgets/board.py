"""The facilitator's board: every note of the step in focus, one line each.

Over 400 lines: one Line API widget whose drawing, line cache and focus logic share
its row list; splitting them would put the cache's invariants in two places.

A Line API widget (like toolong's ``LogLines`` or Textual's ``OptionList``): it holds a
list of rows and draws only the lines in view, so a board of 10,000 notes costs what a
screenful costs. A widget per note would take seconds to mount (see PITFALLS.md).

The cursor is a row, remembered by what it points at (note or cluster id), so it stays on
the same note when the board is rebuilt after a change — including a note that has just
moved to another cluster: the cursor follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, cast

from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions

from sessionkit.tui.board_model import BoardModel, Row
from sessionkit.tui.safe import literal
from sessionkit.tui.widgets import kind_rows
from sessionkit.tui.widgets import rows as draw


@dataclass(frozen=True, slots=True)
class _Line:
    row: int
    part: int = 0
    """Which wrapped line of the row (only text rows wrap)."""


class Board(ScrollView, can_focus=True):
    """The notes (or vote targets, or rating scale) of the current step."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "board--cursor",
        "board--selected",
        "board--muted",
        "board--hidden",
        "board--private",
        "board--bar",
        "board--mark",
        "board--chip",
        "board--warning",
        "board--empty",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("ctrl+up", "group(-1)", "Previous group", show=False),
        Binding("ctrl+down", "group(1)", "Next group", show=False),
    ]

    # Each message names its board as ``control``, as Textual's own widgets do, so a
    # handler can be narrowed to one board: ``@on(Board.CursorMoved, "#board")``.

    class RowMessage(Message):
        """Something happened to a row of this board."""

        def __init__(self, board: Board, row: Row | None) -> None:
            super().__init__()
            self.board = board
            self.row = row

        @property
        def control(self) -> Board:
            return self.board

    class CursorMoved(RowMessage):
        """The cursor moved to another row (``None``: the board is empty)."""

    class Activated(RowMessage):
        """A row was double-clicked."""

        row: Row

    class Clicked(RowMessage):
        """A row was clicked with shift or ctrl held (toggle its selection)."""

        row: Row

    def __init__(self, *, empty: str = "Nothing here yet.", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = BoardModel("waiting")
        self.selected: frozenset[str] = frozenset()
        self.empty_message = empty
        self.cursor: int | None = None
        self._lines: list[_Line] | None = None
        """Which row (and which of its wrapped lines) each line shows; ``None``: one
        line per row, line y is row y (only text rows wrap)."""
        self._first_line: list[int] | None = None
        self._layout_width = -1
        self._wrapped: dict[int, list[Content]] = {}
        self._longest: int | None = None
        """The longest vote or rating label: the bar chart's label column fits it."""
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        """Drawn lines by what they show, so scrolling back and moving the cursor redraw
        only the lines that changed."""

    # ------------------------------------------------------------ data in

    def show(
        self, model: BoardModel, selected: frozenset[str] = frozenset(), *, empty: str | None = None
    ) -> None:
        """Replace the rows, keeping the cursor on the same note or cluster if it is there."""
        was = self.current_row
        old_cursor = self.cursor
        self.model = model
        self._longest = draw.longest_label(model.rows)
        self.selected = selected
        if empty is not None:
            self.empty_message = empty
        self._layout(force=True)
        self.cursor = self._find(was, old_cursor)
        if old_cursor is not None and self.cursor != old_cursor:
            self.scroll_to_cursor()  # a note that moved (to a cluster far down): in view
        self.refresh()
        now = self.current_row
        if (was is None) != (now is None) or (
            was is not None
            and now is not None
            and (was.kind, was.key, was.ref) != (now.kind, now.key, now.ref)
        ):
            self.post_message(self.CursorMoved(self, now))

    def set_selected(self, selected: frozenset[str]) -> None:
        self.selected = selected
        self.refresh()

    @property
    def rows(self) -> list[Row]:
        return self.model.rows

    @property
    def current_row(self) -> Row | None:
        if self.cursor is None or self.cursor >= len(self.model.rows):
            return None
        return self.model.rows[self.cursor]

    def _find(self, was: Row | None, old_cursor: int | None) -> int | None:
        rows = self.model.rows
        if was is not None:
            # Most changes leave the cursor's row where it was; else it moved (a note to
            # another cluster): follow it.
            if old_cursor is not None and old_cursor < len(rows):
                here = rows[old_cursor]
                if here.focusable and here.kind == was.kind and here.key == was.key:
                    return old_cursor
            for i, row in enumerate(rows):
                if row.focusable and row.kind == was.kind and row.key == was.key:
                    return i
        if old_cursor is None:  # a new board: start on the first note, not a heading
            first = next(
                (i for i, r in enumerate(rows) if r.focusable and r.kind != "section"), None
            )
            return first if first is not None else self._step_from(-1, 1)
        # The row went away (hidden from this board, merged...): stay at the same place.
        after = self._step_from(old_cursor - 1, 1)
        return after if after is not None else self._step_from(len(rows), -1)

    # ------------------------------------------------------------ layout

    def _layout(self, force: bool = False) -> None:
        width = self.scrollable_content_region.width if self.is_mounted else 0
        if width == self._layout_width and not force:
            return
        self._layout_width = width
        self._wrapped.clear()
        rows = self.model.rows
        if width <= 0 or not any(row.kind == "text" for row in rows):
            # One line per row (every board of notes): no line table to make, so a
            # board of 10,000 notes is laid out in the time it takes to count them.
            self._lines = None
            self._first_line = None
            self.virtual_size = Size(max(1, width), len(rows))
            return
        lines: list[_Line] = []
        first: list[int] = []
        for index, row in enumerate(rows):
            first.append(len(lines))
            if row.kind == "text":
                wrapped = (
                    literal(row.ref).wrap(max(1, width - 2))
                    if isinstance(row.ref, str)
                    else [row.ref]
                )
                self._wrapped[index] = wrapped or [Content("")]
                lines.extend(_Line(index, part) for part in range(len(self._wrapped[index])))
            else:
                lines.append(_Line(index))
        self._lines = lines
        self._first_line = first
        self.virtual_size = Size(max(1, width), len(lines))

    def _line_count(self) -> int:
        return len(self.model.rows) if self._lines is None else len(self._lines)

    def _line(self, y: int) -> _Line:
        return _Line(y) if self._lines is None else self._lines[y]

    def _first_of(self, row: int) -> int:
        """The first line a row is drawn on."""
        return row if self._first_line is None else self._first_line[row]

    def _end_of(self, row: int) -> int:
        """The line after the last one a row is drawn on."""
        if self._first_line is None:
            return row + 1
        first = self._first_line
        return first[row + 1] if row + 1 < len(first) else self._line_count()

    def on_resize(self, event: events.Resize) -> None:
        self._layout()
        self.refresh()

    # ------------------------------------------------------------ drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        self._layout()  # once per redraw, not once per line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self._layout_width
        index = y + self.scroll_offset.y
        base = self.get_visual_style()
        if not self.model.rows:
            if y == 1 and self.empty_message:
                content = Content.styled("  " + self.empty_message, ".board--empty")
                return self._strip(content, width, base)
            return Strip.blank(width, base.rich_style)
        if index >= self._line_count():
            return Strip.blank(width, base.rich_style)
        line = self._line(index)
        row = self.model.rows[line.row]
        if line.row == self.cursor:
            look = "cursor" if self.has_focus else "cursor-unfocused"
        elif row.kind == "note" and row.key in self.selected:
            look = "selected"
        else:
            look = ""
        key = self._cache_key(row, line, width, look)
        strip = self._strips.get(key)
        if strip is None:
            if look == "cursor":
                base = self.get_visual_style("board--cursor")
            elif look == "cursor-unfocused":
                base = self.get_visual_style("board--cursor", "board--muted")
            elif look == "selected":
                base = self.get_visual_style("board--selected")
            strip = self._strip(self._row_content(line, row, width), width, base)
            self._strips[key] = strip
        return strip

    def _cache_key(self, row: Row, line: _Line, width: int, look: str) -> tuple[object, ...]:
        """Everything a drawn line depends on (notes are mutable, so their fields)."""
        if row.kind == "note":
            note = row.ref
            what: object = (
                note.id,
                note.text,
                note.hidden,
                note.author_name,
                row.key in self.selected,
                self.model.private,
                row.group is None,
                self.model.colours.get(note.category or ""),
                note.id in self.model.picked,
            )
        elif row.kind == "text":
            what = (line.row, line.part, row.ref)
        elif row.kind in ("target", "scale", "word", "question"):
            what = (row.key, row.ref, self.model.tally_max, self._longest)
        else:
            what = (row.key, row.ref, row.focusable)
        return (row.kind, what, width, look)

    def notify_style_update(self) -> None:
        self._strips.clear()  # a theme change: every line looks different
        super().notify_style_update()

    def _strip(self, content: Content, width: int, base: Style) -> Strip:
        # RenderOptions types its rules as a RulesMap; Textual itself passes a widget's
        # styles there (Visual.to_strips), which are read the same way (rules.get).
        strips = content.render_strips(
            width, 1, base, RenderOptions(self._get_style, cast(RulesMap, self.styles))
        )
        strip = strips[0] if strips else Strip([])
        return strip.extend_cell_length(width, base.rich_style)

    def _row_content(self, line: _Line, row: Row, width: int) -> Content:
        kind = row.kind
        if kind == "note":
            note = row.ref
            return draw.note_content(
                note,
                width,
                selected=row.key in self.selected,
                private=self.model.private,
                indent=1 if row.group is None else 2,
                colour=self.model.colours.get(note.category or ""),
                picked=note.id in self.model.picked,
            )
        if kind == "section":
            return draw.section_content(row, width)
        if kind == "target":
            labels = draw.label_width(width, self._longest)
            return draw.target_content(row, width, self.model.tally_max, labels)
        if kind == "scale":
            labels = draw.label_width(width, self._longest)
            return draw.scale_content(row, width, self.model.tally_max, labels)
        if kind == "text":
            return Content(" ") + self._wrapped.get(line.row, [Content("")])[line.part]
        if kind in kind_rows.KIND_ROWS:
            return kind_rows.KIND_ROWS[kind](row, width, self.model.tally_max)
        return draw.fit(literal(row.ref), width)

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()

    # ------------------------------------------------------------ cursor

    def move_to(self, index: int | None) -> None:
        if index == self.cursor:
            return
        old, self.cursor = self.cursor, index
        for row in (old, index):  # only the two lines whose look changed
            if row is not None and row < len(self.model.rows):
                start = self._first_of(row)
                self.refresh_lines(start, self._end_of(row) - start)
        self.scroll_to_cursor()
        self.post_message(self.CursorMoved(self, self.current_row))

    def move_to_key(self, kind: str, key: str) -> None:
        for i, row in enumerate(self.model.rows):
            if row.kind == kind and row.key == key:
                self.move_to(i)
                return

    def scroll_to_cursor(self) -> None:
        if self.cursor is None or self.cursor >= len(self.model.rows):
            return
        top = self._first_of(self.cursor)
        height = self.scrollable_content_region.height
        scroll_y = self.scroll_offset.y
        if top < scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top >= scroll_y + height:
            self.scroll_to(y=top - height + 1, animate=False, immediate=True)

    def _step_from(self, start: int, direction: int) -> int | None:
        rows = self.model.rows
        i = start + direction
        while 0 <= i < len(rows):
            if rows[i].focusable:
                return i
            i += direction
        return None

    def action_cursor(self, direction: int) -> None:
        if self.cursor is None:
            self.move_to(self._step_from(-1, 1))
            return
        target = self._step_from(self.cursor, direction)
        if target is not None:
            self.move_to(target)
        elif direction < 0:
            self.scroll_to(y=0, animate=False, immediate=True)  # show headings above

    def action_page(self, direction: int) -> None:
        if self.cursor is None:
            return
        height = max(1, self.scrollable_content_region.height - 1)
        line = self._first_of(self.cursor) + direction * height
        line = max(0, min(line, self._line_count() - 1))
        row = self._line(line).row
        target = (
            row
            if self.model.rows[row].focusable
            else (self._step_from(row, direction) or self._step_from(row, -direction))
        )
        if target is not None:
            self.move_to(target)

    def action_jump(self, where: int) -> None:
        target = self._step_from(-1, 1) if where == 0 else self._step_from(len(self.rows), -1)
        if target is not None:
            self.move_to(target)
            if where == 0:
                self.scroll_to(y=0, animate=False, immediate=True)

    def action_group(self, direction: int) -> None:
        """Jump to the next or previous section heading (or its first note)."""
        if self.cursor is None:
            return
        rows = self.model.rows
        i = self.cursor + direction
        while 0 <= i < len(rows):
            if rows[i].kind == "section":
                target = i if rows[i].focusable else self._step_from(i, 1)
                if target is not None and target != self.cursor:
                    self.move_to(target)
                    return
            i += direction

    # ------------------------------------------------------------ mouse

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        line = offset.y + self.scroll_offset.y
        if 0 <= line < self._line_count():
            row = self._line(line).row
            return row if self.model.rows[row].focusable else None
        return None

    async def _on_click(self, event: events.Click) -> None:
        row = self._row_at(event)
        if row is None:
            return
        self.focus()
        self.move_to(row)
        if event.chain == 2:
            self.post_message(self.Activated(self, self.model.rows[row]))
        elif event.ctrl or event.shift:
            self.post_message(self.Clicked(self, self.model.rows[row]))
