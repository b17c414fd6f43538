"""`sessionkit` subcommands for this area (filled in by its issue)."""

from __future__ import annotations

import argparse


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add this area's subcommands."""
