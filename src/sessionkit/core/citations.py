"""A method's sources: what each says about itself, and what an adaptation owes.

Kept apart from :mod:`sessionkit.core.method`: the rules a licence sets (credit, a link
to it, what was changed) and how a reader is told them (``Source.details``, used by
``sessionkit show`` and the home screen alike, so the two never disagree).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from sessionkit.core.fields import FieldPath, Strict
from sessionkit.core.text import CleanStr

UNCONFIRMED = "(link not confirmed)"
"""Said after a source's link that nobody has confirmed (``url_status``)."""


class Source(Strict):
    title: CleanStr = Field(min_length=1)
    author: CleanStr = ""
    url: str = ""
    url_status: Literal["confirmed", "unconfirmed"] = "unconfirmed"
    """Whether someone opened ``url`` and found the source there (on ``checked``).
    Unconfirmed until a person says so: a link nobody checked is shown as such."""
    checked: dt.date | None = Field(default=None, strict=False)  # "2026-12-02" is fine too
    """When the link and the licence were last checked."""
    licence: CleanStr = ""
    licence_url: str = ""
    """Where the licence text is (for a Creative Commons licence, its deed)."""
    attribution: CleanStr = ""
    """The attribution wording the source asks for, as it asks for it."""
    changes: CleanStr = ""
    """What this text changed from the source (a licence such as CC BY-SA asks for it)."""
    relation: Literal["adapted from", "inspired by", "cites", "see also"] = "inspired by"

    def details(self) -> list[tuple[str, str]]:
        """(label, text) of what a reader is told under the source's title, in order:
        the link (marked when nobody has confirmed it), the licence and, for a licence
        that asks for them, the attribution, what we changed and when it was checked."""
        lines: list[tuple[str, str]] = []
        if self.url:
            mark = "" if self.url_status == "confirmed" else f" {UNCONFIRMED}"
            lines.append(("Link", self.url + mark))
        licence = self.licence or "not stated"
        lines.append(("Licence", f"{licence}, {self.licence_url}" if self.licence_url else licence))
        if self.attribution:
            lines.append(("Attribution", self.attribution))
        if self.changes:
            lines.append(("Changes", self.changes))
        if self.checked is not None:
            lines.append(("Checked", f"{self.checked.day} {self.checked:%B %Y}"))
        return lines

    @property
    def asks_attribution(self) -> bool:
        """Is this an adaptation of a text under a Creative Commons BY licence (BY, BY-SA,
        BY-NC...), which asks for credit, a link to the licence and what was changed?"""
        return self.relation == "adapted from" and licence_key(self.licence).startswith("cc-by")


def licence_key(licence: str) -> str:
    """A licence name as one comparable word: "CC BY-SA 4.0" and "cc-by-sa-4.0" are both
    ``cc-by-sa-4.0`` (an SPDX identifier, where the licence has one)."""
    return "-".join(licence.casefold().replace("_", " ").replace("-", " ").split())


def _deed(licence: str) -> str:
    """The Creative Commons deed of a CC BY* licence, when its name gives a version."""
    parts = licence_key(licence).split("-")
    if len(parts) >= 3 and parts[0] == "cc" and parts[-1].replace(".", "").isdigit():
        return f"https://creativecommons.org/licenses/{'-'.join(parts[1:-1])}/{parts[-1]}/"
    return ""


def source_problems(sources: list[Source]) -> list[tuple[FieldPath, str]]:
    """An adaptation of a CC BY* text must credit it as its licence asks: where the
    licence is, the attribution wording, what we changed, and when that was checked."""
    problems: list[tuple[FieldPath, str]] = []
    for index, source in enumerate(sources):
        if source.url_status == "confirmed" and not source.url:
            problems.append(
                (("sources", index, "url_status"), f"'{source.title}' has no url to confirm")
            )
        elif source.url_status == "confirmed" and source.checked is None:
            problems.append(
                (
                    ("sources", index, "checked"),
                    f"'{source.title}': say when its link was confirmed (checked = 2026-12-02)",
                )
            )
        if not source.asks_attribution:
            continue
        what = f"'{source.title}' is adapted from a {source.licence} text, so it must"
        deed = _deed(source.licence)
        wanted = [
            (
                "licence_url",
                source.licence_url,
                "say where the licence is"
                + (f' (licence_url = "{deed}")' if deed else " (licence_url = ...)"),
            ),
            (
                "attribution",
                source.attribution,
                'give the attribution wording the source asks for (attribution = "...")',
            ),
            (
                "changes",
                source.changes,
                'say what this text changed from it (changes = "What we changed: ...")',
            ),
            (
                "checked",
                source.checked,
                "say when the licence was last checked (a date: checked = 2026-12-02)",
            ),
        ]
        for key, value, need in wanted:
            if key == "checked" and source.url_status == "confirmed":
                continue  # already reported above, when it lacks a date
            if not value:
                problems.append((("sources", index, key), f"{what} {need}"))
    return problems
