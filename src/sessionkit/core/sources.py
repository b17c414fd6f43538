"""Items carried forward: which earlier step a plan's ``from`` names, and what is wrong
with it.

A method's steps only know each other (a vote names the step it votes on). A plan can
point a step that works on earlier items (a vote or a sort) at the items of a step in an
earlier agenda item, with ``from = "<item>.<step>"`` on the agenda item and optionally
``top = N`` or ``cluster = "label"``. This module resolves those references over a plan
and its methods once, for the agenda (what each step works on, see
:mod:`sessionkit.core.carried`) and for ``sessionkit check`` (each problem with the
field it is in), so the two never disagree.

Pure: a function of the plan and the methods.
"""

from __future__ import annotations

from dataclasses import dataclass

from sessionkit.core.fields import FieldPath
from sessionkit.core.method import Method, Step
from sessionkit.core.plan import AgendaItem, Plan

TAKES_ITEMS = ("vote", "sort", "rank")
"""Input kinds a plan may point at earlier items. A cluster step is not one yet: a note
belongs to one cluster, so clustering it again would undo the earlier clustering."""


@dataclass(frozen=True)
class Carry:
    """Step ``into`` of an agenda item works on the items of step ``step`` of the
    earlier item ``source`` (both indexes), filtered by ``top`` or ``cluster``."""

    into: int
    source: int
    step: int
    top: int | None = None
    votes: int | None = None
    """For ``top``: the step (of item ``source``) whose dots rank the items."""
    cluster: str | None = None
    kept: str | None = None
    """Only the items the source sort placed most often in this bucket."""


Finding = tuple[FieldPath, str, str]
"""(field path in the plan, message, problem code)."""


def has_items(step: Step) -> bool:
    """Does the step leave items a later step can work on (notes, clusters, a vote's or
    a sort's)?"""
    return step.input.collects_notes or step.input.kind in ("cluster", "vote", "sort")


def items_word(step: Step) -> str:
    if step.input.kind == "cluster":
        return "clusters"
    if step.input.kind == "sort":
        return "sorted items"
    return "voted-on items" if step.input.kind == "vote" else "notes"


def _numbered(plan: Plan) -> list[tuple[FieldPath, AgendaItem]]:
    return [
        (("days", d, "agenda", a), item)
        for d, day in enumerate(plan.days)
        for a, item in enumerate(day.agenda)
    ]


def item_keys(plan: Plan) -> dict[str, list[int]]:
    """Every name ``from`` can use for an item -> the positions it names (more than one:
    ambiguous). An item's ``id`` is its name; an item without one goes by its method."""
    keys: dict[str, list[int]] = {}
    for index, (_, item) in enumerate(_numbered(plan)):
        name = item.id or item.method
        if name is not None:
            keys.setdefault(name, []).append(index)
    return keys


def resolve(plan: Plan, methods: dict[str, Method]) -> tuple[dict[int, Carry], list[Finding]]:
    """Each agenda item's carry (by its position in the plan), and what is wrong."""
    carries: dict[int, Carry] = {}
    findings: list[Finding] = []
    numbered = _numbered(plan)
    keys = item_keys(plan)
    for name, places in keys.items():
        explicit = [p for p in places if numbered[p][1].id == name]
        if len(explicit) > 1:
            where, _ = numbered[explicit[1]]
            findings.append(((*where, "id"), f"two agenda items have the id '{name}'", "duplicate"))
    for index, (where, item) in enumerate(numbered):
        method = methods.get(item.method) if item.method else None
        if method is None:
            continue
        if item.variation and item.variation not in [v.name for v in method.variations]:
            names = ", ".join(f"'{v.name}'" for v in method.variations)
            findings.append(
                (
                    (*where, "variation"),
                    f"method '{method.id}' has no variation '{item.variation}' "
                    f"({'its variations: ' + names if names else 'it has no variations'})",
                    "variation",
                )
            )
        if item.source is None:
            continue
        carry, problems = _resolve_one(index, where, item, method, numbered, keys, methods)
        findings.extend(problems)
        if carry is not None:
            carries[index] = carry
    return carries, findings


def _resolve_one(
    index: int,
    where: FieldPath,
    item: AgendaItem,
    method: Method,
    numbered: list[tuple[FieldPath, AgendaItem]],
    keys: dict[str, list[int]],
    methods: dict[str, Method],
) -> tuple[Carry | None, list[Finding]]:
    assert item.source is not None
    into, problem = _into(where, item, method)
    if problem is not None:
        return None, [problem]
    at = (*where, "from")
    name, _, step_id = item.source.partition(".")
    source, message = _source_item(name, index, numbered, keys)
    if message:
        return None, [(at, message, "from")]
    assert source is not None
    _, source_item = numbered[source]
    label = f"item #{source + 1}"
    if source_item.method is None:
        what = "a talk" if source_item.kind == "talk" else f"a {source_item.kind}"
        return None, [(at, f"{label} is {what}: it collects nothing to carry forward", "from")]
    source_method = methods.get(source_item.method)
    if source_method is None:
        return None, []  # the unknown method is reported on that item
    steps = source_method.steps
    with_items = [s.id for s in steps if has_items(s)]
    if step_id:
        ids = [s.id for s in steps]
        if step_id not in ids:
            return None, [
                (
                    at,
                    f"method '{source_method.id}' ({label}) has no step '{step_id}' "
                    f"(its steps: {', '.join(ids)})",
                    "from",
                )
            ]
        step = ids.index(step_id)
    elif with_items:
        step = [s.id for s in steps].index(with_items[-1])
    else:
        step = len(steps) - 1
    chosen = steps[step]
    if not has_items(chosen):
        others = f" (steps with items: {', '.join(with_items)})" if with_items else ""
        return None, [
            (
                at,
                f"step '{chosen.id}' of '{source_method.id}' ({label}) is a "
                f"{chosen.input.kind} step: it collects nothing to work on{others}",
                "from",
            )
        ]
    carry = Carry(into=into, source=source, step=step, cluster=item.cluster, kept=item.kept)
    if item.kept is not None:
        buckets = list(getattr(chosen.input, "buckets", []))
        if chosen.input.kind != "sort":
            why = f"it is a {chosen.input.kind} step"
        elif item.kept.casefold() not in {b.casefold() for b in buckets}:
            why = f"it has no bucket '{item.kept}' (its buckets: {', '.join(buckets)})"
        else:
            why = ""
        if why:
            return None, [
                (
                    (*where, "kept"),
                    f"kept takes the items a sort placed in one bucket, but step "
                    f"'{chosen.id}' of '{source_method.id}' cannot give them: {why}",
                    "from",
                )
            ]
    if item.cluster is not None and chosen.input.kind != "cluster":
        return None, [
            (
                (*where, "cluster"),
                f"cluster picks the notes of one cluster, but step '{chosen.id}' of "
                f"'{source_method.id}' makes no clusters (it is a {chosen.input.kind} step)",
                "from",
            )
        ]
    if item.top is not None:
        votes = _votes_on(source_method, step)
        if votes is None:
            return None, [
                (
                    (*where, "top"),
                    f"top ranks items by their dots, but no step of '{source_method.id}' "
                    f"votes on step '{chosen.id}'",
                    "from",
                )
            ]
        carry = Carry(into=into, source=source, step=step, top=item.top, votes=votes)
    return carry, []


def _into(where: FieldPath, item: AgendaItem, method: Method) -> tuple[int, Finding | None]:
    """The step of ``method`` that takes the carried items."""
    ids = [s.id for s in method.steps]
    if item.into is not None:
        if item.into not in ids:
            return 0, (
                (*where, "into"),
                f"method '{method.id}' has no step '{item.into}' (its steps: {', '.join(ids)})",
                "from",
            )
        step = method.steps[ids.index(item.into)]
        if step.input.kind not in TAKES_ITEMS:
            return 0, ((*where, "into"), _cannot_take(step), "from")
        return ids.index(item.into), None
    takers = [i for i, s in enumerate(method.steps) if s.input.kind in TAKES_ITEMS]
    if len(takers) == 1:
        return takers[0], None
    if not takers:
        return 0, (
            (*where, "from"),
            f"method '{method.id}' has no vote, sort or rank step, so nothing can work on "
            "carried items",
            "from",
        )
    names = ", ".join(f"'{ids[i]}'" for i in takers)
    return 0, (
        (*where, "from"),
        f"method '{method.id}' has several vote, sort or rank steps ({names}): say which "
        f'takes the items with into = "{ids[takers[0]]}"',
        "from",
    )


def _cannot_take(step: Step) -> str:
    if step.input.kind == "cluster":
        return (
            f"step '{step.id}' is a cluster step: it cannot take notes from another agenda "
            "item yet (a note belongs to one cluster); carry them into a vote, sort or rank step"
        )
    return (
        f"step '{step.id}' is a {step.input.kind} step: only a vote, sort or rank step can "
        "take items"
    )


def _source_item(
    name: str, index: int, numbered: list[tuple[FieldPath, AgendaItem]], keys: dict[str, list[int]]
) -> tuple[int | None, str]:
    """The position ``name`` names, or a message saying why it names none."""
    if name.startswith("#"):
        number = name[1:]
        if not number.isdigit() or not 1 <= int(number) <= len(numbered):
            return None, f"there is no agenda item {name} (the plan has {len(numbered)} items)"
        source = int(number) - 1
    else:
        places = keys.get(name, [])
        explicit = [p for p in places if numbered[p][1].id == name]
        if explicit:
            places = explicit[:1]
        if not places:
            earlier = sorted({k for k, ps in keys.items() if ps[0] < index})
            listed = ", ".join(f"'{k}'" for k in earlier) or "none"
            return None, f"no agenda item is called '{name}' (earlier items: {listed})"
        if len(places) > 1:
            numbers = ", ".join(f"#{p + 1}" for p in places)
            return None, (
                f"'{name}' runs {len(places)} times in this plan ({numbers}): give the one "
                f'you mean an id = "..." or write its number, like "#{places[0] + 1}"'
            )
        source = places[0]
    if source >= index:
        return None, (
            f"item #{source + 1} comes {'later in the agenda' if source > index else 'here'}:"
            f" items can only be carried forward from an earlier item (this is #{index + 1})"
        )
    return source, ""


def _votes_on(method: Method, step: int) -> int | None:
    """The step whose dots rank the items of ``step``: the step itself if it is a vote,
    else the method's vote on it."""
    chosen = method.steps[step]
    if chosen.input.kind == "vote":
        return step
    for i, other in enumerate(method.steps):
        if getattr(other.input, "target_step", None) == chosen.id:
            return i
    return None
