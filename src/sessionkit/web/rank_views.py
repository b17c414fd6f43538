"""What a phone is sent on a rank step (an entry of ``KIND_VIEWS``).

The items to rank or score (notes the room may not see yet are counted, not shown), and
once the facilitator closes the step, the points or the means (and the 2x2). Until then
nobody sees how others ranked, so nobody follows the crowd.
"""

from __future__ import annotations

from typing import Any

from sessionkit.core.inputs.rank import RankInput, rankings, scores
from sessionkit.core.inputs.rank_tally import people, quadrant_groups, rank_results, score_results
from sessionkit.core.state import StepState
from sessionkit.web.kind_views import Views, shown_items


def public_rank(views: Views, key: str, spec: RankInput, step_state: StepState) -> dict[str, Any]:
    engine = views.engine
    state = engine.state
    closed = step_state.vote == "closed"
    items, unseen = shown_items(views, engine.rank_targets(key))
    out: dict[str, Any] = {
        "input": {
            "kind": "rank",
            "mode": spec.mode,
            "top": spec.top,
            "criteria": [c.model_dump() for c in spec.criteria],
            "status": "closed" if closed else "open",
        },
        "items": items,
        "unseen": unseen,
    }
    if closed:
        shown = [str(i["id"]) for i in items]
        result: dict[str, Any] = {"kind": "rank", "people": people(state, key, spec)}
        if spec.mode == "rank":
            result["rows"] = [
                {"item": r.item, "points": r.points, "place": r.place}
                for r in rank_results(state, key, spec, shown)
                if r.item in shown
            ]
        else:
            rows = [r for r in score_results(state, key, spec, shown) if r.item in shown]
            result["rows"] = [
                {"item": r.item, "means": list(r.means), "counts": list(r.counts)} for r in rows
            ]
            result["quadrants"] = [
                {"name": name, "items": ids} for name, ids in quadrant_groups(spec, rows)
            ]
        out["results"] = result
    return out


def me_rank(views: Views, key: str, pid: str, spec: RankInput) -> dict[str, Any]:
    state = views.engine.state
    ranking = list(rankings(state, key).get(pid, []))
    given = {item: dict(v) for item, v in scores(state, key).get(pid, {}).items()}
    # Shown though they may lie past the first page of items.
    own, _ = shown_items(views, list(dict.fromkeys([*ranking, *given])))
    return {"ranking": ranking, "scores": given, "ranked_items": own}
