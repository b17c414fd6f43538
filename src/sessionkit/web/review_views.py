"""What a phone is sent on a review step (the ``review`` entry of ``KIND_VIEWS``).

Every carried action with its status and what was learned in this run; the phone sends
an action's id back to mark it or add a note, but never shows the id. Who wrote a
learning note is never sent.
"""

from __future__ import annotations

from typing import Any

from sessionkit.core.inputs.review import ReviewInput, origin_text, reviewed
from sessionkit.core.state import StepState
from sessionkit.web.kind_views import Views


def public_review(
    views: Views, key: str, spec: ReviewInput, step_state: StepState
) -> dict[str, Any]:
    state = views.engine.state
    return {
        "input": {"kind": "review", "who_can_mark": spec.who_can_mark},
        "series": state.series,
        "reviews": [
            {
                "id": a.id,
                "what": a.what,
                "who": a.who,
                "due": a.due,
                "origin": origin_text(a),
                "status": a.status,
                "learned": [note.text for note in a.learned if not note.run],
                **({"redacted": True} if a.redacted else {}),  # the reason stays here
            }
            for a in reviewed(state)
        ],
    }


def me_review(views: Views, key: str, pid: str, spec: ReviewInput) -> dict[str, Any]:
    state = views.engine.state
    mine = sum(
        1 for a in state.reviews.values() for n in a.learned if n.author == pid and not n.run
    )
    return {"learned_left": max(0, spec.max_notes_per_person - mine)}
