"""The facilitator's TUI on a plan that carries items forward: the board says what was
carried (or why nothing was), a vote on carried clusters runs by keyboard, and a talk
item shows its notes with nothing to collect."""

from __future__ import annotations

from carry_plan import GROUP, ON_CLUSTERS, TALK, WRITE, carry_engine
from factories import FakeClock, go, join
from helpers.waiting import until
from sessionkit.core import commands as c
from sessionkit.tui import SessionkitApp
from sessionkit.tui.widgets.board import Board

SIZE = (100, 30)


def board_rows(app: SessionkitApp):
    return app.screen.query_one(Board).rows


def panel_text(app: SessionkitApp, selector: str) -> str:
    return app.screen.query_one(selector).render().plain


async def test_a_vote_on_carried_clusters_by_keyboard():
    engine = carry_engine(clock=FakeClock())
    app = SessionkitApp(engine=engine, join_url="http://192.168.1.20:8000/j/Zx81kQ")
    async with app.run_test(size=SIZE) as pilot:
        engine.execute(c.StartSession())
        go(engine, ON_CLUSTERS)
        await until(lambda: engine.state.step_key == ON_CLUSTERS, "the vote step")
        await pilot.pause()
        await until(
            lambda: any(
                r.kind == "text" and "it has not run yet" in r.ref for r in board_rows(app)
            ),
            "the board to say nothing was carried",
        )
        [message] = [r.ref for r in board_rows(app) if r.kind == "text"]
        assert message == "Nothing carried forward from 'Gathering' (Group): it has not run yet."

        # the first item runs: two themes are clustered
        go(engine, WRITE)
        notes = [engine.execute(c.AddNote(text=t)).data["note"] for t in ("queues", "forms")]
        go(engine, GROUP)
        waits = engine.execute(c.CreateCluster(label="Waiting [b]lists[/b]", notes=notes))
        forms = engine.execute(c.CreateCluster(label="Paperwork")).data["cluster"]
        waits_id = waits.data["cluster"]
        go(engine, ON_CLUSTERS)
        await until(
            lambda: [r.key for r in board_rows(app) if r.kind == "target"] == [waits_id, forms],
            "the carried clusters on the board",
        )
        await pilot.pause()
        rows = board_rows(app)
        assert rows[0].ref == "Carried forward from 'Gathering' (Group): 2 clusters."
        labels = [r.ref[0][0] for r in rows if r.kind == "target"]
        assert labels == ["Waiting [b]lists[/b]", "Paperwork"]  # as written, never markup
        assert "Variation: Quick: Skip the talk." in panel_text(app, "#fnotes")

        await pilot.press("o")  # open the vote
        assert engine.state.step_state(ON_CLUSTERS).vote == "open"
        people = [join(engine) for _ in range(2)]
        for person in people:
            engine.execute(c.CastVote(target=forms), person)
        board = app.screen.query_one(Board)
        await until(
            lambda: sum(r.ref[1] for r in board.rows if r.kind == "target") == 2, "two dots"
        )
        await pilot.pause()
        board.move_to_key("target", waits_id)
        await pilot.press("d")  # a paper dot on a carried theme
        assert engine.state.tally(ON_CLUSTERS) == {forms: 2, waits_id: 1}
        await pilot.press("o")  # close: results, most dots first
        assert engine.state.step_state(ON_CLUSTERS).vote == "closed"
        await pilot.pause()
        assert [r.key for r in board.rows if r.kind == "target"] == [forms, waits_id]


async def test_a_talk_item_shows_its_notes_and_collects_nothing():
    engine = carry_engine(clock=FakeClock())
    app = SessionkitApp(engine=engine, join_url="http://192.168.1.20:8000/j/Zx81kQ")
    async with app.run_test(size=SIZE) as pilot:
        engine.execute(c.StartSession())
        go(engine, TALK)
        await until(lambda: "A talk" in panel_text(app, "#boardinfo"), "the talk's board line")
        await pilot.pause()
        assert "This slot: Slides 3 to 7." in panel_text(app, "#fnotes")
        assert "Why we choose" in panel_text(app, "StepInfo")
        assert engine.state.timer.duration == 600
