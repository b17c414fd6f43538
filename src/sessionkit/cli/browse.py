"""`sessionkit methods`: the method library as a table, filtered by phase, tag, input
kind or licence.

A filter value nobody uses is an error that lists the values there are (a typo should not
look like an empty library); a known value no method has is an empty table that says so.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable
from pathlib import Path

from rich import box
from rich.table import Table
from rich.text import Text

from sessionkit.cli.library import (
    add_library_options,
    console,
    library_from_args,
    plural,
)
from sessionkit.core.citations import licence_key
from sessionkit.core.inputs import KINDS
from sessionkit.core.method import Method, Phase

_PHASE_ORDER = {phase.value: n for n, phase in enumerate(Phase)}


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``methods``."""
    methods = subcommands.add_parser(
        "methods",
        help="list the methods in the library",
        description="List the methods in the library as a table.",
    )
    methods.add_argument(
        "--phase", choices=[p.value for p in Phase], help="only methods of this phase"
    )
    methods.add_argument("--tag", help="only methods with this tag")
    methods.add_argument(
        "--kind",
        metavar="KIND",
        help=f"only methods with a step of this input kind ({', '.join(KINDS)})",
    )
    methods.add_argument(
        "--licence",
        metavar="LICENCE",
        help="only methods whose text is under this licence, e.g. 'CC BY-SA 4.0' or "
        "cc-by-sa-4.0 (any case)",
    )
    add_library_options(methods)
    methods.set_defaults(handler=cmd_methods)


def _unknown(option: str, nothing: str, value: str, known: list[str], there_are: str) -> int:
    """Say that ``value`` is none of ``known`` (and which it is close to); exit status 2,
    as argparse gives for a wrong choice."""
    close = difflib.get_close_matches(value, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    console(stderr=True).print(
        Text("error: ", style="bold red")
        + Text(f"{option}: {nothing} '{value}'{hint}; {there_are}: {', '.join(known)}"),
        soft_wrap=True,
    )
    return 2


def _filters(
    args: argparse.Namespace, methods: list[Method]
) -> list[Callable[[Method], bool]] | int:
    """One test per filter given, or the exit status after saying a kind or licence is
    not one there is."""
    tests: list[Callable[[Method], bool]] = []
    if args.phase:
        tests.append(lambda m: m.phase.value == args.phase)
    if args.tag:
        tests.append(lambda m: args.tag in m.tags)
    if args.kind:
        kind = args.kind.strip().casefold()
        if kind not in KINDS:
            return _unknown(
                "--kind", "no input kind", args.kind, list(KINDS), "the input kinds are"
            )
        tests.append(lambda m: any(step.input.kind == kind for step in m.steps))
    if args.licence:
        wanted = licence_key(args.licence)
        in_use = sorted({m.provenance.licence for m in methods}, key=str.casefold)
        if wanted not in {licence_key(name) for name in in_use}:
            return _unknown(
                "--licence",
                "no method's text is under",
                args.licence,
                in_use,
                "the licences in use are",
            )
        tests.append(lambda m: licence_key(m.provenance.licence) == wanted)
    return tests


def cmd_methods(args: argparse.Namespace) -> int:
    out = console()
    library = library_from_args(args)
    methods = sorted(library.methods.values(), key=lambda m: (_PHASE_ORDER[m.phase.value], m.id))
    tests = _filters(args, methods)
    if isinstance(tests, int):
        return tests
    methods = [m for m in methods if all(test(m) for test in tests)]
    if methods:
        out.print(_table(methods, out.width))
    else:
        given = (
            ("phase", args.phase),
            ("tag", args.tag),
            ("a step of kind", args.kind),
            ("licence", args.licence),
        )
        wanted = " and ".join(f"{k} '{v}'" for k, v in given if v)
        out.print(Text(f"no methods with {wanted}" if wanted else "no methods found"))
    if library.problems:
        bad = len({Path(p.file) for p in library.problems})
        console(stderr=True).print(
            Text(
                f"note: {plural(bad, 'file')} in the library "
                f"{'has' if bad == 1 else 'have'} problems (run `sessionkit check`)"
            )
        )
    return 0


def _table(methods: list[Method], width: int) -> Table:
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
    room = width - (id_width + name_width + len("discover") + 3 + 6) - 5 * 3
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
    return table
