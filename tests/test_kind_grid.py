"""The grid canvas: rows by columns, a note in one cell; checked, placed from phones and
the keyboard (paper notes too), shown as a table in the room and the exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from factories import FakeClock, make_engine, make_method, make_plan, step
from helpers.waiting import until
from sessionkit import store
from sessionkit.core import commands as c
from sessionkit.core.engine import Engine
from sessionkit.core.errors import Rejected
from sessionkit.core.fold import apply
from sessionkit.core.inputs.canvas import CanvasInput
from sessionkit.core.record import Record
from sessionkit.core.state import NEWCOMER, SessionState
from sessionkit.export import export, load_record
from sessionkit.library import load_library
from sessionkit.tui import SessionkitApp
from sessionkit.tui.screens.modals import NoteEntry, Picker
from sessionkit.tui.widgets.board import Board
from sessionkit.tui.widgets.room_board import RoomBoard
from sessionkit.web import create_app

REPO = Path(__file__).resolve().parents[1]
LANES = [{"id": "doing", "label": "Doing"}, {"id": "feeling", "label": "Feeling"}]
STAGES = [
    {"id": "before", "label": "Before"},
    {"id": "during", "label": "During"},
    {"id": "after", "label": "After"},
]
API = "/j/grid-token-1234/api"
CELLS = [f"{r['id']}.{s['id']}" for r in LANES for s in STAGES]
GRID = {"kind": "canvas", "rows": LANES, "columns": STAGES, "max_per_person": 20}


def grid_engine(**kw) -> Engine:
    method = make_method(
        "journey",
        [
            step("map", GRID),
            step("old", {"kind": "canvas", "regions": LANES}),
            step("moments", {"kind": "vote", "target_step": "map", "target": "notes"}),
        ],
    )
    engine = make_engine(make_plan([{"method": "journey"}]), {"journey": method}, **kw)
    engine.execute(c.StartSession())
    return engine


def join(engine: Engine, name: str | None = None) -> str:
    return engine.execute(c.Join(name=name), NEWCOMER).data["participant"]


# ------------------------------------------------------------------ the spec


def test_cells_are_row_dot_column_in_reading_order() -> None:
    spec = CanvasInput.model_validate(GRID)
    assert spec.is_grid and [r.id for r in spec.note_regions()] == CELLS
    assert spec.note_regions()[1].label == "Doing · During"
    old = CanvasInput.model_validate({"kind": "canvas", "regions": LANES})
    assert not old.is_grid and [r.id for r in old.note_regions()] == ["doing", "feeling"]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"rows": LANES}, "needs both rows and columns"),
        ({"columns": STAGES}, "needs both rows and columns"),
        ({"rows": LANES, "columns": STAGES, "regions": LANES}, "not both"),
        ({"rows": LANES[:1], "columns": STAGES[:1]}, "at least two cells"),
        ({}, "at least two regions"),
        ({"rows": [{"id": "x" * 35, "label": "X"}], "columns": STAGES}, "longer than 40"),
        ({"rows": LANES + LANES[:1], "columns": STAGES}, "doing"),
    ],
)
def test_a_bad_grid_is_refused_with_what_is_wrong(fields, says) -> None:
    with pytest.raises(ValidationError, match=says):
        CanvasInput.model_validate({"kind": "canvas", **fields})


def test_check_locates_a_bad_grid_in_the_file(tmp_path: Path) -> None:
    text = (REPO / "methods" / "user-journey-map.toml").read_text(encoding="utf-8")
    first = '[[steps.input.columns]]\nid = "aware"'
    assert first in text
    text = text.replace(first, '[[steps.input.regions]]\nid = "aware"', 1)
    folder = tmp_path / "methods"
    folder.mkdir()
    (folder / "user-journey-map.toml").write_text(text, encoding="utf-8")
    library = load_library((), (), (folder,), config=False, bundled=False, cwd=False)
    (problem,) = library.problems
    assert problem.field == "steps[1].input" and "not both" in problem.message
    line = text.splitlines()[problem.line - 1]
    assert line == "[steps.input]"


def test_the_bundled_journey_map_and_blueprint_are_grids() -> None:
    library = load_library((), (), (), config=False, cwd=False)
    journey = library.methods["user-journey-map"]
    blueprint = library.methods["service-blueprint"]
    (map_step,) = [s for s in journey.steps if s.id == "map"]
    (lanes,) = [s for s in blueprint.steps if s.id == "blueprint"]
    assert isinstance(map_step.input, CanvasInput) and map_step.input.is_grid
    assert [r.label for r in map_step.input.rows] == [
        "What they do",
        "Who they meet",
        "How it feels",
    ]
    assert len(map_step.input.columns) == 5
    assert isinstance(lanes.input, CanvasInput) and lanes.input.is_grid
    assert [r.id for r in lanes.input.rows][:3] == ["user-actions", "front-stage", "back-stage"]
    assert journey.sources and blueprint.sources  # kept from the method's sources


# ------------------------------------------------------------------ the engine


def test_notes_go_in_one_existing_cell_and_move_between_cells() -> None:
    engine = grid_engine()
    ann = join(engine)
    with pytest.raises(Rejected, match="Choose where on the canvas"):
        engine.execute(c.AddNote(text="no cell"), ann)
    with pytest.raises(Rejected, match=r"Unknown place on the canvas 'doing\.later'"):
        engine.execute(c.AddNote(text="no such cell", region="doing.later"), ann)
    with pytest.raises(Rejected, match="Unknown place on the canvas 'doing'"):
        engine.execute(c.AddNote(text="a row is not a cell", region="doing"), ann)
    note = engine.execute(c.AddNote(text="Queue", region="doing.during"), ann).data["note"]
    engine.execute(c.PlaceNote(note=note, region="feeling.after"))
    with pytest.raises(Rejected, match="Unknown place"):
        engine.execute(c.PlaceNote(note=note, region="feeling.never"))
    assert engine.state.notes[note].region == "feeling.after"  # nothing lost
    assert [n.text for n in engine.state.notes.values()] == ["Queue"]


PLACES = st.sampled_from([*CELLS, "doing", "feeling.never", "x.y", None])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moves=st.lists(st.tuples(st.booleans(), PLACES, st.integers(0, 5)), max_size=25))
def test_every_placed_note_is_in_exactly_one_cell_and_replay_agrees(moves) -> None:
    engine = grid_engine()
    ann = join(engine)
    for add, place, pick in moves:
        notes = list(engine.state.notes)
        try:
            if add or not notes:
                engine.execute(c.AddNote(text=f"n{pick}", region=place), ann)
            else:
                note = notes[pick % len(notes)]
                engine.execute(c.PlaceNote(note=note, region=place or "nowhere"))
        except Rejected:
            pass
    record = Record.from_engine(engine)
    table = record.grid("0.0")
    assert table is not None and not table.unplaced
    placed = [n.id for row in table.cells for cell in row for n in cell]
    assert sorted(placed) == sorted(engine.state.notes)  # each once, none missing
    assert all(n.region in CELLS for n in engine.state.notes.values())
    fresh = SessionState(run_id="x", plan_id="test-plan", created_at=0)
    for event in engine.history:
        apply(fresh, event)
    assert fresh.notes == engine.state.notes


def test_a_snapshot_with_grid_notes_round_trips(tmp_path: Path) -> None:
    engine = grid_engine()
    engine.execute(c.AddNote(text="Lost", region="feeling.before"), join(engine))
    store.write_snapshot(tmp_path / "s.toml", engine.state)
    assert store.read_snapshot(tmp_path / "s.toml") == engine.state


# ------------------------------------------------------------------ the phone


async def test_the_phone_gets_rows_and_columns_and_a_bad_cell_is_a_4xx() -> None:
    engine = grid_engine()
    app = create_app(engine, token="grid-token-1234")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://p"
    ) as http:
        joined = await http.post(
            f"{API}/join", json={"name": "Ann", "client_id": "client-grid-00001-join"}
        )
        headers = {"X-Participant-Key": joined.json()["key"]}
        state = (await http.get(f"{API}/state", headers=headers)).json()
        shown = state["public"]["input"]
        assert [r["label"] for r in shown["rows"]] == ["Doing", "Feeling"]
        assert [r["id"] for r in shown["columns"]] == ["before", "during", "after"]
        assert [r["id"] for r in shown["regions"]] == CELLS
        bad = await http.post(
            f"{API}/notes",
            headers=headers,
            json={"text": "x", "region": "doing.later", "client_id": "grid-note-0001"},
        )
        assert bad.status_code == 422 and "Unknown place" in bad.json()["error"]
        good = await http.post(
            f"{API}/notes",
            headers=headers,
            json={"text": "y", "region": "doing.after", "client_id": "grid-note-0002"},
        )
        assert good.status_code == 201
    assert [n.region for n in engine.state.notes.values()] == ["doing.after"]


# ------------------------------------------------------------------ the TUI


def text_of(board: Board | RoomBoard) -> str:
    board.render_lines(board.scrollable_content_region.reset_offset)
    return "\n".join(board.render_line(y).text for y in range(board.virtual_size.height))


async def test_grid_from_the_keyboard_paper_notes_cells_and_the_room_table() -> None:
    engine = grid_engine(clock=FakeClock())
    engine.execute(c.AddNote(text="Worried", region="feeling.before"), join(engine))
    app = SessionkitApp(engine=engine, join_url="http://127.0.0.1:1/j/test-token")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        info = app.screen.query_one("#boardinfo").render().plain
        assert "between cells" in info
        board = app.screen.query_one(Board)
        sections = [r.ref[0].label for r in board.rows if r.kind == "section"]
        assert sections[:2] == ["Doing · Before", "Doing · During"] and len(sections) == 6
        await pilot.press("a")  # a paper note, for someone without a phone
        assert isinstance(app.screen, NoteEntry)
        await pilot.press("tab")  # the second cell: Doing · During
        await pilot.press(*"Queue", "enter", "escape")
        await until(lambda: len(engine.state.notes) == 2, "the paper note")
        paper = next(n for n in engine.state.notes.values() if n.text == "Queue")
        assert paper.region == "doing.during"
        await pilot.pause()
        board = app.screen.query_one(Board)
        board.move_to_key("note", paper.id)
        await pilot.press("right_square_bracket")  # the next cell
        await until(lambda: paper.region == "doing.after", "moved one cell on")
        await pilot.press("c")
        assert isinstance(app.screen, Picker)
        await pilot.press(*"after", "enter")  # filter: the cells of the last column
        await pilot.pause()
        assert paper.region in ("doing.after", "feeling.after")
        await pilot.press("v")  # the room: a table, rows as rows, stages as columns
        await pilot.pause()
        room = app.screen.query_one(RoomBoard)
        text = text_of(room)
        assert "Doing" in text and "Feeling" in text
        header = next(line for line in text.splitlines() if "Before" in line)
        assert header.index("Before") < header.index("During") < header.index("After")
        worried = next(line for line in text.splitlines() if "Worried" in line)
        assert worried.index("Worried") < header.index("During")  # under Before


# ------------------------------------------------------------------ exports


def test_exports_show_the_grid_as_a_table() -> None:
    engine = grid_engine()
    ann = join(engine)
    engine.execute(c.AddNote(text="Queue | <b>long</b>", region="doing.during"), ann)
    engine.execute(c.AddNote(text="=1+1", region="feeling.after"), ann)
    engine.execute(c.AddNote(text="Relief", region="feeling.after"), ann)
    record = Record.from_engine(engine)
    md = export(record, "md")
    assert "| | Before | During | After |" in md
    assert "| **Doing** |  | Queue \\| \\<b>long\\</b> |  |" in md
    assert "| **Feeling** |  |  | =1+1 · Relief |" in md
    html = export(record, "html")
    assert '<table class="grid">' in html and '<th scope="col">During</th>' in html
    assert '<th scope="row">Feeling</th>' in html
    assert "Queue | &lt;b&gt;long&lt;/b&gt;" in html and "<b>long" not in html
    rows = list(csv.reader(io.StringIO(export(record, "csv").lstrip("\ufeff"))))
    assert any("Feeling · After" in row and "'=1+1" in row for row in rows)
    for fmt in ("json", "toml"):
        back = load_record(export(record, fmt), fmt)
        assert back.state.notes == record.state.notes
        assert back.grid("0.0") == record.grid("0.0")
