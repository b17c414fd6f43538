"""Welsh and English: which languages a run speaks, and the Welsh a method may carry.

A method's participant-facing texts are written in English; each may carry a Welsh
text in a ``cy`` table beside it, written as TOML dotted keys (``cy.prompt = "..."``
inside a step, ``cy.label = "..."`` inside a category). A field cannot be both a string
and a table in TOML, so ``prompt.cy`` is impossible while ``prompt = "..."`` stays;
``cy.prompt`` reads the same way, keeps every English field a plain string (nothing
that reads a prompt changes) and puts one language's texts together.

Where a Welsh text is missing the English one is shown: a page never goes blank.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sessionkit.core.fields import VARIABLE, FieldPath, Strict
from sessionkit.core.text import CleanStr

LANGUAGES = ("en", "cy", "cy+en")
"""What ``--language`` takes: English, Welsh, or both (Welsh first, as the Welsh
Language Standards ask of bilingual text)."""

NAMES = {"en": "English", "cy": "Cymraeg", "cy+en": "Cymraeg a Saesneg / Welsh and English"}


def parse_language(text: str) -> str:
    """``text`` as one of :data:`LANGUAGES`, or a ValueError that says what is allowed."""
    value = text.strip().lower().replace(" ", "")
    value = {"en+cy": "cy+en", "welsh": "cy", "english": "en"}.get(value, value)
    if value not in LANGUAGES:
        raise ValueError(
            f"'{text}' is not a language sessionkit speaks: use cy (Cymraeg), en (English) "
            "or cy+en (both, Welsh first)"
        )
    return value


def parts(language: str) -> tuple[str, ...]:
    """The languages shown, in order: ``("cy", "en")`` for bilingual."""
    return ("cy", "en") if language == "cy+en" else (language,)


# ---------------------------------------------------------------- Welsh in methods


class StepWelsh(Strict):
    """A step's title and prompt in Welsh (``cy.title``, ``cy.prompt``)."""

    title: CleanStr = Field(default="", max_length=120)
    prompt: CleanStr = ""


class LabelWelsh(Strict):
    """A category's, region's or team's label and hint in Welsh."""

    label: CleanStr = ""
    hint: CleanStr = ""


class CriterionWelsh(Strict):
    """A rank criterion's label and the words at its scale's ends in Welsh
    (``cy.label``, ``cy.low_label``, ``cy.high_label``); the English id stays the one
    phones send, so results are the same whatever language a phone shows."""

    label: CleanStr = Field(default="", max_length=40)
    low_label: CleanStr = Field(default="", max_length=40)
    high_label: CleanStr = Field(default="", max_length=40)


class RatingWelsh(Strict):
    """A rating's question and scale labels in Welsh (``cy.labels`` as many as ``labels``)."""

    question: CleanStr = ""
    labels: list[CleanStr] = Field(default_factory=list)


class SortWelsh(Strict):
    """A sort's buckets in Welsh, in the same order (the English names stay the ids)."""

    buckets: list[Annotated[CleanStr, Field(min_length=1, max_length=40)]] = Field(
        default_factory=list
    )


def pick(english: str, welsh: str, language: str) -> str:
    """The text to show in a single ``language``: the Welsh if asked for and written."""
    return welsh if language == "cy" and welsh else english


def welsh_gaps(method: object) -> list[FieldPath]:
    """Participant-facing fields of ``method`` (a :class:`~sessionkit.core.method.Method`)
    that have no Welsh: each step's title and prompt, and the labels of its categories,
    regions, rows, columns, teams and rank criteria, a rating's question and a sort's
    buckets."""
    gaps: list[FieldPath] = []
    for s, step in enumerate(getattr(method, "steps", ())):
        cy = step.cy or StepWelsh()
        for name in ("title", "prompt"):
            if not getattr(cy, name):
                gaps.append(("steps", s, name))
        spec = step.input
        for table in ("regions", "rows", "columns", "categories", "teams", "criteria"):
            for n, entry in enumerate(getattr(spec, table, ())):
                if VARIABLE.fullmatch(entry.label.strip()):
                    continue  # only a plan's value (``{{period_1}}``): nothing to translate
                if entry.cy is None or not entry.cy.label:
                    gaps.append(("steps", s, "input", table, n, "label"))
        if spec.kind == "rating" and spec.question and not (spec.cy and spec.cy.question):
            gaps.append(("steps", s, "input", "question"))
        if spec.kind == "sort" and not (spec.cy and spec.cy.buckets):
            gaps.append(("steps", s, "input", "buckets"))
    return gaps


def welsh_problems(method: object) -> list[tuple[FieldPath, str]]:
    """Welsh lists that do not match their English ones (a bucket or label short)."""
    problems: list[tuple[FieldPath, str]] = []
    for s, step in enumerate(getattr(method, "steps", ())):
        spec, where = step.input, ("steps", s, "input", "cy")
        if spec.kind == "sort" and spec.cy and spec.cy.buckets:
            if len(spec.cy.buckets) != len(spec.buckets):
                problems.append(
                    (
                        (*where, "buckets"),
                        f"has {len(spec.cy.buckets)} Welsh buckets for "
                        f"{len(spec.buckets)} English ones (give one for each, in order)",
                    )
                )
        if spec.kind == "rating" and spec.cy and spec.cy.labels:
            if len(spec.cy.labels) != len(spec.labels):
                problems.append(
                    (
                        (*where, "labels"),
                        f"has {len(spec.cy.labels)} Welsh labels for "
                        f"{len(spec.labels)} English ones (give one for each, in order)",
                    )
                )
    return problems
