"""`sessionkit methods`, `show` and `plan`: the library from the command line.

Over 400 lines: three commands that share the library options and the Rich tables; to
be split one module per command (methods, show, plan), as `check` was
(:mod:`sessionkit.cli.check`).

Other CLI modules use :func:`add_library_options` and :func:`library_from_args` so every
command finds methods and plans the same way.

Output goes through Rich with markup, emoji and highlighting off: text from method and
plan files is always wrapped in ``rich.text.Text`` (never parsed as markup, so
``[...]`` in a prompt is shown as written), and Rich drops colours and styles when the
output is not a terminal, so piped output is plain text.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from sessionkit.core.agenda import TimedAgenda, TimedDay, TimedItem, clock_text, room_times
from sessionkit.core.carried import carry_caption
from sessionkit.core.method import (
    Method,
    Phase,
)
from sessionkit.core.plan import Plan
from sessionkit.library import (
    Library,
    LibraryError,
    Problem,
    load_library,
    overrun_message,
    resolve_method,
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
    """Add ``methods``, ``show`` and ``plan`` (``check`` is :mod:`sessionkit.cli.check`)."""
    methods = subcommands.add_parser(
        "methods",
        help="list the methods in the library",
        description="List the methods in the library as a table.",
    )
    methods.add_argument(
        "--phase", choices=[p.value for p in Phase], help="only methods of this phase"
    )
    methods.add_argument("--tag", help="only methods with this tag")
    add_library_options(methods)
    methods.set_defaults(handler=cmd_methods)

    show = subcommands.add_parser(
        "show",
        help="show one method in full",
        description="Show one method: purpose, when to use it, steps with timings, "
        "materials, tips, care notes and sources.",
    )
    show.add_argument("method", metavar="METHOD", help="a method id, or the path of a method file")
    add_library_options(show)
    show.set_defaults(handler=cmd_show)

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


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# ---------------------------------------------------------------- methods


_PHASE_ORDER = {phase.value: n for n, phase in enumerate(Phase)}


def cmd_methods(args: argparse.Namespace) -> int:
    out = console()
    library = library_from_args(args)
    methods = sorted(library.methods.values(), key=lambda m: (_PHASE_ORDER[m.phase.value], m.id))
    if args.phase:
        methods = [m for m in methods if m.phase.value == args.phase]
    if args.tag:
        methods = [m for m in methods if args.tag in m.tags]
    if methods:
        table = Table(
            box=box.SIMPLE_HEAD,
            header_style="bold",
            padding=(0, 1),
            pad_edge=False,
            show_edge=False,
        )
        id_width = max(len(m.id) for m in methods)
        # The id is what people type: it is never cut, whatever else has to give.
        table.add_column("id", no_wrap=True, style="cyan", min_width=id_width)
        # One line per method: the summary is cut to the terminal (`show` has it whole),
        # which keeps the library scannable at 80 columns.
        table.add_column("name", no_wrap=True, overflow="ellipsis", max_width=24)
        table.add_column("phase", no_wrap=True, min_width=len("discover"))
        table.add_column("min", justify="right", no_wrap=True, min_width=3)
        table.add_column("people", justify="right", no_wrap=True, min_width=6)
        name_width = min(24, max(len(m.name) for m in methods))
        # What the other columns leave: their widths plus three cells between columns
        # (a space of padding each side and the box's blank separator).
        room = out.width - (id_width + name_width + len("discover") + 3 + 6) - 5 * 3
        if room >= 20:
            table.add_column("summary", no_wrap=True, overflow="ellipsis", max_width=room)
        for m in methods:
            table.add_row(
                Text(m.id),
                Text(m.name),
                Text(m.phase.value),
                Text(str(m.duration.typical)),
                Text(f"{m.group_size.min}-{m.group_size.max}"),
                *([Text(m.summary)] if room >= 20 else []),
            )
        out.print(table)
    else:
        wanted = " and ".join(
            f"{k} '{v}'" for k, v in (("phase", args.phase), ("tag", args.tag)) if v
        )
        out.print(Text(f"no methods with {wanted}" if wanted else "no methods found"))
    if library.problems:
        bad = len({Path(p.file) for p in library.problems})
        console(stderr=True).print(
            Text(
                f"note: {_plural(bad, 'file')} in the library "
                f"{'has' if bad == 1 else 'have'} problems (run `sessionkit check`)"
            )
        )
    return 0


# ---------------------------------------------------------------- show


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
            body.insert(1, ("Groups: ", Text(step.groups.describe())))
        if step.scale is not None:
            body.insert(1, ("Grows with the room: ", Text(step.scale.describe(step.timebox))))
        if step.facilitator_notes:
            body.append(("Facilitator: ", Text(step.facilitator_notes)))
        parts.extend(_hanging(Text(label, style="dim"), value, indent=5) for label, value in body)
    return parts


def _render_care_and_sources(method: Method) -> list[RenderableType]:
    """Care notes for public-service settings, then where the method comes from."""
    parts: list[RenderableType] = []
    care = method.care
    notes = [
        ("Power dynamics", care.power_dynamics),
        ("Lived experience", care.lived_experience),
        ("Safeguarding", care.safeguarding),
        ("Accessibility", care.accessibility),
    ]
    parts.append(_heading("Care"))
    for label, value in notes:
        if value:
            parts.append(_hanging("- ", Text(f"{label}: ", style="bold") + Text(value)))
    parts.append(
        _hanging(
            "- ",
            Text(
                "Notes are anonymous by default."
                if care.anonymous_by_default
                else "Notes carry names by default."
            ),
        )
    )
    if method.sources:
        parts.append(_heading("Sources"))
        for source in method.sources:
            line = Text(source.title, style="bold")
            if source.author:
                line += Text(f", {source.author}")
            line += Text(f" ({source.relation}; licence: {source.licence or 'not stated'})")
            if source.url:
                line += Text(f" {source.url}")
            parts.append(_hanging("- ", line))
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
    parts.extend(_render_care_and_sources(method))
    p = method.provenance
    parts.append(_heading("This text"))
    parts.append(
        _indented(
            Text(
                (
                    "Written in our own words"
                    if p.text_origin == "original"
                    else "Adapted from its sources"
                )
                + f"; licence {p.licence}."
            )
        )
    )
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
    "problem_text",
    "register",
    "render_agenda",
    "render_method",
)
