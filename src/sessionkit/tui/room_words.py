"""The room view's own words (``v``: what the projector shows) in the run's language:
English, Welsh, or both (Welsh first, then " / " and the English), as ``--language``
says. A terminal has no ``lang`` attribute, so both languages share a line.

The Welsh is the phone and room pages' (web/static/strings/cy.json), a DRAFT to be
checked by a fluent Welsh speaker like the rest (docs/authoring.md, Welsh); a test holds
the two to the same words. Participants' text never comes here.
"""

from __future__ import annotations

WELSH = {
    "Starting soon": "Yn dechrau cyn bo hir",
    "The session has ended. Thank you!": "Mae'r sesiwn wedi dod i ben. Diolch!",
    "A talk": "Sgwrs",
    "Back at {time}": "Yn ôl am {time}",
    "(input paused)": "(mewnbwn wedi'i oedi)",
    "Break": "Egwyl",
    "Thank you for taking part.": "Diolch am gymryd rhan.",
    "Scan the code to join from your phone.": "Sganiwch y cod i ymuno o'ch ffôn.",
    "Notes will appear here when they are revealed.": (
        "Bydd nodiadau'n ymddangos yma pan gânt eu datgelu."
    ),
    "Add your notes on your phone.": "Ychwanegwch eich nodiadau ar eich ffôn.",
    "Send a word or two from your phone: they appear here as a cloud.": (
        "Anfonwch air neu ddau o'ch ffôn: maen nhw'n ymddangos yma fel cwmwl."
    ),
    "Ask your questions on your phone, and upvote the ones you want answered.": (
        "Gofynnwch eich cwestiynau ar eich ffôn, a phleidleisiwch dros y rhai rydych am "
        "gael ateb iddynt."
    ),
    "The actions we agree appear here: what, who and by when.": (
        "Mae'r camau gweithredu a gytunwn yn ymddangos yma: beth, pwy ac erbyn pryd."
    ),
    "Average {average}": "Cyfartaledd {average}",
    # The headings of notes in no category, region or group.
    "No kind": "Dim math",
    "Not placed": "Heb ei osod",
    "For the whole room": "I'r ystafell gyfan",
    # The countdown's status line (short: it has 25 columns).
    "not started": "heb ddechrau",
    "session ended": "sesiwn wedi gorffen",
    "TIME UP": "AMSER AR BEN",
    "running": "yn rhedeg",
    "paused": "wedi'i oedi",
    "of {time}": "o {time}",
    "space starts": "bylchwr i ddechrau",
    "silent": "tawel",
    # The join panel ({code} is the short code, drawn in bold).
    "First, join the Wi-Fi:": "Yn gyntaf, ymunwch â'r Wi-Fi:",
    "Password:": "Cyfrinair:",
    "Joining is closed.": "Mae ymuno ar gau.",
    "Then join the session:": "Yna ymunwch â'r sesiwn:",
    "Join on your phone": "Ymunwch ar eich ffôn",
    "or type {code} at": "neu teipiwch {code} yn",
    "type {code} at": "teipiwch {code} yn",
    "Or go to": "Neu ewch i",
    "Go to": "Ewch i",
    "and type the code {code}:": "a theipiwch y cod {code}:",
}
"""The view's fixed words by their English."""


def both(english: str, welsh: str, language: str, between: str = " / ") -> str:
    """A text in ``language``: the Welsh (where written) for cy, the Welsh then the
    English for cy+en (``between`` them: a new line suits a prompt), else the English."""
    if language == "cy" and welsh:
        return welsh
    if language == "cy+en" and welsh and welsh != english:
        return f"{welsh}{between}{english}"
    return english


def say(english: str, language: str, between: str = " / ", **values: str) -> str:
    """One of the view's own words (a key of :data:`WELSH`) in ``language``, with
    ``values`` put in its ``{names}``."""
    text = both(english, WELSH.get(english, ""), language, between)
    return text.format(**values) if values else text


def parts(words: list[str], language: str, **values: str) -> str:
    """A line of the view's words joined with " · " (``running · of 5:00``), in
    ``language``; for cy+en the whole Welsh line, then the English one under it (pieces
    alternating between the two would be hard to read)."""
    english = " · ".join(words).format(**values)
    welsh = " · ".join(WELSH.get(word, word) for word in words).format(**values)
    return both(english, welsh, language, between="\n")
