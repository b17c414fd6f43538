"""What a phone is shown: the step in focus, split into a public part and a personal part.

The public part (the step, its input spec, the notes everyone may see, results) is the
same for every phone, so it is built once and cached as JSON bytes; 1,000 phones
refreshing after a step change cost one build, not 1,000. The personal part (own notes,
dots left, own rating, the timer) is small and built per request from indexes, never by
scanning every note.

Visibility is the engine's: a note reaches a phone only if ``engine.visible_to`` allows
it for a viewer who is nobody in particular (the public part) or if the phone's
participant wrote it (the personal part). Author ids never leave the server; a note
carries its author's name only where the step is not anonymous (the engine already
leaves the name out otherwise).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sessionkit.core import groups
from sessionkit.core.engine import Engine
from sessionkit.core.inputs.rating import summarise
from sessionkit.core.method import (
    CanvasInput,
    ClusterInput,
    DiscussionInput,
    NotesInput,
    RatingInput,
    VoteInput,
)
from sessionkit.core.safeguarding import current, phone_line
from sessionkit.core.state import Note, StepState
from sessionkit.web import kind_views, rank_views, review_views
from sessionkit.web.group_view import GroupIndex, group_notes, group_part
from sessionkit.web.strings import SERVER_WELSH, with_welsh
from sessionkit.web.windows import Lists, cut

PUBLIC_VIEWER = "\x00public"
"""A viewer id no participant can have: ``visible_to`` answers for 'anyone else'."""


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def note_json(note: Note) -> dict[str, Any]:
    out: dict[str, Any] = {"id": note.id, "text": note.text}
    for field in ("category", "region", "cluster", "author_name"):
        value = getattr(note, field)
        if value is not None:
            out[field] = value
    if note.redacted is not None:  # its text is REMOVED_TEXT; the reason stays on the laptop
        out["redacted"] = True
    return out


def care_line(engine: Engine) -> str:
    """Who to talk to if worried about someone's safety, for the foot of every phone
    screen ("" when no safeguarding lead is named)."""
    return phone_line(current(engine.plan.safeguarding, engine.state))


class Views:
    """Builds the JSON a phone gets from ``GET state``; owned by the app's hub."""

    def __init__(
        self, engine: Engine, *, cache_seconds: float = 0.25, max_notes: int = 300
    ) -> None:
        self.engine = engine
        self.cache_seconds = cache_seconds
        self.max_notes = max_notes
        self.urgent_seq = 0
        """Seq of the last event that must show at once (step change, reveal, lock...)."""
        self.bulk_seq = 0
        """Seq of the last high-volume public change (a note on an open board, a rating)."""
        self._cache: tuple[int, int, float, bytes] | None = None
        self._cache_seq = 0
        """``state.seq`` when the cached public part was built: what it reflects."""
        self._wrote: dict[str, int] = {}
        """Participant -> seq of their latest change to the public part (a rating, a note
        on an open board): their next view must be built after it (read-your-writes)."""
        self._own: dict[tuple[str, str], list[str]] = {}
        """(step key, author) -> note ids: a phone's own notes without a scan."""
        self._groups = GroupIndex()
        """Group id -> note ids: a group's shared list without a scan."""
        self._lists = Lists()
        """The whole long lists of the cached public part (it carries their first pages)."""
        self._board: list[Note] | None = None
        """The notes of the board last built (its view carries only the newest)."""
        self.rebuild_index()

    # ------------------------------------------------------------ indexes

    def rebuild_index(self) -> None:
        own: dict[tuple[str, str], list[str]] = {}
        for note in self.engine.state.notes.values():
            own.setdefault((note.step, note.author), []).append(note.id)
        self._own = own
        self._groups.rebuild(self.engine.state.notes)

    def note_added(self, step: str, author: str, note_id: str) -> None:
        self._own.setdefault((step, author), []).append(note_id)
        self._groups.add(self.engine.state.notes.get(note_id))

    def invalidate(self, seq: int, urgent: bool, by: str | None = None) -> None:
        """The public part changed at ``seq``; ``by`` is the participant who changed it
        (their own next view is never answered from a cache built before it)."""
        if urgent:
            self.urgent_seq = seq
        else:
            self.bulk_seq = seq
        if by is not None:
            self._wrote[by] = seq

    # ------------------------------------------------------------ the public part

    def public(self, since: int = 0) -> bytes:
        """The shared part as JSON, from the cache if it is new enough: built after the
        last urgent change, after ``since`` (the asking phone's own last change), and
        either after the last bulk change or less than ``cache_seconds`` ago."""
        now = time.monotonic()
        cached = self._cache
        if cached is not None and self._cache_seq >= since:
            urgent, bulk, built, data = cached
            if urgent == self.urgent_seq and (
                bulk == self.bulk_seq or now - built < self.cache_seconds
            ):
                return data
        self._board = None
        view = self.build_public()
        board = None if self._board is None else [note_json(n) for n in reversed(self._board)]
        self._lists = cut(view, str(view.get("step", {}).get("key", "")), board)
        data = dumps(view)
        self._cache = (self.urgent_seq, self.bulk_seq, now, data)
        self._cache_seq = self.engine.state.seq
        return data

    def lists(self, participant_id: str) -> Lists:
        """The whole long lists of the view this phone would be sent now (the cached
        public part's, rebuilt first if it is too old for this phone)."""
        self.public(since=self._wrote.get(participant_id, 0))
        return self._lists

    def expire(self) -> None:
        """A notice is going out: the next phone to fetch must get a view built after it,
        not one from the cache that predates what the notice announces."""
        cached = self._cache
        if cached is not None and (cached[0] != self.urgent_seq or cached[1] != self.bulk_seq):
            self._cache = None

    def build_public(self) -> dict[str, Any]:
        engine, state = self.engine, self.engine.state
        out: dict[str, Any] = {
            "session": {
                "title": engine.plan.title,
                "safeguarding": care_line(engine),
                "started": state.started,
                "ended": state.ended_at is not None,
            },
        }
        if state.ended_at is not None:
            out["step"] = {
                "kind": "ended",
                "key": "end",
                "title": "The session has ended",
                "prompt": "Thank you for taking part.",
                "cy": SERVER_WELSH["ended"],
            }
            return out
        if not state.started:
            out["step"] = {
                "kind": "waiting",
                "key": "wait",
                "title": "Waiting to start",
                "prompt": "The facilitator will start the session soon. Keep this page open.",
                "cy": SERVER_WELSH["waiting"],
            }
            return out
        key = state.step_key
        item, step = engine.step_def()
        step_state = state.step_state(key)
        info: dict[str, Any] = {
            "key": key,
            "item": item.title,
            "item_number": state.item + 1,
            "item_count": len(engine.items),
            "number": state.step + 1,
            "count": max(1, len(item.steps)),
            "locked": step_state.locked,
            "summary": step_state.summary,
        }
        out["step"] = info
        if step is None:  # a break, lunch or talk: nothing to send
            prompt = (
                "Nothing to write during this talk. "
                "This page will update when the next step starts."
                if item.kind == "talk"
                else "Take a break. This page will update when the session carries on."
            )
            info.update(kind=item.kind, title=item.title, prompt=prompt)
            pause = SERVER_WELSH[item.kind if item.kind == "talk" else "break"]
            info["cy"] = {"prompt": pause["prompt"]}
            return out
        info.update(
            kind=step.input.kind,
            title=step.title,
            prompt=engine.prompt(),
            grouping=str(step.grouping),
        )
        if step.cy is not None:  # the phone shows it where it is set to Welsh
            info["cy"] = {
                "title": step.cy.title,
                "prompt": engine.prompt(language="cy") if step.cy.prompt else "",
            }
        kind = KIND_VIEWS.get(step.input.kind)
        if kind is not None:
            out.update(kind.public(self, key, step.input, step_state))
        return out

    # One method per input kind for the shared part; KIND_VIEWS (below) picks one.

    def _public_notes(
        self, key: str, spec: NotesInput | CanvasInput, step_state: StepState
    ) -> dict[str, Any]:
        engine, state = self.engine, self.engine.state
        grouped = groups.spec_at(engine.items, key) is not None
        # On a grouped step each phone gets its own group's list (the personal part).
        visible = (
            []
            if grouped
            else [n for n in state.notes_in(key) if engine.visible_to(n.id, PUBLIC_VIEWER)]
        )
        self._board = visible  # paged from the newest by ``GET items`` (windows.py)
        return {
            "input": dict(self._notes_input(spec, step_state.revealed), grouped=grouped),
            "notes_total": len(visible),
            "notes": [note_json(n) for n in visible[-self.max_notes :]],
        }

    def _public_vote(self, key: str, spec: VoteInput, step_state: StepState) -> dict[str, Any]:
        out: dict[str, Any] = {
            "input": {
                "kind": "vote",
                "target": spec.target,
                "status": step_state.vote,
                "dots_per_person": spec.dots_per_person,
                "max_per_item": spec.max_per_item,
            }
        }
        came = self.engine.carried(key)
        if came is not None and came.ids:  # the phone says where the items came from
            out["input"]["carried_from"] = came.source
        out.update(self._vote_targets(key, spec))
        if step_state.vote == "closed":
            out["results"] = {
                "kind": "vote",
                "tally": [
                    {"target": target, "dots": dots}
                    for target, dots in self.engine.state.tally(key).items()
                ],
            }
        return out

    def _public_rating(self, key: str, spec: RatingInput, step_state: StepState) -> dict[str, Any]:
        summary = summarise(list(self.engine.state.ratings.get(key, {}).values()), spec)
        return {
            "input": {
                "kind": "rating",
                "question": spec.question,
                "scale_min": spec.scale_min,
                "scale_max": spec.scale_max,
                "labels": list(spec.labels),
                **({"cy": spec.cy.model_dump()} if spec.cy else {}),
            },
            "results": {
                "kind": "rating",
                "count": summary.count,
                "counts": {str(value): n for value, _, n in summary.distribution},
                "average": None if summary.mean is None else round(summary.mean, 2),
            },
        }

    def _public_cluster(
        self, key: str, spec: ClusterInput, step_state: StepState
    ) -> dict[str, Any]:
        state = self.engine.state
        clusters = [cl for cl in state.clusters.values() if cl.step == key]
        return {
            "input": {"kind": "cluster", **({"picked_only": True} if spec.picked_only else {})},
            **self._clusters(clusters, self.engine.cluster_sources(key), keep=spec.takes),
        }

    def _public_discussion(
        self, key: str, spec: DiscussionInput, step_state: StepState
    ) -> dict[str, Any]:
        return {"input": {"kind": "discussion"}}

    def _notes_input(self, spec: NotesInput | CanvasInput, revealed: bool) -> dict[str, Any]:
        base: dict[str, Any] = {
            "kind": spec.kind,
            "max_per_person": spec.max_per_person,
            "private": spec.private,
            "revealed": revealed,
            "anonymous": spec.anonymous,
        }
        if isinstance(spec, NotesInput):
            base["categories"] = [
                with_welsh({"id": c.id, "label": c.label, "colour": c.colour, "hint": c.hint}, c)
                for c in spec.categories
            ]
        else:
            base["layout"] = spec.layout
            base["regions"] = [
                with_welsh({"id": r.id, "label": r.label, "hint": r.hint}, r)
                for r in spec.note_regions()
            ]
            if spec.is_grid:  # the phone picks a cell with two lists: lane, then stage
                for axis in ("rows", "columns"):
                    base[axis] = [
                        with_welsh({"id": r.id, "label": r.label, "hint": r.hint}, r)
                        for r in getattr(spec, axis)
                    ]
        return base

    def _vote_targets(self, key: str, spec: VoteInput) -> dict[str, Any]:
        """What can be voted on: ``targets`` in board order (each a note or a cluster,
        since items carried from an earlier agenda item may be either), with the
        ``clusters`` (and their notes) and ``notes`` they are."""
        engine, state = self.engine, self.engine.state
        clusters = []
        notes, targets, unseen = [], [], 0
        for target in engine.vote_targets(key):
            cluster = state.clusters.get(target)
            if cluster is not None:
                clusters.append(cluster)
                targets.append({"id": target, "text": cluster.label, "cluster": True})
            elif engine.visible_to(target, PUBLIC_VIEWER):
                notes.append(note_json(state.notes[target]))
                targets.append({"id": target, "text": state.notes[target].text})
            else:
                unseen += 1
        # A cluster's notes were written in the steps its cluster step groups.
        sources = {
            src for step in {cl.step for cl in clusters} for src in engine.cluster_sources(step)
        }
        out = self._clusters(clusters, sorted(sources), loose=False)
        for item, cl in zip((t for t in targets if t.get("cluster")), out["clusters"], strict=True):
            item["count"] = len(cl["notes"])
        out.update(targets=targets, notes=notes, unseen=unseen)
        return out

    def _clusters(
        self,
        clusters: list[Any],
        sources: list[str],
        loose: bool = True,
        keep: Callable[[Any, Note], bool] | None = None,
    ) -> dict[str, Any]:
        engine, state = self.engine, self.engine.state
        ids = {cl.id for cl in clusters}
        members: dict[str, list[dict[str, Any]]] = {cl.id: [] for cl in clusters}
        unclustered: list[dict[str, Any]] = []
        wanted = set(sources)
        for note in state.notes.values():
            if note.step not in wanted or not engine.visible_to(note.id, PUBLIC_VIEWER):
                continue
            if keep is not None and not keep(state, note):  # e.g. only each group's pick
                continue
            if note.cluster is not None and note.cluster in ids:
                members[note.cluster].append(note_json(note))
            elif loose and note.cluster is None:
                unclustered.append(note_json(note))
        out: dict[str, Any] = {
            "clusters": [
                {"id": cl.id, "label": cl.label, "parking": cl.parking, "notes": members[cl.id]}
                for cl in clusters
            ]
        }
        if loose:
            out["notes"] = unclustered
        return out

    # ------------------------------------------------------------ the personal part

    def me(self, participant_id: str) -> dict[str, Any]:
        engine, state = self.engine, self.engine.state
        person = state.participants[participant_id]
        timer = state.timer
        out: dict[str, Any] = {
            "id": person.id,
            "name": person.name,
            "seq": state.seq,
            "step": state.step_key if state.started and state.ended_at is None else None,
            "timer": {
                "remaining": round(timer.remaining_at(engine.clock()), 1),
                "running": timer.running and state.ended_at is None,
                "duration": timer.duration,
            }
            if state.started
            else None,
        }
        if not state.started or state.ended_at is not None:
            return out
        _, step = engine.step_def()
        if step is None:  # a break: nothing of one's own to show
            return out
        kind = KIND_VIEWS.get(step.input.kind)
        if kind is not None and kind.me is not None:
            out.update(kind.me(self, state.step_key, person.id, step.input))
        grouped = groups.spec_at(engine.items, state.step_key)
        if grouped is not None:
            out["group"] = group_part(engine, self._own, state.step_key, person.id, grouped)
        return out

    # The personal part, for the kinds that have one; KIND_VIEWS (below) picks it.

    def _me_notes(self, key: str, pid: str, spec: NotesInput | CanvasInput) -> dict[str, Any]:
        state = self.engine.state
        grouped = groups.spec_at(self.engine.items, key)
        if grouped is not None:  # the group's shared list, and the group's limit
            shared, left = group_notes(self.engine, self._groups, key, pid, grouped)
            return {
                "notes": [dict(note_json(n), hidden=n.hidden) for n in shared],
                "notes_left": left,
            }
        own = [state.notes[i] for i in self._own.get((key, pid), ()) if i in state.notes]
        return {
            "notes": [dict(note_json(n), hidden=n.hidden) for n in own],
            "notes_left": max(0, spec.max_per_person - len(own)),
        }

    def _me_vote(self, key: str, pid: str, spec: VoteInput) -> dict[str, Any]:
        ballot = self.engine.state.votes.get(key, {}).get(pid, {})
        voted, _ = kind_views.shown_items(self, [t for t, dots in ballot.items() if dots])
        return {
            "ballot": dict(ballot),
            "voted": voted,  # shown though they may lie past the first page of targets
            "dots_left": max(0, spec.dots_per_person - sum(ballot.values())),
        }

    def _me_rating(self, key: str, pid: str, spec: RatingInput) -> dict[str, Any]:
        return {"rating": self.engine.state.ratings.get(key, {}).get(pid)}

    def state_bytes(self, participant_id: str) -> bytes:
        public = self.public(since=self._wrote.get(participant_id, 0))
        me = self.me(participant_id)
        # The view is only as new as its older part: a phone that took ``me.seq`` for the
        # whole view would ignore the next notice and keep showing a board from the cache
        # without the notes that notice was about.
        # A cache built after the last change to the public part is as new as the state
        # (votes and joins since leave it as it is): the phone's next delta starts there.
        if self._cache_seq < max(self.urgent_seq, self.bulk_seq):
            me["seq"] = min(me["seq"], self._cache_seq)
        return b'{"public":' + public + b',"me":' + dumps(me) + b"}"


# ---------------------------------------------------------------- the per-kind table

# ``spec`` is typed Any here: the table is looked up by ``spec.kind``, the discriminator of
# the step's input, so each method receives the spec class it is written for.
PublicPart = Callable[[Views, str, Any, StepState], dict[str, Any]]
PersonalPart = Callable[[Views, str, str, Any], dict[str, Any]]


@dataclass(frozen=True)
class KindView:
    """What a phone is shown for one input kind: the shared part and its own part."""

    public: PublicPart
    me: PersonalPart | None = None


KIND_VIEWS: dict[str, KindView] = {
    "notes": KindView(Views._public_notes, Views._me_notes),
    "canvas": KindView(Views._public_notes, Views._me_notes),
    "vote": KindView(Views._public_vote, Views._me_vote),
    "sort": KindView(kind_views.public_sort, kind_views.me_sort),
    "rank": KindView(rank_views.public_rank, rank_views.me_rank),
    "rating": KindView(Views._public_rating, Views._me_rating),
    "cluster": KindView(Views._public_cluster),
    "discussion": KindView(Views._public_discussion),
    "actions": KindView(kind_views.public_actions, kind_views.me_actions),
    "words": KindView(kind_views.public_words, kind_views.me_words),
    "questions": KindView(kind_views.public_questions, kind_views.me_questions),
    "requests": KindView(kind_views.public_requests, kind_views.me_requests),
    "review": KindView(review_views.public_review, review_views.me_review),
}
"""Input kind -> its view: the one place in the web layer that switches on the kind."""
