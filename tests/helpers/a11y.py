"""Accessibility checks for the phone page in a real browser: axe-core, reflow, zoom.

axe-core is installed by ``.ci/run`` from the npm registry, at the version pinned there
(:data:`AXE_VERSION`), into ``.ci/node_modules`` (gitignored); nothing is downloaded at
test time. Without it the tests fail with a sentence saying how to install it: a
check that skips when its tool is missing would pass on a machine that checks nothing.

The phones the tests use (:data:`PHONES`): a 360 px phone, the 320 px width WCAG's
reflow criterion (1.4.10) names (a 1280 px desktop at 400% zoom is 320 CSS px wide), and
the 360 px phone at 200% zoom (1.4.4). Browser zoom halves the CSS width and doubles the
device pixels per CSS pixel, so that phone is a 180 px viewport at device scale 2:
media queries, line breaks and screenshots come out as a zoomed page's do.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CI_RUN = REPO / ".ci" / "run"
AXE_VERSION = re.search(r"axe-core@([0-9.]+)", CI_RUN.read_text(encoding="utf-8")).group(1)  # type: ignore[union-attr]
AXE_PLACES = (
    REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js",
    REPO / "node_modules" / "axe-core" / "axe.min.js",
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
"""WCAG 2.0, 2.1 and 2.2 at levels A and AA: axe-core 4.x's tag names for them."""

PHONES: dict[str, dict[str, Any]] = {
    "360px": {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 1},
    "320px": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1},
    "zoom200": {"viewport": {"width": 180, "height": 370}, "device_scale_factor": 2},
}
AUDITED = ("360px", "zoom200")
"""The phones axe-core audits on every screen; every phone gets the layout checks."""


def axe_source() -> str:
    """axe-core's script, or a failure that says how to install it."""
    for place in AXE_PLACES:
        if place.is_file():
            text = place.read_text(encoding="utf-8")
            found = re.search(r"axe v([0-9.]+)", text[:300])
            if found and found.group(1) != AXE_VERSION:
                pytest.fail(
                    f"{place} is axe-core {found.group(1)}, but .ci/run pins {AXE_VERSION}: "
                    f"run .ci/run, or: npm install --prefix .ci axe-core@{AXE_VERSION}"
                )
            return text
    pytest.fail(
        "axe-core is not installed, so the phone page's accessibility cannot be checked: "
        f"run .ci/run, or: npm install --prefix .ci axe-core@{AXE_VERSION}"
    )


def artefacts(name: str) -> Path:
    """The folder this test keeps its screenshots in: $SESSIONKIT_ARTEFACTS/NAME, or a
    fresh temporary folder (never inside the repository)."""
    root = os.environ.get("SESSIONKIT_ARTEFACTS")
    folder = Path(root) / name if root else Path(tempfile.mkdtemp(prefix=f"sessionkit-{name}-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def audit(page: Any, axe: str) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now, one line per node."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's CSP (script-src 'self')
        # does not block it and the page itself is tested as served.
        await page.evaluate(f"() => {{ {axe}\n }}")
    found = await page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {
                runOnly: { type: "tag", values: tags },
                rules: { "target-size": { enabled: true } },
                resultTypes: ["violations"],
            });
            return result.violations.flatMap(v => v.nodes.map(n =>
                `${v.id} (${v.impact}): ${n.target.join(" ")}: ` +
                (n.failureSummary || v.help).replace(/\\s+/g, " ")));
        }""",
        AXE_TAGS,
    )
    return list(found)


LAYOUT_JS = r"""
() => {
    const problems = [];
    const root = document.documentElement;
    const width = root.clientWidth;
    const where = (node) => {
        const id = node.id ? "#" + node.id : "";
        const cls = node.classList.length ? "." + Array.from(node.classList).join(".") : "";
        return node.tagName.toLowerCase() + id + cls;
    };
    if (root.scrollWidth > width + 1) {
        // Name the innermost boxes that stick out, so the message says what to fix.
        const out = Array.from(document.body.querySelectorAll("*")).filter(node =>
            node.getBoundingClientRect().right > width + 1 &&
            !Array.from(node.children).some(child => child.getBoundingClientRect().right > width + 1));
        problems.push(`the page scrolls sideways (${root.scrollWidth} px wide in ${width} px): ` +
            out.slice(0, 3).map(where).join(", "));
    }
    // The box a word should fit in: a list item, a card, or the page's own strips.
    const boxOf = (node) => node.closest("li, .card, header, footer, main") || document.body;
    const inner = (node) => {
        const s = getComputedStyle(node);
        return node.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        const parent = text.parentElement;
        if (!parent || !parent.getClientRects().length || parent.closest(".visually-hidden")) continue;
        if (getComputedStyle(parent).visibility === "hidden") continue;
        // Words as a reader sees them: a hyphen or a slash is a fair place to break.
        const words = /[^\s\-\u2010-\u2014\/]+/g;
        for (let m = words.exec(text.data); m; m = words.exec(text.data)) {
            range.setStart(text, m.index);
            range.setEnd(text, m.index + m[0].length);
            const rects = Array.from(range.getClientRects()).filter(r => r.width > 0.5);
            if (!rects.length) continue;
            const lines = [];
            rects.forEach(r => { if (!lines.some(top => Math.abs(top - r.top) < 3)) lines.push(r.top); });
            const wide = rects.reduce((sum, r) => sum + r.width, 0);
            const box = boxOf(parent);
            if (lines.length > 1 && wide <= inner(box) + 0.5) {
                problems.push(`"${m[0]}" is broken across ${lines.length} lines in ` +
                    `${where(parent)} (${Math.round(wide)} px word, ${Math.round(inner(box))} px ${where(box)})`);
            }
            if (rects.some(r => r.right > width + 1 || r.left < -1)) {
                problems.push(`"${m[0]}" in ${where(parent)} runs off the side of the screen`);
            }
        }
    }
    return problems;
}
"""


async def layout_problems(page: Any) -> list[str]:
    """Sideways scrolling, words broken inside themselves (though they would fit on a
    line of their own), text off the screen: what reflow and resized text must avoid."""
    return list(await page.evaluate(LAYOUT_JS))


def report(problems: dict[str, list[str]]) -> str:
    """Every screen's problems, for an assertion message."""
    return json.dumps({k: v for k, v in problems.items() if v}, indent=1, ensure_ascii=False)
