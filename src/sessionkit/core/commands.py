"""Commands: what a client (the TUI, a phone) asks the engine to do.

The session-wide commands (moving through the agenda, the timer, people joining and
leaving, pausing input, a step's summary) are defined here; each input kind defines its
own (:mod:`sessionkit.core.inputs`), and this module gathers them all, so callers can
write ``commands.AddNote`` whichever module defines it.

Participant submissions carry a ``client_id`` made on the phone: a resend after a dropped
connection returns the original result instead of recording twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, Union

from pydantic import Field

from sessionkit.core.command import (
    MAX_LABEL_CHARS,
    MAX_NAME_CHARS,
    MAX_NOTE_CHARS,
    ClientId,
    Command,
    NoteText,
    PersonName,
    ShortId,
)
from sessionkit.core.groups import (
    GROUP_COMMANDS,
    GROUP_PARTICIPANT_COMMANDS,
    MoveToGroup,
    PickNote,
    ReformGroups,
)
from sessionkit.core.inputs import kind_commands, kind_participant_commands
from sessionkit.core.inputs.actions import AddAction, DropAction, EditAction, MarkActionDone
from sessionkit.core.inputs.canvas import PlaceNote
from sessionkit.core.inputs.cluster import CreateCluster, MergeClusters, MoveNote, RenameCluster
from sessionkit.core.inputs.notes import AddNote, EditNote, HideNote, MarkAction, Reveal
from sessionkit.core.inputs.questions import (
    AskQuestion,
    HideQuestion,
    MarkAnswered,
    MergeQuestions,
    Upvote,
    WithdrawUpvote,
)
from sessionkit.core.inputs.rank import CloseRank, ScoreItem, SubmitRanking
from sessionkit.core.inputs.rating import Rate, WithdrawPaperRating
from sessionkit.core.inputs.requests import AnswerRequest, ChooseTeam, SendRequest
from sessionkit.core.inputs.review import AddLearning, JoinSeries, SetActionStatus
from sessionkit.core.inputs.sort import ClearPlacement, CloseSort, PlaceItem
from sessionkit.core.inputs.vote import CastVote, CloseVote, OpenVote, WithdrawVote
from sessionkit.core.inputs.words import AddWords, HideWord
from sessionkit.core.redaction import REDACTION_COMMANDS, RedactText
from sessionkit.core.safeguarding import SetSafeguarding
from sessionkit.core.text import CleanStr
from sessionkit.core.timers import RetimeRest, SetTimers
from sessionkit.core.undo import Redo, Undo

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


# ------------------------------------------------------------ people and the step


class Join(Command):
    type: Literal["join"] = "join"
    name: PersonName | None = None
    key: str = Field(default="", max_length=128)
    device: str = Field(default="", max_length=128)
    """Who the browser is, as the web adapter hashed it (empty: not known). A removed
    participant's device cannot join again until the facilitator lets it back in."""
    role: str | None = Field(default=None, max_length=60)
    """One of the plan's ``join_roles`` (``None`` or empty: "Prefer not to say")."""
    table: int | None = Field(default=None, ge=1, le=1000)
    """The table they sit at (optional), when the plan has ``tables``."""
    client_id: ClientId | None = None


class SetRoleAndTable(Command):
    """The facilitator sets someone's role and table (what the phone asks when joining),
    for people on paper or a phone that skipped it. ``None`` clears it."""

    type: Literal["set_role_and_table"] = "set_role_and_table"
    participant: ShortId
    role: str | None = Field(default=None, max_length=60)
    table: int | None = Field(default=None, ge=1, le=1000)


class RemoveParticipant(Command):
    type: Literal["remove_participant"] = "remove_participant"
    participant: ShortId


class LetBackIn(Command):
    """Lift a removal's ban: the removed participant's phone may join again (as someone
    new; what they wrote before stays theirs, and they stay removed)."""

    type: Literal["let_back_in"] = "let_back_in"
    participant: ShortId


class SetJoining(Command):
    """Open or close joining. Ending the session closes it; this reopens it (or closes it
    before the end). Phones already in are not affected."""

    type: Literal["set_joining"] = "set_joining"
    open: bool


class LockInput(Command):
    type: Literal["lock_input"] = "lock_input"
    locked: bool = True


class SetPaperPeople(Command):
    """How many people in the room take part on paper (no phone): a step that scales
    with the room counts them beside the phones that joined."""

    type: Literal["set_paper_people"] = "set_paper_people"
    count: int = Field(ge=0, le=1000)


class SetSummary(Command):
    type: Literal["set_summary"] = "set_summary"
    text: Annotated[CleanStr, Field(max_length=5000)]


SESSION_COMMANDS: tuple[type[Command], ...] = (
    StartSession,
    GoTo,
    NextStep,
    PreviousStep,
    EndSession,
    TimerCommand,
    Join,
    RemoveParticipant,
    LetBackIn,
    SetRoleAndTable,
    SetJoining,
    LockInput,
    SetSummary,
    SetPaperPeople,
    SetSafeguarding,
    Undo,
    Redo,
    SetTimers,
    RetimeRest,
)
"""The commands every session has, whatever its steps collect."""

ALL_COMMANDS: tuple[type[Command], ...] = (
    SESSION_COMMANDS + GROUP_COMMANDS + REDACTION_COMMANDS + kind_commands()
)

if TYPE_CHECKING:
    AnyCommand = Command
else:
    AnyCommand = Annotated[Union[ALL_COMMANDS], Field(discriminator="type")]  # noqa: UP007
"""Any command, chosen by its ``type`` (what a JSON body from a client is parsed as)."""

PARTICIPANT_COMMANDS: tuple[type[Command], ...] = (
    Join,
    *GROUP_PARTICIPANT_COMMANDS,
    *kind_participant_commands(),
)
"""The only commands a phone may send; everything else is the facilitator's."""

__all__ = [
    "ALL_COMMANDS",
    "MAX_LABEL_CHARS",
    "MAX_NAME_CHARS",
    "MAX_NOTE_CHARS",
    "PARTICIPANT_COMMANDS",
    "SESSION_COMMANDS",
    "AddAction",
    "AddLearning",
    "AddNote",
    "AddWords",
    "AnswerRequest",
    "AnyCommand",
    "AskQuestion",
    "CastVote",
    "ChooseTeam",
    "ClearPlacement",
    "ClientId",
    "CloseRank",
    "CloseSort",
    "CloseVote",
    "Command",
    "CreateCluster",
    "DropAction",
    "EditAction",
    "EditNote",
    "EndSession",
    "GoTo",
    "HideNote",
    "HideQuestion",
    "HideWord",
    "Join",
    "JoinSeries",
    "LetBackIn",
    "LockInput",
    "MarkAction",
    "MarkActionDone",
    "MarkAnswered",
    "MergeClusters",
    "MergeQuestions",
    "MoveNote",
    "MoveToGroup",
    "NextStep",
    "NoteText",
    "OpenVote",
    "PickNote",
    "PlaceItem",
    "PlaceNote",
    "PreviousStep",
    "Rate",
    "RedactText",
    "Redo",
    "ReformGroups",
    "RemoveParticipant",
    "RenameCluster",
    "RetimeRest",
    "Reveal",
    "ScoreItem",
    "SendRequest",
    "SetActionStatus",
    "SetJoining",
    "SetPaperPeople",
    "SetRoleAndTable",
    "SetSafeguarding",
    "SetSummary",
    "SetTimers",
    "ShortId",
    "StartSession",
    "SubmitRanking",
    "TimerCommand",
    "Undo",
    "Upvote",
    "WithdrawPaperRating",
    "WithdrawUpvote",
    "WithdrawVote",
]
