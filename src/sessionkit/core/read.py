"""The read model: pure queries over a plan's timed agenda and a run's state.

The engine's checks, the record (and so every export), the TUI board and the phone views
all ask these, so a question such as "may this person see this note?" is decided once.
A step is addressed by its key, ``"<item index>.<step index>"`` as the state stores it;
:class:`StepKey` is that key parsed, so nothing splits strings by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sessionkit.core.agenda import TimedItem
from sessionkit.core.inputs import InputSpec, rank, rank_tally, sort
from sessionkit.core.inputs.cluster import ClusterInput
from sessionkit.core.inputs.vote import VoteInput, is_target, targets
from sessionkit.core.method import Step
from sessionkit.core.state import FACILITATOR, Note, SessionState

Items = Sequence[TimedItem]


class StepKey(NamedTuple):
    """A step's place in the plan: agenda item index and step index within it."""

    item: int
    step: int = 0

    @classmethod
    def parse(cls, key: str) -> StepKey:
        """``"3.1"`` -> ``StepKey(3, 1)``; ``ValueError`` for anything else."""
        item, dot, step = key.partition(".")
        if not item.isdigit() or (dot and not step.isdigit()):
            raise ValueError(f"not a step key: {key!r}")
        return cls(int(item), int(step or 0))

    def __str__(self) -> str:
        return f"{self.item}.{self.step}"


def step_at(items: Items, key: str | StepKey) -> tuple[TimedItem | None, Step | None]:
    """The agenda item and method step at ``key``; ``None`` for what is not there (an
    unknown key, or the one slot of a break or a talk item has no method step)."""
    try:
        where = key if isinstance(key, StepKey) else StepKey.parse(key)
    except ValueError:
        return None, None
    if where.item >= len(items):
        return None, None
    item = items[where.item]
    if item.method is None or where.step >= len(item.method.steps):
        return item, None
    return item, item.method.steps[where.step]


def spec_at(items: Items, key: str | StepKey) -> InputSpec | None:
    _, step = step_at(items, key)
    return step.input if step is not None else None


def sibling_key(items: Items, key: str | StepKey, step_id: str) -> str:
    """The key of the step ``step_id`` in the same agenda item as ``key`` (a method's
    steps name each other by id; the loader has checked that the id exists)."""
    where = key if isinstance(key, StepKey) else StepKey.parse(key)
    method = items[where.item].method
    assert method is not None, f"agenda item {where.item} runs no method"
    ids = [s.id for s in method.steps]
    return str(StepKey(where.item, ids.index(step_id)))


def is_anonymous(items: Items, key: str) -> bool:
    """Are authors of this step's input kept out of sight? True unless the step asks for
    names (unknown steps count as anonymous)."""
    spec = spec_at(items, key)
    return spec is None or spec.is_anonymous()


def note_visible(state: SessionState, items: Items, note: Note, viewer: str) -> bool:
    """May ``viewer`` (a participant id, the facilitator, or ``"room"``) see this note's
    text? Hidden notes and unrevealed private ones only reach their author and the
    facilitator (the rule is :func:`visible_notes`'s)."""
    return bool(visible_notes(state, items, (note,), viewer))


def visible_notes(
    state: SessionState, items: Items, notes: Iterable[Note], viewer: str
) -> list[Note]:
    """The notes ``viewer`` may see. Authors and the facilitator see everything; anyone
    else sees no hidden note, and no note of a private step until it is revealed (decided
    once per step: a board has thousands of notes)."""
    out: list[Note] = []
    unrevealed: dict[str, bool] = {}
    for note in notes:
        if viewer == FACILITATOR or note.author == viewer or _shares_group(state, note, viewer):
            out.append(note)
            continue
        if note.hidden:
            continue
        closed = unrevealed.get(note.step)
        if closed is None:
            spec = spec_at(items, note.step)
            closed = unrevealed[note.step] = bool(
                spec is not None and spec.is_private() and not state.step_state(note.step).revealed
            )
        if not closed:
            out.append(note)
    return out


def _shares_group(state: SessionState, note: Note, viewer: str) -> bool:
    """A grouped step's note is its group's: every member sees it as its writer does."""
    group = state.groups.get(note.group) if note.group is not None else None
    return group is not None and viewer in group.members


def vote_targets(state: SessionState, items: Items, key: str) -> list[str]:
    """Ids the vote step at ``key`` may receive dots on, in board order."""
    spec = spec_at(items, key)
    if not isinstance(spec, VoteInput):
        return []
    return targets(state, sibling_key(items, key, spec.target_step), spec)


def is_vote_target(state: SessionState, items: Items, key: str, target: str) -> bool:
    """``target in vote_targets(...)``, without listing every note."""
    spec = spec_at(items, key)
    if not isinstance(spec, VoteInput):
        return False
    return is_target(state, sibling_key(items, key, spec.target_step), spec, target)


def sort_targets(state: SessionState, items: Items, key: str) -> list[str]:
    """Ids the sort step at ``key`` places into buckets, in board order."""
    spec = spec_at(items, key)
    if not isinstance(spec, sort.SortInput):
        return []
    return sort.targets(state, sibling_key(items, key, spec.target_step), spec)


def cluster_sources(items: Items, key: str) -> list[str]:
    """Keys of the steps whose notes the cluster step at ``key`` groups."""
    spec = spec_at(items, key)
    if not isinstance(spec, ClusterInput):
        return []
    return [sibling_key(items, key, source) for source in spec.source_steps]


def rank_targets(state: SessionState, items: Items, key: str) -> list[str]:
    """Ids the rank step at ``key`` ranks or scores, in board order."""
    spec = spec_at(items, key)
    if not isinstance(spec, rank.RankInput):
        return []
    return rank_tally.targets(state, sibling_key(items, key, spec.target_step), spec)
