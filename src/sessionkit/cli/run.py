"""`sessionkit run PLAN` and `sessionkit` alone (the home screen).

Thin: finds the plan, makes the engine (:func:`build_session`, the one place to change
when the record store and the phone server are wired in) and hands it to the TUI.
Errors about the plan are printed before the TUI starts; once it runs, nothing here
prints (Textual owns the terminal).
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan

log = logging.getLogger(__name__)


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add ``run``."""
    run = subcommands.add_parser(
        "run",
        help="run a session plan in the terminal",
        description="Run a session plan: the agenda, the steps with their timers, the "
        "board of notes, clustering and votes, and a room view for the projector. PLAN is "
        "a plan id or the path of a plan file; a method id runs that method on its own.",
    )
    run.add_argument("plan", metavar="PLAN", nargs="?",
                     help="a plan id, a plan file, or a method id to run on its own")
    run.add_argument("--sample", action="store_true",
                     help="run a small built-in sample workshop (to try sessionkit out)")
    _add_library_options(run)
    run.set_defaults(handler=cmd_run)


def _add_library_options(parser: argparse.ArgumentParser) -> None:
    try:
        from sessionkit.cli.library import add_library_options
    except ImportError:  # the loader's CLI is not there yet
        return
    add_library_options(parser)


def _library(args: argparse.Namespace) -> Any:
    try:
        from sessionkit.cli.library import library_from_args
    except ImportError:
        from sessionkit.library import load_library
        return load_library()
    return library_from_args(args)


# ---------------------------------------------------------------- making the engine


def make_engine(plan: Plan, methods: dict[str, Method]) -> Engine:
    """The engine for a new run of ``plan``. In memory for now: no journal yet."""
    return Engine(plan, methods)


class PlanNotFound(Exception):
    """The PLAN argument names no usable plan or method; ``str()`` says why."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = details or []


def build_session(args: argparse.Namespace) -> Engine:
    """The engine for ``sessionkit run``: the one place a run is set up.

    Resolves PLAN (a plan id or file; else a method id, run on its own as a one-item
    plan). Raises :class:`PlanNotFound` with a message for a person.
    """
    if getattr(args, "sample", False):
        from sessionkit.tui.sample import sample_methods, sample_plan
        return make_engine(sample_plan(), sample_methods())
    if not args.plan:
        raise PlanNotFound("which plan? Give a plan id or file (`sessionkit plan` lists "
                           "them), or --sample")
    from sessionkit.library import LibraryError, resolve_method, resolve_plan

    library = _library(args)
    try:
        plan = resolve_plan(library, args.plan)
    except LibraryError as plan_error:
        looks_like_file = str(args.plan).endswith(".toml") or os.sep in str(args.plan)
        if not looks_like_file and args.plan in library.methods:
            from sessionkit.tui.adhoc import adhoc_plan
            method = resolve_method(library, args.plan)
            return make_engine(adhoc_plan(method), {method.id: method})
        raise PlanNotFound(plan_error.message,
                           [str(p) for p in plan_error.problems]) from None
    return make_engine(plan, library.timing_methods())


# ---------------------------------------------------------------- the record store


def _store_hooks() -> tuple[Callable[[], list[tuple[str, str, str]]] | None,
                            Callable[[str], Engine] | None, list[Any]]:
    """Listing and resuming unfinished runs through ``sessionkit.store``, if it is there.

    Returns ``(runs, resume, opened)``; ``opened`` collects the runs resumed, so they can
    be closed (snapshot written, lock released) when the app exits.
    """
    opened: list[Any] = []
    try:
        from sessionkit import store
        list_runs = store.list_runs
        open_run = store.open_run
    except (ImportError, AttributeError):
        return None, None, opened

    def runs() -> list[tuple[str, str, str]]:
        found = []
        for summary in list_runs():
            status = getattr(summary, "status", "")
            if status not in ("not started", "in progress"):
                continue
            title = getattr(summary, "plan_title", "") or getattr(summary, "plan_id", "")
            notes = getattr(summary, "notes", 0)
            found.append((summary.name, title, f"{status} · {notes} notes · {summary.name}"))
        return found

    def resume(ref: str) -> Engine:
        run = open_run(ref)
        opened.append(run)
        return run.engine

    return runs, resume, opened


# ---------------------------------------------------------------- commands


def _log_to_file() -> None:
    """While the TUI runs, log records go to $SESSIONKIT_LOG (if set), never the terminal."""
    path = os.environ.get("SESSIONKIT_LOG")
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(
                handler, logging.FileHandler):
            root.removeHandler(handler)
    if path:
        handler = logging.FileHandler(Path(path).expanduser(), encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    else:
        root.addHandler(logging.NullHandler())


def cmd_run(args: argparse.Namespace) -> int:
    import sys

    try:
        engine = build_session(args)
    except PlanNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        for detail in error.details:
            print(f"  {detail}", file=sys.stderr)
        return 1
    from sessionkit.tui import SessionkitApp

    _log_to_file()
    SessionkitApp(engine=engine).run()
    return 0


def home(args: argparse.Namespace) -> int:
    """No subcommand: the home screen (plans, methods, unfinished runs)."""
    from sessionkit.tui import SessionkitApp

    library = _library(args)
    runs, resume, opened = _store_hooks()
    _log_to_file()
    try:
        SessionkitApp(library=library, runs=runs, resume=resume,
                      new_session=make_engine).run()
    finally:
        for run in opened:
            try:
                run.close()
            except Exception:
                log.exception("closing %s", run)
    return 0
