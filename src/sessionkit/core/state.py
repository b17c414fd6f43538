"""The state of one run of a plan, and the events it is folded from.

State is never changed directly: the engine turns a command into an :class:`Event`, and
:func:`sessionkit.core.fold.apply` folds it in. Replaying the same events on a fresh
state reproduces the run exactly, which is what makes the journal (``sessionkit.store``)
a complete record.

Every model here is plain data (str/int/float/bool/list/dict), so a state dumps to JSON or
TOML and loads back unchanged. Optional values default to ``None`` so a TOML snapshot can
simply leave them out.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

FACILITATOR = "facilitator"
"""The actor id of the person at the laptop. Participants have ids like ``p1``."""
NEWCOMER = "newcomer"
"""The actor of a ``join`` command: someone who has no participant id yet."""
REMOVED_TEXT = "[removed by the facilitator]"
"""What replaces a participant's text the facilitator redacted (:mod:`.redaction`)."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Event(Model):
    """One durable fact about the run. ``data`` holds only JSON-compatible values."""

    seq: int
    at: float
    """Wall-clock time (Unix seconds) at which the engine accepted the command."""
    type: str
    actor: str
    data: dict[str, Any] = Field(default_factory=dict)


class Timer(Model):
    duration: float = 0.0
    """Seconds on the clock for the current step (extensions included)."""
    elapsed: float = 0.0
    """Seconds counted before the current run of the timer."""
    running_since: float | None = None
    people: int | None = None
    """The people in the room the step's time was scaled for (None: it does not scale)."""

    @property
    def running(self) -> bool:
        return self.running_since is not None

    def elapsed_at(self, now: float) -> float:
        if self.running_since is None:
            return self.elapsed
        return self.elapsed + max(0.0, now - self.running_since)

    def remaining_at(self, now: float) -> float:
        """Seconds left; negative once time is up (the TUI shows the overrun)."""
        return self.duration - self.elapsed_at(now)


class Span(Model):
    """When an agenda item or a step was actually run (first start, last end)."""

    started_at: float | None = None
    ended_at: float | None = None
    seconds: float = 0.0
    """Total time spent in it, across visits."""
    visits: list[list[float]] = Field(default_factory=list)
    """Each time it was run, ``[start, end]`` (``[start]`` while it still runs), so going
    back to it shows two visits rather than one span overlapping what came between.
    Empty in a record from before visits were kept: then ``started_at``–``ended_at``."""


class StepState(Model):
    revealed: bool = False
    locked: bool = False
    vote: str = "not opened"
    """For vote steps: "not opened", "open" or "closed"; a sort step is open until "closed"."""
    summary: str = ""


class Participant(Model):
    id: str
    name: str | None = None
    key: str = ""
    """Secret the participant's phone proves itself with (set by the web adapter)."""
    device: str = ""
    """The browser they joined from, hashed by the web adapter (never shown or exported):
    once they are removed, that browser cannot join again (a ban)..."""
    joined_at: float
    role: str | None = None
    """One of the plan's ``join_roles``, as they chose it joining (``None``: not asked, or
    "Prefer not to say"). Personal data: a record keeps only counts per role."""
    table: int | None = None
    """The table they sit at, if the plan has ``tables`` and they said."""
    removed: bool = False
    let_back_in: bool = False
    """...until the facilitator lifts the ban (they stay removed; their phone may join anew)."""

    @property
    def bans(self) -> bool:
        """Does this participant's removal keep their browser from joining again?"""
        return self.removed and not self.let_back_in and bool(self.device)


class Note(Model):
    id: str
    step: str
    """Key of the step it was written in: ``"<item index>.<step index>"`` (``"0.2"``)."""
    text: str
    author: str
    author_name: str | None = None
    category: str | None = None
    region: str | None = None
    group: str | None = None
    """On a grouped step: the group the note belongs to (any member may edit it)."""
    cluster: str | None = None
    hidden: bool = False
    action_owner: str | None = None
    created_at: float
    edited_at: float | None = None
    redacted: str | None = None
    """Why the facilitator removed its text, a reason code (``core.redaction``); the
    text is then :data:`REMOVED_TEXT`."""


class Cluster(Model):
    id: str
    step: str
    label: str
    parking: bool = False
    created_at: float


class WordAnswer(Model):
    """One answer on a words step: as typed, and normalised (what the cloud counts)."""

    id: str
    step: str
    text: str
    word: str
    author: str
    created_at: float
    redacted: str | None = None
    """Why the facilitator removed its text, a reason code (``core.redaction``); the
    text is then :data:`REMOVED_TEXT`."""


class Question(Model):
    """An open question on a questions step; ``voters`` are participant ids (or paper-N)."""

    id: str
    step: str
    text: str
    author: str
    author_name: str | None = None
    voters: list[str] = Field(default_factory=list)
    answered: bool = False
    merged_into: str | None = None
    """The question this one was merged into (its votes went there)."""
    hidden: bool = False
    created_at: float
    redacted: str | None = None
    """Why the facilitator removed its text, a reason code (``core.redaction``); the
    text is then :data:`REMOVED_TEXT`."""


class Request(Model):
    """An ask on a requests step, addressed to one of the step's teams, with that team's
    answer once given (``answer`` is ``yes``, ``no`` or ``talk``)."""

    id: str
    step: str
    text: str
    team: str
    """The team the request is for."""
    from_team: str | None = None
    """The team of whoever asked (if they had chosen one)."""
    author: str
    author_name: str | None = None
    paper: bool = False
    answer: str | None = None
    reply: str = ""
    answer_paper: bool = False
    created_at: float
    redacted: str | None = None
    """Why the facilitator removed its text, a reason code (``core.redaction``); the
    text is then :data:`REMOVED_TEXT`."""


class Action(Model):
    """Something someone will do: what, who, by when, and the note or cluster behind it."""

    id: str
    step: str
    what: str
    who: str | None = None
    due: str | None = None
    """An ISO date, ``YYYY-MM-DD``."""
    source: str | None = None
    """The id of the note or cluster it came from."""
    author: str
    done: bool = False
    dropped: bool = False
    """Taken off the list by the facilitator (kept in the record, like a hidden note)."""
    created_at: float
    edited_at: float | None = None
    redacted: str | None = None
    """Why the facilitator removed its text, a reason code (``core.redaction``); the
    text is then :data:`REMOVED_TEXT`."""


class StatusChange(Model):
    """One change of a reviewed action's status: in which run, when, by whom (the
    facilitator, or ``room``: a phone), and the new wording if it was changed."""

    status: str
    at: float | None = None
    run: str = ""
    """The id of the run the change was made in (empty: this run)."""
    by: str = ""
    what: str | None = None


class Learning(Model):
    """What was learned from an action, said in a review (participant text)."""

    text: str
    at: float
    run: str = ""
    author: str = ""


class ActionOrigin(Model):
    """Where a carried action was agreed: its run, the agenda item, the note or cluster."""

    run: str
    """The run id."""
    run_name: str = ""
    """The run's folder name (what ``sessionkit records`` lists)."""
    date: str = ""
    plan: str = ""
    item: str = ""
    """The title of the agenda item (its method) the action was agreed in."""
    source: str = ""
    """The note's first words or the cluster's name it came from (empty: none)."""


class ReviewedAction(Model):
    """An open action of an earlier run of the series, carried into this one to review.

    Loaded when the session starts (in its first ``step_started`` event, so replay never
    reads another run); ``ref`` (origin run id / action id) keeps it the same action
    across runs."""

    id: str
    ref: str
    what: str
    who: str | None = None
    due: str | None = None
    origin: ActionOrigin
    status: str = "open"
    """Now: ``open``, ``in progress``, ``changed``, ``done`` or ``dropped``."""
    history: list[StatusChange] = Field(default_factory=list)
    """Its status changes in earlier runs, then in this one, oldest first."""
    learned: list[Learning] = Field(default_factory=list)
    """What was learned, in earlier reviews and in this one."""
    redacted: str | None = None
    """Why its text was removed (a reason code, ``core.redaction``), here or in the run
    that agreed it; its wording, the words it came from, rewordings and what was learned
    are then :data:`REMOVED_TEXT`."""


class Group(Model):
    """People working together on a grouped step (see :mod:`sessionkit.core.groups`)."""

    id: str
    step: str
    label: str
    """What people are told: "A", "B" ... "AA"."""
    formation: int = 1
    """Re-forming a step's groups makes a new formation; the old groups are retired."""
    table: int | None = None
    """On a step grouped ``by = "table"``: the table this group sits at."""
    members: list[str] = Field(default_factory=list)
    retired: bool = False
    """Replaced when the facilitator re-formed the groups; its notes stay with it."""
    picked: str | None = None
    """The note the group takes forward."""
    notes: int = 0
    """Notes written for the group (the limit is per group)."""


class Change(Model):
    """One part of undoing or redoing an action: an event type and its data, folded as
    that event would be (see :mod:`sessionkit.core.undo`)."""

    type: str
    data: dict[str, Any] = Field(default_factory=dict)


class Undoable(Model):
    """A facilitator's action that can be undone (or, once undone, redone)."""

    seq: int
    """The action's (first) event: ``undone`` and ``redone`` events name it."""
    type: str
    what: str
    """What it was, in the facilitator's words ("merging two clusters"); no participant text."""
    count: int = 1
    """How many events the action made (hiding five selected notes is one action)."""
    undo: list[Change] = Field(default_factory=list)
    redo: list[Change] = Field(default_factory=list)


class SessionState(Model):
    run_id: str
    plan_id: str
    created_at: float
    started: bool = False
    ended_at: float | None = None
    join_open: bool | None = None
    """The facilitator's choice to open or close joining; ``None``: open until the
    session ends (see :attr:`joining_open`). Ending the session clears an "open"."""
    item: int = 0
    step: int = 0
    cursor_since: float | None = None
    timer: Timer = Field(default_factory=Timer)
    items: dict[str, Span] = Field(default_factory=dict)
    """Keyed by the item's index as a string (TOML and JSON keys are strings)."""
    step_spans: dict[str, Span] = Field(default_factory=dict)
    steps: dict[str, StepState] = Field(default_factory=dict)
    participants: dict[str, Participant] = Field(default_factory=dict)
    paper_people: int = 0
    """People taking part on paper, as the facilitator counted them (for steps that
    scale with the room)."""
    notes: dict[str, Note] = Field(default_factory=dict)
    clusters: dict[str, Cluster] = Field(default_factory=dict)
    groups: dict[str, Group] = Field(default_factory=dict)
    group_of: dict[str, dict[str, str]] = Field(default_factory=dict)
    """step key -> participant -> their group now (an index over ``groups``)."""
    votes: dict[str, dict[str, dict[str, int]]] = Field(default_factory=dict)
    """step key -> voter -> target id -> dots."""
    ratings: dict[str, dict[str, int]] = Field(default_factory=dict)
    """step key -> rater -> value."""
    words: dict[str, WordAnswer] = Field(default_factory=dict)
    """Answers on words steps, by id."""
    hidden_words: dict[str, list[str]] = Field(default_factory=dict)
    """step key -> normalised words the facilitator took out of the cloud."""
    questions: dict[str, Question] = Field(default_factory=dict)
    sorts: dict[str, dict[str, dict[str, str]]] = Field(default_factory=dict)
    """step key -> sorter (a participant id or paper-N) -> item id -> bucket."""
    rankings: dict[str, dict[str, list[str]]] = Field(default_factory=dict)
    """step key -> ranker (a participant id or paper-N) -> item ids, best first."""
    scores: dict[str, dict[str, dict[str, dict[str, int]]]] = Field(default_factory=dict)
    """step key -> scorer -> item id -> criterion id -> score."""
    actions: dict[str, Action] = Field(default_factory=dict)
    series: str | None = None
    """The series this run belongs to (set when the session starts)."""
    reviews: dict[str, ReviewedAction] = Field(default_factory=dict)
    """Open actions of the series' earlier runs, carried in at the start (``r1``...)."""
    requests: dict[str, Request] = Field(default_factory=dict)
    teams_chosen: dict[str, dict[str, str]] = Field(default_factory=dict)
    """step key -> participant -> the team they said they belong to on that step."""
    safeguarding: dict[str, str] | None = None
    """The safeguarding lead the facilitator named during the run (``lead``, ``contact``,
    ``procedure``; an empty ``lead``: none), overriding the plan's; ``None``: the plan's
    (see :mod:`sessionkit.core.safeguarding`)."""
    timer_autostart: bool | None = None
    """The facilitator's choice to start each step's countdown as it starts (``None``:
    the plan's ``timer_autostart``; see :mod:`sessionkit.core.timers`)."""
    timer_silenced: bool = False
    """No bell, flash or chime when a countdown reaches zero."""
    retimed: dict[str, int] = Field(default_factory=dict)
    """Agenda item index -> percent of its time it has now, after the facilitator
    shortened or lengthened the rest of the day (absent: 100)."""
    undo: list[Undoable] = Field(default_factory=list)
    """The facilitator's last undoable actions, oldest first (bounded: core.undo)."""
    redo: list[Undoable] = Field(default_factory=list)
    """Actions undone, the latest last, until a new action clears them."""
    receipts: dict[str, int] = Field(default_factory=dict)
    """"actor/client id" -> seq of the event it produced, so resends are not duplicated."""
    counter: int = 0
    """Source of short ids (n12, c3, p7): advanced by events, so replay gives the same ids."""
    seq: int = 0

    @property
    def step_key(self) -> str:
        return f"{self.item}.{self.step}"

    @property
    def joining_open(self) -> bool:
        """May someone new join now? Yes until the session ends, unless the facilitator
        closed joining; after the end, only if they reopened it."""
        return self.ended_at is None if self.join_open is None else self.join_open

    def step_state(self, key: str) -> StepState:
        return self.steps.get(key) or StepState()

    def notes_in(self, step_key: str) -> list[Note]:
        return [note for note in self.notes.values() if note.step == step_key]

    def notes_by(self, step_key: str, author: str) -> list[Note]:
        return [n for n in self.notes.values() if n.step == step_key and n.author == author]

    def is_picked(self, note: Note) -> bool:
        """Did the note's group pick it to take forward (see ``core.groups``)?"""
        group = self.groups.get(note.group) if note.group is not None else None
        return group is not None and group.picked == note.id

    def active_participants(self) -> list[Participant]:
        return [p for p in self.participants.values() if not p.removed]

    def dots_used(self, step_key: str, voter: str) -> int:
        return sum(self.votes.get(step_key, {}).get(voter, {}).values())

    def tally(self, step_key: str) -> dict[str, int]:
        """Dots per target for a vote step, most first (ties keep first-seen order)."""
        totals: dict[str, int] = {}
        for ballot in self.votes.get(step_key, {}).values():
            for target, dots in ballot.items():
                totals[target] = totals.get(target, 0) + dots
        return dict(sorted(totals.items(), key=lambda kv: -kv[1]))
