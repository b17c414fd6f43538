"""The state of one run of a plan, and the events it is folded from.

State is never changed directly: the engine turns a command into an :class:`Event`, and
:func:`apply` folds it in. Replaying the same events on a fresh state reproduces the run
exactly, which is what makes the journal (``sessionkit.store``) a complete record.

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


class StepState(Model):
    revealed: bool = False
    locked: bool = False
    vote: str = "not opened"
    """For vote steps: "not opened", "open" or "closed"."""
    summary: str = ""


class Participant(Model):
    id: str
    name: str | None = None
    key: str = ""
    """Secret the participant's phone proves itself with (set by the web adapter)."""
    joined_at: float
    removed: bool = False


class Note(Model):
    id: str
    step: str
    """Key of the step it was written in: ``"<item index>.<step index>"`` (``"0.2"``)."""
    text: str
    author: str
    author_name: str | None = None
    category: str | None = None
    region: str | None = None
    cluster: str | None = None
    hidden: bool = False
    action_owner: str | None = None
    created_at: float
    edited_at: float | None = None


class Cluster(Model):
    id: str
    step: str
    label: str
    parking: bool = False
    created_at: float


class SessionState(Model):
    run_id: str
    plan_id: str
    created_at: float
    started: bool = False
    ended_at: float | None = None
    item: int = 0
    step: int = 0
    cursor_since: float | None = None
    timer: Timer = Field(default_factory=Timer)
    items: dict[str, Span] = Field(default_factory=dict)
    """Keyed by the item's index as a string (TOML and JSON keys are strings)."""
    step_spans: dict[str, Span] = Field(default_factory=dict)
    steps: dict[str, StepState] = Field(default_factory=dict)
    participants: dict[str, Participant] = Field(default_factory=dict)
    notes: dict[str, Note] = Field(default_factory=dict)
    clusters: dict[str, Cluster] = Field(default_factory=dict)
    votes: dict[str, dict[str, dict[str, int]]] = Field(default_factory=dict)
    """step key -> voter -> target id -> dots."""
    ratings: dict[str, dict[str, int]] = Field(default_factory=dict)
    """step key -> rater -> value."""
    receipts: dict[str, int] = Field(default_factory=dict)
    """"actor/client id" -> seq of the event it produced, so resends are not duplicated."""
    counter: int = 0
    """Source of short ids (n12, c3, p7): advanced by events, so replay gives the same ids."""
    seq: int = 0

    @property
    def step_key(self) -> str:
        return f"{self.item}.{self.step}"

    def step_state(self, key: str) -> StepState:
        return self.steps.get(key) or StepState()

    def notes_in(self, step_key: str) -> list[Note]:
        return [note for note in self.notes.values() if note.step == step_key]

    def notes_by(self, step_key: str, author: str) -> list[Note]:
        return [n for n in self.notes.values() if n.step == step_key and n.author == author]

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


# ---------------------------------------------------------------- the fold


def apply(state: SessionState, event: Event) -> None:
    """Fold one event into the state. Never raises for an event the engine produced."""
    handler = _HANDLERS.get(event.type)
    if handler is None:
        raise ValueError(f"unknown event type {event.type!r} (seq {event.seq})")
    handler(state, event, event.data)
    state.seq = event.seq
    if (client_id := event.data.get("client_id")) is not None:
        state.receipts[f"{event.actor}/{client_id}"] = event.seq


def _next_id(state: SessionState) -> None:
    state.counter += 1


def _close_cursor(state: SessionState, at: float) -> None:
    """Account the time spent at the current position when leaving it."""
    if state.cursor_since is None:
        return
    spent = max(0.0, at - state.cursor_since)
    for spans, key in ((state.items, str(state.item)), (state.step_spans, state.step_key)):
        span = spans.setdefault(key, Span())
        span.ended_at = at
        span.seconds += spent
    state.cursor_since = None


def _on_step_started(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    _close_cursor(state, event.at)
    state.started = True
    state.ended_at = None  # moving on after "end" reopens the run
    state.item, state.step = d["item"], d["step"]
    state.cursor_since = event.at
    for spans, key in ((state.items, str(state.item)), (state.step_spans, state.step_key)):
        span = spans.setdefault(key, Span())
        if span.started_at is None:
            span.started_at = event.at
        span.ended_at = None
    state.timer = Timer(duration=float(d["seconds"]))
    if d.get("autostart"):
        state.timer.running_since = event.at


def _on_session_ended(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    _close_cursor(state, event.at)
    if state.timer.running_since is not None:
        state.timer.elapsed = state.timer.elapsed_at(event.at)
        state.timer.running_since = None
    state.ended_at = event.at


def _on_timer(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    timer, action = state.timer, d["action"]
    if action == "start" and timer.running_since is None:
        timer.running_since = event.at
    elif action == "pause" and timer.running_since is not None:
        timer.elapsed = timer.elapsed_at(event.at)
        timer.running_since = None
    elif action == "extend":
        timer.duration += float(d["seconds"])
    elif action == "reset":
        timer.elapsed = 0.0
        timer.duration = float(d["seconds"])
        timer.running_since = None


def _on_participant_joined(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    _next_id(state)
    state.participants[d["participant"]] = Participant(
        id=d["participant"], name=d.get("name"), key=d.get("key", ""), joined_at=event.at
    )


def _on_participant_removed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.participants[d["participant"]].removed = True


def _on_note_added(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    _next_id(state)
    state.notes[d["note"]] = Note(
        id=d["note"],
        step=d["step"],
        text=d["text"],
        author=event.actor,
        author_name=d.get("author_name"),
        category=d.get("category"),
        region=d.get("region"),
        created_at=event.at,
    )


def _on_note_edited(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    note = state.notes[d["note"]]
    for field in ("text", "category", "region"):
        if field in d:
            setattr(note, field, d[field])
    note.edited_at = event.at


def _on_note_hidden(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.notes[d["note"]].hidden = bool(d["hidden"])


def _on_action_marked(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.notes[d["note"]].action_owner = d.get("owner")


def _on_step_flag(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    step = state.steps.setdefault(d["step"], StepState())
    if event.type == "revealed":
        step.revealed = True
    elif event.type == "input_locked":
        step.locked = bool(d["locked"])
    elif event.type == "vote_opened":
        step.vote = "open"
    elif event.type == "vote_closed":
        step.vote = "closed"
    elif event.type == "summary_set":
        step.summary = d["text"]


def _on_cluster_created(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    _next_id(state)
    state.clusters[d["cluster"]] = Cluster(
        id=d["cluster"], step=d["step"], label=d["label"], parking=bool(d.get("parking")),
        created_at=event.at,
    )
    for note_id in d.get("notes", []):
        state.notes[note_id].cluster = d["cluster"]


def _on_cluster_renamed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.clusters[d["cluster"]].label = d["label"]


def _on_clusters_merged(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    source, target = d["source"], d["target"]
    for note in state.notes.values():
        if note.cluster == source:
            note.cluster = target
    del state.clusters[source]


def _on_note_moved(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.notes[d["note"]].cluster = d.get("cluster")


def _on_note_placed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.notes[d["note"]].region = d["region"]


def _on_vote_cast(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    ballot = state.votes.setdefault(d["step"], {}).setdefault(d["voter"], {})
    ballot[d["target"]] = ballot.get(d["target"], 0) + 1


def _on_vote_withdrawn(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    ballot = state.votes[d["step"]][d["voter"]]
    ballot[d["target"]] -= 1
    if ballot[d["target"]] <= 0:
        del ballot[d["target"]]


def _on_rated(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.ratings.setdefault(d["step"], {})[d["rater"]] = int(d["value"])
    if d.get("new_id"):
        _next_id(state)


_HANDLERS = {
    "step_started": _on_step_started,
    "session_ended": _on_session_ended,
    "timer": _on_timer,
    "participant_joined": _on_participant_joined,
    "participant_removed": _on_participant_removed,
    "note_added": _on_note_added,
    "note_edited": _on_note_edited,
    "note_hidden": _on_note_hidden,
    "action_marked": _on_action_marked,
    "revealed": _on_step_flag,
    "input_locked": _on_step_flag,
    "vote_opened": _on_step_flag,
    "vote_closed": _on_step_flag,
    "summary_set": _on_step_flag,
    "cluster_created": _on_cluster_created,
    "cluster_renamed": _on_cluster_renamed,
    "clusters_merged": _on_clusters_merged,
    "note_moved": _on_note_moved,
    "note_placed": _on_note_placed,
    "vote_cast": _on_vote_cast,
    "vote_withdrawn": _on_vote_withdrawn,
    "rated": _on_rated,
}
EVENT_TYPES = frozenset(_HANDLERS)
