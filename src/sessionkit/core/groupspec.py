"""A step's ``[steps.groups]`` table: people work in small groups that share one list.

The spec, how a number of people splits into groups, and the checks of a method's
groups tables live here (the method model imports it); forming groups from the state,
their commands and folds are :mod:`sessionkit.core.groups`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field, model_validator

from sessionkit.core.fields import FieldPath, Kebab, Strict


class GroupsSpec(Strict):
    """People are put in groups when the step starts; a group's notes are its own."""

    size: int = Field(ge=2, le=12)
    """People per group: 2 for pairs, 4 for fours. Leftovers make a group one larger or
    two groups one smaller, never someone alone (unless only one person is there)."""
    join: Kebab | None = None
    """An earlier grouped step of the method: its groups are joined to make these (two
    pairs make a four), instead of mixing everyone afresh."""
    same_as: Kebab | None = None
    """An earlier grouped step whose groups this step keeps: the same people together
    again (round two and three of a trio), newcomers placed in the smallest group."""
    pick: bool = False
    """Each group picks one of its notes to take forward (any member, or the facilitator)."""
    max_per_group: int = Field(default=5, ge=1, le=100)
    """How many notes a group may write together (the step's ``max_per_person`` does not
    apply on a grouped step)."""
    by: Literal["role", "table"] | None = None
    """``"role"``: each group mixes the roles people chose joining (the plan's
    ``join_roles``) as evenly as it can. ``"table"``: a group per table (the plan's
    ``tables``); ``size`` is then only what a group is expected to be."""
    mix: bool | None = None
    """With ``by = "role"``: mix the roles (the default, and the only way so far)."""

    @model_validator(mode="after")
    def _how(self) -> GroupsSpec:
        if self.mix is not None and self.by != "role":
            raise ValueError('mix applies to by = "role" only')
        if self.by == "role" and self.mix is False:
            raise ValueError(
                'by = "role" mixes the roles in each group; groups of one role are not '
                "supported (leave out mix, or set mix = true)"
            )
        ways = [
            name
            for name, given in (
                ("join", self.join),
                ("same_as", self.same_as),
                (f'by = "{self.by}"', self.by),
            )
            if given is not None
        ]
        if len(ways) > 1:
            raise ValueError(f"{' and '.join(ways)} are ways to form groups: choose one")
        return self

    def describe(self, *, collects_notes: bool = True) -> str:
        """One line for ``sessionkit show`` (a grouped discussion writes no notes, so
        its limit and pick are not mentioned)."""
        words = {2: "pairs", 3: "threes", 4: "fours"}.get(self.size, f"groups of {self.size}")
        if self.by == "table":
            words = "a group per table"
        elif self.by == "role":
            words += " mixing roles"
        parts = [words]
        if self.join:
            parts.append(f"joining the groups of '{self.join}'")
        if self.same_as:
            parts.append(f"the same groups as '{self.same_as}'")
        if collects_notes:
            parts.append(f"up to {self.max_per_group} notes per group")
        if self.pick and collects_notes:
            parts.append("each group picks one note")
        return ", ".join(parts)


# ---------------------------------------------------------------- checks of a method


# ---------------------------------------------------------------- how groups split


def label(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: what people are told, spreadsheet-style."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def sizes(count: int, size: int) -> list[int]:
    """How ``count`` people split into groups of about ``size``: as many groups as keeps
    every group within one of ``size`` (a pair with one over is a three; six for fours is
    two threes), nobody alone unless only one person is there."""
    if count <= 0:
        return []
    best: tuple[int, int] | None = None
    for groups in sorted({max(1, count // size), max(1, -(-count // size))}):
        small, extra = divmod(count, groups)
        if small < 2 and groups > 1:
            continue
        spread = max(abs(small - size), abs(small + (1 if extra else 0) - size))
        if best is None or spread < best[0]:
            best = (spread, groups)
    groups = best[1] if best else 1
    small, extra = divmod(count, groups)
    return [small + 1 if i < extra else small for i in range(groups)]


def notice(spec: GroupsSpec, formed: Sequence[Sequence[str]]) -> str | None:
    """What the facilitator should know about a formation that is not as planned."""
    count = sum(len(m) for m in formed)
    if count == 0:
        return "Nobody has joined yet: groups form as people join."
    if count < spec.size:
        return (
            f"Only {count} {'person' if count == 1 else 'people'} for groups of {spec.size}: "
            "one group of everyone."
        )
    if all(len(m) == spec.size for m in formed):
        return None
    counts: dict[int, int] = {}
    for members in formed:
        counts[len(members)] = counts.get(len(members), 0) + 1
    split = ", ".join(
        f"{n} group{'s' * (n != 1)} of {size}" for size, n in sorted(counts.items(), reverse=True)
    )
    return f"{count} people for groups of {spec.size}: {split}."


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
            if spec.same_as is not None:
                problems.extend(_same_as_problems(spec, earlier.get(spec.same_as), earlier, where))
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


def _same_as_problems(
    spec: GroupsSpec, source: Any, earlier: dict[str, Any], where: FieldPath
) -> list[tuple[FieldPath, str]]:
    """A step keeping an earlier step's groups: that step must be earlier, grouped and
    of the same size (late joiners are placed by this step's size)."""
    at: FieldPath = (*where, "same_as")
    if source is None:
        return [
            (
                at,
                f"'{spec.same_as}' is not an earlier step of this method "
                f"(earlier steps: {', '.join(earlier) or 'none'})",
            )
        ]
    if source.groups is None:
        return [(at, f"step '{spec.same_as}' is not done in groups, so there are none to keep")]
    if source.groups.size != spec.size:
        return [
            (
                (*where, "size"),
                f"this step keeps the groups of '{spec.same_as}', which are of "
                f"{source.groups.size}: give it size = {source.groups.size} too",
            )
        ]
    return []
