"""Four phones through a 1-2-4-All round in Chromium: think alone, pairs, fours, and
one idea per four to the room.

Each phone is its own browser context (its own storage, so its own identity), against a
real uvicorn in the test's loop; the facilitator's commands go to the engine as the TUI
sends them. Every wait is for something to show or be recorded.
"""

from __future__ import annotations

from pathlib import Path

from helpers.phones import phone_room, screenshots
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core import groups
from sessionkit.web import create_app
from test_browser import pytestmark  # noqa: F401 (pytestmark: skip without Chromium)
from test_web import fast_limits
from test_web_groups import one_two_four_all

TOKEN = "browser-groups-token-7"
NAMES = ("Ana", "Bo", "Cy", "Di")
PAIRS, FOURS, ALL = "0.1", "0.2", "0.3"


def and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


async def test_four_phones_run_a_1_2_4_all_round(tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    engine = one_two_four_all()
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        phones = {}
        for name in NAMES:
            page = await room.join(name, console=False)
            await expect(page.locator("#step-title")).to_have_text("Waiting to start")
            phones[name] = page
        pid = {p.name: p.id for p in engine.state.participants.values()}

        # 1: alone. Private notes, no group.
        engine.execute(c.StartSession())
        for name, page in phones.items():
            await expect(page.locator("#step-title")).to_have_text("1: think alone")
            await expect(page.locator("#group-panel")).to_be_hidden()
            await page.fill("#note-text", f"{name}'s own thought")
            await page.click("#note-add")
        await until(lambda: len(engine.state.notes) == 4, "four solo notes")

        # 2: pairs. Every phone names its partner; the pair writes, rewrites, picks.
        engine.execute(c.GoTo(item=0, step=1))
        pairs = groups.current(engine.state, PAIRS)
        assert sorted(len(g.members) for g in pairs) == [2, 2]
        name_of = {v: k for k, v in pid.items()}
        for name, page in phones.items():
            group = groups.group_of(engine.state, PAIRS, pid[name])
            assert group is not None
            partner = [name_of[m] for m in group.members if m != pid[name]]
            await expect(page.locator("#group-who")).to_have_text(
                f"You are in group {group.label} with {and_list(partner)}."
            )
            # What they wrote alone comes along, for them only, to start from.
            await expect(page.locator("#brought-h")).to_have_text("What you wrote in the last step")
            await expect(page.locator("#brought li")).to_have_count(1)
            await expect(page.locator("#brought li")).to_contain_text(f"{name}'s own thought")
        await phones["Ana"].screenshot(path=str(shots / "g1-pairs.png"), full_page=True)
        for pair in pairs:
            first, second = (phones[name_of[m]] for m in pair.members)
            await first.locator("#brought li button", has_text="Use this").click()
            await expect(first.locator("#note-text")).to_have_value(
                f"{name_of[pair.members[0]]}'s own thought"
            )
            await first.fill("#note-text", f"Pair {pair.label} idea")
            await first.click("#note-add")
            shared = second.locator("#my-notes li", has_text=f"Pair {pair.label} idea")
            await expect(shared).to_have_count(1)  # the partner sees it on their list
            await shared.locator("button", has_text="Edit").click()
            await second.fill("#note-text", f"Pair {pair.label} idea, said better")
            await second.click("#note-add")
            rewritten = first.locator("#my-notes li", has_text="said better")
            await expect(rewritten).to_have_count(1)
            await rewritten.locator("button", has_text="Pick this one").click()
            await expect(
                second.locator("#my-notes li button.picked", has_text="Your group's pick")
            ).to_have_count(1)
        await until(
            lambda: all(engine.state.groups[g.id].picked for g in pairs), "both pairs' picks"
        )
        await phones["Ana"].screenshot(path=str(shots / "g2-pair-list.png"), full_page=True)

        # 4: fours. The two pairs join; everyone is named; one idea is picked.
        engine.execute(c.GoTo(item=0, step=2))
        (four,) = groups.current(engine.state, FOURS)
        assert sorted(four.members) == sorted(pid.values())
        for name, page in phones.items():
            others = [name_of[m] for m in four.members if m != pid[name]]
            await expect(page.locator("#group-who")).to_have_text(
                f"You are in group A with {and_list(others)}."
            )
            await expect(page.locator("#brought-h")).to_have_text("Your pairs' picks")
            await expect(page.locator("#brought li")).to_have_count(2)
        await phones["Bo"].fill("#note-text", "Ask the people who use the service")
        await phones["Bo"].click("#note-add")
        await phones["Cy"].fill("#note-text", "Fewer forms")
        await phones["Cy"].click("#note-add")
        choice = phones["Di"].locator("#my-notes li", has_text="Ask the people")
        await expect(choice).to_have_count(1)
        await choice.locator("button", has_text="Pick this one").click()
        await until(lambda: engine.state.groups[four.id].picked, "the four's pick")
        await phones["Di"].screenshot(path=str(shots / "g3-fours.png"), full_page=True)

        # All: the room sees the one idea the four picked, nothing else.
        engine.execute(c.GoTo(item=0, step=3))
        for page in phones.values():
            ideas = page.locator("#clusters-panel .cluster li")
            await expect(ideas).to_have_count(1)
            await expect(ideas).to_have_text("Ask the people who use the service")
            await expect(page.locator("#group-panel")).to_be_hidden()
        await phones["Ana"].screenshot(path=str(shots / "g4-all.png"), full_page=True)
    assert not problems, problems
