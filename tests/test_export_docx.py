"""The Word export: what the Markdown says, in Word's own structure, with participant
text kept as plain text (the format-wide rules, such as names only on named notes and
removed text staying removed, are held for every format in test_export.py and
test_redaction_record.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt

from helpers import sample
from sessionkit.cli import main
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.plan import Plan
from sessionkit.core.record import Record
from sessionkit.export import FORMATS, export, export_bytes, format_named

HOSTILE = "**bold** =1+1 <b>x</b> [site](http://evil.example) {MERGEFIELD x}\nsecond line"


def played() -> Record:
    clock = sample.Clock()
    engine = Engine(sample.plan(), sample.methods(), clock=clock)
    sample.play(engine, clock, end=False)
    engine.execute(c.AddNote(text=HOSTILE, category="rose", step=sample.NAMED))
    return Record.from_engine(engine)


def markdown_blocks(text: str) -> list[str]:
    """The Markdown export's text, block by block, as a CommonMark reader sees it."""
    blocks = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "inline":
            parts = []
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    parts.append("\n")
                elif child.type in ("text", "code_inline", "html_inline"):
                    parts.append(child.content)
                elif child.type == "link_close":
                    parts.append("")  # the link's address follows in Word, checked apart
            blocks.append("".join(parts))
    return blocks


def word_blocks(data: bytes) -> list[str]:
    """The document's paragraphs and table cells in reading order, leaving out the
    empty paragraphs Word needs between tables and headings."""
    blocks = []
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text:
                blocks.append(block.text)
        elif isinstance(block, Table):
            blocks.extend(cell.text for row in block.rows for cell in row.cells)
    return blocks


def test_the_word_document_says_what_the_markdown_says() -> None:
    record = played()
    assert word_blocks(export_bytes(record, "docx")) == markdown_blocks(export(record, "md"))


def test_participant_text_is_plain_text_in_word() -> None:
    data = export_bytes(played(), "docx")
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    # No hyperlink, field or formatting came from what a participant typed.
    for markup in ("<w:hyperlink", "<w:fldSimple", "<w:instrText"):
        assert markup not in body
    document = Document(io.BytesIO(data))
    [note] = [p for p in document.paragraphs if p.text.startswith("**bold**")]
    assert note.text.startswith(HOSTILE)  # the note's own line break kept as one
    assert not any(run.bold for run in note.runs if "bold" in run.text)


def test_word_structure_headings_lists_and_a_header_row() -> None:
    record = played()
    document = Document(io.BytesIO(export_bytes(record, "docx")))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[0] == ("Heading 1", record.plan.title)
    assert ("Heading 2", "Plan and actual") in headings
    assert ("Heading 2", "Actions agreed") in headings
    assert any(style == "Heading 3" for style, _ in headings)
    assert any(p.style.name == "List Bullet" for p in document.paragraphs)
    agenda = document.tables[0]
    assert [cell.text for cell in agenda.rows[0].cells][:2] == ["#", "Item"]
    assert agenda.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # announced as headings
    assert all(run.bold for run in agenda.rows[0].cells[1].paragraphs[0].runs)
    assert document.core_properties.title == record.plan.title
    assert document.core_properties.author == ""


def test_text_xml_cannot_hold_is_dropped_not_fatal() -> None:
    """TOML can spell control characters (``\\u000b``) in a plan's title; Word can't
    hold them, so they are left out rather than failing the export."""
    plan = Plan.model_validate(sample.plan().model_dump(by_alias=True) | {"title": "Day\x0bone"})
    record = Record.from_engine(Engine(plan, sample.methods(), clock=sample.Clock()))
    document = Document(io.BytesIO(export_bytes(record, "docx")))
    assert document.paragraphs[0].text == "Dayone"


def test_word_is_a_file_not_text() -> None:
    assert FORMATS["docx"].binary and format_named("word").name == "docx"
    record = played()
    try:
        export(record, "docx")
    except ValueError as error:
        assert "export_bytes" in str(error)
    else:
        raise AssertionError("export() gave text for a Word file")


def test_the_export_command_writes_a_word_file(tmp_path: Path, capsys) -> None:
    from sessionkit import store

    records = tmp_path / "records"
    clock = sample.Clock()
    run = store.create_run(records, sample.plan(), sample.methods(), clock=clock)
    sample.play(run.engine, clock)
    run.close()
    target = tmp_path / "record.docx"
    assert main(["export", str(run.folder), "--format", "word", "-o", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    assert Document(str(target)).paragraphs[0].text == sample.plan().title
