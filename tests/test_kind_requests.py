"""Requests between teams: addressed to a named team, answered only by that team (yes, no,
let's talk), typed on paper by the facilitator; phones, keyboard, exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import FakeClock, make_engine, make_method, make_plan, step
from helpers.waiting import until
from sessionkit import store
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.errors import Rejected
from sessionkit.core.fold import apply
from sessionkit.core.inputs.requests import RequestsInput
from sessionkit.core.record import Record
from sessionkit.core.state import FACILITATOR, NEWCOMER, SessionState
from sessionkit.export import export, load_record
from sessionkit.library import load_library
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.modals import NoteEntry, Picker, TextPrompt
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.room_board import RoomBoard
from sessionkit.web import create_app

TEAMS = [
    {"id": "health", "label": "Health"},
    {"id": "housing", "label": "{{housing}}"},
]
API = "/j/requests-token-1234/api"
CID = "client-req-0000000"  # the phone sends a client id with every command


def requests_engine(**kw) -> Engine:
    method = make_method(
        "exchange",
        [step("needs", {"kind": "requests", "teams": TEAMS, "max_per_person": 3})],
        variables={"housing": {"description": "the housing team", "default": "Housing"}},
    )
    engine = make_engine(make_plan([{"method": "exchange"}]), {"exchange": method}, **kw)
    engine.execute(c.StartSession())
    return engine


def join(engine: Engine, name: str | None = None) -> str:
    return engine.execute(c.Join(name=name), NEWCOMER).data["participant"]


def test_only_the_team_a_request_is_for_answers_it() -> None:
    engine = requests_engine()
    ann, bo = join(engine), join(engine)
    with pytest.raises(Rejected, match=r"no team 'police' on this step \(teams: Health, Housing\)"):
        engine.execute(c.SendRequest(text="Call us back", team="police"), ann)
    engine.execute(c.ChooseTeam(team="health"), ann)
    engine.execute(c.ChooseTeam(team="housing"), bo)
    ask = engine.execute(c.SendRequest(text="A named contact", team="housing"), ann)
    request = ask.data["request"]
    assert engine.state.requests[request].from_team == "health"
    with pytest.raises(Rejected, match="only Housing can answer it") as refused:
        engine.execute(c.AnswerRequest(request=request, answer="yes"), ann)
    assert refused.value.code == "forbidden"
    with pytest.raises(Rejected, match="no such request"):
        engine.execute(c.AnswerRequest(request="r99", answer="yes"), bo)
    engine.execute(c.AnswerRequest(request=request, answer="talk", reply="Tuesday?"), bo)
    assert engine.state.requests[request].answer == "talk"
    assert engine.state.requests[request].reply == "Tuesday?"
    for _ in range(2):
        engine.execute(c.SendRequest(text="more", team="health"), ann)
    with pytest.raises(Rejected, match="most this step allows"):
        engine.execute(c.SendRequest(text="one too many", team="health"), ann)
    paper = engine.execute(c.SendRequest(text="On paper", team="health", from_team="housing"))
    engine.execute(c.AnswerRequest(request=paper.data["request"], answer="no"))
    made = engine.state.requests[paper.data["request"]]
    assert made.paper and made.answer_paper and made.from_team == "housing"
    assert len(engine.state.requests) == 4  # nothing refused was lost or half-kept


MOVES = st.lists(
    st.tuples(
        st.sampled_from(["p", "q", FACILITATOR]),
        st.sampled_from(["choose", "send", "answer"]),
        st.sampled_from(["health", "housing", "police"]),
        st.sampled_from(["yes", "no", "talk"]),
        st.integers(0, 6),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moves=MOVES)
def test_every_answer_belongs_to_a_request_for_that_team_and_replay_agrees(moves) -> None:
    engine = requests_engine()
    people = {"p": join(engine), "q": join(engine), FACILITATOR: FACILITATOR}
    answered = 0
    for who, move, team, answer, pick in moves:
        actor = people[who]
        try:
            if move == "choose":
                engine.execute(c.ChooseTeam(team=team), actor)
            elif move == "send":
                engine.execute(c.SendRequest(text="ask", team=team), actor)
            else:
                ids = list(engine.state.requests) or ["r1"]
                request = ids[pick % len(ids)]
                engine.execute(c.AnswerRequest(request=request, answer=answer), actor)
                if actor != FACILITATOR:  # answered as a member of the team it was for
                    # (checked now: the answerer may choose another team later)
                    chosen = engine.state.teams_chosen["0.0"][actor]
                    assert chosen == engine.state.requests[request].team
                answered += 1
        except Rejected:
            pass
    state = engine.state
    assert all(r.team in ("health", "housing") for r in state.requests.values())
    assert answered == sum(r.answer is not None for r in state.requests.values()) or answered
    fresh = SessionState(run_id="x", plan_id="test-plan", created_at=0)
    for event in engine.history:
        apply(fresh, event)
    assert fresh.requests == state.requests and fresh.teams_chosen == state.teams_chosen


def test_a_snapshot_with_requests_round_trips(tmp_path: Path) -> None:
    engine = requests_engine()
    ann = join(engine)
    engine.execute(c.ChooseTeam(team="health"), ann)
    engine.execute(c.SendRequest(text="Call us", team="housing"), ann)
    store.write_snapshot(tmp_path / "s.toml", engine.state)
    assert store.read_snapshot(tmp_path / "s.toml") == engine.state


def test_pressures_and_priorities_sends_requests_to_named_teams() -> None:
    library = load_library((), (), (), config=False, cwd=False)
    method = library.methods["pressures-and-priorities"]
    (needs,) = [s for s in method.steps if s.id == "needs"]
    assert isinstance(needs.input, RequestsInput) and len(needs.input.teams) == 5
    assert method.sources


def test_check_locates_a_team_named_twice(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    text = (repo / "methods" / "pressures-and-priorities.toml").read_text(encoding="utf-8")
    twice = 'id = "team-b"'
    assert twice in text
    text = text.replace(twice, 'id = "team-a"', 1)
    folder = tmp_path / "methods"
    folder.mkdir()
    (folder / "pressures-and-priorities.toml").write_text(text, encoding="utf-8")
    library = load_library((), (), (folder,), config=False, bundled=False, cwd=False)
    (problem,) = library.problems
    assert problem.field.startswith("steps[2].input.teams") and "team-a" in problem.message
    assert problem.line is not None


async def test_the_phone_gets_the_teams_and_a_bad_team_is_a_4xx() -> None:
    engine = requests_engine()
    app = create_app(engine, token="requests-token-1234")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        joined = await http.post(f"{API}/join", json={"client_id": "client-req-00001-join"})
        headers = {"X-Participant-Key": joined.json()["key"]}
        state = (await http.get(f"{API}/state", headers=headers)).json()
        labels = [t["label"] for t in state["public"]["input"]["teams"]]
        assert labels == ["Health", "Housing"]  # the variable filled in
        bad = await http.post(
            f"{API}/command",
            headers=headers,
            json={"type": "send_request", "team": "police", "text": "x", "client_id": CID + "1"},
        )
        assert bad.status_code in (404, 409, 422) and "no team 'police'" in bad.json()["error"]
        chose = await http.post(
            f"{API}/command",
            headers=headers,
            json={"type": "choose_team", "team": "housing", "client_id": CID + "2"},
        )
        assert chose.status_code < 300
        me = (await http.get(f"{API}/state", headers=headers)).json()["me"]
        assert me["my_team"] == "housing"


async def test_requests_from_the_keyboard_paper_request_and_paper_answer() -> None:
    engine = requests_engine(clock=FakeClock())
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        assert isinstance(app.screen, NoteEntry)
        await pilot.press("tab")  # to: Housing
        await pilot.press(*"Call", "space", *"back", "enter", "escape")
        await until(lambda: len(engine.state.requests) == 1, "the paper request")
        request = next(iter(engine.state.requests.values()))
        assert request.team == "housing" and request.paper
        await pilot.pause()
        board = app.screen.query_one(Board)
        board.move_to_key("request", request.id)
        await pilot.press("y")
        assert isinstance(app.screen, Picker)
        await pilot.press(*"talk", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"Monday", "enter")
        await until(lambda: request.answer == "talk", "the paper answer")
        assert request.reply == "Monday" and request.answer_paper
        await pilot.pause()
        text = "\n".join(
            board.render_line(y).text for y in range(app.screen.query_one(Board).size.height)
        )
        assert "Housing" in text and "Let's talk" in text and "Call back" in text
        await pilot.press("v")  # the room: each team with its requests and answers
        await pilot.pause()
        room = app.screen.query_one(RoomBoard)
        room.render_lines(room.scrollable_content_region.reset_offset)
        shown = "\n".join(room.render_line(y).text for y in range(room.virtual_size.height))
        assert "Housing" in shown and "Call back" in shown and "Let's talk" in shown
        assert "Health" not in shown  # a team with no requests is left out of the room


def test_exports_show_each_team_with_its_requests_and_answers() -> None:
    engine = requests_engine()
    ann = join(engine)
    engine.execute(c.ChooseTeam(team="health"), ann)
    sent = engine.execute(c.SendRequest(text="=1+1 <b>x</b> | y", team="housing"), ann)
    engine.execute(c.AnswerRequest(request=sent.data["request"], answer="yes", reply="Sure"))
    record = Record.from_engine(engine)
    md = export(record, "md")
    assert "**For Housing** (1)" in md
    assert "— **Yes: Sure**" in md and "from Health" in md
    html = export(record, "html")
    assert "<h4>For Housing (1)</h4>" in html and '<table class="requests">' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x" not in html
    rows = list(csv.reader(io.StringIO(export(record, "csv").lstrip("\ufeff"))))
    header = rows.index(
        ["requests step", "to", "request", "from", "answer", "reply", "paper", "time"]
    )
    assert rows[header + 1][1:6] == ["Housing", "'=1+1 <b>x</b> | y", "Health", "Yes", "Sure"]
    for fmt in ("json", "toml"):
        back = load_record(export(record, fmt), fmt)
        assert back.state.requests == record.state.requests
        assert all(r.author == "" for r in back.state.requests.values())
