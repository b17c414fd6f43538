"""The ``sessionkit`` command. Thin: parses arguments and calls the rest.

Each area registers its own subcommands (library, run, records, qr), so the pieces can
grow independently. ``sessionkit`` with no subcommand opens the home screen.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sessionkit import __version__
from sessionkit.cli import library, qr, records, run


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
    for area in (run, library, records, qr):
        area.register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        handler = run.home
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
