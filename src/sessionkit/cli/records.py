"""`sessionkit records`, `export`, `repair` and `purge`: the runs kept on this machine.

RUN is a run folder's name, a unique prefix of it (or of the run id at its end), or the
path of a run folder. ``--records DIR`` overrides where runs are kept (default:
``$SESSIONKIT_RECORDS``, else ``$XDG_DATA_HOME/sessionkit/records``, else
``~/.local/share/sessionkit/records``).

Every failure is one line on stderr and exit status 1; never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from sessionkit import store
from sessionkit.core.language import parse_language
from sessionkit.export import DEFAULT, FORMATS, format_named
from sessionkit.export.text import plural
from sessionkit.store.series import record_of


def _format_titles() -> str:
    """ "Markdown, HTML, CSV, JSON or TOML": the formats of the one table, for people."""
    *rest, last = [f.title for f in FORMATS.values()]
    return f"{', '.join(rest)} or {last}" if rest else last


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``records``, ``export``, ``repair`` and ``purge``."""
    records = subcommands.add_parser(
        "records",
        help="list the runs recorded on this machine",
        description="List recorded runs, newest first: plan, date, state and counts.",
    )
    add_records_option(records)
    records.set_defaults(handler=cmd_records)

    exporter = subcommands.add_parser(
        "export",
        help=f"export a run as {_format_titles()}",
        description="Write a run's record in one format. By default the file goes into the "
        "run's exports/ folder; its path is printed. Works mid-session and after a crash.",
    )
    exporter.add_argument(
        "run", metavar="RUN", help="run folder name, unique prefix of it, or path"
    )
    # No argparse choices: format_named also takes aliases (markdown, htm) and reports
    # an unknown format as one line, like every other error here.
    exporter.add_argument(
        "-f",
        "--format",
        default=DEFAULT,
        metavar="FORMAT",
        help=f"one of {', '.join(FORMATS)} (default: {DEFAULT})",
    )
    exporter.add_argument(
        "-o", "--output", metavar="PATH", help="file (or folder) to write; '-' writes to stdout"
    )
    exporter.add_argument(
        "--language",
        default="en",
        type=_language,
        metavar="LANGUAGE",
        help="the HTML export's language: en (English, the default), cy (Cymraeg) or "
        "cy+en (both, Welsh first); the other formats are English",
    )
    add_records_option(exporter)
    exporter.set_defaults(handler=cmd_export)

    repair = subcommands.add_parser(
        "repair",
        help="set aside the damaged lines of a run's record so the run can go on",
        description="Check a run's journal and snapshot and show what a repair sets aside: "
        "each line with its file, number and why, and the events that are lost. Changes "
        "nothing unless --apply is given. With --apply the lines are moved, unchanged, to "
        "journal.damaged-<time>.jsonl in the run folder (an unusable snapshot to "
        "snapshot.damaged-<time>.toml), the losses are recorded in repairs.toml and the "
        "run can be resumed. Every intact event is kept either way.",
        epilog="Exit status 0 when the check (or the repair) ran, damage found or not; 1 if "
        "the run cannot be found or read, is open in another sessionkit, or a write failed.",
    )
    repair.add_argument("run", metavar="RUN", help="run folder name, unique prefix of it, or path")
    repair.add_argument(
        "--apply",
        action="store_true",
        help="carry the repair out (default: only show what it would do)",
    )
    add_records_option(repair)
    repair.set_defaults(handler=cmd_repair)

    purge = subcommands.add_parser(
        "purge",
        help="delete a run and everything recorded in it",
        description="Delete a run folder: journal, snapshot and exports. Asks first; "
        "without a terminal to ask on, needs --yes.",
    )
    purge.add_argument("run", metavar="RUN", help="run folder name, unique prefix of it, or path")
    purge.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    add_records_option(purge)
    purge.set_defaults(handler=cmd_purge)


def add_records_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--records",
        metavar="DIR",
        type=Path,
        default=None,
        help=f"where runs are kept (default: {_shown_default()})",
    )


def _shown_default() -> str:
    try:
        return str(store.default_records_dir())
    except RuntimeError:  # no home directory
        return "$SESSIONKIT_RECORDS"


def _fail(message: str) -> int:
    Console(stderr=True, markup=False, highlight=False, emoji=False).print(
        Text("error: ", style="bold red") + Text(message), soft_wrap=True
    )
    return 1


def _warn(message: str) -> None:
    Console(stderr=True, markup=False, highlight=False, emoji=False).print(
        Text("warning: ", style="bold yellow") + Text(message), soft_wrap=True
    )


# ---------------------------------------------------------------- records


def _date(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return dt.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _cells(summary: store.RunSummary) -> tuple[str, ...]:
    return (
        summary.name,
        summary.plan_title or summary.plan_id,
        _date(summary.created_at),
        summary.status,
        str(summary.notes),
        str(summary.participants),
        str(summary.events),
    )


_STATE_STYLES = {"ended": "", "in progress": "green", "not started": "dim"}
# What the wide layout needs beside the run name: plan (at least 16), date, state, three
# counts, and the padding between seven columns.
_WIDE_EXTRA = 16 + 16 + 11 + 3 * 6 + 7 * 3


def records_table(runs: list[store.RunSummary], width: int) -> Table:
    """The listing for a terminal ``width`` columns wide.

    The run name is what people type after ``resume`` or ``export``, so it is never cut:
    it folds onto a second line only when the terminal is narrower than the name. Wide
    terminals get a column each; narrow ones put the plan and the counts under the name.
    """
    longest = max((len(s.name) for s in runs), default=3)
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    if width >= longest + _WIDE_EXTRA:
        table.add_column("run", no_wrap=True, min_width=longest)
        table.add_column("plan", ratio=1)
        for name in ("date", "state"):
            table.add_column(name, no_wrap=True)
        for name in ("notes", "people", "events"):
            table.add_column(name, justify="right", no_wrap=True)
        for summary in runs:
            run, plan, date, state, *counts = _cells(summary)
            status = Text(state, style=_STATE_STYLES.get(state, "red"))
            table.add_row(Text(run), Text(plan), Text(date), status, *map(Text, counts))
        return table
    table.add_column("run", overflow="fold", ratio=1)
    table.add_column("state", no_wrap=True)
    for summary in runs:
        run, plan, _date_shown, state, *_counts = _cells(summary)
        people = plural(summary.participants, "person", "people")
        detail = Text(f"{plan} · {plural(summary.notes, 'note')} · {people}", style="dim")
        table.add_row(
            Group(Text(run), Padding(detail, (0, 0, 0, 2))),
            Text(state, style=_STATE_STYLES.get(state, "red")),
        )
    return table


def cmd_records(args: argparse.Namespace) -> int:
    folder = args.records or store.default_records_dir()
    try:
        runs = store.list_runs(folder)
    except store.RecordError as error:
        return _fail(str(error))
    out = Console(markup=False, highlight=False, emoji=False)
    if not runs:
        print(f"No runs in {folder}.")
        return 0
    columns = ("run", "plan", "date", "state", "notes", "people", "events")
    rows = [_cells(s) for s in runs]
    if not sys.stdout.isatty():
        # Piped: plain tab-separated lines a script can cut.
        print("\t".join(columns))
        for row in rows:
            print("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row))
    else:
        out.print(records_table(runs, out.width))
        out.print(Text(f"{len(runs)} run{'s' if len(runs) != 1 else ''} in {folder}", style="dim"))
    for summary in runs:
        if summary.problem:
            _warn(f"{summary.name}: {summary.problem}")
    return 0


# ---------------------------------------------------------------- export


def _open_for_export(ref: str, records: Path | None) -> store.Run:
    try:
        run = store.open_run(ref, records, read_only=True)
    except store.DamagedRecord as damaged:
        _warn(str(damaged))
        run = damaged.run
    for warning in run.warnings:
        _warn(warning)
    return run


def _target(run: store.Run, fmt_extension: str, output: str | None) -> Path | None:
    name = f"{run.name}.{fmt_extension}"
    if output is None:
        return run.exports_dir / name
    if output == "-":
        return None
    path = Path(output).expanduser()
    if path.is_dir():
        return path / name
    return path


def _language(text: str) -> str:
    try:
        return parse_language(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_export(args: argparse.Namespace) -> int:
    try:
        fmt = format_named(args.format)
    except ValueError as error:
        return _fail(str(error))
    try:
        run = _open_for_export(args.run, args.records)
    except store.RecordError as error:
        return _fail(str(error))
    try:
        contents = fmt.bytes_of(record_of(run), args.language)  # with what its series removed since
    except Exception as error:  # one line, never a traceback
        return _fail(f"could not export {run.name} as {fmt.name}: {type(error).__name__}: {error}")
    target = _target(run, fmt.extension, args.output)
    if target is None:  # stdout: UTF-8 whatever the locale, without the BOM
        if fmt.binary and sys.stdout.isatty():
            return _fail(f"a {fmt.title} file would garble the terminal: use -o FILE or a pipe")
        sys.stdout.flush()
        sys.stdout.buffer.write(contents.removeprefix("\ufeff".encode()))
        sys.stdout.buffer.flush()
        return 0
    try:
        if args.output is None:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not target.parent.is_dir():
            return _fail(f"cannot write {target}: the folder {target.parent} does not exist")
        store.atomic_write(target, contents, mode=0o644 & ~_umask())
    except OSError as error:
        return _fail(f"cannot write {target}: {error.strerror or error}")
    print(target)
    return 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- repair


def _lost(seqs: tuple[int, ...]) -> str:
    return ("event " if len(seqs) == 1 else "events ") + ", ".join(map(str, seqs))


def _show_repair(repair: store.Repair) -> None:
    for finding in repair.lines:
        print(f"  {finding.file.name} line {finding.line}: {finding.reason}")
    if repair.snapshot is not None:
        where = f" line {repair.snapshot.line}" if repair.snapshot.line else ""
        print(f"  {repair.snapshot.file.name}{where}: {repair.snapshot.reason}")
    if repair.lost:
        print(f"  lost: {_lost(repair.lost)}")


def cmd_repair(args: argparse.Namespace) -> int:
    try:
        folder = store.resolve_run(args.run, args.records)
    except store.RecordError as error:
        return _fail(str(error))

    def named(message: str) -> str:
        return message if folder.name in message else f"{folder.name}: {message}"

    try:
        repair = (store.apply_repair if args.apply else store.plan_repair)(folder)
    except store.RecordError as error:
        return _fail(named(str(error)))
    except OSError as error:
        return _fail(
            named(
                f"the repair could not be finished ({error.strerror or error}); "
                "what it had done is kept and it can be run again"
            )
        )
    if not repair.needed:
        print(f"{folder.name}: nothing to repair.")
        return 0
    if not args.apply:
        print(f"{folder.name}: a repair would set aside:")
        _show_repair(repair)
        print(
            f"Nothing was changed. `sessionkit repair {folder.name} --apply` sets these "
            f"aside ({repair.kept} journal lines stay); every intact event is kept."
        )
        return 0
    print(f"{folder.name}: repaired; set aside:")
    _show_repair(repair)
    done = []
    if repair.journal_aside is not None:
        done.append(f"the lines are in {repair.journal_aside.name}")
    if repair.snapshot_aside is not None:
        done.append(f"the old snapshot is {repair.snapshot_aside.name}")
    if repair.lost:
        done.append(f"{_lost(repair.lost)} recorded as lost in {store.REPAIRS_FILE}")
    summary = "; ".join(done)
    print(
        summary[:1].upper()
        + summary[1:]
        + (". " if done else "")
        + f"The run can go on: `sessionkit resume {folder.name}`."
    )
    return 0


# ---------------------------------------------------------------- purge


def cmd_purge(args: argparse.Namespace) -> int:
    try:
        folder = store.resolve_run(args.run, args.records)
    except store.RecordError as error:
        return _fail(str(error))
    if not args.yes:
        if not sys.stdin.isatty():
            return _fail(
                f"not deleting {folder.name} without confirmation: run in a terminal, or add --yes"
            )
        try:
            answer = input(
                f"Delete {folder} and everything recorded in it? "
                "This cannot be undone. Type 'yes' to delete: "
            )
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("yes", "y"):
            print("Nothing deleted.")
            return 1
    try:
        store.purge_run(folder)
    except store.RecordError as error:
        return _fail(str(error))
    print(f"Deleted {folder}")
    return 0
