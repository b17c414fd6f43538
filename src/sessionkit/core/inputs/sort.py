"""Sort: each person places every item of an earlier step into one of a few buckets.

Unlike a dot vote there is no budget: a keep/drop judgement is asked of *every* item, so
nothing is undercounted because someone ran out of dots. Each sorter has one placement
per item and may change it (placing again moves it) or take it back. Paper sorters are
numbered by the facilitator (``paper-1``, ``paper-2`` ...), so one person's sheet is
typed in as one sorter. The facilitator closes the sort to show the results: counts per
bucket per item, ordered by the bucket the step names in ``order_by``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from sessionkit.core.command import ClientId, Command, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.fields import Kebab
from sessionkit.core.inputs.base import InputKind, InputSpec, Problems, RuleContext
from sessionkit.core.inputs.cluster import target_problems
from sessionkit.core.language import SortWelsh
from sessionkit.core.state import FACILITATOR, Event, SessionState, StepState
from sessionkit.core.text import CleanStr

MAX_BUCKET_CHARS = 40
PAPER = "paper-"
SHADES = ("█", "▓", "▒", "░", "▚", "·")
"""One fill per bucket, in bucket order, wherever a stacked bar is drawn as text."""


class SortInput(InputSpec):
    """Every item of an earlier step placed into one of a few named buckets."""

    kind: Literal["sort"]
    target_step: Kebab
    target: Literal["notes", "clusters"] = "notes"
    buckets: list[Annotated[CleanStr, Field(min_length=1, max_length=MAX_BUCKET_CHARS)]] = Field(
        min_length=2, max_length=6
    )
    """The buckets, in the order phones show them (2 to 6)."""
    order_by: CleanStr = ""
    """The bucket whose count orders the results, most first (default: the first)."""
    cy: SortWelsh | None = None
    """The buckets in Welsh, in the same order (``cy.buckets``); phones still send the
    English name, so results and exports agree whatever language a phone shows."""

    @model_validator(mode="after")
    def _buckets(self) -> SortInput:
        seen: set[str] = set()
        for name in self.buckets:
            if not name.strip():
                raise ValueError("a bucket needs a name")
            if name.casefold() in seen:
                raise ValueError(f"two buckets are called '{name}'")
            seen.add(name.casefold())
        return self

    @property
    def ordering(self) -> str:
        return self.order_by or self.buckets[0]

    def describe(self) -> str:
        return (
            f"sort: every one of the {self.target} of step '{self.target_step}' into "
            f"{' / '.join(self.buckets)}; ordered by '{self.ordering}'"
        )

    def caption(self) -> str:
        return f"sort of {self.target} into {' / '.join(self.buckets)}"

    def problems(self, earlier: Mapping[str, InputSpec]) -> Problems:
        if self.order_by and self.order_by not in self.buckets:  # located at its own line
            listed = ", ".join(f"'{b}'" for b in self.buckets)
            return [(("order_by",), f"'{self.order_by}' is not one of the buckets ({listed})")]
        return target_problems(self.target_step, self.target, earlier, "sort")


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class SortRow:
    item: str
    counts: tuple[int, ...]
    """How many placed it in each bucket, in the step's bucket order."""

    @property
    def total(self) -> int:
        return sum(self.counts)


def placements(state: SessionState, key: str) -> dict[str, dict[str, str]]:
    """sorter -> item -> bucket, for the sort step at ``key``."""
    return state.sorts.get(key, {})


def results(state: SessionState, key: str, spec: SortInput, items: list[str]) -> list[SortRow]:
    """Counts per bucket for each of ``items`` (and any item placed that is no longer
    one, last), ordered by the ``order_by`` bucket, most first; ties keep board order."""
    index = {name: i for i, name in enumerate(spec.buckets)}
    counts: dict[str, list[int]] = {item: [0] * len(spec.buckets) for item in items}
    for placed in placements(state, key).values():
        for item, bucket in placed.items():
            if bucket in index:
                counts.setdefault(item, [0] * len(spec.buckets))[index[bucket]] += 1
    by = index.get(spec.ordering, 0)
    rows = [SortRow(item, tuple(c)) for item, c in counts.items()]
    return sorted(rows, key=lambda row: -row.counts[by])


@dataclass(frozen=True)
class SortTable:
    """A sort step's results for the record: each row is (label, counts, hidden note)."""

    buckets: tuple[str, ...]
    order_by: str
    sorters: int
    paper: int
    """How many of the sorters were paper sheets typed in by the facilitator."""
    rows: tuple[tuple[str, tuple[int, ...], bool], ...]


def table(state: SessionState, key: str, spec: SortInput, items: list[str]) -> SortTable:
    rows = []
    for row in results(state, key, spec, items):
        cluster, note = state.clusters.get(row.item), state.notes.get(row.item)
        if cluster is not None:
            rows.append((cluster.label, row.counts, False))
        elif note is not None:
            rows.append(("" if note.hidden else note.text, row.counts, note.hidden))
        else:
            rows.append(("(since merged or removed)", row.counts, False))
    paper = sum(1 for s, placed in placements(state, key).items() if s.startswith(PAPER) and placed)
    return SortTable(tuple(spec.buckets), spec.ordering, sorters(state, key), paper, tuple(rows))


def sorters(state: SessionState, key: str) -> int:
    """How many people (and paper sheets) have placed at least one item."""
    return sum(1 for placed in placements(state, key).values() if placed)


# ---------------------------------------------------------------- commands


class PlaceItem(Command):
    """Put an item in a bucket (moving it if it was in another). ``paper`` is the
    facilitator's: the number of the paper sheet being typed in."""

    type: Literal["place_item"] = "place_item"
    item: ShortId
    bucket: Annotated[str, Field(max_length=MAX_BUCKET_CHARS)]
    paper: int | None = Field(default=None, ge=1, le=999)
    client_id: ClientId | None = None


class ClearPlacement(Command):
    type: Literal["clear_placement"] = "clear_placement"
    item: ShortId
    paper: int | None = Field(default=None, ge=1, le=999)
    client_id: ClientId | None = None


class CloseSort(Command):
    """Close the sort and show its results (``closed=False`` reopens it)."""

    type: Literal["close_sort"] = "close_sort"
    closed: bool = True


def _sort_step(ctx: RuleContext) -> tuple[str, SortInput]:
    spec = ctx.spec_at() if ctx.state.started else None
    if not isinstance(spec, SortInput):
        raise Rejected("There is no sort on this step.", "conflict")
    return ctx.state.step_key, spec


def _sorter(actor: str, paper: int | None) -> str:
    if actor == FACILITATOR:
        if paper is None:
            raise Rejected("Say which paper sheet (its number) these placements are from.")
        return f"{PAPER}{paper}"
    if paper is not None:
        raise Rejected("Only the facilitator types in paper sheets.", "forbidden")
    return actor


def _open_for(ctx: RuleContext) -> tuple[str, SortInput]:
    key, spec = _sort_step(ctx)
    if ctx.state.step_state(key).vote == "closed":
        raise Rejected("The sort is closed.", "locked")
    return key, spec


def is_item(state: SessionState, target_key: str, spec: SortInput, item: str) -> bool:
    if spec.target == "clusters":
        cluster = state.clusters.get(item)
        return cluster is not None and cluster.step == target_key and not cluster.parking
    note = state.notes.get(item)
    return note is not None and note.step == target_key and not note.hidden


def targets(state: SessionState, target_key: str, spec: SortInput) -> list[str]:
    """Ids a sort may place, in board order, for the step at ``target_key``."""
    if spec.target == "clusters":
        return [k for k, cl in state.clusters.items() if cl.step == target_key and not cl.parking]
    return [n.id for n in state.notes.values() if n.step == target_key and not n.hidden]


def _place(ctx: RuleContext, cmd: PlaceItem, actor: str) -> Event:
    key, spec = _open_for(ctx)
    sorter = _sorter(actor, cmd.paper)
    if cmd.bucket not in spec.buckets:
        listed = ", ".join(spec.buckets)
        raise Rejected(f"'{cmd.bucket}' is not one of the buckets ({listed}).")
    own = is_item(ctx.state, ctx.sibling_key(key, spec.target_step), spec, cmd.item)
    if not own and cmd.item not in ctx.carried_targets(key):
        raise Rejected(f"'{cmd.item}' is not one of the things being sorted.", "not_found")
    if placements(ctx.state, key).get(sorter, {}).get(cmd.item) == cmd.bucket:
        raise Rejected(f"That is already in '{cmd.bucket}'.", "conflict")
    return ctx.event(
        "item_placed", actor, step=key, sorter=sorter, item=cmd.item, bucket=cmd.bucket
    )


def _clear(ctx: RuleContext, cmd: ClearPlacement, actor: str) -> Event:
    key, _ = _open_for(ctx)
    sorter = _sorter(actor, cmd.paper)
    if cmd.item not in placements(ctx.state, key).get(sorter, {}):
        raise Rejected("That has not been placed yet.", "conflict")
    return ctx.event("placement_cleared", actor, step=key, sorter=sorter, item=cmd.item)


def _close(ctx: RuleContext, cmd: CloseSort, actor: str) -> Event:
    key, _ = _sort_step(ctx)
    closed = ctx.state.step_state(key).vote == "closed"
    if closed == cmd.closed:
        raise Rejected(
            "The sort is already closed." if closed else "The sort is already open.", "conflict"
        )
    return ctx.event("sort_closed", actor, step=key, closed=cmd.closed)


# ---------------------------------------------------------------- folds


def _on_placed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.sorts.setdefault(d["step"], {}).setdefault(d["sorter"], {})[d["item"]] = d["bucket"]


def _on_cleared(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.sorts.get(d["step"], {}).get(d["sorter"], {}).pop(d["item"], None)


def _on_closed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.steps.setdefault(d["step"], StepState()).vote = "closed" if d["closed"] else "open"


def _deidentify(state: SessionState) -> None:
    """Sorters become ``sorter-1``, ``sorter-2`` ... per step; paper sheets keep their
    number (it is the facilitator's, not a person's); counts are unchanged."""
    renamed: dict[str, dict[str, dict[str, str]]] = {}
    for step, by_sorter in state.sorts.items():
        n = 0
        out: dict[str, dict[str, str]] = {}
        for sorter, placed in by_sorter.items():
            if sorter.startswith(PAPER):
                out[sorter] = dict(placed)
            else:
                n += 1
                out[f"sorter-{n}"] = dict(placed)
        renamed[step] = out
    state.sorts = renamed


KIND = InputKind(
    name="sort",
    order=72,
    spec=SortInput,
    rules={PlaceItem: _place, ClearPlacement: _clear, CloseSort: _close},
    participant_commands=(PlaceItem, ClearPlacement),
    folds={
        "item_placed": _on_placed,
        "placement_cleared": _on_cleared,
        "sort_closed": _on_closed,
    },
    has_content=lambda state, key: any(state.sorts.get(key, {}).values()),
    deidentify=_deidentify,
)
