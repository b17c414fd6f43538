"""The HTML export in the run's language: its own words and the methods' Welsh, each
part marked with its lang, participants' text as written (and still escaped)."""

from __future__ import annotations

import copy
import re
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


FIXED = [
    "planned",
    "took",
    "not run",
    "in progress",
    "participant",
    "participants",
    "on paper",
    "placed",
    "dots",
    "people",
    "on their phones",
    "more from paper",
    "removed by the facilitator",
    "hidden by the facilitator",
    "not shown",
    "Mean",
    "from",
    "rating",
    "ratings",
    "note",
    "notes",
    "min",
    "on time",
    "ended",
    "facilitated by",
    "anonymous",
    "with names",
    "dot vote",
    "each",
    "text",
    "was",
    "were",
    "December",
    "Wednesday",
]
"""The English words export/text.py and the HTML export put into sentences about
numbers and times ("12 participants", "planned 5 min · took 6 min", "3 people placed
5 dots"). "dot" and "person" are left out: they are the same words in Welsh."""
OWN = ["planned on paper", "notes from people"]
"""Participants' notes made of those words: as written, whatever the language."""


def full_record(ended: bool) -> Record:
    plan = copy.deepcopy(PLAN)
    plan["facilitators"] = ["Siân"]
    engine = Engine(
        Plan.model_validate(plan),
        {"retro": Method.model_validate(METHOD)},
        journal=MemoryJournal(),
    )
    engine.execute(c.StartSession())
    engine.execute(c.SetPaperPeople(count=4))
    ann = engine.execute(c.Join(name="Ann"), NEWCOMER).data["participant"]
    bob = engine.execute(c.Join(name="Bob"), NEWCOMER).data["participant"]
    ids = [
        engine.execute(c.AddNote(text=text, category="rose"), who).data["note"]
        for text, who in [(OWN[0], ann), (OWN[1], bob), ("hide me", ann), ("my address", bob)]
    ]
    engine.execute(c.HideNote(note=ids[2]))
    engine.execute(c.RedactText(item=ids[3], reason="personal-data"))
    engine.execute(c.NextStep())
    engine.execute(c.OpenVote())
    engine.execute(c.CastVote(target=ids[0]), ann)
    engine.execute(c.CastVote(target=ids[1]))  # a dot typed in from paper
    engine.execute(c.CloseVote())
    engine.execute(c.NextStep())
    engine.execute(c.Rate(value=4), ann)
    engine.execute(c.Rate(value=5), bob)
    engine.execute(c.NextStep())
    if ended:
        engine.execute(c.EndSession())
    return Record.from_engine(engine)


@pytest.mark.parametrize("ended", [True, False])
def test_a_welsh_export_has_no_english_sentences_of_numbers_and_times(ended: bool) -> None:
    """What export/text.py says in English ("12 participants", step captions, who
    voted, removed texts) is Welsh at --language cy; only what is marked lang="en" (a
    method's text with no Welsh) is English, and participants' notes are as written."""
    page = export(full_record(ended), "html", "cy")
    welsh = [text for text, lang in langs(page.split("</style>", 1)[1]) if lang != "en"]
    assert all(any(own in text for text in welsh) for own in OWN)  # theirs, as written
    said = " ".join(welsh)
    for own in OWN:
        said = said.replace(own, "")
    found = [word for word in FIXED if re.search(rf"\b{re.escape(word)}\b", said)]
    assert found == [], said
    # And the Welsh is there in their place.
    assert "6 cyfranogwr a 4 ar bapur" not in said  # (2 phones, 4 on paper)
    assert "2 cyfranogwr a 4 ar bapur" in said
    assert "cynlluniwyd 5 mun" in said and "Tynnodd yr hwylusydd 1 testun" in said
    assert "Gosododd 1 person 1 dot ar eu ffonau, 1 arall o bapur" in said
    assert "Cymedr 4.5 o 2 sgôr" in said
    assert ("ar y gweill" in said) != ended
    assert "[wedi'i dynnu gan yr hwylusydd]" in said  # the placeholder is ours: Welsh


def test_a_bilingual_export_gives_each_sentence_in_both_marked() -> None:
    texts = langs(export(full_record(True), "html", "cy+en"))
    assert ("cynlluniwyd 5 mun", "cy") in texts and ("planned 5 min", "en") in texts
    assert ("2 cyfranogwr a 4 ar bapur", "cy") in texts
    assert ("2 participants and 4 on paper", "en") in texts
    assert ("[wedi'i dynnu gan yr hwylusydd]", "cy") in texts


def test_an_english_export_keeps_its_sentences() -> None:
    page = export(full_record(True), "html")
    assert "2 participants and 4 on paper" in page and "planned 5 min" in page
    assert "1 person placed 1 dot on their phones, 1 more from paper" in page
    assert "1 text was removed by the facilitator (personal-data: 1)." in page
