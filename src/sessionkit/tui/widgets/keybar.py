"""The footer: the keys that apply right now, on one line.

Textual's ``Footer`` rebuilds a widget per key every time the bindings change, and the
layout pass that follows costs tens of milliseconds on a full screen; on the run screen
the bindings change with every step. This bar is a single widget drawn from the screen's
key list (``keys.py``), redrawn without a layout pass. Keys are clickable, like the
Footer's. The essential keys come first (``Key.essential``: the timer, next step and the
room view, so ``v Room`` is there at 80 columns), then the others in the list's order
while they fit; the line ends with ``? keys``, which lists all of them (as does the
command palette, ctrl+p, shown too when there is room).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual.content import Content
from textual.widget import Widget

from sessionkit.tui.keys import Key, split_action


class KeyBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--label"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._items: list[tuple[str, str, str]] = []
        self._drawn: tuple[object, ...] | None = None
        self._notice = ""

    def show(
        self,
        keys: Sequence[Key],
        applies: Callable[[str, tuple[object, ...]], bool | None],
        kind: str = "",
        *,
        notice: str = "",
    ) -> None:
        """Show ``keys`` that apply (``applies(action, params)`` is true) on this ``kind``,
        after a ``notice`` (our own words: "Session ended") if there is one."""
        items: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for key in sorted(keys, key=lambda key: not key.essential):  # stable: list order
            if not key.show or (key.footer is not None and kind not in key.footer):
                continue
            name, params = split_action(key.action)
            if key.action in seen or not applies(name, params):
                continue
            seen.add(key.action)
            items.append(
                (
                    key.shown_keys.split(" ")[0] if not key.display else key.display,
                    key.label_for(kind),
                    key.action,
                )
            )
        if (notice, *items) != self._drawn:
            self._drawn = (notice, *items)
            self._items = items
            self._notice = notice
            self.refresh()

    def render(self) -> Content:
        width = self.size.width
        # Help always shows: it leads to every key left out here.
        tail = Content.assemble(
            *(
                self._item(key, "keys", f"screen.{action}")
                for key, _label, action in self._items
                if action == "help"
            )
        )
        palette = self._item("^p", "palette", "app.command_palette")
        parts: list[Content] = []
        if self._notice:
            parts.append(Content.styled(f" {self._notice} ", "bold reverse") + " ")
        used = tail.cell_length + 1 + sum(part.cell_length for part in parts)
        for key, label, action in self._items:
            if action == "help":
                continue
            item = self._item(key, label, f"screen.{action}")
            if used + item.cell_length > width:
                break
            parts.append(item)
            used += item.cell_length
        else:  # every key fits: the palette too, if there is room
            if used + palette.cell_length <= width:
                tail += palette
                used += palette.cell_length
        gap = Content(" " * max(0, width - used))
        return Content.assemble(*parts, gap, tail)

    def _item(self, key: str, label: str, action: str) -> Content:
        # Our own text only (keys.py): the click style runs the key's action.
        return Content.assemble(
            Content.styled(f" {key} ", ".keybar--key"),
            Content.styled(f"{label} ", ".keybar--label"),
        ).stylize(f"@click={action}")
