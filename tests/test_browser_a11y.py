"""Every kind of phone screen, checked by axe-core and for reflow, as participants see it.

Three phones (tests/helpers/a11y.py: 360 px, 320 px, and 360 px at 200% zoom) join a
real server and go through a day of bundled methods that has every input kind, private,
grouped and categorised notes, a canvas with regions and one with a grid, votes on notes
and on themes, a break, and a safeguarding lead in the footer. Each kind of screen is
looked at when the step opens, after the phones have done what it asks, and (reloaded)
after the rest of the room has: at each, axe-core's WCAG 2.2 A/AA rules must find
nothing on the 360 px and the zoomed phone, and no phone may scroll sideways or break a
word that would fit on a line. Then: input paused, the session ended, the phone removed.

Screenshots of every screen on every phone are kept in $SESSIONKIT_ARTEFACTS/a11y (or a
temporary folder, named in the failure message) to be looked at.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from factories import make_method, step
from helpers.a11y import AUDITED, PHONES, artefacts, audit, axe_source, layout_problems, report
from helpers.participants import CARRIED, SIMULATE, Room
from helpers.waiting import SAFETY_MS, start_server
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.plan import Plan
from sessionkit.core.state import NEWCOMER
from sessionkit.library import load_library
from sessionkit.web import create_app
from test_browser import ARGS, CHROMIUM, playwright_api, pytestmark  # noqa: F401
from test_web import fast_limits

TOKEN = "browser-a11y-token-15"
METHODS = (
    "rose-thorn-bud",  # notes with categories (private), cluster, vote on notes
    "1-2-4-all",  # grouped notes with a pick, a cluster of the picks
    "check-in",  # a rating with a label per number
    "stakeholder-map",  # a canvas with regions
    "service-blueprint",  # a canvas with a grid
    "what-matters-to-you",  # words, actions
    "lean-coffee",  # questions
    "moscow",  # sort
    "prioritisation-matrix",  # rank by scores
    "what-i-need-from-you",  # requests between teams
    "top-three",  # rank in order (no bundled method ranks: made here)
    "review-actions",  # a review of actions an earlier run of the series carried in
)


def a_day() -> Engine:
    library = load_library(config=False, cwd=False)
    methods = {m: library.methods[m] for m in METHODS if m in library.methods}
    methods["top-three"] = make_method(
        "top-three",
        [
            step("ideas", {"kind": "notes", "max_per_person": 2}, title="Ideas"),
            step("rank", {"kind": "rank", "target_step": "ideas", "top": 3}, title="Rank"),
        ],
    )
    agenda: list[dict[str, Any]] = [{"method": m} for m in METHODS]
    agenda.insert(3, {"break": 15})
    plan = Plan.model_validate(
        {
            "id": "a11y-day",
            "title": "Improving the discharge pathway with the people who use it",
            "safeguarding": {
                "lead": "Sam Jones, adult services team manager",
                "contact": "in the room all day, blue lanyard",
            },
            "days": [{"start": "09:00", "end": "17:30", "agenda": agenda}],
        }
    )
    return Engine(plan, methods, run_id="a11y", series="a11y-series", carried=CARRIED)


def variant(engine: Engine) -> str:
    """What kind of screen the current step shows: one look per kind is enough."""
    _item, step_def = engine.step_def()
    if step_def is None:
        return "break"
    spec: Any = step_def.input
    parts = [spec.kind]
    if spec.kind in ("notes", "canvas"):
        parts += ["grid"] if getattr(spec, "rows", None) else []
        parts += ["categories"] if getattr(spec, "categories", None) else []
        parts += ["private"] if spec.private else []
        parts += ["grouped"] if engine.groups_at() is not None else []
    if spec.kind in ("vote", "rank"):
        parts.append(spec.target)
    if spec.kind == "rank":
        parts.append(spec.mode)
    return "-".join(parts)


async def act(page: Any, kind: str) -> None:
    """What a participant does on a step of this kind, through the page."""
    if kind in ("notes", "canvas"):
        if await page.locator("#note-add").is_disabled():
            return
        if await page.locator("#cat-field").is_visible():
            await page.locator("#cats label.chip").first.click()
        if await page.locator("#cell-row").count():
            await page.select_option("#cell-row", index=1)
            await page.select_option("#cell-column", index=1)
        elif await page.locator("#region-field").is_visible():
            await page.locator("#regions label.chip").first.click()
        await page.fill("#note-text", "Discharge letters arrive after the patient does")
        await page.click("#note-add")
    elif kind == "vote":
        await page.locator("#targets button.add:enabled").first.click()
    elif kind == "rating":
        await page.locator("#scale button").nth(2).click()
    elif kind == "words":
        await page.fill("#words-text", "Being listened to")
        await page.click("#words-add")
    elif kind == "questions":
        await page.fill("#question-text", "Who reads the discharge survey?")
        await page.click("#question-add")
    elif kind == "actions" and await page.locator("#action-form").is_visible():
        await page.fill("#action-what", "Send the letter with the patient")
        await page.click("#action-add")
    elif kind == "sort":
        await page.locator("#sort-items button.bucket").first.click()
    elif kind == "rank":
        if await page.locator("#rank-form").is_visible():
            for place in range(await page.locator("#rank-places select").count()):
                await page.select_option(f"#rank-place-{place}", index=place + 1)
            await page.click("#rank-save")
        else:
            await page.locator("#score-items select").first.select_option(index=1)
    elif kind == "requests":
        await page.select_option("#my-team", index=1)
    elif kind == "review":
        await page.locator("#reviews button").first.click()


async def test_every_phone_screen_passes_axe_and_reflows(tmp_path) -> None:
    axe = axe_source()
    shots = artefacts("a11y")
    engine = a_day()
    app = create_app(engine, token=TOKEN, limits=fast_limits())
    server, task = await start_server(app, 0, graceful_seconds=1)
    url = f"http://127.0.0.1:{server.port}/j/{TOKEN}"
    found: dict[str, list[str]] = {}
    errors: list[str] = []
    looked: list[str] = []
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            expect = type(playwright_api.expect)()
            expect.set_options(timeout=SAFETY_MS)
            phones: dict[str, Any] = {}
            for name, options in PHONES.items():
                context = await browser.new_context(is_mobile=True, has_touch=True, **options)
                page = await context.new_page()
                page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
                phones[name] = page

            async def look(screen: str) -> None:
                looked.append(screen)
                for name, page in phones.items():
                    key = f"{len(looked):02d}-{screen}@{name}"
                    await page.screenshot(path=str(shots / f"{key}.png"), full_page=True)
                    problems = await layout_problems(page)
                    if name in AUDITED:
                        problems += await audit(page, axe)
                    found[key] = problems

            async def showing(title: str, *, reload: bool = False) -> None:
                for page in phones.values():
                    if reload:
                        await page.reload()
                    await expect(page.locator("#step-title")).to_have_text(title)

            for page in phones.values():
                await page.goto(url)
                await expect(page.locator("#join-view")).to_be_visible()
            await look("join")
            for name, page in phones.items():
                await page.fill("#name", f"Phone {name}")
                await page.click("#join-named")
            await showing("Waiting to start")
            await look("waiting")

            people = [
                engine.execute(c.Join(name=f"Person {n + 1}"), NEWCOMER).data["participant"]
                for n in range(5)
            ]
            room = Room(engine, people)
            engine.execute(c.StartSession())
            seen: set[str] = set()
            while True:
                item, step_def = engine.step_def()
                screen = variant(engine)
                title = step_def.title if step_def is not None else item.title
                if screen not in seen:
                    seen.add(screen)
                    await showing(title)
                    await look(screen)
                if step_def is not None:
                    spec: Any = step_def.input
                    key = engine.state.step_key
                    if screen in looked and spec.kind != "vote":
                        SIMULATE[spec.kind](room, key, spec)
                        if looked[-1] == screen:  # this step is the one looked at
                            for page in phones.values():
                                await act(page, spec.kind)
                            await showing(title, reload=True)
                            await look(f"{screen}-after")
                    elif looked[-1] == screen:  # a vote: open, dots, closed
                        engine.execute(c.OpenVote())
                        for page in phones.values():
                            await expect(
                                page.locator("#targets button.add:enabled").first
                            ).to_be_visible()
                            await act(page, "vote")
                        for n, person in enumerate(people):
                            targets = engine.vote_targets(key)
                            engine.execute(c.CastVote(target=targets[n % len(targets)]), person)
                        await showing(title, reload=True)
                        await look(f"{screen}-open")
                        engine.execute(c.CloseVote())
                        await showing(title, reload=True)
                        await look(f"{screen}-closed")
                    else:
                        SIMULATE[spec.kind](room, key, spec)
                    if screen == "notes-categories-private" and "paused" not in looked:
                        engine.execute(c.LockInput())
                        await showing(title, reload=True)
                        await look("paused")
                        engine.execute(c.LockInput(locked=False))
                last = engine.state.item + 1 >= len(engine.items)
                if last and engine.state.step + 1 >= len(item.steps):
                    break
                engine.execute(c.NextStep())

            engine.execute(c.EndSession())
            await showing("The session has ended")
            await look("ended")
            for pid in [p.id for p in engine.state.participants.values() if p.name]:
                if pid not in people:
                    engine.execute(c.RemoveParticipant(participant=pid))
            for page in phones.values():
                await expect(page.locator("#removed-view")).to_be_visible()
            await look("removed")
        finally:
            await browser.close()
            server.stop()
            await asyncio.wait_for(task, 30)

    kinds = {re.split(r"-", s)[0] for s in looked}
    assert set(SIMULATE) <= kinds, f"screens never looked at: {set(SIMULATE) - kinds}"
    assert not errors, errors
    bad = {k: v for k, v in found.items() if v}
    (shots / "problems.json").write_text(report(bad), encoding="utf-8")
    assert not bad, f"screenshots in {shots}:\n{report(bad)}"


async def test_a_306_note_vote_with_show_more_and_search_passes_axe_and_reflows() -> None:
    """The long-list controls (issue 16 item 2): the search box, its count of matches and
    "Show more", on a vote of 306 notes, first page, more, a search and none found."""
    from helpers.phones import phone_room
    from test_web_long_lists import TOKEN as LONG_TOKEN
    from test_web_long_lists import go, long_engine

    axe = axe_source()
    shots = artefacts("a11y-long")
    engine, _ = long_engine(306)
    go(engine, "vote")
    engine.execute(c.OpenVote())
    found: dict[str, list[str]] = {}
    app = create_app(engine, token=LONG_TOKEN, limits=fast_limits())
    async with phone_room(app, LONG_TOKEN) as room:
        phones: dict[str, Any] = {}
        for name in AUDITED:
            context = await room.browser.new_context(is_mobile=True, has_touch=True, **PHONES[name])
            page = await context.new_page()
            page.on("pageerror", lambda error: room.problems.append(f"page error: {error}"))
            await page.goto(room.url)
            await page.fill("#name", f"Phone {name}")
            await page.click("#join-named")
            phones[name] = page

        async def look(screen: str, rows: int) -> None:
            for name, page in phones.items():
                await room.expect(page.locator("#targets li.target")).to_have_count(rows)
                key = f"{screen}@{name}"
                await page.screenshot(path=str(shots / f"{key}.png"), full_page=False)
                found[key] = await layout_problems(page) + await audit(page, axe)

        await look("first-page", 100)
        for page in phones.values():
            await page.locator("#targets-more").click()
        await look("more", 200)
        for page in phones.values():
            await page.fill("#targets-find", "Note 0029")
        await look("search", 10)
        for page in phones.values():
            await page.fill("#targets-find", "no such words")
        await look("none-found", 0)
        assert room.problems == []
    bad = {k: v for k, v in found.items() if v}
    assert not bad, f"screenshots in {shots}:\n{report(bad)}"
