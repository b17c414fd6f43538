"""The safeguarding screen (``!`` on the run screen): what to do if someone may be at risk.

It puts the two paths in front of the facilitator at the moment they need them: the
immediate one (pause, 999, tell the lead now) and the same-day one; who the session's
safeguarding lead is and how to reach them (editable: the change is journalled, so a
resumed run keeps it, and every phone's footer follows it); the duties that apply, a line
per nation; and how to take a worrying note's text out of the record once it has been
passed on.

The run screen inherits :class:`SafeguardingKeys`; the dialog answers the lead as typed
(or ``None`` when closed without saving), and the key turns it into one command.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, Static

from sessionkit.core import commands as c
from sessionkit.core import safeguarding as care
from sessionkit.tui.safe import fmt, literal
from sessionkit.tui.screens.base import SessionScreen
from sessionkit.tui.screens.modals import Dialog

TITLE = "Safeguarding: if someone may be at risk"
REDACTION = (
    "Once you have passed on what a note said, X on the note takes its text out of the "
    "record (reason: safeguarding). Never ask the room who wrote it."
)
FIELDS = (
    ("lead", "Lead", care.MAX_LEAD, "for example: Sam Jones, team manager"),
    ("contact", "Reach them", care.MAX_CONTACT, "for example: in the room, blue lanyard"),
    ("procedure", "Procedure", care.MAX_PROCEDURE, "for example: Wales Safeguarding Procedures"),
)


def _lead_line(lead: care.Safeguarding | None) -> Content:
    if lead is None:
        return Content.styled("No safeguarding lead is named yet: name one below.", "bold")
    contact = f" · {lead.contact}" if lead.contact else ""
    return fmt("Tell [b]$lead[/b]$contact", lead=lead.lead, contact=contact)


def guide(lead: care.Safeguarding | None) -> Content:
    """The screen's text: the paths, the lead, the record, the duties."""
    lines: list[Content] = [Content.styled("Now, if anyone may be in immediate danger", "bold")]
    lines.extend(Content(f"  • {step}") for step in care.IMMEDIATE)
    lines.append(Content.assemble(Content("    "), _lead_line(lead)))
    lines.append(Content(""))
    lines.append(Content.styled("The same day, for any other worry", "bold"))
    lines.extend(Content(f"  • {step}") for step in care.SAME_DAY)
    lines.append(Content(""))
    lines.append(Content.styled("A note's text in the record", "bold"))
    lines.append(Content(f"  {REDACTION}"))
    lines.append(Content(""))
    lines.append(Content.styled("The duties where you work (docs/safeguarding.md)", "bold"))
    for nation, duty in care.DUTIES:
        lines.append(Content.assemble(Content.styled(f"  {nation}: ", "bold"), duty))
    if lead is not None and lead.procedure:
        lines.append(fmt("  [b]This session:[/b] $procedure", procedure=lead.procedure))
    lines.append(Content(""))
    lines.append(
        Content.styled(
            "Phones show who to talk to on every screen. Guidance, not legal advice.", "dim"
        )
    )
    return Content("\n").join(lines)


class SafeguardingScreen(Dialog[dict[str, str]]):
    """The paths and the duties, with the lead's fields to fill in or change."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, lead: care.Safeguarding | None) -> None:
        super().__init__()
        self.lead = lead

    def compose(self) -> ComposeResult:
        values = {
            "lead": self.lead.lead if self.lead else "",
            "contact": self.lead.contact if self.lead else "",
            "procedure": self.lead.procedure if self.lead else "",
        }
        with Vertical(classes="dialog -wide -tall"):
            yield Static(literal(TITLE, "bold"), classes="dialog-title")
            with VerticalScroll(classes="care-body"):
                yield Static(guide(self.lead), id="care-guide")
            # One line each (compact), so the paths above keep the room at 80x24.
            with Vertical(classes="care-fields"):
                for name, label, limit, example in FIELDS:
                    with Horizontal(classes="care-field"):
                        yield Label(label, markup=False, classes="care-label")
                        yield Input(
                            values[name],
                            placeholder=example,
                            max_length=limit,
                            id=f"care-{name}",
                            select_on_focus=False,
                            compact=True,
                        )
            yield Static(
                Content.styled("enter saves · tab next field · esc closes unsaved", "dim"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        # No lead yet: the cursor waits in the name. Otherwise the text is read first.
        if self.lead is None:
            self.query_one("#care-lead", Input).focus()
        else:
            self.query_one(VerticalScroll).focus()

    def typed(self) -> dict[str, str]:
        return {name: self.query_one(f"#care-{name}", Input).value.strip() for name, *_ in FIELDS}

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        self.dismiss(self.typed())


class SafeguardingKeys(SessionScreen):
    """The action behind ``!`` (see the module docstring)."""

    def current_lead(self) -> care.Safeguarding | None:
        return care.current(self.engine.plan.safeguarding, self.engine.state)

    def action_safeguarding(self) -> None:
        before = self.current_lead()

        def saved(typed: dict[str, str] | None) -> None:
            if typed is None:
                return
            was = {
                "lead": before.lead if before else "",
                "contact": before.contact if before else "",
                "procedure": before.procedure if before else "",
            }
            if typed == was:
                return
            if self.link.do(c.SetSafeguarding, **typed) is None:
                return
            self.app.clear_notifications()  # "no lead named" is no longer true, or told again
            if typed["lead"]:
                self.notify(
                    f"Safeguarding lead: {typed['lead']}. Phones now show who to talk to.",
                    markup=False,
                )
            else:
                self.notify("No safeguarding lead is named now.", markup=False)

        self.app.push_screen(SafeguardingScreen(before), saved)
