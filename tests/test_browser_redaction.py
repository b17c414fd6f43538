"""Two phones in Chromium when the facilitator removes a note's text: the group's shared
list shows [removed by the facilitator] on both, and its Edit button is off."""

from __future__ import annotations

from pathlib import Path

from helpers.phones import phone_room, screenshots
from helpers.waiting import until
from redaction_plan import PAIRS, SECRET, every_text_engine, go
from sessionkit.core import commands as c
from sessionkit.core.redaction import REMOVED_TEXT
from sessionkit.web import create_app
from test_browser import pytestmark  # noqa: F401 (pytestmark: skip without Chromium)
from test_web import fast_limits

TOKEN = "browser-redact-token-9"


async def test_both_phones_see_the_removed_text_and_cannot_edit_it(tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    engine = every_text_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        phones = []
        for name in ("Ann", "Bo"):
            page = await room.join(name, console=False)
            phones.append(page)
        await until(lambda: len(engine.state.participants) == 2, "both joined")
        go(engine, PAIRS)
        ann, bo = phones
        await expect(ann.locator("#group-panel")).to_be_visible()
        await ann.fill("#note-text", SECRET)
        await ann.click("#note-add")
        note = await until(lambda: next(iter(engine.state.notes_in(PAIRS)), None), "a note")
        for page in phones:
            await expect(page.locator("#my-notes")).to_contain_text("Zanzibar-7731")
        engine.execute(c.RedactText(item=note.id, reason="safeguarding"))
        for page in phones:
            mine = page.locator("#my-notes li.note")
            await expect(mine.first).to_contain_text(REMOVED_TEXT)
            await expect(page.locator("#my-notes")).not_to_contain_text("Zanzibar")
            await expect(mine.first).to_have_class("note redacted")
            await expect(mine.first.get_by_role("button", name="Edit")).to_be_disabled()
        await bo.screenshot(path=str(shots / "redacted-group-note.png"), full_page=True)
        assert not problems, problems
