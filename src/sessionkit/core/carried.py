"""What a step carried forward from an earlier agenda item works on, at this moment.

The plan's ``from`` is resolved once (:mod:`sessionkit.core.sources`) into a
:class:`~sessionkit.core.sources.Carry` on the agenda item; this module answers, from
the run's state, which notes or clusters that names now, and says in a sentence what
was carried or why nothing was. It is asked live (never frozen when the step starts),
so going back to the source step and adding to it is seen here, and nothing collected
is ever copied or lost. Hidden notes and parking lots are never carried; notes of a
private step that is not revealed yet are carried, and shown as not revealed, as a
vote on them within one method does.

Pure: a function of the agenda and the state.
"""

from __future__ import annotations

from dataclasses import dataclass

from sessionkit.core import read
from sessionkit.core.inputs.sort import SortInput, results
from sessionkit.core.read import Items, StepKey
from sessionkit.core.sources import Carry, items_word
from sessionkit.core.state import SessionState


@dataclass(frozen=True)
class Carried:
    """The items a step took from an earlier one, and what to tell the facilitator."""

    ids: tuple[str, ...]
    source_key: str
    source: str
    """The source as people know it: ``'Finding a thread to pull' (All: share and group)``."""
    message: str
    """``Carried forward from ...: 4 clusters.`` or ``Nothing carried forward from ...:
    it has not run yet.``"""


def carry_into(items: Items, key: str) -> Carry | None:
    """The carry that feeds the step at ``key``, if the plan gave it one."""
    try:
        where = StepKey.parse(key)
    except ValueError:
        return None
    if where.item >= len(items):
        return None
    carry = items[where.item].carry
    return carry if carry is not None and carry.into == where.step else None


def carry_caption(items: Items, key: str) -> str:
    """``items carried forward from 'X' (Y), the top 3 by dots`` for the record, or ""."""
    carry = carry_into(items, key)
    if carry is None:
        return ""
    text = f"items carried forward from {source_name(items, carry)}"
    if carry.top is not None:
        text += f", the top {carry.top} by dots"
    if carry.cluster is not None:
        text += f", the cluster '{carry.cluster}'"
    if carry.kept is not None:
        text += f", those sorted into '{carry.kept}'"
    return text


def source_name(items: Items, carry: Carry) -> str:
    item = items[carry.source]
    step = item.method.steps[carry.step] if item.method else None
    return f"'{item.title}'" + (f" ({step.title})" if step else "")


def carried(state: SessionState, items: Items, key: str) -> Carried | None:
    """What the step at ``key`` carries forward now (``None``: it carries nothing)."""
    carry = carry_into(items, key)
    if carry is None:
        return None
    source_key = str(StepKey(carry.source, carry.step))
    name = source_name(items, carry)

    def nothing(why: str) -> Carried:
        return Carried((), source_key, name, f"Nothing carried forward from {name}: {why}.")

    span = state.step_spans.get(source_key)
    if span is None or span.started_at is None:
        return nothing("it has not run yet")
    step = items[carry.source].method.steps[carry.step]  # type: ignore[union-attr]
    word = items_word(step)
    if carry.cluster is not None:
        wanted = carry.cluster.casefold()
        clusters = [cl for cl in state.clusters.values() if cl.step == source_key]
        match = next((cl for cl in clusters if cl.label.strip().casefold() == wanted), None)
        if match is None:
            labels = ", ".join(f"'{cl.label}'" for cl in clusters) or "none yet"
            return nothing(f"it has no cluster called '{carry.cluster}' (its clusters: {labels})")
        ids = [n.id for n in state.notes.values() if n.cluster == match.id and not n.hidden]
        if not ids:
            return nothing(f"its cluster '{match.label}' has no notes")
        return Carried(
            tuple(ids),
            source_key,
            name,
            f"Carried forward from {name}: {_count(ids, 'note')} of the cluster '{match.label}'.",
        )
    ids = step_items(state, items, source_key)
    if not ids:
        return nothing(f"no {word} {'were made' if word == 'clusters' else 'are'} there")
    if carry.kept is not None:
        kept = kept_items(state, items, source_key, ids, carry.kept)
        if not kept:
            return nothing(f"nothing was sorted into '{carry.kept}' there")
        return Carried(
            tuple(kept),
            source_key,
            name,
            f"Carried forward from {name}: the {len(kept)} of {len(ids)} {word} placed "
            f"most often in '{carry.kept}'.",
        )
    if carry.top is None:
        return Carried(
            tuple(ids), source_key, name, f"Carried forward from {name}: {len(ids)} {word}."
        )
    votes_key = str(StepKey(carry.source, carry.votes or 0))
    top, tied = top_items(state.tally(votes_key), ids, carry.top)
    if not top:
        return nothing("no dots were placed in its vote")
    said = f"the top {carry.top} by dots"
    if tied:
        said += f", {len(top)} {word} with a tie at {tied} dot{'s' * (tied != 1)}"
    return Carried(tuple(top), source_key, name, f"Carried forward from {name}: {said}.")


def step_items(state: SessionState, items: Items, key: str) -> list[str]:
    """The notes, clusters or voted-on items a step leaves for a later one."""
    spec = read.spec_at(items, key)
    if spec is None:
        return []
    if spec.kind == "cluster":
        return [k for k, cl in state.clusters.items() if cl.step == key and not cl.parking]
    if spec.kind == "vote":
        return vote_targets(state, items, key)
    if spec.kind == "sort":
        return sort_targets(state, items, key)
    if spec.kind == "rank":
        return rank_targets(state, items, key)
    return [n.id for n in state.notes.values() if n.step == key and not n.hidden]


def vote_targets(state: SessionState, items: Items, key: str) -> list[str]:
    """Ids the vote step at ``key`` may receive dots on: the items carried forward into
    it (if the plan says so), then its own target step's, in board order."""
    own = read.vote_targets(state, items, key)
    came = carried(state, items, key)
    if came is None or not came.ids:
        return own
    seen = set(came.ids)
    return [*came.ids, *(t for t in own if t not in seen)]


def sort_targets(state: SessionState, items: Items, key: str) -> list[str]:
    """Ids the sort step at ``key`` places: carried ones first, then its target step's."""
    return _carried_first(state, items, key, read.sort_targets(state, items, key))


def rank_targets(state: SessionState, items: Items, key: str) -> list[str]:
    """Ids the rank step at ``key`` ranks or scores: carried ones first, then its own."""
    return _carried_first(state, items, key, read.rank_targets(state, items, key))


def _carried_first(state: SessionState, items: Items, key: str, own: list[str]) -> list[str]:
    came = carried(state, items, key)
    if came is None or not came.ids:
        return own
    seen = set(came.ids)
    return [*came.ids, *(t for t in own if t not in seen)]


def kept_items(
    state: SessionState, items: Items, key: str, ids: list[str], bucket: str
) -> list[str]:
    """Those of ``ids`` the sort at ``key`` placed in ``bucket`` at least as often as in
    any other bucket (and at least once), in board order."""
    spec = read.spec_at(items, key)
    if not isinstance(spec, SortInput):
        return []
    names = [b.casefold() for b in spec.buckets]
    if bucket.casefold() not in names:
        return []
    at = names.index(bucket.casefold())
    counts = {row.item: row.counts for row in results(state, key, spec, ids)}
    return [i for i in ids if (n := counts.get(i)) and n[at] > 0 and n[at] == max(n)]


def top_items(tally: dict[str, int], ids: list[str], n: int) -> tuple[list[str], int]:
    """The ``n`` of ``ids`` with most dots (none without a dot), and the dots of a tie
    at the cut (0: no tie took more than ``n``). Ties at the cut are all included."""
    dotted = sorted((i for i in ids if tally.get(i, 0) > 0), key=lambda i: -tally[i])
    if len(dotted) <= n:
        return dotted, 0
    cut = tally[dotted[n - 1]]
    top = [i for i in dotted if tally[i] >= cut]
    return top, cut if len(top) > n else 0


def _count(ids: list[str], noun: str) -> str:
    return f"{len(ids)} {noun}{'s' * (len(ids) != 1)}"
