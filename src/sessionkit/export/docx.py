"""The record as a Word document (``.docx``), for the people who will edit it in Word.

Made from the Markdown export, not beside it: the Markdown writer already decides what
the record says and in what order (themes with their notes, ties, paper dots, actions),
so the Word document is that text parsed by a real CommonMark parser (markdown-it, which
Rich already depends on) and laid out with python-docx. A second writer of the same
sections would drift from the first.

Participant text arrives as the parser's plain text tokens and goes into Word as plain
runs: nothing in it becomes a field, a hyperlink or formatting. Headings use Word's own
heading styles and tables mark their header row, so Word's navigation pane, its
accessibility checker and screen readers find the structure.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

from sessionkit.core.record import Record
from sessionkit.export import markdown

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold (lxml refuses them): dropped, as a phone could send
one and the export must still be made."""

_PARSER = MarkdownIt("commonmark").enable("table")


def render(record: Record) -> bytes:
    """The record as the bytes of a ``.docx`` file."""
    document = Document()
    properties = document.core_properties
    properties.title = _clean(record.plan.title)
    properties.author = ""  # python-docx's template says "python-docx"
    properties.comments = "Made by sessionkit"
    if record.started_at is not None:
        properties.created = properties.modified = _utc(record.started_at)
    _Writer(document).write(_PARSER.parse(markdown.render(record)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _utc(timestamp: float) -> dt.datetime:
    """Word keeps document times as naive UTC."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).replace(tzinfo=None)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass
class _Cell:
    inline: Token
    right: bool


@dataclass
class _Table:
    rows: list[list[_Cell]] = field(default_factory=list)
    header_rows: int = 0


class _Writer:
    """Walks markdown-it's block tokens, keeping the list nesting and a table being read."""

    def __init__(self, document: WordDocument) -> None:
        self.document = document
        self.lists: list[str] = []
        """Open lists, outermost first: ``"bullet"`` or ``"number"``."""
        self.number = ""
        """The number of the ordered list's item being read (markdown-it's ``info``)."""
        self.items_open = 0
        self.first_paragraph_in_item = False
        self.table: _Table | None = None
        self.in_head = False
        self.cell_right = False
        """The cell being read is right-aligned (its th/td came before its text)."""
        self.heading: int | None = None

    def write(self, tokens: list[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind == "heading_open":
                self.heading = int(token.tag[1:])
            elif kind == "heading_close":
                self.heading = None
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.lists.append("bullet" if kind == "bullet_list_open" else "number")
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.first_paragraph_in_item = True
                self.number = token.info
            elif kind == "table_open":
                self.table = _Table()
            elif kind == "thead_open":
                self.in_head = True
            elif kind == "thead_close":
                self.in_head = False
            elif kind == "tr_open" and self.table is not None:
                self.table.rows.append([])
                self.table.header_rows += self.in_head
            elif kind in ("th_open", "td_open"):
                self.cell_right = "right" in str(token.attrs.get("style", ""))
            elif kind == "table_close" and self.table is not None:
                self._table(self.table)
                self.table = None
            elif kind == "inline":
                self._inline_block(token)
            elif kind == "hr":
                self._rule()
            elif kind in ("code_block", "fence", "html_block"):
                self._runs(self.document.add_paragraph(), [_text(token.content.rstrip("\n"))])

    def _inline_block(self, token: Token) -> None:
        if self.table is not None:
            self.table.rows[-1].append(_Cell(token, self.cell_right))
            return
        if self.heading is not None:
            paragraph = self.document.add_heading(level=min(self.heading, 9))
        elif self.lists:
            paragraph = self._list_paragraph()
        else:
            paragraph = self.document.add_paragraph()
        self._runs(paragraph, token.children or [])

    def _list_paragraph(self) -> Paragraph:
        """A bullet in Word's own list style; a numbered item as its number written out
        in a plain list style, since Word's numbered styles share one count across the
        document and would not restart at each list."""
        depth = min(len(self.lists), 3)
        level = f" {depth}" if depth > 1 else ""
        if not self.first_paragraph_in_item:  # a second paragraph of the same item
            return self.document.add_paragraph(style=f"List Continue{level}")
        self.first_paragraph_in_item = False
        if self.lists[-1] == "bullet":
            return self.document.add_paragraph(style=f"List Bullet{level}")
        paragraph = self.document.add_paragraph(style=f"List{level}")
        paragraph.add_run(f"{self.number}. ")
        return paragraph

    def _runs(self, paragraph: Paragraph, children: list[Token]) -> None:
        bold = italic = False
        link: str | None = None
        for child in children:
            kind = child.type
            if kind == "strong_open":
                bold = True
            elif kind == "strong_close":
                bold = False
            elif kind == "em_open":
                italic = True
            elif kind == "em_close":
                italic = False
            elif kind == "link_open":
                link = str(child.attrs.get("href", ""))
            elif kind == "link_close":
                if link:
                    paragraph.add_run(f" ({_clean(link)})")
                link = None
            elif kind in ("softbreak", "hardbreak"):
                paragraph.add_run().add_break()  # a note's own line breaks
            elif kind in ("text", "code_inline", "html_inline"):
                run = paragraph.add_run(_clean(child.content))
                run.bold = bold or None
                run.italic = italic or None

    def _table(self, table: _Table) -> None:
        columns = max((len(row) for row in table.rows), default=0)
        if not columns:
            return
        word = self.document.add_table(rows=len(table.rows), cols=columns)
        word.style = "Table Grid"
        word.alignment = WD_TABLE_ALIGNMENT.LEFT
        for r, row in enumerate(table.rows):
            header = r < table.header_rows
            if header:
                _repeat_as_header(word.rows[r])
            for c, cell in enumerate(row):
                paragraph = word.cell(r, c).paragraphs[0]
                if cell.right:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                self._runs(paragraph, cell.inline.children or [])
                if header:
                    for run in paragraph.runs:
                        run.bold = True
        self.document.add_paragraph()  # Word runs a following table or heading into it

    def _rule(self) -> None:
        """A thematic break as a paragraph with a bottom border (Word has no <hr>)."""
        paragraph = self.document.add_paragraph()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
            bottom.set(qn(f"w:{name}"), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)


def _repeat_as_header(row: object) -> None:
    """Mark a table row as a header row: Word repeats it on each page, and screen
    readers announce it as the column headings."""
    tr = row._tr  # type: ignore[attr-defined]
    tr_pr = tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)
