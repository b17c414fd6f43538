"""Wording and times shared by the human-readable exports (Markdown, HTML, CSV)."""

from __future__ import annotations

from sessionkit.core.record import Record, StepView, local_time, minutes_text
from sessionkit.core.redaction import removed_counts
from sessionkit.core.text import paragraphs

__all__ = [
    "clock_at",
    "iso_local",
    "paragraphs",
    "places",
    "plural",
    "removed_sentence",
    "step_caption",
    "who_voted",
]


def clock_at(timestamp: float | None) -> str:
    """``HH:MM`` in local time, or an empty string."""
    return "" if timestamp is None else local_time(timestamp).strftime("%H:%M")


def iso_local(timestamp: float | None) -> str:
    """``YYYY-MM-DDTHH:MM:SS`` in local time, or an empty string."""
    return "" if timestamp is None else local_time(timestamp).isoformat(timespec="seconds")


def places(counts: list[int]) -> list[str]:
    """Standings of results already sorted most first, ties shown as ties: ``[5, 2, 2,
    0, 0]`` -> ``["1", "=2", "=2", "=4", "=4"]`` (the next place after a tie skips, as in
    any league table)."""
    first = {count: counts.index(count) + 1 for count in counts}
    return [f"{'=' * (counts.count(c) > 1)}{first[c]}" for c in counts]


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 note``, ``3 notes``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def removed_sentence(record: Record) -> str:
    """How many texts the facilitator removed, and why, counted per reason code (the
    footer of the Markdown and HTML exports); empty when none was. Never the text."""
    counts = removed_counts(record.state)
    if not counts:
        return ""
    total = sum(counts.values())
    why = ", ".join(f"{reason}: {count}" for reason, count in counts.items())
    were = "was" if total == 1 else "were"
    return f"{plural(total, 'text')} {were} removed by the facilitator ({why})."


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


def who_voted(record: Record, key: str, total: int) -> str:
    """ "3 people placed 5 dots", with dots typed in from paper said apart: they are many
    people's, never one more voter (nor one voter over the budget)."""
    paper = record.paper_dots(key)
    people = plural(record.voters(key), "person", "people")
    if not paper:
        return f"{people} placed {plural(total, 'dot')}"
    return (
        f"{people} placed {plural(total - paper, 'dot')} on their phones, {paper} more from paper"
    )
