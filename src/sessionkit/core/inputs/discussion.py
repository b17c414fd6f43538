"""Discussion: nothing is collected; the facilitator may type a summary."""

from __future__ import annotations

from typing import Literal

from sessionkit.core.inputs.base import InputKind, InputSpec


class DiscussionInput(InputSpec):
    """Nothing is collected; the facilitator may type a summary."""

    kind: Literal["discussion"]
    summary: bool = True
    anonymous: bool = True
    """Only what a grouped discussion tells phones: ``false`` names who is together
    ("You are in group C with Ana and Bo"), so people can find each other."""

    def is_anonymous(self) -> bool:
        return self.anonymous

    def describe(self) -> str:
        return "discussion" + (" (the facilitator may type a summary)" if self.summary else "")

    def caption(self) -> str:
        return "discussion"


KIND = InputKind(name="discussion", order=60, spec=DiscussionInput)
