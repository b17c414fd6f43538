"""The ``sessionkit`` command. Thin: parses arguments and calls the rest.

Each area registers its own subcommands (run, library, browse, show, records, qr,
doctor), so the pieces can grow independently. ``sessionkit`` with no subcommand opens
the home screen.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sessionkit import __version__
from sessionkit.cli import browse, check, doctor, library, qr, records, run, series, show


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sessionkit",
        description="Run service-design workshops from a terminal.",
    )
    parser.add_argument("--version", action="version", version=f"sessionkit {__version__}")
    # For the home screen (no subcommand). Separate names: argparse lets a subcommand's
    # own defaults overwrite options of the same name given before it.
    home = parser.add_argument_group("home screen (sessionkit with no command)")
    home.add_argument(
        "--records", dest="home_records", metavar="DIR", type=Path, help="where runs are kept"
    )
    home.add_argument(
        "--methods",
        dest="home_methods",
        metavar="DIR",
        type=Path,
        action="append",
        default=[],
        help="also read methods from DIR",
    )
    home.add_argument(
        "--sessions",
        dest="home_sessions",
        metavar="DIR",
        type=Path,
        action="append",
        default=[],
        help="also read session plans from DIR",
    )
    run.add_server_options(home, prefix="home_")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in (run, check, library, browse, show, records, series, qr, doctor):
        area.register(subcommands)
    return parser


def _carry_home_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Let ``--records``/``--methods``/``--sessions`` and the server options come before
    the command too.

    ``sessionkit --records DIR records`` must mean what it says, not be dropped; on a
    command the option cannot apply to, say so instead of ignoring it.
    """
    if args.command is None:
        return
    defaults = {
        "host": "0.0.0.0",
        "port": 8765,
        "public_url": None,
        "no_server": False,
        "wifi": None,
        "language": "en",
    }
    for name, default in defaults.items():
        given = getattr(args, f"home_{name}")
        if given is None or given is False:
            continue
        option = "--" + name.replace("_", "-")
        if not hasattr(args, name):
            parser.error(
                f"{option} does not apply to 'sessionkit {args.command}': it sets up the "
                "participant server, for the home screen, run and resume"
            )
        if getattr(args, name) == default:  # given after the command, that one wins
            setattr(args, name, given)
    if args.home_records is not None:
        if not hasattr(args, "records"):
            parser.error(
                f"--records does not apply to 'sessionkit {args.command}': it chooses where "
                "runs are kept, for the home screen, run, resume, records, export, repair, "
                "purge, series and actions"
            )
        if args.records is None:
            args.records = args.home_records
    for name in ("methods", "sessions"):
        given = getattr(args, f"home_{name}")
        if not given:
            continue
        if not hasattr(args, name):
            parser.error(
                f"--{name} does not apply to 'sessionkit {args.command}': it adds a folder "
                "to the library, for the home screen, run, check, methods, show and plan"
            )
        # Before the command first, so a folder named after it still wins on the same id.
        setattr(args, name, [*given, *getattr(args, name)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _carry_home_options(parser, args)
    handler = getattr(args, "handler", None)
    if handler is None:
        handler = run.home
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
