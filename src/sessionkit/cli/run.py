"""`sessionkit run PLAN` and `sessionkit` alone (the home screen).

Thin: finds the plan, makes the run through :class:`sessionkit.live.Live` (its record
folder and journal, and the phone server once the app shows it) and hands it to the
TUI. Errors about the plan are printed before the TUI starts; once it runs, nothing here
prints (Textual owns the terminal).
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sessionkit.core.engine import Engine
from sessionkit.core.language import parse_language
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.live import Live, ServerOptions
from sessionkit.netaddr import WIFI_PASSWORD_ENV, WifiNetwork, wifi_problem

log = logging.getLogger(__name__)


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run``."""
    run = subcommands.add_parser(
        "run",
        help="run a session plan in the terminal",
        description="Run a session plan: the agenda, the steps with their timers, the "
        "board of notes, clustering and votes, and a room view for the projector. PLAN is "
        "a plan id or the path of a plan file; a method id runs that method on its own.",
    )
    run.add_argument(
        "plan",
        metavar="PLAN",
        nargs="?",
        help="a plan id, a plan file, or a method id to run on its own",
    )
    run.add_argument(
        "--sample",
        action="store_true",
        help="run a small built-in sample workshop (to try sessionkit out)",
    )
    run.add_argument(
        "--series",
        metavar="NAME",
        help="the series this run belongs to (e.g. knot-2026): the open actions of the "
        "series' earlier runs are loaded for a review step, and `sessionkit series` lists it",
    )
    run.add_argument(
        "--start-timers",
        action="store_true",
        help="start each step's countdown as the step starts (a plan's timer_autostart; "
        "A turns it on or off during the run)",
    )
    care = run.add_argument_group("safeguarding")
    care.add_argument(
        "--safeguarding-lead",
        metavar="NAME",
        help="who people tell if they are worried about someone's safety (name, and role "
        "if it helps); shown on every phone, instead of the plan's [safeguarding] lead",
    )
    care.add_argument(
        "--safeguarding-contact",
        metavar="TEXT",
        help="how to reach the safeguarding lead during the session (shown on phones "
        "with the name; not kept in exports)",
    )
    _add_library_options(run)
    _add_live_options(run)
    run.set_defaults(handler=cmd_run)

    resume = subcommands.add_parser(
        "resume",
        help="continue an unfinished run in the terminal",
        description="Reopen a run (after closing the app, or a crash) where it was: every "
        "acknowledged note, vote and rating is there. RUN is a folder name from "
        "`sessionkit records`, a unique prefix of one, or a path. Phones that were in the "
        "session reconnect by themselves: the join code stays the same.",
    )
    resume.add_argument("run", metavar="RUN", help="the run to continue")
    _add_live_options(resume)
    resume.set_defaults(handler=cmd_resume)


def _add_live_options(parser: argparse.ArgumentParser) -> None:
    from sessionkit.cli.records import add_records_option

    add_server_options(parser.add_argument_group("participant server"))
    add_records_option(parser)


HOME_SERVER_OPTIONS = ("host", "port", "public_url", "no_server", "language", "wifi")
"""The server options the home screen takes too, under ``home_<name>`` (see
:func:`sessionkit.cli.build_parser`), for the runs it starts or resumes."""


def add_server_options(group: argparse._ArgumentGroup, prefix: str = "") -> None:
    """``--host``, ``--port``, ``--public-url``, ``--no-server`` (stored as ``prefix`` +
    their names: the home screen's must not collide with a subcommand's)."""
    group.add_argument(
        "--host",
        dest=f"{prefix}host",
        metavar="HOST",
        # The home screen's default is None, so an option given before a command can be
        # told from one left out (see ``cli._carry_home_options``).
        default=None if prefix else "0.0.0.0",
        help="address to listen on (default 0.0.0.0: every network, so "
        "phones on the room's Wi-Fi can join)",
    )
    group.add_argument(
        "--port",
        dest=f"{prefix}port",
        metavar="PORT",
        type=int,
        default=None if prefix else 8765,
        help="port to listen on (default 8765)",
    )
    group.add_argument(
        "--public-url",
        dest=f"{prefix}public_url",
        metavar="URL",
        help="the address phones should use, when they reach this laptop "
        "through a tunnel or reverse proxy (e.g. https://example.org)",
    )
    group.add_argument(
        "--language",
        dest=f"{prefix}language",
        metavar="LANG",
        type=_language,
        default=None if prefix else "en",
        help="the language of the phone page, the room view and the HTML export: "
        "en (English, the default), cy (Cymraeg) or cy+en (both, Welsh first); each "
        "participant can change it on their phone",
    )
    group.add_argument(
        "--no-server",
        dest=f"{prefix}no_server",
        action="store_true",
        help="no phones: the facilitator types notes in (paper stickies)",
    )
    group.add_argument(
        "--wifi",
        dest=f"{prefix}wifi",
        metavar="SSID",
        help="the Wi-Fi phones join first (your own hotspot, when the room's network keeps "
        "devices apart): the room view shows a code that joins it before the join code. "
        f"The password is asked for, or read from ${WIFI_PASSWORD_ENV} (empty: an open "
        "network); never give it on the command line",
    )


def wifi_from_args(args: argparse.Namespace) -> WifiNetwork | None:
    """``--wifi SSID`` with its password from the environment or a prompt (never a flag:
    flags stay in the shell's history and show in every process list). Raises
    ``ValueError`` saying what was wrong."""
    ssid = getattr(args, "wifi", None)
    if ssid is None:
        return None
    password = os.environ.get(WIFI_PASSWORD_ENV)
    if password is None:
        import getpass
        import sys

        if not sys.stdin.isatty():
            raise ValueError(
                f"--wifi {ssid}: set ${WIFI_PASSWORD_ENV} to the Wi-Fi password (empty for "
                "an open network), as there is no terminal to ask for it in"
            )
        password = getpass.getpass(f"Password of the Wi-Fi '{ssid}' (empty: an open network): ")
    problem = wifi_problem(ssid, password)
    if problem:
        raise ValueError(problem)
    return WifiNetwork(ssid, password)


def _language(text: str) -> str:
    try:
        return parse_language(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def make_live(args: argparse.Namespace) -> Live:
    return Live(
        getattr(args, "records", None),
        ServerOptions(
            enabled=not getattr(args, "no_server", False),
            host=getattr(args, "host", "0.0.0.0"),
            port=getattr(args, "port", 8765),
            public_url=getattr(args, "public_url", None),
            language=getattr(args, "language", "en"),
        ),
        log_handler=_log_handler(),
    )


def _add_library_options(parser: argparse.ArgumentParser) -> None:
    from sessionkit.cli.library import add_library_options

    add_library_options(parser)


def _library(args: argparse.Namespace) -> Any:
    from sessionkit.cli.library import library_from_args

    return library_from_args(args)


# ---------------------------------------------------------------- making the engine


def make_engine(plan: Plan, methods: dict[str, Method]) -> Engine:
    """An engine with no record (kept in memory only). ``sessionkit run`` passes
    :meth:`Live.new_run` to :func:`build_session` instead, which gives it a journal."""
    return Engine(plan, methods)


class PlanNotFound(Exception):
    """The PLAN argument names no usable plan or method; ``str()`` says why."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = details or []


def build_session(
    args: argparse.Namespace, make: Callable[[Plan, dict[str, Method]], Engine] = make_engine
) -> Engine:
    """The engine for ``sessionkit run``: the one place a run is set up (``make`` gives
    it a record: :meth:`Live.new_run`).

    Resolves PLAN (a plan id or file; else a method id, run on its own as a one-item
    plan). Raises :class:`PlanNotFound` with a message for a person.
    """
    lead = _lead_from_args(args)
    if lead is not None:
        plain = make

        def make(plan: Plan, methods: dict[str, Method]) -> Engine:
            return plain(with_lead(plan, lead), methods)

    if getattr(args, "start_timers", False):  # kept in the run's plan, as the lead is
        timed = make

        def make(plan: Plan, methods: dict[str, Method]) -> Engine:
            return timed(plan.model_copy(update={"timer_autostart": True}), methods)

    if getattr(args, "sample", False):
        from sessionkit.tui.sample import sample_methods, sample_plan

        return make(sample_plan(), sample_methods())
    if not args.plan:
        raise PlanNotFound(
            "which plan? Give a plan id or file (`sessionkit plan` lists them), or --sample"
        )
    from sessionkit.library import LibraryError, resolve_method, resolve_plan

    library = _library(args)
    try:
        plan = resolve_plan(library, args.plan)
    except LibraryError as plan_error:
        looks_like_file = str(args.plan).endswith(".toml") or os.sep in str(args.plan)
        if not looks_like_file and args.plan in library.methods:
            from sessionkit.tui.adhoc import adhoc_plan

            method = resolve_method(library, args.plan)
            return make(adhoc_plan(method), {method.id: method})
        raise PlanNotFound(plan_error.message, [str(p) for p in plan_error.problems]) from None
    return make(plan, library.timing_methods())


def _lead_from_args(args: argparse.Namespace) -> dict[str, str] | None:
    """``--safeguarding-lead`` / ``--safeguarding-contact``, checked (PlanNotFound says
    what was wrong with which option)."""
    name = getattr(args, "safeguarding_lead", None)
    contact = getattr(args, "safeguarding_contact", None)
    if name is None:
        if contact is not None:
            raise PlanNotFound("--safeguarding-contact needs --safeguarding-lead (who to reach)")
        return None
    from pydantic import ValidationError

    from sessionkit.core.safeguarding import MAX_CONTACT, MAX_LEAD, Safeguarding

    try:
        Safeguarding(lead=name, contact=contact or "")
    except ValidationError:
        raise PlanNotFound(
            f"--safeguarding-lead needs a name of 1 to {MAX_LEAD} characters, and "
            f"--safeguarding-contact at most {MAX_CONTACT}"
        ) from None
    return {"lead": name, "contact": contact or ""}


def with_lead(plan: Plan, given: dict[str, str]) -> Plan:
    """The plan with the safeguarding lead given on the command line (the plan's
    procedure is kept: it belongs to where the session is held, not to the person).
    The run's record keeps the plan as run, so a resumed run keeps the lead."""
    from sessionkit.core.safeguarding import Safeguarding

    procedure = plan.safeguarding.procedure if plan.safeguarding else ""
    lead = Safeguarding(lead=given["lead"], contact=given["contact"], procedure=procedure)
    return plan.model_copy(update={"safeguarding": lead})


# ---------------------------------------------------------------- commands


def _log_handler() -> logging.Handler | None:
    """Where log records go while the TUI runs: $SESSIONKIT_LOG if set, else nowhere.
    Never the terminal: Textual owns it."""
    path = os.environ.get("SESSIONKIT_LOG")
    if not path:
        return None
    handler = logging.FileHandler(Path(path).expanduser(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    return handler


def _quiet_terminal(handler: logging.Handler | None) -> None:
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler or logging.NullHandler())
    if handler is not None:
        root.setLevel(logging.INFO)


def _run_app(live: Live, **app_args: Any) -> int:
    from sessionkit.library import config_path
    from sessionkit.store.settings import ThemeSetting
    from sessionkit.tui import SessionkitApp

    _quiet_terminal(live.log_handler)

    def export_shown_run(fmt: str) -> Path:
        if app.engine is None:  # the app offers export only while a run is shown
            raise RuntimeError("no run is open")
        return live.export(app.engine, fmt)

    app = SessionkitApp(
        language=live.options.language,
        serve=live.serve,
        new_join_code=live.new_join_code,
        runs=live.unfinished,
        resume=live.resume,
        new_session=live.new_run,
        series_names=live.series_names,
        exporter=export_shown_run,
        export_formats=live.export_formats(),
        record_warnings=live.warnings,
        room_link=live.room_link,
        theme_store=ThemeSetting(config_path()),
        **app_args,
    )
    try:
        app.run()
    finally:
        live.close()
    return app.return_code or 0


def _fail(message: str, details: Sequence[str] = ()) -> int:
    import sys

    print(f"error: {message}", file=sys.stderr)
    for detail in details:
        print(f"  {detail}", file=sys.stderr)
    return 1


def cmd_run(args: argparse.Namespace) -> int:
    from sessionkit.core.series_name import check_series_name
    from sessionkit.store import RecordError

    series = getattr(args, "series", None)
    if series is not None:
        try:
            series = check_series_name(series)
        except ValueError as error:
            return _fail(f"--series: {error}")
    try:
        wifi = wifi_from_args(args)
    except ValueError as error:
        return _fail(str(error))
    live = make_live(args)
    try:
        engine = build_session(args, functools.partial(live.new_run, series=series))
    except PlanNotFound as error:
        return _fail(str(error), error.details)
    except (RecordError, OSError) as error:
        return _fail(f"cannot create the run's record: {error}")
    return _run_app(live, engine=engine, wifi=wifi)


def cmd_resume(args: argparse.Namespace) -> int:
    from sessionkit.store import RecordError

    try:
        wifi = wifi_from_args(args)
    except ValueError as error:
        return _fail(str(error))
    live = make_live(args)
    try:
        engine = live.resume(args.run)
    except RecordError as error:
        return _fail(str(error))
    return _run_app(live, engine=engine, wifi=wifi)


def home(args: argparse.Namespace) -> int:
    """No subcommand: the home screen (plans, methods, unfinished runs)."""
    args.records = getattr(args, "home_records", None)
    args.methods = getattr(args, "home_methods", [])
    args.sessions = getattr(args, "home_sessions", [])
    for name in HOME_SERVER_OPTIONS:
        if getattr(args, f"home_{name}", None) is not None:
            setattr(args, name, getattr(args, f"home_{name}"))
    try:
        wifi = wifi_from_args(args)
    except ValueError as error:
        return _fail(str(error))
    return _run_app(make_live(args), library=_library(args), wifi=wifi)
