"""`sessionkit plan`, and what every library command shares.

``check`` is :mod:`sessionkit.cli.check`; ``methods`` and ``show`` are
:mod:`sessionkit.cli.browse` and :mod:`sessionkit.cli.show`. Other CLI modules use
:func:`add_library_options` and :func:`library_from_args` so every command finds methods
and plans the same way.

Output goes through Rich with markup, emoji and highlighting off: text from method and
plan files is always wrapped in ``rich.text.Text`` (never parsed as markup, so
``[...]`` in a prompt is shown as written), and Rich drops colours and styles when the
output is not a terminal, so piped output is plain text.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from sessionkit.core.agenda import TimedAgenda, TimedDay, TimedItem, clock_text, room_times
from sessionkit.core.carried import carry_caption
from sessionkit.core.plan import Plan
from sessionkit.library import (
    Library,
    LibraryError,
    Problem,
    load_library,
    overrun_message,
    resolve_plan,
)

# ---------------------------------------------------------------- shared with other CLI modules


def add_library_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--methods DIR`` and ``--sessions DIR`` (both repeatable) to a subcommand."""
    group = parser.add_argument_group("library folders")
    group.add_argument(
        "--methods",
        metavar="DIR",
        action="append",
        default=[],
        type=Path,
        help="also read methods from DIR (repeatable; overrides methods with the same id)",
    )
    group.add_argument(
        "--sessions",
        metavar="DIR",
        action="append",
        default=[],
        type=Path,
        help="also read session plans from DIR (repeatable; overrides plans with the same id)",
    )


def library_from_args(args: argparse.Namespace, paths: Iterable[str | Path] = ()) -> Library:
    """Load the library: bundled, config file, current folder, then ``--methods``/``--sessions``."""
    return load_library(
        getattr(args, "methods", None) or (),
        getattr(args, "sessions", None) or (),
        paths,
    )


def console(stderr: bool = False) -> Console:
    """A Console that never interprets text as markup or emoji and adds no colours of its own."""
    return Console(stderr=stderr, markup=False, highlight=False, emoji=False)


def problem_text(problem: Problem, prefix: str = "") -> Text:
    """One problem as one line: location in bold, the rest plain."""
    text = Text(prefix)
    text.append(problem.where, style="bold")
    if problem.field:
        text.append(": ")
        text.append(problem.field, style="cyan")
    text.append(": ")
    text.append(problem.message)
    return text


def report_error(error: LibraryError) -> int:
    err = console(stderr=True)
    err.print(Text("error: ", style="bold red") + Text(error.message), soft_wrap=True)
    for problem in error.problems:
        err.print(problem_text(problem, "  "), soft_wrap=True)
    return 1


# ---------------------------------------------------------------- registration


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``plan`` (``check``, ``methods`` and ``show`` are their own modules')."""

    plan = subcommands.add_parser(
        "plan",
        help="show a session plan as a timed agenda",
        description="Show a session plan with the clock time of every item and step, and "
        "each day's total against the time available. An overrunning day is a warning.",
    )
    plan.add_argument(
        "plan",
        metavar="PLAN",
        nargs="?",
        help="a plan id, or the path of a plan file (none: list the plans)",
    )
    plan.add_argument(
        "--people",
        metavar="N",
        type=_people_count,
        help="time the steps that grow with the room for N people (default: the plan's "
        "expected_people, else a small room)",
    )
    add_library_options(plan)
    plan.set_defaults(handler=cmd_plan)


def _people_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of people, got {text!r}") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"expected 1 to 1000 people, got {value}")
    return value


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# ---------------------------------------------------------------- plan


def _hm(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest:02d} min" if rest else "")


def day_heading(day: TimedDay, plan: Plan) -> Text:
    text = Text(f"Day {day.index + 1}", style="bold")
    if day.date is not None:
        text.append(f" · {day.date:%a %d %b %Y}")
    if day.title:
        text.append(" · ")
        text.append(day.title)
    available = _hm(day.available_minutes)
    text.append(f" · {clock_text(day.start)}-{clock_text(day.end)} ({available} available)")
    return text


def _item_row(
    item: TimedItem, unknown: bool, agenda_people: int | None = None, tables: int | None = None
) -> list[Text]:
    title = Text(item.title, style="bold" if item.kind in ("method", "talk") else "italic")
    if item.kind == "talk":
        title.append("  (talk)", style="dim")
    if item.kind == "method":
        title.append(f" ({item.item.method})", style="dim")
        if unknown:
            title.append("  [unknown method]", style="red")
        elif item.method is not None and item.item.minutes is not None:
            room = sum(t.minutes for t in room_times(item.method, agenda_people, tables))
            if item.item.minutes != room:
                title.append(f"  steps scaled from {room} min", style="dim")
    return [
        Text(clock_text(item.start)),
        Text(clock_text(item.end)),
        Text(str(item.minutes)),
        title,
    ]


def render_agenda(plan: Plan, agenda: TimedAgenda, counted: str = "expected_people") -> Group:
    """The timed agenda; ``counted`` says where the people its steps are timed for came
    from (shown when some step grows with the room)."""
    parts: list[RenderableType] = []
    title = Text(plan.title, style="bold")
    title.append(f"  ({plan.id})", style="dim")
    parts.append(title)
    if plan.purpose:
        parts.append(Text(" ".join(plan.purpose.split())))
    if plan.facilitators:
        parts.append(Text("Facilitators: ", style="dim") + Text(", ".join(plan.facilitators)))
    if agenda.people:
        parts.append(
            Text(f"Steps that grow with the room are timed for {agenda.people} people ({counted}).")
        )
    for day in agenda.days:
        parts.append(Text(""))
        parts.append(day_heading(day, plan))
        table = Table(
            box=None, show_header=True, header_style="dim", pad_edge=False, padding=(0, 2, 0, 0)
        )
        table.add_column("start", no_wrap=True)
        table.add_column("end", no_wrap=True)
        table.add_column("min", justify="right", no_wrap=True)
        table.add_column("item")
        for item in day.items:
            unknown = item.kind == "method" and item.method is None
            table.add_row(*_item_row(item, unknown, agenda.people, plan.tables))
            if item.item.variation:
                table.add_row("", "", "", Text(f"  variation: {item.item.variation}", style="dim"))
            for n, timed in enumerate(item.steps):
                step_title = (
                    Text("  - ")
                    + Text(timed.step.title)
                    + Text(f"  ({timed.step.input.kind})", style="dim")
                )
                if item.carry is not None and item.carry.into == n:
                    step_title.append(
                        f"  on {carry_caption(agenda.items, f'{item.index}.{n}')}", style="dim"
                    )
                if timed.why:
                    step_title.append(f"  {timed.why}", style="dim")
                table.add_row(
                    Text(clock_text(timed.start), style="dim"),
                    Text(clock_text(timed.end), style="dim"),
                    Text(str(timed.minutes), style="dim"),
                    step_title,
                )
        parts.append(table)
        spare = day.available_minutes - day.planned_minutes
        total = Text(f"Planned {_hm(day.planned_minutes)} of {_hm(day.available_minutes)}; ")
        total.append(f"{_hm(spare)} spare" if spare >= 0 else f"{_hm(-spare)} over")
        parts.append(total)
        if day.overrun_minutes:
            parts.append(Text("Warning: " + overrun_message(day), style="bold yellow"))
    return Group(*parts)


def _list_plans(library: Library) -> int:
    """``sessionkit plan`` alone: the plans there are, with the id to type."""
    out = console()
    if not library.plans:
        out.print(Text("No session plans found. `sessionkit check` says where it looked."))
        return 0
    for plan_id, plan in sorted(library.plans.items()):
        line = Text(plan_id, style="bold")
        line.append(f"  {plan.title}")
        out.print(line, soft_wrap=True)
    out.print(Text("Show one with `sessionkit plan PLAN`.", style="dim"))
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    library = library_from_args(args)
    if args.plan is None:
        return _list_plans(library)
    try:
        plan = resolve_plan(library, args.plan)
    except LibraryError as error:
        return report_error(error)
    agenda = library.time(plan, args.people)
    console().print(render_agenda(plan, agenda, "--people" if args.people else "expected_people"))
    file = library.file_of(plan)
    problems = [p for p in (library.problems_for(file) if file else []) if p.code != "overrun"]
    if problems:
        err = console(stderr=True)
        err.print(Text("\nThis plan has problems:", style="bold red"))
        for problem in problems:
            err.print(problem_text(problem, "  "), soft_wrap=True)
        return 1
    return 0


__all__: Sequence[str] = (
    "add_library_options",
    "console",
    "library_from_args",
    "plural",
    "problem_text",
    "register",
    "render_agenda",
    "report_error",
)
