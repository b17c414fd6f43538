"""`sessionkit show`: one method in full, as a facilitator reads it before a session.

The care notes come first, safeguarding and accessibility at the top: they change how
the room is set up (who is the safeguarding lead, paper or large print, breaks), so they
are read before the steps, not found after them. Sources come last, each with its
licence, the attribution it asks for and what we changed, and a link nobody has
confirmed is marked as such.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from sessionkit.cli.library import (
    add_library_options,
    console,
    library_from_args,
    problem_text,
    report_error,
)
from sessionkit.core.method import Method
from sessionkit.library import LibraryError, resolve_method


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``show``."""
    show = subcommands.add_parser(
        "show",
        help="show one method in full",
        description="Show one method: its care notes (safeguarding and accessibility "
        "first), purpose, when to use it, steps with timings, materials, tips and sources "
        "with their licences.",
    )
    show.add_argument("method", metavar="METHOD", help="a method id, or the path of a method file")
    add_library_options(show)
    show.set_defaults(handler=cmd_show)


def _heading(title: str) -> Text:
    return Text("\n" + title, style="bold underline")


def _hanging(mark: Text | str, body: Text, indent: int = 2) -> Padding:
    """``mark`` then ``body``, with wrapped lines of the body lined up under its start."""
    grid = Table.grid(padding=0)
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(mark if isinstance(mark, Text) else Text(mark), body)
    return Padding(grid, (0, 0, 0, indent), expand=False)


def _indented(body: Text, indent: int = 2) -> Padding:
    return Padding(body, (0, 0, 0, indent), expand=False)


def _bullets(items: Iterable[str], numbered: bool = False) -> list[Padding]:
    return [_hanging(f"{n}. " if numbered else "- ", Text(item)) for n, item in enumerate(items, 1)]


def paragraphs(text: str) -> Text:
    """Hand-wrapped TOML text re-flowed: single newlines joined, blank lines kept."""
    chunks = [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", text.strip())]
    return Text("\n\n".join(c for c in chunks if c))


def _render_care(method: Method) -> list[RenderableType]:
    care = method.care
    parts: list[RenderableType] = [_heading("Care: read before the session")]
    for label, value in care.notes():
        parts.append(_hanging("- ", Text(f"{label}: ", style="bold") + paragraphs(value)))
    anonymity = (
        "Notes are anonymous by default."
        if care.anonymous_by_default
        else "Notes carry names by default."
    )
    parts.append(_hanging("- ", Text(anonymity)))
    return parts


def _render_steps(method: Method) -> list[RenderableType]:
    """Each step with its clock, input, prompt and facilitator notes."""
    parts: list[RenderableType] = []
    grows = any(step.scale is not None for step in method.steps)
    parts.append(
        _heading(
            f"Steps ({method.total_minutes} min in all"
            + (" for a small room; some grow with the room" if grows else "")
            + ")"
        )
    )
    clock = 0
    for n, step in enumerate(method.steps, 1):
        head = Text(step.title, style="bold")
        head.append(
            f"  {clock}-{clock + step.timebox} min ({step.timebox} min, {step.grouping.value})"
        )
        clock += step.timebox
        parts.append(Text(""))
        parts.append(_hanging(Text(f"{n}. ", style="bold"), head))
        body = [
            ("Input: ", Text(step.input.describe())),
            ("Prompt: ", Text(step.prompt)),
        ]
        if step.groups is not None:
            # a group's limit replaces the per-person one: say only the one that applies
            limit = getattr(step.input, "max_per_person", None)
            described = step.input.describe().replace(f"up to {limit} per person; ", "")
            body[0] = ("Input: ", Text(described))
            grouped = step.groups.describe(collects_notes=step.collects_notes)
            body.insert(1, ("Groups: ", Text(grouped)))
        if step.scale is not None:
            body.insert(1, ("Grows with the room: ", Text(step.scale.describe(step.timebox))))
        if step.facilitator_notes:
            body.append(("Facilitator: ", Text(step.facilitator_notes)))
        parts.extend(_hanging(Text(label, style="dim"), value, indent=5) for label, value in body)
    return parts


def _render_sources(method: Method) -> list[RenderableType]:
    parts: list[RenderableType] = [_heading("Sources")]
    for source in method.sources:
        head = Text(source.title, style="bold")
        if source.author:
            head += Text(f", {source.author}")
        head += Text(f" ({source.relation})")
        parts.append(_hanging("- ", head))
        for label, value in source.details():
            parts.append(_hanging(Text(f"{label}: ", style="dim"), Text(value), indent=4))
    return parts


def render_method(method: Method) -> Group:
    parts: list[RenderableType] = []
    title = Text(method.name, style="bold")
    title.append(f"  ({method.id})", style="dim")
    parts.append(title)
    d, g = method.duration, method.group_size
    parts.append(
        Text(
            f"{method.phase.value} · {d.min}-{d.max} min (typical {d.typical}) · "
            f"{g.min}-{g.max} people"
            + (f" · tags: {', '.join(method.tags)}" if method.tags else "")
        )
    )
    if d.note:
        parts.append(Text("Timing: ", style="dim") + Text(d.note))
    parts.append(Text(""))
    parts.append(Text(method.summary, style="italic"))
    parts.extend(_render_care(method))
    parts.append(_heading("Purpose"))
    parts.append(_indented(paragraphs(method.purpose)))
    for label, items in (
        ("When to use", method.when_to_use),
        ("When to avoid", method.when_to_avoid),
        ("Outputs", method.outputs),
    ):
        if items:
            parts.append(_heading(label))
            parts.extend(_bullets(items))
    if method.variables:
        parts.append(_heading("Variables (a plan can set these)"))
        for name, var in method.variables.items():
            line = Text(f"- {var.description}")
            if var.default:
                line += Text(f" (default: {var.default})")
            parts.append(_hanging(Text("{{" + name + "}} ", style="cyan"), line))
    parts.extend(_render_steps(method))
    for label, items, numbered in (
        ("Materials", method.materials, False),
        ("Preparation", method.preparation, True),
        ("Tips", method.tips, False),
    ):
        if items:
            parts.append(_heading(label))
            parts.extend(_bullets(items, numbered))
    if method.variations:
        parts.append(_heading("Variations"))
        for variation in method.variations:
            parts.append(
                _hanging(
                    "- ",
                    Text(variation.name, style="bold") + Text(": ") + Text(variation.description),
                )
            )
    if method.sources:
        parts.extend(_render_sources(method))
    p = method.provenance
    origin = (
        "Written in our own words" if p.text_origin == "original" else "Adapted from its sources"
    )
    parts.append(_heading("This text"))
    parts.append(_indented(Text(f"{origin}; licence {p.licence}.")))
    return Group(*parts)


def cmd_show(args: argparse.Namespace) -> int:
    library = library_from_args(args)
    try:
        method = resolve_method(library, args.method, allow_flawed=True)
    except LibraryError as error:
        return report_error(error)
    out = console()
    out.print(render_method(method))
    file = library.file_of(method)
    problems = library.problems_for(file) if file else []
    if problems:
        err = console(stderr=True)
        err.print(Text("\nThis method has problems:", style="bold yellow"))
        for problem in problems:
            err.print(problem_text(problem, "  "), soft_wrap=True)
        return 1
    return 0
