"""Wording and times shared by the human-readable exports (Markdown, HTML, CSV)."""

from __future__ import annotations

from sessionkit.core.record import StepView, local_time, minutes_text
from sessionkit.core.text import paragraphs

__all__ = ["clock_at", "iso_local", "paragraphs", "plural", "step_caption"]


def clock_at(timestamp: float | None) -> str:
    """``HH:MM`` in local time, or an empty string."""
    return "" if timestamp is None else local_time(timestamp).strftime("%H:%M")


def iso_local(timestamp: float | None) -> str:
    """``YYYY-MM-DDTHH:MM:SS`` in local time, or an empty string."""
    return "" if timestamp is None else local_time(timestamp).isoformat(timespec="seconds")


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 note``, ``3 notes``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def step_caption(view: StepView) -> str:
    """One line about a step: timing against the plan and what it collected."""
    parts = [f"planned {minutes_text(view.planned_minutes)}"]
    if view.current:
        parts.append("in progress")
    elif view.actual_minutes is not None:
        over = view.overrun_minutes or 0
        took = f"took {minutes_text(view.actual_minutes)}"
        if over:
            took += f" ({'+' if over > 0 else '−'}{minutes_text(abs(over))})"
        parts.append(took)
    else:
        parts.append("not run")
    if view.step is not None:
        parts.append(view.step.input.caption())
        if view.carried_from:
            parts.append(view.carried_from)
    elif view.kind == "discussion":  # an agenda item whose method is missing
        parts.append("discussion")
    elif view.kind == "talk":
        parts.append("talk")
    return " · ".join(parts)
