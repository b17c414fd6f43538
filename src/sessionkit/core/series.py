"""A series: runs of plans that belong together (a group meeting again weeks later).

Pure: the store finds the runs of a series and reads their records; this module says what
a series name may be and follows each action across the runs' records: agreed in one run
(its ``actions`` step), carried into the next (a review), marked, reworded, learned from.
An action is the same action across runs by its ``ref`` (origin run id / action id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sessionkit.core import read
from sessionkit.core.inputs.actions import source_label
from sessionkit.core.inputs.rating import RatingInput, RatingSummary
from sessionkit.core.inputs.review import CLOSED
from sessionkit.core.read import step_at
from sessionkit.core.record import Record
from sessionkit.core.redaction import scrub_review
from sessionkit.core.state import Action, ActionOrigin, Learning, ReviewedAction, StatusChange


@dataclass(frozen=True)
class SeriesRun:
    """One run of a series as the store found it: its folder name and record."""

    name: str
    record: Record

    @property
    def run_id(self) -> str:
        return self.record.run_id

    @property
    def date(self) -> str:
        return run_date(self.record)


def run_date(record: Record) -> str:
    """The local date the run began (or was made), ``YYYY-MM-DD``."""
    when = record.started_at or record.state.created_at
    return dt.datetime.fromtimestamp(when).date().isoformat()


@dataclass
class SeriesAction:
    """One action across the series: as it stands after the last run that had it."""

    ref: str
    what: str
    who: str | None
    due: str | None
    origin: ActionOrigin
    status: str = "open"
    history: list[StatusChange] = field(default_factory=list)
    learned: list[Learning] = field(default_factory=list)
    redacted: str | None = None
    """Why its text was removed, in whichever run that was (a reason code): it stays
    removed in every later run, whatever copy of it they kept."""

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    def carried(self) -> dict[str, Any]:
        """As the next run's start event carries it in (see ``core.inputs.review``)."""
        return {
            "ref": self.ref,
            "what": self.what,
            "who": self.who,
            "due": self.due,
            "origin": self.origin.model_dump(),
            "status": self.status,
            "history": [change.model_dump(exclude_none=True) for change in self.history],
            "learned": [note.model_dump() for note in self.learned],
            **({"redacted": self.redacted} if self.redacted else {}),
        }

    def scrub(self, reason: str) -> None:
        """Its text removed, as :func:`~sessionkit.core.redaction.scrub_review` does to
        a run's copy: here for the series' view of it, whichever run removed it."""
        copy = ReviewedAction(
            id="",
            ref=self.ref,
            what=self.what,
            origin=self.origin,
            history=self.history,
            learned=self.learned,
        )
        scrub_review(copy, reason)
        self.what, self.redacted, self.origin = copy.what, reason, copy.origin


def origin_of(run: SeriesRun, action: Action) -> ActionOrigin:
    """Where ``action`` of ``run`` was agreed, in words a person recognises."""
    item, _ = step_at(run.record.timed_items(), action.step)
    return ActionOrigin(
        run=run.run_id,
        run_name=run.name,
        date=run.date,
        plan=run.record.plan.title,
        item=item.title if item is not None else "",
        source=source_label(run.record.state, action.source)
        or ("(no longer in the record)" if action.source else ""),
    )


def follow_actions(runs: Sequence[SeriesRun]) -> tuple[list[SeriesAction], list[str]]:
    """Every action of the series (oldest run first), and what could not be followed.

    An action comes from the run that agreed it; a later run that reviewed it adds its
    status changes and learning notes. A review of an action whose run is not among
    ``runs`` (its folder is missing) still counts: the review's own copy says what it was.
    """
    actions: dict[str, SeriesAction] = {}
    warnings: list[str] = []
    ordered = sorted(runs, key=lambda r: r.record.started_at or r.record.state.created_at)
    for run in ordered:
        state = run.record.state
        ended = state.ended_at
        for action in state.actions.values():
            ref = f"{run.run_id}/{action.id}"
            entry = SeriesAction(ref, action.what, action.who, action.due, origin_of(run, action))
            entry.redacted = action.redacted
            entry.history.append(StatusChange(status="open", at=action.created_at, run=run.run_id))
            for flag, status in ((action.done, "done"), (action.dropped, "dropped")):
                if flag:
                    entry.status = status
                    entry.history.append(
                        StatusChange(status=status, at=action.edited_at or ended, run=run.run_id)
                    )
            actions[ref] = entry
        missing: set[str] = set()
        for reviewed in state.reviews.values():
            known = actions.get(reviewed.ref)
            if known is not None:
                entry = known
            else:
                missing.add(reviewed.origin.run_name or reviewed.origin.run)
                entry = SeriesAction(
                    reviewed.ref,
                    reviewed.what,
                    reviewed.who,
                    reviewed.due,
                    reviewed.origin,
                    history=[
                        change.model_copy(update={"run": change.run or run.run_id})
                        for change in reviewed.history
                        if change.run
                    ],
                    learned=[note for note in reviewed.learned if note.run],
                )
                actions[reviewed.ref] = entry
            entry.history += [
                change.model_copy(update={"run": run.run_id})
                for change in reviewed.history
                if not change.run
            ]
            entry.learned += [
                note.model_copy(update={"run": run.run_id})
                for note in reviewed.learned
                if not note.run
            ]
            entry.status = reviewed.status
            reworded = any(change.what for change in reviewed.history if not change.run)
            if entry.redacted is None or reworded:  # never an old copy of removed text
                entry.what = reviewed.what
            if reviewed.redacted is not None:
                entry.scrub(reviewed.redacted)
            elif entry.redacted is not None and not reworded:
                entry.scrub(entry.redacted)
        for name in sorted(missing):
            warnings.append(
                f"run {run.name} reviewed actions of run {name}, which is not in the "
                "records (its folder is missing): they are listed from the copy the "
                f"review kept in {run.name}"
            )
    return list(actions.values()), warnings


def run_of(runs: Sequence[SeriesRun], run_id: str) -> SeriesRun | None:
    return next((run for run in runs if run.run_id == run_id), None)


@dataclass(frozen=True)
class RatingsOverTime:
    """One rating step that recurs across the series' runs: its summary in each."""

    question: str
    per_run: tuple[tuple[SeriesRun, RatingSummary], ...]


def ratings_over_time(runs: Sequence[SeriesRun]) -> list[RatingsOverTime]:
    """Rating steps asked in more than one run (the same method's step, or the same
    question), with each run's distribution, in the order they were first asked."""
    found: dict[str, list[tuple[SeriesRun, RatingSummary]]] = {}
    questions: dict[str, str] = {}
    for run in runs:
        seen: set[str] = set()
        for item in run.record.timed_items():
            for timed in item.steps:
                spec = timed.step.input
                if not isinstance(spec, RatingInput) or item.method is None:
                    continue
                name = spec.question or f"{item.method.name}: {timed.step.title}"
                if name in seen:
                    continue
                seen.add(name)
                key = read.StepKey(item.index, item.steps.index(timed))
                summary = run.record.rating(str(key))
                questions.setdefault(name, name)
                found.setdefault(name, []).append((run, summary))
    return [
        RatingsOverTime(questions[name], tuple(per_run))
        for name, per_run in found.items()
        if len(per_run) > 1
    ]
