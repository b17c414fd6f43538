"""What a series name may be (``knot-2026``): a name people type, and a folder name's
part, so letters, digits, ``.``, ``_`` and ``-`` only. Apart from :mod:`.series` so the
engine's own rules (joining a series) can check a name without the records' queries."""

from __future__ import annotations

import re

MAX_SERIES_CHARS = 60
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def check_series_name(name: str) -> str:
    """``name`` as a series name, or ``ValueError`` saying what is wrong with it."""
    name = name.strip()
    if not name:
        raise ValueError("the series name is empty: give one like knot-2026")
    bad = sorted({ch for ch in name if not (ch.isascii() and (ch.isalnum() or ch in "._-"))})
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        raise ValueError(
            f"the series name {name!r} cannot contain {shown}: use letters, digits, '-', "
            "'_' and '.' (e.g. knot-2026)"
        )
    if not _NAME.match(name):
        raise ValueError(
            f"the series name {name!r} must start with a letter or digit (e.g. knot-2026)"
        )
    if len(name) > MAX_SERIES_CHARS:
        raise ValueError(f"the series name is {len(name)} characters; at most {MAX_SERIES_CHARS}")
    return name
