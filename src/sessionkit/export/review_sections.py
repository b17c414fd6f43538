"""The Markdown and HTML sections of a review step: each carried action, where it had
got to before, where it is now, and what was learned (entries of both ``SECTIONS``)."""

from __future__ import annotations

import html
from collections.abc import Callable

from sessionkit.core.inputs.review import origin_text, reviewed
from sessionkit.core.record import Record, StepView
from sessionkit.core.state import ReviewedAction


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _before(action: ReviewedAction) -> str:
    """Its status when this run began (the last change an earlier run made)."""
    earlier = [change.status for change in action.history if change.run]
    return earlier[-1] if earlier else "open"


def _now(action: ReviewedAction) -> list[str]:
    """The changes this run made, in order (``in progress → done``)."""
    return [change.status for change in action.history if not change.run]


def markdown_section(
    escape: Callable[[str], str],
) -> Callable[[Record, StepView, dict[str, int]], list[str]]:
    """The Markdown section, with the Markdown module's escape for untrusted text."""

    def section(record: Record, view: StepView, dots: dict[str, int]) -> list[str]:
        actions = reviewed(record.state)
        if not actions:
            return ["*No open actions came in from earlier runs.*"]
        out: list[str] = []
        for action in actions:
            changes = _now(action)
            moved = " → ".join([_before(action), *changes]) if changes else "not looked at"
            facts = [f for f in (action.who or "", f"by {action.due}" if action.due else "") if f]
            out.append(
                f"- **{escape(action.status)}**: {escape(action.what)}"
                + (f" ({escape(', '.join(facts))})" if facts else "")
            )
            out.append(f"  - {escape(origin_text(action))}; here: {escape(moved)}")
            for note in action.learned:
                if not note.run:
                    out.append(f"  - Learned: {escape(note.text)}")
        return out

    return section


def html_section(record: Record, view: StepView, dots: dict[str, int]) -> str:
    actions = reviewed(record.state)
    if not actions:
        return '<p class="empty">No open actions came in from earlier runs.</p>'
    items = []
    for action in actions:
        changes = _now(action)
        moved = " → ".join([_before(action), *changes]) if changes else "not looked at"
        facts = ", ".join(
            f for f in (action.who or "", f"by {action.due}" if action.due else "") if f
        )
        learned = "".join(
            f'<li dir="auto">{e(note.text)}</li>' for note in action.learned if not note.run
        )
        items.append(
            f'<li><span class="owner">{e(action.status)}</span><span class="text" dir="auto">'
            f"{e(action.what)}<small>{e(facts + ' · ' if facts else '')}{e(origin_text(action))}"
            f"; here: {e(moved)}</small>"
            + (f"<ul>{learned}</ul>" if learned else "")
            + "</span></li>"
        )
    return f'<ul class="actions">{"".join(items)}</ul>'
