"""`sessionkit series` (the series, their runs and open actions; a series' export) and
`sessionkit actions` (every action, across runs and series).

Thin: the store finds the series and follows the actions; the export writes the files.
Rich tables in a terminal, plain tab-separated lines when piped; problems go to stderr
as warnings and never stop a listing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sessionkit import store
from sessionkit.cli.records import _fail, _umask, _warn, add_records_option
from sessionkit.core.series import SeriesAction
from sessionkit.store.series import Series, all_series, join_series, open_series


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``series`` and ``actions``."""
    series = subcommands.add_parser(
        "series",
        help="list series of runs, or show and export one",
        description="A series is the runs started with the same --series NAME (or chosen "
        "on the home screen): a group meeting again, its open actions reviewed each time. "
        "With no NAME, list every series with its runs, dates and open actions; with NAME, "
        "show that series' runs and actions; --export writes its Markdown and HTML "
        "document, a CSV of every action's status history and an iCalendar file of due dates; "
        "--add RUN puts a run begun without --series into NAME (its actions then come up "
        "for review in the series' next run).",
    )
    series.add_argument("name", metavar="NAME", nargs="?", help="the series to show")
    series.add_argument(
        "--export",
        action="store_true",
        help="write NAME.md, NAME.html, NAME-actions.csv and NAME-actions.ics",
    )
    series.add_argument(
        "--output",
        "-o",
        metavar="DIR",
        type=Path,
        help="the folder to write them in (default: <records>/series-exports/NAME)",
    )
    series.add_argument(
        "--add",
        metavar="RUN",
        help="put this run (a folder name, unique prefix or path) into series NAME",
    )
    add_records_option(series)
    series.set_defaults(handler=cmd_series)

    actions = subcommands.add_parser(
        "actions",
        help="list the actions of every series (or one), with their status",
        description="Every action agreed in a run of a series, as it stands after the "
        "last run that reviewed it: what, who, by when, its status and where it was agreed.",
    )
    actions.add_argument("--series", metavar="NAME", help="only this series")
    actions.add_argument(
        "--open", action="store_true", help="only actions still open (not done or dropped)"
    )
    add_records_option(actions)
    actions.set_defaults(handler=cmd_actions)


def _console() -> Console:
    return Console(markup=False, highlight=False, emoji=False)


def _plain(rows: Sequence[Sequence[str]]) -> None:
    for row in rows:
        print("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row))


def _warnings(found: Sequence[Series]) -> None:
    for warning in dict.fromkeys(w for series in found for w in series.warnings):
        _warn(warning)


def _load(args: argparse.Namespace) -> list[Series] | int:
    try:
        if getattr(args, "name", None) or getattr(args, "series", None):
            return [open_series(args.name if hasattr(args, "name") else args.series, args.records)]
        return list(all_series(args.records).values())
    except store.RecordError as error:
        return _fail(str(error))


# ---------------------------------------------------------------- series


def _add(args: argparse.Namespace) -> int:
    if not args.name:
        return _fail("which series? `sessionkit series NAME --add RUN` puts RUN into NAME")
    if args.export:
        return _fail("--add and --export are separate steps: add the run, then export")
    try:
        run = join_series(args.add, args.name, args.records)
    except store.RecordError as error:
        return _fail(str(error))
    print(f"{run.name} is in series {run.engine.series}")
    return 0


def cmd_series(args: argparse.Namespace) -> int:
    if args.add is not None:
        return _add(args)
    if args.export and not args.name:
        return _fail("which series? Give its NAME to export it (`sessionkit series` lists them)")
    found = _load(args)
    if isinstance(found, int):
        return found
    if not found:
        print("No series yet: start one with `sessionkit run PLAN --series NAME`.")
        return 0
    if args.export:
        return _export(found[0], args)
    columns = ("series", "run", "date", "plan", "state", "actions", "open")
    rows = [
        (
            series.name,
            run.name,
            run.date,
            run.record.plan.title,
            run.record.status,
            str(sum(1 for a in series.actions if a.origin.run == run.run_id)),
            str(sum(1 for a in series.open_actions if a.origin.run == run.run_id)),
        )
        for series in found
        for run in series.runs
    ]
    if not sys.stdout.isatty():
        print("\t".join(columns))
        _plain(rows)
    else:
        out = _console()
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        for column in columns:
            table.add_column(column, justify="right" if column in ("actions", "open") else "left")
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        out.print(table)
        for series in found:
            open_ = len(series.open_actions)
            out.print(
                Text(
                    f"{series.name}: {len(series.runs)} run{'s' * (len(series.runs) != 1)}, "
                    f"{open_} open action{'s' * (open_ != 1)}",
                    style="dim",
                )
            )
    _warnings(found)
    return 0


def _export(series: Series, args: argparse.Namespace) -> int:
    from sessionkit.export.series import series_files

    records = Path(args.records) if args.records else store.default_records_dir()
    folder = args.output or records / "series-exports" / series.name
    files = series_files(series.name, series.runs, series.actions)
    names = {"md": "", "html": "", "csv": "-actions", "ics": "-actions"}
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for extension, text in files.items():
            target = folder / f"{series.name}{names[extension]}.{extension}"
            store.atomic_write(target, text.encode("utf-8"), mode=0o644 & ~_umask())
            print(target)
    except OSError as error:
        return _fail(f"cannot write the series export in {folder}: {error.strerror or error}")
    _warnings([series])
    return 0


# ---------------------------------------------------------------- actions


def _action_row(series: Series, action: SeriesAction) -> tuple[str, ...]:
    origin = action.origin
    where = ", ".join(p for p in (origin.date, origin.plan, origin.item) if p)
    return (
        series.name,
        action.status,
        action.what,
        action.who or "",
        action.due or "",
        where + (f" (from: {origin.source})" if origin.source else ""),
    )


def cmd_actions(args: argparse.Namespace) -> int:
    found = _load(args)
    if isinstance(found, int):
        return found
    rows = [
        _action_row(series, action)
        for series in found
        for action in (series.open_actions if args.open else series.actions)
    ]
    if not rows:
        print("No open actions." if args.open else "No actions in any series yet.")
        _warnings(found)
        return 0
    columns = ("series", "status", "what", "who", "due", "agreed")
    if not sys.stdout.isatty():
        print("\t".join(columns))
        _plain(rows)
    else:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False)
        for column in columns:
            table.add_column(column, overflow="fold", ratio=3 if column == "what" else None)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        _console().print(table)
    _warnings(found)
    return 0
