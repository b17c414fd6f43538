"""The HTML export's own words in the run's language (``--language``: en, cy, cy+en).

A page in Welsh is ``<html lang="cy">``; where a Welsh text is missing the English is
shown in a ``<span lang="en">``; in cy+en each pair is ``<span lang="cy">…</span> /
<span lang="en">…</span>``, Welsh first. Every piece is escaped here, so callers put the
result straight into the page. Participants' text never comes here.

The Welsh is a DRAFT to be checked by a fluent Welsh speaker, like the phone page's
(docs/authoring.md, Welsh). What is not in :data:`WELSH` (the kinds' own sections:
sorts, rankings, reviews, word clouds, questions, requests) stays English for now.
"""

from __future__ import annotations

import html

WELSH = {
    "Plan and actual": "Y cynllun a'r hyn a ddigwyddodd",
    "Item": "Eitem",
    "Planned": "Wedi'i gynllunio",
    "Actual": "Go iawn",
    "Over / under": "Dros / o dan",
    "(talk)": "(sgwrs)",
    "Actions agreed": "Camau gweithredu a gytunwyd",
    "None recorded.": "Dim wedi'u cofnodi.",
    "Summary": "Crynodeb",
    "Variation: {name}": "Amrywiad: {name}",
    "Run {run} · recorded with sessionkit": "Rhediad {run} · cofnodwyd gyda sessionkit",
    "No notes.": "Dim nodiadau.",
    "Nothing here.": "Dim byd yma.",
    "No themes were made.": "Ni chafodd unrhyw themâu eu gwneud.",
    "Not in a theme": "Ddim mewn thema",
    "No dots were placed.": "Ni osodwyd unrhyw ddotiau.",
    "a hidden note": "nodyn cudd",
    "No ratings.": "Dim sgoriau.",
    "Mean": "Cymedr",
}
"""The export's fixed words by their English."""


def e(text: str) -> str:
    return html.escape(text, quote=True)


def both(english: str, welsh: str, language: str) -> str:
    """Escaped HTML for a text in ``language``, each part marked with its ``lang``
    (the page's own lang needs no mark: English in an English page, Welsh in a Welsh one)."""
    if language == "cy":
        return e(welsh) if welsh else f'<span lang="en">{e(english)}</span>'
    if language == "cy+en" and welsh and welsh != english:
        return f'<span lang="cy">{e(welsh)}</span> / <span lang="en">{e(english)}</span>'
    if language == "cy+en":
        return f'<span lang="en">{e(english)}</span>'
    return e(english)


def say(english: str, language: str, **values: str) -> str:
    """One of the export's own words (a key of :data:`WELSH`), with ``values`` (escaped
    here) in its ``{names}``."""
    safe = {name: e(value) for name, value in values.items()}
    welsh = WELSH.get(english, "")
    if language == "en" or not welsh:
        text = e(english).format(**safe) if safe else e(english)
        return text if language == "en" else f'<span lang="en">{text}</span>'
    cy = e(welsh).format(**safe) if safe else e(welsh)
    en = e(english).format(**safe) if safe else e(english)
    if language == "cy":
        return cy
    return f'<span lang="cy">{cy}</span> / <span lang="en">{en}</span>'


def page_lang(language: str) -> str:
    """The page's ``lang``: Welsh for cy and cy+en (Welsh first), else English."""
    return "en" if language == "en" else "cy"
