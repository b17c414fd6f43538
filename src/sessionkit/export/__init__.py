"""Exports: a run's :class:`~sessionkit.core.record.Record` as Markdown, HTML, Word,
CSV, JSON or TOML. Each is a pure function of the record, so any of them can be made mid-session
or after a crash.

>>> text = export(record, "md")
>>> FORMATS["html"].extension
'html'

Markdown, HTML, Word and CSV are for people: hidden (moderated) notes are left out, and an
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
from sessionkit.export import docx as _docx
from sessionkit.export import html as _html
from sessionkit.export import json as _json
from sessionkit.export import markdown as _markdown
from sessionkit.export import toml as _toml


@dataclass(frozen=True)
class Format:
    """One export format: a row of :data:`FORMATS`."""

    name: str
    """What ``--format`` and the TUI's picker take, and the key in :data:`FORMATS`."""
    extension: str
    """File suffix, without the dot."""
    media_type: str
    title: str
    """The format's own name, for people ("Markdown")."""
    description: str
    """What it is for, in a few words (the TUI's picker shows it)."""
    render: Callable[[Record], str] | Callable[[Record], bytes]
    """The record in this format: text, or bytes where :attr:`binary`."""
    load: Callable[[str], Record] | None = None
    """Reads an export back into a Record (``None``: a report, not the record)."""
    aliases: tuple[str, ...] = ()
    """Other names accepted for it (``markdown`` for ``md``)."""
    render_in: Callable[[Record, str], str] | None = None
    """Renders in a language (en, cy or cy+en: ``--language``); ``None``: English only."""
    binary: bool = False
    """Its render gives bytes (a Word file), not text: it cannot be shown or pasted."""

    def bytes_of(self, record: Record, language: str = "en") -> bytes:
        """The file's contents (UTF-8 for a text format), in ``language`` where the
        format speaks one."""
        if self.render_in is not None and language != "en":
            return self.render_in(record, language).encode("utf-8")
        made = self.render(record)
        return made.encode("utf-8") if isinstance(made, str) else made


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "md",
            "md",
            "text/markdown; charset=utf-8",
            "Markdown",
            "Markdown, to paste into an email, wiki or issue",
            _markdown.render,
            aliases=("markdown",),
        ),
        Format(
            "html",
            "html",
            "text/html; charset=utf-8",
            "HTML",
            "a self-contained, printable web page",
            _html.render,
            aliases=("htm",),
            render_in=_html.render,
        ),
        Format(
            "docx",
            "docx",
            _docx.MEDIA_TYPE,
            "Word",
            "a Word document, to edit and share",
            _docx.render,
            aliases=("word",),
            binary=True,
        ),
        Format(
            "csv",
            "csv",
            "text/csv; charset=utf-8",
            "CSV",
            "one row per note, for spreadsheets",
            _csv.render,
        ),
        Format(
            "json",
            "json",
            "application/json",
            "JSON",
            "the full record as JSON",
            _json.render,
            load=_json.load,
        ),
        Format(
            "toml",
            "toml",
            "application/toml",
            "TOML",
            "the full record as TOML",
            _toml.render,
            load=_toml.load,
        ),
    )
}
"""Every export format, in the order they are offered; the first is the default. The
one list of them: the CLI's ``--format`` help, the TUI's export picker (handed in by
:mod:`sessionkit.live`) and the README's ``export`` line (checked by a test) follow it."""

DEFAULT = next(iter(FORMATS))
"""The format used when none is given: the first in :data:`FORMATS`."""

ALIASES: dict[str, str] = {alias: f.name for f in FORMATS.values() for alias in f.aliases}
LOADERS: dict[str, Callable[[str], Record]] = {
    f.name: f.load for f in FORMATS.values() if f.load is not None
}


def format_named(fmt: str) -> Format:
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}' (expected: {', '.join(FORMATS)})")
    return FORMATS[name]


def export(record: Record, fmt: str, language: str = "en") -> str:
    """The record in one text format (a name in :data:`FORMATS`, or one of its aliases),
    in ``language`` where the format speaks one (HTML; the others are English);
    :func:`export_bytes` gives any format, Word's included."""
    chosen = format_named(fmt)
    if chosen.binary:
        raise ValueError(f"{chosen.title} ('{chosen.name}') is a file, not text: use export_bytes")
    return chosen.bytes_of(record, language).decode("utf-8")


def export_bytes(record: Record, fmt: str, language: str = "en") -> bytes:
    """The record in one format, as the bytes of its file."""
    return format_named(fmt).bytes_of(record, language)


def load_record(text: str, fmt: str) -> Record:
    """Read a JSON or TOML export back into a :class:`Record`."""
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in LOADERS:
        readable = " and ".join(LOADERS)
        raise ValueError(f"only {readable} exports can be read back, not '{fmt}'")
    return LOADERS[name](text)


__all__ = [
    "ALIASES",
    "DEFAULT",
    "FORMATS",
    "Format",
    "Record",
    "export",
    "export_bytes",
    "format_named",
    "load_record",
]
