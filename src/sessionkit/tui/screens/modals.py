"""Small dialogs: ask for a line of text, pick one of many, confirm, type notes.

Each returns its answer through ``dismiss`` (``None`` when cancelled with esc), so the
caller decides what to do with it; none of them talks to the engine except
:class:`NoteEntry`, which hands each note to a callback and stays open for the next one.
A dialog's type says what it answers (``Picker`` is a ``Dialog[str]``), so the callback
given to ``push_screen`` is checked against it: it receives that type or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from sessionkit.tui.keys import Key
from sessionkit.tui.safe import literal, one_line
from sessionkit.tui.widgets.key_list import KeyList, Row

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal that answers a ``ResultT``, or ``None`` when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(Dialog[str]):
    """One line of text (a cluster's name, an action's wording, a number).

    The old text is there with the cursor at its end, not selected: a rename is most often
    a small change, and a selected text vanishes at the first key. ``select=True`` is for
    a number to be replaced (a sheet number, a count)."""

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        hint: str = "enter saves · esc cancels",
        max_length: int = 0,
        select: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint
        self.max_length = max_length
        self.select = select

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield Input(
                self.value,
                placeholder=self.placeholder,
                max_length=self.max_length,
                select_on_focus=self.select,
            )
            yield Static(Content.styled(self.hint, "dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        line = self.query_one(Input)
        line.cursor_position = len(line.value)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.dismiss(text or None)


class TextBox(Dialog[str]):
    """Several lines of text (a step's summary)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield TextArea(self.value, soft_wrap=True, show_line_numbers=False)
            yield Static(Content.styled("ctrl+s saves · esc cancels", "dim"), classes="dialog-hint")

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)


class NoteEditor(Dialog[str]):
    """A note's new wording, in a box as tall as the note needs (a 500-character note
    reads whole, wrapped). Enter saves, as in the one-line dialogs; line breaks already in
    the note are kept. The cursor starts at the end of the text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]
    HINT = "enter or ctrl+s saves · esc cancels"

    def __init__(self, title: str, value: str, *, max_length: int) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield TextArea(self.value, soft_wrap=True, show_line_numbers=False)
            yield Static(Content.styled(self.HINT, "dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        box = self.query_one(TextArea)
        box.move_cursor(box.document.end)
        box.focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if len(text) > self.max_length:  # say so and keep what was typed
            self.query_one(".dialog-hint", Static).update(
                Content.styled(
                    f"The note is {len(text)} characters; a note holds {self.max_length} at "
                    f"most. {self.HINT}",
                    "bold",
                )
            )
            return
        self.dismiss(text or None)


class Picker(Dialog[str]):
    """Pick one of many (a cluster, a kind of note, a region, an export format).

    Type to narrow the list: with a hundred clusters, scrolling is slower than a few letters.
    """

    # The filter line has the focus; these keys move in the list instead.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
        Binding("pagedown", "move(10)", show=False, priority=True),
        Binding("pageup", "move(-10)", show=False, priority=True),
        Binding("home", "move(-100000)", show=False, priority=True),
        Binding("end", "move(100000)", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str]],
        *,
        current: str | None = None,
        hint: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current
        self.hint = hint or "↑↓ choose · enter picks · esc cancels"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield Input(placeholder="type to filter…", id="picker-filter")
            yield OptionList(id="picker-options")
            yield Static(Content.styled(self.hint, "dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        needle = text.casefold().strip()
        highlight = 0
        shown = 0
        for value, label in self.choices:
            if needle and needle not in label.casefold() and needle not in value.casefold():
                continue
            if value == self.current:
                highlight = shown
            options.add_option(Option(one_line(label), id=value))
            shown += 1
        if shown:
            options.highlighted = highlight

    @on(Input.Changed, "#picker-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)


class Confirm(Dialog[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.question, "bold"), classes="dialog-title")
            if self.detail:
                yield Static(literal(self.detail))
            yield Static(Content.styled("y yes · n no", "dim"), classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class Notice(Dialog[None]):
    """A message that waits for enter or esc (and swallows anything typed meanwhile)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,space", "cancel", "Close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            yield Static(literal(self.message))
            yield Static(Content.styled("enter or esc closes", "dim"), classes="dialog-hint")


MANY_CHOICES = 8
"""More kinds or places than this (a grid's cells) and only the chosen one is shown."""


class NoteEntry(Dialog[None]):
    """Type paper notes one after another: enter adds the note and clears the line.

    ``submit(text, choice)`` adds the note and returns True if it was accepted; a refused
    note stays in the line so nothing typed is lost. ``choices`` are the kinds of note (or
    the canvas regions) to pick from with tab / ctrl+n; the choice is kept between notes.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Done"),
        Binding("tab", "cycle(1)", "Next kind", show=False, priority=True),
        Binding("shift+tab", "cycle(-1)", "Previous kind", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        submit: Callable[[str, str | None], bool],
        choices: Sequence[tuple[str, str]] = (),
        choice_name: str = "kind",
        placeholder: str = "Type a note and press enter",
        max_length: int = 500,
    ) -> None:
        super().__init__()
        self.placeholder = placeholder
        self.max_length = max_length
        self.title_text = title
        self.submit = submit
        self.choices = list(choices)
        self.choice_name = choice_name
        self.choice = 0
        self.added = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            if self.choices:
                yield Static(id="note-choice")
            yield Input(placeholder=self.placeholder, max_length=self.max_length)
            yield Static(id="note-count", classes="dialog-hint")

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        if len(self.choices) > MANY_CHOICES:  # a grid's cells: only the one chosen
            _, label = self.choices[self.choice]
            self.query_one("#note-choice", Static).update(
                Content.assemble(
                    Content(f"{self.choice_name.capitalize()}: "),
                    one_line(f" {label} ", "reverse bold"),
                    Content.styled(
                        f"  {self.choice + 1} of {len(self.choices)} · tab / shift+tab changes",
                        "dim",
                    ),
                )
            )
        elif self.choices:
            parts = [Content(f"{self.choice_name.capitalize()}: ")]
            for n, (_, label) in enumerate(self.choices):
                style = "reverse bold" if n == self.choice else "dim"
                parts.append(one_line(f" {label} ", style))
                parts.append(Content(" "))
            parts.append(Content.styled(" tab changes", "dim"))
            self.query_one("#note-choice", Static).update(Content.assemble(*parts))
        hint = "enter adds · esc closes"
        if self.added:
            hint = f"{self.added} added · " + hint
        self.query_one("#note-count", Static).update(Content.styled(hint, "dim"))

    def action_cycle(self, delta: int) -> None:
        if self.choices:
            self.choice = (self.choice + delta) % len(self.choices)
            self._show()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        choice = self.choices[self.choice][0] if self.choices else None
        if self.submit(text, choice):
            self.added += 1
            event.input.value = ""
            self._show()


class HelpScreen(Dialog[None]):
    """Every key of the screen underneath, grouped (made from the same list as its
    bindings, so it cannot fall out of date)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "cancel", "Close")]

    def __init__(self, title: str, keys: Sequence[Key], note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.keys = list(keys)
        self.note = note

    def compose(self) -> ComposeResult:
        # Each group once, in the order it first comes: the key lists are ordered for the
        # footer (which drops keys from the end), so a group's keys are spread out.
        groups: dict[str, list[Key]] = {}
        for key in self.keys:
            groups.setdefault(key.group, []).append(key)
        lines: list[Row] = []
        for group, keys in groups.items():
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(group, "bold underline"))
            lines.extend((key.named_keys, key.help) for key in keys)
        lines.append(Content(""))
        lines.append(
            Content.styled("ctrl+p opens the command palette: every action above, by name.", "dim")
        )
        if self.note:
            lines.append(Content.styled(self.note, "dim"))
        with Vertical(classes="dialog -wide -tall"):
            yield Static(literal(self.title_text, "bold"), classes="dialog-title")
            with VerticalScroll(classes="help-body"):
                yield KeyList(lines, id="help-text")
            yield Static(Content.styled("esc or ? closes", "dim"), classes="dialog-hint")
