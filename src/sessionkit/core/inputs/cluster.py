"""Clusters: the facilitator (with the room) groups earlier notes into labelled themes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from sessionkit.core.command import Command, Label, ShortId
from sessionkit.core.errors import Rejected
from sessionkit.core.fields import Kebab
from sessionkit.core.inputs.base import InputKind, InputSpec, Problems, RuleContext
from sessionkit.core.state import Cluster, Event, Note, SessionState


class ClusterInput(InputSpec):
    """The facilitator (with the room) groups earlier notes into labelled clusters."""

    kind: Literal["cluster"]
    source_steps: list[Kebab] = Field(min_length=1)
    labelled: bool = True
    parking_lot: bool = True
    picked_only: bool = False
    """Only the note each group of the source steps picked (one idea per group)."""

    def takes(self, state: SessionState, note: Note) -> bool:
        """Is this note (from a source step) one this step clusters? With
        ``picked_only``: each group's pick, and what the facilitator typed in for the
        whole room rather than for a group (a late paper note has to show somewhere)."""
        return not self.picked_only or note.group is None or state.is_picked(note)

    def describe(self) -> str:
        extra = ["labelled" if self.labelled else "unlabelled"]
        if self.parking_lot:
            extra.append("with a parking lot")
        sources = ", ".join(repr(s) for s in self.source_steps)
        if self.picked_only:
            return f"cluster the note each group of {sources} picked ({', '.join(extra)})"
        return f"cluster the notes of {sources} ({', '.join(extra)})"

    def caption(self) -> str:
        return "clustering"

    def problems(self, earlier: Mapping[str, InputSpec]) -> Problems:
        problems: Problems = []
        for n, source in enumerate(self.source_steps):
            target = earlier.get(source)
            if target is None:
                problems.append((("source_steps", n), not_earlier(source, earlier)))
            elif not target.collects_notes:
                problems.append(
                    (
                        ("source_steps", n),
                        f"step '{source}' collects {target.kind}, not notes, so there is nothing "
                        "to cluster",
                    )
                )
        return problems


def not_earlier(name: str, earlier: Mapping[str, InputSpec]) -> str:
    return (
        f"'{name}' is not an earlier step of this method "
        f"(earlier steps: {', '.join(earlier) or 'none'})"
    )


def target_problems(
    target_step: str, target: str, earlier: Mapping[str, InputSpec], doing: str
) -> Problems:
    """What is wrong with the ``target_step`` a vote, sort or rank works on: it must be an
    earlier step that makes ``target`` (notes, or clusters); ``doing`` says what to them."""
    spec = earlier.get(target_step)
    if spec is None:
        return [(("target_step",), not_earlier(target_step, earlier))]
    fits = spec.kind == "cluster" if target == "clusters" else spec.collects_notes
    if fits:
        return []
    wanted = "cluster" if target == "clusters" else "notes or canvas"
    return [
        (
            ("target_step",),
            f"step '{target_step}' collects {spec.kind}, so there are no "
            f"{target} to {doing} (expected a step collecting {wanted})",
        )
    ]


def source_keys(ctx: RuleContext, key: str, spec: ClusterInput) -> list[str]:
    return [ctx.sibling_key(key, source) for source in spec.source_steps]


# ---------------------------------------------------------------- commands


class CreateCluster(Command):
    type: Literal["create_cluster"] = "create_cluster"
    label: Label
    notes: list[ShortId] = Field(default_factory=list, max_length=10_000)
    parking: bool = False


class RenameCluster(Command):
    type: Literal["rename_cluster"] = "rename_cluster"
    cluster: ShortId
    label: Label


class MergeClusters(Command):
    type: Literal["merge_clusters"] = "merge_clusters"
    source: ShortId
    target: ShortId


class MoveNote(Command):
    type: Literal["move_note"] = "move_note"
    note: ShortId
    cluster: ShortId | None = None
    """``None`` takes the note out of any cluster."""


# ---------------------------------------------------------------- rules


def _cluster_step(ctx: RuleContext) -> tuple[str, ClusterInput]:
    spec = ctx.spec_at() if ctx.state.started else None
    if not isinstance(spec, ClusterInput):
        raise Rejected("Clustering happens on a cluster step.", "conflict")
    return ctx.state.step_key, spec


def _clusterable(ctx: RuleContext, key: str, spec: ClusterInput, note_id: str) -> None:
    note = ctx.note(note_id)
    if note.step not in source_keys(ctx, key, spec):
        raise Rejected(f"Note {note_id} is not from a step this one clusters.", "conflict")
    if not spec.takes(ctx.state, note):
        raise Rejected("Only the note each group picked is clustered here.", "conflict")


def _cluster(ctx: RuleContext, cluster_id: str) -> Cluster:
    cluster = ctx.state.clusters.get(cluster_id)
    if cluster is None:
        raise Rejected(f"No cluster {cluster_id}.", "not_found")
    if cluster.step != ctx.state.step_key:
        raise Rejected(f"Cluster {cluster_id} belongs to another step.", "conflict")
    return cluster


def _create(ctx: RuleContext, cmd: CreateCluster, actor: str) -> Event:
    key, spec = _cluster_step(ctx)
    if cmd.parking and not spec.parking_lot:
        raise Rejected("This step has no parking lot.", "conflict")
    if len(set(cmd.notes)) != len(cmd.notes):
        raise Rejected("A note can only go into one cluster.")
    for note_id in cmd.notes:
        _clusterable(ctx, key, spec, note_id)
    return ctx.event(
        "cluster_created",
        actor,
        cluster=f"c{ctx.state.counter + 1}",
        step=key,
        label=cmd.label,
        parking=cmd.parking or None,
        notes=list(cmd.notes),
    )


def _rename(ctx: RuleContext, cmd: RenameCluster, actor: str) -> Event:
    _cluster_step(ctx)
    _cluster(ctx, cmd.cluster)
    return ctx.event("cluster_renamed", actor, cluster=cmd.cluster, label=cmd.label)


def _merge(ctx: RuleContext, cmd: MergeClusters, actor: str) -> Event:
    _cluster_step(ctx)
    _cluster(ctx, cmd.source)
    _cluster(ctx, cmd.target)
    if cmd.source == cmd.target:
        raise Rejected("A cluster cannot be merged into itself.")
    return ctx.event("clusters_merged", actor, source=cmd.source, target=cmd.target)


def _move(ctx: RuleContext, cmd: MoveNote, actor: str) -> Event:
    key, spec = _cluster_step(ctx)
    _clusterable(ctx, key, spec, cmd.note)
    if cmd.cluster is not None:
        _cluster(ctx, cmd.cluster)
    if ctx.state.notes[cmd.note].cluster == cmd.cluster:
        raise Rejected("The note is already there.", "conflict")
    return ctx.event("note_moved", actor, note=cmd.note, cluster=cmd.cluster)


# ---------------------------------------------------------------- folds


def _on_created(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.counter += 1
    state.clusters[d["cluster"]] = Cluster(
        id=d["cluster"],
        step=d["step"],
        label=d["label"],
        parking=bool(d.get("parking")),
        created_at=event.at,
    )
    for note_id in d.get("notes", []):
        state.notes[note_id].cluster = d["cluster"]


def _on_renamed(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.clusters[d["cluster"]].label = d["label"]


def _on_merged(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    source, target = d["source"], d["target"]
    for note in state.notes.values():
        if note.cluster == source:
            note.cluster = target
    del state.clusters[source]


def _on_moved(state: SessionState, event: Event, d: dict[str, Any]) -> None:
    state.notes[d["note"]].cluster = d.get("cluster")


def _has_clusters(state: SessionState, key: str) -> bool:
    return any(c.step == key for c in state.clusters.values())


KIND = InputKind(
    name="cluster",
    order=30,
    spec=ClusterInput,
    rules={CreateCluster: _create, RenameCluster: _rename, MergeClusters: _merge, MoveNote: _move},
    folds={
        "cluster_created": _on_created,
        "cluster_renamed": _on_renamed,
        "clusters_merged": _on_merged,
        "note_moved": _on_moved,
    },
    has_content=_has_clusters,
)
