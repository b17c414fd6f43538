"""Five phones in Chromium (360x740) show the room's figures as the engine has them: the
notes waiting to be grouped, each theme's notes, a vote on themes and a rating, after
one person changes their mind each time.

Each phone is its own browser context (its own identity), against a real uvicorn in the
test's loop. What is checked is what each page shows, read from the page, against
figures computed from the engine's state; every wait is for the page to show them.
"""

from __future__ import annotations

import re
from pathlib import Path

from factories import ANON, GROUP, RATE, VOTE_THEMES, go, make_engine
from helpers.phones import phone_room, screenshots
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.core.inputs.rating import summarise
from sessionkit.web import create_app
from test_browser import pytestmark  # noqa: F401 (pytestmark: skip without Chromium)
from test_web import fast_limits

TOKEN = "browser-results-token-5"
NAMES = ("Ann", "Bo", "Cy", "Di", "Ed")
RATINGS = (4, 5, 2, 3, 4)


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def exactly(text: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def theme_counts(engine) -> list[str]:
    """What a vote row says of each theme's notes, as the engine counts them."""
    return [
        f"({plural(sum(1 for n in engine.state.notes.values() if n.cluster == t), 'note', 'notes')})"
        for t in engine.vote_targets(VOTE_THEMES)
    ]


def vote_results(engine) -> tuple[list[str], list[str]]:
    """The labels and bars of the vote's results, most dots first, from the engine."""
    tally = [(t, d) for t, d in engine.state.tally(VOTE_THEMES).items()]
    return (
        [engine.state.clusters[t].label for t, _ in tally],
        [plural(d, "dot", "dots") for _, d in tally],
    )


def rating_results(engine) -> tuple[str, list[str], list[str]]:
    """The rating's sentence and rows (highest value first), from the engine."""
    spec = engine.spec_at(RATE)
    summary = summarise(list(engine.state.ratings[RATE].values()), spec)
    rows = sorted(summary.distribution, key=lambda row: -row[0])
    mean = round(summary.mean, 2)
    sentence = f"{plural(summary.count, 'rating', 'ratings')} so far, average {mean:g}."
    return (
        sentence,
        [f"Rated {value}" for value, _, _ in rows],
        [plural(n, "person", "people") for _, _, n in rows],
    )


async def test_five_phones_show_the_engines_themes_votes_and_ratings(tmp_path: Path) -> None:
    shots = screenshots(tmp_path)
    engine = make_engine()
    app = create_app(engine, token=TOKEN, limits=fast_limits(rate=50.0, burst=100))
    async with phone_room(app, TOKEN) as room:
        expect, problems = room.expect, room.problems
        phones = {}
        for name in NAMES:
            page = await room.join(name)
            await expect(page.locator("#step-title")).to_have_text("Waiting to start")
            phones[name] = page

        # Everyone writes a note on an open board.
        engine.execute(c.StartSession())
        go(engine, ANON)
        for name, page in phones.items():
            await expect(page.locator("#step-title")).to_have_text("Anon")
            await page.fill("#note-text", f"{name}'s idea")
            await page.click("#note-add")
        await until(lambda: len(engine.state.notes) == 5, "five notes")
        notes = [n.id for n in engine.state.notes.values()]

        # Clustering: before the first theme every phone lists the notes to group...
        go(engine, GROUP)
        for page in phones.values():
            # (the notes in no theme are under the themes: a list of their own, paged)
            await expect(page.locator("#clusters-panel .cluster > h3")).to_have_text(
                ["Notes to group"]
            )
            await expect(page.locator("#clusters-panel .cluster li")).to_have_count(5)
        # ...then the themes, and what is not in one yet.
        engine.execute(c.CreateCluster(label="Waiting", notes=notes[:2]))
        engine.execute(c.CreateCluster(label="Forms", notes=notes[2:4]))
        for page in phones.values():
            await expect(page.locator("#clusters-panel .cluster > h3")).to_have_text(
                ["Waiting", "Forms", "Not yet grouped"]
            )
            loose = page.locator("#loose-notes li")
            await expect(loose).to_have_text([engine.state.notes[notes[4]].text])
        await phones["Ann"].screenshot(path=str(shots / "results-1-cluster.png"), full_page=True)

        # A vote on the themes: each row says how many notes the theme holds.
        go(engine, VOTE_THEMES)
        engine.execute(c.OpenVote())
        counts = [exactly(text) for text in theme_counts(engine)]
        assert [p.pattern for p in counts] != [], "themes to vote on"
        for page in phones.values():
            await expect(page.locator("#targets li .meta")).to_have_text(counts)
        choices = {"Ann": "Waiting", "Bo": "Waiting", "Cy": "Forms", "Di": "Waiting"}
        choices["Ed"] = "Forms"
        for name, theme in choices.items():
            page = phones[name]
            await page.locator("#targets li", has_text=theme).locator("button.add").click()
            await expect(page.locator("#dots")).to_contain_text("1 of 2 dots left")
        await until(lambda: sum(engine.state.tally(VOTE_THEMES).values()) == 5, "5 dots")
        # Ann changes her mind: her dot goes from Waiting to Forms.
        ann = phones["Ann"]
        await ann.locator("#targets li", has_text="Waiting").locator("button.take").click()
        await expect(ann.locator("#dots")).to_contain_text("2 of 2 dots left")
        await ann.locator("#targets li", has_text="Forms").locator("button.add").click()
        waiting_id = next(k for k, v in engine.state.clusters.items() if v.label == "Waiting")
        await until(lambda: engine.state.tally(VOTE_THEMES).get(waiting_id) == 2, "Ann's change")
        engine.execute(c.CloseVote())
        labels, bars = vote_results(engine)
        assert bars == ["3 dots", "2 dots"]  # the engine's figures, as a reader sees them
        for page in phones.values():
            await expect(page.locator("#results li .label")).to_have_text(labels)
            await expect(page.locator("#results li .bar")).to_have_text(bars)
        await ann.screenshot(path=str(shots / "results-2-vote.png"), full_page=True)

        # A rating: 4, 5, 2, 3, 4, then Ann changes hers to 2.
        go(engine, RATE)
        for page, value in zip(phones.values(), RATINGS, strict=True):
            await expect(page.locator("#scale button")).to_have_count(5)
            await page.get_by_role("button", name=str(value), exact=True).click()
            await expect(page.locator("#scale button[aria-pressed=true]")).to_have_text(str(value))
        await until(lambda: len(engine.state.ratings.get(RATE, {})) == 5, "five ratings")
        await ann.get_by_role("button", name="2", exact=True).click()
        await until(
            lambda: sorted(engine.state.ratings[RATE].values()) == [2, 2, 3, 4, 5],
            "Ann's change of mind",
        )
        sentence, labels, people = rating_results(engine)
        assert sentence == "5 ratings so far, average 3.2."
        for name, page in phones.items():
            await expect(page.locator("#results-note")).to_have_text(sentence)
            await expect(page.locator("#results li .label")).to_have_text(labels)
            await expect(page.locator("#results li .bar")).to_have_text(people)
            await page.screenshot(path=str(shots / f"results-3-rating-{name}.png"))
    assert not problems, problems
