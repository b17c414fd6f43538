"""Every bundled method's category colours keep text readable on the phone.

A plan's categories are shown as chips (the choice of kind of note) and as the colour of
each note. On that colour the phone draws only ``--ink``: the chip's hint and a note's
name and badges too, not the muted grey used elsewhere, which is too light on the
mid-tone pinks and blues some methods use. So each colour must give ``--ink`` WCAG's
4.5:1 (1.4.3); axe-core checks the screens themselves (tests/test_browser_a11y.py).
"""

from __future__ import annotations

import re

import pytest

from sessionkit.library import load_library
from test_rose_thorn_bud_colours import CSS, contrast, css_colour

LIBRARY = load_library(config=False, cwd=False)
COLOURS = sorted(
    {
        (method.id, step.id, cat.id, cat.colour)
        for method in LIBRARY.methods.values()
        for step in method.steps
        for cat in getattr(step.input, "categories", None) or ()
        if cat.colour
    }
)


def rule(selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, f"no rule for {selector} in app.css"
    return match.group(1)


def test_the_library_has_coloured_categories() -> None:
    assert len(COLOURS) >= 20, COLOURS


@pytest.mark.parametrize(("method", "step", "category", "colour"), COLOURS)
def test_ink_on_each_category_colour_is_readable(method, step, category, colour) -> None:
    ratio = contrast(colour, css_colour("ink"))
    assert ratio >= 4.5, f"{method}, step {step}, category {category}: {colour} {ratio:.2f}:1"


@pytest.mark.parametrize("selector", [".chip span", ".chip small", ".note .meta", ".badge"])
def test_text_on_a_category_colour_is_drawn_in_ink(selector) -> None:
    assert "color: var(--ink)" in rule(selector), f"{selector} is not drawn in --ink"
