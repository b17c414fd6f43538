"""The phone page's and the room page's own strings, found where they are written, for
the catalogue's test and for ``sessionkit`` tooling: every ``t("...")`` of app.js and
room.js (and each form of a room's ``count(n, "...", "...")``), and every text of
index.html and room.html the scripts translate (text nodes, ``aria-label`` and
``placeholder``, outside ``data-no-translate``). Both pages share one catalogue,
static/strings/cy.json; the room's keys are :func:`sessionkit.web.room.room_keys`."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from importlib import resources
from typing import Any

_T_CALL = re.compile(r'\bt\("((?:[^"\\]|\\.)*)"')
COUNT_CALL = re.compile(r'\bcount\([^,()]+,\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"', re.S)

DYNAMIC = ("Yes", "No", "Let's talk", "Done", "In progress", "Changed", "Dropped")
"""Keys the script looks up from data rather than a literal (answers to a request, an
action's statuses in a review)."""


def script_keys(js: str) -> set[str]:
    return {json.loads(f'"{m}"') for m in _T_CALL.findall(js)}


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.keys: set[str] = set()
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        skip = bool(self._stack and self._stack[-1][1]) or "data-no-translate" in names
        skip = skip or tag in ("script", "style", "title")
        if tag not in ("meta", "link", "input", "br", "img"):
            self._stack.append((tag, skip))
        for name in ("aria-label", "placeholder"):
            value = names.get(name)
            if value and not skip:
                self.keys.add(" ".join(value.split()))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and not (self._stack and self._stack[-1][1]):
            self.keys.add(" ".join(data.split()))


def page_keys(html: str) -> set[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.keys


def phone_keys() -> set[str]:
    """Every English string the phone page can look up."""
    static = resources.files("sessionkit.web") / "static"
    js = (static / "app.js").read_text(encoding="utf-8")
    html = (static / "index.html").read_text(encoding="utf-8")
    return script_keys(js) | page_keys(html) | set(DYNAMIC)


SERVER_WELSH: dict[str, dict[str, str]] = {
    "ended": {"title": "Mae'r sesiwn wedi dod i ben", "prompt": "Diolch am gymryd rhan."},
    "waiting": {
        "title": "Aros i ddechrau",
        "prompt": "Bydd yr hwylusydd yn dechrau'r sesiwn cyn bo hir. Cadwch y dudalen hon ar agor.",
    },
    "talk": {
        "prompt": "Dim byd i'w ysgrifennu yn ystod y sgwrs hon. "
        "Bydd y dudalen hon yn diweddaru pan fydd y cam nesaf yn dechrau."
    },
    "break": {
        "prompt": "Cymerwch seibiant. "
        "Bydd y dudalen hon yn diweddaru pan fydd y sesiwn yn ailddechrau."
    },
}
"""The Welsh of the server's own step texts (a draft: see docs/authoring.md, Welsh)."""


def with_welsh(entry: dict[str, Any], source: Any) -> dict[str, Any]:
    """A label's JSON with its Welsh (``cy``) beside the English, when it has some."""
    if getattr(source, "cy", None) is not None:
        entry["cy"] = {"label": source.cy.label, "hint": source.cy.hint}
    return entry
