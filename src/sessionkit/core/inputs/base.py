"""What an input kind is: its spec, its commands, its rules, its folds, its summary.

Every kind of input a step can collect (notes, a canvas, clusters, a vote, a rating,
discussion) is one module in this package that ends with ``KIND = InputKind(...)``. The
registry (:mod:`sessionkit.core.inputs`) derives from those descriptors what used to be
listed by hand: the step-input union, the command union, the commands phones may send,
the engine's dispatch, the fold, the loader's known keys and the one-line descriptions.

Rules see the engine only through :class:`RuleContext`, so a kind's module imports
nothing above it (no engine, no agenda) and the engine keeps just the shared machinery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from sessionkit.core.command import Command
from sessionkit.core.fields import FieldPath, Strict
from sessionkit.core.groupspec import GroupsSpec
from sessionkit.core.state import Event, Note, SessionState

Problems = list[tuple[FieldPath, str]]
"""Cross-field problems as (path inside the step's ``input`` table, message)."""


class InputSpec(Strict):
    """The ``[steps.input]`` table of a step. Each kind subclasses it with its fields and
    a ``kind: Literal["..."]`` tag; the methods below are what the rest of the program
    asks of any kind, so no adapter needs to know which one it has."""

    kind: str
    collects_notes: ClassVar[bool] = False
    """Notes are written on steps of this kind (they can be revealed, clustered, voted on)."""

    def is_private(self) -> bool:
        """Input stays out of the room's sight until the facilitator reveals it."""
        return False

    def is_anonymous(self) -> bool:
        """Authors are never shown or exported (False only where a step asks for names)."""
        return True

    def describe(self) -> str:
        """One line for ``sessionkit show``: what the step collects and how."""
        return self.kind

    def caption(self) -> str:
        """A few words for the record's step caption (``dot vote on notes, 3 dots each``)."""
        return self.kind

    def problems(self, earlier: Mapping[str, InputSpec]) -> Problems:
        """Checks that need the method's other steps; ``earlier`` maps the ids of the
        steps before this one to their inputs, in order."""
        return []


class RuleContext(Protocol):
    """What a kind's rules may ask of the engine (which implements it)."""

    @property
    def state(self) -> SessionState: ...

    def spec_at(self, key: str | None = None) -> InputSpec | None:
        """The input of the step at ``key`` (default: the current one), ``None`` for a
        break or talk item; the current step is ``None`` before the session starts."""
        ...

    def groups_at(self, key: str | None = None) -> GroupsSpec | None:
        """The groups table of the step at ``key`` (default: the current one), ``None``
        where the step is not done in groups."""
        ...

    def sibling_key(self, key: str, step_id: str) -> str:
        """The key of step ``step_id`` of the same agenda item as ``key``."""
        ...

    def known_step(self, key: str) -> str:
        """``key`` in canonical form, or :class:`Rejected` if the plan has no such step."""
        ...

    def carried_targets(self, key: str) -> Sequence[str]:
        """Ids the step at ``key`` took from an earlier agenda item (the plan's ``from``)."""
        ...

    def note(self, note_id: str) -> Note:
        """The note, or :class:`Rejected` (not_found)."""
        ...

    def notes_written(self, key: str, author: str) -> int: ...

    def event(self, type_: str, actor: str, **data: Any) -> Event:
        """A new event for the current seq; ``None`` values are left out of ``data``."""
        ...


Rule = Callable[[RuleContext, Any, str], Event]
"""Check a command from an actor; return its event, or raise :class:`Rejected`."""
Fold = Callable[[SessionState, Event, dict[str, Any]], None]
"""Fold an event into the state; never raises for an event a rule produced."""


@dataclass(frozen=True)
class InputKind:
    """One kind of input, as data. See the module docstring."""

    name: str
    spec: type[InputSpec]
    order: int = 100
    """Where the kind comes in lists shown to authors ("expected 'notes', 'vote' ...")."""
    rules: Mapping[type[Command], Rule] = field(default_factory=dict)
    """Each command this kind defines, with the rule that checks it."""
    participant_commands: tuple[type[Command], ...] = ()
    """Which of those a phone may send (the rest are the facilitator's)."""
    folds: Mapping[str, Fold] = field(default_factory=dict)
    """Event type -> how it changes the state."""
    has_content: Callable[[SessionState, str], bool] = lambda state, key: False
    """Did a step of this kind (by key) collect anything? For the record."""
    deidentify: Callable[[SessionState], None] | None = None
    """Break any link between this kind's data in a copied state and a person."""

    @property
    def commands(self) -> tuple[type[Command], ...]:
        return tuple(self.rules)
