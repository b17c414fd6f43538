"""Phones in a browser test: a page the size of a phone, whose script errors and console
errors are collected (a test fails on them), joined under a name; and :func:`phone_room`,
the server and the browser they need, started and always stopped."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.waiting import SAFETY_MS, start_server

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium: Playwright drives it, downloading no browser of its own."""
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Without the networking flags Chromium tries hosts this closed network refuses."""

PHONE = {"width": 360, "height": 740}
"""A common small phone, in CSS pixels."""


async def open_phone(browser: Any, url: str, problems: list[str], *, console: bool = True) -> Any:
    """A new phone (its own context: cookies and storage apart) on ``url``; its page
    errors, and with ``console`` its console errors, are added to ``problems``."""
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    if console:
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    await page.goto(url)
    return page


async def join_phone(
    browser: Any, url: str, name: str, problems: list[str], *, console: bool = True
) -> Any:
    """A phone that has joined under ``name`` (not waiting for what it shows next)."""
    page = await open_phone(browser, url, problems, console=console)
    await page.fill("#name", name)
    await page.click("#join-named")
    return page


@dataclass
class PhoneRoom:
    """A served app and a browser to open phones on it."""

    url: str
    """The join link (``/j/{token}``)."""
    browser: Any
    expect: Any
    """Playwright's ``expect``, waiting up to the suite's safety limit."""
    problems: list[str] = field(default_factory=list)
    """Script and console errors of every phone opened here (a test asserts none)."""

    @property
    def base(self) -> str:
        """The server's root (``http://127.0.0.1:PORT``), for API calls beside the phones."""
        return self.url.rsplit("/j/", 1)[0]

    async def join(self, name: str, *, console: bool = True) -> Any:
        return await join_phone(self.browser, self.url, name, self.problems, console=console)


@asynccontextmanager
async def phone_room(app: Any, token: str) -> AsyncIterator[PhoneRoom]:
    """Serve ``app`` on a free port and launch Chromium; both are stopped however the
    test ends. The test module has already skipped when Playwright or Chromium is
    missing (``test_browser.pytestmark``)."""
    from playwright import async_api

    server, task = await start_server(app, 0, graceful_seconds=1)
    try:
        async with async_api.async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                expect = type(async_api.expect)()
                expect.set_options(timeout=SAFETY_MS)
                yield PhoneRoom(f"http://127.0.0.1:{server.port}/j/{token}", browser, expect)
            finally:
                await browser.close()
    finally:
        server.stop()
        await asyncio.wait_for(task, 30)


def screenshots(tmp_path: Path) -> Path:
    """Where a test keeps its screenshots: ``$SESSIONKIT_SCREENSHOTS`` (to look at them
    afterwards), else the test's own temporary folder."""
    shots = Path(os.environ.get("SESSIONKIT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots
