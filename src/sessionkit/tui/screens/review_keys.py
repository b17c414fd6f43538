"""The run screen's keys on a review step: mark a carried action, add what was learned.

A mixin of :class:`~sessionkit.tui.screens.run.RunScreen`, like :mod:`.kinds`. Every key
is one engine command (journalled); a refusal is a notification, never lost.
"""

from __future__ import annotations

from sessionkit.core import commands as c
from sessionkit.core.command import MAX_NOTE_CHARS
from sessionkit.core.inputs.actions import MAX_ACTION_CHARS
from sessionkit.tui.board_model import Row
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.modals import Picker, TextPrompt
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.panels import Detail

STATUS_CHOICES = (
    ("done", "Done"),
    ("in progress", "In progress"),
    ("changed", "Changed (reword it)"),
    ("dropped", "Dropped"),
    ("open", "Open (not looked at yet)"),
)


class ReviewActions(SessionScreen):
    """Keys and the detail line of the review board."""

    _kind: str

    def applies(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.host.link is not None and action in ("review_status", "add_learning"):
            return self._kind == "review" and bool(self.engine.state.reviews)
        return super().applies(action, parameters)

    def review_detail(self, row: Row) -> bool:
        """Show a carried action in the detail panel (True if the row is one)."""
        if row.kind != "reviewed":
            return False
        what, who, due, origin, status, learned, _ = row.ref
        facts = [who or "nobody named", f"by {due}" if due else "no date", origin, status]
        if learned:
            facts.append("learned: " + " / ".join(learned))
        facts.append("y marks it · a adds what was learned")
        self.query_one(Detail).show_text(what, " · ".join(facts))
        return True

    def _focused_review(self) -> Row | None:
        row = self.query_one(Board).current_row
        if row is None or row.kind != "reviewed" or row.key is None:
            self.notify("Move the cursor to an action first.", markup=False)
            return None
        return row

    def action_review_status(self) -> None:
        row = self._focused_review()
        if row is None:
            return
        action = self.engine.state.reviews[str(row.key)]

        def chosen(status: str | None) -> None:
            if not status:
                return
            if status != "changed":
                self.link.do(c.SetActionStatus, action=action.id, status=status)
                return

            def reworded(what: str | None) -> None:
                if what is not None:
                    self.link.do(c.SetActionStatus, action=action.id, status=status, what=what)

            self.app.push_screen(
                TextPrompt(
                    "What the action is now",
                    action.what,
                    hint="enter saves · esc cancels",
                    max_length=MAX_ACTION_CHARS,
                ),
                reworded,
            )

        self.app.push_screen(
            Picker("Where has this action got to?", STATUS_CHOICES, current=action.status),
            chosen,
        )

    def action_add_learning(self) -> None:
        row = self._focused_review()
        if row is None:
            return
        action_id = str(row.key)

        def written(text: str | None) -> None:
            if text:
                self.link.do(c.AddLearning, action=action_id, text=text)

        self.app.push_screen(
            TextPrompt(
                "What did we learn from it?",
                placeholder="One thing learned, then enter",
                max_length=MAX_NOTE_CHARS,
            ),
            written,
        )
