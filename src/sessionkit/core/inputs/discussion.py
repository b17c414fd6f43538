"""Discussion: nothing is collected; the facilitator may type a summary."""

from __future__ import annotations

from typing import Literal

from sessionkit.core.inputs.base import InputKind, InputSpec


class DiscussionInput(InputSpec):
    """Nothing is collected; the facilitator may type a summary."""

    kind: Literal["discussion"]
    summary: bool = True

    def describe(self) -> str:
        return "discussion" + (" (the facilitator may type a summary)" if self.summary else "")

    def caption(self) -> str:
        return "discussion"


KIND = InputKind(name="discussion", order=60, spec=DiscussionInput)
