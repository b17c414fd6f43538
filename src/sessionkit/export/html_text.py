"""The HTML export's sentences made from numbers and times, in the run's language: the
header's facts ("12 participants", the date), each step's caption ("planned 10 min ·
took 12 min (+2 min) · notes, anonymous"), who voted, how many texts were removed, and
the agenda's minutes.

The English is :mod:`sessionkit.export.text`'s, unchanged (the Markdown and CSV exports
share it); the Welsh is built beside it from the same numbers. A piece with no Welsh
here (a rank's or sort's caption, which names the method's own labels) is shown in
English marked ``lang="en"``, as :func:`.html_words.both` does. Every result is escaped
HTML. The Welsh is a DRAFT, like the rest (docs/authoring.md, Welsh): a number is
followed by the singular noun, as Welsh does ("12 cyfranogwr").
"""

from __future__ import annotations

import re

from sessionkit.core.inputs.vote import VoteInput
from sessionkit.core.record import Record, StepView, local_time, minutes_text
from sessionkit.core.redaction import removed_counts
from sessionkit.core.timeline import ItemView
from sessionkit.export.html_words import both, e, say
from sessionkit.export.text import clock_at, plural, removed_sentence, step_caption, who_voted

NOUNS = {
    "participant": "cyfranogwr",
    "note": "nodyn",
    "dot": "dot",
    "rating": "sgôr",
    "text": "testun",
    "person": "person",
}
"""The words counted, by their English: in Welsh the noun after a number is singular."""

KIND_CAPTIONS = {
    "notes, anonymous": "nodiadau, dienw",
    "notes, with names": "nodiadau, gydag enwau",
    "canvas, anonymous": "cynfas, dienw",
    "canvas, with names": "cynfas, gydag enwau",
    "clustering": "clystyru",
    "rating": "sgorio",
    "discussion": "trafodaeth",
    "talk": "sgwrs",
    "actions": "camau gweithredu",
    "word cloud": "cwmwl geiriau",
    "review of actions": "adolygu camau gweithredu",
    "questions, upvoted": "cwestiynau, gyda phleidleisiau",
    "questions, upvoted, with names": "cwestiynau, gyda phleidleisiau, gydag enwau",
    "requests between teams": "ceisiadau rhwng timau",
    "requests between teams, with names": "ceisiadau rhwng timau, gydag enwau",
}
"""Each kind's caption (``InputSpec.caption()``) in Welsh, by its English."""

TARGETS = {"notes": "nodiadau", "clusters": "clystyrau"}
STATUS = {"ended": "wedi dod i ben", "in progress": "ar y gweill", "not started": "heb ddechrau"}
REASONS = {"safeguarding": "diogelu", "personal-data": "data personol", "other": "arall"}
DAYS = "Dydd Llun,Dydd Mawrth,Dydd Mercher,Dydd Iau,Dydd Gwener,Dydd Sadwrn,Dydd Sul".split(",")
MONTHS = (
    "Ionawr Chwefror Mawrth Ebrill Mai Mehefin Gorffennaf Awst Medi Hydref Tachwedd Rhagfyr"
).split()


def pair(english: str, welsh: str, language: str) -> str:
    """:func:`.html_words.both`, but a text the same in both (a time) is not marked."""
    return e(english) if english == welsh else both(english, welsh, language)


def counted(count: int, word: str) -> str:
    """``12 cyfranogwr``: :func:`.text.plural`'s count in Welsh."""
    return f"{count} {NOUNS[word]}"


def minutes_cy(minutes: float) -> str:
    """``45 mun``, ``1 awr 05 mun``: :func:`minutes_text` in Welsh."""
    return minutes_text(minutes).replace(" min", " mun").replace(" h", " awr")


def minutes_in(minutes: float, language: str) -> str:
    return both(minutes_text(minutes), minutes_cy(minutes), language)


def participants_in(record: Record, language: str) -> str:
    """``12 participants and 5 on paper``."""
    english = plural(record.participant_count, "participant") + record.paper_text
    paper = record.state.paper_people
    welsh = counted(record.participant_count, "participant") + (
        f" a {paper} ar bapur" if paper else ""
    )
    return both(english, welsh, language)


def day_in(timestamp: float, language: str) -> str:
    """The run's date, ``Wednesday 2 December 2026`` (bold), with Welsh names in Welsh."""
    day = local_time(timestamp)
    english = f"{day:%A} {day.day} {day:%B %Y}"
    welsh = f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"<b>{both(english, welsh, language)}</b>"


def status_in(record: Record, language: str) -> str:
    return both(record.status, STATUS.get(record.status, ""), language)


def label_in(english: str, welsh: str, value: str, language: str) -> str:
    """``roles: Housing, Health`` with its word in ``language`` and ``value`` (the plan's
    or the facilitator's own text) as written, escaped."""
    return both(english, welsh, language) + e(value)


def ended_in(timestamp: float, language: str) -> str:
    time = clock_at(timestamp)
    return both(f"ended {time}", f"daeth i ben {time}", language)


def _kind_caption(view: StepView) -> tuple[str, str]:
    """The step's input caption, in English and (where written here) in Welsh."""
    if view.step is not None:
        spec = view.step.input
        english = spec.caption()
        if isinstance(spec, VoteInput):
            target = TARGETS.get(spec.target, "")
            welsh = f"pleidlais dotiau ar {target}, {spec.dots_per_person} dot yr un"
            return english, welsh if target else ""
        return english, KIND_CAPTIONS.get(english, "")
    english = view.kind if view.kind in ("discussion", "talk") else ""
    return english, KIND_CAPTIONS.get(english, "")


def caption_in(view: StepView, language: str) -> str:
    """:func:`.text.step_caption` in ``language``, piece by piece (each piece marked with
    its ``lang`` in cy+en, the English marked where a piece has no Welsh)."""
    if language == "en":
        return e(step_caption(view))
    pieces = [(f"planned {minutes_text(view.planned_minutes)}", "")]
    pieces[0] = (pieces[0][0], f"cynlluniwyd {minutes_cy(view.planned_minutes)}")
    if view.current:
        pieces.append(("in progress", "ar y gweill"))
    elif view.actual_minutes is not None:
        over = view.overrun_minutes or 0
        english = f"took {minutes_text(view.actual_minutes)}"
        welsh = f"cymerodd {minutes_cy(view.actual_minutes)}"
        if over:
            sign = "+" if over > 0 else "−"
            english += f" ({sign}{minutes_text(abs(over))})"
            welsh += f" ({sign}{minutes_cy(abs(over))})"
        pieces.append((english, welsh))
    else:
        pieces.append(("not run", "heb ei gynnal"))
    kind = _kind_caption(view)
    if kind[0]:
        pieces.append(kind)
    if view.step is not None and view.carried_from:
        pieces.append((view.carried_from, ""))  # names the source's own titles: English
    return " · ".join(both(english, welsh, language) for english, welsh in pieces)


def voted_in(record: Record, key: str, total: int, language: str) -> str:
    """:func:`.text.who_voted` in ``language``."""
    english = who_voted(record, key, total)
    paper = record.paper_dots(key)
    people = counted(record.voters(key), "person")
    if not paper:
        welsh = f"Gosododd {people} {counted(total, 'dot')}"
    else:
        welsh = (
            f"Gosododd {people} {counted(total - paper, 'dot')} ar eu ffonau, {paper} arall o bapur"
        )
    return both(english, welsh, language)


def removed_in(record: Record, language: str) -> str:
    """:func:`.text.removed_sentence` in ``language`` (empty when nothing was removed)."""
    english = removed_sentence(record)
    if not english:
        return ""
    counts = removed_counts(record.state)
    why = ", ".join(f"{REASONS.get(reason, reason)}: {n}" for reason, n in counts.items())
    total = counted(sum(counts.values()), "text")
    return both(english, f"Tynnodd yr hwylusydd {total} ({why}).", language)


LEFT = re.compile(r"\(left after (\d+) of (\d+) steps\)")


def actual_in(item: ItemView, language: str) -> str:
    """The agenda's "actual" times (``09:30–10:05``, ``not run``, ``(in progress)``)."""
    english = item.actual_text
    welsh = english.replace("not run", "heb ei gynnal").replace("(in progress)", "(ar y gweill)")
    welsh = LEFT.sub(r"(gadawyd ar ôl \1 o \2 cam)", welsh)
    text = pair(english, welsh, language)
    if item.actual_minutes is not None:
        text += f" ({minutes_in(item.actual_minutes, language)})"
    return text


def overrun_in(item: ItemView, language: str) -> str:
    english = item.overrun_text
    if not english:
        return ""
    welsh = "ar amser" if english == "on time" else english.replace(" min", " mun")
    return pair(english, welsh.replace(" h", " awr"), language)


def mean_in(mean: float, count: int, language: str) -> str:
    """``Mean <b>3.4</b> from 12 ratings`` (the number in bold) in ``language``."""
    english = f"Mean <b>{mean:.1f}</b> from {e(plural(count, 'rating'))}"
    welsh = f"Cymedr <b>{mean:.1f}</b> o {e(counted(count, 'rating'))}"
    if language == "cy":
        return welsh
    if language == "cy+en":
        return f'<span lang="cy">{welsh}</span> / <span lang="en">{english}</span>'
    return english


def agenda(items: list[ItemView], language: str) -> str:
    """The plan-and-actual table: each item's planned and actual times and minutes."""
    rows = []
    for item in items:
        over = item.overrun_minutes
        css = "over" if over and over > 0 else "under" if over and over < 0 else ""
        actual = actual_in(item, language)
        pause = ' class="pause"' if item.kind not in ("method", "talk") else ""
        talk = " " + say("(talk)", language) if item.kind == "talk" else ""
        rows.append(
            f'<tr{pause}><td class="n">{item.index + 1}</td><td>{e(item.title)}{talk}</td>'
            f'<td class="t">{e(item.planned_text)} ({minutes_in(item.planned_minutes, language)})'
            f'</td><td class="t">{actual}</td>'
            f'<td class="t {css}">{overrun_in(item, language)}</td></tr>'
        )
    heads = "".join(f"<th>{say(h, language)}</th>" for h in ("Item", "Planned", "Actual"))
    return (
        f'<div class="scroll"><table><thead><tr><th class="n">#</th>{heads}'
        f"<th>{say('Over / under', language)}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


PHRASES = {
    "the group's pick": "dewis y grŵp",
    "on paper": "ar bapur",
    "action: ": "cam gweithredu: ",
    "parking lot": "maes parcio",
}
"""A note card's and a theme's few fixed words, by their English."""


def phrase(english: str, language: str) -> str:
    return both(english, PHRASES[english], language)


def count_in(count: int, word: str, language: str) -> str:
    """``3 notes`` (:func:`.text.plural`) in ``language``."""
    return both(plural(count, word), counted(count, word), language)


def count_title(count: int, word: str, language: str) -> str:
    """:func:`count_in` for an attribute (no ``lang`` marks possible there)."""
    english, welsh = plural(count, word), counted(count, word)
    text = {"en": english, "cy": welsh}.get(language, f"{welsh} / {english}")
    return e(text)


def theme_count(notes: int, dots: int, language: str, *, parking: bool | None = None) -> str:
    """A theme's ``3 notes · 2 dots on the theme`` (its heading) or, with ``parking``
    given, ``3 notes · 2 dots · parking lot`` (the list of themes)."""
    parts = [count_in(notes, "note", language)]
    if dots and parking is None:
        english, welsh = f"{plural(dots, 'dot')} on the theme", f"{counted(dots, 'dot')} ar y thema"
        parts.append(both(english, welsh, language))
    elif dots:
        parts.append(count_in(dots, "dot", language))
    if parking:
        parts.append(phrase("parking lot", language))
    return " · ".join(parts)


def hidden_in(count: int, language: str) -> str:
    """``2 notes hidden by the facilitator are not shown.``"""
    verb = "is" if count == 1 else "are"
    english = f"{plural(count, 'note')} hidden by the facilitator {verb} not shown."
    welsh = f"Ni ddangosir {counted(count, 'note')} a guddiwyd gan yr hwylusydd."
    return both(english, welsh, language)
