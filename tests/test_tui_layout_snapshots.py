"""SVG snapshots of the run screen and the room view at 80x24 and 160x50 (issue 17, item 7).

The smallest terminal people use and a projector's: long, hostile texts and joined emoji
in every place text is drawn (prompt, notes, cluster labels, rating labels), so a cut
without an ellipsis, a label cut beside empty bar space, a misaligned row or a key bar
without ``v Room`` shows up as a changed snapshot. The set-up is the one of
:mod:`test_tui_snapshots` (fixed clock, UTC, no cursor blink). Update after an intended
change with ``pytest tests/test_tui_layout_snapshots.py --snapshot-update`` and look at
the SVGs before committing them.
"""

from __future__ import annotations

import pytest

from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.method import Method
from sessionkit.core.state import NEWCOMER
from sessionkit.tui import SessionkitApp
from sessionkit.tui.sample import sample_methods, sample_plan
from test_tui_snapshots import JOIN, T0, FixedClock, steady  # noqa: F401 (a fixture)

SIZES = {"80x24": (80, 24), "160x50": (160, 50)}

LONG_PROMPT = (
    "Thinking about the library service as it is today, for you and for the people you "
    "care for: add roses (what works), thorns (what hurts) and buds (what could grow). "
    "One idea per note, please, and keep each one short enough to read from the back."
)
NOTES = [
    ("rose", "👩‍⚕️ nurse: the staff at the front desk always know my name"),
    ("rose", "👨‍👩‍👧 family story time on Saturdays is the best hour of our week"),
    ("thorn", "🏳️‍🌈 the LGBTQ+ shelf moved twice and nobody could find it"),
    ("thorn", "図書館の開館時間をもっと長くしてほしいです。仕事の後では間に合いません。"),
    ("bud", "Café corner with naïve art: cafe\u0301 and nai\u0308ve, spelt with combining marks"),
    ("thorn", "[@click=app.quit]Quit[/] unbalanced [/] [B]x[/B] [$primary]x"),
    (
        "thorn",
        "Opening hours are far too short for people who work full time, "
        "so we can never get there before it closes on a weekday evening",
    ),
    ("bud", "Self-service returns 👍🏽 and a book drop by the car park"),
]
FILLER = [
    "More seats near the windows",
    "Quieter printers",
    "A second toilet on the first floor",
    "Laptops to borrow for the day",
    "Help with forms on Mondays",
    "Longer loans for students",
    "Board games evenings",
    "A reading group for teenagers",
    "Local history talks",
    "Better signs to the lift",
    "Wi-Fi that reaches the back room",
    "Audiobooks for the bus",
    "Newspapers in Polish and Urdu",
    "Somewhere to charge a phone",
    "Story sacks for toddlers",
    "A suggestions box that gets answered",
    "Free coffee on exam weeks",
    "Plants",
]
CLUSTERS = (
    (
        "People who work full time can never get to the library before it closes 👩‍⚕️",
        ["Opening", "図書館の開館時間をもっと長くしてほしいです。仕事の後では間に合いません。"],
    ),
    ("Family 👨‍👩‍👧 and children's time", ["👨‍👩‍👧"]),
    ("Finding things 🏳️‍🌈", ["🏳️‍🌈"]),
)
RATING_LABELS = [
    "Not useful at all for the people I work with",
    "A little useful",
    "Somewhat useful 👩‍⚕️",
    "Quite useful",
    "Very useful: I would tell everyone 👨‍👩‍👧",
]


def methods() -> dict[str, Method]:
    """The sample's methods with long prompts and long rating labels."""
    found = sample_methods()
    data = found["private-worries"].model_dump()
    data["steps"][1]["input"]["labels"] = RATING_LABELS
    data["steps"][1]["prompt"] = LONG_PROMPT.replace("add roses", "rate")
    found["private-worries"] = Method.model_validate(data)
    data = found["rose-thorn-bud"].model_dump()
    data["steps"][0]["prompt"] = LONG_PROMPT
    found["rose-thorn-bud"] = Method.model_validate(data)
    return found


def welsh_methods() -> dict[str, Method]:
    """:func:`methods` with Welsh (draft) for the rating's step, question and labels."""
    found = methods()
    data = found["private-worries"].model_dump()
    rate = data["steps"][1]
    rate["cy"] = {"title": "Pa mor hyderus ydych chi?", "prompt": "Rhowch sgôr, os gwelwch yn dda."}
    rate["input"]["cy"] = {
        "question": "Hyder yn y newid",
        "labels": ["Dim o gwbl", "Ychydig", "Rhywfaint", "Eithaf", "Iawn"],
    }
    found["private-worries"] = Method.model_validate(data)
    return found


def workshop(extra_notes: int = 0, welsh: bool = False) -> tuple[Engine, FixedClock]:
    """The sample workshop, started, with hostile notes from three people."""
    clock = FixedClock()
    found = welsh_methods() if welsh else methods()
    engine = Engine(sample_plan(), found, clock=clock, run_id="layout")
    engine.execute(c.SetSafeguarding(lead="Sam Jones, team manager"))
    engine.execute(c.StartSession())
    people = [
        engine.execute(c.Join(name=name), actor=NEWCOMER).data["participant"]
        for name in ("Ann 👩‍⚕️", "Bo", "Cy")
    ]
    notes = NOTES + [("bud", text) for text in FILLER[:extra_notes]]
    for n, (kind, text) in enumerate(notes):
        engine.execute(c.AddNote(text=text, category=kind), actor=people[n % 3])
    clock.now = T0 + 4 * 60 + 10
    return engine, clock


def cluster(engine: Engine, clock: FixedClock) -> dict[str, str]:
    engine.execute(c.NextStep())
    clock.now += 2 * 60
    ids = {n.text.split()[0]: n.id for n in engine.state.notes.values()}
    made = {}
    for label, words in CLUSTERS:
        event = engine.execute(c.CreateCluster(label=label, notes=[ids[w] for w in words]))
        made[label] = event.data["cluster"]
    return made


def voted(engine: Engine, clock: FixedClock) -> None:
    made = cluster(engine, clock)
    engine.execute(c.NextStep())
    engine.execute(c.OpenVote())
    ann, bo, cy = list(engine.state.participants)
    labels = list(made)
    for voter, label in ((ann, 0), (bo, 0), (cy, 0), (ann, 2), (bo, 1)):
        engine.execute(c.CastVote(target=made[labels[label]]), actor=voter)
    engine.execute(c.CastVote(target=made[labels[2]]))  # a paper dot
    engine.execute(c.CloseVote())
    clock.now += 3 * 60


def rated(engine: Engine, clock: FixedClock) -> None:
    while engine.step_def()[1] is None or engine.step_def()[1].input.kind != "rating":
        engine.execute(c.NextStep())
    for person, value in zip(engine.state.participants, (1, 4, 5), strict=True):
        engine.execute(c.Rate(value=value), actor=person)
    clock.now += 60


def app_for(engine: Engine) -> SessionkitApp:
    return SessionkitApp(engine=engine, join_url=JOIN)


@pytest.mark.parametrize("size", SIZES)
def test_run_notes_step(snap_compare, size: str) -> None:
    engine, _ = workshop(extra_notes=len(FILLER))
    engine.execute(c.TimerCommand(action="start"))

    async def run_before(pilot) -> None:
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(app_for(engine), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_run_cluster_step(snap_compare, size: str) -> None:
    engine, clock = workshop()
    cluster(engine, clock)

    async def run_before(pilot) -> None:
        await pilot.press("x", "x")
        await pilot.pause()

    assert snap_compare(app_for(engine), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_run_vote_results(snap_compare, size: str) -> None:
    engine, clock = workshop()
    voted(engine, clock)
    assert snap_compare(app_for(engine), terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_room_notes(snap_compare, size: str) -> None:
    engine, _ = workshop(extra_notes=len(FILLER))
    assert snap_compare(app_for(engine), terminal_size=SIZES[size], press=["v"])


@pytest.mark.parametrize("size", SIZES)
def test_room_vote_results(snap_compare, size: str) -> None:
    engine, clock = workshop()
    voted(engine, clock)
    assert snap_compare(app_for(engine), terminal_size=SIZES[size], press=["v"])


@pytest.mark.parametrize("size", SIZES)
def test_room_rating(snap_compare, size: str) -> None:
    engine, clock = workshop()
    rated(engine, clock)
    assert snap_compare(app_for(engine), terminal_size=SIZES[size], press=["v"])


@pytest.mark.parametrize("size", SIZES)
def test_room_rating_in_welsh_and_english(snap_compare, size: str) -> None:
    """The longest the room view's words get (cy+en): the countdown's status in both
    languages, the join panel's lines, the rating's question and labels; the short code
    stays whole at 80x24."""
    engine, clock = workshop(welsh=True)
    rated(engine, clock)
    engine.execute(c.TimerCommand(action="start"))
    app = SessionkitApp(engine=engine, join_url=JOIN, language="cy+en")
    assert snap_compare(app, terminal_size=SIZES[size], press=["v"])
