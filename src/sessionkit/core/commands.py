"""Commands: what a client (the TUI, a phone) asks the engine to do.

A command is a request, not a fact: the engine validates it against the current step and
its rules and either rejects it (state unchanged) or turns it into an event. The same
models validate JSON from phones, so every field is bounded.

Participant submissions carry a ``client_id`` made on the phone: a resend after a dropped
connection returns the original result instead of recording twice.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from sessionkit.core.text import CleanStr

MAX_NOTE_CHARS = 500
MAX_NAME_CHARS = 40
MAX_LABEL_CHARS = 80

ClientId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
ShortId = Annotated[str, Field(min_length=1, max_length=40)]
NoteText = Annotated[CleanStr, Field(max_length=MAX_NOTE_CHARS)]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# ------------------------------------------------------------ navigation and timer


class StartSession(Command):
    type: Literal["start_session"] = "start_session"


class GoTo(Command):
    type: Literal["goto"] = "goto"
    item: int = Field(ge=0)
    step: int = Field(default=0, ge=0)


class NextStep(Command):
    type: Literal["next_step"] = "next_step"


class PreviousStep(Command):
    type: Literal["previous_step"] = "previous_step"


class EndSession(Command):
    type: Literal["end_session"] = "end_session"


class TimerCommand(Command):
    type: Literal["timer"] = "timer"
    action: Literal["start", "pause", "toggle", "extend", "reset"]
    seconds: int = Field(default=60, ge=1, le=3600)
    """For ``extend``: how much to add."""


# ------------------------------------------------------------ participants


class Join(Command):
    type: Literal["join"] = "join"
    name: Annotated[CleanStr, Field(max_length=MAX_NAME_CHARS)] | None = None
    key: str = Field(default="", max_length=128)
    client_id: ClientId | None = None


class RemoveParticipant(Command):
    type: Literal["remove_participant"] = "remove_participant"
    participant: ShortId


# ------------------------------------------------------------ notes


class AddNote(Command):
    type: Literal["add_note"] = "add_note"
    text: NoteText
    category: ShortId | None = None
    region: ShortId | None = None
    step: str | None = None
    """Facilitator only: a notes step other than the current one (paper notes typed later)."""
    author_name: Annotated[CleanStr, Field(max_length=MAX_NAME_CHARS)] | None = None
    """Facilitator only: whose paper note this is, kept only where the step is named."""
    client_id: ClientId | None = None


class EditNote(Command):
    type: Literal["edit_note"] = "edit_note"
    note: ShortId
    text: NoteText | None = None
    category: ShortId | None = None
    region: ShortId | None = None


class HideNote(Command):
    type: Literal["hide_note"] = "hide_note"
    note: ShortId
    hidden: bool = True


class MarkAction(Command):
    type: Literal["mark_action"] = "mark_action"
    note: ShortId
    owner: Annotated[CleanStr, Field(max_length=MAX_NAME_CHARS)] | None = None
    """Who will take it forward; ``None`` unmarks the note."""


class Reveal(Command):
    type: Literal["reveal"] = "reveal"
    step: str | None = None


class LockInput(Command):
    type: Literal["lock_input"] = "lock_input"
    locked: bool = True


class SetSummary(Command):
    type: Literal["set_summary"] = "set_summary"
    text: Annotated[CleanStr, Field(max_length=5000)]


# ------------------------------------------------------------ clusters and canvas


class CreateCluster(Command):
    type: Literal["create_cluster"] = "create_cluster"
    label: Annotated[CleanStr, Field(min_length=1, max_length=MAX_LABEL_CHARS)]
    notes: list[ShortId] = Field(default_factory=list, max_length=10_000)
    parking: bool = False


class RenameCluster(Command):
    type: Literal["rename_cluster"] = "rename_cluster"
    cluster: ShortId
    label: Annotated[CleanStr, Field(min_length=1, max_length=MAX_LABEL_CHARS)]


class MergeClusters(Command):
    type: Literal["merge_clusters"] = "merge_clusters"
    source: ShortId
    target: ShortId


class MoveNote(Command):
    type: Literal["move_note"] = "move_note"
    note: ShortId
    cluster: ShortId | None = None
    """``None`` takes the note out of any cluster."""


class PlaceNote(Command):
    type: Literal["place_note"] = "place_note"
    note: ShortId
    region: ShortId


# ------------------------------------------------------------ votes and ratings


class OpenVote(Command):
    type: Literal["open_vote"] = "open_vote"


class CloseVote(Command):
    type: Literal["close_vote"] = "close_vote"


class CastVote(Command):
    type: Literal["cast_vote"] = "cast_vote"
    target: ShortId
    client_id: ClientId | None = None


class WithdrawVote(Command):
    type: Literal["withdraw_vote"] = "withdraw_vote"
    target: ShortId
    client_id: ClientId | None = None


class Rate(Command):
    type: Literal["rate"] = "rate"
    value: int = Field(ge=-100, le=100)
    client_id: ClientId | None = None


AnyCommand = Annotated[
    Union[
        StartSession, GoTo, NextStep, PreviousStep, EndSession, TimerCommand,
        Join, RemoveParticipant,
        AddNote, EditNote, HideNote, MarkAction, Reveal, LockInput, SetSummary,
        CreateCluster, RenameCluster, MergeClusters, MoveNote, PlaceNote,
        OpenVote, CloseVote, CastVote, WithdrawVote, Rate,
    ],
    Field(discriminator="type"),
]

PARTICIPANT_COMMANDS = (Join, AddNote, EditNote, CastVote, WithdrawVote, Rate)
"""The only commands a phone may send; everything else is the facilitator's."""
