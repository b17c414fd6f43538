"""Removing a participant's text for good (``X``): the reason dialog and the run screen's key.

A mixin of :class:`~sessionkit.tui.screens.run.RunScreen`, like the kinds' keys. ``X`` on a
note (of any notes, canvas or cluster board, or a note being voted on or sorted), a word
of the cloud, a question, a request, an action or an action under review asks why
(safeguarding first) and then for a yes, since it cannot be undone; the engine then
replaces the text everywhere (``core.redaction``). Hiding only takes text out of sight;
this takes it out of the record.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sessionkit.core import commands as c
from sessionkit.core.redaction import REASONS, REMOVED_TEXT, item_kind, reason_of
from sessionkit.core.undo import NOT_UNDOABLE
from sessionkit.tui.board_model import Row
from sessionkit.tui.safe import literal, one_line
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.modals import Dialog
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.panels import Detail

WHAT = {
    "note": "note",
    "word": "word",
    "question": "question",
    "request": "request",
    "action": "action",
    "review": "action",
}
"""What the dialog calls the item ("Remove this word's text?")."""
_KEEPS = {
    "note": "The note stays where it is, and its dots, cluster and place still count.",
    "word": "Every answer that gave this word is removed; they still count in the cloud.",
    "question": "The question stays, with its upvotes.",
    "request": "The request stays, with its answer; a reply to it goes too.",
    "action": "The action stays on the list, with who and by when.",
    "review": (
        "The action stays, with its status; the words it came from, its rewordings and "
        "what was learned from it go too. Other runs of the series drop it when next opened."
    ),
}
REMOVABLE_BOARDS = frozenset(
    {
        "notes",
        "canvas",
        "cluster",
        "vote",
        "sort",
        "words",
        "questions",
        "actions",
        "requests",
        "review",
    }
)


class ReasonDialog(Dialog[str]):
    """Why remove this text (a reason code), then a yes: it cannot be undone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Keep it"),
        Binding("y", "confirm", "Remove", show=False),
        Binding("n", "cancel", "Keep it", show=False),
    ]

    def __init__(self, what: str, text: str, keeps: str) -> None:
        super().__init__()
        self.what = what
        self.text = text
        self.keeps = keeps
        self.reason: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Static(
                literal(f"Remove this {self.what}'s text? {NOT_UNDOABLE}", "bold"),
                classes="dialog-title",
            )
            yield Static(Content.assemble("“", one_line(self.text), "”"), id="redact-text")
            yield Static(
                literal(
                    f"It is replaced by {REMOVED_TEXT} on the board, the room view, phones and "
                    f"every export. {self.keeps}"
                ),
                classes="dialog-hint",
            )
            yield Static(literal("Why?", "bold"))
            yield OptionList(*(Option(label, id=code) for code, label in REASONS.items()))
            yield Static(
                Content.styled("enter chooses the reason · esc keeps the text", "dim"),
                id="redact-hint",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.reason = event.option.id
        label = REASONS[self.reason or ""]
        self.query_one("#redact-hint", Static).update(
            Content.assemble(
                Content.styled(f"Remove it, for “{label}”? ", "bold"),
                Content.styled("y removes it · esc keeps it · ↑ ↓ another reason", "dim"),
            )
        )

    def action_confirm(self) -> None:
        if self.reason is not None:
            self.dismiss(self.reason)


class RedactKeys(SessionScreen):
    """``X`` on the run screen, and what the detail panel says of a removed text."""

    _kind: str

    def applies(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "redact" and self.host.link is not None:
            return self._kind in REMOVABLE_BOARDS
        return super().applies(action, parameters)

    def removable_item(self, row: Row | None) -> str | None:
        """The id of the participant's text a board row shows, if it has one."""
        if row is None or row.key is None:
            return None
        state = self.engine.state
        if row.kind == "word":
            key = state.step_key
            return next(
                (a.id for a in state.words.values() if a.step == key and a.word == row.key), None
            )
        if row.kind in ("note", "question", "action", "request", "reviewed"):
            return row.key
        if row.kind in ("target", "sorted") and row.key in state.notes:
            return row.key  # a note being voted on or sorted
        return None

    def action_redact(self) -> None:
        if not self.applies("redact", ()):
            self.not_here("There is no participant's text on this step to remove.")
            return
        item = self.removable_item(self.query_one(Board).current_row)
        state = self.engine.state
        kind = item_kind(state, item) if item else None
        if item is None or kind is None:
            self.not_here("Move the cursor to a note, word, question, request or action first.")
            return
        what = WHAT[kind]
        done = reason_of(state, item)
        if done is not None:
            label = REASONS.get(done, done)
            self.notify(f"This {what}'s text was already removed ({label}).", markup=False)
            return
        text = _text_of(self, kind, item)

        def answer(reason: str | None) -> None:
            if reason is not None:
                self.link.do(c.RedactText, item=item, reason=reason)

        self.app.push_screen(ReasonDialog(what, text, _KEEPS[kind]), answer)

    def removed_detail(self, row: Row | None) -> bool:
        """Say in the detail panel why a text was removed (True if the row's was)."""
        item = self.removable_item(row)
        reason = reason_of(self.engine.state, item) if item else None
        if reason is None or row is None or row.kind == "note":
            return False  # a note's detail says it among its other facts
        self.query_one(Detail).show_text(REMOVED_TEXT, removed_line(reason))
        return True


def removed_line(reason: str) -> str:
    """The detail panel's line about a removed text."""
    return f"text removed by the facilitator · reason: {REASONS.get(reason, reason)}"


def _text_of(screen: SessionScreen, kind: str, item: str) -> str:
    state = screen.engine.state
    if kind == "note":
        return state.notes[item].text
    if kind == "word":
        return state.words[item].word
    if kind == "question":
        return state.questions[item].text
    if kind == "request":
        return state.requests[item].text
    if kind == "review":
        return state.reviews[item].what
    return state.actions[item].what
