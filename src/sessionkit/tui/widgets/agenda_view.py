"""The agenda panel of the run screen: planned against actual, and a way to go to an item.

A click on an item's row, or enter on the row the cursor is on (tab puts the focus in the
agenda, ↑ ↓ move it), asks to go there; the screen confirms first, since phones follow
and moving is not undone.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region
from textual.message import Message

from sessionkit.core.engine import Engine
from sessionkit.tui.widgets.agenda import agenda_lines
from sessionkit.tui.widgets.panels import Panel


class AgendaView(Panel):
    """The agenda with planned and actual times, redrawn every few seconds.

    A click on an item's row, or enter on the row the cursor is on (↑ ↓ move it while
    the agenda has the focus), asks to go to that item: :class:`AgendaView.Chosen`."""

    can_focus = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Previous item", show=False),
        Binding("down", "move(1)", "Next item", show=False),
        Binding("enter", "choose", "Go there", show=False),
    ]

    class Chosen(Message):
        """The facilitator picked agenda item ``item`` (its index in the plan)."""

        def __init__(self, item: int) -> None:
            super().__init__()
            self.item = item

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._engine: Engine | None = None
        self._now = 0.0
        self.owners: list[int | None] = []
        self.cursor: int | None = None
        """The item the keyboard is on while the agenda has the focus."""

    def show(self, engine: Engine, now: float) -> None:
        self._engine, self._now = engine, now
        width = self.content_region.width or 30
        cursor = self.cursor if self.has_focus else None
        lines, self.owners = agenda_lines(engine, now, width, cursor)
        self.set(Content("\n").join(lines))

    def _redraw(self) -> None:
        if self._engine is not None:
            self.show(self._engine, self._now)

    def on_resize(self) -> None:
        # Shown again after being hidden (tab at 80 columns): lay the lines out anew.
        self._redraw()

    def on_focus(self) -> None:
        if self.cursor is None and self._engine is not None:
            state = self._engine.state
            self.cursor = state.item if state.started else 0
        self._redraw()
        self._scroll_to_cursor()

    def on_blur(self) -> None:
        self._redraw()

    def action_move(self, delta: int) -> None:
        items = list(dict.fromkeys(i for i in self.owners if i is not None))  # in order, once
        if not items:
            return
        here = items.index(self.cursor) if self.cursor in items else 0
        self.cursor = items[max(0, min(len(items) - 1, here + delta))]
        self._redraw()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if self.cursor in self.owners:
            y = self.owners.index(self.cursor)
            self.scroll_visible()  # the panel itself, then the row inside the scroll
            if self.parent is not None and hasattr(self.parent, "scroll_to_region"):
                self.parent.scroll_to_region(Region(0, y, 1, 1), animate=False)

    def action_choose(self) -> None:
        if self.cursor is not None:
            self.post_message(self.Chosen(self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not 0 <= offset.y < len(self.owners):
            return
        item = self.owners[offset.y]
        if item is not None:
            self.cursor = item
            self.post_message(self.Chosen(item))
