"""The HTML record prints as an A4 document, each agenda item from a new page: printed
to PDF by Chromium (what "Print to PDF" does) and the PDF's pages counted and measured."""

from __future__ import annotations

import re
from pathlib import Path

from factories import make_engine, make_method, make_plan, step
from sessionkit.core import commands as c
from sessionkit.core.record import Record
from sessionkit.export import export
from test_browser import ARGS, CHROMIUM, playwright_api, pytestmark  # noqa: F401

A4_POINTS = (595.3, 841.9)  # 210 x 297 mm at 72 points an inch


async def test_the_html_record_prints_on_a4_with_an_item_a_page(tmp_path: Path) -> None:
    # Three short items: on one page together, were it not for the page breaks.
    method = make_method("jot", [step("jot", {"kind": "notes"})])
    engine = make_engine(make_plan([{"method": "jot"}] * 3), {"jot": method})
    engine.execute(c.StartSession())
    for item in range(3):
        engine.execute(c.GoTo(item=item, step=0))
        engine.execute(c.AddNote(text=f"A short note in item {item + 1}"))
    record = Record.from_engine(engine)
    page_file = tmp_path / "record.html"
    page_file.write_text(export(record, "html"), encoding="utf-8")
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page()
            await page.goto(page_file.as_uri())
            pdf = await page.pdf(prefer_css_page_size=True, print_background=True)
        finally:
            await browser.close()
    (tmp_path / "record.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "the PDF names no page size"
    for width, height in boxes:
        assert abs(float(width) - A4_POINTS[0]) < 2 and abs(float(height) - A4_POINTS[1]) < 2
    # The front matter, then a page for each agenda item, then the actions.
    assert len(boxes) == 1 + 3 + 1, len(boxes)
