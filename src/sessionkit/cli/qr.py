"""`sessionkit qr URL`: a QR code for any join link, in the terminal or as SVG/PNG.

The terminal code is drawn with half blocks in explicit black and white (see
``sessionkit.qr``), so it scans in dark and light themes; the URL is always printed
under it as text. ``--svg`` and ``--png`` write files for slides and handouts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MAX_URL_CHARS = 2000


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sessionkit qr``."""
    parser = subcommands.add_parser(
        "qr",
        help="show a QR code for a URL, or write it as SVG/PNG",
        description="Show a QR code for URL in the terminal (with the URL under it), "
        "or write it as an SVG or PNG file for slides and handouts.",
    )
    parser.add_argument("url", metavar="URL", help="what the code should open, e.g. a join link")
    parser.add_argument("--svg", metavar="PATH", type=Path, help="also write the code as SVG")
    parser.add_argument("--png", metavar="PATH", type=Path, help="also write the code as PNG")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from sessionkit import qr

    def err_print(message: str) -> None:  # plain text: a path may contain [brackets]
        print(message, file=sys.stderr)

    out = Console(highlight=False)
    url = args.url.strip()
    if not url:
        err_print("sessionkit qr: the URL is empty.")
        return 2
    if len(url) > MAX_URL_CHARS:
        err_print(
            f"sessionkit qr: the URL is {len(url)} characters long; a QR code that "
            f"phones can scan holds at most about {MAX_URL_CHARS}. Use a shorter link."
        )
        return 2
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        err_print("sessionkit qr: the URL contains control characters.")
        return 2
    try:
        qr.matrix(url)
    except Exception as error:  # qrcode's DataOverflowError and friends
        err_print(f"sessionkit qr: cannot make a QR code for that URL ({error}).")
        return 2

    status = 0
    for path, suffix in ((args.svg, ".svg"), (args.png, ".png")):
        if path is None:
            continue
        if path.suffix.lower() != suffix:
            err_print(f"sessionkit qr: {path} should end in {suffix}.")
            status = 2
            continue
        try:
            qr.write(url, path)
        except OSError as error:
            err_print(f"sessionkit qr: could not write {path}: {error.strerror or error}.")
            status = 1
            continue
        err_print(f"Wrote {path}")

    if not (args.svg or args.png) or out.is_terminal:
        columns, _lines = qr.size(url)
        if not out.is_terminal or out.color_system is None or out.no_color:
            out.print(Text(url))
            if not (args.svg or args.png):
                err_print(
                    "(Not a colour terminal, so no code was drawn: run it in a "
                    "terminal, or write a file with --svg or --png.)"
                )
        elif out.width < columns:
            err_print(
                f"sessionkit qr: the terminal is {out.width} columns wide and the code "
                f"needs {columns}. Widen the window, or use --svg or --png."
            )
            out.print(Text(url))
            status = status or 1
        else:
            out.print(qr.qr_text(url))
            out.print(Text(url))
    return status


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(prog="sessionkit")
    register(parser.add_subparsers())
    namespace = parser.parse_args()
    sys.exit(namespace.handler(namespace))
