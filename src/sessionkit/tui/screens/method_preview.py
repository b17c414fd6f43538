"""The home screen's preview of a method: what ``sessionkit show`` says, shorter.

In the same order as ``show``: the care notes first (safeguarding and accessibility at
the top, as they change how the room is set up), then purpose, steps and the rest, and
the sources last with their licence, attribution and what we changed (``Source.details``,
shared with ``show``), an unconfirmed link marked so. All file text goes through
:mod:`sessionkit.tui.safe`, never parsed as markup.
"""

from __future__ import annotations

import re

from textual.content import Content

from sessionkit.core.method import Method, fill_variables
from sessionkit.tui.safe import literal, one_line


def reflow(text: str) -> str:
    """TOML multi-line strings keep the author's line breaks; a preview pane of another
    width reads better with paragraphs joined up again (blank lines kept)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def method_preview(method: Method) -> Content:
    defaults = {name: var.default for name, var in method.variables.items() if var.default}
    lines: list[Content] = [
        one_line(method.name, "bold"),
        literal(reflow(method.summary), "italic"),
        Content.styled(
            f"{method.phase.value} · {method.duration.typical} min "
            f"({method.duration.min}–{method.duration.max}) · "
            f"{method.group_size.min}–{method.group_size.max} people · "
            "enter runs it on its own",
            "dim",
        ),
    ]

    def heading(title: str) -> None:
        lines.append(Content(""))
        lines.append(Content.styled(title, "bold"))

    def bullets(title: str, items: list[str]) -> None:
        if items:
            heading(title)
            lines.extend(Content("• ") + literal(reflow(item)) for item in items)

    cares = method.care.notes()
    if cares:
        heading("Care: read before the session")
        for label, text in cares:
            lines.append(Content.styled(f"{label}: ", "italic") + literal(reflow(text)))
    lines.append(Content(""))
    lines.append(literal(reflow(method.purpose)))
    heading("Steps")
    for n, step in enumerate(method.steps, 1):
        lines.append(
            Content.assemble(
                f"{n}. ",
                one_line(step.title, "bold"),
                Content.styled(
                    f"  {step.timebox} min · {step.input.kind} · {step.grouping.value}", "dim"
                ),
            )
        )
        prompt = fill_variables(step.prompt, defaults)
        lines.append(Content("   ") + literal(reflow(prompt), "dim"))
    bullets("When to use", method.when_to_use)
    bullets("When to avoid", method.when_to_avoid)
    bullets("Materials", method.materials)
    bullets("Tips", method.tips)
    if method.sources:
        heading("Sources")
        for source in method.sources:
            by = f" ({source.author})" if source.author else ""
            lines.append(Content("• ") + one_line(f"{source.title}{by}, {source.relation}"))
            for label, text in source.details():
                lines.append(Content.styled(f"  {label}: ", "dim") + literal(reflow(text)))
    return Content("\n").join(lines)
