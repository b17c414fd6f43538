"""Groups formed from what people said joining: ``by = "role"`` and ``by = "table"``.

:mod:`sessionkit.core.groups` forms, journals and folds groups; this module only decides
who goes where when a step's ``[steps.groups]`` says ``by``. Everything here is a pure
function of its arguments (the seeded shuffle is done by the caller), so a formation is
the same for the same run, step and formation number, and is journalled anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sessionkit.core.groupspec import sizes


class Formed(NamedTuple):
    """A formation: who is in each group, the table of each (``None``: none), and what
    the facilitator should be told about it (``None``: as planned)."""

    members: list[list[str]]
    tables: list[int | None]
    notice: str | None = None


def by_role(people: Sequence[str], roles: dict[str, str | None], size: int) -> Formed:
    """Groups of about ``size`` that each mix the roles as evenly as they can.

    People of a role are dealt round-robin, one role after another (the largest role
    first), so each group has the ideal share of every role, give or take one: a role of
    ``k`` people over ``n`` groups gives each group ``k // n`` or ``k // n + 1``.
    "Prefer not to say" (``None``) is dealt like a role of its own.
    """
    count = len(people)
    groups = len(sizes(count, size))
    if groups == 0:
        return Formed([], [])
    by: dict[str | None, list[str]] = {}
    for person in people:  # already shuffled: the order within a role is the seeded one
        by.setdefault(roles.get(person), []).append(person)
    order = sorted(by, key=lambda r: (-len(by[r]), r is None, r or ""))
    dealt = [person for role in order for person in by[role]]
    out: list[list[str]] = [[] for _ in range(groups)]
    for n, person in enumerate(dealt):
        out[n % groups].append(person)
    return Formed(out, [None] * groups)


def by_table(people: Sequence[str], tables: dict[str, int | None]) -> Formed:
    """A group per table anyone sits at (in table order); people who gave no table go
    to the smallest group, one by one, and the facilitator is told."""
    at: dict[int, list[str]] = {}
    loose: list[str] = []
    for person in people:
        table = tables.get(person)
        if table is None:
            loose.append(person)
        else:
            at.setdefault(table, []).append(person)
    if not at:
        if not people:
            return Formed([], [])
        return Formed([list(people)], [None], table_notice(len(people), len(people)))
    numbers = sorted(at)
    out = [at[t] for t in numbers]
    for person in loose:
        min(out, key=len).append(person)
    return Formed(out, [*numbers], table_notice(len(loose), len(people)))


def table_notice(loose: int, count: int) -> str | None:
    """What the facilitator is told about a grouping by table where ``loose`` of the
    ``count`` people gave no table number."""
    if not loose:
        return None
    if loose == count:
        return (
            "Nobody has said which table they are at: one group of everyone "
            "(set tables in People, P, then re-form)."
        )
    return (
        f"{loose} {'person has' if loose == 1 else 'people have'} no table "
        "number and joined the smallest groups (set tables in People, P)."
    )


def role_group(
    candidates: Sequence[tuple[str, list[str]]], roles: dict[str, str | None], role: str | None
) -> str:
    """Which of the open groups (id, present members) a late joiner with ``role`` goes
    to: the one with fewest of that role (it lacks it most), then the smallest."""
    best = min(
        enumerate(candidates),
        key=lambda c: (sum(roles.get(m) == role for m in c[1][1]), len(c[1][1]), c[0]),
    )
    return best[1][0]
