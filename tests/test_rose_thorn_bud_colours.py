"""Rose, Thorn, Bud's notes are the colours facilitators expect, and stay readable.

LUMA's convention, which most facilitators know from the wall: roses pink, thorns blue,
buds green. The phone draws a note's text (``--ink``) and a category's hint
(``--muted``) on the category colour, so each colour must keep WCAG's 4.5:1 against both.
"""

from __future__ import annotations

import colorsys
import re
import tomllib
from pathlib import Path

import pytest

from sessionkit.tui.sample import sample_methods

REPO = Path(__file__).resolve().parents[1]
CSS = (REPO / "src" / "sessionkit" / "web" / "static" / "app.css").read_text(encoding="utf-8")
EXPECTED = {"rose": "pink", "thorn": "blue", "bud": "green"}


def css_colour(name: str) -> str:
    match = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}});", CSS)
    assert match, f"--{name} is not a #rrggbb colour in app.css"
    return match.group(1)


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hue_name(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue = colorsys.rgb_to_hls(r, g, b)[0] * 360
    if hue >= 300 or hue < 15:
        return "pink"
    if 180 <= hue < 260:
        return "blue"
    return "green" if 75 <= hue < 170 else "other"


def bundled_categories() -> dict[str, str]:
    data = tomllib.loads((REPO / "methods" / "rose-thorn-bud.toml").read_text(encoding="utf-8"))
    [notes] = [s for s in data["steps"] if s["input"].get("categories")]
    return {c["id"]: c["colour"] for c in notes["input"]["categories"]}


def sample_categories() -> dict[str, str]:
    [notes] = [s for s in sample_methods()["rose-thorn-bud"].steps if s.input.kind == "notes"]
    return {c.id: c.colour for c in notes.input.categories}


@pytest.mark.parametrize("categories", [bundled_categories(), sample_categories()])
def test_roses_are_pink_thorns_blue_buds_green_and_readable(categories):
    assert {cat: hue_name(colour) for cat, colour in categories.items()} == EXPECTED
    for cat, colour in categories.items():
        for text in ("ink", "muted"):
            ratio = contrast(colour, css_colour(text))
            assert ratio >= 4.5, f"{cat} {colour} against --{text}: {ratio:.2f}:1"
