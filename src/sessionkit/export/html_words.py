"""The HTML export's own words in the run's language (``--language``: en, cy, cy+en).

A page in Welsh is ``<html lang="cy">``; where a Welsh text is missing the English is
shown in a ``<span lang="en">``; in cy+en each pair is ``<span lang="cy">…</span> /
<span lang="en">…</span>``, Welsh first. Every piece is escaped here, so callers put the
result straight into the page. Participants' text never comes here.

The Welsh is a DRAFT to be checked by a fluent Welsh speaker, like the phone page's
(docs/authoring.md, Welsh). The sentences made from numbers and times ("12
participants", step captions) are :mod:`.html_text`'s. What is in neither (the kinds' own
sections: sorts, rankings, reviews, word clouds, questions, requests) stays English for now.
"""

from __future__ import annotations

import html

from sessionkit.export.text import paragraphs

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
    "[removed by the facilitator]": "[wedi'i dynnu gan yr hwylusydd]",
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


def prompt_in(english: str, welsh: str, language: str) -> str:
    """The prompt's paragraphs in ``language``; for cy+en the Welsh ones, then the English."""
    if language == "en" or not welsh:
        lang = "" if language == "en" else ' lang="en"'
        return "".join(f'<p dir="auto"{lang}>{e(p)}</p>' for p in paragraphs(english))
    welsh_part = "".join(f'<p dir="auto" lang="cy">{e(p)}</p>' for p in paragraphs(welsh))
    if language == "cy":
        return welsh_part
    return welsh_part + "".join(f'<p dir="auto" lang="en">{e(p)}</p>' for p in paragraphs(english))


SECTION_WORDS = (
    '<p class="empty">No notes.</p>',
    '<p class="empty">Nothing here.</p>',
    '<p class="empty">No themes were made.</p>',
    "<i>Not in a theme</i>",
    '<p class="empty">No dots were placed.</p>',
    '<span class="hidden">a hidden note</span>',
    '<p class="empty">No ratings.</p>',
    '<p class="stat">Mean <b>',
)
"""The sections' fixed words, as written in their HTML (no participant text can be
this markup: theirs is escaped)."""


def section_in(section: str, language: str) -> str:
    """A kind's section with its fixed words (:data:`SECTION_WORDS`) in ``language``:
    the sections are shared with other code and written in English; their few fixed
    words are swapped here rather than a language passed through every one of them."""
    if language == "en":
        return section
    for markup in SECTION_WORDS:
        open_tag, rest = markup.split(">", 1)
        words, close = rest.split("<", 1)
        space = " " if words.endswith(" ") else ""
        section = section.replace(
            markup, f"{open_tag}>{say(words.strip(), language)}{space}<{close}"
        )
    return section
