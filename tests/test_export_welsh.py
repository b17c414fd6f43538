"""The HTML export in the run's language: its own words and the methods' Welsh, each
part marked with its lang, participants' text as written (and still escaped)."""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.plan import Plan
from sessionkit.core.record import Record
from sessionkit.core.state import NEWCOMER
from sessionkit.export import export
from sessionkit.export.html_words import WELSH
from test_web import METHOD, PLAN, VOTE, MemoryJournal

OWN_TEXT = "Summary"
"""A participant's note that is also one of the export's words: never translated."""
PAYLOAD = "<b>bold</b> & =SUM(A1)"


class Langs(HTMLParser):
    """Each text of the page with the lang it is in (the nearest lang attribute)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        lang = dict(attrs).get("lang") or (self.stack[-1][1] if self.stack else "")
        if tag not in ("meta", "br", "img", "link"):
            self.stack.append((tag, lang or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if data.strip() and self.stack:
            self.texts.append((" ".join(data.split()), self.stack[-1][1]))


def langs(page: str) -> list[tuple[str, str]]:
    parser = Langs()
    parser.feed(page)
    return parser.texts


@pytest.fixture
def record() -> Record:
    data = copy.deepcopy(METHOD)
    write = data["steps"][0]
    write["cy"] = {"title": "Ysgrifennu", "prompt": "Beth aeth yn dda, beth nad aeth?"}
    engine = Engine(
        Plan.model_validate(PLAN), {"retro": Method.model_validate(data)}, journal=MemoryJournal()
    )
    engine.execute(c.StartSession())
    who = engine.execute(c.Join(name="Ann"), NEWCOMER).data["participant"]
    engine.execute(c.AddNote(text=OWN_TEXT, category="rose"), who)
    engine.execute(c.AddNote(text=PAYLOAD, category="rose"), who)
    engine.execute(c.GoTo(item=0, step=VOTE))
    engine.execute(c.EndSession())
    return Record.from_engine(engine)


def test_a_welsh_export_is_welsh_with_the_english_marked_where_welsh_is_missing(record):
    page = export(record, "html", "cy")
    assert '<html lang="cy">' in page
    texts = langs(page)
    assert ("Ysgrifennu", "cy") in texts
    assert ("Beth aeth yn dda, beth nad aeth?", "cy") in texts
    assert (WELSH["Plan and actual"], "cy") in texts
    assert (WELSH["Actions agreed"], "cy") in texts
    # The vote step has no Welsh: its English title, marked as English.
    assert ("Vote", "en") in texts
    # The participant's notes: as written (not "Crynodeb"), escaped.
    assert f'<p class="text" dir="auto">{OWN_TEXT}</p>' in page or f">{OWN_TEXT}<" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; =SUM(A1)" in page and "<b>bold</b>" not in page


def test_a_bilingual_export_gives_both_each_with_its_lang(record):
    page = export(record, "html", "cy+en")
    assert '<html lang="cy">' in page
    texts = langs(page)
    assert ("Ysgrifennu", "cy") in texts and ("Write", "en") in texts
    assert ("Beth aeth yn dda, beth nad aeth?", "cy") in texts
    assert ("What went well, what did not?", "en") in texts
    assert (WELSH["Plan and actual"], "cy") in texts and ("Plan and actual", "en") in texts
    notes = [lang for text, lang in texts if text == OWN_TEXT]
    assert notes and all(lang == "cy" for lang in notes)  # the page's lang: never marked


def test_an_english_export_is_as_before(record):
    page = export(record, "html")
    assert '<html lang="en">' in page and "Ysgrifennu" not in page
    assert 'lang="cy"' not in page and "<h2>Plan and actual</h2>" in page
