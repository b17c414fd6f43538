"""The form for one action: what, who, by when, and the note or cluster it came from.

``submit(fields)`` carries it out and returns True if the engine accepted it; a refused
action (an impossible date, say) leaves the form open with everything typed still in it,
and the engine's message is shown in the form. ``ctrl+o`` picks where it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from sessionkit.tui.safe import literal, one_line
from sessionkit.tui.screens.modals import Dialog, Picker

Submit = Callable[[dict[str, str]], "str | None"]
"""Fields -> ``None`` if accepted, else the message saying why not."""


class ActionForm(Dialog[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+o", "source", "Where from", priority=True),
    ]

    def __init__(
        self,
        title: str,
        submit: Submit,
        *,
        what: str = "",
        who: str = "",
        due: str = "",
        source: str = "",
        sources: Sequence[tuple[str, str]] = (),
        people: Sequence[str] = (),
        again: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.submit = submit
        self.values = {"what": what, "who": who, "due": due}
        self.source = source
        self.sources = list(sources)
        self.people = list(people)
        self.again = again
        """Stay open for the next action after one is added (paper entry)."""
        self.added = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield Input(self.values["what"], placeholder="What will be done", id="what")
            who_hint = "Who (a name)"
            if self.people:
                who_hint += ": " + ", ".join(self.people[:4])
            yield Input(self.values["who"], placeholder=who_hint, id="who", max_length=40)
            yield Input(self.values["due"], placeholder="By when: YYYY-MM-DD (or empty)", id="due")
            yield Static(id="action-source")
            yield Static(id="action-error", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#what", Input).max_length = 300
        self._show()

    def _show(self, error: str = "") -> None:
        label = dict(self.sources).get(self.source, "") if self.source else ""
        source = Content.assemble(
            ("From: ", "dim"),
            one_line(label) if label else Content.styled("(nothing in particular)", "dim"),
        )
        if self.sources:
            source += Content.styled("  ctrl+o chooses", "dim")
        self.query_one("#action-source", Static).update(source)
        hint = "enter saves · tab next field · esc closes"
        if self.added:
            hint = f"{self.added} added · " + hint
        self.query_one("#action-error", Static).update(
            one_line(error, "bold $error") if error else Content.styled(hint, "dim")
        )

    def action_source(self) -> None:
        if not self.sources:
            return
        choices = [("", "(nothing in particular)"), *self.sources]

        def picked(source: str | None) -> None:
            if source is not None:
                self.source = source
                self._show()

        self.app.push_screen(Picker("Where does this action come from?", choices), picked)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = {name: self.query_one(f"#{name}", Input).value.strip() for name in self.values}
        if not fields["what"]:
            self._show("Say what will be done.")
            self.query_one("#what", Input).focus()
            return
        fields["source"] = self.source
        error = self.submit(fields)
        if error is not None:
            self._show(error)
            return
        if not self.again:
            self.dismiss(True)
            return
        self.added += 1
        for name in self.values:
            self.query_one(f"#{name}", Input).value = ""
        self.source = ""
        self.query_one("#what", Input).focus()
        self._show()
