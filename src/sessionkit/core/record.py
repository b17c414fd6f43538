"""The full record of one run, as data: what every export is a function of.

Over 400 lines: one class, the queries every export shares; each input kind's own
summary already lives in its module in core/inputs.

A :class:`Record` holds the run id, the plan, the methods it used and the
:class:`~sessionkit.core.state.SessionState`. It is made from a live engine
(:meth:`Record.from_engine`) or a reopened run (:meth:`Record.from_run`), at any moment:
mid-session, after the end, or after a crash.

The derived helpers below (plan versus actual, notes grouped by cluster, vote tallies,
rating summaries, canvas regions, actions) are what the human-readable exports share, so
the Markdown, HTML and CSV writers agree on what happened and only differ in layout.

Privacy: a record made by :meth:`Record.from_engine` is *de-identified* (see
:func:`deidentify`). The participants' join keys (secrets their phones prove themselves
with), the hashed ids of their browsers and their names are dropped, notes from anonymous
steps lose their author, and voters and raters are renumbered per step. So even the
JSON/TOML "full record" cannot link an anonymous note or a vote to a person. Notes from
named steps (``anonymous = false``) keep the author's name, exactly as the engine
recorded it.

Pure: no file I/O. Times are shown in the local time zone of the machine exporting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cached_property
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from sessionkit.core import read, safeguarding
from sessionkit.core.agenda import TimedAgenda, TimedItem, time_plan
from sessionkit.core.carried import carry_caption, rank_targets, sort_targets
from sessionkit.core.inputs import KINDS
from sessionkit.core.inputs.canvas import CanvasInput, GridView, RegionView, grid, regions
from sessionkit.core.inputs.cluster import ClusterInput
from sessionkit.core.inputs.notes import Category, NoteSpec
from sessionkit.core.inputs.rank import RankInput
from sessionkit.core.inputs.rank_tally import RankTable
from sessionkit.core.inputs.rank_tally import table as rank_table
from sessionkit.core.inputs.rating import RatingInput, RatingSummary, summarise
from sessionkit.core.inputs.sort import SortInput, SortTable, table
from sessionkit.core.inputs.vote import PAPER, TallyRow, VoteInput, paper_dots, tally_rows
from sessionkit.core.method import Method, Step
from sessionkit.core.plan import PREFER_NOT_TO_SAY, Plan
from sessionkit.core.state import FACILITATOR, Cluster, Note, SessionState
from sessionkit.core.timeline import ItemView, StepView, local_time, minutes_text, was_left
from sessionkit.core.tomldata import toml_data

__all__ = [
    "ItemView",
    "RatingSummary",
    "Record",
    "RegionView",
    "StepView",
    "TallyRow",
    "deidentify",
    "local_time",
    "minutes_text",
    "toml_data",
]

RECORD_FORMAT: Final = "sessionkit.record"
RECORD_VERSION: Final = 1

_TIME_WITH_SECONDS = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?$")


def _normalise_plan_times(plan: Any) -> Any:
    """JSON spells a day's start as ``"09:30:00"``; the plan model reads ``"09:30"`` or a
    time. Turn the JSON spelling into a time so records load back exactly."""
    if not isinstance(plan, dict) or not isinstance(plan.get("days"), list):
        return plan
    days = []
    for day in plan["days"]:
        if isinstance(day, dict):
            day = dict(day)
            for key in ("start", "end"):
                value = day.get(key)
                if isinstance(value, str) and _TIME_WITH_SECONDS.match(value):
                    day[key] = dt.time.fromisoformat(value)
        days.append(day)
    return {**plan, "days": days}


# ---------------------------------------------------------------- the record


def role_counts(plan: Plan, state: SessionState) -> dict[str, int]:
    """People per role, in the plan's order (roles nobody chose included, as 0)."""
    if not plan.join_roles:
        return {}
    counts = dict.fromkeys([*plan.join_roles, PREFER_NOT_TO_SAY], 0)
    for person in state.participants.values():
        if not person.removed:
            role = person.role if person.role in counts else PREFER_NOT_TO_SAY
            counts[role] += 1
    return counts


def deidentify(state: SessionState, anonymous_step: Callable[[str], bool]) -> SessionState:
    """A copy of ``state`` that cannot link anonymous input to a person.

    ``anonymous_step(key) -> bool`` says whether a step key is anonymous. Join keys,
    device ids (hashed browser ids, for bans), participant names and delivery receipts
    roles and tables are dropped (the record keeps counts per role); notes from anonymous
    steps lose
    their author id and name; voters and raters become ``voter-1``, ``rater-2`` ... per
    step (tallies, distributions and per-person dot counts are unchanged).
    """
    clean = state.model_copy(deep=True)
    for person in clean.participants.values():
        person.name = None
        person.key = ""
        person.device = ""
        person.role = None  # a role or a table could single someone out: counts only
        person.table = None  # (Record.roles)
    for note in clean.notes.values():
        # A group's note typed in by the facilitator keeps saying so ("on paper"): the
        # facilitator is not a participant to protect.
        paper = note.group is not None and note.author == FACILITATOR
        if anonymous_step(note.step) and not paper:
            note.author = ""
            note.author_name = None
    for key in list(clean.group_of):  # who was in which group, on an anonymous step
        if anonymous_step(key):
            clean.group_of[key] = {}
    for group in clean.groups.values():
        if anonymous_step(group.step):
            group.members = []
    for kind in KINDS.values():  # voters, raters: each kind renumbers its own
        if kind.deidentify is not None:
            kind.deidentify(clean)
    clean.receipts = {}
    clean.undo, clean.redo = [], []  # what undo would put back names voters, raters
    if clean.safeguarding:  # how to reach the lead was for the day: the record outlives it
        clean.safeguarding = {**clean.safeguarding, "contact": ""}
    return clean


def _without_contact(plan: Plan) -> Plan:
    """The plan as a record keeps it: the safeguarding lead named, not how to reach them
    (a work mobile, a room) once the session is over."""
    lead = plan.safeguarding
    if lead is None or not lead.contact:
        return plan
    return plan.model_copy(update={"safeguarding": lead.model_copy(update={"contact": ""})})


class Record(BaseModel):
    """Everything about one run that an export needs."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["sessionkit.record"] = RECORD_FORMAT
    version: Literal[1] = RECORD_VERSION
    run_id: str
    plan: Plan
    methods: dict[str, Method] = {}
    """The methods the plan uses, by id, as they were when the run was created."""
    state: SessionState
    roles: dict[str, int] = {}
    """How many people chose each of the plan's ``join_roles`` joining (and "Prefer not
    to say"), removed people not counted: counts only, never who."""

    @model_validator(mode="before")
    @classmethod
    def _times_from_json(cls, data: Any) -> Any:
        if isinstance(data, dict) and "plan" in data:
            data = {**data, "plan": _normalise_plan_times(data["plan"])}
        return data

    # ------------------------------------------------------------ making one

    @classmethod
    def from_engine(cls, engine: Any, *, deidentified: bool = True) -> Record:
        """The record of an engine's run as it stands now (a copy: the engine goes on).

        ``deidentified=False`` keeps the state exactly as the engine holds it (join keys
        included): for tests and debugging, never for a file handed to anyone.
        """
        plan: Plan = engine.plan
        used = {item.method for _, item in plan.items() if item.method}
        methods = {mid: m for mid, m in engine.methods.items() if mid in used}
        record = cls(
            run_id=engine.state.run_id,
            plan=plan,
            methods=methods,
            state=engine.state.model_copy(deep=True),
            roles=role_counts(plan, engine.state),
        )
        if deidentified:
            record.state = deidentify(record.state, record.is_anonymous)
            record.plan = _without_contact(plan)
        return record

    @classmethod
    def from_run(cls, run: Any, *, deidentified: bool = True) -> Record:
        """The record of a :class:`sessionkit.store.Run` (anything with an ``engine``)."""
        return cls.from_engine(run.engine, deidentified=deidentified)

    # ------------------------------------------------------------ plan and steps

    @cached_property
    def timed_agenda(self) -> TimedAgenda:
        """The plan on the clock (computed once; not a field, so not exported)."""
        return time_plan(self.plan, self.methods)

    def agenda(self) -> TimedAgenda:
        return self.timed_agenda

    def timed_items(self) -> tuple[TimedItem, ...]:
        return self.timed_agenda.items

    def step_def(self, key: str) -> tuple[TimedItem | None, Step | None]:
        """The agenda item and method step of a step key (``None`` where there is none)."""
        return read.step_at(self.timed_items(), key)

    def is_anonymous(self, key: str) -> bool:
        """Are authors of this step's notes kept out of sight? True unless the step
        says ``anonymous = false`` (unknown steps count as anonymous)."""
        return read.is_anonymous(self.timed_items(), key)

    @property
    def status(self) -> str:
        """``not started``, ``in progress`` or ``ended``."""
        if self.state.ended_at is not None:
            return "ended"
        return "in progress" if self.state.started else "not started"

    @property
    def started_at(self) -> float | None:
        starts = [s.started_at for s in self.state.items.values() if s.started_at is not None]
        return min(starts) if starts else None

    @property
    def safeguarding_text(self) -> str:
        """``Sam Jones (Wales Safeguarding Procedures)``: the safeguarding lead in force
        when the record was made, and the procedure that applied ("" if none was named)."""
        lead = safeguarding.current(self.plan.safeguarding, self.state)
        if lead is None:
            return ""
        return f"{lead.lead} ({lead.procedure})" if lead.procedure else lead.lead

    @property
    def roles_text(self) -> str:
        """``Housing 3, Health 1, Prefer not to say 2``: the roles people chose (counts)."""
        return ", ".join(f"{role} {n}" for role, n in self.roles.items() if n)

    @property
    def participant_count(self) -> int:
        return len(self.state.participants)

    @property
    def paper_text(self) -> str:
        """``" and 5 on paper"`` when the facilitator counted people taking part on paper
        (``P``; what the day was timed for), else empty: said beside the phones' count."""
        paper = self.state.paper_people
        return f" and {paper} on paper" if paper else ""

    def items(self) -> list[ItemView]:
        """Every agenda item with its steps: the plan against what actually happened."""
        state = self.state
        running = state.started and state.ended_at is None
        views: list[ItemView] = []
        agenda = self.agenda()
        first = self.started_at
        first_day = local_time(first).date() if first is not None else None
        for day in agenda.days:
            for item in day.items:
                current_item = running and state.item == item.index
                steps: list[StepView] = []
                if item.method is not None and item.steps:
                    for s, timed in enumerate(item.steps):
                        key = f"{item.index}.{s}"
                        steps.append(
                            StepView(
                                key=key,
                                item_index=item.index,
                                index=s,
                                item_title=item.title,
                                title=timed.step.title,
                                kind=timed.step.input.kind,
                                prompt=item.prompt(timed.step),
                                prompt_cy=(
                                    item.prompt(timed.step, "cy")
                                    if timed.step.cy is not None and timed.step.cy.prompt
                                    else ""
                                ),
                                step=timed.step,
                                planned_start=timed.start,
                                planned_minutes=timed.minutes,
                                span=state.step_spans.get(key),
                                current=current_item and state.step == s,
                                summary=state.step_state(key).summary,
                                anonymous=self.is_anonymous(key),
                                carried_from=carry_caption(self.timed_items(), key),
                            )
                        )
                else:
                    key = f"{item.index}.0"
                    steps.append(
                        StepView(
                            key=key,
                            item_index=item.index,
                            index=0,
                            item_title=item.title,
                            title=item.title,
                            kind={"method": "discussion", "talk": "talk"}.get(item.kind, "pause"),
                            prompt=item.title,
                            step=None,
                            planned_start=item.start,
                            planned_minutes=item.minutes,
                            span=state.step_spans.get(key),
                            current=current_item,
                            summary=state.step_state(key).summary,
                            anonymous=True,
                        )
                    )
                span = state.items.get(str(item.index))
                views.append(
                    ItemView(
                        index=item.index,
                        day=item.day,
                        day_date=day.date,
                        title=item.title,
                        kind=item.kind,
                        method_id=item.item.method,
                        planned_start=item.start,
                        planned_end=item.end,
                        span=span,
                        current=current_item,
                        steps=tuple(steps),
                        first_day=first_day,
                        variation=item.item.variation,
                        left=was_left(state, item.index, len(steps)),
                    )
                )
        return views

    def has_content(self, view: StepView) -> bool:
        """Was anything collected or written in this step?"""
        return bool(view.summary) or any(
            kind.has_content(self.state, view.key) for kind in KINDS.values()
        )

    def shown_steps(self, item: ItemView) -> list[StepView]:
        """The steps of an item worth a section: visited ones and ones with content
        (a break only if something was written during it; a talk once it is given)."""
        if item.kind not in ("method", "talk"):
            return [s for s in item.steps if self.has_content(s)]
        return [s for s in item.steps if s.visited or self.has_content(s)]

    # ------------------------------------------------------------ notes

    def visible_notes(self, key: str | None = None) -> list[Note]:
        """Notes not hidden by the facilitator, oldest first (all steps if ``key`` is None)."""
        notes = [
            n for n in self.state.notes.values() if not n.hidden and (key is None or n.step == key)
        ]
        return sorted(notes, key=lambda n: (n.created_at, _id_order(n.id)))

    def author(self, note: Note) -> str | None:
        """The name to show with a note: only on a named step, never on an anonymous one."""
        if self.is_anonymous(note.step):
            return None
        return note.author_name or None

    def category(self, note: Note) -> Category | None:
        if note.category is None:
            return None
        spec = read.spec_at(self.timed_items(), note.step)
        for category in spec.note_categories() if isinstance(spec, NoteSpec) else ():
            if category.id == note.category:
                return category
        return None

    def category_label(self, note: Note) -> str:
        category = self.category(note)
        return category.label if category else (note.category or "")

    def cluster(self, note: Note) -> Cluster | None:
        return self.state.clusters.get(note.cluster) if note.cluster else None

    def cluster_label(self, note: Note) -> str:
        cluster = self.cluster(note)
        return cluster.label if cluster else ""

    def region_label(self, note: Note) -> str:
        if note.region is None:
            return ""
        spec = read.spec_at(self.timed_items(), note.step)
        for region in spec.note_regions() if isinstance(spec, NoteSpec) else ():
            if region.id == note.region:
                return region.label
        return note.region

    def note_groups(self, key: str) -> list[tuple[Cluster | None, list[Note]]]:
        """The visible notes of a step grouped by cluster (clusters in the order they
        were made, parking lot last, then notes in no cluster)."""
        notes = self.visible_notes(key)
        if any(g.step == key for g in self.state.groups.values()):
            return self._by_people_group(key, notes)
        groups: dict[str | None, list[Note]] = {}
        for note in notes:
            cid = note.cluster if note.cluster in self.state.clusters else None
            groups.setdefault(cid, []).append(note)
        ordered = sorted(
            (cid for cid in groups if cid is not None),
            key=lambda cid: (
                self.state.clusters[cid].parking,
                self.state.clusters[cid].created_at,
                _id_order(cid),
            ),
        )
        result: list[tuple[Cluster | None, list[Note]]] = [
            (self.state.clusters[cid], groups[cid]) for cid in ordered
        ]
        if None in groups:
            result.append((None, groups[None]))
        return result

    def _by_people_group(
        self, key: str, notes: list[Note]
    ) -> list[tuple[Cluster | None, list[Note]]]:
        """A grouped step's notes under their group ("Group A"), in the shape of clusters
        so every export lays them out as it does themes (a group has no dots)."""
        sections: list[tuple[Cluster | None, list[Note]]] = []
        mine = sorted(
            (g for g in self.state.groups.values() if g.step == key),
            key=lambda g: (g.retired, g.formation, _id_order(g.id)),
        )
        for group in mine:
            members = [n for n in notes if n.group == group.id]
            if not members:
                continue
            label = f"Group {group.label}" + (" (before re-forming)" if group.retired else "")
            sections.append((Cluster(id=group.id, step=key, label=label, created_at=0.0), members))
        loose = [n for n in notes if n.group is None]
        if loose:
            sections.append((None, loose))
        return sections

    def group_label(self, note: Note) -> str:
        """The letter of a grouped step's note's group ("" for any other note)."""
        group = self.state.groups.get(note.group) if note.group is not None else None
        return group.label if group is not None else ""

    def is_picked(self, note: Note) -> bool:
        """Did its group pick this note to take forward?"""
        return self.state.is_picked(note)

    def on_paper(self, note: Note) -> bool:
        """A group's note the facilitator typed in from paper."""
        return note.group is not None and note.author == FACILITATOR

    def step_title(self, key: str) -> str:
        """The title of the step at ``key`` as the record shows it ("" if none)."""
        _, step = read.step_at(self.timed_items(), key)
        return step.title if step is not None else ""

    def clusters_of(self, key: str) -> list[tuple[Cluster, list[Note]]]:
        """Clusters made on a cluster step, each with its visible notes."""
        clusters = sorted(
            (c for c in self.state.clusters.values() if c.step == key),
            key=lambda c: (c.parking, c.created_at, _id_order(c.id)),
        )
        visible = self.visible_notes()
        return [(c, [n for n in visible if n.cluster == c.id]) for c in clusters]

    def unclustered(self, key: str) -> list[Note]:
        """Visible notes from a cluster step's sources that ended up in no cluster."""
        sources = set(read.cluster_sources(self.timed_items(), key))
        spec = read.spec_at(self.timed_items(), key)
        takes = spec.takes if isinstance(spec, ClusterInput) else None  # e.g. picks only
        return [
            n
            for n in self.visible_notes()
            if n.step in sources
            and (n.cluster is None or n.cluster not in self.state.clusters)
            and (takes is None or takes(self.state, n))
        ]

    def actions(self) -> list[Note]:
        """Visible notes marked as an action with an owner, in the order written."""
        return [n for n in self.visible_notes() if n.action_owner]

    def regions(self, key: str) -> list[RegionView]:
        """A canvas step's notes by region, in the canvas's order; unplaced notes last."""
        return regions(self.visible_notes(key), read.spec_at(self.timed_items(), key))

    def grid(self, key: str) -> GridView | None:
        """A grid canvas's visible notes as a table; ``None`` for any other step."""
        spec = read.spec_at(self.timed_items(), key)
        if not isinstance(spec, CanvasInput) or not spec.is_grid:
            return None
        return grid(self.visible_notes(key), spec)

    # ------------------------------------------------------------ votes and ratings

    def _totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for step in self.state.votes:
            for target, dots in self.state.tally(step).items():
                totals[target] = totals.get(target, 0) + dots
        return totals

    def dots(self, target: str) -> int:
        """Dots a note or cluster received, over all vote steps."""
        return self._totals().get(target, 0)

    def dots_by_note(self, *, with_cluster: bool = True) -> dict[str, int]:
        """For every note: the dots it received, plus (``with_cluster``) those its
        cluster received, since a dot on a theme is a dot for what it holds."""
        totals = self._totals()
        return {
            note.id: totals.get(note.id, 0)
            + (totals.get(note.cluster, 0) if with_cluster and note.cluster else 0)
            for note in self.state.notes.values()
        }

    def tally(self, key: str) -> list[TallyRow]:
        """A vote step's results, most dots first, labelled with the note or cluster text."""
        spec = read.spec_at(self.timed_items(), key)
        return tally_rows(self.state, key, spec if isinstance(spec, VoteInput) else None)

    def sort(self, key: str) -> SortTable | None:
        """A sort step's counts per bucket for every item it sorted (``None``: not a sort)."""
        items = self.timed_items()
        spec = read.spec_at(items, key)
        if not isinstance(spec, SortInput):
            return None
        return table(self.state, key, spec, sort_targets(self.state, items, key))

    def rank(self, key: str) -> RankTable | None:
        """A rank step's points, or its means per criterion (``None``: not a rank step)."""
        items = self.timed_items()
        spec = read.spec_at(items, key)
        if not isinstance(spec, RankInput):
            return None
        return rank_table(self.state, key, spec, rank_targets(self.state, items, key))

    def voters(self, key: str) -> int:
        """The people who voted on their phones (paper dots are no one person's)."""
        return sum(
            1
            for voter, ballot in self.state.votes.get(key, {}).items()
            if voter not in (FACILITATOR, PAPER) and any(ballot.values())
        )

    def paper_dots(self, key: str) -> int:
        return paper_dots(self.state.votes.get(key, {}))

    def rating(self, key: str) -> RatingSummary:
        spec = read.spec_at(self.timed_items(), key)
        return summarise(
            list(self.state.ratings.get(key, {}).values()),
            spec if isinstance(spec, RatingInput) else None,
        )


def _id_order(identifier: str) -> tuple[int, str]:
    """Sort n2 before n10."""
    digits = "".join(ch for ch in identifier if ch.isdigit())
    return (int(digits) if digits else 0, identifier)
