"""`sessionkit check`: every problem, warning and note of the library's files.

A problem makes the command fail (exit 1). A warning (a method whose steps do not add up
to its typical length, a plan whose steps outgrow it for its ``expected_people``) is
shown and counted, and the check still passes: the file works, but says one thing and
does another. A note is only worth knowing (an override, an explained difference).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text

from sessionkit.cli.library import (
    add_library_options,
    console,
    library_from_args,
    plural,
    problem_text,
)
from sessionkit.core.language import welsh_gaps
from sessionkit.library import Library, Problem, bundled_dirs


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = subcommands.add_parser(
        "check",
        help="check methods and session plans for mistakes",
        description="Check method and session plan files. With no PATH, checks the whole "
        "library (bundled, config folders, ./methods and ./sessions, --methods/--sessions). "
        "Exits 1 if any problem is found; warnings are shown and counted but do not fail.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="files or folders to check (default: the whole library)",
    )
    add_library_options(check)
    check.set_defaults(handler=cmd_check)


def _under(path: Path, roots: list[Path]) -> bool:
    try:
        resolved = Path(path).resolve()
    except OSError:
        return False
    return any(resolved == root or root in resolved.parents for root in roots)


def welsh_lines(library: Library) -> list[Text]:
    """Which bundled methods lack Welsh for some participant-facing text (title, prompt,
    labels), so a facilitator running in Welsh knows where the phones will show English.
    Not a warning: English is always there to fall back on."""
    bundled = bundled_dirs()[0].resolve()
    lacking = []
    for key, method in sorted(library.methods.items()):
        path = library.method_paths.get(key)
        if path is not None and Path(path).resolve().parent == bundled:
            gaps = welsh_gaps(method)
            if gaps:
                lacking.append(f"{key} ({plural(len(gaps), 'text')})")
    if not lacking:
        return [Text("Welsh: every bundled method has Welsh for its participants' texts")]
    return [
        Text(
            f"Welsh: {plural(len(lacking), 'bundled method')} "
            f"{'lacks' if len(lacking) == 1 else 'lack'} Welsh for some "
            "participant-facing texts (phones show the English there): " + ", ".join(lacking),
            style="dim",
        )
    ]


def cmd_check(args: argparse.Namespace) -> int:
    out = console()
    paths: list[Path] = list(args.paths)
    library = library_from_args(args, paths)
    problems, warnings, notes = library.problems, library.warnings, library.notes
    files = library.files
    if paths:
        roots = [p.resolve() for p in paths]
        files = {f: k for f, k in files.items() if _under(f, roots)}
        problems = [p for p in problems if _under(p.file, roots)]
        warnings = [w for w in warnings if _under(w.file, roots)]
        notes = [n for n in notes if _under(n.file, roots)]
        for path in paths:
            if path.is_dir() and not any(_under(f, [path.resolve()]) for f in files):
                problems.append(Problem(path, None, "", "has no .toml files", code="file"))
    for problem in problems:
        out.print(problem_text(problem), soft_wrap=True)
    for warning in warnings:
        out.print(Text("warning: ", style="yellow") + problem_text(warning), soft_wrap=True)
    for note in notes:
        out.print(problem_text(note, "note: "), soft_wrap=True)
    if not paths:
        for line in welsh_lines(library):
            out.print(line, soft_wrap=True)
    methods = sum(1 for kind in files.values() if kind == "method")
    plans = sum(1 for kind in files.values() if kind == "plan")
    counted = f"{plural(methods, 'method')} and {plural(plans, 'plan')}"
    warned = f", {plural(len(warnings), 'warning')}" if warnings else ""
    if problems:
        bad_files = len({Path(p.file) for p in problems})
        out.print(
            Text(
                f"{plural(len(problems), 'problem')} in {plural(bad_files, 'file')}{warned} "
                f"({counted} checked)",
                style="bold red",
            )
        )
        return 1
    style = "yellow" if warnings else "green"
    out.print(Text(f"{counted}, no problems{warned}", style=style))
    return 0
