"""The facilitation engine: the single writer of a run's state.

Over 400 lines: the session-wide rules (navigation, timer) and the shared commit
machinery; every input kind's rules are in core/inputs, the rules for people (joining,
removal, bans) in core/people.

Commands come in from the TUI (as the facilitator) and from phones (as participants).
For each, the engine checks it against the current step and its rules, turns it into an
event, hands the event to the journal (which makes it durable) and only then folds it
into the state and tells subscribers. A command that breaks a rule raises
:class:`Rejected` with a message meant for a person, and nothing changes.

The rules of each input kind live in its module (:mod:`sessionkit.core.inputs`) and see
the engine through :class:`~sessionkit.core.inputs.base.RuleContext`; the engine keeps the
session-wide rules and the shared machinery: dispatch, group commit, staging, rollback,
the journal and subscribers.

Pure: no Textual, no HTTP, no files. Durability comes in through the :class:`Journal`
protocol, time through ``clock``.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sessionkit.core import carried as carrying
from sessionkit.core import commands as c
from sessionkit.core import groups, people, read, safeguarding, timers, undo
from sessionkit.core.agenda import TimedAgenda, TimedItem, time_plan
from sessionkit.core.errors import Rejected
from sessionkit.core.fold import apply
from sessionkit.core.groupspec import GroupsSpec
from sessionkit.core.inputs import InputSpec, Rule, kind_rules, review
from sessionkit.core.method import Method, Step
from sessionkit.core.plan import Plan
from sessionkit.core.redaction import REDACTION_RULES
from sessionkit.core.state import FACILITATOR, Event, Note, SessionState

__all__ = ["Engine", "Journal", "Limits", "Rejected", "Subscriber"]

log = logging.getLogger("sessionkit.engine")


class Journal(Protocol):
    def append(self, events: Sequence[Event]) -> None:
        """Make ``events`` durable before returning; raise ``OSError`` if that failed."""


@dataclass(frozen=True)
class Limits:
    max_participants: int = 1000


Subscriber = Callable[[Event, SessionState], None]


class Engine:
    def __init__(
        self,
        plan: Plan,
        methods: dict[str, Method],
        state: SessionState | None = None,
        *,
        journal: Journal | None = None,
        clock: Callable[[], float] = time.time,
        limits: Limits = Limits(),
        run_id: str | None = None,
        series: str | None = None,
        carried: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self.plan = plan
        self.series = series
        """The series the run belongs to (the store's choice; journalled at the start)."""
        self.carried_in: Sequence[Mapping[str, Any]] = carried
        """Open actions of the series' earlier runs, as data the store read: put in the
        first ``step_started`` event, so the run's own journal holds them from then on."""
        self.methods = methods
        self.agenda: TimedAgenda = time_plan(plan, methods)
        self.items: tuple[TimedItem, ...] = self.agenda.items
        self.clock = clock
        self.limits = limits
        self.journal = journal
        self.state = state or SessionState(
            run_id=run_id or uuid.uuid4().hex[:12], plan_id=plan.id, created_at=clock()
        )
        self._base = self.state.model_copy(deep=True)
        """The state this engine started from (a snapshot, or new): undo rebuilds from it."""
        self.history: list[Event] = []
        """Events applied since this engine was made (replayed ones included)."""
        self._subscribers: list[Subscriber] = []
        self._written: tuple[dict[str, Any], int, dict[tuple[str, str], int]] | None = None
        """(the notes dict it counted, how many notes it had, (step, author) -> notes)."""
        self.storage_error: str | None = None
        """Set while the journal is failing; cleared by the next successful write."""
        self._room: tuple[int, TimedAgenda] | None = None
        """(people, the agenda timed for them): the last :meth:`room_agenda`."""

    # ------------------------------------------------------------ public API

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    def replay(self, events: Iterable[Event]) -> None:
        """Fold already-durable events (from a journal) without writing or notifying.

        Events the state already holds (``seq`` not after ``state.seq``, e.g. from a
        snapshot) are skipped, so replaying a whole journal over a snapshot is safe.
        """
        for event in events:
            if event.seq <= self.state.seq:
                continue
            apply(self.state, event)
            self.history.append(event)

    def execute(self, command: c.Command, actor: str = FACILITATOR) -> Event:
        """Carry out one command; return its event (the original one for a resend)."""
        event: Event = self._commit([(command, actor)], single=True)[0]
        return event

    def execute_many(self, batch: Sequence[tuple[c.Command, str]]) -> list[Event | Rejected]:
        """Carry out several commands with one journal write (group commit).

        Each is checked against the state left by the ones before it. A storage failure
        rejects every command in the batch and leaves the state as it was.
        """
        return self._commit(batch, single=False)

    # ------------------------------------------------------------ the step in focus

    def item(self, index: int | None = None) -> TimedItem:
        return self.items[self.state.item if index is None else index]

    def step_def(self, key: str | None = None) -> tuple[TimedItem, Step | None]:
        """The agenda item and method step for a step key (default: the current one)."""
        item, step = read.step_at(self.items, key or self.state.step_key)
        if item is None:
            raise KeyError(key)
        return item, step

    def room_people(self) -> int:
        """Who a step that scales with the room is timed for: the phones in (not
        removed) plus the people on paper the facilitator counted."""
        return len(self.state.active_participants()) + self.state.paper_people

    def room_agenda(self) -> TimedAgenda:
        """The agenda timed for the people in the room now (before anyone is in: the
        plan's, for its ``expected_people``). ``agenda`` stays the plan as planned."""
        people = self.room_people()
        if not people:
            return self.agenda
        if self._room is None or self._room[0] != people:
            self._room = (people, time_plan(self.plan, self.methods, people))
        return self._room[1]

    def countdown_reason(self) -> str:
        """Why the current step's countdown is as long as it is, when the step scales
        with the room (``"12 min: 30 s a person for 24 people"``; "" when it does not)."""
        people = self.state.timer.people
        if not people or not self.state.started:
            return ""
        agenda = self.room_agenda() if people == self.room_people() else None
        agenda = agenda or time_plan(self.plan, self.methods, people)
        item = agenda.items[self.state.item]
        return item.steps[self.state.step].reason if item.steps else ""

    def prompt(self, key: str | None = None, language: str = "en") -> str:
        item, step = self.step_def(key)
        return item.prompt(step, language) if step else item.title

    def step_key_for(self, item_index: int, step_id: str) -> str:
        return read.sibling_key(self.items, read.StepKey(item_index), step_id)

    def vote_targets(self, key: str | None = None) -> list[str]:
        """Ids a vote step may receive dots on, in board order (carried ones first)."""
        return carrying.vote_targets(self.state, self.items, key or self.state.step_key)

    def sort_targets(self, key: str | None = None) -> list[str]:
        """Ids a sort step places into buckets, in board order (carried ones first)."""
        return carrying.sort_targets(self.state, self.items, key or self.state.step_key)

    def rank_targets(self, key: str | None = None) -> list[str]:
        """Ids a rank step ranks or scores, in board order (carried ones first)."""
        return carrying.rank_targets(self.state, self.items, key or self.state.step_key)

    def carried(self, key: str | None = None) -> carrying.Carried | None:
        """What the step took from an earlier agenda item, with a sentence saying so."""
        return carrying.carried(self.state, self.items, key or self.state.step_key)

    def cluster_sources(self, key: str | None = None) -> list[str]:
        return read.cluster_sources(self.items, key or self.state.step_key)

    def visible_to(self, note_key: str, viewer: str) -> bool:
        """May ``viewer`` see this note's text? Hidden and unrevealed private notes only
        reach their author and the facilitator."""
        return read.note_visible(self.state, self.items, self.state.notes[note_key], viewer)

    # ------------------------------------------------------------ what rules may ask
    # (the RuleContext protocol of sessionkit.core.inputs.base, and people.PeopleContext)

    @property
    def max_participants(self) -> int:
        return self.limits.max_participants

    @property
    def join_roles(self) -> list[str]:
        return list(self.plan.join_roles)

    @property
    def tables(self) -> int | None:
        return self.plan.tables

    def spec_at(self, key: str | None = None) -> InputSpec | None:
        return read.spec_at(self.items, key or self.state.step_key)

    def sibling_key(self, key: str, step_id: str) -> str:
        return read.sibling_key(self.items, key, step_id)

    def groups_at(self, key: str | None = None) -> GroupsSpec | None:
        return groups.spec_at(self.items, key or self.state.step_key)

    def known_step(self, key: str) -> str:
        try:
            where = read.StepKey.parse(key)
            item = self.items[where.item]
            if not item.steps or where.step >= len(item.steps):
                raise IndexError
        except (ValueError, IndexError):
            raise Rejected(f"No step '{key}' in this plan.", "not_found") from None
        return str(where)  # canonical, as state.step_key spells it

    def carried_targets(self, key: str) -> Sequence[str]:
        came = carrying.carried(self.state, self.items, key)
        return came.ids if came is not None else ()

    def note(self, note_id: str) -> Note:
        note = self.state.notes.get(note_id)
        if note is None:
            raise Rejected(f"No note {note_id}.", "not_found")
        return note

    def event(self, type_: str, actor: str, **data: Any) -> Event:
        return Event(
            seq=self.state.seq + 1,
            at=self.clock(),
            type=type_,
            actor=actor,
            data={k: v for k, v in data.items() if v is not None},
        )

    def notes_written(self, key: str, author: str) -> int:
        """``len(self.state.notes_by(key, author))`` without a scan of every note.

        Notes are only ever added (never removed, their step and author never change) and
        a dict keeps insertion order, so the count is kept up to date by looking at the
        notes added since the last call. Anything else (the state or its notes dict was
        replaced: a rollback, a restore) is a new dict object, and the count starts over.
        """
        notes = self.state.notes
        cache = self._written
        if cache is None or cache[0] is not notes or cache[1] > len(notes):
            counts: dict[tuple[str, str], int] = {}
            for note in notes.values():
                counts[(note.step, note.author)] = counts.get((note.step, note.author), 0) + 1
        else:
            counts = cache[2]
            for note in itertools.islice(reversed(notes.values()), len(notes) - cache[1]):
                counts[(note.step, note.author)] = counts.get((note.step, note.author), 0) + 1
        self._written = (notes, len(notes), counts)
        return counts.get((key, author), 0)

    # ------------------------------------------------------------ commit

    def _commit(self, batch: Sequence[tuple[c.Command, str]], single: bool) -> list[Any]:
        fresh: list[Event] = []
        try:
            results = self._stage(batch, single, fresh)
        except BaseException:
            # A bug, not a rule: never leave provisional events in a state the journal
            # does not have.
            if fresh:
                self._rebuild()
            raise
        if not fresh:
            return results
        try:
            if self.journal is not None:
                self.journal.append(fresh)
        except OSError as error:
            self._rebuild()
            self.storage_error = f"The session record could not be saved ({_describe(error)})."
            rejection = Rejected(
                f"{self.storage_error} Nothing new was recorded; the facilitator has been told.",
                "storage",
            )
            if single:
                raise rejection from error
            # Resends of a command earlier in this batch were answered with its event
            # (the same object), so they are rejected with it.
            return [rejection if any(r is e for e in fresh) else r for r in results]
        except BaseException:
            self._rebuild()
            raise
        self.storage_error = None
        self.history.extend(fresh)
        for event in fresh:
            for subscriber in list(self._subscribers):
                try:
                    subscriber(event, self.state)
                except Exception:  # the event is durable: one broken listener must not
                    log.exception("subscriber %r failed on event %s", subscriber, event.seq)
        return results

    def _stage(
        self, batch: Sequence[tuple[c.Command, str]], single: bool, fresh: list[Event]
    ) -> list[Any]:
        """Check each command and fold its event provisionally, collecting them in ``fresh``."""
        results: list[Any] = []
        for command, actor in batch:
            try:
                duplicate = self._duplicate_of(command, actor, fresh)
                if duplicate is not None:
                    results.append(duplicate)
                    continue
                event = self._prepare(command, actor)
                if not single and actor == FACILITATOR and len(batch) > 1:
                    # one action of the facilitator's: undone (core.undo) as one
                    event.data["batch"] = fresh[0].seq if fresh else event.seq
            except Rejected as rejection:
                if single:
                    raise
                results.append(rejection)
                continue
            apply(self.state, event)  # provisional until the journal has it
            fresh.append(event)
            results.append(event)
        return results

    def _rebuild(self) -> None:
        """Undo provisional events: fold the durable history onto the starting state."""
        state = self._base.model_copy(deep=True)
        for event in self.history:
            if event.seq > state.seq:
                apply(state, event)
        # Restore in place: adapters and subscribers hold on to ``self.state``, and must
        # not go on seeing the provisional events on the object they have.
        for name in type(state).model_fields:
            setattr(self.state, name, getattr(state, name))

    def _duplicate_of(
        self, command: c.Command, actor: str, pending: Sequence[Event] = ()
    ) -> Event | None:
        client_id = getattr(command, "client_id", None)
        if client_id is None:
            return None
        seq = self.state.receipts.get(f"{actor}/{client_id}")
        if seq is None:
            return None
        for event in (*reversed(pending), *reversed(self.history)):
            if event.seq == seq:
                return event
        # The original was folded from a snapshot: acknowledge it again without its data.
        return Event(
            seq=seq, at=self.clock(), type="duplicate", actor=actor, data={"client_id": client_id}
        )

    # ------------------------------------------------------------ rules

    def _prepare(self, command: c.Command, actor: str) -> Event:
        if actor != FACILITATOR:
            self._check_participant(command, actor)
        session_rule = _SESSION_RULES.get(command.type) or _GROUP_RULES.get(command.type)
        if session_rule is not None:
            event = session_rule(self, command, actor)
        else:
            rule = _KIND_RULES.get(command.type)
            if rule is None:  # a Command subclass no kind registered: a bug, not a rule
                raise TypeError(f"no rule for command {command.type!r}")
            event = rule(self, command, actor)
        if (client_id := getattr(command, "client_id", None)) is not None:
            event.data["client_id"] = client_id
        return event

    def _check_participant(self, command: c.Command, actor: str) -> None:
        if not isinstance(command, c.PARTICIPANT_COMMANDS):
            raise Rejected("Only the facilitator can do that.", "forbidden")
        if isinstance(command, c.Join):
            return
        person = self.state.participants.get(actor)
        if person is None or person.removed:
            raise Rejected("You are not part of this session any more.", "forbidden")
        if self.state.ended_at is not None:
            raise Rejected("The session has ended. Thank you for taking part.", "locked")
        if not self.state.started:
            raise Rejected("The session has not started yet.", "locked")
        if self.state.step_state(self.state.step_key).locked:
            raise Rejected("The facilitator has paused input for this step.", "locked")

    # navigation ------------------------------------------------------

    def _do_start_session(self, cmd: c.StartSession, actor: str) -> Event:
        if self.state.started:
            raise Rejected("The session has already started.", "conflict")
        return self._step_event(0, 0, actor)

    def _do_goto(self, cmd: c.GoTo, actor: str) -> Event:
        if cmd.item >= len(self.items):
            raise Rejected(
                f"There is no agenda item {cmd.item + 1}; the plan has {len(self.items)}."
            )
        count = self._step_count(cmd.item)
        if cmd.step >= count:
            raise Rejected(f"Agenda item {cmd.item + 1} has {count} step(s), not {cmd.step + 1}.")
        return self._step_event(cmd.item, cmd.step, actor)

    def _do_next_step(self, cmd: c.NextStep, actor: str) -> Event:
        if not self.state.started:
            return self._step_event(0, 0, actor)
        item, step = self.state.item, self.state.step
        if step + 1 < self._step_count(item):
            return self._step_event(item, step + 1, actor)
        if item + 1 < len(self.items):
            return self._step_event(item + 1, 0, actor)
        raise Rejected("This is the last step of the plan. End the session to finish.", "conflict")

    def _do_previous_step(self, cmd: c.PreviousStep, actor: str) -> Event:
        item, step = self.state.item, self.state.step
        if not self.state.started or (item == 0 and step == 0):
            raise Rejected("This is the first step of the plan.", "conflict")
        if step > 0:
            return self._step_event(item, step - 1, actor)
        return self._step_event(item - 1, self._step_count(item - 1) - 1, actor)

    def _do_end_session(self, cmd: c.EndSession, actor: str) -> Event:
        if self.state.ended_at is not None:
            raise Rejected("The session has already ended.", "conflict")
        return self.event("session_ended", actor)

    def _step_count(self, item_index: int) -> int:
        return max(1, len(self.items[item_index].steps))

    def _step_time(self, item_index: int, step_index: int) -> dict[str, int]:
        """The countdown for a step as it starts: its minutes for the room now, and the
        people counted when the step scales with them (so the reason can be shown)."""
        item = self.room_agenda().items[item_index]
        share = timers.item_share(self.state, item_index)  # the rest of the day retimed
        if not item.steps:
            return {"seconds": round(item.minutes * 60 * share)}
        timed = item.steps[step_index]
        scaled = {"people": self.room_people()} if timed.why and self.room_people() else {}
        return {"seconds": round(timed.minutes * 60 * share), **scaled}

    def _step_event(self, item: int, step: int, actor: str) -> Event:
        # A grouped step's groups are formed (or late arrivals placed) as it starts,
        # in the same event, so replay reads the membership instead of computing it.
        formed = groups.on_step_start(self.state, self.items, str(read.StepKey(item, step)))
        if not self.state.started and (self.series or self.carried_in):
            formed = {
                **formed,
                "series": self.series,
                "carried": review.carried_event_data(self.state, self.carried_in) or None,
            }
        return self.event(
            "step_started",
            actor,
            item=item,
            step=step,
            **self._step_time(item, step),
            **formed,
            autostart=timers.autostart(self.plan, self.state) or None,
        )

    def _do_retime_rest(self, cmd: timers.RetimeRest, actor: str) -> Event:
        minutes = [item.minutes for item in self.room_agenda().items]
        return timers.retime(self, minutes, cmd, actor)

    def _do_timer(self, cmd: c.TimerCommand, actor: str) -> Event:
        if not self.state.started:
            raise Rejected("Start the session first.", "conflict")
        action = cmd.action
        if action == "toggle":
            action = "pause" if self.state.timer.running else "start"
        if action == "extend":
            return self.event("timer", actor, action="extend", seconds=cmd.seconds)
        if action == "reset":
            timed = self._step_time(self.state.item, self.state.step)
            return self.event("timer", actor, action="reset", **timed)
        return self.event("timer", actor, action=action)

    # the step ---------------------------------------------------------

    def _do_lock_input(self, cmd: c.LockInput, actor: str) -> Event:
        if not self.state.started:
            raise Rejected("Start the session first.", "conflict")
        return self.event("input_locked", actor, step=self.state.step_key, locked=cmd.locked)

    def _do_set_paper_people(self, cmd: c.SetPaperPeople, actor: str) -> Event:
        return self.event("paper_people_set", actor, count=cmd.count)

    def _do_set_summary(self, cmd: c.SetSummary, actor: str) -> Event:
        if not self.state.started:
            raise Rejected("Start the session first.", "conflict")
        return self.event("summary_set", actor, step=self.state.step_key, text=cmd.text)


SessionRule = Callable[[Engine, Any, str], Event]
_SESSION_RULES: dict[str, SessionRule] = {
    command.type_name(): rule
    for command, rule in (
        (c.StartSession, Engine._do_start_session),
        (c.GoTo, Engine._do_goto),
        (c.NextStep, Engine._do_next_step),
        (c.PreviousStep, Engine._do_previous_step),
        (c.EndSession, Engine._do_end_session),
        (c.TimerCommand, Engine._do_timer),
        (c.Join, people.join),
        (c.RemoveParticipant, people.remove),
        (c.LetBackIn, people.let_back_in),
        (c.SetJoining, people.set_joining),
        (c.SetRoleAndTable, people.set_role_and_table),
        (c.LockInput, Engine._do_lock_input),
        (c.SetSummary, Engine._do_set_summary),
        (c.SetSafeguarding, safeguarding.set_safeguarding),
        (c.SetPaperPeople, Engine._do_set_paper_people),
        (c.Undo, undo.undo),
        (c.SetTimers, timers.set_timers),
        (c.RetimeRest, Engine._do_retime_rest),
        (c.Redo, undo.redo),
    )
}
"""Command type -> the engine's own rule, for the session-wide commands."""
_GROUP_RULES: dict[str, groups.GroupRule] = {
    command.type_name(): rule for command, rule in groups.GROUP_RULES.items()
}
"""Command type -> rule, for forming groups and picking a group's note."""
_KIND_RULES: dict[str, Rule] = {
    **kind_rules(),
    **{command.type_name(): rule for command, rule in REDACTION_RULES.items()},
}
"""Command type -> rule, for the commands the input kinds define (and redaction, which
works on the text of any of them)."""
assert set(_SESSION_RULES) == {cmd.type_name() for cmd in c.SESSION_COMMANDS}
assert not set(_SESSION_RULES) & set(_KIND_RULES), "a kind redefines a session command"


def _describe(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__
