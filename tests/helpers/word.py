"""Reading a Word export back as text, so tests can hold it to what the other formats say."""

from __future__ import annotations

import io

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from sessionkit.core.record import Record
from sessionkit.export import FORMATS, export, export_bytes


def word_text(data: bytes) -> str:
    """The document's text in reading order: one line a paragraph, a table's cells
    joined by `` | `` a row."""
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(" | ".join(cell.text for cell in row.cells) for row in block.rows)
    return "\n".join(lines)


def readable(record: Record, fmt: str) -> str:
    """The export in ``fmt`` as text: a Word file read back, any other format as it is."""
    if FORMATS[fmt].binary:
        return word_text(export_bytes(record, fmt))
    return export(record, fmt)
