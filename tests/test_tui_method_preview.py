"""The home screen's method preview reads like ``sessionkit show``: care notes first
(safeguarding and accessibility at the top), sources last with their licence,
attribution and changes, an unconfirmed link marked so."""

from __future__ import annotations

from textual.widgets import OptionList

from sessionkit.core.method import UNCONFIRMED
from sessionkit.library import load_library
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.home import HomeScreen
from sessionkit.tui.screens.method_preview import method_preview

SIZE = (120, 40)


def bundled():
    return load_library((), (), (), config=False, bundled=True, cwd=False)


def positions(text: str, *needles: str) -> list[int]:
    return [text.index(needle) for needle in needles]


def test_the_preview_reads_care_first_and_credits_its_sources():
    triz = bundled().methods["triz"]
    text = method_preview(triz).plain
    order = positions(
        text,
        "Care: read before the session",
        "Safeguarding: ",
        "Accessibility: ",
        "Power dynamics: ",
        "Lived experience: ",
        "Steps",
        "Sources",
    )
    assert order == sorted(order)
    assert text.index(" ".join(triz.purpose.split())[:40]) < text.index("Steps")
    flat = " ".join(text.split())
    assert (
        "Making Space with TRIZ (Henri Lipmanowicz and Keith McCandless, Liberating "
        "Structures), adapted from"
    ) in flat
    assert (
        f"Link: https://www.liberatingstructures.com/6-making-space-with-triz/ {UNCONFIRMED}"
        in flat
    )
    assert "Licence: CC BY-SA 4.0, https://creativecommons.org/licenses/by-sa/4.0/" in flat
    assert "Attribution: This work includes content from Liberating Structures Fieldbook" in flat
    assert "Changes: What we changed:" in flat
    assert "Checked: 2 December 2026" in flat


def test_a_confirmed_link_is_not_marked():
    text = method_preview(bundled().methods["dot-voting"]).plain
    assert "Link: https://github.com/18F/methods/blob/main/_methods/dot-voting.md\n" in text
    assert UNCONFIRMED not in text


async def test_the_home_screen_shows_it_for_the_highlighted_method():
    library = bundled()
    app = SessionkitApp(library=library, runs=lambda: [])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("slash", *"triz")
        await pilot.pause()
        shown = app.screen.query_one("#preview").render().plain
        assert shown.startswith(library.methods["triz"].name)
        assert "Care: read before the session" in shown
        assert UNCONFIRMED in " ".join(shown.split())
        assert app.is_running


async def test_searching_vote_finds_dot_voting_and_nothing_shows_no_preview():
    library = bundled()
    app = SessionkitApp(library=library, runs=lambda: [])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"vote")
        await pilot.pause()
        listed = [str(o.id) for o in app.screen.query_one("#home-list", OptionList).options]
        assert "method:dot-voting" in listed  # "vote" matches "voting", and its vote step
        await pilot.press(*"zzzq")
        await pilot.pause()
        options = app.screen.query_one("#home-list", OptionList)
        assert [o.id for o in options.options] == [None]  # "Nothing matches."
        assert app.screen.query_one("#preview").render().plain.strip() == ""
