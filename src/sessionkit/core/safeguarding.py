"""Who to tell if someone may be at risk: the session's safeguarding lead.

A plan may name one (``[safeguarding]``: ``lead``, ``contact``, ``procedure``); the
facilitator can name one, or change it, during the run (``set_safeguarding``, journalled
like any facilitator event, so a resumed run keeps it). The one in force is the
facilitator's if they set one, else the plan's (:func:`current`).

Why it matters: on an anonymous step the facilitator cannot go back to whoever wrote a
worrying note, so every phone shows who the writer can talk to (:func:`phone_line`), and
nobody has to be found in the room.

Pure, like every rule: it sees the engine through :class:`SafeguardingContext`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Protocol

from pydantic import AfterValidator, Field

from sessionkit.core.command import Command
from sessionkit.core.fields import Strict
from sessionkit.core.state import Event, SessionState
from sessionkit.core.text import CleanStr

MAX_LEAD = 80
MAX_CONTACT = 120
MAX_PROCEDURE = 120


def _one_line(text: str) -> str:
    """Names and contacts are shown on one line (a phone's footer, the title of a
    screen): line breaks a TOML file or a paste brought in become spaces."""
    return " ".join(text.split())


OneLine = Annotated[CleanStr, AfterValidator(_one_line)]
LeadText = Annotated[OneLine, Field(max_length=MAX_LEAD)]
ContactText = Annotated[OneLine, Field(max_length=MAX_CONTACT)]
ProcedureText = Annotated[OneLine, Field(max_length=MAX_PROCEDURE)]


class Safeguarding(Strict):
    """A plan's ``[safeguarding]`` table: who the session's safeguarding lead is."""

    lead: LeadText = Field(min_length=1)
    """Their name, and role if it helps: "Sam Jones, adult services team manager"."""
    contact: ContactText = ""
    """How to reach them during the session ("in the room all day, blue lanyard", a work
    phone). Shown on phones and to the facilitator; kept out of exports."""
    procedure: ProcedureText = ""
    """The procedure that applies where the session is held ("Wales Safeguarding
    Procedures", "Leeds multi-agency adult safeguarding policy")."""


class SetSafeguarding(Command):
    """The facilitator names the session's safeguarding lead (or changes or clears the
    one the plan named: an empty ``lead`` means none)."""

    type: Literal["set_safeguarding"] = "set_safeguarding"
    lead: LeadText = ""
    contact: ContactText = ""
    procedure: ProcedureText = ""


class SafeguardingContext(Protocol):
    """What the rule asks of the engine (which implements it)."""

    @property
    def state(self) -> SessionState: ...

    def event(self, type_: str, actor: str, **data: Any) -> Event: ...


def set_safeguarding(engine: SafeguardingContext, cmd: SetSafeguarding, actor: str) -> Event:
    # With no lead, a contact or a procedure would tell phones nothing: drop them.
    lead = cmd.lead
    return engine.event(
        "safeguarding_set",
        actor,
        lead=lead,
        contact=cmd.contact if lead else "",
        procedure=cmd.procedure if lead else "",
    )


def fold_set(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.safeguarding = {
        "lead": d.get("lead", ""),
        "contact": d.get("contact", ""),
        "procedure": d.get("procedure", ""),
    }


def current(plan_lead: Safeguarding | None, state: SessionState) -> Safeguarding | None:
    """The lead in force: the facilitator's choice if they made one (``None`` if they
    cleared it), else the plan's."""
    chosen = state.safeguarding
    if chosen is None:
        return plan_lead
    if not chosen.get("lead"):
        return None
    return Safeguarding(
        lead=chosen["lead"],
        contact=chosen.get("contact", ""),
        procedure=chosen.get("procedure", ""),
    )


def phone_line(lead: Safeguarding | None) -> str:
    """The quiet line every phone screen ends with ("" when no lead is named)."""
    if lead is None:
        return ""
    line = f"Worried about someone's safety? Talk to {lead.lead} (safeguarding lead)"
    return f"{line}: {lead.contact}" if lead.contact else line


NO_LEAD = "No safeguarding lead named: ! to set one"
"""What the facilitator is told once when a run with no lead opens."""


# What the facilitator's safeguarding screen (``!``) says, kept with the rules so the
# screen and the guide (docs/safeguarding.md) tell the same story.

IMMEDIATE = (
    "Pause the activity: the session can wait.",
    "Call 999 if a life is at risk.",
    "Tell the safeguarding lead now, not after the session.",
)
"""If anything said or written suggests someone is in immediate danger."""

SAME_DAY = (
    "Tell the safeguarding lead the same day.",
    "Write down what was said or written, in the person's own words, and when.",
    "Do not investigate or ask leading questions in the room.",
    "Never try to find out in the room who wrote an anonymous note.",
)
"""For any other worry about someone's safety."""

DUTIES = (
    ("England", "Care Act 2014, section 42 (adults); Working Together to Safeguard Children"),
    (
        "Wales",
        "Social Services and Well-being (Wales) Act 2014, Part 7 (duty to report: "
        "sections 128 and 130); Wales Safeguarding Procedures",
    ),
    (
        "Scotland",
        "Adult Support and Protection (Scotland) Act 2007, Part 1; National Guidance "
        "for Child Protection in Scotland",
    ),
    ("Northern Ireland", "Adult Safeguarding: Prevention and Protection in Partnership (2015)"),
)
"""The duties that apply, one line per nation (docs/safeguarding.md says more)."""
