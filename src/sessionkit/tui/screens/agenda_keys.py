"""Going to an agenda item from the agenda panel: a click on its row, or tab into the
agenda, ↑ ↓ and enter.

Phones follow the facilitator and moving is not undone, so it asks first, and says what
happens to the item being left: it is marked "left" (not done) when some of its steps
were never run (:func:`sessionkit.core.timeline.was_left`).
"""

from __future__ import annotations

from textual import on

from sessionkit.core import commands as c
from sessionkit.core.timeline import steps_run
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.modals import Confirm
from sessionkit.tui.widgets.agenda_view import AgendaView


class AgendaKeys(SessionScreen):
    def action_focus_agenda(self) -> None:
        """tab: into the agenda (showing the panel if it was hidden), or back to the board."""
        agenda = self.query_one(AgendaView)
        if agenda.has_focus:
            self.query_one("#board").focus()
            return
        side = self.query_one("#side")
        if not side.display:
            self.set_class(True, "-show-side")
            self.set_class(False, "-hide-side")
        agenda.focus()

    @on(AgendaView.Chosen)
    def agenda_chosen(self, event: AgendaView.Chosen) -> None:
        event.stop()
        self.ask_to_go(event.item)

    def ask_to_go(self, index: int) -> None:
        engine = self.engine
        state = engine.state
        items = engine.items
        if not 0 <= index < len(items):
            return
        target = items[index]
        here = state.started and state.ended_at is None and state.item == index
        if here:
            self.notify(
                f"You are on {index + 1}. {target.title} already (n and p move between its steps).",
                markup=False,
            )
            return
        question = f"Go to {index + 1}. {target.title}?"
        detail = ["Phones follow. ctrl+z does not undo a move; p and n step back and forth."]
        if not state.started:
            question = f"Start the session at {index + 1}. {target.title}?"
        elif state.ended_at is not None:
            detail.insert(0, "The session has ended: this opens it again.")
        else:
            current = items[state.item]
            count = max(1, len(current.steps))
            run = steps_run(state, state.item, count)
            if run < count:
                detail.insert(
                    0,
                    f"“{current.title}” is marked left, not done: {run} of its {count} steps "
                    "were run.",
                )

        def answer(yes: bool | None) -> None:
            if yes:
                self.link.do(c.GoTo, item=index, step=0)

        self.app.push_screen(Confirm(question, " ".join(detail)), answer)
