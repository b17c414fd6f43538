"""`sessionkit` subcommands for this area (filled in by its issue)."""

from __future__ import annotations

import argparse


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add this area's subcommands."""


def home(args: argparse.Namespace) -> int:
    """No subcommand: open the home screen (until the TUI exists, show help)."""
    from sessionkit.cli import build_parser

    build_parser().print_help()
    return 0
