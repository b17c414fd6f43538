"""A step's ``[steps.groups]`` table: people work in small groups that share one list.

Only the spec lives here (the method model imports it); forming groups, their commands
and folds are :mod:`sessionkit.core.groups`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field

from sessionkit.core.fields import FieldPath, Kebab, Strict


class GroupsSpec(Strict):
    """People are put in groups when the step starts; a group's notes are its own."""

    size: int = Field(ge=2, le=12)
    """People per group: 2 for pairs, 4 for fours. Leftovers make a group one larger or
    two groups one smaller, never someone alone (unless only one person is there)."""
    join: Kebab | None = None
    """An earlier grouped step of the method: its groups are joined to make these (two
    pairs make a four), instead of mixing everyone afresh."""
    pick: bool = False
    """Each group picks one of its notes to take forward (any member, or the facilitator)."""
    max_per_group: int = Field(default=5, ge=1, le=100)
    """How many notes a group may write together (the step's ``max_per_person`` does not
    apply on a grouped step)."""

    def describe(self) -> str:
        words = {2: "pairs", 3: "threes", 4: "fours"}.get(self.size, f"groups of {self.size}")
        parts = [words]
        if self.join:
            parts.append(f"joining the groups of '{self.join}'")
        parts.append(f"up to {self.max_per_group} notes per group")
        if self.pick:
            parts.append("each group picks one note")
        return ", ".join(parts)


# ---------------------------------------------------------------- checks of a method


def method_problems(steps: Sequence[Any], group_size_max: int) -> list[tuple[FieldPath, str]]:
    """Located problems of the ``groups`` tables of a method's steps (and of a cluster
    step that takes only picked notes), knowable from the files."""
    problems: list[tuple[FieldPath, str]] = []
    earlier: dict[str, Any] = {}
    for index, step in enumerate(steps):
        spec: GroupsSpec | None = step.groups
        where: FieldPath = ("steps", index, "groups")
        if spec is not None:
            if step.input.kind not in ("notes", "canvas", "discussion"):
                problems.append(
                    (
                        where,
                        f"a {step.input.kind} step cannot be done in groups "
                        "(groups write notes, or discuss)",
                    )
                )
            if spec.pick and not step.input.collects_notes:
                problems.append(
                    ((*where, "pick"), "groups can only pick a note on a step that collects notes")
                )
            if spec.size > group_size_max:
                problems.append(
                    (
                        (*where, "size"),
                        f"groups of {spec.size} need more people than the "
                        f"method's group_size.max of {group_size_max}",
                    )
                )
            if spec.join is not None:
                source = earlier.get(spec.join)
                if source is None:
                    problems.append(
                        (
                            (*where, "join"),
                            f"'{spec.join}' is not an earlier step of this method "
                            f"(earlier steps: {', '.join(earlier) or 'none'})",
                        )
                    )
                elif source.groups is None:
                    problems.append(
                        (
                            (*where, "join"),
                            f"step '{spec.join}' is not done in groups, so there are no "
                            "groups to join",
                        )
                    )
                elif source.groups.size >= spec.size:
                    problems.append(
                        (
                            (*where, "join"),
                            f"groups of {source.groups.size} from '{spec.join}' "
                            f"cannot be joined into smaller or equal groups of {spec.size}",
                        )
                    )
        if getattr(step.input, "picked_only", False):
            for n, name in enumerate(step.input.source_steps):
                source = earlier.get(name)
                if source is not None and (source.groups is None or not source.groups.pick):
                    problems.append(
                        (
                            ("steps", index, "input", "source_steps", n),
                            f"picked_only takes the note each group picked, but step '{name}' "
                            "has no groups that pick (add pick = true to its [steps.groups])",
                        )
                    )
        earlier[step.id] = step
    return problems
