"""Drawing the rows of the words, questions and actions boards, and their info line.

Shared by the facilitator's board and the room view, like :mod:`.rows`; every piece of
participant text goes through :mod:`sessionkit.tui.safe`. No internal id is drawn.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content

from sessionkit.core.engine import Engine
from sessionkit.core.inputs.actions import ActionsInput, listed
from sessionkit.core.inputs.base import InputSpec
from sessionkit.tui.board_model import Row
from sessionkit.tui.safe import one_line
from sessionkit.tui.widgets.rows import fit


def action_content(row: Row, width: int, most: int = 0) -> Content:
    """An action: a tick box, what, then who and by when (and where it came from)."""
    what, who, due, source, done, dropped = row.ref
    box = Content.styled(" ✓ " if done else " ☐ ", "bold" if done else ".board--muted")
    meta = Content("")
    for part in (who, f"by {due}" if due else "", f"from: {source}" if source else ""):
        if part:
            meta += Content.styled("  ·  ", ".board--muted") + one_line(part, ".board--muted")
    if dropped:
        meta += Content.styled("  dropped", ".board--warning")
    style = ".board--hidden" if dropped else "strike" if done else ""
    text = one_line(what, style)
    room = width - 3 - meta.cell_length
    if room < 16:  # narrow: the what matters more than the who
        meta = fit(meta, max(0, width - 3 - 16))
        room = width - 3 - meta.cell_length
    return box + fit(text, room) + meta


KIND_ROWS: dict[str, Callable[[Row, int, int], Content]] = {
    "action": action_content,
}
"""Row kind -> how it is drawn (``most``: the board's largest count, for sizes and bars)."""


def board_info(engine: Engine, spec: InputSpec) -> Content | None:
    """The line above the board for these kinds (``None``: not one of them)."""
    state = engine.state
    key = state.step_key
    if isinstance(spec, ActionsInput):
        actions = listed(state, key)
        done = sum(1 for a in actions if a.done)
        who = "phones may propose" if spec.who_can_add == "everyone" else "you add them"
        return Content(
            f"{len(actions)} action{'s' * (len(actions) != 1)} · {done} done · {who} · "
            "a adds, enter edits, y done"
        )
    return None
