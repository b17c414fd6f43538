"""Recovery: the journal read line by line, checked against the snapshot, folded.

Over 400 lines: every recovery rule in one place, so the order in which damage is
judged (checksum, sequence, fold) can be read top to bottom.

The rules are explained in :mod:`sessionkit.store`. This module decides; it reads and
writes no file (:mod:`sessionkit.store.opening` and :mod:`sessionkit.store.repair` do).

The journal is the record. Its events are kept in line order, numbered 1, 2, 3...; every
intact event is folded, whatever is damaged around it. What recovery works around is a
:class:`Finding`: the line it is about, why, and whether an acknowledged event is lost
with it (then the run needs a repair before it can go on).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sessionkit.core.engine import Engine, Limits
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.state import Event, SessionState
from sessionkit.store.errors import RecordError, _where
from sessionkit.store.journal import _Line
from sessionkit.store.snapshot import Snapshot


@dataclass(frozen=True)
class Finding:
    """One thing recovery had to work around, for a person to read."""

    file: Path
    line: int | None
    reason: str
    lost: bool = False
    """An acknowledged event is lost with it (and no repair has recorded that yet)."""
    set_aside: _Line | None = None
    """The journal line a repair moves out of the journal (``None``: nothing to move)."""

    @property
    def message(self) -> str:
        return f"{_where(self.file, self.line)}: {self.reason}"


@dataclass
class Recovery:
    """What :func:`recover` found and folded."""

    engine: Engine
    findings: list[Finding] = field(default_factory=list)
    snapshot_problem: Finding | None = None
    """Why the snapshot was not used (it is unreadable or disagrees with the journal)."""
    torn: _Line | None = None
    """A last line cut short by a crash: never acknowledged, set aside when writing."""
    kept: list[_Line] = field(default_factory=list)
    """The lines whose events the journal keeps (folded, or covered by the snapshot)."""
    lost: list[int] = field(default_factory=list)
    """Events lost for the first time (a repair records them as lost)."""

    @property
    def damaged(self) -> Finding | None:
        """The first finding that loses an event: the run cannot go on until repaired."""
        return next((f for f in self.findings if f.lost), None)

    @property
    def last_event(self) -> tuple[int, int] | None:
        """(seq, checksum) of the journal's last kept event, if it is the state's."""
        if not self.kept:
            return None
        line = self.kept[-1]
        assert line.event is not None and line.crc is not None
        return (line.event.seq, line.crc) if line.event.seq == self.engine.state.seq else None


@dataclass(frozen=True)
class Inputs:
    """Everything :func:`recover` works from, read by the caller."""

    journal: Path
    lines: list[_Line]
    fresh: SessionState
    """The state of a run with no events (from ``run.toml``)."""
    snapshot_path: Path
    snapshot: Snapshot | None
    snapshot_error: RecordError | None
    """Why the snapshot could not be read (``None`` if it was, or there is none)."""
    accepted: dict[int, str] = field(default_factory=dict)
    """Events a repair recorded as lost -> which repair (they are no longer damage)."""


def _seqs(seqs: list[int]) -> str:
    """``event 4``, ``events 4 to 6``, ``events 4, 7 and 9`` (``seqs`` sorted)."""
    if len(seqs) == 1:
        return f"event {seqs[0]}"
    if seqs == list(range(seqs[0], seqs[-1] + 1)):
        return f"events {seqs[0]} to {seqs[-1]}"
    return "events " + ", ".join(map(str, seqs[:-1])) + f" and {seqs[-1]}"


def recover(
    inputs: Inputs,
    plan: Plan,
    methods: dict[str, Method],
    *,
    clock: Callable[[], float],
    limits: Limits,
) -> Recovery:
    """Reconcile the journal and the snapshot and fold the result. What becomes of the
    torn line and of an unusable snapshot is up to the caller (and its words)."""
    lines = list(inputs.lines)
    findings: list[Finding] = []
    torn = _take_torn_line(lines, inputs.journal, findings)
    events = [line for line in lines if line.event is not None]
    chain = _in_order(events)
    findings += _out_of_order(inputs.journal, events, chain)
    kept = [line for index, line in enumerate(events) if index in chain]
    base, snapshot_problem = _choose_base(inputs, kept)
    reading = _Reading(inputs, base.seq)
    reading.gaps(lines, kept)
    engine = reading.fold(plan, methods, base, kept, clock, limits)
    _skip_ids_of_lost_events(engine.state, base.seq, reading.folded)
    findings += reading.findings
    findings.sort(key=lambda f: (f.line is None, f.line or 0))  # in line order
    if snapshot_problem is not None:
        findings.insert(0, snapshot_problem)
    unfit = set(map(id, reading.unfit))
    return Recovery(
        engine,
        findings,
        snapshot_problem,
        torn,
        [line for line in kept if id(line) not in unfit],
        sorted(set(reading.lost)),
    )


def _skip_ids_of_lost_events(state: SessionState, base: int, folded: int) -> None:
    """New ids (``p7``, ``n12``, ``c3``) come from ``state.counter``, which each event that
    made one moved on by one. An event that is lost (or left out) may have made one that
    later events and the kept notes use: move the counter past every id the lost events
    could have made, so a new note never takes the id of one the record already has."""
    state.counter += max(0, state.seq - base - folded)


def _take_torn_line(lines: list[_Line], journal: Path, findings: list[Finding]) -> _Line | None:
    """Remove and return a last line cut short: what a crash in the middle of a write
    leaves. It was never acknowledged (the fsync, then the acknowledgement, came after)."""
    if not lines or lines[-1].problem is None or lines[-1].terminated:
        return None
    torn = lines.pop()
    findings.append(
        Finding(
            journal,
            torn.number,
            f"the last line was cut short ({torn.problem}), as a crash while writing leaves "
            "it; it was never acknowledged",
            set_aside=torn,
        )
    )
    return torn


def _in_order(events: list[_Line]) -> set[int]:
    """Indexes into ``events`` of the longest run of lines whose events number upwards
    (the earliest of two lines with one number): the lines that fit the journal's order."""
    tails: list[int] = []
    """tails[k]: the smallest last seq of a run of k + 1 lines so far."""
    ends: list[int] = []
    """ends[k]: the index of that last line."""
    before = [-1] * len(events)
    for index, line in enumerate(events):
        assert line.event is not None
        seq = line.event.seq
        k = bisect_left(tails, seq)
        if k < len(tails) and tails[k] == seq:
            continue  # a repeat of a number: the earlier line keeps it
        if k == len(tails):
            tails.append(seq)
            ends.append(index)
        else:
            tails[k], ends[k] = seq, index
        before[index] = ends[k - 1] if k else -1
    chain: set[int] = set()
    index = ends[-1] if ends else -1
    while index >= 0:
        chain.add(index)
        index = before[index]
    return chain


def _out_of_order(journal: Path, events: list[_Line], chain: set[int]) -> list[Finding]:
    """A finding for each event line that does not fit the journal's order."""
    order = sorted(chain)
    by_seq = {
        events[index].event.seq: events[index]  # type: ignore[union-attr]
        for index in order
    }
    findings = []
    for index, line in enumerate(events):
        if index in chain:
            continue
        assert line.event is not None
        seq = line.event.seq
        same = by_seq.get(seq)
        if same is not None and same.event == line.event:
            findings.append(
                Finding(
                    journal,
                    line.number,
                    f"repeats event {seq} of line "
                    f"{same.number} exactly; the repeat was left out and "
                    "nothing was lost",
                    set_aside=line,
                )
            )
            continue
        if same is not None:
            where = f"line {same.number} holds another event {seq}, which was kept"
        else:
            at = bisect_left(order, index)
            around = [
                events[order[i]].event.seq  # type: ignore[union-attr]
                for i in (at - 1, at)
                if 0 <= i < len(order)
            ]
            if at == 0:
                where = f"it comes before event {around[0]} (out of order)"
            elif at == len(order):
                where = f"it comes after event {around[0]} (out of order)"
            else:
                where = f"it is out of order (between events {around[0]} and {around[1]})"
        findings.append(
            Finding(
                journal,
                line.number,
                f"holds event {seq} ({line.event.type}), but {where}; it was left out",
                lost=True,
                set_aside=line,
            )
        )
    return findings


def _choose_base(inputs: Inputs, kept: list[_Line]) -> tuple[SessionState, Finding | None]:
    """The snapshot if it agrees with the journal, else the fresh state (and why)."""
    then = "the whole journal was replayed instead"
    path = inputs.snapshot_path
    error = inputs.snapshot_error
    if error is not None:
        said = str(error).removeprefix(f"{_where(path, error.line)}: ")
        return inputs.fresh, Finding(path, error.line, f"{said}; {then}")
    snapshot = inputs.snapshot
    if snapshot is None:
        return inputs.fresh, None
    state = snapshot.state
    if state.run_id != inputs.fresh.run_id:
        return inputs.fresh, Finding(
            path, None, f"belongs to run {state.run_id}, not {inputs.fresh.run_id}; {then}"
        )
    last = kept[-1].event.seq if kept and kept[-1].event else 0
    problem = None
    if state.seq > last:
        problem = (
            f"it is at event {state.seq}, but the journal's last event is {last} "
            "(the journal is the record)"
        )
    elif snapshot.journal_seq is not None and snapshot.journal_seq != state.seq:
        problem = (
            f"its state is at event {state.seq}, but it says it was taken at "
            f"event {snapshot.journal_seq}"
        )
    elif snapshot.journal_crc is not None:
        line = next((x for x in kept if x.event and x.event.seq == state.seq), None)
        if line is not None and line.crc != snapshot.journal_crc:
            problem = (
                f"it was taken after another event {state.seq} than the one on "
                f"line {line.number} of {inputs.journal.name}"
            )
    if problem is not None:
        return inputs.fresh, Finding(path, None, f"{problem}; {then}")
    return state, None


class _Reading:
    """Walks the kept events for missing numbers, then folds them."""

    def __init__(self, inputs: Inputs, covered: int) -> None:
        self.journal = inputs.journal
        self.accepted = inputs.accepted
        self.covered = covered
        """The snapshot's seq: events up to it are in the base state already."""
        self.findings: list[Finding] = []
        self.lost: list[int] = []
        self.unfit: list[_Line] = []
        self._folded: list[Event] = []

    @property
    def folded(self) -> int:
        """How many events :meth:`fold` folded onto the base state."""
        return len(self._folded)

    def gaps(self, lines: list[_Line], kept: list[_Line]) -> None:
        """A finding for every damaged line and every missing event number."""
        kept_set = set(map(id, kept))
        damaged: list[_Line] = []
        previous = 0
        for line in lines:
            if line.event is None:
                damaged.append(line)
            elif id(line) in kept_set:
                self._between(previous, line, damaged)
                previous, damaged = line.event.seq, []
        after = sorted(seq for seq in self.accepted if seq > previous)
        if after:  # lost at the end of the journal: no gap shows them
            self.findings.append(
                Finding(
                    self.journal,
                    None,
                    f"{_seqs(after)} after event {previous} {'was' if len(after) == 1 else 'were'}"
                    f" lost, as {self.accepted[after[0]]} recorded",
                )
            )
        for bad in damaged:  # whole lines after the last event: what did they hold?
            self.findings.append(
                Finding(
                    self.journal,
                    bad.number,
                    f"the line is damaged ({bad.problem}) and no event follows it: if it held "
                    f"event {previous + 1}, that event is lost",
                    lost=True,
                    set_aside=bad,
                )
            )

    def _between(self, previous: int, line: _Line, damaged: list[_Line]) -> None:
        """Findings for the damaged lines and missing numbers between event ``previous``
        and ``line``'s event."""
        assert line.event is not None
        missing = list(range(previous + 1, line.event.seq))
        if not missing:
            for bad in damaged:
                self.findings.append(
                    Finding(
                        self.journal,
                        bad.number,
                        f"the line is damaged ({bad.problem}), but no event is missing around "
                        "it (the snapshot or the lines after it carry on), so nothing was lost",
                        set_aside=bad,
                    )
                )
            return
        lost = [seq for seq in missing if seq > self.covered and seq not in self.accepted]
        self.lost += lost
        gone = f"{_seqs(missing)} {'is' if len(missing) == 1 else 'are'} missing"
        rest = self._what_became_of(missing, lost)
        for bad in damaged:
            self.findings.append(
                Finding(
                    self.journal,
                    bad.number,
                    f"the line is damaged ({bad.problem}); {gone} here {rest}",
                    lost=bool(lost),
                    set_aside=bad,
                )
            )
        if not damaged:
            self.findings.append(
                Finding(
                    self.journal,
                    line.number,
                    f"{gone} before event {line.event.seq} {rest}",
                    lost=bool(lost),
                )
            )

    def _what_became_of(self, missing: list[int], lost: list[int]) -> str:
        """How "event 4 is missing" goes on: lost, lost before (a repair said so), or in
        the snapshot."""
        accepted = [seq for seq in missing if seq in self.accepted]
        covered = [seq for seq in missing if seq <= self.covered and seq not in self.accepted]
        one = len(missing) == 1
        carry_on = (
            f"; every event after {'it' if one else 'them'} was kept (`sessionkit "
            "repair` records the loss so the run can go on)"
        )
        if lost == missing:
            return f"and {'is' if one else 'are'} lost{carry_on}"
        if accepted == missing:
            return (
                f"and {'was' if one else 'were'} lost before, as "
                f"{self.accepted[accepted[0]]} recorded"
            )
        if covered == missing:
            return f"but the snapshot covers {'it' if one else 'them'}, so nothing was lost"
        parts = []
        if lost:
            parts.append(f"{_seqs(lost)} {'is' if len(lost) == 1 else 'are'} lost{carry_on}")
        if accepted:
            parts.append(
                f"{_seqs(accepted)} {'was' if len(accepted) == 1 else 'were'} lost "
                f"before, as {self.accepted[accepted[0]]} recorded"
            )
        if covered:
            parts.append(f"the snapshot covers {_seqs(covered)}")
        return "(" + "; ".join(parts) + ")"

    def fold(
        self,
        plan: Plan,
        methods: dict[str, Method],
        base: SessionState,
        kept: list[_Line],
        clock: Callable[[], float],
        limits: Limits,
    ) -> Engine:
        """An engine with the kept events after ``base`` folded onto it, one at a time: an
        event that does not fit the state (it refers to a lost event, a record edited by
        hand, a bug) is a finding at its line and is left out; the others are all kept."""

        def build(events: list[Event]) -> Engine:
            engine = Engine(
                plan, methods, state=base.model_copy(deep=True), clock=clock, limits=limits
            )
            engine.replay(events)
            return engine

        folded: list[Event] = self._folded
        engine = build(folded)
        for line in kept:
            event = line.event
            assert event is not None
            if event.seq <= base.seq:
                continue  # already folded into the snapshot
            try:
                engine.replay([event])
            except Exception as error:  # any failure: this event does not fit
                self._unfit(line, event, error)
                engine = build(folded)  # the failed fold may have changed the state
                continue
            folded.append(event)
        return engine

    def _unfit(self, line: _Line, event: Event, error: Exception) -> None:
        self.unfit.append(line)
        lost_before = [seq for seq in self.lost if seq < event.seq]
        because = (
            f"; it may depend on {_seqs(lost_before)}, which "
            f"{'is' if len(lost_before) == 1 else 'are'} lost"
            if lost_before
            else ""
        )
        accepted = event.seq in self.accepted
        if not accepted:
            self.lost.append(event.seq)
        self.findings.append(
            Finding(
                self.journal,
                line.number,
                f"event {event.seq} ({event.type}) does not fit the record "
                f"({type(error).__name__}: {error}){because}; it was left out, and every other "
                "event kept",
                lost=not accepted,
                set_aside=line,
            )
        )
