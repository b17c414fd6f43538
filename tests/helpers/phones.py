"""Phones in a browser test: a page the size of a phone, whose script errors and console
errors are collected (a test fails on them), joined under a name."""

from __future__ import annotations

from typing import Any

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
