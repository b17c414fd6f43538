"""Join URL -> QR code: terminal half-blocks (Rich ``Text``), SVG and PNG.

Drawn from ``qrcode``'s module matrix rather than ``print_ascii``: that one draws light
modules as filled blocks (so it only scans on a dark terminal) and embeds raw ANSI codes.
Here every cell is an upper half block ``▀`` with explicit colours for its top and bottom
module, black on white, with the 4-module quiet zone the spec asks for, so it reads the
same in dark and light themes. A terminal cell is about 1:2, so two module rows per
line makes the modules roughly square.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import qrcode
import qrcode.constants
from rich.style import Style
from rich.text import Text

DARK = "#000000"
LIGHT = "#ffffff"
QUIET_ZONE = 4

_STYLES = {
    (top, bottom): Style(color=DARK if top else LIGHT, bgcolor=DARK if bottom else LIGHT)
    for top in (False, True)
    for bottom in (False, True)
}


@lru_cache(maxsize=8)
def matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """Modules of the smallest QR code for ``url`` (error correction L), quiet zone included."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def qr_text(url: str) -> Text:
    """The code as Rich text: one line per two module rows, no trailing newline."""
    rows = matrix(url)
    text = Text(no_wrap=True, overflow="crop", end="")
    for y in range(0, len(rows), 2):
        top = rows[y]
        bottom = rows[y + 1] if y + 1 < len(rows) else (False,) * len(top)
        if y:
            text.append("\n")
        for t, b in zip(top, bottom, strict=False):
            text.append("▀", _STYLES[(t, b)])
    return text


def size(url: str) -> tuple[int, int]:
    """(columns, lines) the half-block code takes in a terminal."""
    rows = matrix(url)
    return len(rows[0]), (len(rows) + 1) // 2


def svg(url: str, module: int = 10) -> str:
    rows = matrix(url)
    n = len(rows)
    rects = "".join(
        f'<rect x="{x * module}" y="{y * module}" width="{module}" height="{module}"/>'
        for y, row in enumerate(rows)
        for x, dark in enumerate(row)
        if dark
    )
    side = n * module
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}" '
        f'viewBox="0 0 {side} {side}" shape-rendering="crispEdges">'
        f'<rect width="{side}" height="{side}" fill="{LIGHT}"/>'
        f'<g fill="{DARK}">{rects}</g></svg>\n'
    )


def write(url: str, path: Path, module: int = 10) -> Path:
    """Write the code as ``.svg`` or ``.png`` (by the file's suffix)."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        path.write_text(svg(url, module), encoding="utf-8")
    elif suffix == ".png":
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_L, border=QUIET_ZONE, box_size=module
        )
        code.add_data(url)
        code.make(fit=True)
        code.make_image().save(str(path))
    else:
        raise ValueError(
            f"{path}: expected a .svg or .png file name, not '{suffix or 'no suffix'}'"
        )
    return path
