"""The facilitation engine: the single writer of a run's state.

Commands come in from the TUI (as the facilitator) and from phones (as participants).
For each, the engine checks it against the current step and its rules, turns it into an
event, hands the event to the journal (which makes it durable) and only then folds it
into the state and tells subscribers. A command that breaks a rule raises
:class:`Rejected` with a message meant for a person, and nothing changes.

Pure: no Textual, no HTTP, no files. Durability comes in through the :class:`Journal`
protocol, time through ``clock``.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sessionkit.core import commands as c
from sessionkit.core.agenda import TimedAgenda, TimedItem, time_plan
from sessionkit.core.method import (
    COLLECTS_NOTES, CanvasInput, ClusterInput, Method, NotesInput, RatingInput, Step, VoteInput,
)
from sessionkit.core.plan import Plan
from sessionkit.core.state import FACILITATOR, Event, SessionState, apply

log = logging.getLogger("sessionkit.engine")


class Rejected(Exception):
    """A command that was not carried out; ``str()`` is the message for a person.

    ``code`` lets adapters choose a status: invalid, forbidden, not_found, locked,
    limit, conflict, storage.
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


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
    ) -> None:
        self.plan = plan
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
        return self._commit([(command, actor)], single=True)[0]

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
        item_index, step_index = _split_key(key or self.state.step_key)
        item = self.items[item_index]
        if item.method is None:
            return item, None
        return item, item.method.steps[step_index]

    def prompt(self, key: str | None = None) -> str:
        item, step = self.step_def(key)
        return item.prompt(step) if step else item.title

    def step_key_for(self, item_index: int, step_id: str) -> str:
        method = self.items[item_index].method
        assert method is not None
        ids = [s.id for s in method.steps]
        return f"{item_index}.{ids.index(step_id)}"

    def vote_targets(self, key: str | None = None) -> list[str]:
        """Ids a vote step may receive dots on, in board order."""
        key = key or self.state.step_key
        item, step = self.step_def(key)
        if step is None or not isinstance(step.input, VoteInput):
            return []
        target_key = self.step_key_for(_split_key(key)[0], step.input.target_step)
        if step.input.target == "clusters":
            # The parking lot holds what the room set aside: it is not a theme to vote on.
            return [k for k, cl in self.state.clusters.items()
                    if cl.step == target_key and not cl.parking]
        return [n.id for n in self.state.notes_in(target_key) if not n.hidden]

    def cluster_sources(self, key: str | None = None) -> list[str]:
        key = key or self.state.step_key
        item, step = self.step_def(key)
        if step is None or not isinstance(step.input, ClusterInput):
            return []
        return [self.step_key_for(_split_key(key)[0], s) for s in step.input.source_steps]

    def visible_to(self, note_key: str, viewer: str) -> bool:
        """May ``viewer`` see this note's text? Hidden and unrevealed private notes only
        reach their author and the facilitator."""
        note = self.state.notes[note_key]
        if viewer == FACILITATOR or note.author == viewer:
            return True
        if note.hidden:
            return False
        _, step = self.step_def(note.step)
        private = step is not None and getattr(step.input, "private", False)
        return not private or self.state.step_state(note.step).revealed

    def _is_vote_target(self, key: str, target: str) -> bool:
        """``target in self.vote_targets(key)`` without listing every note (a dot is cast
        on a board of thousands of notes many times a second)."""
        _, step = self.step_def(key)
        if step is None or not isinstance(step.input, VoteInput):
            return False
        target_key = self.step_key_for(_split_key(key)[0], step.input.target_step)
        if step.input.target == "clusters":
            cluster = self.state.clusters.get(target)
            return cluster is not None and cluster.step == target_key and not cluster.parking
        note = self.state.notes.get(target)
        return note is not None and note.step == target_key and not note.hidden

    def _notes_written(self, key: str, author: str) -> int:
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

    def _stage(self, batch: Sequence[tuple[c.Command, str]], single: bool,
               fresh: list[Event]) -> list[Any]:
        """Check each command and fold its event provisionally, collecting them in ``fresh``."""
        results: list[Any] = []
        for command, actor in batch:
            try:
                duplicate = self._duplicate_of(command, actor, fresh)
                if duplicate is not None:
                    results.append(duplicate)
                    continue
                event = self._prepare(command, actor)
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

    def _duplicate_of(self, command: c.Command, actor: str,
                      pending: Sequence[Event] = ()) -> Event | None:
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
        return Event(seq=seq, at=self.clock(), type="duplicate", actor=actor,
                     data={"client_id": client_id})

    def _event(self, type_: str, actor: str, **data: Any) -> Event:
        return Event(seq=self.state.seq + 1, at=self.clock(), type=type_, actor=actor,
                     data={k: v for k, v in data.items() if v is not None})

    # ------------------------------------------------------------ rules

    def _prepare(self, command: c.Command, actor: str) -> Event:
        if actor != FACILITATOR:
            self._check_participant(command, actor)
        handler = getattr(self, f"_do_{command.type}")  # type: ignore[attr-defined]
        event: Event = handler(command, actor)
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
            raise Rejected(f"There is no agenda item {cmd.item + 1}; the plan has {len(self.items)}.")
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
        return self._event("session_ended", actor)

    def _step_count(self, item_index: int) -> int:
        return max(1, len(self.items[item_index].steps))

    def _step_seconds(self, item_index: int, step_index: int) -> int:
        item = self.items[item_index]
        if item.steps:
            return item.steps[step_index].minutes * 60
        return item.minutes * 60

    def _step_event(self, item: int, step: int, actor: str) -> Event:
        return self._event("step_started", actor, item=item, step=step,
                           seconds=self._step_seconds(item, step))

    def _do_timer(self, cmd: c.TimerCommand, actor: str) -> Event:
        if not self.state.started:
            raise Rejected("Start the session first.", "conflict")
        action = cmd.action
        if action == "toggle":
            action = "pause" if self.state.timer.running else "start"
        if action == "extend":
            return self._event("timer", actor, action="extend", seconds=cmd.seconds)
        if action == "reset":
            seconds = self._step_seconds(self.state.item, self.state.step)
            return self._event("timer", actor, action="reset", seconds=seconds)
        return self._event("timer", actor, action=action)

    # participants ----------------------------------------------------

    def _do_join(self, cmd: c.Join, actor: str) -> Event:
        if len(self.state.active_participants()) >= self.limits.max_participants:
            raise Rejected(
                f"This session is full ({self.limits.max_participants} people). "
                "Ask the facilitator.", "limit")
        participant = f"p{self.state.counter + 1}"
        return self._event("participant_joined", actor, participant=participant,
                           name=cmd.name or None, key=cmd.key)

    def _do_remove_participant(self, cmd: c.RemoveParticipant, actor: str) -> Event:
        person = self.state.participants.get(cmd.participant)
        if person is None:
            raise Rejected(f"No participant {cmd.participant}.", "not_found")
        if person.removed:
            raise Rejected(f"{cmd.participant} has already been removed.", "conflict")
        return self._event("participant_removed", actor, participant=cmd.participant)

    # notes -----------------------------------------------------------

    def _do_add_note(self, cmd: c.AddNote, actor: str) -> Event:
        if not cmd.text:
            raise Rejected("A note needs some text.")
        key = self.state.step_key
        if cmd.step is not None and cmd.step != key:
            if actor != FACILITATOR:
                raise Rejected("Notes can only be added to the current step.", "forbidden")
            key = self._known_step(cmd.step)
        if not self.state.started:
            raise Rejected("Start the session first.", "conflict")
        _, step = self.step_def(key)
        if step is None or not isinstance(step.input, (NotesInput, CanvasInput)):
            raise Rejected("This step does not collect notes.", "conflict")
        spec = step.input
        if actor != FACILITATOR:
            written = self._notes_written(key, actor)
            if written >= spec.max_per_person:
                raise Rejected(
                    f"You have added {written} notes, the most this step allows.", "limit")
        category = self._category(spec, cmd.category)
        region = self._region(spec, cmd.region)
        if isinstance(spec, CanvasInput) and region is None:
            raise Rejected("Choose where on the canvas this note goes: "
                           + ", ".join(r.label for r in spec.regions) + ".")
        author_name = None
        if not spec.anonymous:
            if actor == FACILITATOR:
                author_name = cmd.author_name
            else:
                author_name = self.state.participants[actor].name
        return self._event("note_added", actor, note=f"n{self.state.counter + 1}", step=key,
                           text=cmd.text, category=category, region=region,
                           author_name=author_name)

    def _category(self, spec: NotesInput | CanvasInput, wanted: str | None) -> str | None:
        categories = getattr(spec, "categories", [])
        if wanted is None:
            if categories:
                raise Rejected("Choose a kind of note: "
                               + ", ".join(cat.label for cat in categories) + ".")
            return None
        if wanted not in {cat.id for cat in categories}:
            allowed = ", ".join(cat.id for cat in categories) or "none on this step"
            raise Rejected(f"Unknown kind of note '{wanted}' (expected: {allowed}).")
        return wanted

    def _region(self, spec: NotesInput | CanvasInput, wanted: str | None) -> str | None:
        if wanted is None:
            return None
        regions = getattr(spec, "regions", [])
        if wanted not in {r.id for r in regions}:
            allowed = ", ".join(r.id for r in regions) or "none on this step"
            raise Rejected(f"Unknown place on the canvas '{wanted}' (expected: {allowed}).")
        return wanted

    def _known_step(self, key: str) -> str:
        try:
            item_index, step_index = _split_key(key)
            item = self.items[item_index]
            if not item.steps or step_index >= len(item.steps):
                raise IndexError
            if item_index < 0 or step_index < 0:
                raise IndexError
        except (ValueError, IndexError):
            raise Rejected(f"No step '{key}' in this plan.", "not_found") from None
        return f"{item_index}.{step_index}"  # canonical, as state.step_key spells it

    def _note(self, note_id: str) -> Any:
        note = self.state.notes.get(note_id)
        if note is None:
            raise Rejected(f"No note {note_id}.", "not_found")
        return note

    def _do_edit_note(self, cmd: c.EditNote, actor: str) -> Event:
        note = self._note(cmd.note)
        if actor != FACILITATOR:
            if note.author != actor:
                raise Rejected("You can only edit your own notes.", "forbidden")
            if note.step != self.state.step_key:
                raise Rejected("That step has finished; the note can no longer be edited.",
                               "conflict")
        changes: dict[str, Any] = {}
        _, step = self.step_def(note.step)
        assert step is not None
        if cmd.text is not None:
            if not cmd.text:
                raise Rejected("A note needs some text. Hide it instead of emptying it.")
            changes["text"] = cmd.text
        if cmd.category is not None:
            changes["category"] = self._category(step.input, cmd.category)  # type: ignore[arg-type]
        if cmd.region is not None:
            changes["region"] = self._region(step.input, cmd.region)  # type: ignore[arg-type]
        if not changes:
            raise Rejected("Nothing to change.")
        return self._event("note_edited", actor, note=cmd.note, **changes)

    def _do_hide_note(self, cmd: c.HideNote, actor: str) -> Event:
        self._note(cmd.note)
        return self._event("note_hidden", actor, note=cmd.note, hidden=cmd.hidden)

    def _do_mark_action(self, cmd: c.MarkAction, actor: str) -> Event:
        self._note(cmd.note)
        return self._event("action_marked", actor, note=cmd.note, owner=cmd.owner or None)

    def _do_reveal(self, cmd: c.Reveal, actor: str) -> Event:
        key = self._known_step(cmd.step) if cmd.step else self.state.step_key
        _, step = self.step_def(key)
        if step is None or step.input.kind not in COLLECTS_NOTES:
            raise Rejected("Only a step that collects notes can be revealed.", "conflict")
        if self.state.step_state(key).revealed:
            raise Rejected("These notes are already revealed.", "conflict")
        return self._event("revealed", actor, step=key)

    def _do_lock_input(self, cmd: c.LockInput, actor: str) -> Event:
        if not self.state.started:
            raise Rejected("Start the session first.", "conflict")
        return self._event("input_locked", actor, step=self.state.step_key, locked=cmd.locked)

    def _do_set_summary(self, cmd: c.SetSummary, actor: str) -> Event:
        if not self.state.started:
            raise Rejected("Start the session first.", "conflict")
        return self._event("summary_set", actor, step=self.state.step_key, text=cmd.text)

    # clusters and canvas ----------------------------------------------

    def _cluster_step(self) -> str:
        _, step = self.step_def() if self.state.started else (None, None)
        if step is None or not isinstance(step.input, ClusterInput):
            raise Rejected("Clustering happens on a cluster step.", "conflict")
        return self.state.step_key

    def _clusterable(self, note_id: str) -> None:
        note = self._note(note_id)
        if note.step not in self.cluster_sources():
            raise Rejected(f"Note {note_id} is not from a step this one clusters.", "conflict")

    def _cluster(self, cluster_id: str) -> Any:
        cluster = self.state.clusters.get(cluster_id)
        if cluster is None:
            raise Rejected(f"No cluster {cluster_id}.", "not_found")
        if cluster.step != self.state.step_key:
            raise Rejected(f"Cluster {cluster_id} belongs to another step.", "conflict")
        return cluster

    def _do_create_cluster(self, cmd: c.CreateCluster, actor: str) -> Event:
        key = self._cluster_step()
        _, step = self.step_def(key)
        if cmd.parking and not step.input.parking_lot:  # type: ignore[union-attr]
            raise Rejected("This step has no parking lot.", "conflict")
        if len(set(cmd.notes)) != len(cmd.notes):
            raise Rejected("A note can only go into one cluster.")
        for note_id in cmd.notes:
            self._clusterable(note_id)
        return self._event("cluster_created", actor, cluster=f"c{self.state.counter + 1}",
                           step=key, label=cmd.label, parking=cmd.parking or None,
                           notes=list(cmd.notes))

    def _do_rename_cluster(self, cmd: c.RenameCluster, actor: str) -> Event:
        self._cluster_step()
        self._cluster(cmd.cluster)
        return self._event("cluster_renamed", actor, cluster=cmd.cluster, label=cmd.label)

    def _do_merge_clusters(self, cmd: c.MergeClusters, actor: str) -> Event:
        self._cluster_step()
        self._cluster(cmd.source)
        self._cluster(cmd.target)
        if cmd.source == cmd.target:
            raise Rejected("A cluster cannot be merged into itself.")
        return self._event("clusters_merged", actor, source=cmd.source, target=cmd.target)

    def _do_move_note(self, cmd: c.MoveNote, actor: str) -> Event:
        self._cluster_step()
        self._clusterable(cmd.note)
        if cmd.cluster is not None:
            self._cluster(cmd.cluster)
        if self.state.notes[cmd.note].cluster == cmd.cluster:
            raise Rejected("The note is already there.", "conflict")
        return self._event("note_moved", actor, note=cmd.note, cluster=cmd.cluster)

    def _do_place_note(self, cmd: c.PlaceNote, actor: str) -> Event:
        note = self._note(cmd.note)
        _, step = self.step_def(note.step)
        if step is None or not isinstance(step.input, CanvasInput):
            raise Rejected("Only notes on a canvas step can be placed.", "conflict")
        region = self._region(step.input, cmd.region)
        return self._event("note_placed", actor, note=cmd.note, region=region)

    # votes and ratings -------------------------------------------------

    def _vote_step(self) -> tuple[str, VoteInput]:
        _, step = self.step_def() if self.state.started else (None, None)
        if step is None or not isinstance(step.input, VoteInput):
            raise Rejected("There is no vote on this step.", "conflict")
        return self.state.step_key, step.input

    def _do_open_vote(self, cmd: c.OpenVote, actor: str) -> Event:
        key, _ = self._vote_step()
        if self.state.step_state(key).vote == "open":
            raise Rejected("The vote is already open.", "conflict")
        return self._event("vote_opened", actor, step=key)

    def _do_close_vote(self, cmd: c.CloseVote, actor: str) -> Event:
        key, _ = self._vote_step()
        if self.state.step_state(key).vote != "open":
            raise Rejected("The vote is not open.", "conflict")
        return self._event("vote_closed", actor, step=key)

    def _do_cast_vote(self, cmd: c.CastVote, actor: str) -> Event:
        key, spec = self._vote_step()
        if self.state.step_state(key).vote != "open":
            raise Rejected("Voting is not open.", "locked")
        if not self._is_vote_target(key, cmd.target):
            raise Rejected(f"'{cmd.target}' is not one of the things being voted on.", "not_found")
        if actor != FACILITATOR:  # the facilitator enters paper dots: no budget
            ballot = self.state.votes.get(key, {}).get(actor, {})
            if sum(ballot.values()) >= spec.dots_per_person:
                raise Rejected(f"You have used all {spec.dots_per_person} of your dots.", "limit")
            if ballot.get(cmd.target, 0) >= spec.max_per_item:
                raise Rejected(
                    f"At most {spec.max_per_item} dot(s) can go on one item.", "limit")
        return self._event("vote_cast", actor, step=key, voter=actor, target=cmd.target)

    def _do_withdraw_vote(self, cmd: c.WithdrawVote, actor: str) -> Event:
        key, _ = self._vote_step()
        if self.state.step_state(key).vote != "open":
            raise Rejected("Voting is not open.", "locked")
        if self.state.votes.get(key, {}).get(actor, {}).get(cmd.target, 0) <= 0:
            raise Rejected("There is no dot of yours on that to take back.", "conflict")
        return self._event("vote_withdrawn", actor, step=key, voter=actor, target=cmd.target)

    def _do_rate(self, cmd: c.Rate, actor: str) -> Event:
        _, step = self.step_def() if self.state.started else (None, None)
        if step is None or not isinstance(step.input, RatingInput):
            raise Rejected("There is no rating on this step.", "conflict")
        spec = step.input
        if not spec.scale_min <= cmd.value <= spec.scale_max:
            raise Rejected(f"Choose a rating from {spec.scale_min} to {spec.scale_max}.")
        if actor == FACILITATOR:  # a paper rating: each one counts separately
            return self._event("rated", actor, step=self.state.step_key,
                               rater=f"paper-{self.state.counter + 1}", value=cmd.value,
                               new_id=True)
        return self._event("rated", actor, step=self.state.step_key, rater=actor,
                           value=cmd.value)


def _split_key(key: str) -> tuple[int, int]:
    item, _, step = key.partition(".")
    return int(item), int(step or 0)


def _describe(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__
