"""Exports: a run's :class:`~sessionkit.core.record.Record` as Markdown, HTML, CSV, JSON
or TOML. Each is a pure function of the record, so any of them can be made mid-session
or after a crash.

>>> text = export(record, "md")
>>> FORMATS["html"].extension
'html'

Markdown, HTML and CSV are for people: hidden (moderated) notes are left out, and an
author's name appears only on notes from named steps. JSON and TOML are the full record
(hidden notes included, marked ``hidden``); :func:`load_record` reads either back.
Records are de-identified when made (see :mod:`sessionkit.core.record`), so no format
can tie an anonymous note, a vote or a rating to a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sessionkit.core.record import Record
from sessionkit.export import csv as _csv
from sessionkit.export import html as _html
from sessionkit.export import json as _json
from sessionkit.export import markdown as _markdown
from sessionkit.export import toml as _toml


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    description: str
    render: Callable[[Record], str]


FORMATS: dict[str, Format] = {
    "md": Format("md", "md", "text/markdown; charset=utf-8",
                 "Markdown, to paste into an email, wiki or issue", _markdown.render),
    "html": Format("html", "html", "text/html; charset=utf-8",
                   "a self-contained, printable web page", _html.render),
    "csv": Format("csv", "csv", "text/csv; charset=utf-8",
                  "one row per note, for spreadsheets", _csv.render),
    "json": Format("json", "json", "application/json",
                   "the full record as JSON", _json.render),
    "toml": Format("toml", "toml", "application/toml",
                   "the full record as TOML", _toml.render),
}
ALIASES = {"markdown": "md", "htm": "html"}
LOADERS: dict[str, Callable[[str], Record]] = {"json": _json.load, "toml": _toml.load}


def format_named(fmt: str) -> Format:
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}' (expected: {', '.join(FORMATS)})")
    return FORMATS[name]


def export(record: Record, fmt: str) -> str:
    """The record in one format (``md``, ``html``, ``csv``, ``json`` or ``toml``)."""
    return format_named(fmt).render(record)


def load_record(text: str, fmt: str) -> Record:
    """Read a JSON or TOML export back into a :class:`Record`."""
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in LOADERS:
        raise ValueError(f"only json and toml exports can be read back, not '{fmt}'")
    return LOADERS[name](text)


__all__ = ["ALIASES", "FORMATS", "Format", "Record", "export", "format_named", "load_record"]
